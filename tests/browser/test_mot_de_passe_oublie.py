"""In Chromium: an agent who forgot their password follows « Mot de passe oublié ? » from the
login page, receives the link by e-mail, chooses a new password and logs in with it."""

import re

import pytest
from django.core import mail

from parcours.organisation.enums import Role
from tests.factories import MOT_DE_PASSE, AgentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOUVEAU = "Une phrase de passe neuve 2026"


def test_an_agent_resets_a_forgotten_password_and_logs_in(page, live_server):
    AgentFactory(
        matricule="alice",
        prenom="Alice",
        nom="Martin",
        email="alice.martin@exemple.invalid",
        role=Role.ASS,
    )
    page.goto(f"{live_server.url}/")
    assert "/connexion/" in page.url
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    page.wait_for_url("**/mot-de-passe-oublie/")
    page.get_by_label("Matricule ou adresse électronique").fill("alice")
    page.get_by_role("button", name="Recevoir un lien").click()
    page.wait_for_selector("[data-testid=demande-envoyee]")
    assert "/mot-de-passe-oublie/envoye/" in page.url

    (message,) = mail.outbox
    assert message.to == ["alice.martin@exemple.invalid"]
    lien = re.search(r"http://\S+/compte/activation/\S+/", message.body).group(0)
    assert lien.startswith(live_server.url)
    page.goto(lien)
    page.wait_for_selector("text=Choisir votre mot de passe")
    page.get_by_label("Nouveau mot de passe").fill(NOUVEAU)
    page.get_by_label("Confirmation du mot de passe").fill(NOUVEAU)
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    page.wait_for_url("**/connexion/")

    # The former password no longer opens the account; the new one does.
    page.get_by_label("Matricule").fill("alice")
    page.get_by_label("Mot de passe", exact=True).fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector("[data-testid=erreur-connexion]")
    page.get_by_label("Matricule").fill("alice")
    page.get_by_label("Mot de passe", exact=True).fill(NOUVEAU)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector("[data-testid=titre-accueil]")
    assert page.locator("[data-testid=titre-accueil]").inner_text() == "Bonjour Alice"
