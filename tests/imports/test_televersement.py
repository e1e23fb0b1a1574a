"""The upload page for the administrator."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parcours.imports.models import Import
from parcours.organisation.models import Organisme
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db


def _fichier(texte: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("organismes.csv", texte.encode(), content_type="text/csv")


def test_admin_uploads_a_good_file(client):
    client.force_login(creer_personas().adele)
    reponse = client.post(
        reverse("imports:televerser"),
        {"type": "organismes", "fichier": _fichier("code;nom;region\nCARSAT-X;Carsat X;76\n")},
        follow=True,
    )
    contenu = reponse.content.decode()
    assert "Import réussi" in contenu
    assert "1 créée(s)" in contenu
    assert Organisme.objects.filter(code="CARSAT-X").exists()
    journal = Import.objects.get()
    assert (journal.type, journal.nom_fichier, journal.auteur.matricule) == (
        "organismes",
        "organismes.csv",
        "adele",
    )


def test_admin_sees_every_error_and_nothing_is_written(client):
    client.force_login(creer_personas().adele)
    avant = Organisme.objects.count()
    reponse = client.post(
        reverse("imports:televerser"),
        {
            "type": "organismes",
            "fichier": _fichier("code;nom;region\nA;Alpha;99\nB;;76\nC;Gamma;76\n"),
        },
        follow=True,
    )
    contenu = reponse.content.decode()
    assert "Fichier rejeté" in contenu
    assert "région inconnue « 99 »" in contenu
    assert "valeur obligatoire manquante" in contenu
    assert Organisme.objects.count() == avant


def test_other_roles_cannot_upload(client):
    personas = creer_personas()
    # A unit manager imports history, not the organisation.
    client.force_login(personas.chloe)
    reponse = client.post(
        reverse("imports:televerser"),
        {"type": "organismes", "fichier": _fichier("code;nom;region\nZ;Z;76\n")},
    )
    assert "Sélectionnez un choix valide" in reponse.content.decode()
    for agent in (personas.alice, personas.bastien, personas.paula, personas.pierre):
        client.force_login(agent)
        reponse = client.post(
            reverse("imports:televerser"),
            {"type": "organismes", "fichier": _fichier("code;nom;region\nZ;Z;76\n")},
        )
        assert reponse.status_code == 403
    assert not Organisme.objects.filter(code="Z").exists()
