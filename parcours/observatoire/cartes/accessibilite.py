"""The accessibility map: each commune's car time to its nearest reception place (≤ 15,
15–30, > 30 min), the places, and optionally places proposed by the siting.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from parcours.lib import svg
from parcours.lib.nombres import decimal_fr, format_compte
from parcours.observatoire.cartes.figure import (
    BLANC,
    BLEU_CLAIR,
    BLEU_MOYEN,
    GRIS_CLAIR,
    SOURCE_GEOGRAPHIE,
    Figure,
)
from parcours.observatoire.cartes.geometrie import (
    ContoursCommunes,
    ContoursPseudoCantons,
    bornes,
    collection_geojson,
)
from parcours.observatoire.cartes.lieux import CARRE_LIEU, lieux_avec_compte, losange, texte_gain

LEGENDE = [
    {"classe": "15", "libelle": "15 minutes ou moins", "couleur": BLEU_MOYEN},
    {"classe": "30", "libelle": "de 15 à 30 minutes", "couleur": BLEU_CLAIR},
    {"classe": "plus_30", "libelle": "plus de 30 minutes", "couleur": GRIS_CLAIR},
    {"classe": "sans_donnees", "libelle": "temps non calculé", "couleur": BLANC},
]
COULEUR = {c["classe"]: c["couleur"] for c in LEGENDE}


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
    return f"{decimal_fr(minutes)} min" + (f" jusqu'à {nom}" if nom else "")


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
    figure = Figure(
        "Accessibilité des lieux d'accueil sur rendez-vous",
        "Temps d'accès en voiture depuis la mairie de chaque commune jusqu'au lieu d'accueil "
        "le plus proche",
        bornes((c[1] for c in contours_communes.values()), points),
        largeur_mm,
    )
    elements = []
    effectifs: Counter[str] = Counter()
    for code, (nom, geometrie, *_) in contours_communes.items():
        valeur = communes.get(code)
        classe = _classe_minutes(valeur)
        effectifs[classe] += 1
        infobulle = f"{nom} — {_texte_minutes(valeur, noms_lieux)}"
        elements.append((code, geometrie, classe, COULEUR[classe], infobulle))
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
            gain = texte_gain(p)
            infobulle = f"Proposition {rang} : {p['nom']}" + (f" ({gain})" if gain else "")
            figure.carte.append(
                f'<g transform="translate({a:.1f},{b:.1f})" data-code="{svg.attribut(p["code"])}">'
                f"<title>{svg.texte(infobulle)}</title>{losange(str(rang))}</g>"
            )
        figure.carte.append("</g>")

    figure.titre_legende("Temps d'accès en voiture")
    for entree in LEGENDE:
        classe = entree["classe"]
        if classe == "sans_donnees" and not effectifs[classe]:
            continue
        n = effectifs[classe]
        libelle = f"{entree['libelle']} ({format_compte(n)} commune{'s' if n > 1 else ''})"
        figure.case(entree["couleur"], libelle, classe)
    figure.ecart()
    figure.symbole(CARRE_LIEU, lieux_avec_compte(lieux))
    if propositions:
        figure.symbole(losange("1"), f"Lieux d'accueil proposés ({len(propositions)})", 20)
        for rang, p in enumerate(propositions, start=1):
            gain = texte_gain(p)
            figure.note(f"{rang}. {p['nom']}" + (f" : {gain}" if gain else ""))
    mention = f", {mention_estimateur}" if mention_estimateur else ""
    return figure.rendre(
        f"Source : lieux d'accueil du service social{mention} ; " + SOURCE_GEOGRAPHIE
    )


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
    return collection_geojson(proprietes, geometries)
