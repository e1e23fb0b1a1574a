"""Appointments in the statistics (issue 14, point 11): a hand-built year where every figure is
known, on the dashboard and in the annual report, with the secrecy of each role.

One Carsat, two départements, year 2025 (Paris time):

Tarn-et-Garonne (82), unit Montauban
  L1 « Montauban centre »  24 appointments of P1…P20 (P1–P4 twice): 13 seen, 11 absent;
                           delays 10 days (12 of them) and 20 days (12).
                           Drive time: P1–P8 10 min, P9–P14 25, P15–P18 45, P19–P20 unknown;
                           P1 and P2's second appointments 40 min, P3 and P4's unknown.
  L2 « Castelsarrasin »    8 appointments, one of each outcome and more:
                           Q1 seen 5 min 1 d · Q2 absent 14 min 2 d · Q3 absent 15 min 3 d ·
                           Q4 excused 30 min 4 d · Q5 cancelled by the person 31 min 5 d ·
                           Q6 cancelled by the service, unknown, 6 d · Q7 planned, unknown, 7 d ·
                           P15 planned 12 min, booked 2 days before from a signalement of
                           30 days before (the delay is 30 days).
                           Q6's, cancelled by the service, is not booked (DESIGN §3: taken as
                           cancelled before the day): 7 booked, Q6 counted nowhere.
  L0 closed, nothing booked: not shown.
Haute-Garonne (31), units Toulouse and Muret
  L3 « Toulouse »          T1…T11 seen, 20 min, 3 days; T1 on 1 January at 00:30 and T2 on
                           31 December at 23:30 (Paris time: both in 2025).
  L4 « Muret »             T1 absent, drive time unknown, booked the same day at 00:30 Paris
                           (23:30 UTC the day before): a delay of 0 days.
  L5 « Muret gare »        open, nothing booked: a row of zeros.
Not counted: at L3 on 31/12/2024 23:30 and on 01/01/2026 00:15 (Paris), an appointment without
a place, one at another Carsat's place.

The no-show rate's base (DESIGN §3) is seen + excused + cancelled by the person + absent
(Montauban: 14 + 1 + 1 + 13 = 29; the 2 planned ones apart, Q6's not booked).
"""

import io
import json
import subprocess
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from parcours.organisation.enums import Role
from parcours.rendezvous.enums import StatutRendezVous as S
from parcours.rendezvous.models import Motif, RendezVous
from parcours.statistiques import rendezvous
from parcours.statistiques.indicateurs import Perimetre
from tests.dossiers.factories import AccompagnementFactory, AssureFactory, SignalementFactory
from tests.factories import (
    AgentFactory,
    CommuneFactory,
    DepartementFactory,
    LieuAccueilFactory,
    OrganismeFactory,
    UniteFactory,
)

pytestmark = pytest.mark.django_db

PARIS = timezone.get_default_timezone()


def _paris(jour: str, heure: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(jour), datetime.min.time()).replace(
        hour=heure, minute=minute, tzinfo=PARIS
    )


class Jeu:
    pass


def _rdv(lieu, assure, debut, statut, *, delai=None, demande=None, minutes=None, **autres):
    """An appointment as the booking leaves it, then its request's date (auto_now_add)."""
    motif = Motif.objects.get_or_create(
        code="SUIVI", defaults={"libelle": "Suivi", "duree_minutes": 45}
    )[0]
    agent = AgentFactory(matricule="rdv-agent", unite=lieu.unite if lieu else None)
    rdv = RendezVous.objects.create(
        assure=assure,
        motif=motif,
        lieu=lieu,
        salle=1 if lieu else None,
        agent=agent,
        debut=debut,
        fin=debut + timedelta(minutes=45),
        statut=statut,
        minutes_trajet=minutes,
        **autres,
    )
    demande = demande or debut - timedelta(days=delai)
    RendezVous.objects.filter(pk=rdv.pk).update(demande_le=demande)
    return rdv


@pytest.fixture
def jeu():
    j = Jeu()
    j.organisme = OrganismeFactory(code="CARSAT-RDV", nom="Carsat des rendez-vous")
    dep82 = DepartementFactory(code="82", nom="Tarn-et-Garonne", type_nom=2)
    dep31 = DepartementFactory(code="31", nom="Haute-Garonne", type_nom=3)
    montauban_c = CommuneFactory(code="82121", departement=dep82)
    castel = CommuneFactory(code="82033", nom="Castelsarrasin", departement=dep82)
    toulouse_c = CommuneFactory(code="31555", nom="Toulouse", departement=dep31)
    muret_c = CommuneFactory(code="31395", nom="Muret", departement=dep31)
    j.montauban = UniteFactory(
        code="R-82", nom="Montauban", organisme=j.organisme, departement=dep82
    )
    j.toulouse = UniteFactory(code="R-31", nom="Toulouse", organisme=j.organisme, departement=dep31)
    j.muret = UniteFactory(code="R-31M", nom="Muret", organisme=j.organisme, departement=dep31)

    def lieu(code, nom, unite, commune, actif=True):
        return LieuAccueilFactory(code=code, nom=nom, unite=unite, commune=commune, actif=actif)

    j.l1 = lieu("L1", "Montauban centre", j.montauban, montauban_c)
    j.l2 = lieu("L2", "Castelsarrasin", j.montauban, castel)
    lieu("L0", "Ancienne permanence", j.montauban, montauban_c, actif=False)
    j.l3 = lieu("L3", "Toulouse", j.toulouse, toulouse_c)
    j.l4 = lieu("L4", "Muret", j.muret, muret_c)
    j.l5 = lieu("L5", "Muret gare", j.muret, muret_c)

    p = {f"P{n}": AssureFactory() for n in range(1, 21)}
    for i in range(24):
        n = i + 1 if i < 20 else i - 19
        if i >= 20:
            minutes = 40 if n <= 2 else None
        else:
            minutes = 10 if n <= 8 else 25 if n <= 14 else 45 if n <= 18 else None
        debut = _paris("2025-02-03") + timedelta(days=i)
        statut = S.VU if i < 13 else S.ABSENT
        _rdv(j.l1, p[f"P{n}"], debut, statut, delai=10 if i % 2 == 0 else 20, minutes=minutes)

    q = {f"Q{n}": AssureFactory() for n in range(1, 8)}
    debut = _paris("2025-06-02")
    for n, statut, minutes in [
        (1, S.VU, 5),
        (2, S.ABSENT, 14),
        (3, S.ABSENT, 15),
        (4, S.EXCUSE, 30),
        (5, S.ANNULE_PERSONNE, 31),
        (6, S.ANNULE_SERVICE, None),
        (7, S.PREVU, None),
    ]:
        _rdv(j.l2, q[f"Q{n}"], debut + timedelta(days=n), statut, delai=n, minutes=minutes)
    signalement = SignalementFactory(assure=p["P15"], unite=j.montauban, date=date(2025, 5, 17))
    _rdv(
        j.l2, p["P15"], _paris("2025-06-16"), S.PREVU, delai=2, minutes=12,
        signalement=signalement,
    )  # fmt: skip

    t = {f"T{n}": AssureFactory() for n in range(1, 12)}
    for n in range(1, 12):
        debut = {1: _paris("2025-01-01", 0, 30), 2: _paris("2025-12-31", 23, 30)}.get(
            n, _paris("2025-04-01") + timedelta(days=n)
        )
        _rdv(j.l3, t[f"T{n}"], debut, S.VU, delai=3, minutes=20)
    _rdv(j.l4, t["T1"], _paris("2025-03-10"), S.ABSENT, demande=_paris("2025-03-10", 0, 30))

    # Not counted.
    _rdv(j.l3, t["T3"], _paris("2024-12-31", 23, 30), S.VU, delai=3, minutes=5)
    _rdv(j.l3, t["T4"], _paris("2026-01-01", 0, 15), S.VU, delai=3, minutes=5)
    _rdv(None, p["P1"], _paris("2025-05-05"), S.ABSENT, delai=1, minutes=5)
    ailleurs = LieuAccueilFactory(code="AILLEURS", commune=toulouse_c)
    _rdv(ailleurs, p["P2"], _paris("2025-05-05"), S.ABSENT, delai=1, minutes=5)

    # Records from 2023 on, so that the pages offer 2023 to 2025.
    AccompagnementFactory(unite=j.montauban, date_debut=date(2023, 1, 5))
    j.pilotage = AgentFactory(
        matricule="pilote-rdv", role=Role.PILOTAGE, unite=None, organisme=j.organisme
    )
    j.cadre = AgentFactory(matricule="cadre-rdv", role=Role.CADRE, unite=j.montauban)
    return j


def _textes(tableau, code):
    return [v.texte.replace("\u202f", " ") for v in tableau.ligne(code).valeurs]


# The figures -----------------------------------------------------------------------------------


def test_every_figure_by_place_unit_departement_and_in_all(jeu):
    bilan = rendezvous.calculer(2025, Perimetre(jeu.organisme))
    lieux = {g.libelle: g for g in bilan.lieux}
    # By unit, then by name; the closed place without appointments is left out.
    assert list(lieux) == ["Castelsarrasin", "Montauban centre", "Muret", "Muret gare", "Toulouse"]

    l1, l2 = lieux["Montauban centre"].compte, lieux["Castelsarrasin"].compte
    assert (l1.pris, l1.honores, l1.absents, l1.issue_connue) == (24, 13, 11, 24)
    assert l1.delais == {10: 12, 20: 12}
    assert (l1.taux_absence, l1.delai_moyen, l1.delai_median) == (100 * 11 / 24, 15, 15)
    # Cancelled by the service: not booked, so nowhere (not its 6 days' delay either).
    # The base: seen, excused, cancelled by the person, absent; the two still planned are not.
    assert (l2.pris, l2.honores, l2.absents, l2.issue_connue) == (7, 1, 2, 5)
    assert l2.taux_absence == 100 * 2 / 5
    assert sorted(l2.delais.elements()) == [1, 2, 3, 4, 5, 7, 30]
    assert (l2.delai_moyen, l2.delai_median) == (pytest.approx(52 / 7), 4)
    assert lieux["Muret gare"].compte.pris == 0

    par_personnes = {g.libelle: g.personnes for g in bilan.lieux}
    assert par_personnes["Montauban centre"] == rendezvous.Personnes(20, 18, 8, 14)
    # 15 and 30 minutes are within; 31 is not; unknown times apart (Q7; Q6 was not booked).
    assert par_personnes["Castelsarrasin"] == rendezvous.Personnes(7, 6, 4, 5)
    assert par_personnes["Muret"] == rendezvous.Personnes(1, 0, 0, 0)
    assert par_personnes["Muret"].trajet_inconnu == 1

    unites = {g.libelle: g for g in bilan.unites}
    assert list(unites) == ["Montauban", "Muret", "Toulouse"]
    montauban = unites["Montauban"]
    assert (montauban.compte.pris, montauban.compte.issue_connue) == (31, 29)
    # P15 is 45 minutes from L1 but 12 from L2: once, within 15 minutes, in the unit.
    assert montauban.personnes == rendezvous.Personnes(26, 23, 12, 19)
    assert montauban.personnes.trajet_inconnu == 3  # P19, P20, Q7
    assert unites["Toulouse"].personnes == rendezvous.Personnes(11, 11, 0, 11)

    departements = {g.cle: g for g in bilan.departements}
    assert list(departements) == ["31", "82"]
    d31 = departements["31"]
    assert (d31.compte.pris, d31.compte.honores, d31.compte.absents) == (12, 11, 1)
    assert (d31.compte.delai_moyen, d31.compte.delai_median) == (33 / 12, 3)
    # T1's unknown time at Muret: known at Toulouse, so known in the département.
    assert d31.personnes == rendezvous.Personnes(11, 11, 0, 11)
    assert departements["82"].personnes == montauban.personnes

    tout = bilan.ensemble
    assert (tout.compte.pris, tout.compte.honores, tout.compte.absents) == (43, 25, 14)
    assert tout.compte.issue_connue == 41
    assert (tout.compte.delai_moyen, tout.compte.delai_median) == (445 / 43, 10)
    assert tout.personnes == rendezvous.Personnes(37, 34, 12, 30)


def test_the_request_is_the_signalements_date_and_days_are_paris_days(jeu):
    bilan = rendezvous.calculer(2025, Perimetre(jeu.organisme, unite=jeu.muret))
    muret = next(g for g in bilan.lieux if g.libelle == "Muret").compte
    # Booked at 00:30 on the day of the appointment (23:30 UTC the day before): 0 days.
    assert muret.delais == {0: 1}
    castel = rendezvous.calculer(2025, Perimetre(jeu.organisme, unite=jeu.montauban))
    l2 = next(g for g in castel.lieux if g.libelle == "Castelsarrasin").compte
    assert l2.delais[30] == 1 and l2.delais[2] == 1  # from the signalement, not the booking (2)
    # 1 January 00:30 and 31 December 23:30 in Paris are of 2025; the appointments just before
    # and just after are of 2024 and 2026.
    toulouse = rendezvous.calculer(2025, Perimetre(jeu.organisme, unite=jeu.toulouse))
    assert toulouse.ensemble.compte.pris == 11
    assert rendezvous.calculer(2024, Perimetre(jeu.organisme)).ensemble.compte.pris == 1
    assert rendezvous.calculer(2026, Perimetre(jeu.organisme)).ensemble.compte.pris == 1


def test_a_constant_number_of_queries_whatever_the_data(jeu):
    perimetre = Perimetre(jeu.organisme)
    with CaptureQueriesContext(connection) as avant:
        rendezvous.section_tableau_de_bord(2025, perimetre, True)
    # Units, places, appointments by place and delay, persons at the four levels.
    assert len(avant) == 4
    for i in range(30):
        lieu = [jeu.l1, jeu.l2, jeu.l3, jeu.l4, jeu.l5][i % 5]
        _rdv(lieu, AssureFactory(), _paris("2025-09-01") + timedelta(days=i), S.VU, delai=i)
    with CaptureQueriesContext(connection) as apres:
        section = rendezvous.section_tableau_de_bord(2025, perimetre, True)
    assert len(apres) == len(avant)
    assert section.tableaux["rdv_departements"].valeur("total").nombre == 73


# What each role sees --------------------------------------------------------------------------


def test_the_cadre_sees_the_exact_figures_of_their_unit(client, jeu):
    client.force_login(jeu.cadre)
    page = client.get(reverse("statistiques:tableau_de_bord"), {"annee": 2025})
    section = page.context["rendez_vous"]
    assert list(section.tableaux) == ["rdv_lieux"]  # a unit: its places only
    lieux = section.tableaux["rdv_lieux"]
    assert [ligne.libelle for ligne in lieux.lignes] == [
        "Castelsarrasin",
        "Montauban centre",
        "Total",
    ]
    assert _textes(lieux, str(jeu.l1.pk)) == [
        "24", "13", "11", "46 %", "15,0", "15,0", "44 %", "78 %", "2",
    ]  # fmt: skip
    assert _textes(lieux, str(jeu.l2.pk)) == [
        "7", "1", "2", "40 %", "7,4", "4,0", "67 %", "83 %", "1",
    ]  # fmt: skip
    assert _textes(lieux, "total") == [
        "31", "14", "13", "45 %", "13,3", "10,0", "52 %", "83 %", "3",
    ]  # fmt: skip
    chiffres = {libelle: v.texte for v, libelle in section.chiffres}
    assert chiffres["rendez-vous pris aux lieux d'accueil"] == "31"
    assert chiffres["d'absence aux rendez-vous (taux d'absence)"] == "45\u202f%"
    html = page.content.decode()
    assert "Rendez-vous aux lieux d'accueil</h2>" in html
    assert 'data-testid="tableau-rdv_lieux"' in html and "&lt; 11" not in html
    assert "Toulouse" not in html.split("Rendez-vous aux lieux")[1]  # another unit's place


def test_the_direction_sees_small_counts_masked(client, jeu):
    client.force_login(jeu.pilotage)
    page = client.get(reverse("statistiques:tableau_de_bord"), {"annee": 2025})
    section = page.context["rendez_vous"]
    assert list(section.tableaux) == ["rdv_departements", "rdv_unites", "rdv_lieux"]
    for tableau in section.tableaux.values():
        for ligne in tableau.lignes:
            for v in ligne.valeurs:
                if v.nature == "compte" and not v.masque:
                    assert v.nombre == 0 or v.nombre >= 11, (tableau.cle, ligne.libelle)
    departements = section.tableaux["rdv_departements"]
    # Haute-Garonne: 12 booked but a single absence (and the rate built on it) masked.
    haute_garonne = _textes(departements, "31")
    assert haute_garonne[0] == "12" and haute_garonne[2:4] == ["< 11", "< 11"]
    assert haute_garonne[4:8] == ["2,8", "3,0", "0 %", "100 %"]  # 0 is no secret
    unites = section.tableaux["rdv_unites"]
    assert _textes(unites, str(jeu.muret.pk))[0] == "< 11"
    assert "&lt; 11" in page.content.decode()


def test_the_direction_masks_the_small_place_and_what_would_rebuild_it(jeu):
    """Castelsarrasin's 7 appointments are « < 11 » everywhere. Montauban centre's booked and
    honoured, which the total would give back by difference, are « secret »; its 11 absent
    stay, the total's absent being « secret » (two unknowns in that column)."""
    contenus = rendezvous.contenus_par_departement(jeu.organisme, 2025, True)
    chiffres, tableaux = contenus["82"]
    assert [t.cle for t in tableaux] == ["rdv_lieux"]  # one unit in the Tarn-et-Garonne
    lieux = tableaux[0]
    assert _textes(lieux, str(jeu.l2.pk)) == ["< 11"] * 9
    assert _textes(lieux, str(jeu.l1.pk)) == [
        "secret", "secret", "11", "secret", "secret", "secret", "< 11", "secret", "< 11",
    ]  # fmt: skip
    assert _textes(lieux, "total") == [
        "31", "14", "secret", "secret", "13,3", "10,0", "secret", "secret", "< 11",
    ]  # fmt: skip
    assert "secret statistique" in lieux.note
    assert [v.texte for v, _ in chiffres][:2] == ["31", "14"]
    # The cadre's view of the same report: nothing masked.
    _, tableaux = rendezvous.contenus_par_departement(jeu.organisme, 2025, False)["82"]
    assert not tableaux[0].masque


# The dashboard's exports and the annual report ---------------------------------------------------


def test_the_tables_go_to_the_dashboards_xlsx_and_csv(client, jeu):
    client.force_login(jeu.cadre)
    reponse = client.get(reverse("statistiques:export_xlsx"), {"annee": 2025})
    classeur = load_workbook(io.BytesIO(reponse.content))
    assert "Rendez-vous par lieu d'accueil" in classeur.sheetnames
    lignes = list(classeur["Rendez-vous par lieu d'accueil"].iter_rows(values_only=True))
    total = next(ligne for ligne in lignes if ligne[0] == "Total")
    assert total[1:10] == (31, 14, 13, 44.8, 13.3, 10.0, 52.2, 82.6, 3)
    csv = client.get(reverse("statistiques:export_csv", args=["rdv_lieux"]), {"annee": 2025})
    texte = csv.content.decode("utf-8")
    assert texte.startswith("\ufeffRendez-vous par lieu d'accueil;Rendez-vous pris;dont honorés")
    assert "Castelsarrasin;7;1;2;40,0;7,4;4,0;66,7;83,3;1" in texte


def test_no_appointment_no_table(client, jeu):
    client.force_login(jeu.cadre)
    page = client.get(reverse("statistiques:tableau_de_bord"), {"annee": 2024})
    assert page.context["annee"] == 2024
    assert page.context["rendez_vous"].tableaux == {}  # 2024's one was in Toulouse
    assert "Aucun rendez-vous aux lieux d'accueil n'a été pris pour 2024" in page.content.decode()
    assert rendezvous.contenus_par_departement(jeu.organisme, 2023, True) == {}


def _commande(tmp_path, format, *options):
    sortie = tmp_path / f"rapport.{format}"
    call_command(
        "rapport_annuel",
        "--organisme=CARSAT-RDV",
        "--annee=2025",
        f"--format={format}",
        f"--sortie={sortie}",
        *options,
        stdout=io.StringIO(),
    )
    return sortie


def _page_html(html: str, code: str) -> str:
    debut = html.index(f'id="departement-{code}"')
    return html[debut : html.index("</section>", debut)]


def test_the_report_fills_each_departements_appointments_section(jeu, tmp_path):
    html = _commande(tmp_path, "html").read_text()
    for code in ("31", "82"):
        page = _page_html(html, code)
        section = page[page.index(f'id="departement-{code}-rendezvous"') :]
        section = section[: section.index('<div class="section"')]
        assert "Rendez-vous par lieu d&#x27;accueil" in section
        assert 'class="vide"' not in section
        assert page.count('class="vide"') == 3  # the three other activities, still empty
    tarn = _page_html(html, "82")
    assert "<li><b>31</b> rendez-vous pris aux lieux d&#x27;accueil</li>" in tarn
    assert "Rendez-vous par unité" not in tarn  # one unit only
    assert "Rendez-vous par unité" in _page_html(html, "31")  # Toulouse and Muret
    classeur = load_workbook(_commande(tmp_path, "xlsx", "--role=cadre"))
    lignes = list(classeur["82 Tarn-et-Garonne"].iter_rows(values_only=True))
    assert ("Castelsarrasin", 7, 1, 2, 40.0) in [ligne[:5] for ligne in lignes]


def test_the_reports_json_gives_the_appointments_of_the_region_and_of_each_departement(
    jeu, tmp_path
):
    """DESIGN §5's « rendez_vous », beside the first keys: the region's from the table by
    département, each département's from its page's table of places, with their masks."""
    cadre = json.loads(_commande(tmp_path, "json", "--role=cadre").read_text())
    assert cadre["region"]["rendez_vous"] == {
        "pris": 43,
        "honores": 25,
        "taux_absence_pct": 34.1,  # 14 ÷ 41
        "delai_median_jours": 10.0,
    }
    assert cadre["departements"]["82"]["rendez_vous"] == {
        "pris": 31,
        "honores": 14,
        "taux_absence_pct": 44.8,  # 13 ÷ 29
        "delai_median_jours": 10.0,
    }
    assert cadre["departements"]["31"]["rendez_vous"] == {
        "pris": 12,
        "honores": 11,
        "taux_absence_pct": 8.3,  # 1 ÷ 12
        "delai_median_jours": 3.0,
    }
    # The direction's view (the command's default): as the tables mask them. In the region,
    # 14 absent: « secret », as Haute-Garonne's single absence (« < 11 ») is in its row; in
    # the Tarn-et-Garonne, as on its page; in the Haute-Garonne, the single absence makes the
    # rate « < 11 » and the honoured « secret » (else 12 − 11 would give it back).
    pilotage = json.loads(_commande(tmp_path, "json").read_text())
    assert pilotage["region"]["rendez_vous"] == {
        "pris": 43,
        "honores": 25,
        "taux_absence_pct": "secret",
        "delai_median_jours": 10.0,
    }
    assert pilotage["departements"]["82"]["rendez_vous"] == {
        "pris": 31,
        "honores": 14,
        "taux_absence_pct": "secret",
        "delai_median_jours": 10.0,
    }
    assert pilotage["departements"]["31"]["rendez_vous"] == {
        "pris": 12,
        "honores": "secret",
        "taux_absence_pct": "< 11",
        "delai_median_jours": 3.0,
    }
    # A year without appointments: nothing booked, no rate, no delay, nothing to mask.
    vide = {"pris": 0, "honores": 0, "taux_absence_pct": None, "delai_median_jours": None}
    sortie = tmp_path / "2023.json"
    call_command(
        "rapport_annuel", "--organisme=CARSAT-RDV", "--annee=2023", "--format=json",
        f"--sortie={sortie}", stdout=io.StringIO(),
    )  # fmt: skip
    annee_vide = json.loads(sortie.read_text())
    assert annee_vide["region"]["rendez_vous"] == vide
    assert annee_vide["departements"]  # the 2023 accompaniment's Tarn-et-Garonne at least
    assert all(d["rendez_vous"] == vide for d in annee_vide["departements"].values())


def test_the_report_pdf_prints_the_section_on_the_departements_page(jeu, tmp_path):
    texte = subprocess.run(
        ["pdftotext", "-layout", str(_commande(tmp_path, "pdf")), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # The département's pages: a section that does not fit goes whole to the next page.
    pages = texte.split("\f")
    debut = next(i for i, p in enumerate(pages) if "LES INTERVENTIONS — TARN-ET-GARONNE" in p)
    page = " ".join(" ".join(pages[debut : debut + 2]).split())
    assert "► RENDEZ-VOUS AUX LIEUX D'ACCUEIL" in page
    assert "31 rendez-vous pris aux lieux d'accueil" in page
    assert "Aucun rendez-vous aux lieux d'accueil" not in page
