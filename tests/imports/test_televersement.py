"""The upload page for the administrator."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parcours.imports.models import Import
from parcours.observatoire.models import DonneeFragilite
from parcours.organisation.enums import Role
from parcours.organisation.models import Organisme
from parcours.territoire.models import PseudoCanton
from tests.factories import AgentFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db


def _fichier(texte: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("organismes.csv", texte.encode(), content_type="text/csv")


def test_admin_uploads_a_good_file(client):
    # An administrator of the whole instance (attached to no organisme) creates organismes.
    creer_personas()
    client.force_login(
        AgentFactory(matricule="exploitation", role=Role.ADMIN, unite=None, organisme=None)
    )
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
        "exploitation",
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
    # A unit manager imports history, regional steering the fragility counts: not the
    # organisation.
    for agent in (personas.chloe, personas.paula):
        client.force_login(agent)
        reponse = client.post(
            reverse("imports:televerser"),
            {"type": "organismes", "fichier": _fichier("code;nom;region\nZ;Z;76\n")},
        )
        assert "Sélectionnez un choix valide" in reponse.content.decode()
    for agent in (personas.alice, personas.bastien, personas.pierre):
        client.force_login(agent)
        reponse = client.post(
            reverse("imports:televerser"),
            {"type": "organismes", "fichier": _fichier("code;nom;region\nZ;Z;76\n")},
        )
        assert reponse.status_code == 403
    assert not Organisme.objects.filter(code="Z").exists()


@pytest.mark.parametrize("role", ["paula", "adele"])
def test_pilotage_and_admin_upload_fragility_counts(client, role):
    client.force_login(getattr(creer_personas(), role))
    assert (
        "Fragilité (effectifs de 25 à 54 ans)"
        in client.get(reverse("imports:televerser")).content.decode()
    )
    canton = PseudoCanton.objects.filter(departement_id="82", type="C").order_by("code")[0]
    entete = "territoire;population_25_54;arret_90j;invalidite;css_non_participative;ald;"
    reponse = client.post(
        reverse("imports:televerser"),
        {
            "type": "fragilite",
            "fichier": _fichier(
                f"{entete}sans_complementaire\n{canton.code};1000;15;25;60;90;50\n"
            ),
        },
        follow=True,
    )
    assert "Import réussi" in reponse.content.decode()
    assert DonneeFragilite.objects.get().pseudo_canton == canton


def test_fragility_counts_are_not_for_a_unit_manager(client):
    client.force_login(creer_personas().chloe)
    assert "Fragilité" not in client.get(reverse("imports:televerser")).content.decode()
