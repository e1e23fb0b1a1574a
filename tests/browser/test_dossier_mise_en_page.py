"""Issue 12, defect 4: on the dossier page, the « Accompagnements » list was drawn over the
footer and the République française logo. Nothing of the page's content may overlap the footer,
at the newcomer's 1366×768 nor on a narrow screen."""

import datetime

import pytest

from tests.browser.test_parcours_signalement import _connexion
from tests.dossiers.factories import AccompagnementFactory, AssureFactory, EntretienFactory
from tests.personas import creer_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("largeur,hauteur", [(1366, 768), (390, 844)])
def test_the_dossier_page_never_draws_over_the_footer(page, live_server, largeur, hauteur):
    from tests.dossiers.factories import creer_missions

    creer_missions()
    p = creer_personas()
    assure = AssureFactory()
    for annee in range(2019, 2026):
        acc = AccompagnementFactory(
            assure=assure,
            referent=p.alice,
            date_debut=datetime.date(annee, 2, 1),
            date_fin=datetime.date(annee, 11, 30),
            issue="OBJECTIFS_ATTEINTS",
        )
        EntretienFactory(accompagnement=acc, date=datetime.date(annee, 3, 1))
    page.set_viewport_size({"width": largeur, "height": hauteur})
    _connexion(page, live_server, "alice")
    page.goto(f"{live_server.url}/dossiers/{assure.pk}/")
    liste = page.get_by_test_id("liste-accompagnements").bounding_box()
    chronologie = page.get_by_test_id("chronologie").bounding_box()
    pied = page.locator("footer").first.bounding_box()
    assert liste["y"] + liste["height"] <= pied["y"], (liste, pied)
    assert chronologie["y"] + chronologie["height"] <= pied["y"], (chronologie, pied)
