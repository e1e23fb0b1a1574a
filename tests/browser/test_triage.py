"""Issue 12, defect 8: the triage form shows the fields of the chosen decision only — with or
without JavaScript (CSS alone) — and no field sometimes required says « (facultatif) »."""

import pytest

from tests.browser.test_parcours_signalement import _connexion
from tests.dossiers.factories import SignalementFactory, creer_missions
from tests.factories import CommuneFactory, LieuAccueilFactory
from tests.personas import creer_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHAMPS = ("mission", "referent", "mode", "lieu_accueil", "motif_decision")
ATTENDUS = {
    "accompagnement ouvert": {"mission", "referent"},
    "intervention ponctuelle": {"mode", "lieu_accueil"},
    "orienté vers un autre service": {"motif_decision"},
    "hors du champ du service": {"motif_decision"},
}


def _visibles(formulaire) -> set[str]:
    return {c for c in CHAMPS if formulaire.get_by_test_id(f"triage-{c}").is_visible()}


@pytest.mark.parametrize("javascript", [True, False])
def test_each_decision_shows_its_own_fields(navigateur, live_server, javascript):
    creer_missions()
    p = creer_personas()
    LieuAccueilFactory(unite=p.unite, commune=CommuneFactory())
    sig = SignalementFactory(unite=p.unite, agent=p.alice)
    contexte = navigateur.new_context(
        locale="fr-FR", viewport={"width": 1366, "height": 768}, java_script_enabled=javascript
    )
    page = contexte.new_page()
    csp = []
    page.on(
        "console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None
    )
    try:
        _connexion(page, live_server, "alice")
        page.goto(f"{live_server.url}/signalements/{sig.pk}/")
        formulaire = page.get_by_test_id("form-triage")
        assert _visibles(formulaire) == set()
        assert "---------" not in formulaire.inner_html()
        for decision, attendus in ATTENDUS.items():
            formulaire.get_by_text(decision, exact=True).click()
            assert _visibles(formulaire) == attendus, decision
            for champ in attendus:
                texte = formulaire.get_by_test_id(f"triage-{champ}").inner_text()
                assert "facultatif" not in texte and "obligatoire" in texte, (champ, texte)
        # Sent without JavaScript too: the chosen decision's fields go in.
        formulaire.get_by_text("hors du champ du service", exact=True).click()
        formulaire.get_by_label("Orienté vers / motif").fill("Demande de logement social")
        formulaire.get_by_role("button", name="Enregistrer la décision").click()
        page.wait_for_url(f"**/dossiers/{sig.assure_id}/")
    finally:
        contexte.close()
    assert not csp, csp
    sig.refresh_from_db()
    assert (sig.statut, sig.motif_decision) == ("HORS_CHAMP", "Demande de logement social")
