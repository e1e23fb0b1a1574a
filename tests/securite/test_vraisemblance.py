"""Issue 10, point 11: implausible values are refused with a message; small leaks closed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.dossiers.models import Assure, Entretien, Signalement
from parcours.imports.engine import importer
from parcours.imports.models import Import
from parcours.organisation.enums import Role
from tests.dossiers.factories import AccompagnementFactory, AssureFactory, EntretienFactory
from tests.factories import AgentFactory, OrganismeFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def p():
    return creer_personas()


def _intake(client, **champs):
    donnees = {
        "nir": AssureFactory.build().nir,
        "nom": "Lefèvre",
        "prenom": "Élodie",
        "date_naissance": "1990-01-02",
        "sexe": "F",
        "commune": "Montauban",
        "date": timezone.localdate().isoformat(),
        "source": "ASSURE",
        "motif": "Arrêt de travail",
    }
    donnees.update(champs)
    return client.post(reverse("dossiers:signalement_nouveau"), donnees)


def test_an_interview_of_year_one_is_refused(client, p):
    acc = AccompagnementFactory(referent=p.alice, date_debut=datetime.date(2025, 1, 6))
    client.force_login(p.alice)
    reponse = client.post(
        reverse("dossiers:entretien_rapide", args=[acc.assure.pk]),
        {"date": "0001-01-01", "mode": "TELEPHONE", "notes": "à garder"},
        follow=True,
    )
    assert "date invraisemblable (avant le 01/01/1990)" in reponse.content.decode()
    assert not Entretien.objects.exists()


@pytest.mark.parametrize(
    "champs,message",
    [
        ({"date_naissance": "0001-01-01"}, "date de naissance invraisemblable"),
        ({"date": "1900-03-01"}, "date invraisemblable (avant le 01/01/1990)"),
        ({"telephone": "appeler le matin"}, "ce n&#x27;est pas un numéro de téléphone"),
    ],
)
def test_intake_refuses_implausible_values(client, p, champs, message):
    client.force_login(p.bastien)
    reponse = _intake(client, **champs)
    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    assert not Signalement.objects.exists() and not Assure.objects.exists()


def test_phone_numbers_are_stored_normalised(client, p):
    client.force_login(p.bastien)
    assert _intake(client, telephone="06.12.34.56.78").status_code == 302
    assert Assure.objects.get().telephone == "+33612345678"


CSV_ASSURES = "nir;nom;prenom;date_naissance;sexe;commune;adresse;telephone;email\n"


def test_imports_refuse_implausible_dates_phones_and_nul_bytes():
    nir = AssureFactory.build().nir
    contenu = (
        CSV_ASSURES
        + f"{nir};Nom;Prénom;0001-01-01;F;82121;;;\n"
        + f"{AssureFactory.build().nir};Nom;Pré\x00nom;1980-01-01;F;82121;;;\n"
        + f"{AssureFactory.build().nir};Nom;Prénom;1980-01-01;F;82121;;pas un numéro;\n"
    )
    rapport = importer("assures", contenu.encode())
    assert [(e.ligne, e.colonne) for e in rapport.erreurs] == [
        (2, "date_naissance"),
        (3, "prenom"),
        (4, "telephone"),
    ]
    assert "caractère nul" in rapport.erreurs[1].message
    assert not Assure.objects.exists()


def test_the_import_journal_shows_only_the_organismes_imports(client, p):
    ailleurs = AgentFactory(
        matricule="admin-ailleurs", role=Role.ADMIN, unite=None, organisme=OrganismeFactory()
    )
    Import.objects.create(type="unites", nom_fichier="unites-ailleurs.csv", auteur=ailleurs)
    Import.objects.create(type="unites", nom_fichier="unites-ici.csv", auteur=p.adele)
    client.force_login(p.adele)
    for url in (reverse("imports:televerser"), reverse("accueil")):
        page = client.get(url).content.decode()
        assert "unites-ici.csv" in page and "unites-ailleurs.csv" not in page
    # Nor another unit's history imports for a manager.
    autre_cadre = AgentFactory(matricule="cadre-castel", role=Role.CADRE, unite=p.autre_unite)
    Import.objects.create(type="assures", nom_fichier="assures-castel.csv", auteur=autre_cadre)
    client.force_login(p.chloe)
    assert "assures-castel.csv" not in client.get(reverse("imports:televerser")).content.decode()


def test_a_csam_does_not_see_the_missions_of_interviews(client, p):
    acc = AccompagnementFactory(referent=p.alice)
    EntretienFactory(accompagnement=acc)
    client.force_login(p.bastien)
    page = client.get(reverse("dossiers:dossier", args=[acc.assure.pk])).content.decode()
    assert "Prévenir la désinsertion professionnelle" not in page
    client.force_login(p.alice)
    page = client.get(reverse("dossiers:dossier", args=[acc.assure.pk])).content.decode()
    assert "Prévenir la désinsertion professionnelle" in page
