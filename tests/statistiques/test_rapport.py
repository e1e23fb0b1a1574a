"""The annual report: the `rapport_annuel` command in its four formats, the PDF read back."""

import io
import json
import subprocess
from dataclasses import replace
from html import escape

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from parcours.statistiques import sections
from parcours.statistiques.sections import ContenuSection
from parcours.statistiques.tableaux import Ligne, Tableau, Valeur
from tests.statistiques.jeu import creer_jeu

pytestmark = pytest.mark.django_db


@pytest.fixture
def jeu():
    return creer_jeu()


def _commande(tmp_path, format, *options):
    sortie = tmp_path / f"rapport.{format}"
    call_command(
        "rapport_annuel",
        "--organisme=CARSAT-JEU",
        "--annee=2025",
        f"--format={format}",
        f"--sortie={sortie}",
        *options,
        stdout=io.StringIO(),
    )
    return sortie


def _pages(pdf) -> list[str]:
    texte = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return texte.split("\f")[:-1]


def test_the_pdf_has_one_page_per_departement_with_its_figures(jeu, tmp_path):
    pdf = _commande(tmp_path, "pdf", "--role=cadre")
    assert pdf.read_bytes().startswith(b"%PDF")
    pages = _pages(pdf)
    departements = [p for p in pages if "LES INTERVENTIONS —" in p]
    assert len(departements) == 2  # one page per département of the Carsat, no more
    haute_garonne, tarn_et_garonne = departements
    assert "HAUTE-GARONNE (31)" in haute_garonne
    assert (
        "En 2025, 3 assurés suivis par le service social de l'Assurance Maladie du Tarn-et-Garonne."
    )
    for attendu in ("6 entretiens dont", "3 entretiens de visu", "1 entretiens téléphoniques"):
        assert attendu in " ".join(tarn_et_garonne.split())
    assert "Axe employabilité : 80 %" in " ".join(tarn_et_garonne.split()).replace("\u202f", " ")
    regional = next(p for p in pages if "LES CHIFFRES RÉGIONAUX" in p)
    texte = " ".join(regional.split()).replace("\u202f", " ")
    assert "5 entretiens réalisés" in texte  # axe employabilité
    assert "67 % des accompagnements" in texte
    assert "6 mois : durée moyenne" in texte  # 5.5 months, rounded as the seed prints
    assert "67 % des assurés ont retrouvé un poste de travail" in texte
    assert (
        "ENTRETIENS RÉALISÉS PAR LES ASSISTANT(E)S DE SERVICE SOCIAL AU COURS DE L'ANNÉE 2025"
        in texte
    )
    assert pages[0].count("Rapport d'activité") and "Carsat du jeu d'essai" in pages[0]
    assert "36 46" in pages[-1]


def test_the_pdf_of_the_pilotage_view_shows_no_small_count(jeu, tmp_path):
    pages = _pages(_commande(tmp_path, "pdf"))
    tarn_et_garonne = " ".join(next(p for p in pages if "TARN-ET-GARONNE (82)" in p).split())
    assert "En 2025, < 11 assurés suivis" in tarn_et_garonne
    assert "3 assurés" not in tarn_et_garonne


def test_json_xlsx_and_html_forms(jeu, tmp_path):
    donnees = json.loads(_commande(tmp_path, "json").read_text())
    assert set(donnees) == {"organisme", "annee", "region", "departements"}
    assert set(donnees["region"]) == {
        "entretiens_total",
        "entretiens_par_mission",
        "accompagnements_part_par_mission",
        "duree_moyenne_mois_par_mission",
        "pdp_emploi_retrouve_pct",
        "pdp_maintien_emploi_pct",
        "assures_suivis",
        "lieux_accueil",
        # DESIGN §5: the new domains add keys beside the first ones.
        "rendez_vous",
        "detection_precoce",
    }
    for departement in donnees["departements"].values():
        assert set(departement) == {
            "assures_suivis",
            "assures_par_axe",
            "entretiens_total",
            "entretiens_de_visu",
            "entretiens_telephone",
            "entretiens_par_axe",
            "rendez_vous",
            "detection_precoce",
        }
    assert set(donnees["departements"]) == {"31", "82"}
    for niveau in (donnees["region"], *donnees["departements"].values()):
        # No appointment in this dataset: nothing booked, no rate, no delay.
        assert niveau["rendez_vous"] == {
            "pris": 0,
            "honores": 0,
            "taux_absence_pct": None,
            "delai_median_jours": None,
        }
        # No campaign either: an empty funnel.
        assert set(niveau["detection_precoce"].values()) == {0}
    classeur = load_workbook(_commande(tmp_path, "xlsx", "--role=cadre"))
    assert classeur.sheetnames == ["Région", "31 Haute-Garonne", "82 Tarn-et-Garonne"]
    lignes = list(classeur["Région"].iter_rows(values_only=True))
    total = next(ligne for ligne in lignes if ligne[0] == "Total")
    assert total[1] == 8 and isinstance(total[1], int)  # numbers as numbers
    pdp = next(ligne for ligne in lignes if ligne[0] == "Prévenir la désinsertion professionnelle")
    assert pdp[3] == 66.7
    html = _commande(tmp_path, "html").read_text()
    assert "Les interventions — Tarn-et-Garonne (82)" in html


def test_bad_arguments_are_refused_in_french(jeu, tmp_path):
    with pytest.raises(CommandError, match="organisme inconnu"):
        call_command(
            "rapport_annuel", "--organisme=NULLE", "--annee=2025", "--format=json",
            f"--sortie={tmp_path / 'x.json'}",
        )  # fmt: skip


# Issue 12, defect 17: the département pages make room for the service's other activities -------

SECTIONS = (
    "Actions collectives",
    "Offre de service / détection précoce",
    "Rendez-vous aux lieux d'accueil",
    "Travail avec les partenaires",
)
AUCUNE_ACTION_COLLECTIVE = (
    "Aucune action collective n'est encore enregistrée dans Parcours pour ce département."
)


def _page_html(html: str, code: str) -> str:
    debut = html.index(f'id="departement-{code}"')
    return html[debut : html.index("</section>", debut)]


def test_each_departement_page_has_the_sections_to_come(jeu, tmp_path):
    """They spoke of individual work only: each now has its collective actions, outreach,
    appointments and partners, under their titles, saying that nothing is recorded yet —
    and no figure."""
    html = _commande(tmp_path, "html").read_text()
    for code in ("31", "82"):
        page = _page_html(html, code)
        positions = [page.index(f"► {escape(titre)}</h3>") for titre in SECTIONS]
        assert positions == sorted(positions)
        assert page.index("► Intervention sociale individuelle") < positions[0]
        assert page.count(escape(AUCUNE_ACTION_COLLECTIVE)) == 1
        assert page.count('class="vide"') == len(SECTIONS)
    pages = _pages(_commande(tmp_path, "pdf"))
    for departement in ("HAUTE-GARONNE (31)", "TARN-ET-GARONNE (82)"):
        page = next(p for p in pages if f"LES INTERVENTIONS — {departement}" in p)
        texte = " ".join(page.split())
        for titre in SECTIONS:
            assert f"► {titre.upper()}" in texte  # on the département's own page
        assert AUCUNE_ACTION_COLLECTIVE in texte


def test_an_app_fills_a_section_by_giving_its_content(jeu, tmp_path, monkeypatch):
    """The places are ready: the app that records collective actions will fill its section by
    giving each département's content; the templates and the workbook take it as it is, the
    départements without content keep the sentence."""

    def actions_collectives(organisme, annee, masquer):
        assert (organisme.code, annee, masquer) == ("CARSAT-JEU", 2025, True)
        themes = Tableau(
            "collectif_themes",
            "Actions collectives par thème",
            ["Actions", "Séances"],
            [Ligne("Retour à l'emploi", [Valeur(2), Valeur(5)], code="emploi")],
        )
        return {
            "82": ContenuSection(
                chiffres=[(Valeur(2), "actions collectives menées")], tableaux=[themes]
            )
        }

    modeles = tuple(
        replace(m, contenu=actions_collectives) if m.cle == "collectif" else m
        for m in sections.SECTIONS_DEPARTEMENT
    )
    monkeypatch.setattr(sections, "SECTIONS_DEPARTEMENT", modeles)
    html = _commande(tmp_path, "html").read_text()
    tarn_et_garonne, haute_garonne = _page_html(html, "82"), _page_html(html, "31")
    assert "<li><b>2</b> actions collectives menées</li>" in tarn_et_garonne
    assert "Actions collectives par thème" in tarn_et_garonne
    assert escape(AUCUNE_ACTION_COLLECTIVE) not in tarn_et_garonne
    assert tarn_et_garonne.count('class="vide"') == len(SECTIONS) - 1
    assert escape(AUCUNE_ACTION_COLLECTIVE) in haute_garonne
    classeur = load_workbook(_commande(tmp_path, "xlsx"))
    lignes = list(classeur["82 Tarn-et-Garonne"].iter_rows(values_only=True))
    assert ("Retour à l'emploi", 2, 5) in [ligne[:3] for ligne in lignes]
    assert "Actions collectives par thème" not in str(list(classeur["31 Haute-Garonne"].values))
