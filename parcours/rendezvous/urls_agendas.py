"""The agendas' pages (parcours.rendezvous.agendas)."""

urlpatterns: list = []
