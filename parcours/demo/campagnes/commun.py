"""What the parts of the demo campaigns share: the campaigns' plan, working days and hours, a
weighted draw, and rows written at the date they happened."""

import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from parcours.rendezvous.creneaux import a_paris, jours_feries


@dataclass(frozen=True)
class Plan:
    """A demo campaign: when its list was validated, its size and what it holds."""

    nom: str  # with the month of the list
    jours: int  # validated this many days ago
    lignes: int
    departements: tuple[str, ...]  # () : the whole territory
    exclusions: dict[str, int]  # reason → rows made to meet it
    corrigees: int  # rows with an error, corrected on screen
    exclues_main: int  # rows with an error, excluded by hand
    close: bool  # worked six weeks, then closed


def tirage(alea: random.Random, ponderes) -> str:
    return alea.choices([v for v, _ in ponderes], weights=[p for _, p in ponderes])[0]


@cache
def _feries(departement: str | None, annee: int) -> frozenset[date]:
    return frozenset(jours_feries(departement, date(annee, 1, 1), date(annee, 12, 31)))


def ouvre(jour: date, pas: int = 1, departement: str | None = None) -> date:
    """The day itself if a working day, else the next one (`pas` 1) or the last one (-1)."""
    while jour.weekday() >= 5 or jour in _feries(departement, jour.year):
        jour += timedelta(days=pas)
    return jour


def heure(alea: random.Random, jour: date) -> datetime:
    """A time of the working day, from `jour` on (a call, a call back)."""
    return a_paris(ouvre(jour), time(9 + alea.randint(0, 7), alea.choice((0, 15, 30, 45))))


@contextmanager
def a_leur_date(modele, champ: str):
    """Rows written with the date they happened at, which `auto_now_add` would replace by the
    time of the insert."""
    horodatage = modele._meta.get_field(champ)
    horodatage.auto_now_add = False
    try:
        yield
    finally:
        horodatage.auto_now_add = True
