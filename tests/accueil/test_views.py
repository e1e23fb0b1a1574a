"""The home page per role and the menu gathered from every app."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.accueil.menu import menu_for
from parcours.organisation.enums import Role
from tests.factories import LieuAccueilFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def personas():
    return creer_personas()


def _nombre_de_requetes(client, url) -> int:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return len(requetes)


@pytest.mark.parametrize("role", Role.values)
def test_each_role_reaches_its_home_page(client, personas, role):
    agent = personas.par_role()[role]
    client.force_login(agent)
    reponse = client.get(reverse("accueil"))
    assert reponse.status_code == 200
    assert f"accueil/accueil_{role}.html" in [t.name for t in reponse.templates]
    assert f"Bonjour {agent.prenom}" in reponse.content.decode()


MENUS = {
    Role.ASS: [
        "Accueil",
        "Mes accompagnements",
        "Mon agenda",
        "À contacter",
        "Signalements",
        "Rechercher",
        "Lieux d'accueil",
    ],
    Role.CSAM: [
        "Accueil",
        "Mon agenda",
        "À contacter",
        "Signalements",
        "Rechercher",
        "Lieux d'accueil",
    ],
    Role.CADRE: [
        "Accueil",
        "Accompagnements",
        "Signalements",
        "Rechercher",
        "Statistiques",
        "Lieux d'accueil",
        "Mon équipe",
        "Agendas de l'unité",
        "Campagnes",
        "Journal des consultations",
        "Journal des comptes",
        "Import de données",
        "Messages envoyés",
    ],
    Role.PILOTAGE: [
        "Accueil",
        "Statistiques",
        "Rapport annuel",
        "Observatoire",
        "Lieux d'accueil",
        "Import de données",
    ],
    Role.PARTENAIRE: ["Accueil", "Mes signalements"],
    Role.ADMIN: [
        "Accueil",
        "Lieux d'accueil",
        "Import de données",
        "Messages envoyés",
        "Administration",
    ],
}


@pytest.mark.parametrize("role", Role.values)
def test_menu_shows_only_what_the_role_may_use(client, personas, role):
    agent = personas.par_role()[role]
    assert [e.libelle for e in menu_for(agent)] == MENUS[role]
    client.force_login(agent)
    for entree in menu_for(agent):
        assert client.get(entree.url).status_code == 200, entree


def test_home_pages_query_counts_are_small(client, personas):
    LieuAccueilFactory.create_batch(5, unite=personas.unite)
    for agent in personas.par_role().values():
        client.force_login(agent)
        assert _nombre_de_requetes(client, reverse("accueil")) <= 14, agent.role
