"""The residence map: the communes of residence of the persons seen de visu, as proportional
circles at the town hall; under statistical secrecy a commune with fewer than 11 persons is only
shown as « moins de 11 », with no circle whose size would give its count away.
"""

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from parcours.lib import svg
from parcours.lib.nombres import format_compte
from parcours.lib.secret import SEUIL, TEXTE_MASQUE, Etat
from parcours.observatoire.cartes.figure import (
    BLANC,
    BLEU_CLAIR,
    BLEU_FRANCE,
    GRIS,
    GRIS_MOYEN,
    RAYON_MAX,
    RAYON_MAX_ECRAN,
    RAYON_MIN,
    SOURCE_GEOGRAPHIE,
    X_LEGENDE,
    Figure,
    valeur_ronde,
)
from parcours.observatoire.cartes.geometrie import (
    DECIMALES_GEOJSON,
    ContoursCommunes,
    ContoursPseudoCantons,
    bornes,
    collection_geojson,
)
from parcours.observatoire.cartes.lieux import CARRE_LIEU, lieux_avec_compte

LEGENDE = [
    # The count is the circle's (colour `cercle`); the commune's surface stays white.
    {
        "classe": "effectif",
        "libelle": "personnes reçues (cercle proportionnel)",
        "couleur": BLANC,
        "cercle": BLEU_FRANCE,
    },
    {"classe": "moins_de_11", "libelle": "moins de 11 personnes", "couleur": BLEU_CLAIR},
    {"classe": "aucune", "libelle": "aucune personne reçue", "couleur": BLANC},
]
COULEUR = {c["classe"]: c["couleur"] for c in LEGENDE}
LIBELLE = {c["classe"]: c["libelle"] for c in LEGENDE}


def _rayons(comptes: Iterable[int], rayon_max: float) -> dict[int, float]:
    """Radius of the circle of each count: area proportional to the count."""
    valeurs = set(comptes)
    maximum = max(valeurs, default=0)
    return {n: max(RAYON_MIN, rayon_max * math.sqrt(n / maximum)) for n in valeurs if maximum}


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
    figure = Figure(
        "Territoires d'intervention",
        f"Commune de résidence des assurés reçus en entretien de visu en {annee}",
        bornes((c[1] for c in contours_communes.values()), points),
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
        elements.append((code, geometrie, classe, COULEUR[classe], infobulle))
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
            f'<circle cx="{a:.1f}" cy="{b:.1f}" r="{rayons[n]:.2f}" '
            f'data-code="{svg.attribut(code)}">'
            f"<title>{svg.texte(infobulle)}</title></circle>"
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
            v = valeur_ronde(maximum * fraction)
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
                f'<circle cx="{svg.n(cx)}" cy="{svg.n(base - r)}" r="{r:.2f}" fill="{BLEU_FRANCE}" '
                f'fill-opacity="0.6" stroke="{BLANC}" stroke-width="0.7"/>'
                f'<line x1="{svg.n(cx)}" y1="{svg.n(base - 2 * r)}" '
                f'x2="{svg.n(cx + RAYON_MAX + 12)}" '
                f'y2="{svg.n(base - 2 * r)}" stroke="{GRIS}" stroke-width="0.6"/>'
                f'<text x="{svg.n(cx + RAYON_MAX + 16)}" y="{svg.n(base - 2 * r + 4)}" '
                f'font-size="11">{format_compte(int(v))}</text>'
            )
        figure.ecart(2 * rayon_haut + 10)
    if effectifs["moins_de_11"]:
        n = effectifs["moins_de_11"]
        figure.case(
            COULEUR["moins_de_11"],
            f"{LIBELLE['moins_de_11']} ({format_compte(n)} commune{'s' if n > 1 else ''})",
            "moins_de_11",
        )
    figure.case(BLANC, LIBELLE["aucune"], "aucune")
    figure.ecart()
    figure.symbole(CARRE_LIEU, lieux_avec_compte(lieux))
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
    collection = collection_geojson(proprietes, geometries)
    collection["annee"] = annee
    return collection
