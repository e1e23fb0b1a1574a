"""Imports in the background: an interrupted import reported as such (the worker process that
runs them: tests/travaux/test_travailleur.py)."""

import json
import socket

import pytest
from django.urls import reverse

from parcours.imports import taches
from parcours.imports.engine import reprendre_imports_interrompus
from parcours.imports.enums import StatutImport
from parcours.imports.models import Import
from parcours.organisation.enums import Role
from parcours.travaux.planification import PLANIFIES
from tests.factories import AgentFactory


@pytest.mark.django_db
def test_an_import_whose_process_died_is_reported_interrupted(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    admin = AgentFactory(matricule="adele", role=Role.ADMIN, unite=None)
    # The process that ran it is gone (the journal names its process and machine).
    journal = Import.objects.create(
        type="organismes",
        nom_fichier="x.csv",
        auteur=admin,
        statut=StatutImport.EN_COURS,
        pid=2**22 + 12345,
        hote=socket.gethostname(),
    )
    (taches.dossier_imports() / f"{journal.pk}.progression.json").write_text(
        json.dumps({"etape": "Enregistrement", "fait": 10, "total": 100})
    )
    client.force_login(admin)
    contenu = client.get(reverse("imports:suivi", args=[journal.pk])).content.decode()
    assert "Import interrompu" in contenu
    assert "Rien n'a été enregistré" in contenu
    # Reading the page wrote nothing; the server's start (or the next import) closes it.
    journal.refresh_from_db()
    assert journal.statut == StatutImport.EN_COURS
    reprendre_imports_interrompus()
    journal.refresh_from_db()
    assert journal.statut == StatutImport.ECHEC


@pytest.mark.django_db
def test_only_the_author_or_an_administrator_follows_an_import(client):
    chloe = AgentFactory(matricule="chloe", role=Role.CADRE)
    autre_cadre = AgentFactory(matricule="cadre2", role=Role.CADRE)
    journal = Import.objects.create(type="assures", nom_fichier="a.csv", auteur=chloe)
    client.force_login(autre_cadre)
    assert client.get(reverse("imports:suivi", args=[journal.pk])).status_code == 404
    client.force_login(chloe)
    assert client.get(reverse("imports:suivi", args=[journal.pk])).status_code == 200


@pytest.mark.django_db
def test_the_nightly_cleaning_deletes_what_finished_imports_left(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    fini = Import.objects.create(type="assures", nom_fichier="a.csv", statut=StatutImport.ACCEPTE)
    en_cours = Import.objects.create(
        type="assures", nom_fichier="b.csv", statut=StatutImport.EN_COURS
    )
    garde = Import.objects.create(type="assures", nom_fichier="c.csv", statut=StatutImport.ECHEC)
    dossier = taches.dossier_imports()
    attente = dossier / f"{garde.pk}.attente.sqlite3"
    Import.objects.filter(pk=garde.pk).update(fichier_attente=str(attente))
    restes = [
        dossier / f"{fini.pk}.csv",
        dossier / f"{fini.pk}.progression.json",
        dossier / "999999.csv",
    ]
    vivants = [dossier / f"{en_cours.pk}.csv", attente]
    for fichier in restes + vivants:
        fichier.write_text("nir;nom\n")
    assert taches.nettoyer_fichiers.call() == 3
    assert [f.exists() for f in restes] == [False, False, False]
    assert [f.exists() for f in vivants] == [True, True]
    assert "nettoyage des fichiers d'import" in PLANIFIES
