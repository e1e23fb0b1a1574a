"""Benchmark: accessibility of every commune of France to its nearest reception place.

    .venv/bin/python bench/accessibilite.py                 # 2,400 places, a fresh SQLite database
    .venv/bin/python bench/accessibilite.py --lieux 5000 --graine 7
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_bench \\
        .venv/bin/python bench/accessibilite.py             # that database is emptied first

The official geography of all France is loaded, then a national demonstration set: one
organisme with a unit in every département and `--lieux` reception places in communes drawn
at random weighted by their population (seeded; a large town may get several places), each
placed up to 1.5 km from the town hall.

Timed, best of 3 after a warm-up:
- the computation itself (`plus_proches` on a k-d tree, minutes t = 60 k d / v with k = 1.3 and
  v = 60 km/h, the shares of communes and of population within 15 and 30 minutes) for every
  commune of France (≈ 35,000) from its town hall;
- the reference: the same by brute force in numpy (the whole haversine matrix, in chunks of
  origins, and its argmin), whose nearest places and minutes are compared with the tree's
  (a different place is accepted only at the same distance: a tie);
- `calculer_accessibilite` for the national organisme: reading communes and places from the
  database, the hosting rule, the result dictionary of DESIGN §5.

Target (DESIGN §7): all France under 5 s. Figures are printed beside their targets as ratios;
no time limit fails.
"""

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))
from bench._base import preparer_base  # noqa: E402

CIBLE_SECONDES = 5.0
K, V = 1.3, 60.0
RAYON_DISPERSION_KM = 1.5
TRANCHE = 1_000  # origins per chunk of the brute-force matrix (1,000 × 2,400 doubles: 19 MB)


def meilleur_de_3(fonction: Callable[[], object]) -> tuple[float, object]:
    resultat = fonction()  # warm-up
    durees = []
    for _ in range(3):
        debut = time.perf_counter()
        resultat = fonction()
        durees.append(time.perf_counter() - debut)
    return min(durees), resultat


def nombre(n: float) -> str:
    return f"{n:,.0f}".replace(",", " ")


def creer_reseau(nb_lieux: int, graine: int):
    """The national organisme: a unit per département, `nb_lieux` places drawn by population."""
    from parcours.organisation.models import LieuAccueil, Organisme, Unite
    from parcours.territoire.models import Commune, Departement

    organisme = Organisme.objects.create(
        code="BENCH-FR", nom="Réseau national de mesure", region_id="11", demonstration=True
    )
    unites = {
        u.departement_id: u
        for u in Unite.objects.bulk_create(
            Unite(code=f"BENCH-{d}", nom=f"Unité {d}", organisme=organisme, departement_id=d)
            for d in Departement.objects.values_list("code", flat=True)
        )
    }
    communes = list(
        Commune.objects.communes()
        .order_by("code")
        .values_list("code", "departement_id", "population", "latitude", "longitude")
    )
    poids = np.array([c[2] or 0 for c in communes], dtype=float)
    alea = np.random.default_rng(graine)
    tirees = alea.choice(len(communes), size=nb_lieux, p=poids / poids.sum())
    # Up to RAYON_DISPERSION_KM from the town hall, uniformly over the disc.
    rayon = RAYON_DISPERSION_KM * np.sqrt(alea.random(nb_lieux))
    angle = 2 * np.pi * alea.random(nb_lieux)
    lieux = []
    for n, (i, r, a) in enumerate(zip(tirees, rayon, angle, strict=True)):
        code, departement, _, lat, lon = communes[i]
        dlat = r * np.cos(a) / 111.195
        dlon = r * np.sin(a) / (111.195 * np.cos(np.radians(lat)))
        lieux.append(
            LieuAccueil(
                code=f"BENCH-L{n:05d}",
                nom=f"Permanence {n}",
                commune_id=code,
                latitude=round(lat + dlat, 6),
                longitude=round(lon + dlon, 6),
                unite=unites[departement],
            )
        )
    LieuAccueil.objects.bulk_create(lieux, batch_size=1000)
    return organisme


def parts(minutes: np.ndarray, population: np.ndarray) -> dict[str, float]:
    arrondies = np.round(minutes, 1)
    resultat = {}
    for seuil in (15, 30):
        dedans = arrondies <= seuil
        resultat[f"communes_{seuil}"] = round(100 * float(dedans.mean()), 1)
        resultat[f"population_{seuil}"] = round(
            100 * float(population[dedans].sum() / population.sum()), 1
        )
    return resultat


def par_arbre(mairies: np.ndarray, lieux: np.ndarray, population: np.ndarray):
    from parcours.observatoire.accessibilite import minutes_estimees, plus_proches

    indices, d_km = plus_proches(mairies, lieux)
    minutes = minutes_estimees(d_km, K, V)
    return indices, d_km, minutes, parts(minutes, population)


def par_force_brute(mairies: np.ndarray, lieux: np.ndarray, population: np.ndarray):
    """Every origin against every place: the haversine matrix by chunks of origins, argmin."""
    from parcours.lib.sphere import distances_km

    indices = np.empty(len(mairies), dtype=np.intp)
    d_km = np.empty(len(mairies))
    lat2, lon2 = lieux[None, :, 0], lieux[None, :, 1]
    for debut in range(0, len(mairies), TRANCHE):
        bloc = mairies[debut : debut + TRANCHE]
        matrice = distances_km(bloc[:, 0:1], bloc[:, 1:2], lat2, lon2)
        meilleurs = np.argmin(matrice, axis=1)
        indices[debut : debut + TRANCHE] = meilleurs
        d_km[debut : debut + TRANCHE] = matrice[np.arange(len(bloc)), meilleurs]
    minutes = 60.0 * K * d_km / V
    return indices, d_km, minutes, parts(minutes, population)


def main() -> None:
    parametres = argparse.ArgumentParser()
    parametres.add_argument("--lieux", type=int, default=2_400, help="reception places")
    parametres.add_argument("--graine", type=int, default=1, help="seed of the random draw")
    args = parametres.parse_args()

    preparer_base("parcours-bench-accessibilite-")
    from django.db import connection

    from parcours.observatoire.accessibilite import EstimateurDistance, calculer_accessibilite
    from parcours.organisation.models import LieuAccueil
    from parcours.territoire.chargement import charger_geographie
    from parcours.territoire.models import Commune

    debut = time.perf_counter()
    charger_geographie()
    print(
        f"Base : {connection.vendor} ({connection.settings_dict['NAME']}) ; "
        f"géographie chargée en {time.perf_counter() - debut:.1f} s"
    )
    debut = time.perf_counter()
    organisme = creer_reseau(args.lieux, args.graine)
    print(
        f"Réseau de démonstration : {nombre(args.lieux)} lieux d'accueil tirés selon la "
        f"population (graine {args.graine}), écrits en {time.perf_counter() - debut:.1f} s"
    )

    communes = list(
        Commune.objects.communes()
        .order_by("code")
        .values_list("population", "latitude", "longitude")
    )
    population = np.array([c[0] or 0 for c in communes], dtype=float)
    mairies = np.array([(c[1], c[2]) for c in communes])
    lieux = np.array(
        LieuAccueil.objects.filter(unite__organisme=organisme)
        .order_by("code")
        .values_list("latitude", "longitude")
    )
    paires = len(mairies) * len(lieux)
    print(
        f"== {nombre(len(mairies))} communes × {nombre(len(lieux))} lieux "
        f"({nombre(paires)} couples), k = {K}, v = {V:.0f} km/h =="
    )

    t_arbre, (i_arbre, d_arbre, m_arbre, p_arbre) = meilleur_de_3(
        lambda: par_arbre(mairies, lieux, population)
    )
    t_brute, (i_brute, d_brute, m_brute, p_brute) = meilleur_de_3(
        lambda: par_force_brute(mairies, lieux, population)
    )
    differents = np.flatnonzero(i_arbre != i_brute)
    ex_aequo = np.abs(d_arbre[differents] - d_brute[differents]) < 1e-6
    ecart_minutes = float(np.max(np.abs(m_arbre - m_brute)))
    print(
        f"  {'arbre k-d (plus_proches + parts)':<40} {t_arbre:7.3f} s  "
        f"cible {CIBLE_SECONDES:.0f} s : ratio {t_arbre / CIBLE_SECONDES:.3f}"
    )
    print(
        f"  {'référence : matrice numpy + argmin':<40} {t_brute:7.3f} s  "
        f"{nombre(paires / t_brute)} couples/s"
    )
    print(
        f"  {'arbre / référence':<40} {t_arbre / t_brute:7.3f}    "
        f"(×{t_brute / t_arbre:.0f} plus rapide)"
    )
    print(
        f"  mêmes lieux : {len(mairies) - len(differents)} / {len(mairies)}"
        f" (+ {int(ex_aequo.sum())} ex aequo à la même distance, "
        f"{int((~ex_aequo).sum())} vraies différences) ; "
        f"écart maximal des minutes : {ecart_minutes:.2e} min ; "
        f"mêmes parts : {'oui' if p_arbre == p_brute else 'non'}"
    )
    print(
        f"  parts à 15 / 30 min : communes {p_arbre['communes_15']} % / "
        f"{p_arbre['communes_30']} %, population {p_arbre['population_15']} % / "
        f"{p_arbre['population_30']} %"
    )

    estimateur = EstimateurDistance(K, V)
    t_complet, resultat = meilleur_de_3(lambda: calculer_accessibilite(organisme, estimateur))
    print(
        f"  {'calculer_accessibilite (base comprise)':<40} {t_complet:7.3f} s  "
        f"cible {CIBLE_SECONDES:.0f} s : ratio {t_complet / CIBLE_SECONDES:.3f}"
    )
    print(
        f"    {nombre(len(resultat['communes']))} communes ; parts à 15 / 30 min : communes "
        f"{resultat['part_communes_15']} % / {resultat['part_communes_30']} %, population "
        f"{resultat['part_population_15']} % / {resultat['part_population_30']} % "
        "(communes hôtes à 0 min)"
    )


if __name__ == "__main__":
    main()
