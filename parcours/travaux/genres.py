"""The kinds of job people wait for, as the apps register them (in their `AppConfig.ready()`):
the model, the task that runs one, which statuses mean « not finished », how to close one whose
worker died, and, for the kinds that may simply run again, how to reset one.

This layer knows no app above it: each app tells it about its jobs.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

from parcours.travaux.models import Travail

# Fits the shortest « étape » of the jobs (100 characters).
MESSAGE_ABANDONNE = (
    "Interrompu : le processus s'est arrêté, rien d'incomplet n'a été gardé ; relancez"
)


@dataclass(frozen=True)
class Genre:
    modele: type[Travail]
    tache: object  # a django-tasks Task taking the job's pk
    en_cours: Q
    # Close an abandoned job for good: failed with the French message, its files deleted, what
    # it had half-written undone.
    abandonner: Callable[[Travail, str], None]
    # Put an abandoned job back to « en attente » before it is queued again (None: never).
    relancer: Callable[[Travail], None] | None = None


GENRES: dict[type[Travail], Genre] = {}


def enregistrer(genre: Genre) -> Genre:
    GENRES[genre.modele] = genre
    return genre
