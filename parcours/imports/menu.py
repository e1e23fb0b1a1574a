"""The imports' entry of the menu."""

from django.urls import reverse

from parcours.imports import perms
from parcours.lib.menu import Entree


def entrees(user) -> list[Entree]:
    if perms.can_import_any(user):
        return [Entree("Import de données", reverse("imports:televerser"), "televerser", 120)]
    return []
