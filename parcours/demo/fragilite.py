"""Synthetic fragility counts for the demo Carsat and the tests (never statistics)."""

import math

import numpy as np

from parcours.observatoire.fragilite import CRITERES
from parcours.territoire.enums import TypeCommune
from parcours.territoire.models import Commune

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
