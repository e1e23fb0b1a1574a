"""Issue 13, point 8: a person's channels for the service's messages, with their consent
recorded; a refusal told to an agent or given through the e-mail's link stops every message."""

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.dossiers.messages import canaux_autorises
from parcours.messagerie.models import Canal, Opposition
from tests.dossiers.factories import AccompagnementFactory, AssureFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def p():
    return creer_personas()


@pytest.fixture
def jeanne(p):
    assure = AssureFactory(telephone="+33612345678", email="jeanne@exemple.invalid")
    AccompagnementFactory(assure=assure, referent=p.alice)
    return assure


def _identite(client, assure, **champs):
    donnees = {
        "nir": assure.nir,
        "nom": assure.nom,
        "prenom": assure.prenom,
        "date_naissance": assure.date_naissance.isoformat(),
        "sexe": assure.sexe,
        "commune": "",
        "telephone": assure.telephone,
        "email": assure.email,
        "complementaire": "INCONNU",
        "version": assure.version,
    }
    donnees.update(champs)
    return client.post(reverse("dossiers:assure_modifier", args=[assure.pk]), donnees)


def test_the_consent_is_recorded_with_its_date_and_gives_the_channels(client, p, jeanne):
    assert canaux_autorises(jeanne) == []  # nothing accepted yet
    client.force_login(p.alice)
    assert _identite(client, jeanne, consentement_sms="on").status_code == 302
    jeanne.refresh_from_db()
    assert jeanne.consentement_sms and jeanne.consentement_le == timezone.localdate()
    assert canaux_autorises(jeanne) == [(Canal.SMS, "+33612345678")]
    page = client.get(reverse("dossiers:dossier", args=[jeanne.pk])).content.decode()
    assert "SMS acceptés, courriels non" in page


def test_consent_without_a_number_is_refused_and_keeps_what_was_typed(client, p, jeanne):
    client.force_login(p.alice)
    reponse = _identite(client, jeanne, telephone="", consentement_sms="on", nom="Vialaret")
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "indiquez le numéro de portable" in contenu and 'value="Vialaret"' in contenu
    jeanne.refresh_from_db()
    assert not jeanne.consentement_sms


def test_a_refusal_told_to_the_agent_stops_every_channel(client, p, jeanne):
    jeanne.consentement_sms = jeanne.consentement_courriel = True
    jeanne.save()
    assert len(canaux_autorises(jeanne)) == 2
    client.force_login(p.bastien)  # the 36 46 adviser may record it too
    client.post(reverse("dossiers:refus_messages", args=[jeanne.pk]))
    assert Opposition.objects.get(personne_id=jeanne.pk).origine.startswith("dit à Bastien")
    assert canaux_autorises(jeanne) == []
    page = client.get(reverse("dossiers:dossier", args=[jeanne.pk])).content.decode()
    assert "refusés" in page


def test_another_unit_cannot_record_a_refusal(client, p, jeanne):
    client.force_login(p.octave)
    assert client.post(reverse("dossiers:refus_messages", args=[jeanne.pk])).status_code == 404
    assert not Opposition.objects.exists()
