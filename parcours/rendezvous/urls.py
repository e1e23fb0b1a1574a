from django.urls import path

import parcours.convertisseurs  # noqa: F401  (registers <id:…>)
from parcours.rendezvous import views

app_name = "rendezvous"
urlpatterns = [
    path("dossiers/<id:pk>/rendez-vous/", views.prendre, name="prendre"),
]
