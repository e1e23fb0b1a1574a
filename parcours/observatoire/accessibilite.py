"""Accessibility of the reception places (DESIGN §4): car time from each commune to its nearest
place, and the shares of communes and of population within 15 and 30 minutes.

The origin of a commune is its town hall (chef-lieu, as INSEE's Metric distancier); a commune
hosting an active reception place gets 0 minutes. Times come from a pluggable estimator:

- `EstimateurDistance` (default, no server): t (min) = 60 × k × d / v, d the great-circle
  distance on a sphere of the mean Earth radius (6,371.0 km, IUGG), k the detour factor and v
  the mean speed of the organisme;
- `EstimateurOSRM`: the table service of an OSRM routing server, asked only about the few
  places nearest each commune as the crow flies.

Both answer `temps_plus_proche(origines, destinations) -> (indices, minutes)` on arrays of
(latitude, longitude) in degrees. `ajuster` refits k and v from observed times (and road
distances when known), for the `ajuster_temps` command.
"""

import http.client
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Protocol

import numpy as np
from django.conf import settings
from scipy.spatial import cKDTree

from parcours.lib.sphere import corde_vers_km, distances_km, sur_la_sphere
from parcours.organisation.models import LieuAccueil
from parcours.organisation.proximite import minutes_estimees
from parcours.territoire.enums import TypeCommune
from parcours.territoire.models import Commune

SEUILS_MINUTES = (15, 30)

Progression = Callable[[str, int, int], None]
ETAPE = "Accessibilité des communes"


def plus_proches(
    origines_latlon: np.ndarray, destinations_latlon: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For every origin, the index of the nearest destination as the crow flies and its
    distance in km: `(indices (n,) int, d_km (n,) float)`.

    A k-d tree of the destinations on the unit sphere answers in O(n log m). The chord between
    two points of the sphere grows with the arc between them, so the nearest by chord is the
    nearest by great circle, exactly; ties go to either.
    """
    origines = np.asarray(origines_latlon, dtype=float).reshape(-1, 2)
    destinations = np.asarray(destinations_latlon, dtype=float).reshape(-1, 2)
    if len(destinations) == 0:
        raise ValueError("aucune destination : pas de plus proche")
    if len(origines) == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0)
    cordes, indices = cKDTree(sur_la_sphere(destinations)).query(sur_la_sphere(origines), k=1)
    return np.asarray(indices, dtype=np.intp), corde_vers_km(cordes)


class ErreurRoutage(Exception):
    """The routing server could not answer; the message is French and names the server."""


class Estimateur(Protocol):
    nom: str

    def temps_plus_proche(
        self,
        origines: np.ndarray,
        destinations: np.ndarray,
        progression: Progression | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """For every origin, the index of the quickest destination and the time in minutes
        (NaN when no destination can be reached)."""
        ...

    def parametres(self) -> dict:
        """The estimator's name and parameters, as stored with a computation."""
        ...


class EstimateurDistance:
    """t = 60 × k × d / v from the great-circle distance d (DESIGN §4's default)."""

    nom = "distance"

    def __init__(self, k: float = 1.3, v: float = 60.0) -> None:
        if k <= 0 or v <= 0:
            raise ValueError("le facteur de détour k et la vitesse v doivent être positifs")
        self.k = float(k)
        self.v = float(v)

    def temps_plus_proche(
        self,
        origines: np.ndarray,
        destinations: np.ndarray,
        progression: Progression | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        indices, d_km = plus_proches(origines, destinations)
        if progression:
            progression(ETAPE, len(indices), len(indices))
        return indices, minutes_estimees(d_km, self.k, self.v)

    def parametres(self) -> dict:
        return {"estimateur": self.nom, "k": self.k, "v": self.v}


def _url_publique(url: str) -> str:
    """The server's URL without user name, password, query or trailing slash (for messages)."""
    morceaux = urllib.parse.urlsplit(url)
    hote = morceaux.hostname or ""
    if ":" in hote:
        hote = f"[{hote}]"
    if morceaux.port:
        hote += f":{morceaux.port}"
    return urllib.parse.urlunsplit((morceaux.scheme, hote, morceaux.path, "", "")).rstrip("/")


class EstimateurOSRM:
    """Car times from an OSRM server's table service (`/table/v1/driving/...`).

    For every origin, the `candidats` places nearest as the crow flies are the only ones asked
    about, and the quickest of them is kept. Origins are grouped by their nearest place and sent
    in batches of at most `sources_par_requete` sources, with the union of their candidates as
    destinations, keeping sources × destinations within `paires_par_requete` (osrm-routed
    refuses tables above `--max-table-size`², 100² by default).
    """

    nom = "osrm"

    def __init__(
        self,
        url: str,
        delai_s: float = 10,
        candidats: int = 5,
        sources_par_requete: int = 100,
        paires_par_requete: int = 10_000,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"adresse du serveur de routage invalide : « {_url_publique(url)} »")
        if candidats < 1 or sources_par_requete < 1 or paires_par_requete < candidats:
            raise ValueError("paramètres de découpage des requêtes de routage invalides")
        self.url = url.rstrip("/")
        self.delai_s = delai_s
        self.candidats = candidats
        self.sources_par_requete = sources_par_requete
        self.paires_par_requete = paires_par_requete

    def parametres(self) -> dict:
        return {"estimateur": self.nom, "url": _url_publique(self.url), "candidats": self.candidats}

    def temps_plus_proche(
        self,
        origines: np.ndarray,
        destinations: np.ndarray,
        progression: Progression | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        origines = np.asarray(origines, dtype=float).reshape(-1, 2)
        destinations = np.asarray(destinations, dtype=float).reshape(-1, 2)
        if len(destinations) == 0:
            raise ValueError("aucune destination : pas de plus proche")
        n = len(origines)
        indices = np.zeros(n, dtype=np.intp)
        minutes = np.full(n, np.nan)
        if n == 0:
            return indices, minutes
        nb = min(self.candidats, len(destinations))
        _, candidats = cKDTree(sur_la_sphere(destinations)).query(sur_la_sphere(origines), k=nb)
        candidats = np.asarray(candidats, dtype=np.intp).reshape(n, nb)
        fait = 0
        for sources, cibles in self._lots(candidats):
            durees = self._table(origines[sources], destinations[cibles])
            # Columns of each source's candidates in this batch's destinations (sorted).
            colonnes = np.searchsorted(cibles, candidats[sources])
            choix = durees[np.arange(len(sources))[:, None], colonnes]
            choix = np.where(np.isnan(choix), np.inf, choix)
            meilleur = np.argmin(choix, axis=1)
            secondes = choix[np.arange(len(sources)), meilleur]
            indices[sources] = candidats[sources, meilleur]
            minutes[sources] = np.where(np.isinf(secondes), np.nan, secondes / 60.0)
            fait += len(sources)
            if progression:
                progression(ETAPE, fait, n)
        return indices, minutes

    def _lots(self, candidats: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Batches of (source indices, sorted destination indices), origins sharing their
        nearest place together so that the unions of candidates stay small."""
        lots: list[tuple[np.ndarray, np.ndarray]] = []
        sources: list[int] = []
        union: set[int] = set()
        for i in np.argsort(candidats[:, 0], kind="stable"):
            avec = union.union(candidats[i].tolist())
            if sources and (
                len(sources) + 1 > self.sources_par_requete
                or (len(sources) + 1) * len(avec) > self.paires_par_requete
            ):
                lots.append((np.array(sources), np.array(sorted(union))))
                sources, avec = [], set(candidats[i].tolist())
            sources.append(int(i))
            union = avec
        lots.append((np.array(sources), np.array(sorted(union))))
        return lots

    def _table(self, sources: np.ndarray, cibles: np.ndarray) -> np.ndarray:
        """Durations in seconds (NaN where OSRM finds no route), shape (sources, targets)."""
        points = np.concatenate((sources, cibles))
        coordonnees = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)
        s, d = len(sources), len(cibles)
        requete = urllib.parse.urlencode(
            {
                "sources": ";".join(str(j) for j in range(s)),
                "destinations": ";".join(str(j) for j in range(s, s + d)),
                "annotations": "duration",
            },
            safe=";",
        )
        reponse = self._demander(f"{self.url}/table/v1/driving/{coordonnees}?{requete}")
        lignes = reponse.get("durations")
        if not isinstance(lignes, list) or len(lignes) != s:
            raise self._erreur("réponse inattendue (tableau « durations » absent ou incomplet)")
        durees = np.empty((s, d))
        for r, ligne in enumerate(lignes):
            if not isinstance(ligne, list) or len(ligne) != d:
                raise self._erreur("réponse inattendue (ligne du tableau « durations » incomplète)")
            for c, valeur in enumerate(ligne):
                if valeur is None:
                    durees[r, c] = np.nan
                elif (
                    isinstance(valeur, int | float) and not isinstance(valeur, bool) and valeur >= 0
                ):
                    durees[r, c] = valeur
                else:
                    raise self._erreur("réponse inattendue (durée non numérique)")
        return durees

    def _erreur(self, cause: str) -> ErreurRoutage:
        return ErreurRoutage(f"serveur de routage {_url_publique(self.url)} : {cause}")

    def _demander(self, adresse: str) -> dict:
        requete = urllib.request.Request(
            adresse, headers={"Accept": "application/json", "User-Agent": "Parcours"}
        )
        try:
            with urllib.request.urlopen(requete, timeout=self.delai_s) as reponse:
                corps = reponse.read()
        except urllib.error.HTTPError as erreur:
            try:
                detail = _code_osrm(erreur.read())
            finally:
                erreur.close()
            raise self._erreur(
                f"réponse en erreur (HTTP {erreur.code}{', ' + detail if detail else ''})"
            ) from None
        except urllib.error.URLError as erreur:
            raise self._erreur(
                f"injoignable ({_cause_reseau(erreur.reason, self.delai_s)})"
            ) from None
        except (OSError, http.client.HTTPException) as erreur:
            raise self._erreur(f"injoignable ({_cause_reseau(erreur, self.delai_s)})") from None
        try:
            reponse = json.loads(corps)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise self._erreur("réponse illisible (JSON invalide)") from None
        if not isinstance(reponse, dict):
            raise self._erreur("réponse inattendue (objet JSON attendu)")
        if reponse.get("code") != "Ok":
            raise self._erreur(f"réponse en erreur ({_code_osrm(corps) or 'code absent'})")
        return reponse


def _code_osrm(corps: bytes) -> str:
    """« code OSRM : message » from an OSRM error body, or "" when it has none."""
    try:
        contenu = json.loads(corps)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return ""
    if not isinstance(contenu, dict) or "code" not in contenu:
        return ""
    message = str(contenu.get("message", ""))[:200]
    return f"code {contenu['code']}" + (f" : {message}" if message else "")


def _cause_reseau(raison: object, delai_s: float) -> str:
    if isinstance(raison, TimeoutError | socket.timeout):
        return f"pas de réponse en {delai_s:g} s"
    if isinstance(raison, ConnectionRefusedError):
        return "connexion refusée"
    if isinstance(raison, socket.gaierror):
        return "nom d'hôte inconnu"
    if isinstance(raison, ConnectionError | http.client.HTTPException):
        return "connexion interrompue"
    return f"erreur réseau : {raison}"


def estimateur_pour(organisme) -> Estimateur:
    """The OSRM server of the setting `PARCOURS_ROUTAGE_OSRM_URL` when set, else the
    organisme's own distance estimate (its k and v)."""
    url = getattr(settings, "PARCOURS_ROUTAGE_OSRM_URL", "")
    if url:
        return EstimateurOSRM(url)
    return EstimateurDistance(organisme.detour_k, organisme.vitesse_kmh)


def _part(dedans: float, total: float) -> float | None:
    return round(100.0 * dedans / total, 1) if total else None


def calculer_accessibilite(
    organisme, estimateur: Estimateur | None = None, progression: Progression | None = None
) -> dict:
    """The `accessibilite` part of the observatory JSON (DESIGN §5) for the organisme's territory:

    `{"parametres": {"k", "v"}, "communes": {insee: {"minutes", "lieu_accueil"}},
    "part_communes_15", "part_communes_30", "part_population_15", "part_population_30"}`.

    Communes proper of the organisme's départements, from their town hall; places are the
    active reception places of its units (wherever they are). Minutes have one decimal and a
    commune is within 15 minutes when that figure is ≤ 15; shares are percentages with one
    decimal (None when there is nothing to divide by). A commune no place can be reached from
    (a routing server finding no road) has `minutes` and `lieu_accueil` None and counts as
    beyond 30 minutes.
    """
    estimateur = estimateur or estimateur_pour(organisme)
    communes = list(
        Commune.objects.communes()
        .filter(departement__in=organisme.departements())
        .order_by("code")
        .values_list("code", "population", "latitude", "longitude")
    )
    if not communes:
        raise ValueError(
            f"l'organisme « {organisme.code} » n'a aucune commune dans son territoire "
            "(aucune unité rattachée à un département)"
        )
    lieux = list(
        LieuAccueil.objects.actifs()
        .filter(unite__organisme=organisme)
        .order_by("code")
        .values_list("code", "commune_id", "latitude", "longitude")
    )
    if not lieux:
        raise ValueError(
            f"l'organisme « {organisme.code} » n'a aucun lieu d'accueil ouvert : "
            "l'accessibilité ne peut pas être calculée"
        )

    codes = [c[0] for c in communes]
    population = np.array([c[1] or 0 for c in communes], dtype=float)
    mairies = np.array([(c[2], c[3]) for c in communes], dtype=float)
    codes_lieux = [lieu[0] for lieu in lieux]
    points_lieux = np.array([(lieu[2], lieu[3]) for lieu in lieux], dtype=float)

    # A place in a municipal arrondissement is hosted by its commune (Paris, Lyon, Marseille).
    parent = dict(
        Commune.objects.filter(
            code__in={lieu[1] for lieu in lieux}, type=TypeCommune.ARRONDISSEMENT
        ).values_list("code", "commune_parent_id")
    )
    rang = {code: i for i, code in enumerate(codes)}
    hote = np.array([rang.get(parent.get(lieu[1], lieu[1]), -1) for lieu in lieux])

    indices = np.full(len(codes), -1, dtype=np.intp)
    minutes = np.full(len(codes), np.nan)
    # Host communes: 0 minutes, to their place nearest the town hall (the first code if tied):
    # places are visited from the farthest to the nearest, the nearest written last.
    hotes = np.flatnonzero(hote >= 0)
    if len(hotes):
        ecart = distances_km(
            mairies[hote[hotes], 0],
            mairies[hote[hotes], 1],
            points_lieux[hotes, 0],
            points_lieux[hotes, 1],
        )
        for j in hotes[np.lexsort((hotes, ecart))][::-1]:
            indices[hote[j]] = j
        minutes[indices >= 0] = 0.0
    autres = np.flatnonzero(indices < 0)
    if len(autres):
        trouves, temps = estimateur.temps_plus_proche(
            mairies[autres], points_lieux, progression=progression
        )
        indices[autres] = np.where(np.isnan(temps), -1, trouves)
        minutes[autres] = temps

    resultat_communes = {}
    arrondies = np.full(len(codes), np.inf)  # unreachable communes are beyond every threshold
    for i, code in enumerate(codes):
        if indices[i] < 0:
            resultat_communes[code] = {"minutes": None, "lieu_accueil": None}
        else:
            arrondies[i] = valeur = round(float(minutes[i]), 1)
            resultat_communes[code] = {
                "minutes": valeur,
                "lieu_accueil": codes_lieux[indices[i]],
            }
    k = getattr(estimateur, "k", organisme.detour_k)
    v = getattr(estimateur, "v", organisme.vitesse_kmh)
    resultat = {"parametres": {"k": k, "v": v}, "communes": resultat_communes}
    for seuil in SEUILS_MINUTES:
        resultat[f"part_communes_{seuil}"] = _part(int(np.sum(arrondies <= seuil)), len(codes))
    for seuil in SEUILS_MINUTES:
        resultat[f"part_population_{seuil}"] = _part(
            float(population[arrondies <= seuil].sum()), float(population.sum())
        )
    return resultat


def _erreur_absolue_moyenne(prevues: np.ndarray, observees: np.ndarray) -> float:
    return float(np.mean(np.abs(prevues - observees)))


def ajuster(
    d_km: np.ndarray,
    minutes: np.ndarray,
    km_route: np.ndarray | None = None,
    *,
    k: float = 1.3,
    v: float = 60.0,
) -> tuple[float, float, dict]:
    """Refit the detour factor k and the speed v from observed trips: `(k, v, details)`.

    t = 60 × k × d / v depends on k / v only, so times alone cannot tell them apart. With road
    distances (INSEE's Metric distancier gives both), k is the least-squares slope through the
    origin of road km on great-circle km, and v that of road km on hours. With times only, the
    current k is kept and v is fitted (least-squares slope of minutes on d gives 60 k / v).
    `details`: `{"observations", "methode": "km_route"|"minutes", "erreur_moyenne_avant",
    "erreur_moyenne_apres"}`, the errors being mean absolute errors in minutes, with the
    current (k, v) and with the fitted ones.
    """
    d_km = np.asarray(d_km, dtype=float)
    minutes = np.asarray(minutes, dtype=float)
    if d_km.shape != minutes.shape or d_km.ndim != 1:
        raise ValueError("distances et temps observés doivent être des listes de même longueur")
    if len(d_km) == 0:
        raise ValueError("aucun trajet observé : rien à ajuster")
    if not np.any(d_km > 0):
        raise ValueError("tous les trajets ont une distance nulle : rien à ajuster")
    if not np.any(minutes > 0):
        raise ValueError("tous les temps observés sont nuls : rien à ajuster")
    if km_route is not None:
        km_route = np.asarray(km_route, dtype=float)
        if km_route.shape != d_km.shape:
            raise ValueError("distances routières et temps observés doivent être de même longueur")
        heures = minutes / 60.0
        k_ajuste = float(np.dot(km_route, d_km) / np.dot(d_km, d_km))
        v_ajuste = float(np.dot(km_route, heures) / np.dot(heures, heures))
        methode = "km_route"
    else:
        pente = float(np.dot(minutes, d_km) / np.dot(d_km, d_km))  # minutes per km: 60 k / v
        k_ajuste = float(k)
        v_ajuste = 60.0 * k_ajuste / pente
        methode = "minutes"
    details = {
        "observations": int(len(d_km)),
        "methode": methode,
        "erreur_moyenne_avant": _erreur_absolue_moyenne(minutes_estimees(d_km, k, v), minutes),
        "erreur_moyenne_apres": _erreur_absolue_moyenne(
            minutes_estimees(d_km, k_ajuste, v_ajuste), minutes
        ),
    }
    return k_ajuste, v_ajuste, details
