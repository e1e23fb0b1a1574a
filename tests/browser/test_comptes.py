"""In Chromium: a new agent chooses their password from the link of the activation e-mail, with
the keyboard only, then logs in; their manager reads the accounts' journal. Both pages pass
axe-core without serious or critical violation."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail

from parcours.organisation import actions
from parcours.organisation.enums import Role
from parcours.organisation.models import Agent
from tests.factories import MOT_DE_PASSE, AgentFactory, UniteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOT_DE_PASSE_CHOISI = "Mon mot de passe à moi 2026"


def _graves(page) -> list[str]:
    resultats = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']})"
        for v in resultats.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_new_agent_activates_their_account_and_the_manager_reads_the_journal(page, live_server):
    unite = UniteFactory(code="U-MTB", nom="Montauban")
    adele = AgentFactory(matricule="adele", role=Role.ADMIN, unite=None, organisme=unite.organisme)
    AgentFactory(matricule="chloe", prenom="Chloé", role=Role.CADRE, unite=unite)
    nouvelle = Agent(
        matricule="nouvelle",
        nom="Neuve",
        prenom="Nina",
        email="nina.neuve@exemple.invalid",
        role=Role.ASS,
        unite=unite,
        organisme=unite.organisme,
    )
    actions.creer_agent(nouvelle, acting_user=adele, base=live_server.url)
    lien = re.search(r"http://\S+/compte/activation/\S+/", mail.outbox[0].body).group(0)

    page.goto(lien)
    page.wait_for_selector("text=Choisir votre mot de passe")
    assert _graves(page) == []
    page.get_by_label("Nouveau mot de passe").focus()
    page.keyboard.type(MOT_DE_PASSE_CHOISI)
    page.keyboard.press("Tab")
    page.keyboard.type(MOT_DE_PASSE_CHOISI)
    page.keyboard.press("Enter")
    page.wait_for_url("**/connexion/")
    page.get_by_label("Matricule").fill("nouvelle")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE_CHOISI)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector("[data-testid=titre-accueil]")
    assert "Bonjour Nina" in page.locator("[data-testid=titre-accueil]").inner_text()

    # The same link does not serve twice.
    page.goto(lien)
    page.wait_for_selector("[data-testid=lien-invalide]")

    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_label("Matricule").fill("chloe")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector("[data-testid=titre-accueil]")
    page.goto(f"{live_server.url}/comptes/journal/")
    journal = page.locator("[data-testid=journal-comptes]").inner_text()
    assert "Création du compte" in journal and "Mot de passe choisi par l'agent" in journal
    assert _graves(page) == []
