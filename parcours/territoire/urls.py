from django.urls import path

from parcours.territoire import views, views_observatoire

app_name = "territoire"
urlpatterns = [
    path("communes/", views.communes, name="communes"),
    path("observatoire/", views_observatoire.page, name="observatoire"),
    path("observatoire/calcul/", views_observatoire.calcul, name="calcul_observatoire"),
    path(
        "observatoire/progression/",
        views_observatoire.progression,
        name="progression_observatoire",
    ),
    path(
        "observatoire/couches/<str:nom>.geojson",
        views_observatoire.couche,
        name="couche_observatoire",
    ),
    path(
        "observatoire/cartes/<str:nom>.svg", views_observatoire.carte_svg, name="carte_observatoire"
    ),
    path(
        "observatoire/observatoire.json", views_observatoire.export_json, name="json_observatoire"
    ),
]
