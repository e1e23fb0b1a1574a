"""Where to open the next reception places: maximal coverage of the fragile population.

Given the current reception places and candidate points, choose the `nombre` candidates that bring
the most people (aged 25–54, in fragile pseudo-cantons) within a travel time of a place. Travel
time is DESIGN §4's built-in estimator t = 60 × k × d / v, so "within m minutes" is "within
d_max = m × v / (60 × k) km" of great-circle distance (`rayon_en_km`).

Two layers:

- `recommander`, a pure core on numpy arrays (no Django): coverage sets from k-d trees on
  unit-sphere coordinates, then greedy maximal coverage ("glouton") or the exact MILP solved by
  HiGHS ("exact"), "auto" choosing the exact solver while the model stays small;
- `recommander_pour`, which reads an organisme's territory, its fragility map and its active
  reception places from the database and returns the proposals ready for the map.

Proposals stop at the first one that would bring nobody: a place that gains no one is not worth
recommending, so a `Recommandation` may hold fewer places than asked.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.spatial import cKDTree

from parcours.lib.sphere import km_vers_corde, sur_la_sphere
from parcours.organisation.models import LieuAccueil, Organisme
from parcours.territoire.models import Commune

METHODES = ("auto", "glouton", "exact")
# "auto" solves exactly while the reduced MILP has at most this many nonzeros, else greedily.
# Measured on real town halls (every commune of a région as candidates, 30 % or all of them as
# demand, 3 or 10 places, 15 or 30 minutes at k = 1.3, v = 60 km/h): up to 100,000 nonzeros
# HiGHS proves optimality in 0.2 to 8 s, around 200,000 in 2 to 8 s; from 350,000 it mostly
# reaches the time limit, and at 700,000 (30 minutes, every commune of a large région fragile)
# it never finishes. Size is only a proxy: a dense case (Île-de-France, 10 places) reaches the
# limit at 60,000 nonzeros, and the time limit bounds it. The default use, the fragile
# pseudo-cantons of one Carsat at 15 minutes, is 20,000 to 100,000 nonzeros. Where the exact
# solution is found it covers 0 to 7 % more people than greedy.
EXACT_NONZEROS_MAX = 250_000
EXACT_TEMPS_LIMITE_S = 10.0
# HiGHS presolve rules, by their bit in the `presolve_rule_off` option.
PRESOLVE_PARALLELES = 1 << 13
PRESOLVE_PROBING = 1 << 15


@dataclass
class Recommandation:
    """The chosen candidates, best first, and what they bring.

    `indices` are candidate indices (rows of `candidats_latlon`) in the order they are proposed;
    `gains[i]` is the weight the i-th place adds to those before it (for the exact solution, the
    chosen places are ordered greedily by that marginal gain). `couverte` = Σ gains. `methode` is
    the method actually used ("glouton" or "exact"); `repli` says that the exact solver was asked
    for (or chosen by "auto") but did not prove optimality within its time limit, so the greedy
    answer is returned. `deja_couverte` is the weight already within reach of an existing place,
    `totale` the whole weight given.
    """

    indices: list[int] = field(default_factory=list)
    gains: list[float] = field(default_factory=list)
    couverte: float = 0.0
    methode: str = "glouton"
    deja_couverte: float = 0.0
    totale: float = 0.0
    repli: bool = False


def rayon_en_km(minutes: float, detour_k: float, vitesse_kmh: float) -> float:
    """Great-circle distance reached in `minutes` by DESIGN §4's estimator t = 60·k·d/v."""
    if minutes < 0 or detour_k <= 0 or vitesse_kmh <= 0:
        raise ValueError("La durée doit être positive, le facteur de détour et la vitesse aussi.")
    return minutes * vitesse_kmh / (60.0 * detour_k)


def _corde(distance_km: float) -> float:
    """The chord of the unit sphere subtending a great-circle distance, a little widened so that a
    point exactly at the distance counts as within it despite rounding."""
    return km_vers_corde(distance_km) * (1.0 + 1e-12) + 1e-15


def _tableau(valeurs: npt.ArrayLike, colonnes: int | None, nom: str) -> np.ndarray:
    tableau = np.asarray(valeurs, dtype=float)
    if colonnes is None:
        tableau = tableau.reshape(-1)
    else:
        if tableau.size == 0:
            tableau = tableau.reshape(0, colonnes)
        if tableau.ndim != 2 or tableau.shape[1] != colonnes:
            raise ValueError(f"{nom} : un tableau de {colonnes} colonnes est attendu.")
    if not np.all(np.isfinite(tableau)):
        raise ValueError(f"{nom} : valeurs manquantes ou infinies.")
    return tableau


def _couverture(demande: np.ndarray, candidats: np.ndarray, corde: float) -> sparse.csr_matrix:
    """Boolean matrix (demand × candidates): True where the candidate is within reach."""
    n, c = len(demande), len(candidats)
    if n == 0 or c == 0:
        return sparse.csr_matrix((n, c), dtype=bool)
    paires = cKDTree(demande).sparse_distance_matrix(
        cKDTree(candidats), corde, output_type="ndarray"
    )
    # The "ndarray" output keeps pairs at distance 0 (a candidate at a demand point), which a
    # sparse matrix output would store as zeros.
    return sparse.csr_matrix(
        (np.ones(len(paires), dtype=bool), (paires["i"], paires["j"])), shape=(n, c)
    )


def _groupes_identiques(a: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Rows of `a` with the same nonzero columns: each row's group number, and the first row of
    each group (groups numbered in order of their first row)."""
    a = a.tocsr()
    a.sort_indices()
    groupes: dict[bytes, int] = {}
    rang = np.empty(a.shape[0], dtype=np.int64)
    for i in range(a.shape[0]):
        cle = a.indices[a.indptr[i] : a.indptr[i + 1]].tobytes()
        rang[i] = groupes.setdefault(cle, len(groupes))
    return rang, np.unique(rang, return_index=True)[1]


def _glouton(
    a: sparse.csr_matrix, poids: np.ndarray, nombre: int, parmi: np.ndarray | None = None
) -> tuple[list[int], list[float]]:
    """Greedy maximal coverage: at each step the candidate adding the most uncovered weight (the
    lowest index among equals), until `nombre` are chosen or none adds anything.

    `parmi` restricts the choice to a boolean mask of candidates. Gains are recomputed from the
    uncovered weights at each step rather than updated, so that equal gains stay exactly equal.
    """
    a_t = a.T.tocsr()
    a_csc = a.tocsc()
    restant = poids.astype(float).copy()
    choix: list[int] = []
    gains: list[float] = []
    for _ in range(nombre):
        apports = a_t @ restant
        if parmi is not None:
            apports = np.where(parmi, apports, -np.inf)
        if choix:
            apports[choix] = -np.inf
        if apports.size == 0:
            break
        j = int(np.argmax(apports))
        if not apports[j] > 0:
            break
        choix.append(j)
        gains.append(float(apports[j]))
        restant[a_csc.indices[a_csc.indptr[j] : a_csc.indptr[j + 1]]] = 0.0
    return choix, gains


_highs_verrou = threading.Lock()
_highs_entete_ecrite = False


def _highs():
    """A silent HiGHS instance. HiGHS writes its banner on standard output (the C stream) when
    the first instance of the process is built, before any option can be set; it is sent to
    /dev/null once, so that commands writing their result on standard output stay clean."""
    global _highs_entete_ecrite
    import highspy

    with _highs_verrou:
        if _highs_entete_ecrite:
            solveur = highspy.Highs()
        else:
            sys.stdout.flush()
            try:
                sauvegarde = os.dup(1)
            except OSError:  # no standard output at all: nothing to protect
                sauvegarde = None
            if sauvegarde is None:
                solveur = highspy.Highs()
            else:
                nul = os.open(os.devnull, os.O_WRONLY)
                try:
                    os.dup2(nul, 1)
                    solveur = highspy.Highs()
                finally:
                    os.dup2(sauvegarde, 1)
                    os.close(sauvegarde)
                    os.close(nul)
            _highs_entete_ecrite = True
    solveur.setOptionValue("output_flag", False)
    return solveur


def _modele_nonzeros(a: sparse.csr_matrix) -> int:
    """Nonzeros of the MILP built by `_exact`: coverage entries, the y_i and the cardinality row."""
    return int(a.nnz) + a.shape[0] + a.shape[1]


def _exact(
    a: sparse.csr_matrix,
    poids: np.ndarray,
    nombre: int,
    depart: list[int],
    temps_limite: float | None = None,
) -> list[int] | None:
    """The optimal set of `nombre` candidates by the MILP

        max Σ w_i y_i  s.t.  y_i ≤ Σ_{j covers i} x_j,  Σ x_j = nombre,  x ∈ {0,1}, y ∈ [0,1],

    warm-started with the greedy choice `depart`. None when HiGHS does not prove optimality
    within `temps_limite` seconds (`EXACT_TEMPS_LIMITE_S` by default).
    """
    import highspy

    n, c = a.shape
    nombre = min(nombre, c)
    # Columns x_0..x_{c-1} then y_0..y_{n-1}; rows: one per demand point, then Σ x_j.
    matrice = sparse.vstack(
        [
            sparse.hstack([-a.astype(float), sparse.identity(n, format="csr")]),
            sparse.hstack([np.ones((1, c)), sparse.csr_matrix((1, n))]),
        ]
    ).tocsc()
    matrice.sort_indices()
    lp = highspy.HighsLp()
    lp.num_col_ = c + n
    lp.num_row_ = n + 1
    lp.col_cost_ = np.concatenate([np.zeros(c), poids])
    lp.col_lower_ = np.zeros(c + n)
    lp.col_upper_ = np.ones(c + n)
    lp.row_lower_ = np.concatenate([np.full(n, -highspy.kHighsInf), [nombre]])
    lp.row_upper_ = np.concatenate([np.zeros(n), [nombre]])
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = c + n
    lp.a_matrix_.num_row_ = n + 1
    lp.a_matrix_.start_ = matrice.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrice.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrice.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * c + [highspy.HighsVarType.kContinuous] * n

    solveur = _highs()
    if temps_limite is None:
        temps_limite = EXACT_TEMPS_LIMITE_S
    solveur.setOptionValue("time_limit", float(temps_limite))
    # Populations are counted in persons: a proven gap under half a person is optimal enough,
    # and no relative tolerance lets a large territory lose whole villages.
    solveur.setOptionValue("mip_rel_gap", 0.0)
    solveur.setOptionValue("mip_abs_gap", 0.5)
    # Two presolve rules overran the time limit on dense coverage (30 minutes over a région: 55 s
    # in presolve for a 10 s limit): parallel rows and columns, redundant here since identical
    # demand points and identical candidates are merged beforehand, and probing, which HiGHS
    # itself advises switching off when it runs out of time.
    solveur.setOptionValue("presolve_rule_off", PRESOLVE_PARALLELES | PRESOLVE_PROBING)
    solveur.passModel(lp)

    # Warm start: greedy's places, completed to `nombre` with unused candidates.
    x = np.zeros(c)
    x[depart] = 1.0
    x[np.flatnonzero(x == 0)[: nombre - len(depart)]] = 1.0
    y = np.minimum(a @ x, 1.0)
    solution = highspy.HighsSolution()
    solution.col_value = np.concatenate([x, y]).tolist()
    solveur.setSolution(solution)

    solveur.run()
    if solveur.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    valeurs = np.asarray(solveur.getSolution().col_value[:c])
    return [int(j) for j in np.flatnonzero(valeurs > 0.5)]


def recommander(
    demande_latlon: npt.ArrayLike,
    poids: npt.ArrayLike,
    existants_latlon: npt.ArrayLike,
    candidats_latlon: npt.ArrayLike,
    nombre: int,
    rayon_km: float,
    methode: str = "auto",
) -> Recommandation:
    """Choose up to `nombre` candidates covering the most demand weight within `rayon_km`.

    Demand already within `rayon_km` of an existing place is removed first. Coordinates are
    (latitude, longitude) in degrees, arrays of shape (n, 2), (p, 2), (c, 2); `poids` has shape
    (n,) and no negative value. `methode` is "glouton" (greedy), "exact" (HiGHS MILP, greedy as
    a fallback when not proven optimal within `EXACT_TEMPS_LIMITE_S`) or "auto" (exact while the
    model has at most `EXACT_NONZEROS_MAX` nonzeros, else greedy).
    """
    if methode not in METHODES:
        raise ValueError(f"Méthode inconnue : {methode!r} (attendu : {', '.join(METHODES)}).")
    if nombre < 0:
        raise ValueError("Le nombre de lieux à proposer doit être positif ou nul.")
    if rayon_km < 0:
        raise ValueError("Le rayon doit être positif ou nul.")
    demande = _tableau(demande_latlon, 2, "demande")
    w = _tableau(poids, None, "poids")
    existants = _tableau(existants_latlon, 2, "lieux existants")
    candidats = _tableau(candidats_latlon, 2, "candidats")
    if len(w) != len(demande):
        raise ValueError("Il faut un poids par point de demande.")
    if np.any(w < 0):
        raise ValueError("Les poids doivent être positifs ou nuls.")

    corde = _corde(rayon_km)
    xyz = sur_la_sphere(demande)
    deja = np.zeros(len(demande), dtype=bool)
    if len(existants) and len(demande):
        distances, _ = cKDTree(sur_la_sphere(existants)).query(xyz, distance_upper_bound=corde)
        deja = distances <= corde
    resultat = Recommandation(
        totale=float(w.sum()), deja_couverte=float(w[deja].sum()), methode="glouton"
    )

    # The model: uncovered demand that some candidate reaches, and the candidates reaching some.
    garde = ~deja & (w > 0)
    a = _couverture(xyz[garde], sur_la_sphere(candidats), corde)
    w_garde = w[garde]
    lignes = np.diff(a.indptr) > 0
    a, w_garde = a[lignes], w_garde[lignes]
    # Demand points reached by the same candidates are one point of their summed weight;
    # candidates reaching the same demand are interchangeable, the lowest index stands for all.
    rang, premieres = _groupes_identiques(a)
    a, w_garde = a[premieres], np.bincount(rang, weights=w_garde, minlength=len(premieres))
    utiles = np.flatnonzero(a.getnnz(axis=0) > 0)
    utiles = utiles[_groupes_identiques(a[:, utiles].T)[1]]
    a = a[:, utiles]

    choix, gains = _glouton(a, w_garde, nombre)
    exact = methode == "exact" or (methode == "auto" and _modele_nonzeros(a) <= EXACT_NONZEROS_MAX)
    # The exact solver can only improve on greedy when there are more useful candidates than
    # places to choose and greedy filled every place.
    if exact and 0 < nombre == len(choix) < len(utiles):
        optimum = _exact(a, w_garde, nombre, choix)
        if optimum is None:
            resultat.repli = True
        else:
            parmi = np.zeros(a.shape[1], dtype=bool)
            parmi[optimum] = True
            choix, gains = _glouton(a, w_garde, nombre, parmi=parmi)
            resultat.methode = "exact"
    elif exact:
        # Greedy is then optimal: it stopped with all reachable demand covered, or took every
        # useful candidate.
        resultat.methode = "exact"

    resultat.indices = [int(utiles[j]) for j in choix]
    resultat.gains = gains
    resultat.couverte = float(sum(gains))
    return resultat


def recommander_pour(
    organisme: Organisme,
    fragilite: dict[str, dict[str, Any]],
    population_par_commune: dict[str, float],
    *,
    nombre: int = 3,
    seuil: int = 3,
    minutes: float = 15,
    candidats: list[str] | None = None,
    methode: str = "auto",
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The `nombre` communes of the organisme's territory where a new reception place would bring
    the most fragile population within `minutes`, and a summary.

    Demand: the territory's communes (town-hall points) whose pseudo-canton has a composite of at
    least `seuil` in `fragilite` (the "territoires" part of the observatory JSON, DESIGN §5),
    weighted by `population_par_commune` (INSEE code → persons aged 25–54; missing is 0).
    Existing places: the organisme's active reception places. Candidates: `candidats` (INSEE
    codes of communes of the territory) or every commune of the territory, less those hosting one
    of the organisme's active places. k and v are the organisme's.

    Each proposal is `{"code", "nom", "latitude", "longitude", "population_gagnee",
    "population_cumulee"}`; populations are whole persons, the cumulative rounded and each gain
    the difference of successive cumulatives, so that the gains add up to the total. The summary
    is `{"methode", "repli", "population_fragile", "population_deja_couverte",
    "population_gagnee", "parametres": {"nombre", "seuil", "minutes", "k", "v", "rayon_km"}}`.
    """
    rayon = rayon_en_km(minutes, organisme.detour_k, organisme.vitesse_kmh)
    communes = list(
        Commune.objects.communes()
        .filter(departement__in=organisme.departements())
        .order_by("code")
        .values_list("code", "nom", "latitude", "longitude", "pseudo_canton_id")
    )
    fragiles = {
        code
        for code, territoire in fragilite.items()
        if territoire.get("composite") is not None and territoire["composite"] >= seuil
    }
    demande = [c for c in communes if c[4] in fragiles]

    lieux = list(
        LieuAccueil.objects.actifs()
        .filter(unite__organisme=organisme)
        .values_list("latitude", "longitude", "commune_id", "commune__commune_parent_id")
    )
    # A place in a municipal arrondissement is in its commune (Paris, Lyon, Marseille).
    accueillent = {code for *_, commune, parent in lieux for code in (commune, parent) if code}

    par_code = {c[0]: c for c in communes}
    if candidats is None:
        retenus = communes
    else:
        inconnues = sorted({code for code in candidats if code not in par_code})
        if inconnues:
            raise ValueError(
                "Communes inconnues ou hors du territoire de l'organisme : "
                + ", ".join(inconnues)
                + "."
            )
        retenus = [par_code[code] for code in dict.fromkeys(candidats)]
    retenus = [c for c in retenus if c[0] not in accueillent]

    resultat = recommander(
        np.array([(c[2], c[3]) for c in demande], dtype=float).reshape(-1, 2),
        np.array([population_par_commune.get(c[0], 0) for c in demande], dtype=float),
        np.array([(lat, lon) for lat, lon, *_ in lieux], dtype=float).reshape(-1, 2),
        np.array([(c[2], c[3]) for c in retenus], dtype=float).reshape(-1, 2),
        nombre,
        rayon,
        methode,
    )

    propositions = []
    cumul_arrondi = 0
    cumul = 0.0
    for j, gain in zip(resultat.indices, resultat.gains, strict=True):
        code, nom, latitude, longitude, _ = retenus[j]
        cumul += gain
        arrondi = round(cumul)
        propositions.append(
            {
                "code": code,
                "nom": nom,
                "latitude": latitude,
                "longitude": longitude,
                "population_gagnee": arrondi - cumul_arrondi,
                "population_cumulee": arrondi,
            }
        )
        cumul_arrondi = arrondi
    resume = {
        "methode": resultat.methode,
        "repli": resultat.repli,
        "population_fragile": round(resultat.totale),
        "population_deja_couverte": round(resultat.deja_couverte),
        "population_gagnee": cumul_arrondi,
        "parametres": {
            "nombre": nombre,
            "seuil": seuil,
            "minutes": minutes,
            "k": organisme.detour_k,
            "v": organisme.vitesse_kmh,
            "rayon_km": round(rayon, 2),
        },
    }
    return propositions, resume
