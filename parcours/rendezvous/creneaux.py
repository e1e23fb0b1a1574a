"""Free slots: the openings of the agents (recurring, in Paris local time) minus their
appointments and absences, the place's public holidays and its full rooms, within the motif's
booking delays.

Public holidays are those of the place's département (`holidays`): Moselle (57) and Alsace
(67, 68) keep Good Friday and 26 December; the overseas départements have their own.

« Next free slots near this commune » is asked during a call (DESIGN §7: p95 under 100 ms with
128 places, 110 agents, 12 weeks of openings and 40,000 appointments). So the search reads the
appointments and absences week by week, nearest first, and stops for a place once it has its
first slots (whole days, so that no earlier slot of another opening is missed); a slot is
checked against the agent's appointments and the place's rooms by bisection, not by scanning.
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.rrule import rrulestr
from django.db import connections
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from parcours.organisation.models import LieuAccueil
from parcours.organisation.proximite import par_proximite
from parcours.rendezvous.models import Absence, Motif, Participation, Plage, RendezVous

PARIS = ZoneInfo("Europe/Paris")
# An appointment lasts less than this (a motif is 8 hours at most): the appointments that may
# still run at a moment started at most this long before it, which bounds the index scans.
DUREE_MAX_RDV = timedelta(days=1)
# The holidays' subdivisions of the package for the départements that have their own.
SUBDIVISIONS = {
    "57": "57",
    "67": "6AE",
    "68": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "976": "976",
}


@lru_cache(maxsize=64)
def _feries(departement: str | None, annee: int) -> frozenset[date]:
    return frozenset(holidays.France(subdiv=SUBDIVISIONS.get(departement or ""), years=annee))


def jours_feries(departement: str | None, debut: date, fin: date) -> set[date]:
    """The public holidays of a département between two dates (inclusive)."""
    jours: set[date] = set()
    for annee in range(debut.year, fin.year + 1):
        jours |= {j for j in _feries(departement, annee) if debut <= j <= fin}
    return jours


@lru_cache(maxsize=4096)
def _regle(regle: str, date_debut: date):
    """A rule parsed once per process (an rrule object is not changed by reading it)."""
    return rrulestr(regle, dtstart=datetime.combine(date_debut, time.min))


def occurrences(regle: str, date_debut: date, debut: date, fin: date) -> list[date]:
    """The dates of a recurring rule (RFC 5545, from `date_debut`) between two dates."""
    regle_etendue = _regle(regle, date_debut)
    return [
        d.date()
        for d in regle_etendue.between(
            datetime.combine(debut, time.min), datetime.combine(fin, time.max), inc=True
        )
    ]


def a_paris(jour: date, heure: time) -> datetime:
    """A Paris wall-clock time as an aware datetime (right on both sides of a change of hour)."""
    return datetime.combine(jour, heure, tzinfo=PARIS)


@dataclass(frozen=True, order=True)
class Creneau:
    debut: datetime
    fin: datetime
    agent_id: int
    lieu_id: int | None
    motif_id: int


def _intervalles(lignes: QuerySet, cle: str) -> list[tuple]:
    """The rows' (cle, debut, fin), the times as `_instant` gives them. They are read as text
    and parsed by `datetime.fromisoformat`: the drivers' own conversion of each value (Django's
    on SQLite, psycopg's Python loader on PostgreSQL) costs several times more, and a search
    reads thousands of them. SQLite's text is naive, in the connection's time zone (how Django
    stores aware datetimes there); PostgreSQL's (ISO date style) carries its offset."""
    lire = datetime.fromisoformat
    textes = lignes.annotate(
        debut_texte=Cast("debut", TextField()), fin_texte=Cast("fin", TextField())
    ).values_list(cle, "debut_texte", "fin_texte")
    return [(k, lire(d), lire(f)) for k, d, f in textes]


def _instant(connexion):
    """How the search compares times: as `_intervalles` reads them — on SQLite naive, in the
    connection's time zone (UTC), elsewhere aware, in UTC. One representation, so that no
    comparison converts."""
    if connexion.vendor == "sqlite":
        zone = connexion.timezone
        return lambda moment: moment.astimezone(zone).replace(tzinfo=None)
    return lambda moment: moment.astimezone(UTC)


class _Occupe:
    """The busy intervals of one agent, merged and sorted: whether [s, e) meets one is a
    bisection."""

    def __init__(self, intervalles: Iterable[tuple[datetime, datetime]]):
        debuts: list[datetime] = []
        fins: list[datetime] = []
        for d, f in sorted(intervalles):
            if fins and d <= fins[-1]:
                fins[-1] = max(fins[-1], f)
            else:
                debuts.append(d)
                fins.append(f)
        self.debuts, self.fins = debuts, fins

    def chevauche(self, s: datetime, e: datetime) -> bool:
        # The last interval starting before `e` is the only one that may still run at `s`:
        # merged intervals end in the order they start.
        i = bisect_left(self.debuts, e)
        return i > 0 and self.fins[i - 1] > s


_LIBRE = _Occupe(())


class _Salles:
    """The appointments of one place that take a room, sorted: how many run during [s, e)."""

    def __init__(self, intervalles: Iterable[tuple[datetime, datetime]]):
        tries = sorted(intervalles)
        self.debuts = [d for d, _ in tries]
        self.fins = [f for _, f in tries]
        self.duree_max = max((f - d for d, f in tries), default=timedelta(0))

    def prises(self, s: datetime, e: datetime) -> int:
        # Only an appointment starting after s − (the longest one) can still run at s.
        i = bisect_right(self.debuts, s - self.duree_max)
        j = bisect_left(self.debuts, e)
        return sum(1 for k in range(i, j) if self.fins[k] > s)


def absences_de(agents: Iterable[int], debut: datetime, fin: datetime) -> dict:
    """Per agent, the absence intervals touching [debut, fin] (recurring ones expanded)."""
    resultat: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for absence in Absence.objects.filter(agent_id__in=list(agents), debut__lt=fin).filter(
        Q(fin__gt=debut) | ~Q(regle="")
    ):
        if not absence.regle:
            resultat[absence.agent_id].append((absence.debut, absence.fin))
            continue
        duree = absence.fin - absence.debut
        locale = timezone.localtime(absence.debut, PARIS)
        limite = absence.jusqu_au or fin.date()
        for jour in occurrences(absence.regle, locale.date(), debut.date() - duree, limite):
            d = a_paris(jour, locale.timetz().replace(tzinfo=None))
            if d < fin and debut < d + duree:
                resultat[absence.agent_id].append((d, d + duree))
    return resultat


def creneaux_libres(
    motif: Motif,
    lieux: Iterable[LieuAccueil],
    *,
    maintenant: datetime | None = None,
    jours: int | None = None,
    agents: Iterable[int] | None = None,
    par_lieu: int | None = 3,
    jour: date | None = None,
) -> dict[int | None, list[Creneau]]:
    """The first free slots (`par_lieu` each, None for all) of `motif` at each place — an
    empty list for a place with none —, within the motif's delays (and `jours` days at most);
    `jour`: only the slots of that day (checking one slot)."""
    maintenant = maintenant or timezone.now()
    debut = maintenant + timedelta(hours=motif.delai_min_heures)
    fin = maintenant + timedelta(days=min(motif.delai_max_jours, jours or motif.delai_max_jours))
    premier, dernier = debut.date(), fin.date()
    if jour is not None:
        premier, dernier = max(premier, jour), min(dernier, jour)
    lieux = list(lieux)
    par_id = {lieu.pk: lieu for lieu in lieux}
    resultat: dict[int | None, list[Creneau]] = {lieu.pk: [] for lieu in lieux}
    if premier > dernier:
        return resultat
    plages = Plage.objects.filter(
        motifs=motif, lieu_id__in=list(par_id), date_debut__lte=dernier
    ).filter(Q(date_fin__isnull=True) | Q(date_fin__gte=premier))
    if agents is not None:
        plages = plages.filter(agent_id__in=list(agents))
    # Each place's opening days, in date order.
    a_voir: dict[int, list[tuple[date, Plage]]] = defaultdict(list)
    feries: dict[int, set[date]] = {}
    for plage in plages:
        lieu = par_id[plage.lieu_id]
        if lieu.pk not in feries:
            feries[lieu.pk] = jours_feries(lieu.commune.departement_id, debut.date(), fin.date())
        exclues = {date.fromisoformat(j) for j in plage.exceptions}
        jusqu_au = min(dernier, plage.date_fin or dernier)
        for j in occurrences(plage.regle, plage.date_debut, premier, jusqu_au):
            if j not in exclues and j not in feries[lieu.pk]:
                a_voir[lieu.pk].append((j, plage))
    for jours_du_lieu in a_voir.values():
        jours_du_lieu.sort(key=lambda jp: jp[0])
    duree = timedelta(minutes=motif.duree_minutes)
    trouves: dict[int, list[Creneau]] = defaultdict(list)
    vus: dict[int, set] = defaultdict(set)
    # Week after week, nearest first (a window twice as long each time); all at once when
    # every slot is asked for.
    du, taille = premier, 7
    while a_voir and du <= dernier:
        au = dernier if not par_lieu else min(dernier, du + timedelta(days=taille - 1))
        t0 = max(debut, a_paris(du, time.min))
        t1 = min(fin, a_paris(au + timedelta(days=1), time.min))
        fenetre = {
            lieu_id: [(j, p) for j, p in jours_du_lieu if du <= j <= au]
            for lieu_id, jours_du_lieu in a_voir.items()
        }
        fenetre = {lieu_id: jp for lieu_id, jp in fenetre.items() if jp}
        if fenetre and t0 < t1:
            _chercher(fenetre, par_id, motif, duree, debut, fin, t0, t1, trouves, vus)
        for lieu_id in list(a_voir):
            if par_lieu and len(trouves[lieu_id]) >= par_lieu:
                del a_voir[lieu_id]
        du, taille = au + timedelta(days=1), taille * 2
    for lieu_id, creneaux in trouves.items():
        creneaux.sort()
        resultat[lieu_id] = creneaux[:par_lieu] if par_lieu else creneaux
    return resultat


def _chercher(fenetre, par_id, motif, duree, debut, fin, t0, t1, trouves, vus) -> None:
    """The free slots of the openings of `fenetre` ({place: [(day, opening)]}), whose
    appointments and absences are read between t0 and t1."""
    ids_agents = {p.agent_id for jours_du_lieu in fenetre.values() for _, p in jours_du_lieu}
    intervalles: dict[int, list] = defaultdict(list)
    depuis = t0 - DUREE_MAX_RDV
    participations = Participation.objects.filter(
        agent_id__in=ids_agents, debut__gt=depuis, debut__lt=t1, fin__gt=t0
    )
    for agent_id, d, f in _intervalles(participations, "agent_id"):
        intervalles[agent_id].append((d, f))
    instant = _instant(connections[participations.db])
    occupes = {agent_id: _Occupe(liste) for agent_id, liste in intervalles.items()}
    absents = {
        agent_id: _Occupe((instant(d), instant(f)) for d, f in liste)
        for agent_id, liste in absences_de(ids_agents, t0, t1).items()
    }
    prises: dict[int, list] = defaultdict(list)
    rendez_vous = (
        RendezVous.objects.actifs()
        .order_by()
        .filter(
            lieu_id__in=list(fenetre),
            salle__isnull=False,
            debut__gt=depuis,
            debut__lt=t1,
            fin__gt=t0,
        )
    )
    for lieu_id, d, f in _intervalles(rendez_vous, "lieu_id"):
        prises[lieu_id].append((d, f))
    debut, fin = instant(debut), instant(fin)
    for lieu_id, jours_du_lieu in fenetre.items():
        lieu = par_id[lieu_id]
        salles = _Salles(prises[lieu_id])
        deja, creneaux = vus[lieu_id], trouves[lieu_id]
        for j, plage in jours_du_lieu:
            occupe = occupes.get(plage.agent_id, _LIBRE)
            absent = absents.get(plage.agent_id, _LIBRE)
            s, limite = a_paris(j, plage.debut), a_paris(j, plage.fin)
            while s + duree <= limite:
                e = s + duree
                su, eu = instant(s), instant(e)
                if (
                    debut <= su
                    and eu <= fin
                    and (plage.agent_id, s) not in deja
                    and not occupe.chevauche(su, eu)
                    and not absent.chevauche(su, eu)
                    and salles.prises(su, eu) < lieu.salles
                ):
                    deja.add((plage.agent_id, s))
                    creneaux.append(Creneau(s, e, plage.agent_id, lieu_id, motif.pk))
                s = e


@dataclass(frozen=True)
class Proposition:
    lieu: object  # organisation.proximite.LieuProche
    creneaux: list[Creneau]


def proposer(
    motif: Motif,
    lieux: Iterable[LieuAccueil],
    *,
    commune,
    organisme,
    nombre: int = 5,
    par_lieu: int = 3,
    maintenant: datetime | None = None,
    agents: Iterable[int] | None = None,
) -> list[Proposition]:
    """During a call: the places nearest the person's commune (the drive-time estimate of
    DESIGN §4) that have free slots for the motif, with their next slots — `nombre` places at
    most, looked for among the twice as many nearest. `agents`: only their slots (a motif
    held by the person's referent only)."""
    proches = par_proximite(list(lieux), commune, organisme)[: nombre * 2]
    libres = creneaux_libres(
        motif, [p.lieu for p in proches], par_lieu=par_lieu, maintenant=maintenant, agents=agents
    )
    propositions = [Proposition(p, libres[p.lieu.pk]) for p in proches if libres[p.lieu.pk]]
    return propositions[:nombre]
