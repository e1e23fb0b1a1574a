from django.urls import path

import parcours.convertisseurs  # noqa: F401  (registers <id:…> and <annee:…>)
from parcours.statistiques import views

app_name = "statistiques"

urlpatterns = [
    path("", views.tableau_de_bord, name="tableau_de_bord"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("export/<slug:cle>.csv", views.export_csv, name="export_csv"),
    path("rapports/", views.rapports_annuels, name="rapports"),
    path("rapports/textes/<annee:annee>/", views.textes_rapport, name="textes_rapport"),
    path("rapports/<id:pk>/", views.rapport, name="rapport"),
    path(
        "rapports/<id:pk>/rapport.<str:format>",
        views.rapport_fichier,
        name="rapport_fichier",
    ),
    path(
        "rapports/<id:pk>/<str:section>/<slug:cle>.csv",
        views.rapport_csv,
        name="rapport_csv",
    ),
]
