"""The statistics pages: who sees them, what they show, exports, and the report's editions."""

import io
import re
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from parcours.organisation.enums import Role
from parcours.organisation.models import LieuAccueil
from parcours.rendezvous.enums import StatutRendezVous
from parcours.rendezvous.models import Motif, RendezVous
from parcours.statistiques.models import RapportAnnuel, StatutRapport, TexteRapport
from parcours.statistiques.perms import perimetre_for
from tests.dossiers.factories import AccompagnementFactory, EntretienFactory, mission
from tests.factories import AgentFactory
from tests.personas import creer_personas
from tests.statistiques.jeu import creer_jeu

pytestmark = pytest.mark.django_db


@pytest.fixture
def personas():
    return creer_personas()


@pytest.fixture
def jeu():
    """The hand-made dataset, with its Carsat's regional direction and a Montauban manager."""
    j = creer_jeu()
    j.pilotage = AgentFactory(
        matricule="pilote", role=Role.PILOTAGE, unite=None, organisme=j.organisme
    )
    j.cadre = AgentFactory(matricule="cadre-mtb", role=Role.CADRE, unite=j.montauban)
    return j


PAGES = [
    ("statistiques:tableau_de_bord", []),
    ("statistiques:export_xlsx", []),
    ("statistiques:export_csv", ["missions"]),
    ("statistiques:rapports", []),
    ("statistiques:textes_rapport", [2025]),
]
# Expected status per role: the dashboard for managers and the direction, the report for the
# direction only; nobody else.
ATTENDU = {
    Role.ASS: [403, 403, 403, 403, 403],
    Role.CSAM: [403, 403, 403, 403, 403],
    Role.CADRE: [200, 200, 200, 403, 403],
    Role.PILOTAGE: [200, 200, 200, 200, 200],
    Role.PARTENAIRE: [403, 403, 403, 403, 403],
    Role.ADMIN: [403, 403, 403, 403, 403],
}


@pytest.mark.parametrize("role", list(ATTENDU))
def test_permission_matrix(client, personas, role):
    client.force_login(personas.par_role()[role])
    statuts = [client.get(reverse(nom, args=args)).status_code for nom, args in PAGES]
    assert statuts == ATTENDU[role]


def test_the_menu_offers_statistics_to_managers_and_the_report_to_the_direction(client, personas):
    client.force_login(personas.chloe)
    page = client.get(reverse("accueil")).content.decode()
    assert "Statistiques" in page and "Rapport annuel" not in page
    client.force_login(personas.paula)
    page = client.get(reverse("accueil")).content.decode()
    assert "Statistiques" in page and "Rapport annuel" in page


def test_the_manager_sees_exact_figures_of_their_unit_only(client, jeu):
    client.force_login(jeu.cadre)
    # Asking for Toulouse changes nothing: a manager's scope is their unit.
    page = client.get(
        reverse("statistiques:tableau_de_bord"),
        {"annee": 2025, "unite": jeu.toulouse.pk},
    )
    assert page.status_code == 200
    assert page.context["perimetre"].unite == jeu.montauban
    cles = {c.libelle: c.valeur.texte for c in page.context["chiffres_cles"]}
    assert cles["Entretiens réalisés"] == "6"
    assert cles["Assurés suivis"] == "3"
    assert "&lt; 11" not in page.content.decode()


def test_the_direction_sees_the_region_masked_and_can_narrow_it(client, jeu):
    client.force_login(jeu.pilotage)
    url = reverse("statistiques:tableau_de_bord")
    page = client.get(url, {"annee": 2025})
    cles = {c.libelle: c for c in page.context["chiffres_cles"]}
    assert cles["Entretiens réalisés"].valeur.texte == "< 11"
    assert cles["Entretiens réalisés"].evolution == ""  # nothing to compare when masked
    assert page.context["perimetre"].departement is None
    page = client.get(url, {"annee": 2025, "departement": "31"})
    assert page.context["perimetre"].departement.code == "31"
    assert "Statistiques 2025 — Haute-Garonne (31)" in page.content.decode()


def test_a_scope_outside_the_territory_is_not_found(client, jeu):

    with pytest.raises(Http404):
        perimetre_for(jeu.pilotage, "75")
    ailleurs = AgentFactory(role=Role.ASS).unite
    with pytest.raises(Http404):
        perimetre_for(jeu.pilotage, None, str(ailleurs.pk))


def test_dashboard_query_count_does_not_grow_with_the_data(client, jeu):
    client.force_login(jeu.pilotage)
    url = reverse("statistiques:tableau_de_bord") + "?annee=2025"
    client.get(url)
    with CaptureQueriesContext(connection) as peu:
        client.get(url)
    for i in range(30):
        acc = AccompagnementFactory(
            mission=mission(["PDP", "PARCOURS_SANTE"][i % 2]),
            referent=jeu.cadre,
            unite=jeu.toulouse if i % 3 else jeu.montauban,
        )
        EntretienFactory(accompagnement=acc)
    with CaptureQueriesContext(connection) as beaucoup:
        page = client.get(url)
    assert page.status_code == 200
    assert len(beaucoup) == len(peu)


def test_xlsx_and_csv_exports(client, jeu):
    client.force_login(jeu.cadre)
    reponse = client.get(reverse("statistiques:export_xlsx"), {"annee": 2025})
    assert reponse["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "parcours-statistiques-2025-unite-J-82.xlsx" in reponse["Content-Disposition"]
    classeur = load_workbook(io.BytesIO(reponse.content))
    assert "Activité par mission" in classeur.sheetnames
    lignes = list(classeur["Activité par mission"].iter_rows(values_only=True))
    assert lignes[1][1] == "Entretiens réalisés"  # French headers
    assert next(ligne for ligne in lignes if ligne[0] == "Total")[1] == 6
    csv = client.get(reverse("statistiques:export_csv", args=["modes"]), {"annee": 2025})
    texte = csv.content.decode("utf-8")
    assert texte.startswith("\ufeffEntretiens par mode;Nombre;Part (%)")
    assert "Total des entretiens;6;100,0" in texte
    assert client.get(reverse("statistiques:export_csv", args=["inconnu"])).status_code == 404


def test_the_direction_produces_an_edition_kept_with_its_figures(
    client, jeu, django_capture_on_commit_callbacks
):
    client.force_login(jeu.pilotage)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("statistiques:rapports"), {"annee": 2025})
    edition = RapportAnnuel.objects.get()
    assert reponse.url == reverse("statistiques:rapport", args=[edition.pk])
    assert edition.statut == StatutRapport.PRET  # tests run the task in line
    assert edition.base_calcul["entretiens"] == 10
    assert edition.donnees["json"]["region"]["lieux_accueil"] == 2
    page = client.get(reverse("statistiques:rapport", args=[edition.pk])).content.decode()
    assert "PDF (A4)" in page and "Tarn-et-Garonne (82)" in page
    pdf = client.get(reverse("statistiques:rapport_fichier", args=[edition.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    json = client.get(reverse("statistiques:rapport_fichier", args=[edition.pk, "json"])).json()
    assert json["region"]["assures_suivis"] == "< 11"
    xlsx = client.get(reverse("statistiques:rapport_fichier", args=[edition.pk, "xlsx"]))
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "Région"
    csv = client.get(reverse("statistiques:rapport_csv", args=[edition.pk, "82", "modes"]))
    assert "Total des entretiens;< 11" in csv.content.decode()
    html = client.get(reverse("statistiques:rapport_fichier", args=[edition.pk, "html"]))
    assert "Tarn-et-Garonne (82)" in html.content.decode()
    # New data after the edition does not change it.
    EntretienFactory(accompagnement=jeu.acc["a3"])
    edition.refresh_from_db()
    assert edition.base_calcul["entretiens"] == 10
    # Another Carsat's direction cannot open it.
    autre = AgentFactory(role=Role.PILOTAGE, unite=None, organisme=AgentFactory().organisme)
    client.force_login(autre)
    assert client.get(reverse("statistiques:rapport", args=[edition.pk])).status_code == 404


def test_texts_are_edited_and_a_concurrent_edit_is_refused(
    client, jeu, django_capture_on_commit_callbacks
):
    client.force_login(jeu.pilotage)
    url = reverse("statistiques:textes_rapport", args=[2025])
    donnees = {
        "version": 0,
        "edito": "Une année de coopération avec la MisaS.",
        "contact": "36 46",
        "zoom_titre_82": "Séminaire SSAM – MisaS 82",
        "zoom_texte_82": "Deux sessions ont eu lieu.",
    }
    assert client.post(url, donnees).status_code == 302
    textes = TexteRapport.objects.get()
    assert textes.version == 1 and textes.zooms.get(departement_id="82").titre.startswith("Sémi")
    # A colleague who opened the page before that save is told, and keeps their input.
    reponse = client.post(url, {**donnees, "edito": "Autre version"})
    assert reponse.status_code == 200
    assert "a modifié ces textes pendant que vous les écriviez" in reponse.content.decode()
    assert "Autre version" in reponse.content.decode()
    textes.refresh_from_db()
    assert textes.edito == "Une année de coopération avec la MisaS."
    # The report carries the texts.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("statistiques:rapports"), {"annee": 2025})
    html = RapportAnnuel.objects.get().html
    assert "Séminaire SSAM – MisaS 82" in html and "Une année de coopération" in html


def test_progress_while_producing_and_an_interrupted_production_is_said(client, jeu):
    client.force_login(jeu.pilotage)
    edition = RapportAnnuel.objects.create(
        organisme=jeu.organisme, annee=2025, role_vue="pilotage", etape="Mise en page"
    )
    RapportAnnuel.objects.filter(pk=edition.pk).update(
        statut=StatutRapport.EN_COURS, progression=40
    )
    url = reverse("statistiques:rapport", args=[edition.pk])
    partiel = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Mise en page" in partiel and 'value="40"' in partiel and "hx-get" in partiel
    RapportAnnuel.objects.filter(pk=edition.pk).update(
        demande_le=edition.demande_le - timedelta(hours=1)
    )
    with CaptureQueriesContext(connection) as requetes:
        page = client.get(url).content.decode()
        partiel = client.get(url, headers={"HX-Request": "true"}).content.decode()
    interrompu = "Interrompu : le serveur s&#x27;est arrêté pendant la production"
    for contenu in (page, partiel):
        assert "Échec" in contenu and interrompu in contenu
        assert "hx-get" not in contenu  # nothing more to wait for
    # The page says it; it does not write it (statistiques.actions.clore_editions_interrompues).
    assert not [q for q in requetes if "rapportannuel" in q["sql"] and "UPDATE" in q["sql"]]
    edition.refresh_from_db()
    assert (edition.statut, edition.etape) == (StatutRapport.EN_COURS, "Mise en page")
    # The list of editions says it too.
    liste = client.get(reverse("statistiques:rapports")).content.decode()
    assert "<td>échec</td>" in liste and "<td>en cours</td>" not in liste


# Issue 12, defect 12: statistics wording ------------------------------------------------------


def test_month_labels_are_french_abbreviations(client, jeu):
    client.force_login(jeu.cadre)
    contenu = client.get(reverse("statistiques:tableau_de_bord"), {"annee": 2025}).content
    contenu = contenu.decode()
    for abrege in ("janv.", "févr.", "mars", "avr.", "mai", "juin", "oct.", "déc."):
        assert f">{abrege}</text>" in contenu, abrege
    for faux in ("avri.", "octo.", "mars.", "mai.", "déce."):
        assert faux not in contenu


def test_sheet_names_are_cut_between_words(client, jeu):
    # An appointment, so that the appointments' tables are among the sheets too.
    lieu = LieuAccueil.objects.filter(unite=jeu.montauban).first()
    debut = datetime(2025, 3, 3, 10, tzinfo=timezone.get_default_timezone())
    RendezVous.objects.create(
        assure=jeu.assures["P1"],
        motif=Motif.objects.create(code="SUIVI", libelle="Suivi", duree_minutes=45),
        lieu=lieu,
        salle=1,
        agent=AgentFactory(unite=jeu.montauban),
        debut=debut,
        fin=debut + timedelta(minutes=45),
        statut=StatutRendezVous.VU,
    )
    client.force_login(jeu.pilotage)
    reponse = client.get(reverse("statistiques:export_xlsx"), {"annee": 2025})
    noms = load_workbook(io.BytesIO(reponse.content)).sheetnames
    page = client.get(reverse("statistiques:tableau_de_bord"), {"annee": 2025}).context
    tableaux = [*page["tableaux"].values(), *page["rendez_vous"].tableaux.values()]
    assert "rdv_lieux" in {t.cle for t in tableaux}
    titres = {t.titre for t in tableaux}
    assert len(noms) == len(titres) == len(tableaux)
    for nom in noms:
        assert len(nom) <= 31
        if nom not in titres:  # cut: whole words, then an ellipsis
            assert nom.endswith("…"), nom
            debut = nom.removesuffix("…")
            assert any(t.startswith(debut + " ") or t.startswith(debut + ",") for t in titres), nom


def test_the_evolution_is_given_only_between_two_whole_years(client, jeu):
    """« +1847 % » against a year the service had barely begun: records that start in
    November 2023 make 2023 no year to compare 2024 with; once they go back to January, it is."""
    client.force_login(jeu.cadre)
    url = reverse("statistiques:tableau_de_bord")
    debut = AccompagnementFactory(
        referent=jeu.cadre, unite=jeu.montauban, date_debut=date(2023, 11, 20)
    )
    EntretienFactory(accompagnement=debut, date=date(2023, 11, 20))
    page = client.get(url, {"annee": 2024})
    assert all(c.evolution == "" for c in page.context["chiffres_cles"])
    assert "L'évolution n'est pas calculée" in page.content.decode()
    AccompagnementFactory(referent=jeu.cadre, unite=jeu.montauban, date_debut=date(2023, 1, 9))
    page = client.get(url, {"annee": 2024})
    assert any(c.evolution for c in page.context["chiffres_cles"])
    assert "L'évolution n'est pas calculée" not in page.content.decode()
    # The year under way is not compared with a whole one.
    page = client.get(url, {"annee": timezone.localdate().year})
    assert all(c.evolution == "" for c in page.context["chiffres_cles"])


# Issue 12, defect 15: the report's year -----------------------------------------------------------


def _annee_choisie(page: str) -> int:
    return int(re.search(r'<option value="(\d+)" selected>', page).group(1))


def test_the_report_page_preselects_the_last_year_over(client, personas):
    """Records that begin this year made the report page preselect the year under way: the
    report of year N is published in N+1, so N is preselected, and the year under way says so."""
    aujourd_hui = timezone.localdate()
    annee = aujourd_hui.year
    acc = AccompagnementFactory(
        referent=personas.alice, unite=personas.unite, date_debut=aujourd_hui
    )
    EntretienFactory(accompagnement=acc, date=aujourd_hui)
    client.force_login(personas.paula)
    url = reverse("statistiques:rapports")
    page = client.get(url).content.decode()
    assert _annee_choisie(page) == annee - 1
    assert f'<option value="{annee}">{annee} (année en cours)</option>' in page
    # Records of earlier years change nothing: the last year over.
    AccompagnementFactory(
        referent=personas.alice, unite=personas.unite, date_debut=date(annee - 3, 1, 5)
    )
    page = client.get(url).content.decode()
    assert _annee_choisie(page) == annee - 1
    assert f"Textes du rapport {annee - 3}" in page
