"""Charts drawn on the server as SVG: one figure serves the screen and the printed report.

Masked values (statistical secrecy) get no bar, only their « < 11 » or « secret » label.
"""

from collections.abc import Sequence

from django.utils.safestring import SafeString

from parcours.lib.svg import svg, texte
from parcours.statistiques.tableaux import Valeur

COULEURS = ("#000091", "#e1000f", "#009081", "#a558a0", "#c3992a", "#666666")


def barres(titre: str, elements: Sequence[tuple[str, Valeur]], largeur: int = 720) -> SafeString:
    """Horizontal bars, one per labelled value."""
    marge, hauteur_barre, pas = 330, 20, 30
    maximum = max((v.publie or 0 for _, v in elements), default=0) or 1
    place = largeur - marge - 90
    corps = []
    for i, (libelle, valeur) in enumerate(elements):
        y = 10 + i * pas
        corps.append(
            f'<text x="{marge - 8}" y="{y + 14}" text-anchor="end">{texte(libelle)}</text>'
        )
        longueur = 0 if valeur.publie is None else place * valeur.publie / maximum
        if longueur:
            corps.append(
                f'<rect x="{marge}" y="{y}" width="{longueur:.1f}" height="{hauteur_barre}" '
                f'fill="{COULEURS[i % len(COULEURS)]}"/>'
            )
        corps.append(
            f'<text x="{marge + longueur + 6:.1f}" y="{y + 14}">{texte(valeur.texte)}</text>'
        )
    return svg(largeur, 20 + len(elements) * pas, titre, corps, font_size="12")


def colonnes(titre: str, elements: Sequence[tuple[str, Valeur]], largeur: int = 640) -> SafeString:
    """Vertical bars (e.g. interviews by month)."""
    hauteur, bas, gauche = 220, 190, 10
    pas = (largeur - 2 * gauche) / max(len(elements), 1)
    maximum = max((v.publie or 0 for _, v in elements), default=0) or 1
    corps = [f'<line x1="0" y1="{bas}" x2="{largeur}" y2="{bas}" stroke="#929292"/>']
    for i, (libelle, valeur) in enumerate(elements):
        x = gauche + i * pas
        h = 0 if valeur.publie is None else 150 * valeur.publie / maximum
        if h:
            corps.append(
                f'<rect x="{x + pas * 0.15:.1f}" y="{bas - h:.1f}" width="{pas * 0.7:.1f}" '
                f'height="{h:.1f}" fill="{COULEURS[0]}"/>'
            )
        milieu = x + pas / 2
        corps.append(
            f'<text x="{milieu:.1f}" y="{bas - h - 5:.1f}" text-anchor="middle" '
            f'font-size="10">{texte(valeur.texte)}</text>'
        )
        corps.append(
            f'<text x="{milieu:.1f}" y="{bas + 16}" text-anchor="middle">{texte(libelle)}</text>'
        )
    return svg(largeur, hauteur, titre, corps, font_size="12")


def repartition(
    titre: str, elements: Sequence[tuple[str, Valeur]], largeur: int = 640
) -> SafeString:
    """A 100 % bar split into shares, with its legend (e.g. interviews by mode)."""
    total = sum(v.publie or 0 for _, v in elements)
    corps, x = [], 0.0
    for i, (_, valeur) in enumerate(elements):
        part = (valeur.publie or 0) / total if total else 0
        if part:
            corps.append(
                f'<rect x="{x:.1f}" y="0" width="{largeur * part:.1f}" height="28" '
                f'fill="{COULEURS[i % len(COULEURS)]}"/>'
            )
        x += largeur * part
    for i, (libelle, valeur) in enumerate(elements):
        y = 48 + i * 22
        corps.append(
            f'<rect x="0" y="{y - 11}" width="14" height="14" '
            f'fill="{COULEURS[i % len(COULEURS)]}"/>'
        )
        corps.append(f'<text x="22" y="{y}">{texte(libelle)} : {texte(valeur.texte)}</text>')
    return svg(largeur, 40 + len(elements) * 22, titre, corps, font_size="12")
