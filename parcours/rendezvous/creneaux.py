"""Free slots: the openings of the agents (recurring, in Paris local time) minus their
appointments and absences, the place's public holidays and its full rooms, within the motif's
booking delays.

Public holidays are those of the place's département (`holidays`): Moselle (57) and Alsace
(67, 68) keep Good Friday and 26 December; the overseas départements have their own.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.rrule import rrulestr
from django.db.models import Q
from django.utils import timezone

from parcours.organisation.models import LieuAccueil
from parcours.organisation.proximite import par_proximite
from parcours.rendezvous.models import Absence, Motif, Participation, Plage, RendezVous

PARIS = ZoneInfo("Europe/Paris")
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


def occurrences(regle: str, date_debut: date, debut: date, fin: date) -> list[date]:
    """The dates of a recurring rule (RFC 5545, from `date_debut`) between two dates."""
    depart = datetime.combine(date_debut, time.min)
    regle_etendue = rrulestr(regle, dtstart=depart)
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


def _chevauche(intervalles: list[tuple[datetime, datetime]], debut: datetime, fin: datetime):
    return any(d < fin and debut < f for d, f in intervalles)


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
) -> dict[int | None, list[Creneau]]:
    """The first free slots (`par_lieu` each, None for all) of `motif` at each place — an
    empty list for a place with none —, within the motif's delays (and `jours` days at most)."""
    maintenant = maintenant or timezone.now()
    debut = maintenant + timedelta(hours=motif.delai_min_heures)
    fin = maintenant + timedelta(days=min(motif.delai_max_jours, jours or motif.delai_max_jours))
    lieux = list(lieux)
    par_id = {lieu.pk: lieu for lieu in lieux}
    plages = Plage.objects.filter(
        motifs=motif, lieu_id__in=list(par_id), date_debut__lte=fin.date()
    ).filter(Q(date_fin__isnull=True) | Q(date_fin__gte=debut.date()))
    if agents is not None:
        plages = plages.filter(agent_id__in=list(agents))
    plages = list(plages)
    ids_agents = {p.agent_id for p in plages}
    occupes: dict[int, list] = defaultdict(list)
    for agent_id, d, f in Participation.objects.filter(
        agent_id__in=ids_agents, debut__lt=fin, fin__gt=debut
    ).values_list("agent_id", "debut", "fin"):
        occupes[agent_id].append((d, f))
    salles: dict[int, list] = defaultdict(list)
    for lieu_id, d, f in (
        RendezVous.objects.actifs()
        .filter(lieu_id__in=list(par_id), salle__isnull=False, debut__lt=fin, fin__gt=debut)
        .values_list("lieu_id", "debut", "fin")
    ):
        salles[lieu_id].append((d, f))
    absences = absences_de(ids_agents, debut, fin)
    feries = {
        lieu.pk: jours_feries(lieu.commune.departement_id, debut.date(), fin.date())
        for lieu in lieux
    }
    duree = timedelta(minutes=motif.duree_minutes)
    trouves: dict[int | None, list[Creneau]] = defaultdict(list)
    vus: dict[int | None, set] = defaultdict(set)
    for plage in plages:
        lieu = par_id[plage.lieu_id]
        exclues = {date.fromisoformat(j) for j in plage.exceptions}
        dernier = min(fin.date(), plage.date_fin or fin.date())
        for jour in occurrences(plage.regle, plage.date_debut, debut.date(), dernier):
            if jour in exclues or jour in feries[lieu.pk]:
                continue
            s, limite = a_paris(jour, plage.debut), a_paris(jour, plage.fin)
            while s + duree <= limite:
                e = s + duree
                if (
                    debut <= s
                    and e <= fin
                    and not _chevauche(occupes[plage.agent_id], s, e)
                    and not _chevauche(absences[plage.agent_id], s, e)
                    and sum(1 for d, f in salles[lieu.pk] if d < e and s < f) < lieu.salles
                    and (plage.agent_id, s) not in vus[lieu.pk]
                ):
                    vus[lieu.pk].add((plage.agent_id, s))
                    trouves[lieu.pk].append(Creneau(s, e, plage.agent_id, lieu.pk, motif.pk))
                s = e
    resultat: dict[int | None, list[Creneau]] = {lieu.pk: [] for lieu in lieux}
    for lieu_id, creneaux in trouves.items():
        creneaux.sort()
        resultat[lieu_id] = creneaux[:par_lieu] if par_lieu else creneaux
    return resultat


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
) -> list[Proposition]:
    """During a call: the places nearest the person's commune (the drive-time estimate of
    DESIGN §4) that have free slots for the motif, with their next slots — `nombre` places at
    most, looked for among the twice as many nearest."""
    proches = par_proximite(list(lieux), commune, organisme)[: nombre * 2]
    libres = creneaux_libres(
        motif, [p.lieu for p in proches], par_lieu=par_lieu, maintenant=maintenant
    )
    propositions = [Proposition(p, libres[p.lieu.pk]) for p in proches if libres[p.lieu.pk]]
    return propositions[:nombre]
