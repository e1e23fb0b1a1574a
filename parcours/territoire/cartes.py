"""The observatory's three maps (DESIGN §4), as SVG for the report and as GeoJSON for Leaflet.

- fragility: the composite (0–5 significant criteria) of each pseudo-canton, a choropleth;
- accessibility: each commune's car time to its nearest reception place (≤ 15, 15–30, > 30 min),
  the places, and optionally places proposed by the siting;
- residence: the communes of residence of the persons seen de visu, as proportional circles at
  the town hall; under statistical secrecy a commune with fewer than 11 persons is only shown as
  « moins de 11 », with no circle whose size would give its count away.

Everything here is a pure function of plain data (codes, names, shapely geometries in WGS 84,
counts), except the `contours_*` loaders, which read the official geography with one query each.
No personal data is ever passed in. One palette (`LEGENDES`) colours the SVG and the page's
Leaflet map, so the printed and the on-screen legends agree.
"""

import itertools
import json
import math
import textwrap
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import shapely

from parcours.statistiques.graphiques import POLICE
from parcours.statistiques.secret import SEUIL, TEXTE_MASQUE, Etat
from parcours.statistiques.tableaux import ESPACE_FINE, arrondi, format_compte
from parcours.territoire.fragilite import CRITERES, LIBELLES_CRITERES, LIBELLES_REFERENCES
from parcours.territoire.models import Commune, PseudoCanton

Geometrie = shapely.Geometry
# code -> (name, contour)
ContoursPseudoCantons = Mapping[str, tuple[str, Geometrie | None]]
# INSEE code -> (name, contour, population, latitude, longitude of the town hall)
ContoursCommunes = Mapping[str, tuple[str, Geometrie | None, int | None, float, float]]

# Display simplification, in degrees (about 220 m north–south, 160 m east–west at 44° N). On an
# A4 page the map of a région of 8 départements (some 300 km across) is about 11 cm wide, 1 mm
# for 2.5 km: 0.002° is under 0.1 mm, finer than the borders' stroke, and drops a third of the
# stored points (themselves simplified to 0.001° when loaded). On screen, Leaflet shows the same
# contours without background tiles, so nothing betrays the simplification when zoomed in.
TOLERANCE = 0.002
# Holes smaller than this (square degrees, some 0.8 km²) in a département's outline are slivers
# left between independently simplified pseudo-cantons, not enclaves.
TROU_MINIMAL = 1e-4
DECIMALES_GEOJSON = 4
# Paths are written in tenths of an SVG unit (0.02 mm printed), in groups scaled back.
PRECISION = 10
# Length of one degree of latitude on the sphere of mean radius 6371.0088 km.
KM_PAR_DEGRE = math.pi * 6371.0088 / 180

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
# Fragility, 0 to 5 significant criteria: orange-terre-battue 950 and 850, its main colour,
# pink-tuile main and sun, purple-glycine sun (lightness 94 → 34, evenly darker).
COULEURS_FRAGILITE = ("#fee9e5", "#fcc0b0", "#e4794a", "#ce614a", "#a94645", "#6e445a")


def _criteres(n: int) -> str:
    return f"{n} critère{'s' if n > 1 else ''} significatif{'s' if n > 1 else ''}"


LEGENDES: dict[str, list[dict[str, str]]] = {
    "fragilite": [
        *(
            {"classe": str(n), "libelle": _criteres(n), "couleur": COULEURS_FRAGILITE[n]}
            for n in range(5, -1, -1)
        ),
        {"classe": "secret", "libelle": "secret statistique", "couleur": GRIS_MOYEN},
        {"classe": "sans_donnees", "libelle": "pas de données", "couleur": BLANC},
    ],
    "accessibilite": [
        {"classe": "15", "libelle": "15 minutes ou moins", "couleur": BLEU_MOYEN},
        {"classe": "30", "libelle": "de 15 à 30 minutes", "couleur": BLEU_CLAIR},
        {"classe": "plus_30", "libelle": "plus de 30 minutes", "couleur": GRIS_CLAIR},
        {"classe": "sans_donnees", "libelle": "temps non calculé", "couleur": BLANC},
    ],
    "residence": [
        # The count is the circle's (colour `cercle`); the commune's surface stays white.
        {
            "classe": "effectif",
            "libelle": "personnes reçues (cercle proportionnel)",
            "couleur": BLANC,
            "cercle": BLEU_FRANCE,
        },
        {"classe": "moins_de_11", "libelle": "moins de 11 personnes", "couleur": BLEU_CLAIR},
        {"classe": "aucune", "libelle": "aucune personne reçue", "couleur": BLANC},
    ],
    "lieux": [
        {
            "classe": "lieu",
            "libelle": "lieu d'accueil du service social",
            "couleur": ROUGE_MARIANNE,
        },
        {"classe": "proposition", "libelle": "lieu d'accueil proposé", "couleur": MENTHE},
    ],
}
_COULEUR = {carte: {c["classe"]: c["couleur"] for c in cl} for carte, cl in LEGENDES.items()}
_LIBELLE = {carte: {c["classe"]: c["libelle"] for c in cl} for carte, cl in LEGENDES.items()}

SOURCE_GEOGRAPHIE = "géographie INSEE (COG). Traitement : Parcours."


# Loaders ---------------------------------------------------------------------------------------


def _geometries(textes: Sequence[str], tolerance: float) -> np.ndarray:
    """GeoJSON texts to simplified shapely geometries; a missing contour gives None."""
    lues = shapely.from_geojson([t or None for t in textes], on_invalid="ignore")
    return shapely.simplify(lues, tolerance, preserve_topology=True)


def contours_pseudo_cantons(
    departements: Iterable[str], tolerance: float = TOLERANCE
) -> dict[str, tuple[str, Geometrie | None]]:
    """The pseudo-cantons of these départements: code -> (name, simplified contour)."""
    lignes = list(
        PseudoCanton.objects.filter(departement__in=list(departements))
        .order_by("code")
        .values_list("code", "nom", "contour")
    )
    geometries = _geometries([contour for *_, contour in lignes], tolerance)
    return {code: (nom, g) for (code, nom, _), g in zip(lignes, geometries, strict=True)}


def contours_communes(
    departements: Iterable[str], tolerance: float = TOLERANCE
) -> dict[str, tuple[str, Geometrie | None, int | None, float, float]]:
    """The communes of these départements (not the municipal arrondissements): INSEE code ->
    (name, simplified contour, population, latitude and longitude of the town hall)."""
    lignes = list(
        Commune.objects.communes()
        .filter(departement__in=list(departements))
        .order_by("code")
        .values_list("code", "nom", "contour", "population", "latitude", "longitude")
    )
    geometries = _geometries([ligne[2] for ligne in lignes], tolerance)
    return {
        code: (nom, g, population, lat, lon)
        for (code, nom, _, population, lat, lon), g in zip(lignes, geometries, strict=True)
    }


def contours_departements(
    departements: Iterable[str], tolerance: float = TOLERANCE
) -> dict[str, tuple[str, Geometrie]]:
    """The outlines of these départements, drawn over the maps: code -> (name, contour).

    Dissolved from their pseudo-cantons (a few dozen each: quick), without the slivers that
    independently simplified neighbours leave between them.
    """
    lignes = list(
        PseudoCanton.objects.filter(departement__in=list(departements))
        .exclude(contour="")
        .order_by("departement_id", "code")
        .values_list("departement_id", "departement__nom", "contour")
    )
    geometries = _geometries([contour for *_, contour in lignes], tolerance)
    par_departement: dict[str, tuple[str, list]] = {}
    for (code, nom, _), g in zip(lignes, geometries, strict=True):
        if g is not None:
            par_departement.setdefault(code, (nom, []))[1].append(g)
    resultat = {}
    for code, (nom, parties) in par_departement.items():
        union = shapely.union_all(parties)
        polygones = [
            shapely.Polygon(
                p.exterior, [t for t in p.interiors if shapely.Polygon(t).area >= TROU_MINIMAL]
            )
            for p in shapely.get_parts(union)
            if isinstance(p, shapely.Polygon)
        ]
        resultat[code] = (nom, shapely.MultiPolygon(polygones))
    return resultat


# Projection ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """An equirectangular projection centred on the map: x = (λ − λ₀)·cos φ₀, y = φ − φ₀, scaled
    to SVG units (y downwards).

    Good enough at the scale of a région: over the 2.8° of latitude of Midi-Pyrénées, cos φ
    varies by ±2.3 % around its central value (±4 % over Nouvelle-Aquitaine, the tallest), so
    east–west lengths at the top and bottom edges are off by at most that much, and shapes stay
    as readers know them. The scale bar is exact at the central latitude. No dependency on a
    projection library.
    """

    lon0: float
    lat0: float
    echelle: float  # SVG units per degree of latitude
    cx: float  # SVG position of (lon0, lat0)
    cy: float

    @classmethod
    def ajustee(
        cls,
        bornes: Sequence[float],
        largeur: float,
        hauteur: float,
        marge: float = 0.0,
        x: float = 0.0,
        y: float = 0.0,
    ) -> "Projection":
        """The projection that fits `bornes` (min lon, min lat, max lon, max lat) into the frame
        at (x, y) of size `largeur` × `hauteur`, `marge` inside each edge, centred."""
        min_lon, min_lat, max_lon, max_lat = bornes
        lon0, lat0 = (min_lon + max_lon) / 2, (min_lat + max_lat) / 2
        etendue_x = (max_lon - min_lon) * math.cos(math.radians(lat0))
        etendue_y = max_lat - min_lat
        echelles = []
        if etendue_x > 0:
            echelles.append((largeur - 2 * marge) / etendue_x)
        if etendue_y > 0:
            echelles.append((hauteur - 2 * marge) / etendue_y)
        echelle = min(echelles) if echelles else 1000.0
        return cls(lon0, lat0, echelle, x + largeur / 2, y + hauteur / 2)

    @property
    def km_par_unite(self) -> float:
        return KM_PAR_DEGRE / self.echelle

    def xy(self, lon: Any, lat: Any) -> tuple[Any, Any]:
        """SVG coordinates of points (floats or numpy arrays) given in degrees."""
        facteur = math.cos(math.radians(self.lat0))
        return (
            self.cx + (np.asarray(lon) - self.lon0) * facteur * self.echelle,
            self.cy - (np.asarray(lat) - self.lat0) * self.echelle,
        )


def _bornes(geometries: Iterable[Geometrie | None], points: Iterable[tuple[float, float]]):
    """(min lon, min lat, max lon, max lat) of the geometries and of (lat, lon) points."""
    valides = [g for g in geometries if g is not None and not g.is_empty]
    latlon = np.array(list(points), dtype=float).reshape(-1, 2)
    if len(latlon):
        valides.append(shapely.multipoints(latlon[:, ::-1]))
    if not valides:
        return (0.0, 0.0, 1.0, 1.0)
    return tuple(float(v) for v in shapely.total_bounds(valides))


# SVG -------------------------------------------------------------------------------------------


def _texte(valeur: object) -> str:
    return escape(str(valeur))


def _attribut(valeur: object) -> str:
    return escape(str(valeur), {'"': "&quot;", "'": "&apos;"})


def _n(x: float) -> str:
    return f"{x:.1f}"


def _chemins(geometries: Sequence[Geometrie | None], projection: Projection) -> list[str]:
    """SVG path data of each geometry (polygons, holes included), all coordinates projected at
    once, in whole tenths of a unit (to draw in a group scaled by 1/PRECISION): each ring starts
    at an absolute point, then goes on by relative steps, the shortest text for WeasyPrint to
    parse (a third of absolute coordinates with decimals). Points that round to their
    predecessor, and the closing point (`z` closes), are dropped."""
    tableau = np.empty(len(geometries), dtype=object)
    tableau[:] = list(geometries)
    parties, i_geometrie = shapely.get_parts(tableau, return_index=True)
    anneaux, i_partie = shapely.get_rings(parties, return_index=True)
    coords, i_anneau = shapely.get_coordinates(anneaux, return_index=True)
    x, y = projection.xy(coords[:, 0], coords[:, 1])
    x, y = np.rint(x * PRECISION).astype(np.int64), np.rint(y * PRECISION).astype(np.int64)
    debut = np.ones(len(coords), dtype=bool)
    debut[1:] = i_anneau[1:] != i_anneau[:-1]
    fin = np.roll(debut, -1)
    garde = debut.copy()
    garde[1:] |= (x[1:] != x[:-1]) | (y[1:] != y[:-1])
    garde &= ~fin | debut
    x, y, i_anneau, debut = x[garde], y[garde], i_anneau[garde], debut[garde]
    dx, dy = np.diff(x, prepend=0), np.diff(y, prepend=0)
    dx[debut], dy[debut] = x[debut], y[debut]
    paires = [f"{a},{b}" for a, b in zip(dx.tolist(), dy.tolist(), strict=True)]
    bords = np.flatnonzero(debut).tolist() + [len(paires)]
    d = [""] * len(geometries)
    geometrie_de_l_anneau = i_geometrie[i_partie]
    for debut_anneau, fin_anneau in itertools.pairwise(bords):
        g = geometrie_de_l_anneau[i_anneau[debut_anneau]]
        pas = " ".join(paires[debut_anneau + 1 : fin_anneau])
        d[g] += f"M{paires[debut_anneau]}l{pas}z"
    return d


def _lignes(texte: str, largeur: float, taille: float) -> list[str]:
    return textwrap.wrap(texte, max(10, int(largeur / (CHASSE * taille)))) or [""]


def _paragraphe(
    texte: str, x: float, y: float, largeur: float, taille: float, **attributs: str
) -> tuple[str, float]:
    """Wrapped text; returns the SVG and the y under its last line."""
    lignes = _lignes(texte, largeur, taille)
    interligne = taille * 1.3
    extra = "".join(f' {k.replace("_", "-")}="{_attribut(v)}"' for k, v in attributs.items())
    tspans = "".join(
        f'<tspan x="{_n(x)}" y="{_n(y + taille + i * interligne)}">{_texte(ligne)}</tspan>'
        for i, ligne in enumerate(lignes)
    )
    return f'<text font-size="{taille}"{extra}>{tspans}</text>', y + len(lignes) * interligne


def _valeur_ronde(maximum: float) -> float:
    """The largest of 1, 2, 5 × 10^k not above `maximum`."""
    if maximum <= 0:
        return 0.0
    puissance = 10 ** math.floor(math.log10(maximum))
    return max(m * puissance for m in (1, 2, 5) if m * puissance <= maximum)


def _nombre(x: float) -> str:
    """French decimal: 12,5 — or 12 when whole."""
    x = arrondi(x, 1)
    return format_compte(int(x)) if x == int(x) else f"{x:.1f}".replace(".", ",")


class _Figure:
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
        svg, self.y = _paragraphe(
            texte, X_LEGENDE, self.y, LARGEUR_LEGENDE, 13, font_weight="bold", fill="#161616"
        )
        self.legende.append(svg)
        self.y += 4

    def case(self, couleur: str, libelle: str, classe: str) -> None:
        """A colour swatch and its label."""
        self.legende.append(
            f'<rect x="{X_LEGENDE}" y="{_n(self.y + 1)}" width="22" height="13" '
            f'fill="{couleur}" stroke="{GRIS}" stroke-width="0.6" data-classe="{classe}"/>'
        )
        svg, fin = _paragraphe(libelle, X_LEGENDE + 30, self.y - 1, LARGEUR_LEGENDE - 30, 12)
        self.legende.append(svg)
        self.y = max(fin, self.y + 15) + 5

    def symbole(self, svg_symbole: str, libelle: str, hauteur: float = 15) -> None:
        """A point symbol (drawn around (0, 0), placed here) and its label."""
        self.legende.append(
            f'<g transform="translate({X_LEGENDE + 11},{_n(self.y + hauteur / 2)})">'
            f"{svg_symbole}</g>"
        )
        svg, fin = _paragraphe(libelle, X_LEGENDE + 30, self.y - 1, LARGEUR_LEGENDE - 30, 12)
        self.legende.append(svg)
        self.y = max(fin, self.y + hauteur) + 5

    def note(self, texte: str) -> None:
        svg, self.y = _paragraphe(texte, X_LEGENDE, self.y, LARGEUR_LEGENDE, 10.5, fill=GRIS)
        self.legende.append(svg)
        self.y += 6

    def ecart(self, hauteur: float = 8) -> None:
        self.y += hauteur

    def _echelle(self, y: float) -> str:
        """A scale bar of a round number of km, in two halves, and a north arrow beside it."""
        km_par_unite = self.projection.km_par_unite
        km = _valeur_ronde(0.7 * (LARGEUR_LEGENDE - 40) * km_par_unite)
        longueur = km / km_par_unite
        texte_km = _nombre(km)
        moitie = longueur / 2
        x = X_LEGENDE
        return (
            f'<g class="echelle" data-km="{texte_km}">'
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{moitie:.3f}" height="5" fill="{GRIS_FONCE}"/>'
            f'<rect x="{x + moitie:.3f}" y="{_n(y)}" width="{moitie:.3f}" height="5" '
            f'fill="{BLANC}" stroke="{GRIS_FONCE}" stroke-width="0.8"/>'
            f'<text x="{_n(x)}" y="{_n(y + 17)}" font-size="11" text-anchor="middle">0</text>'
            f'<text x="{x + longueur:.1f}" y="{_n(y + 17)}" font-size="11" '
            f'text-anchor="middle">{texte_km} km</text></g>'
            f'<g class="nord" transform="translate({_n(X_LEGENDE + LARGEUR_LEGENDE - 12)},'
            f'{_n(y - 14)})"><path d="M0,-12 L6,6 L0,2 L-6,6 Z" fill="{GRIS_FONCE}"/>'
            f'<text y="20" font-size="11" text-anchor="middle" font-weight="bold">N</text></g>'
        )

    def rendre(self, source: str) -> str:
        """The standalone SVG document."""
        y_echelle = max(self.y + 22, HAUTEUR_ENTETE + 40)
        self.legende.append(self._echelle(y_echelle))
        bas = max(HAUTEUR_ENTETE + self.hauteur_carte, y_echelle + 24) + 10
        texte_source, fin = _paragraphe(source, MARGE, bas, LARGEUR - 2 * MARGE, 10.5, fill=GRIS)
        hauteur = math.ceil(fin + 10)
        entete, _ = _paragraphe(
            self.titre, MARGE, 8, LARGEUR - 2 * MARGE, 17, font_weight="bold", fill="#161616"
        )
        sous_titre, _ = _paragraphe(
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
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LARGEUR} {hauteur}" '
            f'{taille} role="img" aria-label="{_attribut(titre)}" '
            f'font-family="{POLICE}" font-size="12" fill="#161616">'
            f"<title>{_texte(titre)}</title>"
            f'<rect width="{LARGEUR}" height="{hauteur}" fill="{BLANC}"/>'
            f"{entete}{sous_titre}"
            f'<g class="carte">{"".join(self.carte)}</g>'
            f'<g class="legende">{"".join(self.legende)}</g>'
            f'<g class="source">{texte_source}</g></svg>'
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
        chemins = _chemins([e[1] for e in dessinables], self.projection)
        self.carte.append(
            f'<g class="surfaces" transform="scale({1 / PRECISION:g})" stroke="{contour}" '
            f'stroke-width="{epaisseur * PRECISION:g}" '
            f'stroke-linejoin="round" fill-rule="evenodd">'
        )
        self.carte.extend(
            f'<path d="{d}" fill="{couleur}" data-code="{_attribut(code)}" '
            f'data-classe="{classe}"><title>{_texte(infobulle)}</title></path>'
            for (code, _, classe, couleur, infobulle), d in zip(dessinables, chemins, strict=True)
        )
        self.carte.append("</g>")

    def limites(self, departements: ContoursPseudoCantons | None) -> None:
        """Département outlines over the surfaces."""
        if not departements:
            return
        codes = [c for c, (_, g) in departements.items() if g is not None]
        chemins = _chemins([departements[c][1] for c in codes], self.projection)
        self.carte.append(
            f'<g class="departements" transform="scale({1 / PRECISION:g})" fill="none" '
            f'stroke="{GRIS_FONCE}" stroke-width="{1.1 * PRECISION:g}" '
            f'stroke-linejoin="round">'
            + "".join(
                f'<path d="{d}"><title>{_texte(departements[c][0])}</title></path>'
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
            f'data-code="{_attribut(lieu["code"])}"><title>{_texte(lieu["nom"])}</title></rect>'
            for lieu, a, b in zip(lieux, x.tolist(), y.tolist(), strict=True)
        )
        self.carte.append("</g>")


_CARRE_LIEU = (
    f'<rect x="-3.5" y="-3.5" width="7" height="7" fill="{ROUGE_MARIANNE}" '
    f'stroke="{BLANC}" stroke-width="1.2"/>'
)


def _losange(numero: str) -> str:
    return (
        f'<path d="M0,-9 L9,0 L0,9 L-9,0 Z" fill="{MENTHE}" stroke="{BLANC}" stroke-width="1.2"/>'
        f'<text y="3.6" font-size="10" font-weight="bold" text-anchor="middle" '
        f'fill="{BLANC}">{_texte(numero)}</text>'
    )


def _lieux_avec_compte(lieux: Sequence[Mapping[str, Any]]) -> str:
    return f"Lieux d'accueil du service social ({format_compte(len(lieux))})"


# Texts of the tooltips -------------------------------------------------------------------------


def _pourcent(x: float | None) -> str:
    return "—" if x is None else f"{_nombre(x)}{ESPACE_FINE}%"


def _classe_fragilite(territoire: Mapping[str, Any] | None) -> str:
    if territoire is None:
        return "sans_donnees"
    composite = territoire.get("composite")
    return "secret" if composite is None else str(int(composite))


def _textes_fragilite(territoire: Mapping[str, Any] | None) -> tuple[str, str, list[str]]:
    """(composite, population, one line per criterion) as the reader sees them."""
    if territoire is None:
        return "pas de données", "", []
    composite = territoire.get("composite")
    population = territoire.get("population_25_54")
    if composite is None or population is None or population < SEUIL:
        return (
            "secret statistique",
            f"{TEXTE_MASQUE[Etat.PRIMAIRE]} personnes de 25 à 54 ans",
            [],
        )
    criteres = territoire.get("criteres") or {}
    details = []
    for critere in CRITERES:
        c = criteres.get(critere)
        if not c:
            continue
        mention = " — significatif" if c.get("significatif") else ""
        details.append(
            f"{LIBELLES_CRITERES[critere][:1].upper()}{LIBELLES_CRITERES[critere][1:]} : "
            f"{_pourcent(c.get('taux'))} (référence {_pourcent(c.get('taux_reference'))})"
            f"{mention}"
        )
    return (
        f"{_criteres(int(composite))} sur 5",
        f"{format_compte(int(population))} personnes de 25 à 54 ans",
        details,
    )


def _classe_minutes(valeur: Mapping[str, Any] | None) -> str:
    minutes = None if valeur is None else valeur.get("minutes")
    if minutes is None:
        return "sans_donnees"
    if minutes <= 15:
        return "15"
    return "30" if minutes <= 30 else "plus_30"


def _texte_minutes(valeur: Mapping[str, Any] | None, noms_lieux: Mapping[str, str]) -> str:
    if valeur is None:
        return "temps d'accès non calculé"
    minutes = valeur.get("minutes")
    if minutes is None:
        return "temps d'accès non disponible (aucun trajet trouvé)"
    lieu = valeur.get("lieu_accueil")
    nom = noms_lieux.get(lieu, lieu) if lieu is not None else None
    if minutes == 0:
        return "lieu d'accueil dans la commune" + (f" : {nom}" if nom else "")
    return f"{_nombre(minutes)} min" + (f" jusqu'à {nom}" if nom else "")


def _classe_residence(n: int | None, masque: bool) -> str:
    if n is None:
        return "moins_de_11"
    if n <= 0:
        return "aucune"
    return "moins_de_11" if masque and n < SEUIL else "effectif"


def _texte_residence(n: int | None, classe: str) -> str:
    if classe == "aucune":
        return "aucune personne reçue de visu"
    if classe == "moins_de_11":
        return f"{TEXTE_MASQUE[Etat.PRIMAIRE]} personnes"
    assert n is not None
    return f"{format_compte(n)} personne{'s' if n > 1 else ''} reçue{'s' if n > 1 else ''} de visu"


def _alpha(alpha: float) -> str:
    return f"{_nombre(100 * alpha)}{ESPACE_FINE}%"


def _gain(proposition: Mapping[str, Any]) -> str:
    gain = proposition.get("gain", proposition.get("population_gagnee"))
    if gain is None or isinstance(gain, str):
        return gain or ""
    return f"+{format_compte(round(gain))} personnes"


# SVG maps --------------------------------------------------------------------------------------


def carte_fragilite(
    contours: ContoursPseudoCantons,
    territoires: Mapping[str, Mapping[str, Any]],
    parametres: Mapping[str, Any],
    *,
    departements: ContoursPseudoCantons | None = None,
    largeur_mm: float | None = None,
) -> str:
    """The fragility composite by pseudo-canton (DESIGN §4), as a standalone SVG.

    `territoires` and `parametres` are those of DESIGN §5's `observatoire` JSON; a pseudo-canton
    of `contours` missing from `territoires` is « pas de données ». `departements` (see
    `contours_departements`) adds their outlines; `largeur_mm` gives the figure a printed width
    (the default fills its container).
    """
    annee = parametres.get("annee", "")
    figure = _Figure(
        "Fragilité composite du service social",
        f"Nombre de critères significatifs par canton ou ville — population de 25 à 54 ans, "
        f"{annee}",
        _bornes((g for _, g in contours.values()), ()),
        largeur_mm,
    )
    elements = []
    effectifs: Counter[str] = Counter()
    for code, (nom, geometrie) in contours.items():
        territoire = territoires.get(code)
        classe = _classe_fragilite(territoire)
        effectifs[classe] += 1
        composite, population, details = _textes_fragilite(territoire)
        infobulle = " — ".join(filter(None, [nom, composite, population]))
        elements.append((code, geometrie, classe, _COULEUR["fragilite"][classe], infobulle))
    figure.surfaces(elements, BLANC, 0.7)
    figure.limites(departements)

    figure.titre_legende("Nombre de critères significatifs sur 5")
    for entree in LEGENDES["fragilite"]:
        classe = entree["classe"]
        if classe in ("secret", "sans_donnees") and not effectifs[classe]:
            continue
        # The title says "significatifs": « 3 critères (21 cantons) » holds on one line.
        libelle = entree["libelle"].removesuffix(" significatifs").removesuffix(" significatif")
        n = effectifs[classe]
        figure.case(entree["couleur"], f"{libelle} ({n} canton{'s' if n > 1 else ''})", classe)
    figure.ecart()
    if effectifs["secret"]:
        figure.note("Secret statistique : moins de 11 personnes de 25 à 54 ans, non testé.")
    figure.note(
        "Critères, parmi les personnes de 25 à 54 ans : "
        + ", ".join(LIBELLES_CRITERES[c] for c in CRITERES)
        + ". Un critère est significatif quand le taux du canton dépasse celui de la référence "
        f"(test binomial unilatéral au seuil de {_alpha(parametres.get('alpha', 0.05))})."
    )
    reference = LIBELLES_REFERENCES.get(
        parametres.get("reference", "territoire"), parametres.get("reference", "")
    )
    return figure.rendre(
        f"Source : effectifs de 25 à 54 ans {annee}, test binomial unilatéral "
        f"(α = {_alpha(parametres.get('alpha', 0.05))}), référence : {reference} ; "
        + SOURCE_GEOGRAPHIE
    )


def carte_accessibilite(
    contours_communes: ContoursCommunes,
    communes: Mapping[str, Mapping[str, Any]],
    lieux: Sequence[Mapping[str, Any]],
    *,
    mention_estimateur: str = "",
    propositions: Sequence[Mapping[str, Any]] = (),
    departements: ContoursPseudoCantons | None = None,
    largeur_mm: float | None = None,
) -> str:
    """Car time from each commune to its nearest reception place, and the places (DESIGN §4).

    `communes` is the `accessibilite.communes` part of the `observatoire` JSON ({insee:
    {"minutes", "lieu_accueil"}}), `lieux` [{"code", "nom", "latitude", "longitude"}],
    `mention_estimateur` how times were obtained (for the source line). `propositions`
    ({"code", "nom", "latitude", "longitude", "gain"}, in rank order) are drawn as numbered
    diamonds; a numeric `gain` (or `population_gagnee`) reads as persons gained.
    """
    noms_lieux = {lieu["code"]: lieu["nom"] for lieu in lieux}
    points = [(p["latitude"], p["longitude"]) for p in (*lieux, *propositions)]
    figure = _Figure(
        "Accessibilité des lieux d'accueil sur rendez-vous",
        "Temps d'accès en voiture depuis la mairie de chaque commune jusqu'au lieu d'accueil "
        "le plus proche",
        _bornes((c[1] for c in contours_communes.values()), points),
        largeur_mm,
    )
    elements = []
    effectifs: Counter[str] = Counter()
    for code, (nom, geometrie, *_) in contours_communes.items():
        valeur = communes.get(code)
        classe = _classe_minutes(valeur)
        effectifs[classe] += 1
        infobulle = f"{nom} — {_texte_minutes(valeur, noms_lieux)}"
        elements.append((code, geometrie, classe, _COULEUR["accessibilite"][classe], infobulle))
    figure.surfaces(elements, BLANC, 0.3)
    figure.limites(departements)
    figure.lieux(lieux)
    if propositions:
        x, y = figure.projection.xy(
            np.array([p["longitude"] for p in propositions], dtype=float),
            np.array([p["latitude"] for p in propositions], dtype=float),
        )
        figure.carte.append('<g class="propositions">')
        positions = zip(propositions, x.tolist(), y.tolist(), strict=True)
        for rang, (p, a, b) in enumerate(positions, start=1):
            gain = _gain(p)
            infobulle = f"Proposition {rang} : {p['nom']}" + (f" ({gain})" if gain else "")
            figure.carte.append(
                f'<g transform="translate({a:.1f},{b:.1f})" data-code="{_attribut(p["code"])}">'
                f"<title>{_texte(infobulle)}</title>{_losange(str(rang))}</g>"
            )
        figure.carte.append("</g>")

    figure.titre_legende("Temps d'accès en voiture")
    for entree in LEGENDES["accessibilite"]:
        classe = entree["classe"]
        if classe == "sans_donnees" and not effectifs[classe]:
            continue
        n = effectifs[classe]
        libelle = f"{entree['libelle']} ({format_compte(n)} commune{'s' if n > 1 else ''})"
        figure.case(entree["couleur"], libelle, classe)
    figure.ecart()
    figure.symbole(_CARRE_LIEU, _lieux_avec_compte(lieux))
    if propositions:
        figure.symbole(_losange("1"), f"Lieux d'accueil proposés ({len(propositions)})", 20)
        for rang, p in enumerate(propositions, start=1):
            gain = _gain(p)
            figure.note(f"{rang}. {p['nom']}" + (f" : {gain}" if gain else ""))
    mention = f", {mention_estimateur}" if mention_estimateur else ""
    return figure.rendre(
        f"Source : lieux d'accueil du service social{mention} ; " + SOURCE_GEOGRAPHIE
    )


def _rayons(comptes: Iterable[int], rayon_max: float) -> dict[int, float]:
    """Radius of the circle of each count: area proportional to the count."""
    valeurs = set(comptes)
    maximum = max(valeurs, default=0)
    return {n: max(RAYON_MIN, rayon_max * math.sqrt(n / maximum)) for n in valeurs if maximum}


def carte_residence(
    contours_communes: ContoursCommunes,
    comptes: Mapping[str, int | None],
    lieux: Sequence[Mapping[str, Any]],
    annee: int,
    masque: bool,
    *,
    departements: ContoursPseudoCantons | None = None,
    largeur_mm: float | None = None,
) -> str:
    """Communes of residence of the persons seen de visu in `annee` (DESIGN §3), as circles of
    area proportional to the count at the town hall, with the reception places.

    `comptes` gives persons per INSEE code; None is a count already masked. With `masque`
    (every view but the unit manager's), a commune with fewer than 11 persons is only tinted
    « moins de 11 »: neither its count nor a circle's size is drawn. Communes of `comptes`
    outside `contours_communes` are not drawn.
    """
    points = [(p["latitude"], p["longitude"]) for p in lieux]
    figure = _Figure(
        "Territoires d'intervention",
        f"Commune de résidence des assurés reçus en entretien de visu en {annee}",
        _bornes((c[1] for c in contours_communes.values()), points),
        largeur_mm,
    )
    elements = []
    cercles = []
    effectifs: Counter[str] = Counter()
    for code, (nom, geometrie, _, lat, lon) in contours_communes.items():
        n = comptes.get(code, 0)
        classe = _classe_residence(n, masque)
        effectifs[classe] += 1
        infobulle = f"{nom} — {_texte_residence(n, classe)}"
        elements.append((code, geometrie, classe, _COULEUR["residence"][classe], infobulle))
        if classe == "effectif":
            cercles.append((n, code, lat, lon, infobulle))
    figure.surfaces(elements, GRIS_MOYEN, 0.3)
    figure.limites(departements)
    rayons = _rayons((c[0] for c in cercles), RAYON_MAX)
    if cercles:
        cercles.sort(key=lambda c: -c[0])  # small circles over big ones
        x, y = figure.projection.xy(
            np.array([c[3] for c in cercles]), np.array([c[2] for c in cercles])
        )
        figure.carte.append(
            f'<g class="cercles" fill="{BLEU_FRANCE}" fill-opacity="0.6" stroke="{BLANC}" '
            f'stroke-width="0.7">'
        )
        figure.carte.extend(
            f'<circle cx="{a:.1f}" cy="{b:.1f}" r="{rayons[n]:.2f}" data-code="{_attribut(code)}">'
            f"<title>{_texte(infobulle)}</title></circle>"
            for (n, code, _, _, infobulle), a, b in zip(
                cercles, x.tolist(), y.tolist(), strict=True
            )
        )
        figure.carte.append("</g>")
    figure.lieux(lieux)

    figure.titre_legende("Personnes reçues en entretien de visu")
    if cercles:
        maximum = max(rayons)  # the largest count
        valeurs = []
        for fraction in (1, 0.25, 0.05):
            v = _valeur_ronde(maximum * fraction)
            if v >= (SEUIL if masque else 1) and v not in valeurs:
                valeurs.append(v)
        if not valeurs:  # a small maximum (11 to 14) rounds below the secrecy threshold
            valeurs = [maximum]
        rayon_haut = RAYON_MAX * math.sqrt(valeurs[0] / maximum)
        base = figure.y + 2 * rayon_haut
        cx = X_LEGENDE + RAYON_MAX + 2
        for v in valeurs:
            r = RAYON_MAX * math.sqrt(v / maximum)
            figure.legende.append(
                f'<circle cx="{_n(cx)}" cy="{_n(base - r)}" r="{r:.2f}" fill="{BLEU_FRANCE}" '
                f'fill-opacity="0.6" stroke="{BLANC}" stroke-width="0.7"/>'
                f'<line x1="{_n(cx)}" y1="{_n(base - 2 * r)}" x2="{_n(cx + RAYON_MAX + 12)}" '
                f'y2="{_n(base - 2 * r)}" stroke="{GRIS}" stroke-width="0.6"/>'
                f'<text x="{_n(cx + RAYON_MAX + 16)}" y="{_n(base - 2 * r + 4)}" '
                f'font-size="11">{format_compte(int(v))}</text>'
            )
        figure.ecart(2 * rayon_haut + 10)
    if effectifs["moins_de_11"]:
        n = effectifs["moins_de_11"]
        figure.case(
            _COULEUR["residence"]["moins_de_11"],
            f"{_LIBELLE['residence']['moins_de_11']} ({format_compte(n)} commune"
            f"{'s' if n > 1 else ''})",
            "moins_de_11",
        )
    figure.case(BLANC, _LIBELLE["residence"]["aucune"], "aucune")
    figure.ecart()
    figure.symbole(_CARRE_LIEU, _lieux_avec_compte(lieux))
    figure.note(
        "Chaque personne est comptée une fois, dans sa commune de résidence. Cercles de surface "
        "proportionnelle au nombre de personnes."
    )
    secret = (
        " ; secret statistique : les communes de moins de 11 personnes ne sont pas détaillées"
        if masque
        else ""
    )
    return figure.rendre(
        f"Source : entretiens de visu {annee} (lieux d'accueil et visites à domicile), "
        f"dossiers du service social{secret} ; " + SOURCE_GEOGRAPHIE
    )


# GeoJSON for Leaflet ---------------------------------------------------------------------------


def _geometries_geojson(geometries: Sequence[Geometrie | None]) -> list[dict | None]:
    """GeoJSON geometries with coordinates rounded to 4 decimals (about 10 m)."""
    tableau = np.empty(len(geometries), dtype=object)
    tableau[:] = list(geometries)
    arrondies = shapely.transform(tableau, lambda c: np.round(c, DECIMALES_GEOJSON))
    textes = shapely.to_geojson(arrondies)
    return [None if t is None else json.loads(t) for t in textes]


def _collection(proprietes: Sequence[dict], geometries: Sequence[Geometrie | None]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": g, "properties": p}
            for p, g in zip(proprietes, _geometries_geojson(geometries), strict=True)
        ],
    }


def geojson_fragilite(
    contours: ContoursPseudoCantons,
    territoires: Mapping[str, Mapping[str, Any]],
    parametres: Mapping[str, Any],
) -> dict:
    """The fragility layer: one feature per pseudo-canton, with `code`, `nom`, `classe` (a
    class of `LEGENDES["fragilite"]`), `composite` (« 3 critères significatifs sur 5 »),
    `population` and `criteres` (one French line per criterion) for the tooltip."""
    proprietes, geometries = [], []
    for code, (nom, geometrie) in contours.items():
        territoire = territoires.get(code)
        composite, population, details = _textes_fragilite(territoire)
        proprietes.append(
            {
                "code": code,
                "nom": nom,
                "classe": _classe_fragilite(territoire),
                "composite": composite,
                "population": population,
                "criteres": details,
            }
        )
        geometries.append(geometrie)
    collection = _collection(proprietes, geometries)
    collection["parametres"] = {
        "annee": parametres.get("annee"),
        "seuil": _alpha(parametres.get("alpha", 0.05)),
        "reference": LIBELLES_REFERENCES.get(parametres.get("reference", ""), ""),
    }
    return collection


def geojson_accessibilite(
    contours_communes: ContoursCommunes,
    communes: Mapping[str, Mapping[str, Any]],
    lieux: Sequence[Mapping[str, Any]],
) -> dict:
    """The accessibility layer: one feature per commune, with `code`, `nom`, `classe` (of
    `LEGENDES["accessibilite"]`) and `temps` (« 12,4 min jusqu'à Montauban »)."""
    noms_lieux = {lieu["code"]: lieu["nom"] for lieu in lieux}
    proprietes, geometries = [], []
    for code, (nom, geometrie, *_) in contours_communes.items():
        valeur = communes.get(code)
        proprietes.append(
            {
                "code": code,
                "nom": nom,
                "classe": _classe_minutes(valeur),
                "temps": _texte_minutes(valeur, noms_lieux),
            }
        )
        geometries.append(geometrie)
    return _collection(proprietes, geometries)


def geojson_residence(
    contours_communes: ContoursCommunes,
    comptes: Mapping[str, int | None],
    annee: int,
    masque: bool,
) -> dict:
    """The residence layer: one feature per commune, with `code`, `nom`, `classe` (of
    `LEGENDES["residence"]`) and `personnes` (« 23 personnes reçues de visu », « < 11
    personnes »). Communes of class `effectif` also carry `latitude`, `longitude` (town hall)
    and `rayon`, the radius in pixels of their proportional circle marker. Masked counts appear
    nowhere, not even as a radius."""
    proprietes, geometries = [], []
    visibles = []
    for code, (nom, geometrie, _, lat, lon) in contours_communes.items():
        n = comptes.get(code, 0)
        classe = _classe_residence(n, masque)
        p: dict[str, Any] = {
            "code": code,
            "nom": nom,
            "classe": classe,
            "personnes": _texte_residence(n, classe),
        }
        if classe == "effectif":
            p["latitude"] = round(lat, DECIMALES_GEOJSON)
            p["longitude"] = round(lon, DECIMALES_GEOJSON)
            visibles.append((p, n))
        proprietes.append(p)
        geometries.append(geometrie)
    rayons = _rayons((n for _, n in visibles), RAYON_MAX_ECRAN)
    for p, n in visibles:
        p["rayon"] = round(rayons[n], 1)
    collection = _collection(proprietes, geometries)
    collection["annee"] = annee
    return collection


def lieux_geojson(
    lieux: Sequence[Mapping[str, Any]], propositions: Sequence[Mapping[str, Any]] = ()
) -> dict:
    """Reception places as points (`classe` « lieu »), and proposed ones (`classe`
    « proposition », with their `rang` and `gain` text)."""
    features = []
    for classe, points in (("lieu", lieux), ("proposition", propositions)):
        for rang, p in enumerate(points, start=1):
            proprietes: dict[str, Any] = {"code": p["code"], "nom": p["nom"], "classe": classe}
            if classe == "proposition":
                proprietes["rang"] = rang
                proprietes["gain"] = _gain(p)
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [
                            round(float(p["longitude"]), DECIMALES_GEOJSON),
                            round(float(p["latitude"]), DECIMALES_GEOJSON),
                        ],
                    },
                    "properties": proprietes,
                }
            )
    return {"type": "FeatureCollection", "features": features}
