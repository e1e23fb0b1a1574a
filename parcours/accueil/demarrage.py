"""What the server does when it starts: close the background work a previous stop cut short.

Pages only read the state of a job (an interrupted one shows as such, nothing is written on a
GET); the rows are marked, and what an interrupted import had written is undone, here — and
again when the next job of the same kind is asked for. gunicorn calls it once, before its
workers start (`when_ready` in scripts/gunicorn.conf.py).
"""

import logging

from parcours.imports.engine import reprendre_imports_interrompus
from parcours.observatoire.calculs import clore_calculs_interrompus
from parcours.statistiques.actions import clore_editions_interrompues

logger = logging.getLogger(__name__)


def clore_travaux_interrompus() -> None:
    reprendre_imports_interrompus()
    calculs = clore_calculs_interrompus()
    editions = clore_editions_interrompues()
    if calculs or editions:
        logger.info(
            "démarrage : %s calcul(s) de l'observatoire et %s édition(s) du rapport interrompus",
            calculs,
            editions,
        )
