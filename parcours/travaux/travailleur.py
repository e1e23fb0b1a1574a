"""The worker process: django-tasks-db's worker, plus a watch thread (`surveillance`) that beats,
takes over what dead workers left and fires the schedule."""

import logging
import os
import threading

from django.db import connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from parcours.travaux import surveillance
from parcours.travaux.execution import definir_travailleur, identifiant_de_processus
from parcours.travaux.planification import declencher

logger = logging.getLogger(__name__)


def nouvel_identifiant() -> str:
    return identifiant_de_processus(get_random_string(8))


def ronde(identifiant: str) -> None:
    """One round of the watch: beat, take over, fire what is due."""
    surveillance.battre(identifiant, os.getpid())
    surveillance.reprendre_abandonnes()
    declencher()


class Travailleur(Worker):
    def __init__(self, *, surveiller: bool = True, **options) -> None:
        super().__init__(**options)
        self.surveiller = surveiller
        self._arret = threading.Event()

    def _veiller(self) -> None:
        while not self._arret.wait(surveillance.INTERVALLE):
            try:
                ronde(self.worker_id)
            except Exception as erreur:  # the next round tries again
                logger.error("ronde du travailleur : %s", type(erreur).__name__)
            finally:
                connections.close_all()

    def run(self) -> None:
        definir_travailleur(self.worker_id)
        if self.surveiller:
            try:
                ronde(self.worker_id)  # alive before the first task is claimed
            except Exception as erreur:  # the watch's next round tries again
                logger.error("première ronde du travailleur : %s", type(erreur).__name__)
            finally:
                connections.close_all()
            threading.Thread(target=self._veiller, name="veille", daemon=True).start()
        try:
            super().run()
        finally:
            self._arret.set()
