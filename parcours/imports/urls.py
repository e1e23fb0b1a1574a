from django.urls import path

import parcours.convertisseurs  # noqa: F401  (registers <id:…> and <annee:…>)
from parcours.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.televerser, name="televerser"),
    path("modele/<slug:type_>/", views.modele, name="modele"),
    path("<id:pk>/", views.suivi, name="suivi"),
    path("<id:pk>/progression/", views.progression, name="progression"),
]
