from django.urls import include, path

import parcours.convertisseurs  # noqa: F401  (registers <id:…>)
from parcours.rendezvous import views

app_name = "rendezvous"
urlpatterns = [
    path("dossiers/<id:pk>/rendez-vous/", views.prendre, name="prendre"),
    # The agendas: an agent's week, a place's day sheet, the unit's occupancy (agendas.py).
    path("", include("parcours.rendezvous.urls_agendas")),
    # The public pages reached by a link, without an account (publique.py).
    path("", include("parcours.rendezvous.urls_publiques")),
]
