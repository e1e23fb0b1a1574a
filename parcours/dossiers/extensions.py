"""What the apps above the dossiers add to the dossier page, without the dossiers knowing them:
buttons (« Prendre rendez-vous », on the dossier and on a signalement's page) and blocks (the
appointments to come). Each app registers its own in its `AppConfig.ready()`; the dossier page
asks each, for the user and the person."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Bouton:
    libelle: str
    url: str


@dataclass(frozen=True)
class Bloc:
    titre: str
    gabarit: str  # a template rendered with `bloc` (this) and `donnees`
    donnees: object
    testid: str = ""


BOUTONS: list[Callable] = []  # (user, assure) -> Bouton | None
BLOCS: list[Callable] = []  # (user, assure) -> Bloc | None
BOUTONS_SIGNALEMENT: list[Callable] = []  # (user, signalement) -> Bouton | None


def boutons(user, assure) -> list[Bouton]:
    return [b for fabrique in BOUTONS if (b := fabrique(user, assure)) is not None]


def blocs(user, assure) -> list[Bloc]:
    return [b for fabrique in BLOCS if (b := fabrique(user, assure)) is not None]


def boutons_signalement(user, signalement) -> list[Bouton]:
    return [b for fabrique in BOUTONS_SIGNALEMENT if (b := fabrique(user, signalement)) is not None]
