"""Accessibility of the reception places (DESIGN §4): the distance estimate against times computed
here independently (spherical law of cosines), the nearest place, the 15/30-minute shares of a
small organisme, the OSRM backend against a local fake server, the refit of k and v, and the
`ajuster_temps` command."""

import json
import math
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parcours.lib.sphere import distances_km
from parcours.observatoire.accessibilite import (
    ErreurRoutage,
    EstimateurDistance,
    EstimateurOSRM,
    ajuster,
    calculer_accessibilite,
    estimateur_pour,
    minutes_estimees,
    plus_proches,
)
from parcours.territoire.models import Commune, Departement
from tests.factories import LieuAccueilFactory, OrganismeFactory, UniteFactory

R = 6371.0


def arc_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance by the spherical law of cosines (independent of the haversine)."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return R * math.acos(max(-1.0, min(1.0, c)))


def mairie(code: str) -> tuple[float, float]:
    return Commune.objects.values_list("latitude", "longitude").get(code=code)


# Three real pairs, with the minutes of the default estimate (k = 1.3, v = 60 km/h: 1.3 min per
# km) computed once by hand from the town halls of the loaded geography.
PAIRES = [
    ("82121", "31555", 46.391, 60.3),  # Montauban → Toulouse
    ("81004", "12202", 58.148, 75.6),  # Albi → Rodez
    ("09122", "09225", 16.764, 21.8),  # Foix → Pamiers
]


@pytest.mark.django_db
@pytest.mark.parametrize(("origine", "destination", "km", "minutes"), PAIRES)
def test_distance_estimate_for_real_pairs(origine, destination, km, minutes):
    o, d = mairie(origine), mairie(destination)
    attendu_km = arc_km(*o, *d)
    assert attendu_km == pytest.approx(km, abs=0.001)
    assert float(distances_km(*o, *d)) == pytest.approx(attendu_km, rel=1e-9)

    for k, v in ((1.3, 60.0), (1.4, 50.0)):
        indices, temps = EstimateurDistance(k, v).temps_plus_proche(np.array([o]), np.array([d]))
        assert list(indices) == [0]
        assert temps[0] == pytest.approx(60 * k * attendu_km / v, rel=1e-9)
    _, temps = EstimateurDistance().temps_plus_proche(np.array([o]), np.array([d]))
    assert round(float(temps[0]), 1) == minutes


def test_minutes_formula():
    assert minutes_estimees(30.0, 1.3, 60.0) == pytest.approx(39.0)
    assert minutes_estimees(np.array([0.0, 60.0]), 1.0, 60.0).tolist() == [0.0, 60.0]


def test_nearest_place_matches_brute_force():
    alea = np.random.default_rng(5)
    origines = np.column_stack((alea.uniform(42, 51, 3000), alea.uniform(-5, 8, 3000)))
    lieux = np.column_stack((alea.uniform(42, 51, 150), alea.uniform(-5, 8, 150)))
    indices, d_km = plus_proches(origines, lieux)
    for i in range(0, 3000, 97):
        arcs = [arc_km(*origines[i], *lieu) for lieu in lieux]
        assert indices[i] == int(np.argmin(arcs))
        assert d_km[i] == pytest.approx(min(arcs), abs=1e-6)


def test_nearest_place_by_hand():
    # From Montauban, Toulouse (46 km) is nearer than Albi (64 km) and Rodez (108 km).
    montauban = (44.016124, 1.352639)
    lieux = np.array([(43.927135, 2.146538), (43.604049, 1.443047), (44.349259, 2.576632)])
    indices, d_km = plus_proches(np.array([montauban]), lieux)
    assert indices.tolist() == [1]
    assert d_km[0] == pytest.approx(46.391, abs=0.001)
    vides, distances = plus_proches(np.zeros((0, 2)), lieux)
    assert len(vides) == len(distances) == 0


@pytest.fixture
def organisme_82(db):
    """One département (Tarn-et-Garonne), two open places: Montauban at its town hall, and
    Castelsarrasin 1.1 km north of it; a closed place in Moissac, another organisme's place in
    Valence (82186)."""
    organisme = OrganismeFactory(code="ACC82")
    unite = UniteFactory(organisme=organisme, departement=Departement.objects.get(code="82"))
    montauban = Commune.objects.get(code="82121")
    castelsarrasin = Commune.objects.get(code="82033")
    LieuAccueilFactory(code="L-MTB", commune=montauban, unite=unite)
    LieuAccueilFactory(
        code="L-CSR",
        commune=castelsarrasin,
        latitude=castelsarrasin.latitude + 0.01,
        longitude=castelsarrasin.longitude,
        unite=unite,
    )
    LieuAccueilFactory(
        code="L-MOI", commune=Commune.objects.get(code="82112"), unite=unite, actif=False
    )
    autre = UniteFactory(departement=Departement.objects.get(code="82"))
    LieuAccueilFactory(code="L-AUTRE", commune=Commune.objects.get(code="82186"), unite=autre)
    return organisme


def test_accessibility_of_a_small_organisme(organisme_82):
    resultat = calculer_accessibilite(organisme_82)
    assert list(resultat) == [
        "parametres",
        "communes",
        "part_communes_15",
        "part_communes_30",
        "part_population_15",
        "part_population_30",
    ]
    assert resultat["parametres"] == {"k": 1.3, "v": 60.0}

    # Independent computation: law of cosines, Python loops, the host rule.
    lieux = {"L-MTB": mairie("82121"), "L-CSR": (mairie("82033")[0] + 0.01, mairie("82033")[1])}
    attendu, population = {}, {}
    for code, pop, lat, lon in Commune.objects.filter(departement="82", type="COM").values_list(
        "code", "population", "latitude", "longitude"
    ):
        population[code] = pop or 0
        if code in ("82121", "82033"):
            attendu[code] = {
                "minutes": 0.0,
                "lieu_accueil": "L-MTB" if code == "82121" else "L-CSR",
            }
            continue
        km, lieu = min((arc_km(lat, lon, *point), nom) for nom, point in lieux.items())
        attendu[code] = {"minutes": round(60 * 1.3 * km / 60, 1), "lieu_accueil": lieu}
    assert len(attendu) == 195
    assert resultat["communes"] == attendu
    assert resultat["communes"]["82033"] == {"minutes": 0.0, "lieu_accueil": "L-CSR"}
    assert resultat["communes"]["82112"]["lieu_accueil"] == "L-CSR"  # Moissac: closed place

    total = sum(population.values())
    for seuil in (15, 30):
        dedans = [c for c, r in attendu.items() if r["minutes"] <= seuil]
        assert resultat[f"part_communes_{seuil}"] == round(100 * len(dedans) / 195, 1)
        assert resultat[f"part_population_{seuil}"] == round(
            100 * sum(population[c] for c in dedans) / total, 1
        )
    assert 0 < resultat["part_communes_15"] < resultat["part_communes_30"] < 100
    assert resultat["part_population_15"] > resultat["part_communes_15"]
    json.dumps(resultat)  # storable as is


def test_accessibility_with_the_organisme_parameters(organisme_82):
    organisme_82.detour_k, organisme_82.vitesse_kmh = 1.5, 75.0
    resultat = calculer_accessibilite(organisme_82)
    assert resultat["parametres"] == {"k": 1.5, "v": 75.0}
    km = arc_km(*mairie("82002"), *mairie("82121"))  # Albias, north-east of Montauban
    assert resultat["communes"]["82002"] == {
        "minutes": round(60 * 1.5 * km / 75, 1),
        "lieu_accueil": "L-MTB",
    }


def test_a_place_in_an_arrondissement_hosts_its_commune(db):
    organisme = OrganismeFactory(code="ACC13")
    unite = UniteFactory(organisme=organisme, departement=Departement.objects.get(code="13"))
    LieuAccueilFactory(code="L-MRS", commune=Commune.objects.get(code="13201"), unite=unite)
    resultat = calculer_accessibilite(organisme)
    assert resultat["communes"]["13055"] == {"minutes": 0.0, "lieu_accueil": "L-MRS"}
    assert "13201" not in resultat["communes"]


def test_no_place_or_no_commune_is_a_clear_error(db):
    sans_lieu = OrganismeFactory(code="VIDE")
    UniteFactory(organisme=sans_lieu, departement=Departement.objects.get(code="82"))
    with pytest.raises(ValueError, match="aucun lieu d'accueil ouvert"):
        calculer_accessibilite(sans_lieu)
    with pytest.raises(ValueError, match="aucune commune dans son territoire"):
        calculer_accessibilite(OrganismeFactory(code="SANS-UNITE"))


def test_estimator_choice_follows_the_setting(db, settings):
    organisme = OrganismeFactory(detour_k=1.4, vitesse_kmh=55.0)
    settings.PARCOURS_ROUTAGE_OSRM_URL = ""
    estimateur = estimateur_pour(organisme)
    assert isinstance(estimateur, EstimateurDistance)
    assert estimateur.parametres() == {"estimateur": "distance", "k": 1.4, "v": 55.0}
    settings.PARCOURS_ROUTAGE_OSRM_URL = "http://routage:s3cret@osrm.interne:5000/"
    estimateur = estimateur_pour(organisme)
    assert isinstance(estimateur, EstimateurOSRM)
    assert estimateur.parametres() == {
        "estimateur": "osrm",
        "url": "http://osrm.interne:5000",
        "candidats": 5,
    }


# --- OSRM ---------------------------------------------------------------------------------------


class FauxOSRM:
    """An HTTP server on 127.0.0.1 answering the OSRM table service.

    A duration is the great-circle distance at 60 km/h, plus `penalites[(lon, lat)]` seconds for
    a destination, None for a destination in `sans_route`. `reponse` overrides the answer.
    """

    def __init__(self) -> None:
        self.requetes: list[str] = []
        self.penalites: dict[tuple[float, float], float] = {}
        self.sans_route: set[tuple[float, float]] = set()
        self.reponse: tuple[int, bytes] | None = None
        self.attente = 0.0
        faux = self

        class Gestionnaire(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                faux.requetes.append(self.path)
                time.sleep(faux.attente)
                statut, corps = faux.reponse or faux.table(self.path)
                try:
                    self.send_response(statut)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(corps)))
                    self.end_headers()
                    self.wfile.write(corps)
                except OSError:  # the client gave up (timeout test)
                    pass

            def log_message(self, *args) -> None:
                pass

        self.serveur = ThreadingHTTPServer(("127.0.0.1", 0), Gestionnaire)
        self.url = f"http://127.0.0.1:{self.serveur.server_address[1]}"
        self.fil = threading.Thread(target=self.serveur.serve_forever, daemon=True)
        self.fil.start()

    def table(self, chemin: str) -> tuple[int, bytes]:
        morceaux = urllib.parse.urlsplit(chemin)
        assert morceaux.path.startswith("/table/v1/driving/")
        points = [
            tuple(float(x) for x in p.split(","))
            for p in morceaux.path.removeprefix("/table/v1/driving/").split(";")
        ]
        requete = urllib.parse.parse_qs(morceaux.query)
        sources = [int(i) for i in requete["sources"][0].split(";")]
        destinations = [int(i) for i in requete["destinations"][0].split(";")]
        assert requete["annotations"] == ["duration"]
        durees = []
        for s in sources:
            ligne = []
            for d in destinations:
                if points[d] in self.sans_route:
                    ligne.append(None)
                else:
                    (lon1, lat1), (lon2, lat2) = points[s], points[d]
                    km = arc_km(lat1, lon1, lat2, lon2)
                    ligne.append(km * 60 + self.penalites.get(points[d], 0.0))
            durees.append(ligne)
        return 200, json.dumps({"code": "Ok", "durations": durees}).encode()

    def fermer(self) -> None:
        self.serveur.shutdown()
        self.serveur.server_close()
        self.fil.join()


@pytest.fixture
def osrm(monkeypatch):
    monkeypatch.setenv("no_proxy", "127.0.0.1")  # a proxy of the environment must not intercept
    serveur = FauxOSRM()
    yield serveur
    serveur.fermer()


# Five origins along the Garonne and four places: Montauban, Toulouse, Agen, Bordeaux.
ORIGINES = np.array(
    [(44.0397, 1.10749), (43.9, 1.3), (44.2, 0.7), (43.7, 1.4), (44.1, 1.0)]  # Castelsarrasin…
)
LIEUX = np.array(
    [
        (44.016124, 1.352639),  # Montauban
        (43.604049, 1.443047),  # Toulouse
        (44.203142, 0.616363),  # Agen
        (44.837789, -0.57918),  # Bordeaux
    ]
)


def _cle(point) -> tuple[float, float]:
    return (round(float(point[1]), 6), round(float(point[0]), 6))


def test_osrm_takes_the_quickest_of_the_nearest_places_in_batches(osrm):
    # Montauban's roads are jammed (one hour more): Toulouse or Agen win where Montauban would.
    osrm.penalites[_cle(LIEUX[0])] = 3600.0
    estimateur = EstimateurOSRM(osrm.url, candidats=2, sources_par_requete=2)
    suivi = []
    indices, minutes = estimateur.temps_plus_proche(
        ORIGINES, LIEUX, progression=lambda e, f, t: suivi.append((f, t))
    )

    for i, (lat, lon) in enumerate(ORIGINES):
        proches = sorted(range(4), key=lambda j: arc_km(lat, lon, *LIEUX[j]))[:2]
        temps = {j: arc_km(lat, lon, *LIEUX[j]) + (60 if j == 0 else 0) for j in proches}
        meilleur = min(temps, key=temps.get)
        assert indices[i] == meilleur
        assert minutes[i] == pytest.approx(temps[meilleur], abs=1e-6)
    assert 0 not in indices.tolist()  # Montauban is never the quickest

    # 5 origins, at most 2 sources a request: 3 requests, covering each origin once.
    assert len(osrm.requetes) == 3
    vues = []
    for chemin in osrm.requetes:
        morceaux = urllib.parse.urlsplit(chemin)
        points = morceaux.path.removeprefix("/table/v1/driving/").split(";")
        for point in points:
            lon, lat = point.split(",")
            assert len(lon.split(".")[1]) == len(lat.split(".")[1]) == 6
        requete = urllib.parse.parse_qs(morceaux.query)
        sources = requete["sources"][0].split(";")
        destinations = requete["destinations"][0].split(";")
        assert len(sources) <= 2
        assert sources == [str(j) for j in range(len(sources))]
        assert destinations == [str(j) for j in range(len(sources), len(points))]
        assert f"{LIEUX[3][1]:.6f},{LIEUX[3][0]:.6f}" not in points  # Bordeaux: never a candidate
        vues += points[: len(sources)]
    assert sorted(vues) == sorted(f"{lon:.6f},{lat:.6f}" for lat, lon in ORIGINES)
    assert suivi[-1] == (5, 5)


def test_osrm_limits_sources_times_destinations(osrm):
    estimateur = EstimateurOSRM(osrm.url, candidats=3, paires_par_requete=6)
    indices, _ = estimateur.temps_plus_proche(ORIGINES, LIEUX)
    for chemin in osrm.requetes:
        requete = urllib.parse.parse_qs(urllib.parse.urlsplit(chemin).query)
        paires = len(requete["sources"][0].split(";")) * len(requete["destinations"][0].split(";"))
        assert paires <= 6
    assert indices.tolist() == plus_proches(ORIGINES, LIEUX)[0].tolist()  # no penalty: nearest


def test_osrm_without_any_route_gives_nan(osrm):
    osrm.sans_route.update(_cle(lieu) for lieu in LIEUX)
    _, minutes = EstimateurOSRM(osrm.url).temps_plus_proche(ORIGINES[:1], LIEUX)
    assert np.isnan(minutes[0])


def test_osrm_estimator_in_the_accessibility(organisme_82, osrm):
    resultat = calculer_accessibilite(organisme_82, EstimateurOSRM(osrm.url))
    # No penalty: the quickest is the nearest, at 60 km/h (1 min per km), hosts at 0.
    km = arc_km(*mairie("82002"), *mairie("82121"))
    assert resultat["communes"]["82002"] == {"minutes": round(km, 1), "lieu_accueil": "L-MTB"}
    assert resultat["communes"]["82121"] == {"minutes": 0.0, "lieu_accueil": "L-MTB"}
    assert resultat["parametres"] == {"k": 1.3, "v": 60.0}


def test_osrm_unreachable_server(monkeypatch):
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    with socket.socket() as libre:
        libre.bind(("127.0.0.1", 0))
        port = libre.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with pytest.raises(ErreurRoutage) as erreur:
        EstimateurOSRM(url).temps_plus_proche(ORIGINES, LIEUX)
    assert str(erreur.value) == f"serveur de routage {url} : injoignable (connexion refusée)"


def test_osrm_timeout(osrm):
    osrm.attente = 0.6
    with pytest.raises(ErreurRoutage, match=r"injoignable \(pas de réponse en 0\.2 s\)"):
        EstimateurOSRM(osrm.url, delai_s=0.2).temps_plus_proche(ORIGINES, LIEUX)


@pytest.mark.parametrize(
    ("statut", "corps", "cause"),
    [
        (
            400,
            b'{"code": "TooBig", "message": "Too many table coordinates"}',
            "réponse en erreur (HTTP 400, code TooBig : Too many table coordinates)",
        ),
        (200, b'{"code": "NoTable", "message": "No table found"}', "code NoTable"),
        (200, b"<html>proxy</html>", "réponse illisible (JSON invalide)"),
        (200, b'{"code": "Ok", "durations": [[1.0]]}', "réponse inattendue"),
        (502, b"Bad Gateway", "réponse en erreur (HTTP 502)"),
    ],
)
def test_osrm_error_answers(osrm, statut, corps, cause):
    osrm.reponse = (statut, corps)
    with pytest.raises(ErreurRoutage) as erreur:
        EstimateurOSRM(osrm.url).temps_plus_proche(ORIGINES, LIEUX)
    message = str(erreur.value)
    assert message.startswith(f"serveur de routage {osrm.url} : ")
    assert cause in message
    assert "44.0397" not in message and "1.10749" not in message  # no coordinates


# --- Refit --------------------------------------------------------------------------------------


def test_refit_recovers_k_and_v_from_road_distances_and_times():
    alea = np.random.default_rng(12)
    d_km = alea.uniform(2, 80, 400)
    km_route = 1.22 * d_km
    minutes = 60 * km_route / 68.0
    k, v, details = ajuster(d_km, minutes, km_route)
    assert k == pytest.approx(1.22, rel=1e-9)
    assert v == pytest.approx(68.0, rel=1e-9)
    assert details["observations"] == 400
    assert details["methode"] == "km_route"
    assert details["erreur_moyenne_apres"] == pytest.approx(0.0, abs=1e-9)
    avant = np.mean(np.abs(60 * 1.3 * d_km / 60 - minutes))
    assert details["erreur_moyenne_avant"] == pytest.approx(avant)

    # With noise, close to the truth.
    bruit = alea.normal(1, 0.05, 400)
    k, v, _ = ajuster(d_km, minutes * alea.normal(1, 0.05, 400), km_route * bruit)
    assert k == pytest.approx(1.22, rel=0.02)
    assert v == pytest.approx(68.0, rel=0.03)


def test_refit_from_times_only_keeps_k():
    d_km = np.array([5.0, 12.0, 30.0, 55.0, 0.0])
    minutes = 60 * 1.22 * d_km / 68.0
    k, v, details = ajuster(d_km, minutes, None, k=1.3, v=60.0)
    assert k == 1.3
    assert v == pytest.approx(68.0 * 1.3 / 1.22, rel=1e-9)
    assert details["methode"] == "minutes"
    assert details["erreur_moyenne_apres"] == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError, match="aucun trajet"):
        ajuster(np.array([]), np.array([]), None)


# --- ajuster_temps ------------------------------------------------------------------------------


def _fichier_observe(tmp_path, k: float, v: float, avec_km: bool = True):
    paires = [("82121", "31555"), ("81004", "12202"), ("09122", "09225"), ("82121", "82033")]
    lignes = ["origine;destination;minutes" + (";km" if avec_km else "") + ";source"]
    for origine, destination in paires:
        km = k * arc_km(*mairie(origine), *mairie(destination))
        cellules = [origine, destination, f"{60 * km / v:.4f}".replace(".", ",")]
        lignes.append(";".join(cellules + ([f"{km:.4f}"] if avec_km else []) + ["Metric"]))
    fichier = tmp_path / "trajets.csv"
    fichier.write_text("\n".join(lignes) + "\n", encoding="utf-8")
    return fichier


def test_command_prints_the_refit_without_saving(db, tmp_path, capsys):
    organisme = OrganismeFactory(code="AJ1")
    call_command("ajuster_temps", "--organisme", "AJ1", str(_fichier_observe(tmp_path, 1.25, 70)))
    sortie = capsys.readouterr()
    assert "4 trajet(s) observé(s) ; k et v ajustés" in sortie.out
    assert "facteur de détour k : 1.300 → 1.250" in sortie.out
    assert "vitesse moyenne v : 60.0 → 70.0 km/h" in sortie.out
    assert "0.0 min après" in sortie.out
    assert "Rien n'est enregistré" in sortie.out
    assert "colonnes ignorées : « source »" in sortie.err
    organisme.refresh_from_db()
    assert (organisme.detour_k, organisme.vitesse_kmh) == (1.3, 60.0)


def test_command_saves_with_enregistrer(db, tmp_path, capsys):
    organisme = OrganismeFactory(code="AJ2")
    fichier = _fichier_observe(tmp_path, 1.25, 70)
    call_command("ajuster_temps", "--organisme", "AJ2", str(fichier), "--enregistrer")
    organisme.refresh_from_db()
    assert organisme.detour_k == pytest.approx(1.25, abs=1e-4)
    assert organisme.vitesse_kmh == pytest.approx(70.0, abs=0.01)
    assert "enregistrés pour Carsat AJ2" in capsys.readouterr().out

    # Times only: k kept (1.25 now), v refitted for k / v = 1.3 / 60.
    fichier = _fichier_observe(tmp_path, 1.3, 60, avec_km=False)
    call_command("ajuster_temps", "--organisme", "AJ2", str(fichier), "--enregistrer")
    organisme.refresh_from_db()
    assert organisme.detour_k == pytest.approx(1.25, abs=1e-4)
    assert organisme.vitesse_kmh == pytest.approx(60 * 1.25 / 1.3, abs=0.01)


def test_command_rejects_a_bad_file_with_line_numbers(db, tmp_path, capsys):
    organisme = OrganismeFactory(code="AJ3")
    fichier = tmp_path / "trajets.csv"
    fichier.write_text(
        "origine;destination;minutes;km\n"
        "82121;31555;45;52\n"
        "82121;99999;45;52\n"
        ";31555;quarante;52\n"
        "81004;12202;-3;\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as erreur:
        call_command("ajuster_temps", "--organisme", "AJ3", str(fichier), "--enregistrer")
    assert erreur.value.returncode == 1
    assert "rien n'est enregistré" in str(erreur.value)
    sortie = capsys.readouterr().err
    assert "ligne 3, colonne « destination » : commune inconnue « 99999 »" in sortie
    assert "ligne 4, colonne « origine » : valeur obligatoire manquante" in sortie
    assert "ligne 4, colonne « minutes » : « quarante » n'est pas un nombre" in sortie
    assert "ligne 5, colonne « minutes » : « -3 » est négatif" in sortie
    assert "ligne 5, colonne « km » : valeur obligatoire manquante" in sortie
    assert "ligne 2" not in sortie
    organisme.refresh_from_db()
    assert (organisme.detour_k, organisme.vitesse_kmh) == (1.3, 60.0)


def test_command_refuses_missing_columns_unknown_organisme_and_out_of_bounds(db, tmp_path):
    OrganismeFactory(code="AJ4")
    fichier = tmp_path / "trajets.csv"
    fichier.write_text("origine;minutes\n82121;40\n", encoding="utf-8")
    with pytest.raises(CommandError) as erreur:
        call_command("ajuster_temps", "--organisme", "AJ4", str(fichier))
    assert erreur.value.returncode == 1
    with pytest.raises(CommandError, match="organisme inconnu"):
        call_command("ajuster_temps", "--organisme", "INCONNU", str(fichier))
    # A speed of 200 km/h is beyond the organisme's bounds: nothing saved.
    with pytest.raises(CommandError, match="hors des bornes admises"):
        call_command(
            "ajuster_temps",
            "--organisme",
            "AJ4",
            str(_fichier_observe(tmp_path, 1.25, 200)),
            "--enregistrer",
        )
