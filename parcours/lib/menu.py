"""A menu entry: each app publishes its own (its `menu.py`), the home shell orders them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Entree:
    libelle: str
    url: str
    nom: str  # the URL name, to mark the current page
    rang: int  # place in the menu, smallest first
