"""Pages of the organisation app, with named personas (tests/personas.py)."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.organisation.enums import Role
from tests.factories import AgentFactory, LieuAccueilFactory, SecteurFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def personas():
    return creer_personas()


def test_anonymous_is_sent_to_the_login_page(client):
    reponse = client.get(reverse("accueil"))
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("connexion"))
    assert client.get(reverse("lieux_accueil")).status_code == 302


def test_login_page_is_french(client):
    reponse = client.get(reverse("connexion"))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Connexion à Parcours" in contenu
    assert 'lang="fr"' in contenu
    assert "Matricule" in contenu and "Mot de passe" in contenu


def test_login_with_good_password_reaches_the_home_page(client, personas):
    reponse = client.post(
        reverse("connexion"), {"username": "alice", "password": "un-mot-de-passe-de-test"}
    )
    assert reponse.status_code == 302
    assert client.get(reverse("accueil")).status_code == 200


def test_failed_login_shows_a_french_error(client, personas):
    reponse = client.post(reverse("connexion"), {"username": "alice", "password": "faux"})
    assert reponse.status_code == 200
    assert "Matricule ou mot de passe incorrect" in reponse.content.decode()


def test_account_is_locked_after_five_failures(client, personas):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("connexion"), {"username": "alice", "password": "faux"})
    reponse = client.post(
        reverse("connexion"), {"username": "alice", "password": "un-mot-de-passe-de-test"}
    )
    assert reponse.status_code == 429
    assert "Compte temporairement bloqué" in reponse.content.decode()
    # Another account from the same address is not locked.
    reponse = client.post(
        reverse("connexion"), {"username": "bastien", "password": "un-mot-de-passe-de-test"}
    )
    assert reponse.status_code == 302


def test_passwords_are_hashed_with_argon2_and_sessions_expire():
    from parcours.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert base.SESSION_COOKIE_AGE <= 30 * 60
    # The idle expiry slides (pushed back at most once a minute, parcours.securite).
    assert "parcours.securite.SessionGlissanteMiddleware" in base.MIDDLEWARE
    assert base.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_logout(client, personas):
    client.force_login(personas.alice)
    reponse = client.post(reverse("deconnexion"))
    assert reponse.status_code == 302
    assert client.get(reverse("accueil")).status_code == 302


# Every page × every role: allowed (200) or refused (403).
MATRICE = {
    "lieux_accueil": {Role.ASS, Role.CSAM, Role.CADRE, Role.PILOTAGE, Role.ADMIN},
    "equipe": {Role.CADRE},
    "imports:televerser": {Role.ADMIN, Role.CADRE, Role.PILOTAGE},
    "admin:index": {Role.ADMIN},
    "journal_comptes": {Role.CADRE},
}


@pytest.mark.parametrize("page", MATRICE)
@pytest.mark.parametrize("role", Role.values)
def test_permission_matrix(client, personas, page, role):
    client.force_login(personas.par_role()[role])
    reponse = client.get(reverse(page))
    if role in MATRICE[page]:
        assert reponse.status_code == 200
    elif page == "admin:index":
        assert reponse.status_code == 302  # the admin site sends non-staff to its login
    else:
        assert reponse.status_code == 403
        assert "Accès refusé" in reponse.content.decode()


def test_lieux_accueil_are_those_of_the_organisme(client, personas):
    LieuAccueilFactory(nom="Permanence de Montauban", unite=personas.unite)
    LieuAccueilFactory(nom="Permanence d'une autre Carsat")
    client.force_login(personas.alice)
    contenu = client.get(reverse("lieux_accueil")).content.decode()
    assert "Permanence de Montauban" in contenu
    assert "Permanence d'une autre Carsat" not in contenu


def test_lieux_accueil_filters(client, personas):
    LieuAccueilFactory(nom="Permanence A", unite=personas.unite)
    LieuAccueilFactory(nom="Permanence B", unite=personas.autre_unite)
    client.force_login(personas.paula)
    contenu = client.get(reverse("lieux_accueil"), {"unite": personas.autre_unite.pk}).content
    assert b"Permanence B" in contenu and b"Permanence A" not in contenu


def _nombre_de_requetes(client, url) -> int:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return len(requetes)


def test_lieux_accueil_query_count_does_not_grow_with_rows(client, personas):
    client.force_login(personas.paula)
    LieuAccueilFactory.create_batch(2, unite=personas.unite)
    peu = _nombre_de_requetes(client, reverse("lieux_accueil"))
    LieuAccueilFactory.create_batch(30, unite=personas.autre_unite)
    beaucoup = _nombre_de_requetes(client, reverse("lieux_accueil"))
    assert beaucoup == peu
    assert peu <= 8


def test_equipe_query_count_does_not_grow_with_rows(client, personas):
    client.force_login(personas.chloe)
    peu = _nombre_de_requetes(client, reverse("equipe"))
    for agent in AgentFactory.create_batch(15, unite=personas.unite):
        SecteurFactory(unite=personas.unite, agent=agent)
    beaucoup = _nombre_de_requetes(client, reverse("equipe"))
    assert beaucoup == peu


def test_equipe_shows_only_the_unit(client, personas):
    client.force_login(personas.chloe)
    contenu = client.get(reverse("equipe")).content.decode()
    assert "Alice" in contenu and "Bastien" in contenu
    assert "Octave" not in contenu


def test_admin_role_uses_admin_screens_in_french(client, personas):
    client.force_login(personas.adele)
    contenu = client.get(reverse("admin:index")).content.decode()
    assert "Référentiels, organisation et comptes" in contenu
    assert "Lieux d&#x27;accueil" in contenu and "Agents" in contenu
    reponse = client.get(reverse("admin:organisation_agent_changelist"))
    assert reponse.status_code == 200


def test_admin_role_manages_configuration_only(personas):
    adele, chloe = personas.adele, personas.chloe
    assert adele.has_perm("organisation.change_agent")
    assert adele.has_perm("organisation.add_lieuaccueil")
    assert adele.has_module_perms("territoire")
    assert adele.has_perm("dossiers.change_mission")  # a referential
    assert not adele.has_perm("dossiers.view_assure")
    assert not adele.has_perm("dossiers.view_entretien")
    assert not chloe.has_perm("organisation.change_agent")
    assert not chloe.is_staff
