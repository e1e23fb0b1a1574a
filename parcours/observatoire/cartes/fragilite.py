"""The fragility map: the composite (0–5 significant criteria) of each pseudo-canton."""

from collections import Counter
from collections.abc import Mapping
from typing import Any

from parcours.lib.nombres import ESPACE_FINE, decimal_fr, format_compte, pourcent
from parcours.lib.secret import SEUIL, TEXTE_MASQUE, Etat
from parcours.observatoire.cartes.figure import BLANC, GRIS_MOYEN, SOURCE_GEOGRAPHIE, Figure
from parcours.observatoire.cartes.geometrie import ContoursPseudoCantons, bornes, collection_geojson
from parcours.observatoire.fragilite import CRITERES, LIBELLES_CRITERES, LIBELLES_REFERENCES

# Fragility, 0 to 5 significant criteria: orange-terre-battue 950 and 850, its main colour,
# pink-tuile main and sun, purple-glycine sun (lightness 94 → 34, evenly darker).
COULEURS_FRAGILITE = ("#fee9e5", "#fcc0b0", "#e4794a", "#ce614a", "#a94645", "#6e445a")


def _criteres(n: int) -> str:
    return f"{n} critère{'s' if n > 1 else ''} significatif{'s' if n > 1 else ''}"


LEGENDE = [
    *(
        {"classe": str(n), "libelle": _criteres(n), "couleur": COULEURS_FRAGILITE[n]}
        for n in range(5, -1, -1)
    ),
    {"classe": "secret", "libelle": "secret statistique", "couleur": GRIS_MOYEN},
    {"classe": "sans_donnees", "libelle": "pas de données", "couleur": BLANC},
]
COULEUR = {c["classe"]: c["couleur"] for c in LEGENDE}


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
            f"{pourcent(c.get('taux'))} (référence {pourcent(c.get('taux_reference'))})"
            f"{mention}"
        )
    return (
        f"{_criteres(int(composite))} sur 5",
        f"{format_compte(int(population))} personnes de 25 à 54 ans",
        details,
    )


def _alpha(alpha: float) -> str:
    return f"{decimal_fr(100 * alpha)}{ESPACE_FINE}%"


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
    figure = Figure(
        "Fragilité composite du service social",
        f"Nombre de critères significatifs par canton ou ville — population de 25 à 54 ans, "
        f"{annee}",
        bornes((g for _, g in contours.values()), ()),
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
        elements.append((code, geometrie, classe, COULEUR[classe], infobulle))
    figure.surfaces(elements, BLANC, 0.7)
    figure.limites(departements)

    figure.titre_legende("Nombre de critères significatifs sur 5")
    for entree in LEGENDE:
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
    collection = collection_geojson(proprietes, geometries)
    collection["parametres"] = {
        "annee": parametres.get("annee"),
        "seuil": _alpha(parametres.get("alpha", 0.05)),
        "reference": LIBELLES_REFERENCES.get(parametres.get("reference", ""), ""),
    }
    return collection
