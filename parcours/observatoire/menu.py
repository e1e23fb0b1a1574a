"""The observatory's entry of the menu."""

from django.urls import reverse

from parcours.lib.menu import Entree
from parcours.observatoire import perms


def entrees(user) -> list[Entree]:
    if perms.can_view_observatoire(user):
        return [Entree("Observatoire", reverse("observatoire:page"), "observatoire", 70)]
    return []
