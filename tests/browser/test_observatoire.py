"""In Chromium: the regional direction opens the observatory, switches among the three maps and
hovers a canton, then a commune, to read their values."""

from datetime import date

import pytest
from django.utils import timezone

from parcours.demo.fragilite import csv_fragilite_demo
from parcours.dossiers.enums import ModeEntretien
from parcours.imports.engine import importer
from parcours.observatoire import calculs
from parcours.observatoire.enums import StatutCalcul
from parcours.observatoire.models import CalculObservatoire
from parcours.organisation.enums import Role
from parcours.territoire.chargement import charger_geographie
from parcours.territoire.models import Commune
from tests.browser.test_parcours_signalement import _connexion
from tests.dossiers.factories import (
    AccompagnementFactory,
    AssureFactory,
    EntretienFactory,
    creer_missions,
)
from tests.factories import AgentFactory, LieuAccueilFactory, OrganismeFactory, UniteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _territoire():
    """A Carsat with two units in Tarn-et-Garonne, on the official geography of Occitanie."""
    charger_geographie(region="76")  # transactional tests may have emptied the database
    creer_missions()
    organisme = OrganismeFactory(code="CARSAT-NAV", nom="Carsat du navigateur")
    montauban = UniteFactory(code="NAV-MTB", organisme=organisme, departement_id="82")
    castel = UniteFactory(code="NAV-CAS", organisme=organisme, departement_id="82")
    LieuAccueilFactory(
        code="NAV-LA1",
        nom="Accueil de Montauban",
        unite=montauban,
        commune=Commune.objects.get(code="82121"),
    )
    LieuAccueilFactory(
        code="NAV-LA2",
        nom="Accueil de Castelsarrasin",
        unite=castel,
        commune=Commune.objects.get(code="82033"),
    )
    assert importer("fragilite", csv_fragilite_demo(["82"]).encode()).accepte
    jour = date(timezone.localdate().year - 1, 3, 12)
    for _ in range(12):
        personne = AssureFactory(commune=Commune.objects.get(code="82121"))
        acc = AccompagnementFactory(assure=personne, unite=montauban, date_debut=jour)
        EntretienFactory(accompagnement=acc, mode=ModeEntretien.LIEU_ACCUEIL, date=jour)
    calculs.calculer(organisme, calculs.Parametres(annee=jour.year))
    AgentFactory(
        matricule="paula", prenom="Paula", role=Role.PILOTAGE, unite=None, organisme=organisme
    )
    return organisme


def test_pilotage_switches_maps_and_reads_a_canton(page, live_server):
    _territoire()
    canton = Commune.objects.get(code="82121").pseudo_canton
    _connexion(page, live_server, "paula")
    page.get_by_role("link", name="Observatoire").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Observatoire territorial"

    carte = page.get_by_test_id("carte")
    page.wait_for_selector("#carte[data-couche=fragilite]")
    assert page.locator("#carte path.leaflet-interactive").count() >= 12
    assert "critères significatifs" in page.get_by_test_id("legende").inner_text()

    page.locator(f"#carte path[data-code='{canton.code}']").hover()
    lecture = page.get_by_test_id("survol")
    page.wait_for_function(
        "nom => document.querySelector('[data-testid=survol]').innerText.includes(nom)",
        arg=canton.nom,
    )
    texte = lecture.inner_text()
    assert "sur 5" in texte or "critère" in texte
    assert "%" in texte  # the rates of the criteria

    page.get_by_text("Accessibilité des lieux d'accueil", exact=True).click()
    page.wait_for_selector("#carte[data-couche=accessibilite]")
    page.locator("#carte path[data-code='82112']").hover()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=survol]').innerText.includes('min')"
    )
    assert "Accueil de" in lecture.inner_text()

    page.get_by_text("Personnes reçues de visu", exact=True).click()
    page.wait_for_selector("#carte[data-couche=residence]")
    assert "moins de 11" in page.get_by_test_id("legende").inner_text()
    cercle = page.locator("#carte path[data-cercle='82121']")
    boite = cercle.bounding_box()
    cercle.hover(position={"x": boite["width"] / 2, "y": boite["height"] * 0.2})
    page.wait_for_function(
        "() => document.querySelector('[data-testid=survol]').innerText.includes('12')"
    )
    assert carte.is_visible()


def test_the_progress_of_a_new_computation_refreshes_until_it_ends(page, live_server):
    """Issue 12, defect 5: « Nouveau calcul » stayed « Calcul en cours » forever (the page
    polled nothing). The progress follows the computation and the page shows its end."""
    organisme = _territoire()
    calcul = CalculObservatoire.objects.create(
        organisme=organisme, statut=StatutCalcul.EN_COURS, etape="Accessibilité", progression=40
    )
    _connexion(page, live_server, "paula")
    page.goto(f"{live_server.url}/territoire/observatoire/")
    progression = page.get_by_test_id("progression-observatoire")
    assert "Calcul en cours" in progression.inner_text()
    CalculObservatoire.objects.filter(pk=calcul.pk).update(etape="Implantation", progression=80)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=progression-observatoire]')"
        ".innerText.includes('Implantation')",
        timeout=5000,
    )
    CalculObservatoire.objects.filter(pk=calcul.pk).update(
        statut=StatutCalcul.ECHEC, etape="Échec : essai"
    )
    page.wait_for_selector("[data-testid=echec-calcul]", timeout=5000)
    assert "Calcul en cours" not in page.content()
