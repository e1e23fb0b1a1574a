from django.urls import path

from parcours.statistiques import views

app_name = "statistiques"

urlpatterns = [
    path("", views.tableau_de_bord, name="tableau_de_bord"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("export/<slug:cle>.csv", views.export_csv, name="export_csv"),
    path("rapports/", views.rapports_annuels, name="rapports"),
    path("rapports/textes/<int:annee>/", views.textes_rapport, name="textes_rapport"),
    path("rapports/<int:pk>/", views.rapport, name="rapport"),
    path(
        "rapports/<int:pk>/rapport.<str:format>",
        views.rapport_fichier,
        name="rapport_fichier",
    ),
    path(
        "rapports/<int:pk>/<str:section>/<slug:cle>.csv",
        views.rapport_csv,
        name="rapport_csv",
    ),
]
