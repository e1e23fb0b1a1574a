"""At the server's start (gunicorn's `when_ready`), the work a stop cut short is closed."""

import runpy
import socket
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from parcours.accueil.demarrage import clore_travaux_interrompus
from parcours.imports.enums import StatutImport
from parcours.imports.models import Import
from parcours.observatoire.enums import StatutCalcul
from parcours.observatoire.models import CalculObservatoire
from parcours.organisation.enums import Role
from parcours.statistiques.models import RapportAnnuel, StatutRapport
from tests.factories import AgentFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db(transaction=True)
RACINE = Path(__file__).resolve().parents[2]


def _travaux_interrompus():
    p = creer_personas()
    longtemps = timezone.now() - timedelta(hours=2)
    calcul = CalculObservatoire.objects.create(organisme=p.organisme, statut=StatutCalcul.EN_COURS)
    edition = RapportAnnuel.objects.create(
        organisme=p.organisme, annee=2025, demande_par=p.par_role()[Role.PILOTAGE]
    )
    CalculObservatoire.objects.filter(pk=calcul.pk).update(demande_le=longtemps)
    RapportAnnuel.objects.filter(pk=edition.pk).update(
        demande_le=longtemps, statut=StatutRapport.EN_COURS
    )
    journal = Import.objects.create(
        type="organismes",
        nom_fichier="x.csv",
        auteur=AgentFactory(matricule="adm", role=Role.ADMIN, unite=None),
        statut=StatutImport.EN_COURS,
        pid=2**22 + 4321,  # no such process
        hote=socket.gethostname(),
    )
    return calcul, edition, journal


def _etats(calcul, edition, journal):
    for objet in (calcul, edition, journal):
        objet.refresh_from_db()
    return calcul.statut, edition.statut, journal.statut


def test_the_start_closes_imports_computations_and_editions_cut_short():
    travaux = _travaux_interrompus()
    clore_travaux_interrompus()
    assert _etats(*travaux) == (StatutCalcul.ECHEC, StatutRapport.ECHEC, StatutImport.ECHEC)


def test_gunicorn_calls_it_before_its_workers_start(monkeypatch):
    travaux = _travaux_interrompus()
    reglages = runpy.run_path(str(RACINE / "scripts" / "gunicorn.conf.py"))

    class Serveur:
        class log:
            @staticmethod
            def exception(message):
                raise AssertionError(message)

    reglages["when_ready"](Serveur())
    assert _etats(*travaux) == (StatutCalcul.ECHEC, StatutRapport.ECHEC, StatutImport.ECHEC)
