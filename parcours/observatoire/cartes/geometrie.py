"""Contours from the official geography, the projection, SVG paths and GeoJSON features:
what every map of the observatory is drawn from.
"""

import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

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


def bornes(geometries: Iterable[Geometrie | None], points: Iterable[tuple[float, float]]):
    """(min lon, min lat, max lon, max lat) of the geometries and of (lat, lon) points."""
    valides = [g for g in geometries if g is not None and not g.is_empty]
    latlon = np.array(list(points), dtype=float).reshape(-1, 2)
    if len(latlon):
        valides.append(shapely.multipoints(latlon[:, ::-1]))
    if not valides:
        return (0.0, 0.0, 1.0, 1.0)
    return tuple(float(v) for v in shapely.total_bounds(valides))


def chemins_svg(geometries: Sequence[Geometrie | None], projection: Projection) -> list[str]:
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


def geometries_geojson(geometries: Sequence[Geometrie | None]) -> list[dict | None]:
    """GeoJSON geometries with coordinates rounded to 4 decimals (about 10 m)."""
    tableau = np.empty(len(geometries), dtype=object)
    tableau[:] = list(geometries)
    arrondies = shapely.transform(tableau, lambda c: np.round(c, DECIMALES_GEOJSON))
    textes = shapely.to_geojson(arrondies)
    return [None if t is None else json.loads(t) for t in textes]


def collection_geojson(proprietes: Sequence[dict], geometries: Sequence[Geometrie | None]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": g, "properties": p}
            for p, g in zip(proprietes, geometries_geojson(geometries), strict=True)
        ],
    }
