"""The campaigns' entries of the menu: the cadre's campaigns, the agents' work list."""

from django.urls import reverse

from parcours.campagnes import perms
from parcours.lib.menu import Entree


def entrees(user) -> list[Entree]:
    if perms.can_manage(user):
        return [Entree("Campagnes", reverse("campagnes:liste"), "liste", 94)]
    if perms.can_contact(user):
        return [Entree("À contacter", reverse("campagnes:a_contacter"), "a_contacter", 27)]
    return []
