"""Where to open the next reception places: the maximal-coverage core on hand-built cases, and
the Django wrapper on the real geography of Tarn-et-Garonne (tests/conftest.py)."""

import itertools
import math

import numpy as np
import pytest

from parcours.observatoire import implantation
from parcours.observatoire.implantation import rayon_en_km, recommander, recommander_pour
from parcours.territoire.models import Commune, Departement
from tests.factories import LieuAccueilFactory, OrganismeFactory, UniteFactory

KM_PAR_DEGRE = 6371.0 * math.pi / 180
AUCUN = np.empty((0, 2))


def equateur(*abscisses_km):
    """Points on the equator at the given abscissae: great-circle distances are exactly their
    differences in km."""
    return np.array([(0.0, x / KM_PAR_DEGRE) for x in abscisses_km])


def haversine_km(lat1, lon1, lat2, lon2):
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    a = (
        np.sin((phi2 - phi1) / 2) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * np.arcsin(np.sqrt(a))


# Radius 10 km. Candidates X (index 0) at 15, Y (1) at 0, Z (2) at 30. Demand: 5 at 7 (X and Y),
# 5 at 23 (X and Z), 4 at -5 (Y only), 4 at 35 (Z only). X alone brings 10, Y and Z 9 each.
# Greedy takes X (10), then Y (4, tied with Z: lowest index): 14. The optimum is Y + Z: 18.
DEMANDE = equateur(7, 23, -5, 35)
POIDS = np.array([5.0, 5.0, 4.0, 4.0])
CANDIDATS = equateur(15, 0, 30)


def test_rayon_from_minutes_with_k_and_v():
    assert rayon_en_km(15, 1.3, 60) == pytest.approx(15 * 60 / (60 * 1.3))
    assert rayon_en_km(15, 1.3, 60) == pytest.approx(11.538, abs=1e-3)
    assert rayon_en_km(15, 1.5, 90) == pytest.approx(15.0)
    assert rayon_en_km(30, 1.0, 60) == pytest.approx(30.0)
    with pytest.raises(ValueError):
        rayon_en_km(15, 0, 60)


def test_radius_is_inclusive_and_in_great_circle_km():
    rayon = rayon_en_km(15, 1.3, 60)  # 11.54 km
    resultat = recommander(equateur(11.5, -11.6), [3, 7], AUCUN, equateur(0), 1, rayon)
    assert resultat.indices == [0]
    assert resultat.gains == [3.0]
    # A point exactly at the radius is within it.
    resultat = recommander(equateur(10), [2], AUCUN, equateur(0), 1, 10.0)
    assert resultat.gains == [2.0]


def test_greedy_is_suboptimal_and_exact_finds_the_optimum():
    glouton = recommander(DEMANDE, POIDS, AUCUN, CANDIDATS, 2, 10.0, "glouton")
    assert glouton.methode == "glouton"
    assert glouton.indices == [0, 1]
    assert glouton.gains == [10.0, 4.0]
    assert glouton.couverte == 14.0

    exact = recommander(DEMANDE, POIDS, AUCUN, CANDIDATS, 2, 10.0, "exact")
    assert exact.methode == "exact" and not exact.repli
    # Ordered by marginal gain among the chosen; Y and Z tie, the lower index first.
    assert exact.indices == [1, 2]
    assert exact.gains == [9.0, 9.0]
    assert exact.couverte == 18.0
    assert exact.totale == 18.0 and exact.deja_couverte == 0.0

    # A model this small is solved exactly by "auto".
    auto = recommander(DEMANDE, POIDS, AUCUN, CANDIDATS, 2, 10.0)
    assert (auto.methode, auto.indices, auto.gains) == ("exact", [1, 2], [9.0, 9.0])


def test_exact_falls_back_to_greedy_when_not_proven_in_time(monkeypatch):
    monkeypatch.setattr(implantation, "_exact", lambda *args, **kwargs: None)
    resultat = recommander(DEMANDE, POIDS, AUCUN, CANDIDATS, 2, 10.0, "exact")
    assert resultat.methode == "glouton" and resultat.repli
    assert resultat.indices == [0, 1]


def test_auto_is_greedy_above_the_size_threshold(monkeypatch):
    monkeypatch.setattr(implantation, "EXACT_NONZEROS_MAX", 5)
    resultat = recommander(DEMANDE, POIDS, AUCUN, CANDIDATS, 2, 10.0)
    assert resultat.methode == "glouton" and not resultat.repli
    assert resultat.indices == [0, 1]


def test_demand_within_reach_of_an_existing_place_is_removed_first():
    # A at 0 reaches 6 persons at 2; B at 50 reaches 8 persons at 52.
    demande, poids, candidats = equateur(2, 52), [6, 8], equateur(0, 50)
    sans = recommander(demande, poids, AUCUN, candidats, 1, 10.0)
    assert (sans.indices, sans.gains, sans.deja_couverte) == ([1], [8.0], 0.0)
    # A place at 55 already reaches the 8 persons at 52 (3 km): A is now the better choice.
    avec = recommander(demande, poids, equateur(55), candidats, 1, 10.0)
    assert avec.indices == [0]
    assert avec.gains == [6.0]
    assert avec.deja_couverte == 8.0
    assert avec.totale == 14.0
    # Nothing left to gain once both are reached.
    assert recommander(demande, poids, equateur(1, 55), candidats, 2, 10.0).indices == []


@pytest.mark.parametrize("methode", ["glouton", "exact", "auto"])
def test_ties_go_to_the_lowest_index(methode):
    # 5 persons at 0 and 5 at 100; candidate 0 at 101, candidate 1 at 1.
    resultat = recommander(equateur(0, 100), [5, 5], AUCUN, equateur(101, 1), 2, 10.0, methode)
    assert resultat.indices == [0, 1]
    assert resultat.gains == [5.0, 5.0]
    # Two candidates reaching the same demand: the first is proposed, the second adds nothing.
    resultat = recommander(equateur(0), [5], AUCUN, equateur(3, -3, 200), 3, 10.0, methode)
    assert resultat.indices == [0]


@pytest.mark.parametrize("methode", ["glouton", "exact", "auto"])
def test_proposals_stop_when_no_candidate_brings_anyone(methode):
    # Three useful candidates for five places asked; the fourth (at 500) reaches nobody.
    demande = equateur(0, 40, 80, 81)
    candidats = equateur(500, 0, 40, 80)
    resultat = recommander(demande, [1, 2, 3, 4], AUCUN, candidats, 5, 5.0, methode)
    assert resultat.indices == [3, 2, 1]
    assert resultat.gains == [7.0, 2.0, 1.0]
    assert resultat.couverte == resultat.totale == 10.0
    # All useful candidates taken: greedy is optimal, and the exact method says so.
    assert resultat.methode == ("glouton" if methode == "glouton" else "exact")
    assert recommander(demande, [1, 2, 3, 4], AUCUN, candidats, 0, 5.0, methode).indices == []


def test_empty_inputs():
    resultat = recommander(AUCUN, [], AUCUN, AUCUN, 3, 10.0)
    assert resultat.indices == [] and resultat.totale == 0.0
    resultat = recommander(equateur(0), [4], AUCUN, AUCUN, 3, 10.0)
    assert resultat.indices == [] and resultat.totale == 4.0
    # Demand of zero weight is no reason to open a place.
    assert recommander(equateur(0), [0], AUCUN, equateur(0), 3, 10.0).indices == []


def test_bad_inputs_are_refused_in_french():
    with pytest.raises(ValueError, match="Méthode inconnue"):
        recommander(DEMANDE, POIDS, AUCUN, CANDIDATS, 2, 10.0, "simplexe")
    with pytest.raises(ValueError, match="positifs ou nuls"):
        recommander(DEMANDE, -POIDS, AUCUN, CANDIDATS, 2, 10.0)
    with pytest.raises(ValueError, match="un poids par point"):
        recommander(DEMANDE, POIDS[:2], AUCUN, CANDIDATS, 2, 10.0)
    with pytest.raises(ValueError, match="2 colonnes"):
        recommander(DEMANDE, POIDS, AUCUN, np.zeros((3, 3)), 2, 10.0)
    with pytest.raises(ValueError, match="positif ou nul"):
        recommander(DEMANDE, POIDS, AUCUN, CANDIDATS, -1, 10.0)


def _couverture_brute(demande, poids, candidats, choix, rayon):
    """Weight within `rayon` of a set of candidates, by pairwise haversine distances."""
    if not choix:
        return 0.0
    d = haversine_km(
        demande[:, None, 0],
        demande[:, None, 1],
        candidats[None, choix, 0],
        candidats[None, choix, 1],
    )
    return float(np.asarray(poids)[(d <= rayon).any(axis=1)].sum())


@pytest.mark.parametrize("graine", range(12))
def test_exact_matches_brute_force_and_greedy_is_within_its_bound(graine):
    rng = np.random.default_rng(graine)
    centre = np.array([44.0, 1.35])
    demande = centre + rng.uniform(-0.3, 0.3, size=(40, 2))
    candidats = centre + rng.uniform(-0.3, 0.3, size=(9, 2))
    poids = rng.integers(0, 1000, size=40).astype(float)
    existants = centre + rng.uniform(-0.3, 0.3, size=(1, 2))
    rayon, nombre = 12.0, 3

    deja = haversine_km(demande[:, 0], demande[:, 1], existants[0, 0], existants[0, 1]) <= rayon
    restant = np.where(deja, 0.0, poids)
    optimum = max(
        _couverture_brute(demande, restant, candidats, list(choix), rayon)
        for choix in itertools.combinations(range(9), nombre)
    )

    exact = recommander(demande, poids, existants, candidats, nombre, rayon, "exact")
    assert exact.methode == "exact"
    assert exact.couverte == pytest.approx(optimum)
    assert exact.couverte == pytest.approx(
        _couverture_brute(demande, restant, candidats, exact.indices, rayon)
    )
    assert exact.deja_couverte == pytest.approx(poids[deja].sum())

    glouton = recommander(demande, poids, existants, candidats, nombre, rayon, "glouton")
    assert glouton.couverte == pytest.approx(
        _couverture_brute(demande, restant, candidats, glouton.indices, rayon)
    )
    assert (1 - 1 / math.e) * optimum - 1e-6 <= glouton.couverte <= optimum + 1e-6
    for resultat in (exact, glouton):
        assert all(a >= b for a, b in itertools.pairwise(resultat.gains))
        assert all(g > 0 for g in resultat.gains)


def test_a_territory_sized_case_runs(monkeypatch):
    """3,000 demand points and 3,000 candidates over a région-sized square: "auto" chooses a
    method and answers (the exact solver's time limit is shortened to keep the test quick)."""
    monkeypatch.setattr(implantation, "EXACT_TEMPS_LIMITE_S", 2.0)
    rng = np.random.default_rng(7)
    centre = np.array([44.0, 1.35])
    demande = centre + rng.uniform(-1.0, 1.0, size=(3000, 2)) * [1.0, 1.4]
    candidats = centre + rng.uniform(-1.0, 1.0, size=(3000, 2)) * [1.0, 1.4]
    existants = centre + rng.uniform(-1.0, 1.0, size=(20, 2)) * [1.0, 1.4]
    poids = rng.integers(0, 500, size=3000).astype(float)

    resultat = recommander(demande, poids, existants, candidats, 5, rayon_en_km(15, 1.3, 60))
    assert resultat.methode in ("exact", "glouton")
    assert len(resultat.indices) == 5
    assert len(set(resultat.indices)) == 5
    assert all(a >= b > 0 for a, b in itertools.pairwise(resultat.gains))
    assert 0 < resultat.couverte <= resultat.totale - resultat.deja_couverte


# --- Django: the organisme's territory, its fragility map and its reception places ---


@pytest.fixture
def territoire(db):
    """An organisme with one unit in Tarn-et-Garonne, and two of the département's
    pseudo-cantons: `fragile` (composite 4), `solide` (composite 1, ten times more people)."""
    departement = Departement.objects.get(code="82")
    organisme = OrganismeFactory()
    unite = UniteFactory(organisme=organisme, departement=departement)
    communes = list(
        Commune.objects.communes()
        .filter(departement=departement)
        .order_by("code")
        .values_list("code", "latitude", "longitude", "pseudo_canton_id")
    )
    par_pseudo_canton = {}
    for code, _, _, pseudo_canton in communes:
        par_pseudo_canton.setdefault(pseudo_canton, []).append(code)
    fragile, solide, *_ = sorted(par_pseudo_canton, key=lambda p: -len(par_pseudo_canton[p]))
    fragilite = {
        fragile: {"nom": "fragile", "population_25_54": 0, "composite": 4, "criteres": {}},
        solide: {"nom": "solide", "population_25_54": 0, "composite": 1, "criteres": {}},
    }
    population = {code: (1000 if pc == solide else 100) for code, _, _, pc in communes}
    return {
        "organisme": organisme,
        "unite": unite,
        "communes": communes,
        "fragiles": set(par_pseudo_canton[fragile]),
        "fragilite": fragilite,
        "population": population,
    }


def _meilleur_gain(communes, fragiles, population, rayon):
    """For each commune as a place, the fragile population it reaches (brute force)."""
    tableau = np.array([(lat, lon) for _, lat, lon, _ in communes])
    poids = np.array([population[code] if code in fragiles else 0 for code, *_ in communes])
    d = haversine_km(
        tableau[:, None, 0], tableau[:, None, 1], tableau[None, :, 0], tableau[None, :, 1]
    )
    return {code: float(poids[d[:, j] <= rayon].sum()) for j, (code, *_) in enumerate(communes)}


def test_recommander_pour_ignores_demand_outside_fragile_pseudo_cantons(territoire):
    organisme = territoire["organisme"]
    propositions, resume = recommander_pour(
        organisme, territoire["fragilite"], territoire["population"], nombre=1
    )
    rayon = rayon_en_km(15, organisme.detour_k, organisme.vitesse_kmh)
    gains = _meilleur_gain(
        territoire["communes"], territoire["fragiles"], territoire["population"], rayon
    )
    assert len(propositions) == 1
    proposition = propositions[0]
    assert set(proposition) == {
        "code",
        "nom",
        "latitude",
        "longitude",
        "population_gagnee",
        "population_cumulee",
    }
    # The best commune for the fragile pseudo-canton alone: the other, ten times more populous,
    # counts for nothing.
    assert proposition["population_gagnee"] == max(gains.values())
    assert gains[proposition["code"]] == max(gains.values())
    assert proposition["population_cumulee"] == proposition["population_gagnee"]
    commune = Commune.objects.get(code=proposition["code"])
    assert (proposition["latitude"], proposition["longitude"]) == (
        commune.latitude,
        commune.longitude,
    )
    assert proposition["nom"] == commune.nom
    assert resume == {
        "methode": "exact",
        "repli": False,
        "population_fragile": 100 * len(territoire["fragiles"]),
        "population_deja_couverte": 0,
        "population_gagnee": proposition["population_gagnee"],
        "parametres": {
            "nombre": 1,
            "seuil": 3,
            "minutes": 15,
            "k": 1.3,
            "v": 60.0,
            "rayon_km": 11.54,
        },
    }
    # With a threshold of 1, the populous pseudo-canton is fragile too.
    _, resume = recommander_pour(
        organisme, territoire["fragilite"], territoire["population"], nombre=1, seuil=1
    )
    assert resume["population_fragile"] > 100 * len(territoire["fragiles"])


def test_recommander_pour_covers_every_fragile_commune_given_enough_places(territoire):
    organisme, unite = territoire["organisme"], territoire["unite"]
    fragiles = sorted(territoire["fragiles"])
    accueil = Commune.objects.get(code=fragiles[0])
    LieuAccueilFactory(unite=unite, commune=accueil)
    # Neither a closed place nor another organisme's place counts.
    LieuAccueilFactory(unite=unite, commune=Commune.objects.get(code=fragiles[-1]), actif=False)
    LieuAccueilFactory(commune=Commune.objects.get(code=fragiles[1]))

    propositions, resume = recommander_pour(
        organisme, territoire["fragilite"], territoire["population"], nombre=100
    )
    rayon = rayon_en_km(15, organisme.detour_k, organisme.vitesse_kmh)
    deja = haversine_km(
        np.array([lat for _, lat, _, _ in territoire["communes"]]),
        np.array([lon for _, _, lon, _ in territoire["communes"]]),
        accueil.latitude,
        accueil.longitude,
    )
    deja_codes = {
        code
        for (code, *_), d in zip(territoire["communes"], deja, strict=True)
        if d <= rayon and code in territoire["fragiles"]
    }
    assert resume["population_deja_couverte"] == 100 * len(deja_codes)
    # Every fragile commune can host a place: enough places reach them all.
    assert (
        resume["population_gagnee"] + resume["population_deja_couverte"]
        == (resume["population_fragile"])
    )
    assert propositions[-1]["population_cumulee"] == resume["population_gagnee"]
    assert sum(p["population_gagnee"] for p in propositions) == resume["population_gagnee"]
    assert all(p["population_gagnee"] > 0 for p in propositions)
    codes = [p["code"] for p in propositions]
    assert accueil.code not in codes
    assert len(codes) == len(set(codes)) < 100


def test_recommander_pour_with_given_candidates(territoire):
    organisme = territoire["organisme"]
    fragiles = sorted(territoire["fragiles"])
    autre = next(code for code, *_ in territoire["communes"] if code not in territoire["fragiles"])
    propositions, _ = recommander_pour(
        organisme,
        territoire["fragilite"],
        territoire["population"],
        nombre=3,
        candidats=[autre, fragiles[0], fragiles[0]],
    )
    assert {p["code"] for p in propositions} <= {autre, fragiles[0]}
    assert fragiles[0] in {p["code"] for p in propositions}

    with pytest.raises(ValueError, match="hors du territoire de l'organisme : 31555, 99999"):
        recommander_pour(
            organisme,
            territoire["fragilite"],
            territoire["population"],
            candidats=["99999", fragiles[0], "31555"],
        )


def test_recommander_pour_uses_the_organismes_k_and_v(territoire):
    organisme = territoire["organisme"]
    organisme.detour_k, organisme.vitesse_kmh = 1.5, 90.0
    organisme.save()
    propositions, resume = recommander_pour(
        organisme, territoire["fragilite"], territoire["population"], nombre=1, minutes=10
    )
    assert resume["parametres"]["rayon_km"] == 10.0
    gains = _meilleur_gain(
        territoire["communes"], territoire["fragiles"], territoire["population"], 10.0
    )
    assert propositions[0]["population_gagnee"] == max(gains.values())
