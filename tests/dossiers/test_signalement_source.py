"""Issue 12, defect 6: the source of a signalement follows who sends it. The service's staff
start from « la personne elle-même » (a 36 46 call, a visit); a partner sends in its own
structure's name, received today — whatever it posts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.dossiers.enums import SourceSignalement
from parcours.dossiers.models import Signalement
from parcours.organisation.enums import CategoriePartenaire
from tests.factories import PartenaireFactory, SecteurFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def p():
    personas = creer_personas()
    SecteurFactory(unite=personas.unite).communes.add("82121")
    return personas


def _donnees(**champs):
    donnees = {
        "nir": "2 95 10 99 126 111 93",
        "nom": "Inventé",
        "prenom": "Personne",
        "date_naissance": "1980-01-01",
        "sexe": "F",
        "commune": "82121",
        "motif": "Arrêt long",
    }
    donnees.update(champs)
    return donnees


@pytest.mark.parametrize("qui", ["bastien", "alice", "chloe"])
def test_the_service_s_staff_start_from_the_person_calling(client, p, qui):
    client.force_login(getattr(p, qui))
    page = client.get(reverse("dossiers:signalement_nouveau"))
    form = page.context["form"]
    assert form["source"].value() == SourceSignalement.ASSURE
    assert 'value="ASSURE" selected' in page.content.decode().replace('" selected', '" selected')


def test_a_partner_sends_in_its_own_name_and_today_whatever_it_posts(client, p):
    client.force_login(p.pierre)
    page = client.get(reverse("dossiers:signalement_nouveau"))
    contenu = page.content.decode()
    assert 'name="source"' not in contenu and 'name="date"' not in contenu
    assert "CPAM de Tarn-et-Garonne — Mission accompagnement santé" in contenu
    il_y_a_un_mois = timezone.localdate() - datetime.timedelta(days=30)
    reponse = client.post(
        reverse("dossiers:signalement_nouveau"),
        _donnees(date=il_y_a_un_mois.isoformat(), source="SERVICE_MEDICAL"),
    )
    assert reponse.status_code == 302
    sig = Signalement.objects.get()
    assert (sig.source, sig.date) == (SourceSignalement.CPAM_MISAS, timezone.localdate())
    assert sig.partenaire == p.pierre.partenaire


def test_a_partner_of_a_category_without_its_own_source_is_named(client, p):
    p.pierre.partenaire = PartenaireFactory(
        code="CCAS-MTB",
        nom="CCAS de Montauban",
        categorie=CategoriePartenaire.CCAS,
        organisme=p.organisme,
    )
    p.pierre.save()
    client.force_login(p.pierre)
    client.post(reverse("dossiers:signalement_nouveau"), _donnees(source="ASSURE"))
    sig = Signalement.objects.get()
    assert (sig.source, sig.source_precision) == (SourceSignalement.AUTRE, "CCAS de Montauban")
