"""The observatory's three maps (DESIGN §4), as SVG for the report and as GeoJSON for Leaflet.

- fragility (`fragilite`): the composite (0–5 significant criteria) of each pseudo-canton;
- accessibility (`accessibilite`): each commune's car time to its nearest reception place, the
  places, and optionally places proposed by the siting;
- residence (`residence`): the communes of residence of the persons seen de visu, as
  proportional circles, under statistical secrecy.

Each map is one module (its legend, tooltip texts, SVG and GeoJSON); `geometrie` reads the
official contours and projects them, `figure` lays out a map page, `lieux` draws the reception
places. Everything is a pure function of plain data (codes, names, shapely geometries in WGS 84,
counts), except the `contours_*` loaders, which read the official geography with one query each.
No personal data is ever passed in. One palette (`LEGENDES`) colours the SVG and the page's
Leaflet map, so the printed and the on-screen legends agree.
"""

from parcours.observatoire.cartes import accessibilite, fragilite, lieux, residence
from parcours.observatoire.cartes.accessibilite import carte_accessibilite, geojson_accessibilite
from parcours.observatoire.cartes.figure import RAYON_MAX_ECRAN
from parcours.observatoire.cartes.fragilite import carte_fragilite, geojson_fragilite
from parcours.observatoire.cartes.geometrie import (
    KM_PAR_DEGRE,
    PRECISION,
    TOLERANCE,
    Projection,
    contours_communes,
    contours_departements,
    contours_pseudo_cantons,
)
from parcours.observatoire.cartes.lieux import lieux_geojson
from parcours.observatoire.cartes.residence import carte_residence, geojson_residence

LEGENDES: dict[str, list[dict[str, str]]] = {
    "fragilite": fragilite.LEGENDE,
    "accessibilite": accessibilite.LEGENDE,
    "residence": residence.LEGENDE,
    "lieux": lieux.LEGENDE,
}

__all__ = [
    "KM_PAR_DEGRE",
    "LEGENDES",
    "PRECISION",
    "RAYON_MAX_ECRAN",
    "TOLERANCE",
    "Projection",
    "carte_accessibilite",
    "carte_fragilite",
    "carte_residence",
    "contours_communes",
    "contours_departements",
    "contours_pseudo_cantons",
    "geojson_accessibilite",
    "geojson_fragilite",
    "geojson_residence",
    "lieux_geojson",
]
