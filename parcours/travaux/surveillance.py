"""What every worker does beside running tasks, every few seconds: say it is alive, take over
what dead workers were running, and fire the scheduled jobs that are due.

A worker is dead when its last heartbeat is older than `DELAI_MORT`, or at once when it ran on
this machine and its process is gone (a `kill -9`, a crash, the machine's restart). A job it was
running is run again if its kind allows it (`Genre.relancer`) and it has attempts left, otherwise
closed as failed with a French message (`Genre.abandonner`: its files deleted, what it had
half-written undone); its task is marked failed in the queue. Never is a job left « en cours ».
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from parcours.lib.processus import hote, processus_vivant
from parcours.travaux.execution import lancer
from parcours.travaux.genres import GENRES, MESSAGE_ABANDONNE
from parcours.travaux.models import Battement

logger = logging.getLogger(__name__)

INTERVALLE = 2.0  # seconds between two rounds of a worker's watch
DELAI_MORT = timedelta(seconds=30)  # no heartbeat for this long: the worker is dead


def battre(identifiant: str, pid: int) -> None:
    maintenant = timezone.now()
    mis_a_jour = Battement.objects.filter(travailleur=identifiant).update(vu_le=maintenant)
    if not mis_a_jour:
        Battement.objects.create(travailleur=identifiant, hote=hote(), pid=pid, vu_le=maintenant)


def travailleurs_morts() -> set[str]:
    limite = timezone.now() - DELAI_MORT
    ici = hote()
    morts = set()
    for identifiant, machine, pid, vu_le in Battement.objects.values_list(
        "travailleur", "hote", "pid", "vu_le"
    ):
        if vu_le < limite or (machine == ici and not processus_vivant(pid)):
            morts.add(identifiant)
    return morts


def _vivants() -> set[str]:
    return set(Battement.objects.values_list("travailleur", flat=True))


def reprendre_abandonnes() -> int:
    """Take over the jobs and tasks of dead workers; returns how many jobs were taken over."""
    morts = travailleurs_morts()
    connus = _vivants()
    repris = 0
    for genre in GENRES.values():
        en_cours = genre.modele.objects.filter(genre.en_cours).exclude(travailleur="")
        for travail in en_cours:
            if travail.travailleur in morts or (
                travail.travailleur not in connus and _sans_battement_depuis_longtemps(travail)
            ):
                try:
                    _reprendre(genre, travail)
                except Exception as erreur:  # the others still; this one at the next round
                    logger.error(
                        "reprise de %s %s : %s",
                        genre.modele.__name__,
                        travail.pk,
                        type(erreur).__name__,
                    )
                else:
                    repris += 1
    for resultat in DBTaskResult.objects.running():
        dernier = resultat.worker_ids[-1] if resultat.worker_ids else ""
        if dernier in morts or (dernier not in connus and _ancienne(resultat.started_at)):
            _echouer(resultat)
    if morts:
        Battement.objects.filter(travailleur__in=morts).delete()
    return repris


def _sans_battement_depuis_longtemps(travail) -> bool:
    """A job marked by a worker that never beat (the immediate backend of a command, a worker
    killed before its first beat): dead once its start is old enough."""
    return _ancienne(travail.debute_le)


def _ancienne(date) -> bool:
    return date is not None and date < timezone.now() - DELAI_MORT


def _echouer(resultat: DBTaskResult) -> None:
    DBTaskResult.objects.filter(pk=resultat.pk, status="RUNNING").update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="parcours.travaux.surveillance.TravailleurArrete",
        traceback="Le processus qui exécutait cette tâche s'est arrêté.",
    )


class TravailleurArrete(Exception):
    """The worker running a task died (recorded on the task, never raised)."""


def _reprendre(genre, travail) -> None:
    with transaction.atomic():
        travail = type(travail).objects.select_for_update().get(pk=travail.pk)
        if not type(travail).objects.filter(genre.en_cours, pk=travail.pk).exists():
            return  # finished meanwhile
        ancienne = travail.tache
        if ancienne:
            DBTaskResult.objects.filter(pk=ancienne).exclude(
                status__in=("SUCCESSFUL", "FAILED")
            ).update(
                status="FAILED",
                finished_at=timezone.now(),
                exception_class_path="parcours.travaux.surveillance.TravailleurArrete",
                traceback="Le processus qui exécutait cette tâche s'est arrêté.",
            )
        if genre.relancer is not None and travail.tentatives < travail.TENTATIVES_MAX:
            genre.relancer(travail)
            type(travail).objects.filter(pk=travail.pk).update(travailleur="")
            lancer(travail, genre.tache)
            logger.warning(
                "%s %s relancé après l'arrêt de son processus", genre.modele.__name__, travail.pk
            )
        else:
            genre.abandonner(travail, MESSAGE_ABANDONNE)
            logger.warning(
                "%s %s abandonné : son processus s'est arrêté", genre.modele.__name__, travail.pk
            )
