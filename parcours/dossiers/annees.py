"""The years for which the service has data: the choices of every page that asks for a year."""

from datetime import date

from django.db.models import Min
from django.utils import timezone

from parcours.dossiers.models import Accompagnement, Entretien


def derniere_annee_complete(annees: list[int]) -> int:
    """The default year of a page among `annees_disponibles()`: the last full one (the report
    of year N is published in N+1; a year under way would be compared with a whole one)."""
    return annees[1] if len(annees) > 1 else annees[0]


def debut_des_donnees() -> date | None:
    """The date of the first interview or accompaniment on record."""
    premieres = [
        Entretien.objects.aggregate(d=Min("date"))["d"],
        Accompagnement.objects.aggregate(d=Min("date_debut"))["d"],
    ]
    return min((d for d in premieres if d is not None), default=None)


def annees_disponibles(aujourd_hui: date | None = None) -> list[int]:
    """The years that can be asked for: from the first interview or accompaniment on record
    to the current year, most recent first."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    debut = debut_des_donnees()
    return list(range(aujourd_hui.year, (debut.year if debut else aujourd_hui.year) - 1, -1))


def annees_completes(
    annees: list[int], debut: date | None, aujourd_hui: date | None = None
) -> list[bool]:
    """Whether each year is a whole year of data: over, and with records from its first month
    (a year the service began using Parcours in, or one under way, is not comparable)."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    return [
        debut is not None and debut <= date(annee, 1, 31) and annee < aujourd_hui.year
        for annee in annees
    ]
