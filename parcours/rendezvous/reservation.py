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

from parcours.dossiers.models import Assure
from parcours.organisation.models import LieuAccueil
from parcours.rendezvous.creneaux import Creneau, creneaux_libres
from parcours.rendezvous.models import Motif, Participation, RendezVous


class CreneauIndisponible(Exception):
    """The slot is taken (or no longer offered); `proposition` is the next free one, if any."""

    def __init__(self, message: str, proposition: Creneau | None = None):
        super().__init__(message)
        self.proposition = proposition


def _offert(motif: Motif, lieu: LieuAccueil, agent_id: int, debut: datetime) -> bool:
    """Whether `debut` is a free slot of the agent at the place for the motif right now."""
    jour = creneaux_libres(motif, [lieu], agents=[agent_id], par_lieu=None, maintenant=None).get(
        lieu.pk, []
    )
    return any(c.debut == debut and c.agent_id == agent_id for c in jour)


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
) -> RendezVous:
    """Book `debut` with the agent (and, for a joint appointment, `autres_agents`) at the place;
    CreneauIndisponible if it was taken meanwhile."""
    fin = debut + timedelta(minutes=motif.duree_minutes)
    agents = (agent_id, *autres_agents)
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
