from django.urls import path

from parcours.observatoire import views

# Served under /territoire/observatoire/, where the observatory has always been.
app_name = "observatoire"
urlpatterns = [
    path("", views.page, name="page"),
    path("calcul/", views.calcul, name="calcul"),
    path("progression/", views.progression, name="progression"),
    path("couches/<str:nom>.geojson", views.couche, name="couche"),
    path("cartes/<str:nom>.svg", views.carte_svg, name="carte"),
    path("observatoire.json", views.export_json, name="json"),
]
