"""In Chromium: a social worker logs in and sees the home page; a failed login is told in French."""

import pytest

from parcours.organisation.enums import Role
from tests.factories import MOT_DE_PASSE, AgentFactory, LieuAccueilFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _se_connecter(page, live_server, matricule, mot_de_passe):
    page.goto(f"{live_server.url}/")
    assert "/connexion/" in page.url
    page.get_by_label("Matricule").fill(matricule)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()


def test_social_worker_logs_in_and_sees_home_page(page, live_server):
    alice = AgentFactory(matricule="alice", prenom="Alice", nom="Martin", role=Role.ASS)
    LieuAccueilFactory(nom="Agence de Montauban", unite=alice.unite)
    _se_connecter(page, live_server, "alice", MOT_DE_PASSE)
    page.wait_for_selector("[data-testid=titre-accueil]")
    assert page.locator("[data-testid=titre-accueil]").inner_text() == "Bonjour Alice"
    assert (
        "Alice Martin — assistant·e de service social"
        in page.locator("[data-testid=agent-connecte]").inner_text()
    )
    assert "Agence de Montauban" in page.locator("[data-testid=table-lieux]").inner_text()
    # The menu offers what a social worker may use, and not the manager's pages.
    menu = page.locator("#navigation").inner_text()
    assert "Lieux d'accueil" in menu and "Mon équipe" not in menu
    # The DSFR style sheet, served by the application, is applied.
    police = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Marianne" in police
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/connexion/")


def test_failed_login_shows_a_french_error(page, live_server):
    AgentFactory(matricule="alice", role=Role.ASS)
    _se_connecter(page, live_server, "alice", "pas le bon")
    erreur = page.locator("[data-testid=erreur-connexion]")
    erreur.wait_for()
    assert "Connexion refusée" in erreur.inner_text()
    assert "Matricule ou mot de passe incorrect" in erreur.inner_text()
    assert "/connexion/" in page.url
