"""In Chromium: the regional direction opens the observatory, switches among the three maps and
hovers a canton, then a commune, to read their values; at 1366×768, the map is in the first
screen, its tooltip stays inside it, its areas are read with the keyboard and in a table, and
switching maps leaves nothing of the previous one (issue 12, defect 15)."""

from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from parcours.demo.fragilite import csv_fragilite_demo
from parcours.dossiers.enums import ModeEntretien
from parcours.imports.engine import importer
from parcours.observatoire import calculs
from parcours.observatoire.enums import StatutCalcul
from parcours.observatoire.models import CalculObservatoire
from parcours.organisation.enums import Role
from parcours.territoire.chargement import charger_geographie
from parcours.territoire.models import Commune, PseudoCanton
from tests.browser.test_parcours_signalement import _connexion
from tests.dossiers.factories import (
    AccompagnementFactory,
    AssureFactory,
    EntretienFactory,
    creer_missions,
)
from tests.factories import AgentFactory, LieuAccueilFactory, OrganismeFactory, UniteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _territoire(demonstration=False):
    """A Carsat with two units in Tarn-et-Garonne, on the official geography of Occitanie."""
    charger_geographie(region="76")  # transactional tests may have emptied the database
    creer_missions()
    organisme = OrganismeFactory(
        code="CARSAT-NAV", nom="Carsat du navigateur", demonstration=demonstration
    )
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


# Issue 12, defect 15: the observatory on a 1366×768 screen ---------------------------------------

ECRAN = {"width": 1366, "height": 768}
TOUTES_LES_ZONES = (
    "() => [...document.querySelectorAll('#carte path[data-code]')].map(p => p.dataset.code)"
)


@pytest.fixture
def ecran(page):
    """The page at the size of the laptop screen the product was tried on (issue 12)."""
    page.set_viewport_size(ECRAN)
    return page


def _ouvrir(page, live_server, carte="fragilite"):
    _connexion(page, live_server, "paula")
    page.goto(f"{live_server.url}/territoire/observatoire/")
    page.wait_for_selector(f"#carte[data-couche={carte}]")


def _infobulles(page) -> list[dict]:
    """The boxes of the map's tooltips shown (Leaflet's tooltips are `role=tooltip` too)."""
    bulles = page.locator("#carte [role=tooltip]:visible")
    bulles.first.wait_for()
    return [bulle.bounding_box() for bulle in bulles.all()]


def _dedans(boite: dict, cadre: dict) -> bool:
    """Whether `boite` lies within `cadre`, to the pixel."""
    return (
        boite["x"] >= cadre["x"] - 1
        and boite["y"] >= cadre["y"] - 1
        and boite["x"] + boite["width"] <= cadre["x"] + cadre["width"] + 1
        and boite["y"] + boite["height"] <= cadre["y"] + cadre["height"] + 1
    )


def _valeurs(p: dict) -> list[str]:
    """An area's values as the map's layer gives them, in the panel's order."""
    cles = ("composite", "population", "temps", "personnes")
    return [p[cle] for cle in cles if p.get(cle)] + list(p.get("criteres") or [])


def test_the_map_shows_in_the_first_screen(ecran, live_server):
    """With both « données de démonstration » notices, the map started at 624 px: a quarter of
    it in the window, under the presentation. At least half of it now shows without scrolling."""
    _territoire(demonstration=True)
    _ouvrir(ecran, live_server)
    assert ecran.evaluate("() => window.scrollY") == 0
    carte = ecran.get_by_test_id("carte").bounding_box()
    assert carte["y"] < ECRAN["height"]
    assert carte["y"] + carte["height"] / 2 < ECRAN["height"]
    assert "effectifs de fragilité sont synthétiques" in ecran.content()  # still said, beside
    assert _graves(ecran) == []


def test_the_tooltip_stays_inside_the_map_and_the_window(ecran, live_server):
    """Leaflet's tooltip went to the left of the pointer on the map's right half, and its long
    lines (the five criteria) then ran past the map's left edge, cut."""
    _territoire()
    _ouvrir(ecran, live_server)
    zones = ecran.evaluate(
        "() => [...document.querySelectorAll('#carte path[data-code]')]"
        ".map(p => [p.dataset.code, p.getBoundingClientRect().x, p.getBoundingClientRect().right])"
    )
    gauche = min(zones, key=lambda z: z[1])[0]
    droite = max(zones, key=lambda z: z[2])[0]
    carte = ecran.get_by_test_id("carte")
    taille = carte.bounding_box()
    milieu = {"x": taille["width"] / 2 + 20, "y": taille["height"] / 2}
    survols = [
        lambda: ecran.locator(f"#carte path[data-code='{gauche}']").hover(),
        lambda: ecran.locator(f"#carte path[data-code='{droite}']").hover(),
        # Just right of the middle, over an area: the widest tooltip has no room on either side.
        lambda: carte.hover(position=milieu),
    ]
    for survoler in survols:
        ecran.mouse.move(0, 0)
        survoler()
        bulles = _infobulles(ecran)
        cadre = carte.bounding_box()  # hovering may have scrolled the page
        assert "sur 5" in ecran.locator("#carte [role=tooltip]:visible").last.inner_text()
        for bulle in bulles:
            assert _dedans(bulle, cadre), (bulle, cadre)
            assert _dedans(bulle, {"x": 0, "y": 0, **ECRAN}), bulle


def test_the_areas_are_read_with_the_keyboard(ecran, live_server):
    """The map took the focus as a whole (Leaflet's arrows pan it) and its values showed only
    under the mouse: each area is now reached with Tab then the arrows, outlined, and named by
    its values; the panel and the tooltip show them."""
    _territoire()
    _ouvrir(ecran, live_server)
    codes = set(ecran.evaluate(TOUTES_LES_ZONES))
    ecran.locator("#carte-fragilite").focus()
    ecran.keyboard.press("Tab")
    code = ecran.evaluate("() => document.activeElement.dataset.code")
    assert code in codes
    nom = PseudoCanton.objects.get(code=code).nom
    zone = ecran.locator(f"#carte path[data-code='{code}']")
    assert zone.get_attribute("role") == "img"
    etiquette = zone.get_attribute("aria-label")
    assert etiquette.startswith(f"{nom} : ") and "sur 5" in etiquette and "%" in etiquette
    assert nom in ecran.get_by_test_id("survol").inner_text()
    assert len(_infobulles(ecran)) == 1
    assert nom in ecran.locator("#carte [role=tooltip]:visible").inner_text()
    assert ecran.locator(".leaflet-selection-pane path").count() == 2  # the focus outline

    # Every area in turn, the panel following.
    ecran.keyboard.press("Home")
    vues = [ecran.evaluate("() => document.activeElement.dataset.code")]
    for _ in range(len(codes) - 1):
        ecran.keyboard.press("ArrowRight")
        vues.append(ecran.evaluate("() => document.activeElement.dataset.code"))
    assert set(vues) == codes and len(vues) == len(codes)
    dernier = PseudoCanton.objects.get(code=vues[-1]).nom
    assert dernier in ecran.get_by_test_id("survol").inner_text()
    ecran.keyboard.press("ArrowUp")
    assert ecran.evaluate("() => document.activeElement.dataset.code") in codes
    assert ecran.evaluate("() => window.scrollX") == 0

    # One tab stop for the whole map: the next Tab leaves the areas.
    ecran.keyboard.press("Tab")
    assert ecran.evaluate("() => document.activeElement.dataset.code") is None
    assert _graves(ecran) == []


def test_a_table_holds_the_values_of_the_map(ecran, live_server):
    """Values were only under the mouse: « Voir les données de la carte en tableau » gives each
    area of the map shown, with the same values as the layer the map draws."""
    _territoire()
    _ouvrir(ecran, live_server)
    ecran.get_by_role("button", name="Voir les données de la carte en tableau").click()
    tableau = ecran.get_by_test_id("tableau-carte")
    tableau.wait_for()
    for couche, libelle in (
        ("fragilite", None),
        ("accessibilite", "Accessibilité des lieux d'accueil"),
        ("residence", "Personnes reçues de visu"),
    ):
        if libelle:
            ecran.get_by_text(libelle, exact=True).click()
            ecran.wait_for_selector(f"#carte[data-couche={couche}]")
        donnees = ecran.request.get(
            f"{live_server.url}/territoire/observatoire/couches/{couche}.geojson"
        ).json()
        lignes = ecran.evaluate(
            "() => Object.fromEntries([...document.querySelectorAll('#tableau-carte tbody tr')]"
            ".map(tr => [tr.dataset.code, [...tr.cells].map(c => c.textContent)]))"
        )
        etiquettes = ecran.evaluate(
            "() => Object.fromEntries([...document.querySelectorAll('#carte path[data-code]')]"
            ".map(p => [p.dataset.code, p.getAttribute('aria-label')]))"
        )
        assert (
            set(lignes) == set(etiquettes) == {f["properties"]["code"] for f in donnees["features"]}
        )
        for f in donnees["features"]:
            p = f["properties"]
            valeurs = _valeurs(p)
            if couche == "fragilite":  # the criteria in one cell, a line each
                criteres = "\n".join(p["criteres"])
                cellules = [p["nom"], p["code"], p["composite"], p["population"], criteres]
            else:
                cellules = [p["nom"], p["code"], *valeurs]
            assert lignes[p["code"]] == cellules, couche
            assert etiquettes[p["code"]] == f"{p['nom']} : " + " ; ".join(valeurs), couche
        assert f"{len(donnees['features'])} territoires" in tableau.locator("caption").inner_text()
    assert _graves(ecran) == []


def test_switching_maps_leaves_nothing_of_the_previous_one(ecran, live_server):
    """The panel kept the canton read on the fragility map under the accessibility map."""
    _territoire()
    canton = Commune.objects.get(code="82121").pseudo_canton
    _ouvrir(ecran, live_server)
    ecran.locator(f"#carte path[data-code='{canton.code}']").hover()
    lecture = ecran.get_by_test_id("survol")
    ecran.wait_for_function(
        "nom => document.querySelector('[data-testid=survol]').innerText.includes(nom)",
        arg=canton.nom,
    )
    ecran.get_by_text("Accessibilité des lieux d'accueil", exact=True).click()
    ecran.wait_for_selector("#carte[data-couche=accessibilite]")
    assert "critère" not in lecture.inner_text()
    assert "25 à 54 ans" not in lecture.inner_text()
    assert ecran.locator("#carte [role=tooltip]:visible").count() == 0
    ecran.locator("#carte path[data-code='82112']").hover()
    ecran.wait_for_function(
        "() => document.querySelector('[data-testid=survol]').innerText.includes('min')"
    )

    # With the keyboard too: an area read, then the map switched with the arrows of its selector.
    ecran.locator("#carte-accessibilite").focus()
    ecran.keyboard.press("Tab")
    assert "min" in lecture.inner_text() or "lieu d'accueil" in lecture.inner_text()
    ecran.keyboard.press("Shift+Tab")
    ecran.keyboard.press("ArrowRight")
    ecran.wait_for_selector("#carte[data-couche=residence]")
    assert "min" not in lecture.inner_text()
    assert "lieu d'accueil dans la commune" not in lecture.inner_text()


def _graves(page) -> list[str]:
    resultats = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']})"
        for v in resultats.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
