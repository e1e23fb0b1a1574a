"""In Chromium: a CSAM records a signalement from a phone call; the social worker of that sector
finds it, opens an accompaniment, records an interview and closes it with an outcome."""

import pytest

from parcours.dossiers.models import Accompagnement, Entretien, Signalement
from parcours.organisation.enums import Role
from tests.dossiers.factories import creer_missions
from tests.factories import MOT_DE_PASSE, AgentFactory, CommuneFactory, SecteurFactory, UniteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _connexion(page, live_server, matricule):
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Matricule").fill(matricule)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector("[data-testid=titre-accueil]")


def _deconnexion(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/connexion/")


def test_from_phone_call_to_closed_accompaniment(page, live_server):
    creer_missions()
    CommuneFactory()  # Montauban, 82121
    unite = UniteFactory(code="U-MTB", nom="Montauban")
    AgentFactory(matricule="bastien", prenom="Bastien", nom="Roux", role=Role.CSAM, unite=unite)
    alice = AgentFactory(
        matricule="alice", prenom="Alice", nom="Martin", role=Role.ASS, unite=unite
    )
    SecteurFactory(unite=unite, agent=alice).communes.set(["82121"])

    # The CSAM takes a call on the 36 46.
    _connexion(page, live_server, "bastien")
    page.get_by_role("link", name="Signalements").first.click()
    page.get_by_role("link", name="Nouveau signalement").click()
    page.get_by_label("NIR (numéro de sécurité sociale)").fill("2 95 10 99 126 111 93")
    page.get_by_label("Nom", exact=True).fill("Lefèvre")
    page.get_by_label("Prénom").fill("Élodie")
    page.get_by_label("Date de naissance").fill("1995-10-03")
    page.locator("label", has_text="femme").click()
    page.get_by_label("Commune de résidence").fill("Montauban (82121)")
    page.get_by_label("Source", exact=True).select_option("ASSURE")
    page.get_by_label("Motif de la demande").fill(
        "En arrêt depuis quatre mois, craint de perdre son emploi de cariste."
    )
    page.get_by_label("Mission suggérée").select_option(
        label="Prévenir la désinsertion professionnelle"
    )
    page.get_by_role("button", name="Enregistrer et transmettre").click()
    page.wait_for_selector("[data-testid=destinataire]")
    assert "Montauban — Alice Martin" in page.locator("[data-testid=destinataire]").inner_text()
    assert "Signalement enregistré et transmis" in page.content()
    _deconnexion(page)

    # The social worker of the sector finds it in her queue.
    _connexion(page, live_server, "alice")
    page.get_by_role("link", name="Signalements").first.click()
    ligne = page.locator("[data-testid=table-signalements] tr", has_text="Lefèvre")
    assert "à traiter" in ligne.inner_text().lower()
    ligne.get_by_role("link").first.click()
    formulaire = page.locator("[data-testid=form-triage]")
    formulaire.locator("label", has_text="accompagnement ouvert").click()
    formulaire.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_selector("[data-testid=titre-accompagnement]")
    assert page.locator("[data-testid=titre-accompagnement]").inner_text() == (
        "Prévenir la désinsertion professionnelle"
    )

    # She records the first interview...
    panneau = page.locator("[data-testid=panneau-entretien]")
    panneau.locator("summary").click()
    panneau.get_by_label("Mode").select_option("TELEPHONE")
    panneau.get_by_label("Durée (minutes)").fill("40")
    panneau.get_by_label("Notes d'entretien").fill("Point sur la visite de pré-reprise.")
    panneau.get_by_role("button", name="Enregistrer l'entretien").click()
    page.wait_for_selector("text=Entretien enregistré.")
    assert "par téléphone" in page.locator("[data-testid=liste-entretiens]").inner_text()

    # ...then closes the accompaniment with its outcome.
    panneau = page.locator("[data-testid=panneau-cloture]")
    panneau.locator("summary").click()
    panneau.get_by_label("Issue", exact=True).select_option("POSTE_AMENAGE")
    panneau.get_by_role("button", name="Clore").click()
    page.wait_for_selector("text=Accompagnement clos.")
    assert (
        "poste aménagé" in page.locator("[data-testid=statut-accompagnement]").inner_text().lower()
    )

    signalement = Signalement.objects.get()
    accompagnement = Accompagnement.objects.get()
    assert (signalement.statut, signalement.accompagnement) == (
        "ACCOMPAGNEMENT_OUVERT",
        accompagnement,
    )
    assert (accompagnement.referent, accompagnement.issue) == (alice, "POSTE_AMENAGE")
    assert accompagnement.date_fin is not None
    assert Entretien.objects.get().duree_minutes == 40
