"""Running a job people wait for as a task of the queue (django-tasks, database backend).

    lancer(journal, executer_import)        # in the request: queued with the job's row
    with execution(Import, pk) as journal:  # in the task: marked started by this worker
        ...

The task row is written in the same transaction as the job's: a job is never created without
its task, nor a task without its job. A worker process (`manage.py travailleur`) runs the tasks;
tests use the immediate backend, which runs them at once.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import F
from django.utils import timezone

from parcours.lib.processus import hote
from parcours.travaux.models import Travail

# Set by the worker process; elsewhere (the immediate backend of the tests, a command) the
# process itself.
_travailleur_courant: str | None = None


def travailleur_courant() -> str:
    return _travailleur_courant or identifiant_de_processus()


def identifiant_de_processus(suffixe: str = "") -> str:
    """`machine:pid[:suffix]`: what tells a dead worker from a live one on its machine."""
    return f"{hote()[:40]}:{os.getpid()}{':' + suffixe if suffixe else ''}"


def definir_travailleur(identifiant: str) -> None:
    global _travailleur_courant
    _travailleur_courant = identifiant


def lancer(travail: Travail, tache, *args) -> None:
    """Queue `tache(travail.pk, *args)`; the job keeps the task's id."""
    resultat = tache.enqueue(travail.pk, *args)
    type(travail).objects.filter(pk=travail.pk).update(tache=str(resultat.id))
    travail.tache = str(resultat.id)


@contextmanager
def execution(modele: type[Travail], pk: int) -> Iterator[Travail]:
    """The job, marked as started by this worker (one more attempt)."""
    modele.objects.filter(pk=pk).update(
        travailleur=travailleur_courant(),
        debute_le=timezone.now(),
        tentatives=F("tentatives") + 1,
    )
    yield modele.objects.get(pk=pk)
