"""The agendas' pages (parcours.rendezvous.agendas)."""

from django.urls import path

import parcours.convertisseurs  # noqa: F401  (registers <id:…>)
from parcours.rendezvous import agendas

urlpatterns = [
    path("rendez-vous/semaine/", agendas.semaine, name="semaine"),
    path("rendez-vous/<id:pk>/constat/", agendas.constat, name="constat"),
    path("rendez-vous/<id:pk>/annuler/", agendas.annuler, name="annuler"),
    path("rendez-vous/feuille/", agendas.feuilles, name="feuilles"),
    path("rendez-vous/lieux/<id:pk>/feuille/", agendas.feuille, name="feuille"),
    path("rendez-vous/lieux/<id:pk>/feuille.pdf", agendas.feuille_pdf, name="feuille_pdf"),
    path("rendez-vous/occupation/", agendas.occupation, name="occupation"),
]
