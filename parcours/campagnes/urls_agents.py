"""The agents' work list and the rows they call, and a campaign's letters
(parcours.campagnes.vues_agents)."""

from django.urls import path

import parcours.convertisseurs  # noqa: F401  (registers <id:…>)
from parcours.campagnes import vues_agents

urlpatterns = [
    path("a-contacter/", vues_agents.a_contacter, name="a_contacter"),
    path("cibles/<id:pk>/", vues_agents.cible, name="cible"),
    path("<id:pk>/courriers/", vues_agents.courriers_campagne, name="courriers"),
]
