"""The appointments' entries of the menu."""

from parcours.lib.menu import Entree


def entrees(user) -> list[Entree]:
    return []
