"""A map's page: the map frame, its legend column, the scale bar and the source line; the
house colours and the text helpers of the three maps.
"""

import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from parcours.lib import svg
from parcours.lib.nombres import decimal_fr
from parcours.observatoire.cartes.geometrie import (
    PRECISION,
    ContoursPseudoCantons,
    Geometrie,
    Projection,
    chemins_svg,
)

# Layout, in SVG units (800 units over the 17 cm of an A4 page's text: 1 unit ≈ 0.2 mm).
LARGEUR = 800


MARGE = 16


LARGEUR_CARTE = 500


X_LEGENDE = MARGE + LARGEUR_CARTE + 20


LARGEUR_LEGENDE = LARGEUR - X_LEGENDE - MARGE


HAUTEUR_ENTETE = 62


HAUTEUR_CARTE_MIN, HAUTEUR_CARTE_MAX = 360, 680


# Average advance of a character of the DSFR's Marianne (or Arial), as a share of the font size,
# to wrap lines (SVG text does not wrap by itself).
CHASSE = 0.5


RAYON_MAX = 20  # largest proportional circle, SVG units


RAYON_MAX_ECRAN = 24  # the same on screen (Leaflet circle markers, pixels)


RAYON_MIN = 1.2


# DSFR colour tokens.
BLANC, GRIS_CLAIR, GRIS_MOYEN, GRIS, GRIS_FONCE = (
    "#ffffff",
    "#eeeeee",
    "#dddddd",
    "#666666",
    "#3a3a3a",
)


BLEU_FRANCE, BLEU_CLAIR, BLEU_MOYEN = "#000091", "#cacafb", "#6a6af4"


ROUGE_MARIANNE, MENTHE = "#e1000f", "#009081"


SOURCE_GEOGRAPHIE = "géographie INSEE (COG). Traitement : Parcours."


def couper_lignes(texte: str, largeur: float, taille: float) -> list[str]:
    return textwrap.wrap(texte, max(10, int(largeur / (CHASSE * taille)))) or [""]


def paragraphe(
    texte: str, x: float, y: float, largeur: float, taille: float, **attributs: str
) -> tuple[str, float]:
    """Wrapped text; returns the SVG and the y under its last line."""
    lignes = couper_lignes(texte, largeur, taille)
    interligne = taille * 1.3
    extra = "".join(f' {k.replace("_", "-")}="{svg.attribut(v)}"' for k, v in attributs.items())
    tspans = "".join(
        f'<tspan x="{svg.n(x)}" y="{svg.n(y + taille + i * interligne)}">{svg.texte(ligne)}</tspan>'
        for i, ligne in enumerate(lignes)
    )
    return f'<text font-size="{taille}"{extra}>{tspans}</text>', y + len(lignes) * interligne


def valeur_ronde(maximum: float) -> float:
    """The largest of 1, 2, 5 × 10^k not above `maximum`."""
    if maximum <= 0:
        return 0.0
    puissance = 10 ** math.floor(math.log10(maximum))
    return max(m * puissance for m in (1, 2, 5) if m * puissance <= maximum)


class Figure:
    """A map and its legend column: header, map frame, legend, scale bar, source line."""

    def __init__(
        self,
        titre: str,
        sous_titre: str,
        bornes: Sequence[float],
        largeur_mm: float | None,
    ) -> None:
        self.titre, self.sous_titre, self.largeur_mm = titre, sous_titre, largeur_mm
        min_lon, min_lat, max_lon, max_lat = bornes
        lat0 = (min_lat + max_lat) / 2
        etendue_x = (max_lon - min_lon) * math.cos(math.radians(lat0)) or 1e-9
        hauteur = LARGEUR_CARTE * (max_lat - min_lat) / etendue_x
        self.hauteur_carte = min(max(hauteur, HAUTEUR_CARTE_MIN), HAUTEUR_CARTE_MAX)
        self.projection = Projection.ajustee(
            bornes, LARGEUR_CARTE, self.hauteur_carte, marge=8, x=MARGE, y=HAUTEUR_ENTETE
        )
        self.carte: list[str] = []
        self.legende: list[str] = []
        self.y = HAUTEUR_ENTETE + 4.0  # where the legend goes on

    def titre_legende(self, texte: str) -> None:
        balise, self.y = paragraphe(
            texte, X_LEGENDE, self.y, LARGEUR_LEGENDE, 13, font_weight="bold", fill="#161616"
        )
        self.legende.append(balise)
        self.y += 4

    def case(self, couleur: str, libelle: str, classe: str) -> None:
        """A colour swatch and its label."""
        self.legende.append(
            f'<rect x="{X_LEGENDE}" y="{svg.n(self.y + 1)}" width="22" height="13" '
            f'fill="{couleur}" stroke="{GRIS}" stroke-width="0.6" data-classe="{classe}"/>'
        )
        balise, fin = paragraphe(libelle, X_LEGENDE + 30, self.y - 1, LARGEUR_LEGENDE - 30, 12)
        self.legende.append(balise)
        self.y = max(fin, self.y + 15) + 5

    def symbole(self, svg_symbole: str, libelle: str, hauteur: float = 15) -> None:
        """A point symbol (drawn around (0, 0), placed here) and its label."""
        self.legende.append(
            f'<g transform="translate({X_LEGENDE + 11},{svg.n(self.y + hauteur / 2)})">'
            f"{svg_symbole}</g>"
        )
        balise, fin = paragraphe(libelle, X_LEGENDE + 30, self.y - 1, LARGEUR_LEGENDE - 30, 12)
        self.legende.append(balise)
        self.y = max(fin, self.y + hauteur) + 5

    def note(self, texte: str) -> None:
        balise, self.y = paragraphe(texte, X_LEGENDE, self.y, LARGEUR_LEGENDE, 10.5, fill=GRIS)
        self.legende.append(balise)
        self.y += 6

    def ecart(self, hauteur: float = 8) -> None:
        self.y += hauteur

    def _echelle(self, y: float) -> str:
        """A scale bar of a round number of km, in two halves, and a north arrow beside it."""
        km_par_unite = self.projection.km_par_unite
        km = valeur_ronde(0.7 * (LARGEUR_LEGENDE - 40) * km_par_unite)
        longueur = km / km_par_unite
        texte_km = decimal_fr(km)
        moitie = longueur / 2
        x = X_LEGENDE
        return (
            f'<g class="echelle" data-km="{texte_km}">'
            f'<rect x="{svg.n(x)}" y="{svg.n(y)}" width="{moitie:.3f}" height="5" '
            f'fill="{GRIS_FONCE}"/>'
            f'<rect x="{x + moitie:.3f}" y="{svg.n(y)}" width="{moitie:.3f}" height="5" '
            f'fill="{BLANC}" stroke="{GRIS_FONCE}" stroke-width="0.8"/>'
            f'<text x="{svg.n(x)}" y="{svg.n(y + 17)}" font-size="11" text-anchor="middle">0</text>'
            f'<text x="{x + longueur:.1f}" y="{svg.n(y + 17)}" font-size="11" '
            f'text-anchor="middle">{texte_km} km</text></g>'
            f'<g class="nord" transform="translate({svg.n(X_LEGENDE + LARGEUR_LEGENDE - 12)},'
            f'{svg.n(y - 14)})"><path d="M0,-12 L6,6 L0,2 L-6,6 Z" fill="{GRIS_FONCE}"/>'
            f'<text y="20" font-size="11" text-anchor="middle" font-weight="bold">N</text></g>'
        )

    def rendre(self, source: str) -> str:
        """The standalone SVG document."""
        y_echelle = max(self.y + 22, HAUTEUR_ENTETE + 40)
        self.legende.append(self._echelle(y_echelle))
        bas = max(HAUTEUR_ENTETE + self.hauteur_carte, y_echelle + 24) + 10
        texte_source, fin = paragraphe(source, MARGE, bas, LARGEUR - 2 * MARGE, 10.5, fill=GRIS)
        hauteur = math.ceil(fin + 10)
        entete, _ = paragraphe(
            self.titre, MARGE, 8, LARGEUR - 2 * MARGE, 17, font_weight="bold", fill="#161616"
        )
        sous_titre, _ = paragraphe(
            self.sous_titre, MARGE, 32, LARGEUR - 2 * MARGE, 12.5, fill=GRIS_FONCE
        )
        if self.largeur_mm:
            taille = (
                f'width="{self.largeur_mm:g}mm" '
                f'height="{self.largeur_mm * hauteur / LARGEUR:.1f}mm"'
            )
        else:
            taille = 'width="100%"'
        titre = f"{self.titre} — {self.sous_titre}"
        corps = [
            f'<rect width="{LARGEUR}" height="{hauteur}" fill="{BLANC}"/>',
            f"{entete}{sous_titre}",
            f'<g class="carte">{"".join(self.carte)}</g>',
            f'<g class="legende">{"".join(self.legende)}</g>',
            f'<g class="source">{texte_source}</g>',
        ]
        return svg.svg(
            LARGEUR, hauteur, titre, corps, taille=taille, font_size="12", fill="#161616"
        )

    # Map layers

    def surfaces(
        self,
        elements: Sequence[tuple[str, Geometrie | None, str, str, str]],
        contour: str,
        epaisseur: float,
    ) -> None:
        """One path per (code, geometry, class, fill, tooltip); no path without geometry."""
        dessinables = [e for e in elements if e[1] is not None and not e[1].is_empty]
        chemins = chemins_svg([e[1] for e in dessinables], self.projection)
        self.carte.append(
            f'<g class="surfaces" transform="scale({1 / PRECISION:g})" stroke="{contour}" '
            f'stroke-width="{epaisseur * PRECISION:g}" '
            f'stroke-linejoin="round" fill-rule="evenodd">'
        )
        self.carte.extend(
            f'<path d="{d}" fill="{couleur}" data-code="{svg.attribut(code)}" '
            f'data-classe="{classe}"><title>{svg.texte(infobulle)}</title></path>'
            for (code, _, classe, couleur, infobulle), d in zip(dessinables, chemins, strict=True)
        )
        self.carte.append("</g>")

    def limites(self, departements: ContoursPseudoCantons | None) -> None:
        """Département outlines over the surfaces."""
        if not departements:
            return
        codes = [c for c, (_, g) in departements.items() if g is not None]
        chemins = chemins_svg([departements[c][1] for c in codes], self.projection)
        self.carte.append(
            f'<g class="departements" transform="scale({1 / PRECISION:g})" fill="none" '
            f'stroke="{GRIS_FONCE}" stroke-width="{1.1 * PRECISION:g}" '
            f'stroke-linejoin="round">'
            + "".join(
                f'<path d="{d}"><title>{svg.texte(departements[c][0])}</title></path>'
                for c, d in zip(codes, chemins, strict=True)
            )
            + "</g>"
        )

    def lieux(self, lieux: Sequence[Mapping[str, Any]]) -> None:
        if not lieux:
            return
        x, y = self.projection.xy(
            np.array([lieu["longitude"] for lieu in lieux], dtype=float),
            np.array([lieu["latitude"] for lieu in lieux], dtype=float),
        )
        self.carte.append(f'<g class="lieux" fill="{ROUGE_MARIANNE}" stroke="{BLANC}">')
        self.carte.extend(
            f'<rect x="{a - 3.5:.1f}" y="{b - 3.5:.1f}" width="7" height="7" stroke-width="1.2" '
            f'data-code="{svg.attribut(lieu["code"])}"><title>{svg.texte(lieu["nom"])}</title></rect>'
            for lieu, a, b in zip(lieux, x.tolist(), y.tolist(), strict=True)
        )
        self.carte.append("</g>")
