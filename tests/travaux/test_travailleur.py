"""Issue 13, points 1–3: background work in a real worker process, on SQLite and PostgreSQL.
A job runs in the worker; a worker killed with SIGKILL in the middle of a job leaves nothing
« en cours »: another worker takes over (the job failed with a French message, its file
deleted, nothing half-written); the schedule fires a job once however many ask."""

import os
import signal
import threading
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from parcours.imports import taches
from parcours.imports.engine import dossier_imports
from parcours.imports.enums import StatutImport
from parcours.imports.models import Import
from parcours.organisation.enums import Role
from parcours.organisation.models import Agent, Organisme
from parcours.statistiques.actions import demander_rapport
from parcours.statistiques.models import RapportAnnuel, StatutRapport
from parcours.travaux.genres import MESSAGE_ABANDONNE
from parcours.travaux.models import Battement, Planification
from parcours.travaux.planification import PLANIFIES, declencher
from tests.browser.test_observatoire import _territoire
from tests.factories import AgentFactory, RegionFactory
from tests.travaux.conftest import attendre

pytestmark = pytest.mark.django_db(transaction=True)


def _import(lignes: list[str]) -> Import:
    journal = Import.objects.create(
        type="organismes", nom_fichier="organismes.csv", restreint=False
    )
    chemin = dossier_imports() / f"{journal.pk}.csv"
    chemin.write_text("code;nom;region\n" + "\n".join(lignes) + "\n", encoding="utf-8")
    journal.fichier = str(chemin)
    journal.save(update_fields=["fichier"])
    return journal


def test_an_import_runs_in_a_worker_process(travailleurs):
    RegionFactory()
    travailleurs.demarrer()
    journal = _import(["CARSAT-A;Carsat A;76", "CARSAT-B;Carsat B;76"])
    taches.lancer(journal)
    journal = attendre(
        lambda: Import.objects.filter(pk=journal.pk, statut=StatutImport.ACCEPTE).first(),
        message="l'import n'a pas été exécuté par le travailleur",
    )
    assert Organisme.objects.count() == 2
    assert journal.travailleur.split(":")[1] != str(os.getpid())  # another process ran it
    assert journal.tentatives == 1 and journal.debute_le is not None
    assert not os.path.exists(dossier_imports() / f"{journal.pk}.csv")
    assert DBTaskResult.objects.get(pk=journal.tache).status == "SUCCESSFUL"


def test_a_worker_killed_mid_import_leaves_nothing_under_way(travailleurs):
    RegionFactory()
    premier = travailleurs.demarrer()
    journal = _import([f"C{i:07d};Carsat {i};76" for i in range(300_000)])
    fichier = dossier_imports() / f"{journal.pk}.csv"
    taches.lancer(journal)
    attendre(
        lambda: Import.objects.filter(pk=journal.pk, statut=StatutImport.EN_COURS).exists(),
        message="l'import n'a pas commencé",
    )
    premier.send_signal(signal.SIGKILL)
    premier.wait()
    assert Import.objects.get(pk=journal.pk).statut == StatutImport.EN_COURS

    # The next worker (here, the restarted one) takes over at its first round.
    travailleurs.demarrer()
    journal = attendre(
        lambda: Import.objects.filter(pk=journal.pk, statut=StatutImport.ECHEC).first(),
        message=f"l'import est resté « en cours » :\n{travailleurs.sortie()}",
    )
    assert journal.etape == MESSAGE_ABANDONNE
    assert not fichier.exists()
    assert Organisme.objects.count() == 0
    tache = DBTaskResult.objects.get(pk=journal.tache)
    assert tache.status == "FAILED" and "arrêté" in tache.traceback
    # The dead worker's heartbeat is gone; the living one beats.
    attendre(lambda: Battement.objects.count() == 1)


def test_the_schedule_fires_a_due_job_once_however_many_ask(travailleurs):
    nom = "nettoyage de la file des tâches"
    assert nom in PLANIFIES
    # Its time has come (the night before): two rounds at once queue it once.
    declencher()
    Planification.objects.filter(nom=nom).update(prochaine_le=timezone.now() - timedelta(minutes=1))
    avant = DBTaskResult.objects.filter(task_path__endswith="nettoyer_file").count()
    partis = []

    def ronde() -> None:
        try:
            partis.extend(declencher())
        finally:
            connections.close_all()  # a thread's own connection

    fils = [threading.Thread(target=ronde) for _ in range(4)]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    assert partis.count(nom) == 1
    assert DBTaskResult.objects.filter(task_path__endswith="nettoyer_file").count() == avant + 1
    assert Planification.objects.get(nom=nom).prochaine_le > timezone.now()
    # A worker runs it.
    travailleurs.demarrer()
    attendre(
        lambda: DBTaskResult.objects.filter(
            task_path__endswith="nettoyer_file", status="SUCCESSFUL"
        ).exists(),
        message="le travail planifié n'a pas été exécuté",
    )


def test_the_worker_fires_the_schedule_by_itself(travailleurs):
    declencher()
    Planification.objects.update(prochaine_le=timezone.now() - timedelta(seconds=1))
    travailleurs.demarrer()
    attendre(
        lambda: DBTaskResult.objects.filter(
            task_path__endswith="nettoyer_file", status="SUCCESSFUL"
        ).exists(),
        message="le travailleur n'a pas déclenché le travail planifié",
    )


def test_a_report_edition_cut_by_a_killed_worker_is_produced_again(travailleurs):
    organisme = _territoire()
    premier = travailleurs.demarrer()
    annee = timezone.localdate().year - 1
    edition = demander_rapport(acting_user=Agent.objects.get(matricule="paula"), annee=annee)
    attendre(
        lambda: RapportAnnuel.objects.filter(pk=edition.pk, statut=StatutRapport.EN_COURS).exists(),
        message="l'édition n'a pas commencé",
    )
    premier.send_signal(signal.SIGKILL)
    premier.wait()
    travailleurs.demarrer()
    edition = attendre(
        lambda: RapportAnnuel.objects.filter(pk=edition.pk, statut=StatutRapport.PRET).first(),
        delai=90,
        message=f"l'édition n'a pas été reprise :\n{travailleurs.sortie()}",
    )
    assert edition.tentatives == 2 and edition.pdf and edition.organisme == organisme
    # Its first task is failed in the queue (its worker died), the second one succeeded.
    assert DBTaskResult.objects.get(pk=edition.tache).status == "SUCCESSFUL"
    assert DBTaskResult.objects.filter(status="FAILED", task_path__endswith="generer").count() == 1


def test_an_upload_is_run_by_the_worker_and_followed_by_the_page(
    client, settings, tmp_path, travailleurs
):
    settings.VAR_DIR = tmp_path
    travailleurs.demarrer()
    RegionFactory(code="76")
    client.force_login(AgentFactory(matricule="adele", role=Role.ADMIN, unite=None))
    lignes = "".join(f"C{n};Carsat {n};76\n" for n in range(300))
    reponse = client.post(
        reverse("imports:televerser"),
        {
            "type": "organismes",
            "fichier": SimpleUploadedFile("organismes.csv", f"code;nom;region\n{lignes}".encode()),
        },
    )
    journal = Import.objects.get()
    assert reponse["Location"] == reverse("imports:suivi", args=[journal.pk])
    for _ in range(300):
        fragment = client.get(reverse("imports:progression", args=[journal.pk]))
        if b"Import r\xc3\xa9ussi" in fragment.content:
            break
        time.sleep(0.1)
    else:
        pytest.fail("l'import ne s'est pas terminé")
    assert Organisme.objects.count() == 300
    journal.refresh_from_db()
    assert journal.statut == StatutImport.ACCEPTE
    # The uploaded file held data: it is gone.
    assert not list((tmp_path / "imports").glob("*.csv"))
    # The finished fragment stops polling.
    assert b"hx-trigger" not in fragment.content
