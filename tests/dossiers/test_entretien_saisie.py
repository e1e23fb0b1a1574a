"""Issue 12, defect 1: an interview refused by a check keeps everything typed, says which field
to correct, and a field required by the default mode says so."""

import html

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.dossiers.models import Entretien
from tests.dossiers.factories import AccompagnementFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db

NOTES = "Madame B. souhaite reprendre à mi-temps ; rappeler le médecin du travail lundi."


@pytest.fixture
def acc():
    p = creer_personas()
    return AccompagnementFactory(referent=p.alice, unite=p.unite)


def test_a_refused_interview_keeps_the_notes_and_names_the_field(client, acc):
    client.force_login(acc.referent)
    reponse = client.post(
        reverse("dossiers:entretien_rapide", args=[acc.assure.pk]),
        {
            "accompagnement": acc.pk,
            "date": timezone.localdate().isoformat(),
            "mode": "LIEU_ACCUEIL",  # the default, without its place
            "duree_minutes": "45",
            "notes": NOTES,
        },
    )
    assert reponse.status_code == 400
    contenu = html.unescape(reponse.content.decode())
    assert not Entretien.objects.exists()
    # What was typed is still there, in the open form.
    assert NOTES in contenu
    assert 'value="45"' in contenu
    assert f'<option value="{acc.pk}" selected>' in contenu
    assert '<details class="fr-mb-3w" open>' in contenu
    # The error says which field, at the field and in the summary.
    assert 'data-testid="entretien-refuse"' in contenu
    assert "Lieu d'accueil</a> : indiquez le lieu d'accueil de l'entretien" in contenu
    assert "fr-select-group--error" in contenu


def test_the_place_says_it_is_required_for_the_default_mode(client, acc):
    client.force_login(acc.referent)
    contenu = html.unescape(
        client.get(reverse("dossiers:dossier", args=[acc.assure.pk])).content.decode()
    )
    debut = contenu.index('for="id_lieu_accueil"')
    etiquette = contenu[debut : contenu.index("</label>", debut)]
    assert "obligatoire pour un entretien au lieu d'accueil" in etiquette
    assert "facultatif" not in etiquette
