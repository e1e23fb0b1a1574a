"""Issue 10, point 6: no label comes out as a live formula in any CSV or XLSX the product
writes (dashboard exports, the report's tables, the rapport_annuel command)."""

import csv
import io
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from parcours.dossiers.models import Mission
from parcours.lib.tableur import DEBUTS_DANGEREUX, csv_texte, neutraliser
from parcours.organisation.enums import Role
from parcours.statistiques import rapport as rapports
from parcours.statistiques.indicateurs import calculer
from parcours.statistiques.models import RapportAnnuel, StatutRapport
from parcours.statistiques.perms import perimetre_for
from parcours.statistiques.tableaux import tableaux
from tests.factories import AgentFactory
from tests.statistiques.jeu import creer_jeu

pytestmark = pytest.mark.django_db

PIEGES = ['=HYPERLINK("http://pirate.invalid","clic")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)"]


@pytest.fixture
def jeu():
    j = creer_jeu()
    for mission, piege in zip(Mission.objects.order_by("pk"), PIEGES, strict=False):
        mission.libelle = piege
        mission.save()
    j.montauban.nom = "\tMontauban"
    j.montauban.save()
    j.pilotage = AgentFactory(
        matricule="pilote", role=Role.PILOTAGE, unite=None, organisme=j.organisme
    )
    return j


def _verifier_csv(contenu: bytes) -> None:
    texte = contenu.decode("utf-8-sig")
    for ligne in csv.reader(io.StringIO(texte), delimiter=";"):
        for cellule in ligne:
            assert not cellule.startswith(DEBUTS_DANGEREUX), cellule


def _verifier_xlsx(contenu: bytes) -> int:
    """No formula anywhere (the sheets' XML holds no <f> element); returns the cells read."""
    with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
        for nom in archive.namelist():
            if nom.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(nom) and b"<f " not in archive.read(nom)
    livre = load_workbook(io.BytesIO(contenu))
    cellules = 0
    for feuille in livre.worksheets:
        for rangee in feuille.iter_rows():
            for cellule in rangee:
                assert cellule.data_type != "f", cellule.value
                cellules += 1
    return cellules


def test_the_shared_writer_neutralises_text_and_keeps_numbers():
    assert neutraliser("=1+1") == "'=1+1" and neutraliser("Montauban") == "Montauban"
    texte = csv_texte([["=1+1", 12, 3.5, None, "-x"]])
    assert texte == "\ufeff'=1+1;12;3,5;;'-x\r\n"


def test_every_export_of_the_dashboard(client, jeu):
    client.force_login(jeu.pilotage)
    classeur = client.get(reverse("statistiques:export_xlsx"), {"annee": 2025}).content
    assert _verifier_xlsx(classeur) > 50
    contenu = load_workbook(io.BytesIO(classeur))
    valeurs = {c.value for f in contenu.worksheets for r in f.iter_rows() for c in r}
    assert PIEGES[0] in valeurs  # the label is there, as text
    cles = tableaux(calculer(2025, perimetre_for(jeu.pilotage), par_mois=True), True)
    assert len(cles) >= 5
    for cle in cles:
        reponse = client.get(reverse("statistiques:export_csv", args=[cle]), {"annee": 2025})
        assert reponse.status_code == 200
        _verifier_csv(reponse.content)


def test_every_export_of_the_annual_report(client, jeu, tmp_path):
    rapport = rapports.construire(jeu.organisme, 2025)
    donnees = rapports.serialiser(rapport)
    edition = RapportAnnuel.objects.create(
        organisme=jeu.organisme,
        annee=2025,
        demande_par=jeu.pilotage,
        role_vue=Role.PILOTAGE,
        statut=StatutRapport.PRET,
        donnees=donnees,
    )
    client.force_login(jeu.pilotage)
    _verifier_xlsx(
        client.get(reverse("statistiques:rapport_fichier", args=[edition.pk, "xlsx"])).content
    )
    sections = [("region", donnees["region"])] + [
        (p["code"], p["tableaux"]) for p in donnees["departements"]
    ]
    for section, liste in sections:
        for tableau in liste:
            url = reverse("statistiques:rapport_csv", args=[edition.pk, section, tableau["cle"]])
            reponse = client.get(url)
            assert reponse.status_code == 200
            _verifier_csv(reponse.content)
    sortie = tmp_path / "rapport.xlsx"
    call_command(
        "rapport_annuel",
        "--organisme",
        jeu.organisme.code,
        "--annee",
        "2025",
        "--format",
        "xlsx",
        "--sortie",
        str(sortie),
        verbosity=0,
    )
    _verifier_xlsx(sortie.read_bytes())
