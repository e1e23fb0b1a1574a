"""The territorial observatory's pages, command and maps in the annual report (issue #5)."""

import base64
import json
import subprocess
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours.demo.fragilite import csv_fragilite_demo
from parcours.dossiers.enums import ModeEntretien
from parcours.imports.engine import importer
from parcours.observatoire import calculs
from parcours.observatoire.enums import StatutCalcul
from parcours.observatoire.models import CalculObservatoire
from parcours.organisation.enums import Role
from parcours.territoire.models import Commune
from tests.dossiers.factories import AccompagnementFactory, AssureFactory, EntretienFactory
from tests.factories import LieuAccueilFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db

CLES_JSON = {"organisme", "fragilite", "accessibilite"}
CLES_FRAGILITE = {"parametres", "territoires"}
CLES_TERRITOIRE = {"nom", "population_25_54", "composite", "criteres"}
CLES_CRITERE = {"taux", "taux_reference", "p_value", "significatif"}
CRITERES = {"arret_90j", "invalidite", "css_non_participative", "ald", "sans_complementaire"}
CLES_ACCESSIBILITE = {
    "parametres",
    "communes",
    "part_communes_15",
    "part_communes_30",
    "part_population_15",
    "part_population_30",
}


@pytest.fixture
def personas():
    """The test Carsat (units in Tarn-et-Garonne) with two reception places and fragility
    counts for the département."""
    p = creer_personas()
    LieuAccueilFactory(code="LA-MTB", unite=p.unite, commune=Commune.objects.get(code="82121"))
    LieuAccueilFactory(
        code="LA-CAS", unite=p.autre_unite, commune=Commune.objects.get(code="82033")
    )
    rapport = importer("fragilite", csv_fragilite_demo(["82"]).encode())
    assert rapport.accepte, rapport.erreurs[:3]
    return p


@pytest.fixture
def calcule(personas):
    calculs.calculer(personas.organisme, calculs.Parametres(annee=2025))
    return personas


def _vu_de_visu(unite, commune: str, mode=ModeEntretien.LIEU_ACCUEIL, jour=date(2025, 5, 6)):
    personne = AssureFactory(commune=Commune.objects.get(code=commune))
    acc = AccompagnementFactory(assure=personne, unite=unite, date_debut=jour)
    return EntretienFactory(accompagnement=acc, mode=mode, date=jour)


PAGES = [
    ("observatoire:page", []),
    ("observatoire:couche", ["fragilite"]),
    ("observatoire:couche", ["residence"]),
    ("observatoire:carte", ["accessibilite"]),
    ("observatoire:json", []),
]


@pytest.mark.parametrize(
    "role", [Role.ASS, Role.CSAM, Role.CADRE, Role.PILOTAGE, Role.PARTENAIRE, Role.ADMIN]
)
def test_only_the_regional_direction_opens_the_observatory(client, calcule, role):
    client.force_login(calcule.par_role()[role])
    statuts = [client.get(reverse(nom, args=args)).status_code for nom, args in PAGES]
    attendu = 200 if role == Role.PILOTAGE else 403
    assert statuts == [attendu] * len(PAGES)
    envoi = client.post(reverse("observatoire:calcul"), {"annee": 2025})
    assert envoi.status_code == (400 if role == Role.PILOTAGE else 403)
    menu = client.get(reverse("accueil")).content.decode()
    assert ("Observatoire" in menu) == (role == Role.PILOTAGE)


def test_a_first_computation_from_the_page_keeps_its_parameters(client, personas):
    client.force_login(personas.paula)
    page = client.get(reverse("observatoire:page"))
    assert "pas encore été calculé" in page.content.decode()
    reponse = client.post(
        reverse("observatoire:calcul"),
        {"annee": 2024, "alpha": "0,01", "reference": "territoire"},
    )
    assert reponse.status_code == 302
    calcul = CalculObservatoire.objects.get(organisme=personas.organisme)
    assert calcul.statut == StatutCalcul.PRET and calcul.auteur == personas.paula
    assert calcul.parametres["fragilite"] == {
        "alpha": 0.01,
        "reference": "territoire",
        "annee": 2024,
    }
    assert set(calcul.parametres["accessibilite"]) == {"k", "v"}
    assert calcul.resultats["fragilite"]["parametres"]["alpha"] == 0.01
    page = client.get(reverse("observatoire:page")).content.decode()
    assert 'data-testid="chiffres-accessibilite"' in page
    assert 'data-testid="repartition-fragilite"' in page


def test_bad_parameters_are_refused_in_french_and_nothing_is_computed(client, personas):
    client.force_login(personas.paula)
    reponse = client.post(
        reverse("observatoire:calcul"),
        {"annee": 2024, "alpha": "2", "reference": "ailleurs"},
    )
    assert reponse.status_code == 400
    texte = reponse.content.decode()
    assert "Le seuil α est au plus 0,2." in texte
    assert "Sélectionnez un choix valide" in texte
    assert not CalculObservatoire.objects.exists()


def test_a_failed_computation_says_why(client, personas):
    from parcours.organisation.models import LieuAccueil

    LieuAccueil.objects.update(actif=False)
    client.force_login(personas.paula)
    client.post(
        reverse("observatoire:calcul"),
        {"annee": 2024, "alpha": "0,05", "reference": "territoire"},
    )
    calcul = CalculObservatoire.objects.get()
    assert calcul.statut == StatutCalcul.ECHEC
    page = client.get(reverse("observatoire:page")).content.decode()
    assert 'data-testid="echec-calcul"' in page
    assert "lieu" in calcul.etape.lower()


def test_an_unfinished_computation_shows_its_progress_then_the_page_refreshes(client, calcule):
    client.force_login(calcule.paula)
    en_cours = CalculObservatoire.objects.create(
        organisme=calcule.organisme,
        statut=StatutCalcul.EN_COURS,
        etape="Fragilité composite",
        progression=10,
    )
    page = client.get(reverse("observatoire:page")).content.decode()
    assert "Calcul en cours" in page and "Fragilité composite" in page
    partiel = client.get(reverse("observatoire:progression"))
    assert "HX-Refresh" not in partiel
    en_cours.statut = StatutCalcul.PRET
    en_cours.save()
    partiel = client.get(reverse("observatoire:progression"))
    assert partiel["HX-Refresh"] == "true"


def test_the_json_download_has_exactly_the_keys_of_design(client, calcule):
    client.force_login(calcule.paula)
    donnees = json.loads(client.get(reverse("observatoire:json")).content)
    assert set(donnees) == CLES_JSON
    assert donnees["organisme"] == "CARSAT-TEST"
    assert set(donnees["fragilite"]) == CLES_FRAGILITE
    assert set(donnees["fragilite"]["parametres"]) == {"alpha", "reference", "annee"}
    for territoire in donnees["fragilite"]["territoires"].values():
        assert set(territoire) == CLES_TERRITOIRE
        assert set(territoire["criteres"]) == CRITERES
        for critere in territoire["criteres"].values():
            assert set(critere) == CLES_CRITERE
    acces = donnees["accessibilite"]
    assert set(acces) == CLES_ACCESSIBILITE
    communes_82 = set(
        Commune.objects.communes().filter(departement="82").values_list("code", flat=True)
    )
    assert set(acces["communes"]) == communes_82
    assert acces["communes"]["82121"] == {"minutes": 0.0, "lieu_accueil": "LA-MTB"}


def test_communes_of_residence_are_counted_once_per_person_and_masked_below_11(client, calcule):
    for _ in range(12):
        _vu_de_visu(calcule.unite, "82121")
    deux_fois = _vu_de_visu(calcule.unite, "82121", mode=ModeEntretien.DOMICILE)
    EntretienFactory(
        accompagnement=deux_fois.accompagnement,
        mode=ModeEntretien.LIEU_ACCUEIL,
        date=date(2025, 9, 1),
    )
    for _ in range(3):
        _vu_de_visu(calcule.autre_unite, "82033")
    _vu_de_visu(calcule.unite, "82112", mode=ModeEntretien.TELEPHONE)  # not de visu
    _vu_de_visu(calcule.unite, "82112", jour=date(2024, 12, 31))  # another year
    annule = _vu_de_visu(calcule.unite, "82112")
    annule.annule = True
    annule.save()

    _vu_de_visu(calcule.unite, "13201")  # Marseille, 1er arrondissement: counts for Marseille
    organisme = calcule.organisme
    assert calculs.personnes_vues_de_visu(organisme, 2025, masquer=False) == {
        "82121": 13,
        "82033": 3,
        "13055": 1,
    }
    assert calculs.personnes_vues_de_visu(organisme, 2025) == {
        "82121": 13,
        "82033": None,
        "13055": None,
    }
    assert calculs.personnes_vues_de_visu(
        organisme, 2025, unite=calcule.autre_unite, masquer=False
    ) == {"82033": 3}

    client.force_login(calcule.paula)
    couche = client.get(reverse("observatoire:couche", args=["residence"]), {"annee": 2025}).json()
    proprietes = {f["properties"]["code"]: f["properties"] for f in couche["features"]}
    texte = json.dumps(proprietes["82033"], ensure_ascii=False)
    assert "3" not in texte.replace("82033", "")
    assert "11" in texte
    assert "13" in json.dumps(proprietes["82121"], ensure_ascii=False)
    svg = client.get(
        reverse("observatoire:carte", args=["residence"]), {"annee": 2025}
    ).content.decode()
    ElementTree.fromstring(svg)
    assert ">3<" not in svg


def test_layers_do_a_constant_number_of_queries(client, calcule):
    client.force_login(calcule.paula)
    url = reverse("observatoire:couche", args=["residence"]) + "?annee=2025"
    client.get(url)
    with CaptureQueriesContext(connection) as peu:
        client.get(url)
    for commune in ("82121", "82033", "82112", "82001"):
        for _ in range(3):
            _vu_de_visu(calcule.unite, commune)
    with CaptureQueriesContext(connection) as beaucoup:
        client.get(url)
    assert len(beaucoup) == len(peu)


def test_every_layer_is_geojson_with_tooltips(client, calcule):
    client.force_login(calcule.paula)
    for nom in ("fragilite", "accessibilite", "residence", "lieux"):
        couche = client.get(reverse("observatoire:couche", args=[nom])).json()
        assert couche["type"] == "FeatureCollection"
        assert couche["features"], nom
    lieux = client.get(reverse("observatoire:couche", args=["lieux"])).json()
    assert {f["properties"]["code"] for f in lieux["features"]} == {"LA-MTB", "LA-CAS"}
    assert client.get(reverse("observatoire:couche", args=["autre"])).status_code == 404


def test_the_page_proposes_where_to_open_places(client, calcule):
    client.force_login(calcule.paula)
    page = client.get(
        reverse("observatoire:page"), {"nombre": 2, "seuil": 1, "minutes": 15}
    ).content.decode()
    assert 'data-testid="resume-implantation"' in page
    propositions = json.loads(
        page.split('<script id="propositions" type="application/json">')[1].split("</script>")[0]
    )
    assert len(propositions) <= 2
    for p in propositions:
        assert Commune.objects.get(code=p["code"]).departement_id == "82"
        assert p["population_gagnee"] > 0


def test_the_command_writes_the_json_and_the_three_maps(tmp_path, personas):
    sortie = tmp_path / "observatoire.json"
    call_command(
        "observatoire",
        "--organisme",
        "CARSAT-TEST",
        "--format",
        "json",
        "--sortie",
        str(sortie),
        "--annee-donnees",
        "2024",
        "--alpha",
        "0.01",
    )
    donnees = json.loads(sortie.read_text())
    assert set(donnees) == CLES_JSON
    assert donnees["fragilite"]["parametres"] == {
        "alpha": 0.01,
        "reference": "territoire",
        "annee": 2024,
    }
    call_command(
        "observatoire",
        "--organisme",
        "CARSAT-TEST",
        "--format",
        "svg",
        "--sortie",
        str(tmp_path / "cartes.svg"),
    )
    for nom in ("fragilite", "accessibilite", "residence"):
        racine = ElementTree.fromstring((tmp_path / f"cartes-{nom}.svg").read_text())
        assert racine.tag.endswith("svg")
    call_command(
        "observatoire",
        "--organisme",
        "CARSAT-TEST",
        "--format",
        "svg",
        "--carte",
        "accessibilite",
        "--sortie",
        str(tmp_path / "une.svg"),
    )
    assert (tmp_path / "une.svg").read_text().startswith("<svg")
    with pytest.raises(CommandError, match="organisme inconnu"):
        call_command(
            "observatoire", "--organisme", "NUL", "--format", "json", "--sortie", str(sortie)
        )


def test_the_annual_report_pdf_holds_the_three_maps(tmp_path, calcule):
    _vu_de_visu(calcule.unite, "82121")
    html = tmp_path / "rapport.html"
    call_command(
        "rapport_annuel",
        "--organisme",
        "CARSAT-TEST",
        "--annee",
        "2025",
        "--format",
        "html",
        "--sortie",
        str(html),
    )
    texte = html.read_text()
    for nom in ("fragilite", "accessibilite", "residence"):
        bloc = texte.split(f'data-testid="carte-{nom}"><img src="data:image/svg+xml;base64,')[1]
        svg = base64.b64decode(bloc.split('"', 1)[0]).decode()
        assert ElementTree.fromstring(svg).tag.endswith("svg"), nom
    pdf = tmp_path / "rapport.pdf"
    call_command(
        "rapport_annuel",
        "--organisme",
        "CARSAT-TEST",
        "--annee",
        "2025",
        "--format",
        "pdf",
        "--sortie",
        str(pdf),
    )
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    carte = [p for p in pages if "Fragilité composite du service social" in p]
    assert carte and "Source" in carte[0]
    acces = [p for p in pages if "Accessibilité des lieux d'accueil" in p]
    assert acces and "Source" in acces[0] and "km" in acces[0]
    residence = [p for p in pages if "Territoires d'intervention" in p]
    assert residence and "Source" in residence[0]


def test_the_page_gives_counts_within_15_and_30_minutes_matching_the_shares(client, calcule):
    client.force_login(calcule.paula)
    page = client.get(reverse("observatoire:page"))
    acces = page.context["acces"]
    quinze, trente = page.context["portee"]
    assert quinze["total_communes"] == len(acces["communes"])
    for ligne, suffixe in ((quinze, "15"), (trente, "30")):
        assert (
            round(100 * ligne["communes"] / ligne["total_communes"], 1)
            == acces[f"part_communes_{suffixe}"]
        )
        assert (
            round(100 * ligne["population"] / ligne["total_population"], 1)
            == acces[f"part_population_{suffixe}"]
        )
    assert quinze["communes"] <= trente["communes"]
    assert Commune.objects.get(code="82121").population <= quinze["population"]
    assert "habitants sur" in page.content.decode()


def test_a_computation_cut_short_shows_failed_without_a_write_then_is_closed(client, personas):
    """A computation a stopped server left « under way » reads as failed on the page, and the
    page (a GET) writes nothing; the server's start or the next request marks it."""
    calcul = CalculObservatoire.objects.create(
        organisme=personas.organisme, statut=StatutCalcul.EN_COURS, etape="Accessibilité"
    )
    CalculObservatoire.objects.filter(pk=calcul.pk).update(
        demande_le=timezone.now() - timedelta(minutes=calculs.DUREE_MAX_MINUTES + 1)
    )
    client.force_login(personas.par_role()[Role.PILOTAGE])
    with CaptureQueriesContext(connection) as requetes:
        contenu = client.get(reverse("observatoire:page")).content.decode()
    assert "Interrompu : le serveur a été arrêté pendant le calcul" in contenu
    assert 'data-testid="progression-observatoire"' not in contenu or "hx-get" not in contenu
    ecritures = [
        q["sql"]
        for q in requetes.captured_queries
        if "calculobservatoire" in q["sql"].lower()
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    ]
    assert ecritures == []
    calcul.refresh_from_db()
    assert calcul.statut == StatutCalcul.EN_COURS
    assert calculs.clore_calculs_interrompus() == 1
    calcul.refresh_from_db()
    assert (calcul.statut, calcul.etape) == (StatutCalcul.ECHEC, calculs.MESSAGE_INTERROMPU)
