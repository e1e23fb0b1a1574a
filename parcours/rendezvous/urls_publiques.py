"""The public pages reached by a link sent to the person: self-booking, the waiting list's
proposals (parcours.rendezvous.publique)."""

urlpatterns: list = []
