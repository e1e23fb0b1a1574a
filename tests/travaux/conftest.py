"""A real worker process (`manage.py travailleur`) on the test database, SQLite or PostgreSQL."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

RACINE = Path(__file__).resolve().parents[2]
TACHES_EN_BASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


def _url_de_la_base() -> str:
    reglages = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{reglages['NAME']}"
    hote = reglages.get("HOST") or "127.0.0.1"
    port = reglages.get("PORT") or 5432
    return f"postgres://{reglages['USER']}@{hote}:{port}/{reglages['NAME']}"


class Travailleurs:
    def __init__(self) -> None:
        self.processus: list[subprocess.Popen] = []
        self.journaux: list = []

    def demarrer(self, *options: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "parcours.settings.test",
            "DATABASE_URL": _url_de_la_base(),
            "PARCOURS_VAR_DIR": str(settings.VAR_DIR),
            "PARCOURS_TACHES_EN_BASE": "1",
            "PYTHONUNBUFFERED": "1",
            "PYTHONFAULTHANDLER": "1",
        }
        journal = tempfile.TemporaryFile()
        self.journaux.append(journal)
        processus = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "travailleur",
                "--interval",
                "0.1",
                "--no-startup-delay",
                *options,
            ],
            cwd=RACINE,
            env=env,
            stdout=journal,
            stderr=subprocess.STDOUT,
        )
        self.processus.append(processus)
        return processus

    def arreter(self) -> None:
        for processus in self.processus:
            if processus.poll() is None:
                processus.terminate()
                try:
                    processus.wait(10)
                except subprocess.TimeoutExpired:
                    processus.kill()
                    processus.wait()
        for journal in self.journaux:
            journal.close()

    def sortie(self) -> str:
        """What the workers printed (for a failure's message)."""
        textes = []
        for journal in self.journaux:
            journal.seek(0)
            textes.append(journal.read().decode(errors="replace"))
        return "\n---\n".join(textes)


@pytest.fixture
def travailleurs():
    """Start workers on the test database; tasks queued by the test go to the database."""
    gestion = Travailleurs()
    with override_settings(TASKS=TACHES_EN_BASE):
        try:
            yield gestion
        finally:
            gestion.arreter()


def attendre(condition, delai: float = 30.0, message: str = ""):
    """Poll `condition()` until it is true (returned), or fail after `delai` seconds."""
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        resultat = condition()
        if resultat:
            return resultat
        time.sleep(0.05)
    pytest.fail(message or "la condition attendue n'est pas venue")


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def groupe(pgid: int) -> list[int]:
    """The processes still alive in a process group (from /proc)."""
    vivants = []
    for entree in Path("/proc").iterdir():
        if not entree.name.isdigit():
            continue
        try:
            champs = (entree / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(champs[2]) == pgid and champs[0] != "Z":
            vivants.append(int(entree.name))
    return vivants


def repond(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reponse:
            return reponse.status == 200
    except OSError:
        return False


@contextmanager
def servir(var_dir: Path):
    """scripts/servir.sh (gunicorn and a worker) on the test database, on a free port, in its
    own process group; yields (the script's process, the base URL) once pages answer. Whatever
    is left of the group is killed at the end."""
    port = port_libre()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "parcours.settings.test",
        "DATABASE_URL": _url_de_la_base(),
        "PARCOURS_TACHES_EN_BASE": "1",
        "PARCOURS_VAR_DIR": str(var_dir),
        "PARCOURS_ADRESSE": f"127.0.0.1:{port}",
        "PARCOURS_WORKERS": "2",
        "PYTHONUNBUFFERED": "1",
    }
    url = f"http://127.0.0.1:{port}"
    with open(var_dir / "servir.log", "wb") as journal:
        script = subprocess.Popen(
            ["bash", "scripts/servir.sh"],
            cwd=RACINE,
            env=env,
            stdout=journal,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal gives
        )
        try:
            attendre(lambda: repond(f"{url}/connexion/"), 60, "pas de serveur")
            yield script, url
        finally:
            if script.poll() is None or groupe(script.pid):
                os.killpg(script.pid, signal.SIGKILL)
                script.wait()
