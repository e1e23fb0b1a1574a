"""Issue 12, defect 7: the home page's « Signalements à traiter » and the list it opens agree,
and a signalement someone may not triage says why."""

import html
import re

import pytest
from django.urls import reverse

from parcours.dossiers.models import Signalement
from parcours.organisation.enums import Role
from tests.dossiers.factories import SignalementFactory
from tests.factories import AgentFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def p():
    p = creer_personas()
    p.denise = AgentFactory(
        matricule="denise", prenom="Denise", nom="Roux", role=Role.ASS, unite=p.unite
    )
    SignalementFactory.create_batch(2, unite=p.unite, agent=p.alice)
    SignalementFactory(unite=p.unite, agent=None)
    SignalementFactory.create_batch(3, unite=p.unite, agent=p.denise)
    # Sent by Alice to another unit: she follows it, she does not treat it.
    SignalementFactory(unite=p.autre_unite, agent=p.octave, emetteur=p.alice)
    return p


def _compteur(client) -> int:
    contenu = client.get(reverse("accueil")).content.decode()
    bloc = contenu[contenu.index("Signalements à traiter") :]
    return int(re.search(r'class="parcours-chiffre">(\d+)<', bloc).group(1))


def _lignes(client, **parametres) -> int:
    page = client.get(reverse("dossiers:signalements"), parametres)
    return len(page.context["signalements"])


@pytest.mark.parametrize(("qui", "attendu"), [("alice", 3), ("chloe", 6), ("bastien", 6)])
def test_the_home_counter_and_the_list_it_opens_agree(client, p, qui, attendu):
    client.force_login(getattr(p, qui))
    assert _compteur(client) == attendu
    assert _lignes(client) == attendu
    # Everything the person may see is one click away.
    assert _lignes(client, file="tout") == (7 if qui == "alice" else 6)


def test_a_colleagues_signalement_says_who_may_treat_it(client, p):
    client.force_login(p.alice)
    sig = Signalement.objects.filter(agent=p.denise).first()
    contenu = html.unescape(
        client.get(reverse("dossiers:signalement", args=[sig.pk])).content.decode()
    )
    assert 'data-testid="form-triage"' not in contenu
    assert "orienté vers Denise Roux" in contenu
    assert "seul·e cette personne ou le·la cadre de l'unité peut le traiter" in contenu


def test_the_phone_adviser_is_told_triage_is_not_theirs(client, p):
    client.force_login(p.bastien)
    sig = Signalement.objects.filter(agent=None).first()
    contenu = html.unescape(
        client.get(reverse("dossiers:signalement", args=[sig.pk])).content.decode()
    )
    assert 'data-testid="form-triage"' not in contenu
    assert "Le tri des signalements revient" in contenu
