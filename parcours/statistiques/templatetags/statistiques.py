import base64
import html

from django import template
from django.utils.html import format_html

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


@register.filter
def carte_svg(svg: str) -> str:
    """A map of the observatory as an image: WeasyPrint lays out an SVG image about twice as
    fast as the same SVG inline, and the report's HTML stays one self-contained file."""
    titre = ""
    if "<title>" in svg:
        titre = svg.split("<title>", 1)[1].split("</title>", 1)[0]
    donnees = base64.b64encode(svg.encode()).decode()
    # The SVG's title is XML-escaped text: unescaped, then escaped again for an attribute
    # (quotes included).
    return format_html(
        '<img src="data:image/svg+xml;base64,{}" alt="{}">', donnees, html.unescape(titre)
    )
