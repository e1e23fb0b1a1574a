"""Booking a slot, with no double booking, guaranteed by the database.

The booking runs in one transaction that checks the slot is still offered (an opening of the
agent, no holiday, no absence), that neither the agent nor the place's rooms are taken, then
writes. On SQLite the transaction is immediate (settings): bookings are serialised and the check
holds. On PostgreSQL two bookings may check at the same moment; the exclusion constraints
(migration 0002) let only one of them write, and the other is told.

The loser gets a French message and the next free slot to propose instead.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from parcours.dossiers.models import Assure
from parcours.organisation.models import LieuAccueil
from parcours.rendezvous.creneaux import PARIS, Creneau, absences_de, creneaux_libres
from parcours.rendezvous.enums import OrigineRendezVous
from parcours.rendezvous.models import Motif, Participation, RendezVous


class CreneauIndisponible(Exception):
    """The slot is taken (or no longer offered); `proposition` is the next free one, if any."""

    def __init__(self, message: str, proposition: Creneau | None = None):
        super().__init__(message)
        self.proposition = proposition


def _offert(motif: Motif, lieu: LieuAccueil, agent_id: int, debut: datetime) -> bool:
    """Whether `debut` is a free slot of the agent at the place for the motif right now: the
    free slots of that day only (its Paris date), not of the whole booking window."""
    if timezone.is_naive(debut):
        return False
    jour = timezone.localtime(debut, PARIS).date()
    libres = creneaux_libres(motif, [lieu], agents=[agent_id], par_lieu=None, jour=jour)
    return any(c.debut == debut and c.agent_id == agent_id for c in libres.get(lieu.pk, []))


def _proposition(motif: Motif, lieu: LieuAccueil) -> Creneau | None:
    libres = creneaux_libres(motif, [lieu], par_lieu=1).get(lieu.pk, [])
    return libres[0] if libres else None


def reserver(
    *,
    assure: Assure,
    motif: Motif,
    lieu: LieuAccueil,
    agent_id: int,
    debut: datetime,
    acting_user,
    autres_agents: tuple[int, ...] = (),
    origine: str = OrigineRendezVous.AGENT,
    signalement=None,
    contact_partenaire=None,
    minutes_trajet: int | None = None,
) -> RendezVous:
    """Book `debut` with the agent (and, for a joint appointment, `autres_agents`) at the place;
    CreneauIndisponible if it was taken meanwhile. `acting_user` is None when the person books
    through a link."""
    fin = debut + timedelta(minutes=motif.duree_minutes)
    agents = tuple(dict.fromkeys((agent_id, *autres_agents)))
    autres = agents[1:]
    if autres and (
        Participation.objects.filter(agent_id__in=autres, debut__lt=fin, fin__gt=debut).exists()
        or any(absences_de(autres, debut, fin).values())
    ):
        raise CreneauIndisponible(
            "Un autre agent de ce rendez-vous n'est pas libre à cette heure-là : "
            "choisissez un autre créneau ou un autre agent."
        )
    for salle in range(1, lieu.salles + 1):
        try:
            with transaction.atomic():
                if not _offert(motif, lieu, agent_id, debut):
                    break
                if Participation.objects.filter(
                    agent_id__in=agents, debut__lt=fin, fin__gt=debut
                ).exists():
                    break
                prises = set(
                    RendezVous.objects.actifs()
                    .filter(lieu=lieu, salle__isnull=False, debut__lt=fin, fin__gt=debut)
                    .values_list("salle", flat=True)
                )
                libres = [n for n in range(salle, lieu.salles + 1) if n not in prises]
                if not libres:
                    break
                rdv = RendezVous(
                    assure=assure,
                    motif=motif,
                    lieu=lieu,
                    salle=libres[0],
                    agent_id=agent_id,
                    debut=debut,
                    fin=fin,
                    cree_par=acting_user,
                    origine=origine,
                    signalement=signalement,
                    contact_partenaire=contact_partenaire,
                    minutes_trajet=minutes_trajet,
                )
                rdv._history_user = acting_user
                rdv.save()
                Participation.objects.bulk_create(
                    [
                        Participation(rendez_vous=rdv, agent_id=a, debut=debut, fin=fin)
                        for a in agents
                    ]
                )
                return rdv
        except IntegrityError:
            # Another booking wrote first (PostgreSQL's exclusion constraints): another room
            # may still be free; else the slot is gone.
            continue
    raise CreneauIndisponible(
        "Ce créneau vient d'être pris par une autre réservation.",
        proposition=_proposition(motif, lieu),
    )
