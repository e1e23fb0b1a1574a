"""Issue 13, acceptance: served as `make demo` serves it (scripts/servir.sh: gunicorn and the
worker), an import uploaded on its page, an edition of the report and a computation of the
observatory all finish although gunicorn is restarted (HUP) in the middle: the jobs run in the
worker, which a restart of the web server does not touch."""

import os
import signal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone

from parcours.demo.fragilite import csv_fragilite_demo
from parcours.imports.enums import StatutImport
from parcours.imports.models import Import
from parcours.observatoire.enums import StatutCalcul
from parcours.observatoire.models import CalculObservatoire
from parcours.statistiques.models import RapportAnnuel, StatutRapport
from tests.browser.test_observatoire import _territoire
from tests.browser.test_parcours_signalement import _connexion
from tests.travaux.conftest import attendre, groupe, servir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _maitre_gunicorn(script_pid: int) -> int:
    for pid in groupe(script_pid):
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ligne = Path(f"/proc/{pid}/cmdline").read_bytes()
        if int(stat[1]) == script_pid and b"gunicorn" in ligne:
            return pid
    pytest.fail("pas de maître gunicorn")


def test_jobs_finish_while_gunicorn_restarts(page, tmp_path):
    _territoire()
    debut = timezone.now()
    with servir(tmp_path) as (script, url):
        _connexion(page, SimpleNamespace(url=url), "paula")

        page.goto(f"{url}/imports/")
        formulaire = page.locator("main form:has(button:text('Importer'))")
        fichier = tmp_path / "fragilite.csv"
        fichier.write_text(csv_fragilite_demo(["82"]), encoding="utf-8")
        formulaire.locator("select[name=type]").select_option("fragilite")
        formulaire.locator("input[type=file]").set_input_files(fichier)
        formulaire.get_by_role("button", name="Importer").click()
        page.wait_for_url("**/imports/*/")

        page.goto(f"{url}/statistiques/rapports/")
        page.get_by_role("button", name="Produire le rapport").click()
        page.wait_for_load_state()

        page.goto(f"{url}/territoire/observatoire/")
        page.get_by_role("button", name="Nouveau calcul").click()
        page.get_by_role("button", name="Calculer").click()
        page.wait_for_load_state()

        os.kill(_maitre_gunicorn(script.pid), signal.SIGHUP)  # gunicorn reloads its workers

        journal = attendre(
            lambda: (
                Import.objects.filter(date__gte=debut)
                .exclude(statut__in=(StatutImport.EN_ATTENTE, StatutImport.EN_COURS))
                .first()
            ),
            90,
            "l'import ne s'est pas terminé",
        )
        edition = attendre(
            lambda: (
                RapportAnnuel.objects.filter(demande_le__gte=debut)
                .exclude(statut__in=(StatutRapport.EN_ATTENTE, StatutRapport.EN_COURS))
                .first()
            ),
            90,
            "l'édition ne s'est pas terminée",
        )
        calcul = attendre(
            lambda: (
                CalculObservatoire.objects.filter(demande_le__gte=debut)
                .exclude(statut__in=(StatutCalcul.EN_ATTENTE, StatutCalcul.EN_COURS))
                .first()
            ),
            90,
            "le calcul ne s'est pas terminé",
        )
        assert (journal.statut, edition.statut, calcul.statut) == (
            StatutImport.ACCEPTE,
            StatutRapport.PRET,
            StatutCalcul.PRET,
        ), (journal.etape, edition.etape, calcul.etape)
        # The restarted web server answers, and shows the import's result.
        page.goto(f"{url}/imports/{journal.pk}/")
        assert "Import réussi" in page.content()
