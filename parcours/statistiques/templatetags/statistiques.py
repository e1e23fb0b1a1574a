from django import template

from parcours.statistiques.tableaux import Tableau

register = template.Library()


@register.filter
def valeur(tableau: Tableau, code: str) -> str:
    """The printed count of a row (first column)."""
    return tableau.valeur(code, 0).texte


@register.filter
def valeur_pct(tableau: Tableau, code: str) -> str:
    """The printed share of a row (second column)."""
    return tableau.valeur(code, 1).texte
