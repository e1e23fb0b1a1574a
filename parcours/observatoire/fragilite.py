"""The fragility composite of DESIGN §4, computed on the pseudo-cantons of an organisme's territory.

For each pseudo-canton and each criterion, x persons out of n aged 25–54 are tested against the
reference proportion p_ref = Σx / Σn (over the pseudo-cantons of the territory, or over every
stored row for the reference "france") with the one-sided exact binomial test: p = P(X ≥ x) for
X ~ B(n, p_ref), i.e. `scipy.stats.binom.sf(x - 1, n, p_ref)`, the p-value of
`scipy.stats.binomtest(x, n, p_ref, alternative="greater")`, computed for every cell at once.
The composite is the number of criteria significant at level α (0 to 5). A pseudo-canton with
fewer than 11 persons aged 25–54 is not tested: it is shown as « secret statistique ».
"""

from collections import defaultdict
from typing import Any

import numpy as np
from django.db.models import Sum

from parcours.lib.secret import SEUIL
from parcours.observatoire.models import DonneeFragilite
from parcours.territoire.enums import TypeCommune
from parcours.territoire.models import Commune

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

    teste = n >= SEUIL
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
