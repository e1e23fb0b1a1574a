"""The reception places drawn over the maps, and the places a siting proposes."""

from collections.abc import Mapping, Sequence
from typing import Any

from parcours.lib import svg
from parcours.lib.nombres import format_compte
from parcours.observatoire.cartes.figure import BLANC, MENTHE, ROUGE_MARIANNE
from parcours.observatoire.cartes.geometrie import DECIMALES_GEOJSON

LEGENDE = [
    {
        "classe": "lieu",
        "libelle": "lieu d'accueil du service social",
        "couleur": ROUGE_MARIANNE,
    },
    {"classe": "proposition", "libelle": "lieu d'accueil proposé", "couleur": MENTHE},
]


CARRE_LIEU = (
    f'<rect x="-3.5" y="-3.5" width="7" height="7" fill="{ROUGE_MARIANNE}" '
    f'stroke="{BLANC}" stroke-width="1.2"/>'
)


def losange(numero: str) -> str:
    return (
        f'<path d="M0,-9 L9,0 L0,9 L-9,0 Z" fill="{MENTHE}" stroke="{BLANC}" stroke-width="1.2"/>'
        f'<text y="3.6" font-size="10" font-weight="bold" text-anchor="middle" '
        f'fill="{BLANC}">{svg.texte(numero)}</text>'
    )


def lieux_avec_compte(lieux: Sequence[Mapping[str, Any]]) -> str:
    return f"Lieux d'accueil du service social ({format_compte(len(lieux))})"


def texte_gain(proposition: Mapping[str, Any]) -> str:
    gain = proposition.get("gain", proposition.get("population_gagnee"))
    if gain is None or isinstance(gain, str):
        return gain or ""
    return f"+{format_compte(round(gain))} personnes"


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
                proprietes["gain"] = texte_gain(p)
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
