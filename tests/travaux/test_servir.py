"""Issue 13, point 4: `make demo` serves with gunicorn and the worker together
(scripts/servir.sh); Ctrl-C stops both, and no process of theirs is left."""

import os
import signal
import time

import pytest

from parcours.travaux.models import Battement
from tests.travaux.conftest import attendre, groupe, repond, servir

pytestmark = pytest.mark.django_db(transaction=True)


def test_ctrl_c_stops_gunicorn_and_the_worker_together(tmp_path):
    with servir(tmp_path) as (script, url):
        attendre(lambda: Battement.objects.exists(), 30, "pas de travailleur")
        assert len(groupe(script.pid)) >= 4  # bash, gunicorn's master and worker, ours
        os.killpg(script.pid, signal.SIGINT)  # Ctrl-C reaches the whole group
        assert script.wait(30) == 0
        attendre(lambda: not groupe(script.pid), 15, f"restent : {groupe(script.pid)}")
    time.sleep(0.2)
    assert not repond(f"{url}/connexion/")
