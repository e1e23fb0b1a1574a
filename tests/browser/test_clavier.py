"""In Chromium, with the keyboard only (issue 12, RGAA): a social worker logs in, triages a
signalement (the triage form shows the chosen decision's fields with CSS; its radio buttons
move with the arrow keys), records an interview from the dossier page and closes the
accompaniment — Tab, Enter, Space, arrow keys and typing, never a mouse click (checked).

The number of key presses needed to reach each control is printed (`pytest -s`)."""

import pytest
from django.utils import timezone

from parcours.dossiers.enums import ModeEntretien, StatutSignalement
from parcours.dossiers.models import Accompagnement, Entretien
from tests.dossiers.factories import AssureFactory, SignalementFactory, creer_missions, mission
from tests.factories import MOT_DE_PASSE, CommuneFactory, LieuAccueilFactory
from tests.personas import creer_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES = "Entretien téléphonique : visite de pré-reprise fixée, employeur informé."
# Every pointer event is counted in the tab's sessionStorage (it survives the page loads): the
# test ends by checking there was none. Injected by the browser, not by the page: no CSP issue.
SANS_SOURIS = """
addEventListener("pointerdown", () => {
  sessionStorage.setItem("souris", String(Number(sessionStorage.getItem("souris") || 0) + 1));
}, true);
"""
EST_ACTIF = "e => e === document.activeElement"


class Clavier:
    """Tab to a control, with a bound; counts the presses of each step."""

    def __init__(self, page):
        self.page = page
        self.appuis: dict[str, int] = {}
        self.trajets: list[str] = []
        self.etape = ""

    def commencer(self, etape: str) -> None:
        self.etape = etape
        self.appuis.setdefault(etape, 0)

    def presser(self, touche: str, fois: int = 1) -> None:
        for _ in range(fois):
            self.page.keyboard.press(touche)
            self.appuis[self.etape] += 1

    def taper(self, texte: str) -> None:
        self.page.keyboard.type(texte)

    def aller_a(self, cible, *, maximum: int = 60, touche: str = "Tab") -> int:
        """Press Tab (or Shift+Tab) until `cible` has the focus; fail clearly after `maximum`."""
        for n in range(maximum + 1):
            if cible.evaluate(EST_ACTIF):
                nom = cible.evaluate(
                    "e => (e.labels && e.labels[0] ? e.labels[0].innerText : e.innerText)"
                    ".split('\\n')[0].trim()"
                )
                self.trajets.append(f"{self.etape} — « {nom} » : {n} × {touche}")
                return n
            if n < maximum:
                self.presser(touche)
        actif = self.page.evaluate(
            "() => document.activeElement ? document.activeElement.outerHTML.slice(0, 160) : ''"
        )
        raise AssertionError(
            f"{self.etape} : {maximum} × {touche} sans atteindre {cible} ; le focus est sur {actif}"
        )


def _focus_visible(locator) -> bool:
    """The focused control shows it: `:focus-visible` and a drawn outline."""
    return locator.evaluate(
        """e => e === document.activeElement && e.matches(":focus-visible")
             && getComputedStyle(e).outlineStyle !== "none"
             && parseFloat(getComputedStyle(e).outlineWidth) > 0"""
    )


def test_interview_triage_and_closing_with_the_keyboard_only(page, live_server):
    creer_missions()
    p = creer_personas()
    montauban = CommuneFactory()
    LieuAccueilFactory(unite=p.unite, commune=montauban, nom="Agence de Montauban")
    assure = AssureFactory(nom="Lefèvre", prenom="Élodie", commune=montauban)
    sig = SignalementFactory(
        unite=p.unite,
        agent=p.alice,
        assure=assure,
        mission=mission("PDP"),
        date=timezone.localdate(),
    )
    page.set_viewport_size({"width": 1366, "height": 768})
    page.add_init_script(SANS_SOURIS)
    k = Clavier(page)

    # Log in.
    k.commencer("connexion")
    page.goto(f"{live_server.url}/connexion/")
    k.aller_a(page.get_by_label("Matricule"))
    k.taper("alice")
    k.presser("Tab")
    assert page.get_by_label("Mot de passe").evaluate(EST_ACTIF)
    k.taper(MOT_DE_PASSE)
    k.presser("Enter")
    page.wait_for_selector("[data-testid=titre-accueil]")

    # The queue, from the main menu, then the signalement.
    k.commencer("file des signalements")
    menu = page.get_by_role("navigation", name="Menu principal")
    lien = menu.get_by_role("link", name="Signalements", exact=True)
    k.aller_a(lien)
    assert _focus_visible(lien), "le focus du lien de menu ne se voit pas"
    k.presser("Enter")
    page.wait_for_selector("[data-testid=table-signalements]")
    k.aller_a(page.locator(f"[data-testid=table-signalements] a[href$='/signalements/{sig.pk}/']"))
    k.presser("Enter")

    # Triage: Tab into the decisions, Space chooses, the arrow keys move between them; each
    # decision shows its own fields only.
    k.commencer("tri")
    formulaire = page.get_by_test_id("form-triage")
    formulaire.wait_for()

    def visibles():
        return {
            champ
            for champ in ("mission", "referent", "mode", "lieu_accueil", "motif_decision")
            if formulaire.get_by_test_id(f"triage-{champ}").is_visible()
        }

    assert visibles() == set()
    ouvert = formulaire.get_by_role("radio", name="accompagnement ouvert")
    ponctuelle = formulaire.get_by_role("radio", name="intervention ponctuelle")
    k.aller_a(ouvert)
    k.presser("Space")
    assert ouvert.is_checked() and visibles() == {"mission", "referent"}
    k.presser("ArrowRight")
    assert ponctuelle.is_checked() and ponctuelle.evaluate(EST_ACTIF)
    assert visibles() == {"mode", "lieu_accueil"}
    k.presser("ArrowLeft")
    assert ouvert.is_checked() and visibles() == {"mission", "referent"}
    # Mission and referent come filled in (the signalement's mission, its social worker):
    # the next controls in the tab order, then the button.
    k.presser("Tab")
    assert formulaire.locator("select[name=mission]").evaluate(EST_ACTIF)
    k.presser("Tab")
    assert formulaire.locator("select[name=referent]").evaluate(EST_ACTIF)
    bouton = formulaire.get_by_role("button", name="Enregistrer la décision")
    k.aller_a(bouton, maximum=3)
    assert _focus_visible(bouton), "le focus du bouton ne se voit pas"
    k.presser("Enter")
    page.wait_for_selector("[data-testid=titre-accompagnement]")

    # From the accompaniment to the dossier, and an interview by telephone from its form.
    k.commencer("entretien")
    k.aller_a(page.get_by_role("link", name="Dossier de Élodie Lefèvre"))
    k.presser("Enter")
    page.wait_for_selector("[data-testid=nom-assure]")
    sommaire = page.locator("summary", has_text="Noter un entretien")
    k.aller_a(sommaire)
    assert _focus_visible(sommaire), "le focus du bouton « Noter un entretien » ne se voit pas"
    k.presser("Enter")
    formulaire = page.get_by_test_id("form-entretien-rapide")
    formulaire.wait_for()
    mode = formulaire.get_by_label("Mode")
    k.aller_a(mode, maximum=10)  # « Dans le cadre de », the date's three parts
    assert mode.input_value() == ModeEntretien.LIEU_ACCUEIL
    k.presser("ArrowDown", 2)  # au lieu d'accueil → visite à domicile → par téléphone
    assert mode.input_value() == ModeEntretien.TELEPHONE
    k.aller_a(formulaire.get_by_label("Notes d'entretien"), maximum=5)
    k.taper(NOTES)
    k.aller_a(formulaire.get_by_role("button", name="Enregistrer l'entretien"), maximum=5)
    k.presser("Enter")
    page.wait_for_selector("text=Entretien enregistré.")
    assert NOTES in page.get_by_test_id("chronologie").inner_text()

    # Back to the accompaniment, closed with an outcome chosen by typing its first letters.
    k.commencer("clôture")
    k.aller_a(page.get_by_test_id("liste-accompagnements").get_by_role("link"))
    k.presser("Enter")
    panneau = page.get_by_test_id("panneau-cloture")
    panneau.wait_for()
    k.aller_a(panneau.locator("summary"))
    k.presser("Enter")
    issue = panneau.get_by_label("Issue", exact=True)
    k.aller_a(issue, maximum=6)  # the closing date's three parts first
    k.taper("poste")
    assert issue.input_value() == "POSTE_AMENAGE"
    clore = panneau.get_by_role("button", name="Clore")
    k.aller_a(clore, maximum=6)
    k.presser("Enter")
    page.wait_for_selector("text=Accompagnement clos.")
    assert "poste aménagé" in page.get_by_test_id("statut-accompagnement").inner_text().lower()

    assert page.evaluate("() => sessionStorage.getItem('souris')") is None, "un clic de souris"
    print("\nAu clavier, touches pressées par étape (hors texte tapé) :")
    for etape, n in k.appuis.items():
        print(f"  {etape} : {n}")
    print("\n".join(["Pour atteindre chaque contrôle :"] + [f"  {t}" for t in k.trajets]))

    sig.refresh_from_db()
    acc = Accompagnement.objects.get(assure=assure)
    assert (sig.statut, sig.accompagnement_id) == (StatutSignalement.ACCOMPAGNEMENT_OUVERT, acc.pk)
    assert (acc.mission.code, acc.referent) == ("PDP", p.alice)
    entretien = Entretien.objects.get(assure=assure)
    assert (entretien.accompagnement, entretien.mode, entretien.notes) == (
        acc,
        ModeEntretien.TELEPHONE,
        NOTES,
    )
    assert (entretien.agent, entretien.date) == (p.alice, timezone.localdate())
    assert (acc.date_fin, acc.issue) == (timezone.localdate(), "POSTE_AMENAGE")
