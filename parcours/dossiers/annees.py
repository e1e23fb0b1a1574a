"""The years for which the service has data: the choices of every page that asks for a year."""

from datetime import date

from django.db.models import Min
from django.utils import timezone

from parcours.dossiers.models import Accompagnement, Entretien


def derniere_annee_complete(annees: list[int]) -> int:
    """The default year of a page among `annees_disponibles()`: the last full one (the report
    of year N is published in N+1; a year under way would be compared with a whole one)."""
    return annees[1] if len(annees) > 1 else annees[0]


def annees_disponibles(aujourd_hui: date | None = None) -> list[int]:
    """The years that can be asked for: from the first interview or accompaniment on record
    to the current year, most recent first."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    premieres = [
        Entretien.objects.aggregate(d=Min("date"))["d"],
        Accompagnement.objects.aggregate(d=Min("date_debut"))["d"],
    ]
    debut = min((d.year for d in premieres if d is not None), default=aujourd_hui.year)
    return list(range(aujourd_hui.year, debut - 1, -1))
