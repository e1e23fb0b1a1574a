"""In Chromium: axe-core on every page each role reaches from its menu, on the main pages behind
them (a dossier, an accompaniment, a signalement, the report, the observatory), and on the forms
in their error state (issue 12, RGAA; docs/accessibilite.md).

axe-core is the copy bundled by axe-playwright-python: nothing is downloaded when the tests run.
No violation of impact « serious » or « critical » may remain; the « moderate » and « minor »
ones left are printed (`pytest -rP`) and listed, each with its reason, in docs/accessibilite.md.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.mail import send_mail
from django.utils import timezone
from playwright.sync_api import Page

from parcours.dossiers.enums import StatutSignalement
from parcours.dossiers.models import Orientation
from parcours.messagerie.envois import lien_opposition
from parcours.organisation.enums import Role
from parcours.organisation.models import Agent
from parcours.rendezvous import attente, jetons, liens
from parcours.rendezvous.creneaux import PARIS
from parcours.rendezvous.models import (
    LienReservation,
    Motif,
    Participation,
    Plage,
    PropositionAttente,
    RendezVous,
)
from parcours.statistiques.actions import demander_rapport
from parcours.statistiques.models import StatutRapport
from tests.browser.test_observatoire import _territoire
from tests.browser.test_parcours_signalement import _connexion
from tests.dossiers.factories import (
    AccompagnementFactory,
    ActionFactory,
    AssureFactory,
    EntretienFactory,
    ObjectifFactory,
    SignalementFactory,
    creer_missions,
)
from tests.factories import MOT_DE_PASSE, CommuneFactory, LieuAccueilFactory, SecteurFactory
from tests.personas import creer_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()
# No preload: axe would copy the stylesheets it cannot read (the admin's `@import`) into inline
# <style> elements, which the Content-Security-Policy refuses (a violation of the tool, not of
# the page). Only « css-orientation-lock » needs them (and « no-autoplay-audio » the media, of
# which the product has none): docs/accessibilite.md.
OPTIONS_AXE = {"resultTypes": ["violations", "incomplete"], "preload": False}
IMPACTS_BLOQUANTS = ("critical", "serious")
# Rules axe cannot always decide (« incomplete »), and why they are checked by hand instead of
# failing the test; any other undecided rule of impact serious or critical fails it, as a
# violation would (an `aria-describedby` naming a missing id is reported that way).
INDECIS_TOLERES = {
    # Text over a background image, a gradient or a pseudo-element (the DSFR's icons, link and
    # menu underlines, table headers, tiles; the admin's icons), or too short to be sure (the
    # tiles' figures): colours of the DSFR and of Django's admin, whose contrasts were checked.
    "color-contrast": "couleurs du DSFR et de l'administration, contrastes vérifiés à la main",
    # The admin's side menu: a model the administrator may not add has an empty « add » cell.
    "th-has-data-cells": "menu latéral de l'administration de Django",
}
# What a refused form shows: the DSFR's error texts and alerts, the admin's error note.
ERREURS = ".fr-error-text, .fr-alert--error, .errornote"


@dataclass
class Constat:
    page: str
    regle: str
    impact: str
    aide: str
    cibles: list[str]

    def __str__(self):
        cibles = ", ".join(self.cibles[:5]) + (" …" if len(self.cibles) > 5 else "")
        return f"{self.page} — {self.regle} ({self.impact}) : {self.aide} — {cibles}"


def _controles(noeud: dict) -> list[dict]:
    return noeud["any"] + noeud["all"] + noeud["none"]


def _constat(page: str, resultat: dict, aide: str) -> Constat:
    return Constat(
        page=page,
        regle=resultat["id"],
        impact=resultat["impact"] or "?",
        aide=aide,
        cibles=[" ".join(map(str, n["target"])) for n in resultat["nodes"]],
    )


@dataclass
class Audit:
    """The axe findings of one browsing session, page after page."""

    page: Page
    constats: list[Constat] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    # Undecided rules of INDECIS_TOLERES, and the pages where they were.
    a_verifier: dict[str, set[str]] = field(default_factory=dict)

    def verifier(self, nom: str) -> None:
        self.pages.append(nom)
        # The DSFR's script decorates the components (the header's menu gets or loses its
        # « dialog » role) once loaded: audit what a person gets, not the page half-built — on
        # a loaded machine axe could run before it and find the menu undecided. (A selector,
        # not a script: the pages' Content-Security-Policy forbids evaluating strings.)
        if self.page.locator("script[src*='dsfr']").count():
            self.page.wait_for_selector("html[data-fr-js='true']", state="attached")
        resultats = AXE.run(self.page, options=OPTIONS_AXE).response
        page = f"{nom} ({self.page.url})"
        for violation in resultats["violations"]:
            self.constats.append(_constat(page, violation, violation["help"]))
        for incomplet in resultats["incomplete"]:
            if incomplet["id"] in INDECIS_TOLERES:
                self.a_verifier.setdefault(incomplet["id"], set()).add(nom)
                continue
            messages = [m["message"] for n in incomplet["nodes"][:1] for m in _controles(n)]
            aide = f"{incomplet['help']} — indécis : {'; '.join(messages)}"
            self.constats.append(_constat(page, incomplet, aide))

    def visiter(self, nom: str, url: str) -> None:
        self.page.goto(url)
        self.verifier(nom)

    def envoyer_en_erreur(self, nom: str, formulaire, bouton: str) -> None:
        """Submit `formulaire` as it is, past the browser's own checks, and audit the refusal."""
        formulaire.evaluate("f => { f.noValidate = true; }")
        formulaire.get_by_role("button", name=bouton, exact=True).click()
        self.page.wait_for_load_state()
        assert self.page.locator(ERREURS).count(), f"{nom} : aucune erreur affichée"
        self.verifier(nom)

    def conclure(self) -> None:
        restants = [c for c in self.constats if c.impact not in IMPACTS_BLOQUANTS]
        bloquants = [c for c in self.constats if c.impact in IMPACTS_BLOQUANTS]
        print(f"{len(self.pages)} pages vérifiées : {', '.join(self.pages)}")
        print("Violations restantes (ni « serious » ni « critical ») :")
        for constat in restants or ["aucune"]:
            print(f"  {constat}")
        print("Règles qu'axe n'a pu trancher, vérifiées à la main (INDECIS_TOLERES) :")
        for regle, pages in sorted(self.a_verifier.items()):
            print(f"  {regle} ({INDECIS_TOLERES[regle]}) : {', '.join(sorted(pages))}")
        assert not bloquants, "Violations axe « serious » ou « critical » :\n" + "\n".join(
            f"  {c}" for c in bloquants
        )


def _menu(page) -> list[tuple[str, str]]:
    return page.locator("#navigation a.fr-nav__link").evaluate_all(
        "liens => liens.map(a => [a.textContent.trim(), a.href])"
    )


def _monde_des_dossiers():
    """The personas of Montauban with one person followed, one open accompaniment with its plan,
    an orientation waiting for an answer, and a partner's signalement waiting for triage."""
    creer_missions()
    CommuneFactory()  # Montauban, 82121: transactional tests may have emptied the geography
    personas = creer_personas()
    SecteurFactory(unite=personas.unite, agent=personas.alice).communes.set(["82121"])
    lieu = LieuAccueilFactory(unite=personas.unite, nom="Accueil de Montauban")
    # Alice receives there every day from tomorrow: slots to book.
    motif = Motif.objects.create(
        code="PREMIER", libelle="Premier rendez-vous", duree_minutes=45, delai_min_heures=0
    )
    plage = Plage.objects.create(
        agent=personas.alice,
        lieu=lieu,
        debut=time(9),
        fin=time(12),
        regle="FREQ=DAILY",
        date_debut=timezone.localdate() + timedelta(days=1),
    )
    plage.motifs.add(motif)
    assure = AssureFactory(nom="Lefèvre", prenom="Élodie")
    acc = AccompagnementFactory(assure=assure, referent=personas.alice, unite=personas.unite)
    EntretienFactory(accompagnement=acc)
    objectif = ObjectifFactory(accompagnement=acc)
    ActionFactory(accompagnement=acc, objectif=objectif, echeance=date(2025, 4, 1))
    Orientation.objects.create(
        assure=assure,
        accompagnement=acc,
        date=date(2025, 3, 20),
        partenaire="CPAM de Tarn-et-Garonne",
        motif="Demande de complémentaire santé solidaire",
        auteur=personas.alice,
    )
    signalement = SignalementFactory(
        assure=AssureFactory(nom="Bénézech", prenom="Séverine"),
        unite=personas.unite,
        agent=personas.alice,
        emetteur=personas.pierre,
        date=timezone.localdate(),
        statut=StatutSignalement.A_TRAITER,
    )
    return personas, assure, acc, signalement


def _liens(page, selecteur: str) -> list[str]:
    return page.locator(selecteur).evaluate_all("liens => liens.map(a => a.href)")


def _ouvrir_les_panneaux(page) -> None:
    """The folded forms (<details>) open: axe reads only what is shown."""
    page.locator("main details").evaluate_all("panneaux => panneaux.forEach(p => p.open = true)")


def _pages_des_dossiers(audit, live_server, role, assure, acc, signalement) -> None:
    """The main pages behind the menu, and the dossiers' forms in their error state."""
    page = audit.page
    url = live_server.url
    if role in (Role.ASS, Role.CSAM, Role.CADRE):
        audit.visiter("dossier", f"{url}/dossiers/{assure.pk}/")
        liens = _liens(page, "main .fr-btns-group a")
        if role in (Role.ASS, Role.CADRE):
            _ouvrir_les_panneaux(page)
            audit.verifier("dossier : panneaux ouverts")
            formulaire = page.get_by_test_id("form-entretien-rapide")
            formulaire.locator("input[name=date]").fill("")
            audit.envoyer_en_erreur(
                "dossier : entretien refusé", formulaire, "Enregistrer l'entretien"
            )
        # The dossier's own pages (identity, accompaniment opening, history, its access log),
        # and their forms refused.
        for lien in liens:
            chemin = lien.removeprefix(url)
            audit.visiter(f"dossier → {chemin}", lien)
            formulaire = page.locator("main form[method=post]")
            if chemin.endswith("/identite/"):
                formulaire.locator("input[name=nom]").fill("")
                audit.envoyer_en_erreur(f"{chemin} : refusé", formulaire, "Enregistrer")
            elif chemin.endswith("/accompagnement/"):
                formulaire.locator("select[name=mission]").select_option(index=0)
                audit.envoyer_en_erreur(f"{chemin} : refusé", formulaire, "Ouvrir")
    if role == Role.ASS:
        # Correcting her interview, refused without a reason; booking an appointment.
        entretien = acc.entretiens.first()
        audit.visiter("correction d'un entretien", f"{url}/entretiens/{entretien.pk}/corriger/")
        formulaire = page.get_by_test_id("form-correction")
        formulaire.locator("input[name=motif]").fill("")
        audit.envoyer_en_erreur(
            "correction d'un entretien : refusée", formulaire, "Enregistrer la correction"
        )
        motif = Motif.objects.get(code="PREMIER")
        audit.visiter(
            "prise de rendez-vous", f"{url}/dossiers/{assure.pk}/rendez-vous/?motif={motif.pk}"
        )
        assert page.get_by_test_id("lieu-propose").count()
    if role in (Role.ASS, Role.CADRE):
        audit.visiter("accompagnement", f"{url}/accompagnements/{acc.pk}/")
        _ouvrir_les_panneaux(page)
        audit.verifier("accompagnement : panneaux ouverts")
        audit.envoyer_en_erreur(
            "accompagnement : clôture refusée",
            page.get_by_test_id("panneau-cloture").locator("form"),
            "Clore",
        )
    if role in (Role.ASS, Role.CSAM, Role.CADRE, Role.PARTENAIRE):
        audit.visiter("signalement", f"{url}/signalements/{signalement.pk}/")
        triage = page.get_by_test_id("form-triage")
        if triage.count():
            audit.envoyer_en_erreur(
                "signalement : décision refusée", triage, "Enregistrer la décision"
            )
        audit.visiter("nouveau signalement", f"{url}/signalements/nouveau/")
        audit.envoyer_en_erreur(
            "nouveau signalement : refusé",
            page.locator("main form:has(button:text('Enregistrer et transmettre'))"),
            "Enregistrer et transmettre",
        )
    if role in (Role.ASS, Role.CSAM, Role.CADRE):
        audit.visiter("recherche", f"{url}/recherche/")
        recherche = page.get_by_role("search")
        recherche.get_by_role("textbox").fill("   ")
        audit.envoyer_en_erreur("recherche : refusée", recherche, "Rechercher")
        recherche.get_by_role("textbox").fill("lefe")
        recherche.get_by_role("button", name="Rechercher").click()
        page.wait_for_selector("[data-testid=resultats-recherche]")
        audit.verifier("recherche : résultats")
    audit.visiter("page introuvable", f"{url}/dossiers/999999/")


def _imports(audit, live_server, tmp_path) -> None:
    """The upload refused, then the first kind's template file imported, and its page."""
    page = audit.page
    audit.visiter("import de données", f"{live_server.url}/imports/")
    formulaire = page.locator("main form:has(button:text('Importer'))")
    audit.envoyer_en_erreur("import : refusé", formulaire, "Importer")
    with page.expect_download() as telechargement:
        page.locator("[data-testid^=modele-]").first.evaluate("a => a.click()")
    modele = tmp_path / telechargement.value.suggested_filename
    telechargement.value.save_as(modele)
    nom = page.locator("[data-testid^=modele-]").first.get_attribute("data-testid")
    formulaire.locator("select[name=type]").select_option(nom.removeprefix("modele-"))
    formulaire.locator("input[type=file]").set_input_files(modele)
    formulaire.get_by_role("button", name="Importer").click()
    page.wait_for_url("**/imports/*/")
    audit.verifier("suivi d'un import")


def _pages_du_pilotage(audit, live_server, edition) -> None:
    page = audit.page
    page.goto(f"{live_server.url}/territoire/observatoire/")
    page.wait_for_selector("#carte[data-couche]")
    audit.verifier("observatoire")
    page.get_by_label("Accessibilité des lieux d'accueil").check(force=True)
    page.wait_for_selector("#carte[data-couche=accessibilite]")
    audit.verifier("observatoire : carte de l'accessibilité")
    audit.visiter("édition du rapport", f"{live_server.url}/statistiques/rapports/{edition.pk}/")
    audit.visiter(
        "textes du rapport", f"{live_server.url}/statistiques/rapports/textes/{edition.annee}/"
    )


def _pages_de_l_administration(audit, live_server) -> None:
    page = audit.page
    for modele in ("lieuaccueil", "secteur", "agent"):
        audit.visiter(
            f"administration : liste {modele}", f"{live_server.url}/admin/organisation/{modele}/"
        )
        audit.visiter(
            f"administration : ajout {modele}",
            f"{live_server.url}/admin/organisation/{modele}/add/",
        )
        audit.envoyer_en_erreur(
            f"administration : ajout {modele} refusé",
            page.locator("#content form"),
            "Enregistrer",
        )


MATRICULES = {
    Role.ASS: "alice",
    Role.CSAM: "bastien",
    Role.CADRE: "chloe",
    Role.PILOTAGE: "paula",
    Role.PARTENAIRE: "pierre",
    Role.ADMIN: "adele",
}


@pytest.mark.parametrize("role", list(MATRICULES), ids=[r.value for r in MATRICULES])
def test_every_page_of_the_role_has_no_serious_violation(
    page, live_server, role, tmp_path, settings
):
    # As in the demo: its banner on every page, and the administrator's « Courriels envoyés ».
    settings.DEMO = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "courriels"
    send_mail("Votre compte Parcours", "Bonjour,\n\nVotre compte est créé.", None, ["a@b.invalid"])
    edition = None
    if role == Role.PILOTAGE:
        _territoire()  # the observatory's data; Paula directs that Carsat
        paula = Agent.objects.get(matricule="paula")
        edition = demander_rapport(acting_user=paula, annee=timezone.localdate().year - 1)
        edition.refresh_from_db()
        assert edition.statut == StatutRapport.PRET, edition.etape
    else:
        _, assure, acc, signalement = _monde_des_dossiers()

    audit = Audit(page)
    _connexion(page, live_server, MATRICULES[role])
    audit.verifier("accueil")
    menu = _menu(page)
    assert menu, "le menu est vide"
    for libelle, url in menu:
        audit.visiter(f"menu « {libelle} »", url)

    if role == Role.PILOTAGE:
        _pages_du_pilotage(audit, live_server, edition)
    elif role == Role.ADMIN:
        _pages_de_l_administration(audit, live_server)
    else:
        _pages_des_dossiers(audit, live_server, role, assure, acc, signalement)
    if any(url.endswith("/imports/") for _, url in menu):
        _imports(audit, live_server, tmp_path)
    audit.conclure()


def test_the_login_page_and_its_refusal_have_no_serious_violation(page, live_server, settings):
    settings.DEMO = True  # the demo accounts' callout too
    creer_personas()
    audit = Audit(page)
    audit.visiter("connexion", f"{live_server.url}/connexion/")
    page.get_by_label("Matricule").fill("alice")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE + "-faux")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector("[data-testid=erreur-connexion]")
    audit.verifier("connexion refusée")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    page.wait_for_load_state()
    audit.verifier("mot de passe oublié")
    audit.envoyer_en_erreur(
        "mot de passe oublié : refusé", page.locator("main form"), "Recevoir un lien"
    )
    # The page a person reaches from the link at the bottom of an e-mail, and its answer.
    chemin = urlsplit(lien_opposition(1)).path
    audit.visiter("refus des messages", f"{live_server.url}{chemin}")
    page.get_by_role("button", name="Ne plus recevoir de messages").click()
    page.wait_for_selector("[data-testid=opposition-enregistree]")
    audit.verifier("refus des messages : enregistré")
    audit.conclure()


def test_the_agendas_pages_have_no_serious_violation(page, live_server, settings):
    """An agent's week, marking seen (and its refusal), cancelling (and its refusal), a place's
    day sheet and its chooser; the unit's occupancy for its manager (issue 14, point 10)."""
    settings.DEMO = True
    personas, assure, _, _ = _monde_des_dossiers()
    lieu = personas.unite.lieux_accueil.get()
    motif = Motif.objects.get(code="PREMIER")
    hier = timezone.localdate() - timedelta(days=1)
    rendez_vous = {}
    for nom, jour in (("passe", hier), ("futur", hier + timedelta(days=2))):
        debut = datetime.combine(jour, time(10), tzinfo=PARIS)
        rdv = RendezVous.objects.create(
            assure=assure,
            motif=motif,
            lieu=lieu,
            salle=1,
            agent=personas.alice,
            debut=debut,
            fin=debut + timedelta(minutes=45),
        )
        Participation.objects.create(
            rendez_vous=rdv, agent=personas.alice, debut=rdv.debut, fin=rdv.fin
        )
        rendez_vous[nom] = rdv
    url = live_server.url
    audit = Audit(page)
    _connexion(page, live_server, "alice")
    audit.visiter("agenda : semaine passée", f"{url}/rendez-vous/semaine/?du={hier.isoformat()}")
    assert page.get_by_test_id("rendez-vous").count()
    audit.visiter(
        "agenda : semaine à venir",
        f"{url}/rendez-vous/semaine/?du={(hier + timedelta(days=2)).isoformat()}",
    )
    passe, futur = rendez_vous["passe"], rendez_vous["futur"]
    audit.visiter("après le rendez-vous", f"{url}/rendez-vous/{passe.pk}/constat/?statut=VU")
    # Marked meanwhile (another tab): the page says so and shows the notes typed.
    RendezVous.objects.filter(pk=passe.pk).update(statut="ABSENT")
    page.locator("#notes").fill("Notes tapées")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_selector("[data-testid=erreur-constat]")
    audit.verifier("après le rendez-vous : refusé")
    audit.visiter("annuler un rendez-vous", f"{url}/rendez-vous/{futur.pk}/annuler/")
    audit.envoyer_en_erreur(
        "annuler un rendez-vous : refusé",
        page.get_by_test_id("form-annulation"),
        "Confirmer l'annulation",
    )
    audit.visiter("feuilles du jour", f"{url}/rendez-vous/feuille/")
    audit.visiter(
        "feuille du jour", f"{url}/rendez-vous/lieux/{lieu.pk}/feuille/?jour={hier.isoformat()}"
    )
    assert page.get_by_test_id("ligne-feuille").count()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/connexion/")
    _connexion(page, live_server, "chloe")
    audit.visiter("agendas de l'unité", f"{url}/rendez-vous/occupation/?du={hier.isoformat()}")
    audit.visiter("agendas de l'unité : mois", f"{url}/rendez-vous/occupation/?periode=mois")
    audit.visiter(
        "agenda d'une agente de l'unité",
        f"{url}/rendez-vous/semaine/?agent={personas.alice.pk}&du={hier.isoformat()}",
    )
    audit.conclure()


def test_the_public_pages_of_the_links_have_no_serious_violation(page, live_server):
    """What a person sees from the links the service sends (issue 14, points 8 and 9): choosing
    a slot, the slot taken meanwhile, their appointment, an expired link, a freed slot proposed,
    the rate limit."""
    personas, assure, _, _ = _monde_des_dossiers()
    lieu = personas.unite.lieux_accueil.get()
    motif = Motif.objects.get(code="PREMIER")
    Motif.objects.filter(pk=motif.pk).update(reservable_par_la_personne=True)
    _, adresse = liens.creer(assure, motifs=[motif], organisme=personas.organisme)
    chemin = "/" + adresse.split("/", 3)[3]
    url = live_server.url
    audit = Audit(page)
    audit.visiter("lien : choisir un créneau", url + chemin)
    creneaux = page.get_by_test_id("lieu-propose").first.get_by_role("button")
    assert creneaux.count() >= 2
    # Another person takes the first slot meanwhile: the page says so and offers the next.
    debut = datetime.fromisoformat(
        page.locator("[data-testid=lieu-propose] input[name=debut]").first.get_attribute("value")
    )
    autre = AssureFactory()
    rdv = RendezVous.objects.create(
        assure=autre,
        motif=motif,
        lieu=lieu,
        salle=1,
        agent=personas.alice,
        debut=debut,
        fin=debut + timedelta(minutes=motif.duree_minutes),
    )
    Participation.objects.create(rendez_vous=rdv, agent=personas.alice, debut=debut, fin=rdv.fin)
    creneaux.first.click()
    page.wait_for_selector("[data-testid=creneau-pris]")
    audit.verifier("lien : créneau pris entre-temps")
    page.get_by_role("button", name="Prendre ce créneau").click()
    page.wait_for_selector("[data-testid=mon-rendez-vous]")
    audit.verifier("lien : mon rendez-vous")
    _, perime = liens.creer(assure, motifs=[motif], organisme=personas.organisme)
    LienReservation.objects.filter(rendez_vous__isnull=True).update(expire_le=timezone.now())
    audit.visiter("lien : expiré", url + "/" + perime.split("/", 3)[3])
    demande = attente.inscrire(autre, motif=motif, lieux=[lieu], rendez_vous=rdv)
    jeton, empreinte = jetons.nouveau(attente.SEL)
    PropositionAttente.objects.create(
        demande=demande,
        jeton_hash=empreinte,
        agent=personas.alice,
        lieu=lieu,
        debut=debut - timedelta(hours=1),
        expire_le=timezone.now() + timedelta(hours=2),
    )
    audit.visiter("liste d'attente : créneau proposé", f"{url}/rdv/t/{jeton}/")
    audit.conclure()


def test_the_campaign_pages_of_the_cadre_have_no_serious_violation(
    page, live_server, settings, tmp_path
):
    """A cadre creates a campaign (refused once), uploads a list with 3 bad rows, fixes one
    (still wrong once), excludes two (without a reason once), decides on a homonym and
    validates, refused while rows remain to settle (issue 15, points 1–4)."""
    settings.VAR_DIR = tmp_path / "var"
    CommuneFactory()  # Montauban, 82121: transactional tests may have emptied the geography
    personas = creer_personas()
    LieuAccueilFactory(unite=personas.unite, nom="Accueil de Montauban")
    Motif.objects.create(
        code="PREMIER",
        libelle="Premier rendez-vous",
        duree_minutes=45,
        reservable_par_la_personne=True,
    )
    AssureFactory(
        nir="290058212199976", nom="Martin", prenom="Léa", date_naissance=date(1990, 5, 4)
    )
    entete = "nir;nom;prenom;date_naissance;commune;telephone;email;date_debut_arret;motif"
    liste = tmp_path / "cibles.csv"
    liste.write_text(
        "\n".join(
            [
                entete,
                "184128212100175;Durand;Paul;1984-12-01;82121;06 12 34 56 78;;;ARRET_90J",
                "1 84 12 82 121 002 00;Durand;Pierre;1984-12-01;82121;;;;ARRET_90J",
                "184128212100373;Roux;Jean;31/02/1984;82121;;;;ARRET_90J",
                "184128212100472;Blanc;Anne;1984-12-01;99999;;;;ARRET_90J",
                "290058212155535;Martin;Léa;04/05/1990;82121;;;;ARRET_90J",
                "184128212100175;Durand;Paul;1984-12-01;82121;;;;ARRET_90J",
            ]
        )
        + "\n"
    )
    url = live_server.url
    audit = Audit(page)
    _connexion(page, live_server, "chloe")
    audit.visiter("campagnes", f"{url}/campagnes/")
    page.get_by_test_id("nouvelle-campagne").click()
    page.wait_for_selector("[data-testid=form-campagne]")
    audit.verifier("nouvelle campagne")
    formulaire = page.get_by_test_id("form-campagne")
    audit.envoyer_en_erreur("nouvelle campagne : refusée", formulaire, "Enregistrer")
    formulaire.locator("input[name=nom]").fill("Arrêts de plus de 90 jours")
    formulaire.locator("input[name=code]").fill("ARRETS")
    formulaire.get_by_label("téléphone", exact=True).check(force=True)
    formulaire.get_by_role("button", name="Enregistrer").click()
    page.wait_for_selector("[data-testid=form-liste]")
    audit.verifier("campagne sans liste")
    page.get_by_test_id("form-liste").locator("input[type=file]").set_input_files(liste)
    page.get_by_role("button", name="Déposer la liste").click()
    page.wait_for_selector("[data-testid=liste-verifiee]")
    assert page.get_by_test_id("ligne-cible").count() == 3
    audit.verifier("campagne : lignes à corriger")
    for onglet in ("confirmer", "exclues", "retenues"):
        page.get_by_test_id(f"onglet-{onglet}").click()
        page.wait_for_selector(f"[data-testid=onglet-{onglet}][aria-current=page]")
        audit.verifier(f"campagne : onglet {onglet}")
    page.get_by_role("button", name="Valider la liste").click()
    page.wait_for_selector("main .fr-alert--error")
    assert "Validation impossible" in page.locator("main .fr-alert--error").inner_text()
    audit.verifier("campagne : validation refusée")

    page.get_by_test_id("onglet-corriger").click()
    page.get_by_role("link", name="Corriger la ligne 3").click()
    page.wait_for_selector("[data-testid=form-correction]")
    audit.verifier("corriger une ligne")
    correction = page.get_by_test_id("form-correction")
    correction.locator("input[name=nir]").fill("1 84 12 82 121 002 99")
    correction.get_by_role("button", name="Vérifier et enregistrer").click()
    page.wait_for_selector(".fr-error-text")
    audit.verifier("corriger une ligne : encore une erreur")
    page.get_by_test_id("form-correction").locator("input[name=nir]").fill("1 84 12 82 121 002 74")
    page.get_by_role("button", name="Vérifier et enregistrer").click()
    page.wait_for_selector("[data-testid=onglets]")
    for numero in (4, 5):
        page.get_by_role("link", name=f"Exclure la ligne {numero}").click()
        page.wait_for_selector("[data-testid=form-exclusion]")
        exclusion = page.get_by_test_id("form-exclusion")
        if numero == 4:
            audit.verifier("exclure une ligne")
            audit.envoyer_en_erreur("exclure une ligne : sans motif", exclusion, "Exclure la ligne")
            exclusion = page.get_by_test_id("form-exclusion")
        exclusion.locator("input[name=motif]").fill("Adresse à vérifier auprès de la CPAM")
        exclusion.get_by_role("button", name="Exclure la ligne").click()
        page.wait_for_selector("[data-testid=onglets]")
    page.get_by_test_id("onglet-confirmer").click()
    page.get_by_role("link", name="Confirmer la personne de la ligne 6").click()
    page.wait_for_selector("[data-testid=form-homonyme]")
    audit.verifier("confirmer une personne")
    page.get_by_label("C'est une autre personne").check(force=True)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_selector("[data-testid=onglets]")
    page.get_by_role("button", name="Valider la liste").click()
    page.wait_for_selector("main .fr-alert--success")
    assert "Liste validée : 3 personnes à contacter." in page.locator("main").inner_text()
    audit.verifier("campagne validée")
    audit.visiter("campagnes : après validation", f"{url}/campagnes/")
    audit.conclure()


def test_the_work_list_row_and_letters_pages_have_no_serious_violation(page, live_server, settings):
    """An ass's work list, a row (its call refused without an outcome, then accepted: on to
    booking), and a campaign's letters for its cadre (issue 15, points 5–7)."""
    from stdnum.fr import nir as stdnum_nir

    from parcours.campagnes.models import Campagne, Cible, Tentative

    settings.DEMO = True
    personas, _, _, _ = _monde_des_dossiers()
    motif = Motif.objects.get(code="PREMIER")
    campagne = Campagne.objects.create(
        organisme=personas.organisme,
        code="ARRETS",
        nom="Arrêts de plus de 90 jours",
        canaux=["TELEPHONE", "SMS", "COURRIER"],
        statut="VALIDEE",
        valide_par=personas.chloe,
        valide_le=timezone.now(),
        motif_rendez_vous=motif,
    )
    lignes = []
    for numero, (nom, score) in enumerate((("Garrigues", 4), ("Delmas", 1)), start=2):
        base = f"18412821210{numero:02d}"
        lignes.append(
            Cible.objects.create(
                campagne=campagne,
                ligne=numero,
                nir=base + stdnum_nir.calc_check_digits(base),
                nom=nom,
                prenom="Paul",
                date_naissance="1984-12-01",
                commune="82121",
                telephone="+33612345678",
                etat="RETENUE",
                score=score,
                contributions=[["arret_180", "arrêt de plus de 180 jours (depuis le 02/01/2025)"]],
                agent=personas.alice if numero == 2 else None,
                unite=personas.unite,
            )
        )
    Tentative.objects.create(
        cible=lignes[0], agent=personas.alice, canal="TELEPHONE", resultat="MESSAGE_LAISSE"
    )
    url = live_server.url
    audit = Audit(page)
    _connexion(page, live_server, "alice")
    audit.visiter("à contacter", f"{url}/campagnes/a-contacter/")
    assert page.get_by_test_id("ligne-cible").count() == 2
    page.get_by_role("link", name="GARRIGUES Paul").click()
    page.wait_for_selector("[data-testid=form-appel]")
    audit.verifier("personne à contacter")
    audit.envoyer_en_erreur(
        "personne à contacter : résultat manquant",
        page.get_by_test_id("form-appel"),
        "Enregistrer le résultat",
    )
    page.get_by_label("Accepte").check(force=True)
    page.get_by_role("button", name="Enregistrer le résultat").click()
    page.wait_for_url("**/rendez-vous/?signalement=*")
    audit.verifier("prise de rendez-vous après « accepte »")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/connexion/")
    _connexion(page, live_server, "chloe")
    audit.visiter("lettres d'une campagne", f"{url}/campagnes/{campagne.pk}/courriers/")
    assert page.get_by_test_id("nombre-lettres").count()
    audit.conclure()
