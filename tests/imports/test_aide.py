"""The help of the upload page (issue 12, defect 14): each kind the user may import with its
columns, as its importer documents them, and a template CSV to download, which the project's
reader parses and the engine imports."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from parcours.imports import perms
from parcours.imports.engine import REGISTRE, importer
from parcours.lib.csvlecture import lire_csv
from parcours.lib.tableur import neutraliser
from parcours.observatoire.models import DonneeFragilite
from parcours.rendezvous.models import Motif
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db

# The roles that import: administrator, unit manager, regional steering.
IMPORTENT = ("adele", "chloe", "paula")
# Those who import nothing.
N_IMPORTENT_PAS = ("alice", "bastien", "pierre")
# Each template names only records of the templates before it (the unit names the organisme,
# the accompaniment the person, the unit and the agent…), so in this order they all import.
ORDRE = (
    "organismes",
    "unites",
    "lieux_accueil",
    "agents",
    "plages",
    "partenaires",
    "assures",
    "accompagnements",
    "entretiens",
    "signalements",
    "fragilite",
)


def _modele(client, type_: str):
    return client.get(reverse("imports:modele", args=[type_]))


def _telecharger(client, personas, type_: str) -> bytes:
    """The template of a kind, downloaded by the administrator (the organisation's kinds and
    the fragility counts) or the unit manager (the history)."""
    agent = next(a for a in (personas.adele, personas.chloe) if type_ in perms.types_importables(a))
    client.force_login(agent)
    reponse = _modele(client, type_)
    assert reponse.status_code == 200
    return reponse.content


@pytest.mark.parametrize("type_", sorted(REGISTRE))
def test_every_importer_documents_every_column(type_):
    importeur = REGISTRE[type_]
    assert list(importeur.aide) == list(importeur.colonnes)
    for colonne, aide in importeur.aide.items():
        assert aide.description, colonne
        assert aide.obligation, colonne
        assert aide.exemple, colonne
        # The template writes its cells through lib.tableur: an example that a spreadsheet
        # could run (« -1 », « +33… ») would come out changed, and no longer import.
        assert neutraliser(aide.exemple) == aide.exemple, colonne


@pytest.mark.parametrize("qui", IMPORTENT)
def test_page_shows_the_columns_of_each_kind_and_no_repository_path(client, qui):
    agent = getattr(creer_personas(), qui)
    client.force_login(agent)
    contenu = client.get(reverse("imports:televerser")).content.decode()
    assert "docs/imports.md" not in contenu
    types = perms.types_importables(agent)
    assert types
    for type_ in types:
        importeur = REGISTRE[type_]
        assert escape(importeur.libelle) in contenu
        assert f'data-testid="colonnes-{type_}"' in contenu
        for colonne, aide in importeur.aide.items():
            assert f"<code>{colonne}</code>" in contenu
            assert escape(aide.description) in contenu
            assert escape(aide.exemple) in contenu
        assert reverse("imports:modele", args=[type_]) in contenu
    assert contenu.count("Télécharger un modèle (CSV)") == len(types)
    for type_ in set(REGISTRE) - set(types):
        assert f'data-testid="colonnes-{type_}"' not in contenu
        assert reverse("imports:modele", args=[type_]) not in contenu
    # The rest of the page is as it was.
    assert 'enctype="multipart/form-data"' in contenu
    assert "Un fichier peut peser" in contenu
    assert "Derniers imports" in contenu


def test_page_says_which_columns_are_required(client):
    client.force_login(creer_personas().adele)
    contenu = client.get(reverse("imports:televerser")).content.decode()
    assert '<th scope="row"><code>adresse</code></th><td>non</td>' in contenu
    assert '<th scope="row"><code>code</code></th><td>oui</td>' in contenu
    assert "<td>non, mais avec longitude</td>" in contenu
    assert "<td>selon le rôle</td>" in contenu


@pytest.mark.parametrize("qui", IMPORTENT)
def test_template_download_for_the_kinds_one_may_import(client, qui):
    agent = getattr(creer_personas(), qui)
    client.force_login(agent)
    types = perms.types_importables(agent)
    for type_ in REGISTRE:
        reponse = _modele(client, type_)
        if type_ not in types:
            assert reponse.status_code == 404, type_
            continue
        assert reponse.status_code == 200, type_
        assert reponse["Content-Type"] == "text/csv; charset=utf-8"
        assert reponse["Content-Disposition"] == f'attachment; filename="modele-{type_}.csv"'
    assert _modele(client, "inconnu").status_code == 404


@pytest.mark.parametrize("qui", N_IMPORTENT_PAS)
def test_template_refused_to_those_who_import_nothing(client, qui):
    client.force_login(getattr(creer_personas(), qui))
    for type_ in [*REGISTRE, "inconnu"]:
        assert _modele(client, type_).status_code == 403, type_


def test_template_asks_for_a_login(client):
    reponse = _modele(client, "fragilite")
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("connexion"))


@pytest.mark.parametrize("type_", sorted(REGISTRE))
def test_template_parses_with_the_project_reader(client, type_):
    """UTF-8 with a BOM (for spreadsheets), `;`, the header and one row of the examples."""
    importeur = REGISTRE[type_]
    contenu = _telecharger(client, creer_personas(), type_)
    assert contenu.startswith("\ufeff".encode())
    fichier = lire_csv(contenu, importeur.colonnes)
    assert fichier.erreurs == []
    assert fichier.avertissements == []
    assert fichier.separateur == ";"
    assert fichier.colonnes == list(importeur.colonnes)
    assert fichier.lignes == [(2, {c: importeur.aide[c].exemple for c in importeur.colonnes})]


def test_templates_import_cleanly_in_order(client):
    """Through the engine's whole check and write (the operator's unrestricted import, as a
    Carsat's migration): no error of any kind, one record created by each template."""
    assert sorted(ORDRE) == sorted(REGISTRE)
    personas = creer_personas()
    # The openings' template names two motifs of the referential (edited on screen, not imported).
    for code in ("PREMIER_RDV", "SUIVI"):
        Motif.objects.create(code=code, libelle=code.capitalize(), duree_minutes=45)
    for type_ in ORDRE:
        # Two organismes share the région here: the directory is imported by the organisme's
        # administrator (the operator's import would ask which organisme, rightly).
        acteur = personas.adele if type_ == "partenaires" else None
        rapport = importer(type_, _telecharger(client, personas, type_), acting_user=acteur)
        assert [str(e) for e in rapport.erreurs] == [], type_
        assert rapport.avertissements == [], type_
        assert (rapport.lignes, rapport.crees) == (1, 1), type_


def test_steering_imports_the_fragility_template_from_the_page(client):
    """The template a user downloads, uploaded as it is: the example row goes in."""
    client.force_login(creer_personas().paula)
    contenu = _modele(client, "fragilite").content
    reponse = client.post(
        reverse("imports:televerser"),
        {
            "type": "fragilite",
            "fichier": SimpleUploadedFile("modele-fragilite.csv", contenu, "text/csv"),
        },
        follow=True,
    )
    assert "Import réussi" in reponse.content.decode()
    exemple = REGISTRE["fragilite"].aide["territoire"].exemple
    assert DonneeFragilite.objects.get().territoire == exemple
