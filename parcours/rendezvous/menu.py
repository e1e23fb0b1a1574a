"""The appointments' entries of the menu: the agent's week, the unit's agendas."""

from django.urls import reverse

from parcours.lib.menu import Entree
from parcours.organisation.enums import Role
from parcours.organisation.perms import role_de
from parcours.rendezvous import perms


def entrees(user) -> list[Entree]:
    resultat = []
    if perms.can_view_agendas(user) and role_de(user) in (Role.ASS, Role.CSAM):
        resultat.append(Entree("Mon agenda", reverse("rendezvous:semaine"), "semaine", 25))
    if perms.can_view_occupation(user):
        resultat.append(
            Entree("Agendas de l'unité", reverse("rendezvous:occupation"), "occupation", 92)
        )
    return resultat
