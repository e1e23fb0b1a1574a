"""The fragility composite of DESIGN §4, computed on the pseudo-cantons of an organisme's territory.

For each pseudo-canton and each criterion, x persons out of n aged 25–54 are tested against the
reference proportion p_ref = Σx / Σn (over the pseudo-cantons of the territory, or over every
stored row for the reference "france") with the one-sided exact binomial test: p = P(X ≥ x) for
X ~ B(n, p_ref), i.e. `scipy.stats.binom.sf(x - 1, n, p_ref)`, the p-value of
`scipy.stats.binomtest(x, n, p_ref, alternative="greater")`, computed for every cell at once.
The composite is the number of criteria significant at level α (0 to 5). A pseudo-canton with
fewer than 11 persons aged 25–54 is not tested: it is shown as « secret statistique ».
"""

import math
from collections import defaultdict
from typing import Any

import numpy as np
from django.db.models import Sum

from parcours.territoire.enums import TypeCommune
from parcours.territoire.models import Commune, DonneeFragilite

# The columns of fragilite.csv that hold a criterion, in the order of DESIGN §4 and §5.
CRITERES = ("arret_90j", "invalidite", "css_non_participative", "ald", "sans_complementaire")
LIBELLES_CRITERES = {
    "arret_90j": "arrêt de travail de 90 jours consécutifs ou plus",
    "invalidite": "pension d'invalidité",
    "css_non_participative": "complémentaire santé solidaire sans participation financière",
    "ald": "affection de longue durée (ALD)",
    "sans_complementaire": "sans complémentaire santé",
}
REFERENCES = ("territoire", "france")
LIBELLES_REFERENCES = {"territoire": "territoire de l'organisme", "france": "France entière"}
# Below this many persons aged 25–54, a pseudo-canton is not tested (statistical secrecy, §3).
EFFECTIF_MINIMAL = 11
# Rates are given in percent with two decimals; p-values are kept as computed.
DECIMALES_TAUX = 2


def _sommes() -> dict[str, Sum]:
    """The aggregates of a group of rows: n, then x for each criterion (as `x_<criterion>`)."""
    return {"n": Sum("population_25_54"), **{f"x_{c}": Sum(c) for c in CRITERES}}


def _pourcent(x: float, n: float) -> float:
    return round(100 * x / n, DECIMALES_TAUX)


def calculer_fragilite(
    organisme, *, alpha: float = 0.05, reference: str = "territoire", annee: int
) -> dict[str, Any]:
    """The fragility part of the observatory JSON (DESIGN §5) for the organisme's territory.

    Returns `{"parametres": {"alpha", "reference", "annee"}, "territoires": {code: {"nom",
    "population_25_54", "composite", "criteres": {criterion: {"taux", "taux_reference",
    "p_value", "significatif"}}}}}` for each pseudo-canton of the territory that has data, in
    code order. Rates are percentages rounded to two decimals; p-values are unrounded floats;
    `significatif` compares the unrounded p-value with α. A pseudo-canton with fewer than 11
    persons aged 25–54 keeps only its name and the reference rates: population, composite,
    rates, p-values and significance are None.

    Raises ValueError (in French) for an unknown reference, an α outside (0, 1), or when no
    fragility data covers the territory.
    """
    if reference not in REFERENCES:
        raise ValueError(
            f"référence inconnue « {reference} » (attendu : {' ou '.join(REFERENCES)})"
        )
    if not (isinstance(alpha, int | float) and 0 < alpha < 1):
        raise ValueError(f"seuil α invalide ({alpha}) : attendu strictement entre 0 et 1")

    lignes = list(
        DonneeFragilite.objects.filter(pseudo_canton__departement__in=organisme.departements())
        .values("pseudo_canton_id", "pseudo_canton__nom")
        .annotate(**_sommes())
        .order_by("pseudo_canton_id")
    )
    if not lignes:
        raise ValueError(
            f"aucune donnée de fragilité ne couvre le territoire de {organisme.nom} : "
            "importez d'abord un fichier fragilite.csv pour ses départements"
        )
    n = np.array([ligne["n"] for ligne in lignes], dtype=np.int64)
    x = np.array([[ligne[f"x_{c}"] for c in CRITERES] for ligne in lignes], dtype=np.int64)
    if reference == "territoire":
        total_n, total_x = int(n.sum()), x.sum(axis=0)
    else:
        france = DonneeFragilite.objects.aggregate(**_sommes())
        total_n = int(france["n"] or 0)
        total_x = np.array([france[f"x_{c}"] for c in CRITERES], dtype=np.int64)
    if not total_n:
        raise ValueError(
            "la population de 25 à 54 ans de la référence est nulle : taux de référence "
            "impossible à calculer"
        )
    p_ref = total_x / total_n
    taux_reference = [_pourcent(int(v), total_n) for v in total_x]

    # Every tested cell at once: P(X ≥ x) for X ~ B(n, p_ref).
    from scipy.stats import binom  # imported here: scipy.stats is slow to import

    teste = n >= EFFECTIF_MINIMAL
    p_values = np.full(x.shape, np.nan)
    if teste.any():
        p_values[teste] = binom.sf(x[teste] - 1, n[teste, None], p_ref[None, :])

    territoires: dict[str, dict[str, Any]] = {}
    for i, ligne in enumerate(lignes):
        criteres: dict[str, dict[str, Any]] = {}
        if teste[i]:
            significatifs = [bool(p < alpha) for p in p_values[i]]
            for j, critere in enumerate(CRITERES):
                criteres[critere] = {
                    "taux": _pourcent(int(x[i, j]), int(n[i])),
                    "taux_reference": taux_reference[j],
                    "p_value": float(p_values[i, j]),
                    "significatif": significatifs[j],
                }
            population, composite = int(n[i]), sum(significatifs)
        else:
            for j, critere in enumerate(CRITERES):
                criteres[critere] = {
                    "taux": None,
                    "taux_reference": taux_reference[j],
                    "p_value": None,
                    "significatif": None,
                }
            population = composite = None
        territoires[ligne["pseudo_canton_id"]] = {
            "nom": ligne["pseudo_canton__nom"],
            "population_25_54": population,
            "composite": composite,
            "criteres": criteres,
        }
    return {
        "parametres": {"alpha": alpha, "reference": reference, "annee": annee},
        "territoires": territoires,
    }


def population_25_54_par_commune(organisme) -> dict[str, float]:
    """Persons aged 25–54 per commune of the organisme's territory, for the siting recommender.

    A commune row counts as it is; a canton row is spread over the communes of its pseudo-canton
    in proportion to their population (evenly when none has a population). Communes that no
    row covers are absent. Keys are INSEE codes, in code order.
    """
    lignes = DonneeFragilite.objects.filter(
        pseudo_canton__departement__in=organisme.departements()
    ).values_list("commune_id", "pseudo_canton_id", "population_25_54")
    resultat: dict[str, float] = defaultdict(float)
    a_repartir: dict[str, int] = defaultdict(int)
    for commune, pseudo_canton, population in lignes:
        if commune is not None:
            resultat[commune] += population
        else:
            a_repartir[pseudo_canton] += population
    if a_repartir:
        membres: dict[str, list[tuple[str, int]]] = defaultdict(list)
        communes = Commune.objects.filter(
            type=TypeCommune.COMMUNE, pseudo_canton_id__in=list(a_repartir)
        ).values_list("code", "pseudo_canton_id", "population")
        for code, pseudo_canton, population in communes:
            membres[pseudo_canton].append((code, population or 0))
        for pseudo_canton, total in a_repartir.items():
            poids = membres.get(pseudo_canton, [])
            somme = sum(p for _, p in poids)
            for code, p in poids:
                resultat[code] += total * (p / somme if somme else 1 / len(poids))
    return dict(sorted(resultat.items()))


# Orders of magnitude of the criteria among persons aged 25–54 in France, for the demo data.
TAUX_NATIONAUX_DEMO = {
    "arret_90j": 0.015,
    "invalidite": 0.025,
    "css_non_participative": 0.06,
    "ald": 0.09,
    "sans_complementaire": 0.05,
}
# Log-odds change per unit of rurality (one decade of population below 2,000 inhabitants):
# long sick leave, invalidity and ALD weigh more in the countryside, CSS and no complementary
# cover in towns.
EFFET_RURALITE_DEMO = {
    "arret_90j": 0.10,
    "invalidite": 0.14,
    "css_non_participative": -0.22,
    "ald": 0.08,
    "sans_complementaire": -0.18,
}
# Spread (in log-odds) of the smooth spatial field and of each commune's own noise.
AMPLITUDE_SPATIALE_DEMO = 0.22
BRUIT_COMMUNE_DEMO = 0.08


def _champ_lisse(
    rng: np.random.Generator, latitude: np.ndarray, longitude: np.ndarray, ondes: int = 5
) -> np.ndarray:
    """A smooth random field of unit variance: a sum of plane waves 50 to 250 km long."""
    x = longitude * math.cos(math.radians(46.5))
    champ = np.zeros_like(latitude)
    for _ in range(ondes):
        angle = rng.uniform(0, 2 * math.pi)
        longueur = rng.uniform(0.5, 2.2)  # degrees of latitude, about 55 to 250 km
        phase = rng.uniform(0, 2 * math.pi)
        k = 2 * math.pi / longueur
        champ += np.sin(k * (math.cos(angle) * x + math.sin(angle) * latitude) + phase)
    return champ * math.sqrt(2 / ondes)


def csv_fragilite_demo(departements: list[str], graine: int = 1994) -> str:
    """A SYNTHETIC fragilite.csv, by commune, for the communes of `departements`.

    These are made-up counts for demonstrations and tests, not statistics: they rest on each
    commune's real population (persons aged 25–54 drawn at 36–40 % of it), with criterion rates
    around national orders of magnitude (long sick leave ~1.5 %, invalidité ~2.5 %, CSS without
    contribution ~6 %, ALD ~9 %, no complementary cover ~5 %) that vary with a rural/urban
    gradient and a smooth spatial field, plus binomial noise, so that the composite map shows
    a mix of 0 to 5 significant criteria. The same départements and seed give the same file.
    """
    communes = list(
        Commune.objects.filter(type=TypeCommune.COMMUNE, departement__in=departements)
        .order_by("code")
        .values_list("code", "population", "latitude", "longitude")
    )
    if not communes:
        raise ValueError(f"aucune commune dans les départements {', '.join(departements)}")
    rng = np.random.default_rng(graine)
    codes = [c[0] for c in communes]
    population = np.array([c[1] or 0 for c in communes], dtype=np.int64)
    latitude = np.array([c[2] for c in communes], dtype=float)
    longitude = np.array([c[3] for c in communes], dtype=float)

    ruralite = np.clip(np.log10(2000) - np.log10(np.maximum(population, 1)), -2.0, 1.5)
    commun = _champ_lisse(rng, latitude, longitude)  # a general deprivation gradient
    n = rng.binomial(population, rng.uniform(0.36, 0.40, len(communes)))
    colonnes = [n]
    for critere in CRITERES:
        propre = _champ_lisse(rng, latitude, longitude)
        champ = (0.6 * commun + 0.8 * propre) * AMPLITUDE_SPATIALE_DEMO
        base = TAUX_NATIONAUX_DEMO[critere]
        logit = (
            math.log(base / (1 - base))
            + EFFET_RURALITE_DEMO[critere] * ruralite
            + champ
            + rng.normal(0, BRUIT_COMMUNE_DEMO, len(communes))
        )
        colonnes.append(rng.binomial(n, 1 / (1 + np.exp(-logit))))
    lignes = [";".join(("territoire", "population_25_54", *CRITERES))]
    valeurs = np.column_stack(colonnes)
    for code, rangee in zip(codes, valeurs.tolist(), strict=True):
        lignes.append(";".join([code, *map(str, rangee)]))
    return "\n".join(lignes) + "\n"
