"""What the charts and the maps share to write SVG: the font, escaping, number format and the
outer element."""

from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

POLICE = "Marianne, Arial, sans-serif"


def texte(valeur: object) -> str:
    """Text content, escaped."""
    return escape(str(valeur))


def attribut(valeur: object) -> str:
    """An attribute value, escaped for double or single quotes."""
    return escape(str(valeur), {'"': "&quot;", "'": "&apos;"})


def n(x: float) -> str:
    """A coordinate to one decimal place."""
    return f"{x:.1f}"


def svg(
    largeur: float,
    hauteur: float,
    titre: str,
    corps: list[str],
    *,
    taille: str = 'width="100%"',
    **attributs: str,
) -> SafeString:
    """A standalone figure with its accessible title, in the house font; `attributs` go on the
    root element (`font_size="12"` is written font-size)."""
    extra = "".join(f' {k.replace("_", "-")}="{attribut(v)}"' for k, v in attributs.items())
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {largeur} {hauteur}" '
        f'{taille} role="img" aria-label="{attribut(titre)}" '
        f'font-family="{POLICE}"{extra}><title>{texte(titre)}</title>' + "".join(corps) + "</svg>"
    )
