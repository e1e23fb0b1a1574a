"""The public pages reached by a link sent to the person: self-booking, the waiting list's
proposals (parcours.rendezvous.publique). Short paths: the link fits in one SMS."""

from django.urls import path

from parcours.rendezvous import publique

urlpatterns = [
    path("rdv/<str:jeton>/", publique.lien, name="lien"),
    path("rdv/t/<str:jeton>/", publique.plus_tot, name="plus_tot"),
]
