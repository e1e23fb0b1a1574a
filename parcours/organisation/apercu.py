"""The map preview of a reception place on its administration page: the commune's contour, its
town hall and the place, drawn as a small SVG from the loaded geography.

No tile server, no script library: the product runs without internet access and under a strict
Content-Security-Policy, so the figure is plain SVG with presentation attributes only.
"""

import math
from dataclasses import dataclass

import shapely

from parcours.lib import svg
from parcours.lib.sphere import distances_km
from parcours.territoire.models import Commune

LARGEUR, HAUTEUR, MARGE = 320, 220, 14

# Contours are stored simplified to 0.001°; drawn at this size, 0.0005° changes nothing.
TOLERANCE = 0.0005

# Around a lone point (a commune without contour), the frame spans this much latitude (~2 km).
DEMI_CADRE = 0.01

# DSFR colour tokens (the observatory's maps use the same).
GRIS_CLAIR, GRIS, GRIS_FONCE, BLEU_FRANCE = "#eeeeee", "#666666", "#3a3a3a", "#000091"


@dataclass(frozen=True)
class Apercu:
    """What the preview shows and says."""

    figure: str  # the SVG markup, its texts escaped
    commune: Commune
    latitude: float
    longitude: float
    a_la_mairie: bool
    distance_mairie_km: float
    hors_commune: bool  # outside the commune's contour (False when it has none)


def _contour(commune: Commune) -> shapely.Geometry | None:
    if not commune.contour:
        return None
    geometrie = shapely.from_geojson(commune.contour, on_invalid="ignore")
    if geometrie is None or geometrie.is_empty:
        return None
    return shapely.simplify(geometrie, TOLERANCE, preserve_topology=True)


def _chemin(geometrie: shapely.Geometry, xy) -> str:
    """SVG path data of a polygon or multipolygon, holes included (drawn even-odd)."""
    morceaux = []
    for polygone in shapely.get_parts(geometrie):
        if not isinstance(polygone, shapely.Polygon):
            continue
        for anneau in [polygone.exterior, *polygone.interiors]:
            points = [xy(lon, lat) for lon, lat in anneau.coords[:-1]]
            if len(points) < 3:
                continue
            premier, *suite = points
            morceaux.append(
                f"M{svg.n(premier[0])},{svg.n(premier[1])}"
                + "".join(f"L{svg.n(x)},{svg.n(y)}" for x, y in suite)
                + "Z"
            )
    return "".join(morceaux)


def apercu_lieu(commune: Commune, latitude: float | None, longitude: float | None) -> Apercu:
    """The preview of a place of `commune` at (latitude, longitude), or at the commune's town
    hall when they are None (where the form puts it)."""
    a_la_mairie = latitude is None or longitude is None
    if a_la_mairie:
        latitude, longitude = commune.latitude, commune.longitude
    contour = _contour(commune)
    points = shapely.multipoints([(longitude, latitude), (commune.longitude, commune.latitude)])
    if contour is not None:
        min_lon, min_lat, max_lon, max_lat = shapely.total_bounds([contour, points])
    else:
        min_lon, min_lat, max_lon, max_lat = shapely.total_bounds(points)
        min_lat, max_lat = min_lat - DEMI_CADRE, max_lat + DEMI_CADRE
        min_lon, max_lon = min_lon - DEMI_CADRE * 1.4, max_lon + DEMI_CADRE * 1.4
    # An equirectangular projection centred on the frame: exact enough over a commune.
    lat0 = (min_lat + max_lat) / 2
    facteur = math.cos(math.radians(max(-89.0, min(89.0, lat0))))
    etendue_x = max((max_lon - min_lon) * facteur, 1e-9)
    etendue_y = max(max_lat - min_lat, 1e-9)
    echelle = min((LARGEUR - 2 * MARGE) / etendue_x, (HAUTEUR - 2 * MARGE) / etendue_y)
    lon0 = (min_lon + max_lon) / 2

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (
            LARGEUR / 2 + (lon - lon0) * facteur * echelle,
            HAUTEUR / 2 - (lat - lat0) * echelle,
        )

    corps = [f'<rect width="{LARGEUR}" height="{HAUTEUR}" fill="#ffffff" stroke="{GRIS}"/>']
    if contour is not None:
        corps.append(
            f'<path d="{_chemin(contour, xy)}" fill="{GRIS_CLAIR}" stroke="{GRIS}" '
            'stroke-width="1.2" fill-rule="evenodd"/>'
        )
    mx, my = xy(commune.longitude, commune.latitude)
    corps.append(
        f'<rect x="{svg.n(mx - 4)}" y="{svg.n(my - 4)}" width="8" height="8" fill="#ffffff" '
        f'stroke="{GRIS_FONCE}" stroke-width="1.5"/>'
    )
    px, py = xy(longitude, latitude)
    corps.append(
        f'<circle cx="{svg.n(px)}" cy="{svg.n(py)}" r="6" fill="{BLEU_FRANCE}" '
        'stroke="#ffffff" stroke-width="2"/>'
    )
    hors_commune = contour is not None and not shapely.intersects(
        contour, shapely.Point(longitude, latitude)
    )
    titre = f"Aperçu : le lieu d'accueil dans la commune de {commune.nom}"
    return Apercu(
        figure=str(svg.svg(LARGEUR, HAUTEUR, titre, corps, taille='width="320" height="220"')),
        commune=commune,
        latitude=latitude,
        longitude=longitude,
        a_la_mairie=a_la_mairie or (latitude, longitude) == (commune.latitude, commune.longitude),
        distance_mairie_km=float(
            distances_km(latitude, longitude, commune.latitude, commune.longitude)
        ),
        hors_commune=hors_commune,
    )
