"""Issue 12, defects 2 and 3: an interview can be corrected (a wrong binôme colleague…) or
cancelled with a reason, by its author or the unit's manager, the change history keeping the
previous version, who and why; the binôme picker offers the unit's colleagues first, every name
with role and unit; a partner present is a structure of the directory."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.dossiers.models import Entretien
from parcours.organisation.enums import Role
from tests.dossiers.factories import AccompagnementFactory, EntretienFactory
from tests.factories import AgentFactory, OrganismeFactory, PartenaireFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def p():
    return creer_personas()


@pytest.fixture
def entretien(p):
    debut = timezone.localdate() - datetime.timedelta(days=20)
    acc = AccompagnementFactory(referent=p.alice, unite=p.unite, date_debut=debut)
    return EntretienFactory(
        accompagnement=acc, date=debut + datetime.timedelta(days=1), second_agent=p.bastien
    )


def _corriger(client, entretien, **champs):
    donnees = {
        "formulaire": "corriger",
        "date": entretien.date.isoformat(),
        "mode": entretien.mode,
        "notes": entretien.notes,
        "motif": "mauvais collègue en binôme",
        "version": entretien.version,
    }
    donnees.update(champs)
    return client.post(reverse("dossiers:entretien_corriger", args=[entretien.pk]), donnees)


def test_the_author_corrects_the_binome_colleague_and_the_history_says_why(client, p, entretien):
    bonne = AgentFactory(matricule="bonne", prenom="Bonne", nom="Collègue", unite=p.unite)
    client.force_login(p.alice)
    reponse = _corriger(client, entretien, second_agent=bonne.pk)
    assert reponse.status_code == 302
    entretien.refresh_from_db()
    assert entretien.second_agent == bonne and entretien.version == 1
    derniere, premiere = entretien.history.all()[:2]
    assert derniere.history_user == p.alice
    assert derniere.history_change_reason == "correction : mauvais collègue en binôme"
    assert premiere.second_agent_id == p.bastien.pk  # the previous version is kept


def test_the_unit_s_manager_cancels_with_a_reason_and_it_leaves_the_counts(client, p, entretien):
    client.force_login(p.chloe)
    url = reverse("dossiers:entretien_corriger", args=[entretien.pk])
    sans_motif = client.post(
        url, {"formulaire": "annuler", "annulation-version": 0, "annulation-motif_annulation": ""}
    )
    assert sans_motif.status_code == 400
    entretien.refresh_from_db()
    assert not entretien.annule
    client.post(
        url,
        {
            "formulaire": "annuler",
            "annulation-version": 0,
            "annulation-motif_annulation": "saisi dans le mauvais dossier",
        },
    )
    entretien.refresh_from_db()
    assert entretien.annule and entretien.motif_annulation == "saisi dans le mauvais dossier"
    assert not Entretien.objects.realises().filter(pk=entretien.pk).exists()
    page = client.get(reverse("dossiers:dossier", args=[entretien.assure_id])).content.decode()
    assert "(annulé)" in page and "saisi dans le mauvais dossier" in page


def test_only_the_author_or_the_manager_corrects(client, p, entretien):
    collegue = AgentFactory(matricule="collegue", role=Role.ASS, unite=p.unite)
    client.force_login(collegue)
    assert _corriger(client, entretien).status_code in (403, 404)
    client.force_login(p.octave)  # another unit: the dossier is not theirs
    assert _corriger(client, entretien).status_code == 404
    entretien.refresh_from_db()
    assert entretien.version == 0


def test_a_stale_correction_is_refused_and_keeps_what_was_typed(client, p, entretien):
    client.force_login(p.alice)
    _corriger(client, entretien, duree_minutes=30)
    reponse = _corriger(client, entretien, duree_minutes=45, notes="Notes retapées")
    assert reponse.status_code == 400
    contenu = reponse.content.decode()
    assert "modifiée" in contenu and "Notes retapées" in contenu
    entretien.refresh_from_db()
    assert entretien.duree_minutes == 30


def test_the_binome_picker_offers_the_unit_first_with_role_and_unit(client, p, entretien):
    # Homonyms in two units: told apart by their unit.
    AgentFactory(matricule="h1", prenom="Marie", nom="Martin", role=Role.ASS, unite=p.unite)
    AgentFactory(matricule="h2", prenom="Marie", nom="Martin", role=Role.CADRE, unite=p.autre_unite)
    PartenaireFactory(code="MISAS", nom="CPAM — MisaS", organisme=p.organisme)
    PartenaireFactory(code="AILLEURS", nom="Structure d'ailleurs", organisme=OrganismeFactory())
    client.force_login(p.alice)
    contenu = client.get(reverse("dossiers:dossier", args=[entretien.assure_id])).content.decode()
    select = re.search(r'<select name="second_agent".*?</select>', contenu, re.S).group(0)
    groupes = re.findall(r'<optgroup label="([^"]+)">', select)
    assert groupes[0] == "Votre unité — Montauban" and "Castelsarrasin" in groupes
    assert "Martin Marie — assistant·e de service social, Montauban" in select
    assert "Martin Marie — cadre d&#x27;unité, Castelsarrasin" in select
    assert f'value="{p.alice.pk}"' not in select  # not oneself
    partenaires = re.search(r'<select name="partenaire".*?</select>', contenu, re.S).group(0)
    assert "CPAM — MisaS" in partenaires and "Structure d'ailleurs" not in partenaires


def test_a_joint_interview_names_a_structure_of_the_directory(client, p, entretien):
    misas = PartenaireFactory(code="MISAS", nom="CPAM — MisaS", organisme=p.organisme)
    ailleurs = PartenaireFactory(code="AILLEURS", organisme=OrganismeFactory())
    client.force_login(p.alice)
    url = reverse("dossiers:entretien_rapide", args=[entretien.assure_id])
    donnees = {
        "accompagnement": entretien.accompagnement_id,
        "date": timezone.localdate().isoformat(),
        "mode": "TELEPHONE",
        "partenaire_present": "Mme Durand, conseillère",
        "notes": "Entretien conjoint",
    }
    refuse = client.post(url, {**donnees, "partenaire": ailleurs.pk})
    assert refuse.status_code == 400 and "Entretien conjoint" in refuse.content.decode()
    assert client.post(url, {**donnees, "partenaire": misas.pk}).status_code == 302
    nouveau = Entretien.objects.get(notes="Entretien conjoint")
    assert (nouveau.partenaire, nouveau.partenaire_present) == (misas, "Mme Durand, conseillère")
