"""The one progress component of the jobs people wait for (imports, report editions,
computations of the observatory): `{% progression … %}`."""

from django import template
from django.utils import timezone

from parcours.travaux.models import Battement
from parcours.travaux.surveillance import DELAI_MORT

register = template.Library()


def travailleur_en_vie() -> bool:
    return Battement.objects.filter(vu_le__gte=timezone.now() - DELAI_MORT).exists()


@register.inclusion_tag("travaux/progression.html")
def progression(
    *,
    identifiant: str,
    url: str,
    etape: str,
    pourcentage: int,
    suite: str,
    detail: str = "",
    attente: bool = False,
) -> dict:
    """The job under way: its step, a progress bar, what happens if one leaves the page; the
    fragment asks `url` for itself again every second (htmx). A job still waiting while no
    worker is alive says so — nobody waits for nothing."""
    return {
        "identifiant": identifiant,
        "url": url,
        "etape": etape or "En attente",
        "pourcentage": max(0, min(100, int(pourcentage or 0))),
        "suite": suite,
        "detail": detail,
        "sans_travailleur": attente and not travailleur_en_vie(),
    }
