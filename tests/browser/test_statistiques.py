"""In Chromium: the regional direction opens the dashboard, changes the year and the
département, and downloads the tables as XLSX."""

import pytest
from openpyxl import load_workbook

from parcours.organisation.enums import Role
from tests.browser.test_parcours_signalement import _connexion
from tests.dossiers.factories import creer_missions
from tests.factories import AgentFactory
from tests.statistiques.jeu import creer_jeu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pilotage_dashboard_year_departement_and_xlsx(page, live_server, tmp_path):
    creer_missions()
    jeu = creer_jeu()
    AgentFactory(
        matricule="paula", prenom="Paula", role=Role.PILOTAGE, unite=None, organisme=jeu.organisme
    )
    _connexion(page, live_server, "paula")
    page.get_by_role("link", name="Statistiques").first.click()
    titre = page.get_by_role("heading", level=1)
    assert "Carsat du jeu d'essai" in titre.inner_text()
    assert page.locator("svg[aria-label='Entretiens réalisés par mois']").count() == 1

    page.get_by_label("Année").select_option("2024")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**annee=2024**")
    assert "Statistiques 2024" in titre.inner_text()

    page.get_by_label("Année").select_option("2025")
    page.get_by_label("Département").select_option("31")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**departement=31**")
    assert titre.inner_text() == "Statistiques 2025 — Haute-Garonne (31)"
    # Two interviews in Toulouse: the direction sees « < 11 », never the count.
    tuile = page.locator("[data-testid=chiffres-cles]").inner_text()
    assert "< 11" in tuile

    with page.expect_download() as telechargement:
        page.get_by_test_id("export-xlsx").click()
    fichier = tmp_path / telechargement.value.suggested_filename
    telechargement.value.save_as(fichier)
    assert fichier.name == "parcours-statistiques-2025-departement-31.xlsx"
    classeur = load_workbook(fichier)
    lignes = list(classeur["Activité par mission"].iter_rows(values_only=True))
    assert lignes[0][0] == "Activité par mission"
    assert next(ligne for ligne in lignes if ligne[0] == "Total")[1] == "< 11"
