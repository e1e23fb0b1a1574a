"""Early detection in the statistics (issue 15, point 8): hand-built campaigns where every figure
of the funnel is known, on the dashboard and in the annual report, with each role's secrecy.

One Carsat, two départements; the year 2025 holds the campaigns whose list was validated in
2025 (Paris time).

A « Arrêts de travail » — unit Montauban (82) only, validated 3 March 2025 at 10:00:
  row 2  P1  retained  call « message laissé » 5/3, call « accepte » 10/3 → signalement S1;
             appointment from S1 seen 17/3; S1 opened an accompaniment, whose interviews are
             a cancelled one on 15/3 (not counted) and one on 20/3 (after the appointment)
  row 3  P2  retained  invited 3/3 (SMS), accepted through the link 6/3: its appointment
             (Cible.rendez_vous) seen 12/3; its signalement opened nothing
  row 4  P3  retained  invited 3/3, reminded 6/3, expired 13/3 (an expiry is no attempt)
  row 5  P4  retained  call « refus » 4/3
  row 6  P5  excluded (accompaniment in progress): no unit — the campaign's only unit
  row 7  —   error (NIR typed « 12345 67 »)
  row 8  P6  retained, not contacted yet
  row 9  P7  retained  call « injoignable » 4/3 (contacted, not reached, not invited)
  row 10 P8  retained  call « accepte » 5/3 → signalement S8, its appointment absent
  row 11 P9  retained  a letter 7/3 (contacted and invited, not reached)
  row 12 P4  again: excluded as a duplicate — the same person, counted once
  → ciblées 10, retenues 8, contactées 7, jointes 4, acceptantes 3, invitées 6,
    rendez-vous honorés 2 (assiduité brute 2 ÷ 6), accompagnements ouverts 1;
    days to first contact 2, 0, 0, 1, 1, 2, 4 (median 1); to first interview 14 and 9
    (median 11.5).

B « Sorties d'hospitalisation » — units Toulouse and Muret (31), validated 20 November 2025:
  T1–T12 routed to Toulouse, T13–T14 to Muret, all invited on 1 December 2025 but T12, invited
  on 5 January 2026; T1–T11 accepted through the link and were seen on 10 December 2025.
  X, excluded: lives in Paris (outside the territory), no unit (two units concerned).
  → ciblées 15, retenues 14, contactées 14, jointes 11, acceptantes 11, invitées 14,
    honorés 11, ouverts 0; days to first contact 11 (13 persons) and 46 (median 11); to the
    first interview 20.

Not counted: a campaign validated on 31 December 2024 at 23:30 (Paris), one in preparation,
another Carsat's.
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

from parcours.campagnes.enums import (
    CanalContact,
    EtatCible,
    Exclusion,
    ResultatTentative,
    StatutCampagne,
    SuiviCible,
)
from parcours.campagnes.models import Campagne, Cible, Tentative
from parcours.organisation.enums import Role
from parcours.rendezvous.enums import StatutRendezVous as S
from parcours.rendezvous.models import Motif, RendezVous
from parcours.statistiques import detection
from parcours.statistiques.indicateurs import Perimetre
from tests.dossiers.factories import (
    AccompagnementFactory,
    AssureFactory,
    EntretienFactory,
    SignalementFactory,
)
from tests.factories import AgentFactory, DepartementFactory, OrganismeFactory, UniteFactory

pytestmark = pytest.mark.django_db

PARIS = timezone.get_default_timezone()
R = ResultatTentative


def _paris(jour: str, heure: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(jour), datetime.min.time()).replace(
        hour=heure, minute=minute, tzinfo=PARIS
    )


class Jeu:
    pass


def _campagne(organisme, code, nom, unites, valide_le=None, **autres):
    campagne = Campagne.objects.create(
        organisme=organisme,
        code=code,
        nom=nom,
        statut=StatutCampagne.VALIDEE if valide_le else StatutCampagne.PREPARATION,
        valide_le=valide_le,
        **autres,
    )
    campagne.unites.set(unites)
    return campagne


def _cible(campagne, ligne, assure=None, *, etat=EtatCible.RETENUE, **autres):
    return Cible.objects.create(
        campagne=campagne,
        ligne=ligne,
        nir=autres.pop("nir", assure.nir if assure else ""),
        etat=etat,
        assure=assure,
        commune=autres.pop("commune", "82121"),
        **autres,
    )


def _tentative(cible, resultat, quand, canal=CanalContact.TELEPHONE):
    tentative = Tentative.objects.create(cible=cible, canal=canal, resultat=resultat)
    Tentative.objects.filter(pk=tentative.pk).update(quand=quand)  # auto_now_add
    return tentative


def _rdv(assure, debut, statut, agent, **autres):
    motif = Motif.objects.get_or_create(
        code="CAMPAGNE", defaults={"libelle": "Premier rendez-vous", "duree_minutes": 45}
    )[0]
    return RendezVous.objects.create(
        assure=assure,
        motif=motif,
        agent=agent,
        debut=debut,
        fin=debut + timedelta(minutes=45),
        statut=statut,
        **autres,
    )


@pytest.fixture
def jeu():
    j = Jeu()
    j.organisme = OrganismeFactory(code="CARSAT-DP", nom="Carsat de la détection")
    dep82 = DepartementFactory(code="82", nom="Tarn-et-Garonne", type_nom=2)
    dep31 = DepartementFactory(code="31", nom="Haute-Garonne", type_nom=3)
    j.montauban = UniteFactory(
        code="DP-82", nom="Montauban", organisme=j.organisme, departement=dep82
    )
    j.toulouse = UniteFactory(
        code="DP-31", nom="Toulouse", organisme=j.organisme, departement=dep31
    )
    j.muret = UniteFactory(code="DP-31M", nom="Muret", organisme=j.organisme, departement=dep31)
    j.csam = AgentFactory(matricule="csam-dp", role=Role.CSAM, unite=j.montauban)
    ass = AgentFactory(matricule="ass-dp", role=Role.ASS, unite=j.montauban)
    ass31 = AgentFactory(matricule="ass-dp31", role=Role.ASS, unite=j.toulouse)

    # Campaign A.
    a = _campagne(j.organisme, "ARRETS", "Arrêts de travail", [j.montauban], _paris("2025-03-03"))
    j.a = a
    p = {f"P{n}": AssureFactory() for n in range(1, 10)}
    mtb = {"unite": j.montauban, "agent": j.csam}

    s1 = SignalementFactory(assure=p["P1"], unite=j.montauban, date=date(2025, 3, 10))
    p1 = _cible(a, 2, p["P1"], suivi=SuiviCible.ACCEPTE, signalement=s1, **mtb)
    _tentative(p1, R.MESSAGE_LAISSE, _paris("2025-03-05"))
    _tentative(p1, R.ACCEPTE, _paris("2025-03-10"))
    _rdv(p["P1"], _paris("2025-03-17"), S.VU, ass, signalement=s1)
    accompagnement = AccompagnementFactory(
        assure=p["P1"], referent=ass, date_debut=date(2025, 3, 17)
    )
    s1.accompagnement = accompagnement
    s1.save(update_fields=["accompagnement"])
    EntretienFactory(accompagnement=accompagnement, date=date(2025, 3, 15), annule=True)
    EntretienFactory(accompagnement=accompagnement, date=date(2025, 3, 20))

    s2 = SignalementFactory(assure=p["P2"], unite=j.montauban, date=date(2025, 3, 6))
    rdv2 = _rdv(p["P2"], _paris("2025-03-12"), S.VU, ass)  # booked by the person
    p2 = _cible(
        a, 3, p["P2"], suivi=SuiviCible.ACCEPTE, signalement=s2, rendez_vous=rdv2,
        invitee_le=_paris("2025-03-03", 11), **mtb,
    )  # fmt: skip
    _tentative(p2, R.INVITATION, _paris("2025-03-03", 11), CanalContact.SMS)
    _tentative(p2, R.ACCEPTE, _paris("2025-03-06"), CanalContact.SMS)

    p3 = _cible(a, 4, p["P3"], suivi=SuiviCible.EXPIREE, invitee_le=_paris("2025-03-03", 11), **mtb)
    _tentative(p3, R.INVITATION, _paris("2025-03-03", 11), CanalContact.SMS)
    _tentative(p3, R.RELANCE, _paris("2025-03-06"), CanalContact.SMS)
    _tentative(p3, R.EXPIRATION, _paris("2025-03-13"), CanalContact.SMS)

    p4 = _cible(a, 5, p["P4"], suivi=SuiviCible.REFUS, **mtb)
    _tentative(p4, R.REFUS, _paris("2025-03-04"))
    _cible(
        a, 6, p["P5"], etat=EtatCible.EXCLUE, exclusion=Exclusion.ACCOMPAGNEMENT_ACTIF
    )  # no unit: routing only reaches retained rows
    _cible(a, 7, nir="12345 67", etat=EtatCible.ERREUR, erreurs=[{"colonne": "nir"}])
    _cible(a, 8, p["P6"], **mtb)
    p7 = _cible(a, 9, p["P7"], **mtb)
    _tentative(p7, R.INJOIGNABLE, _paris("2025-03-04"))
    s8 = SignalementFactory(assure=p["P8"], unite=j.montauban, date=date(2025, 3, 5))
    p8 = _cible(a, 10, p["P8"], suivi=SuiviCible.ACCEPTE, signalement=s8, **mtb)
    _tentative(p8, R.ACCEPTE, _paris("2025-03-05"))
    _rdv(p["P8"], _paris("2025-03-19"), S.ABSENT, ass, signalement=s8)
    p9 = _cible(a, 11, p["P9"], **mtb)
    _tentative(p9, R.COURRIER, _paris("2025-03-07"), CanalContact.COURRIER)
    _cible(a, 12, p["P4"], etat=EtatCible.EXCLUE, exclusion=Exclusion.DOUBLON)

    # Campaign B.
    b = _campagne(
        j.organisme,
        "SORTIES",
        "Sorties d'hospitalisation",
        [j.toulouse, j.muret],
        _paris("2025-11-20"),
    )
    j.b = b
    for n in range(1, 15):
        assure = AssureFactory()
        unite = j.toulouse if n <= 12 else j.muret
        invitee = _paris("2026-01-05") if n == 12 else _paris("2025-12-01")
        cible = _cible(
            b, n + 1, assure, unite=unite, commune="31555", invitee_le=invitee,
            suivi=SuiviCible.ACCEPTE if n <= 11 else SuiviCible.INVITEE,
        )  # fmt: skip
        _tentative(cible, R.INVITATION, invitee, CanalContact.COURRIEL)
        if n <= 11:
            signalement = SignalementFactory(assure=assure, unite=j.toulouse)
            rdv = _rdv(assure, _paris("2025-12-10"), S.VU, ass31, signalement=signalement)
            Cible.objects.filter(pk=cible.pk).update(signalement=signalement, rendez_vous=rdv)
            _tentative(cible, R.ACCEPTE, _paris("2025-12-02"), CanalContact.COURRIEL)
    _cible(
        b, 16, AssureFactory(), etat=EtatCible.EXCLUE, commune="75056",
        exclusion=Exclusion.HORS_TERRITOIRE,
    )  # fmt: skip

    # Not counted.
    veille = _campagne(j.organisme, "VEILLE", "Veille", [j.montauban], _paris("2024-12-31", 23, 30))
    _tentative(_cible(veille, 2, p["P1"], **mtb), R.JOINT, _paris("2025-01-02"))
    brouillon = _campagne(j.organisme, "BROUILLON", "En préparation", [j.montauban])
    _cible(brouillon, 2, p["P2"])
    ailleurs = OrganismeFactory(code="CARSAT-AILLEURS")
    autre = _campagne(ailleurs, "AUTRE", "Ailleurs", [], _paris("2025-05-05"))
    _tentative(_cible(autre, 2, p["P3"]), R.JOINT, _paris("2025-05-06"))

    # Records from 2023 on, so that the pages offer 2023 to 2025.
    AccompagnementFactory(referent=ass, date_debut=date(2023, 1, 5))
    j.pilotage = AgentFactory(
        matricule="pilote-dp", role=Role.PILOTAGE, unite=None, organisme=j.organisme
    )
    j.cadre = AgentFactory(matricule="cadre-dp", role=Role.CADRE, unite=j.montauban)
    return j


def _chiffres(e: detection.Entonnoir) -> tuple:
    return (
        e.ciblees,
        e.retenues,
        e.contactees,
        e.jointes,
        e.acceptantes,
        e.invitees,
        e.rdv_honores,
        e.accompagnements_ouverts,
    )


def _textes(tableau, code):
    return [v.texte.replace("\u202f", " ") for v in tableau.ligne(code).valeurs]


# The figures -----------------------------------------------------------------------------------


def test_every_figure_of_the_funnel_by_campaign(jeu):
    bilan = detection.calculer(2025, Perimetre(jeu.organisme))
    campagnes = {g.libelle: g.entonnoir for g in bilan.groupes("campagne")}
    assert list(campagnes) == ["Arrêts de travail", "Sorties d'hospitalisation"]  # validated

    a = campagnes["Arrêts de travail"]
    # P4 twice in the list is one person; the error row is targeted, neither excluded nor
    # retained; P6 not contacted; P3's expired invitation was a contact, not a reach.
    assert _chiffres(a) == (10, 8, 7, 4, 3, 6, 2, 1)
    assert a.delais_contact == {0: 2, 1: 2, 2: 2, 4: 1}
    assert a.delai_contact_median == 1
    # P1: the appointment of 17/3 (its cancelled interview of 15/3 is no interview); P2: 12/3.
    assert a.delais_entretien == {14: 1, 9: 1}
    assert a.delai_entretien_median == 11.5

    b = campagnes["Sorties d'hospitalisation"]
    assert _chiffres(b) == (15, 14, 14, 11, 11, 14, 11, 0)
    assert b.delais_contact == {11: 13, 46: 1}
    assert (b.delai_contact_median, b.delai_entretien_median) == (11, 20)

    total = bilan.ensemble().entonnoir
    assert _chiffres(total) == (25, 22, 21, 15, 14, 20, 13, 1)
    assert total.delai_contact_median == 11  # 21 persons: the 11th is one of B's


def test_by_unit_departement_and_month_of_first_contact(jeu):
    bilan = detection.calculer(2025, Perimetre(jeu.organisme))
    unites = {g.libelle: _chiffres(g.entonnoir) for g in bilan.groupes("unite")}
    # P5 and the error row: the only unit of campaign A; X: no unit (two units in B).
    assert unites == {
        "Montauban": (10, 8, 7, 4, 3, 6, 2, 1),
        "Muret": (2, 2, 2, 0, 0, 2, 0, 0),
        "Toulouse": (12, 12, 12, 11, 11, 12, 11, 0),
        detection.SANS["unite"]: (1, 0, 0, 0, 0, 0, 0, 0),
    }
    departements = {g.cle: _chiffres(g.entonnoir) for g in bilan.groupes("departement")}
    assert departements == {
        "31": (14, 14, 14, 11, 11, 14, 11, 0),
        "82": (10, 8, 7, 4, 3, 6, 2, 1),
        "": (1, 0, 0, 0, 0, 0, 0, 0),  # X lives in Paris, outside the territory
    }
    mois = {g.libelle: _chiffres(g.entonnoir) for g in bilan.groupes("mois")}
    assert mois == {
        "Mars 2025": (7, 7, 7, 4, 3, 6, 2, 1),
        "Décembre 2025": (13, 13, 13, 11, 11, 13, 11, 0),
        "Janvier 2026": (1, 1, 1, 0, 0, 1, 0, 0),
        detection.SANS["mois"]: (4, 1, 0, 0, 0, 0, 0, 0),  # P5, the error row, P6, X
    }
    # A unit's scope: its rows only; a département's: its units' and its residents' rows.
    montauban = detection.calculer(2025, Perimetre(jeu.organisme, unite=jeu.montauban))
    assert _chiffres(montauban.ensemble().entonnoir) == (10, 8, 7, 4, 3, 6, 2, 1)
    haute_garonne = detection.calculer(2025, Perimetre(jeu.organisme, jeu.toulouse.departement))
    assert _chiffres(haute_garonne.ensemble().entonnoir) == (14, 14, 14, 11, 11, 14, 11, 0)


def test_the_year_is_that_of_the_lists_validation(jeu):
    # 31 December 2024 at 23:30 in Paris is 2024; the list in preparation is in no year.
    veille = detection.calculer(2024, Perimetre(jeu.organisme))
    assert [g.libelle for g in veille.groupes("campagne")] == ["Veille"]
    assert detection.calculer(2026, Perimetre(jeu.organisme)).cellules == {}


def test_a_constant_number_of_queries_whatever_the_data(jeu):
    perimetre = Perimetre(jeu.organisme)
    with CaptureQueriesContext(connection) as avant:
        detection.section_tableau_de_bord(2025, perimetre, True)
    # The units, the campaigns of the year, the funnel's cells.
    assert len(avant) == 3
    for n in range(30):
        cible = _cible(jeu.a, 100 + n, AssureFactory(), unite=jeu.montauban)
        _tentative(cible, R.JOINT, _paris("2025-04-01") + timedelta(days=n))
    _campagne(jeu.organisme, "NOUVELLE", "Nouvelle", [jeu.muret], _paris("2025-06-01"))
    with CaptureQueriesContext(connection) as apres:
        section = detection.section_tableau_de_bord(2025, perimetre, True)
    assert len(apres) == len(avant)
    assert section.tableaux["detection_campagnes"].valeur("total").nombre == 55


# What each role sees --------------------------------------------------------------------------


def test_the_cadre_sees_the_exact_funnel_of_their_unit(client, jeu):
    client.force_login(jeu.cadre)
    page = client.get(reverse("statistiques:tableau_de_bord"), {"annee": 2025})
    section = page.context["detection"]
    assert list(section.tableaux) == ["detection_campagnes", "detection_mois"]
    campagnes = section.tableaux["detection_campagnes"]
    assert [ligne.libelle for ligne in campagnes.lignes] == ["Arrêts de travail", "Total"]
    assert _textes(campagnes, "total") == [
        "10", "8", "7", "88 %", "4", "3", "75 %", "6", "2", "33 %", "1", "1,0", "11,5",
    ]  # fmt: skip
    chiffres = {libelle: v.texte for v, libelle in section.chiffres}
    assert chiffres["personnes ciblées par les campagnes d'offre de service"] == "10"
    assert chiffres["des personnes invitées sont venues (assiduité brute)"] == "33\u202f%"
    html = page.content.decode()
    assert "Détection précoce (offre de service)</h2>" in html
    assert 'data-testid="tableau-detection_campagnes"' in html and "&lt; 11" not in html
    assert "Sorties d&#x27;hospitalisation" not in html  # another unit's campaign
    # Never per worker: no agent anywhere in the section.
    section_html = html.split('id="detection-precoce"')[1]
    assert jeu.csam.nom not in section_html


def test_the_direction_sees_small_counts_masked(client, jeu):
    client.force_login(jeu.pilotage)
    page = client.get(reverse("statistiques:tableau_de_bord"), {"annee": 2025})
    section = page.context["detection"]
    assert list(section.tableaux) == [
        "detection_departements",
        "detection_unites",
        "detection_campagnes",
        "detection_mois",
    ]
    for tableau in section.tableaux.values():
        for ligne in tableau.lignes:
            for v in ligne.valeurs:
                if v.nature == "compte" and not v.masque:
                    assert v.nombre == 0 or v.nombre >= 11, (tableau.cle, ligne.libelle)
    campagnes = section.tableaux["detection_campagnes"]
    # Campaign A is small throughout; B's figures, which would give A's back from the total,
    # are secret — but its zero accompaniments, which identify nobody.
    assert set(_textes(campagnes, str(jeu.a.pk))) == {"< 11"}
    assert _textes(campagnes, str(jeu.b.pk)) == ["secret"] * 10 + ["0", "secret", "secret"]
    assert _textes(campagnes, "total") == [
        "25", "22", "21", "95 %", "15", "14", "93 %", "20", "13", "65 %", "< 11", "11,0", "20,0",
    ]  # fmt: skip
    assert "&lt; 11" in page.content.decode()


def test_the_tables_go_to_the_dashboards_xlsx_and_csv(client, jeu):
    client.force_login(jeu.cadre)
    reponse = client.get(reverse("statistiques:export_xlsx"), {"annee": 2025})
    classeur = load_workbook(io.BytesIO(reponse.content))
    assert "Détection précoce par campagne" in classeur.sheetnames
    lignes = list(classeur["Détection précoce par campagne"].iter_rows(values_only=True))
    total = next(ligne for ligne in lignes if ligne[0] == "Total")
    assert total[1:14] == (10, 8, 7, 87.5, 4, 3, 75.0, 6, 2, 33.3, 1, 1.0, 11.5)
    csv = client.get(reverse("statistiques:export_csv", args=["detection_mois"]), {"annee": 2025})
    texte = csv.content.decode("utf-8")
    assert texte.startswith("\ufeffDétection précoce par mois du premier contact;Personnes")
    assert "Mars 2025;7;7;7;100,0;4;3;75,0;6;2;33,3;1;1,0;11,5" in texte


def test_no_campaign_no_table(client, jeu):
    client.force_login(jeu.cadre)
    page = client.get(reverse("statistiques:tableau_de_bord"), {"annee": 2023})
    assert page.context["detection"].tableaux == {}
    assert "Aucune liste de campagne d'offre de service n'a été validée en 2023" in (
        page.content.decode()
    )
    assert detection.contenus_par_departement(jeu.organisme, 2023, True) == {}


# The annual report ------------------------------------------------------------------------------


def _commande(tmp_path, format, *options, annee=2025):
    sortie = tmp_path / f"rapport-{annee}.{format}"
    call_command(
        "rapport_annuel",
        "--organisme=CARSAT-DP",
        f"--annee={annee}",
        f"--format={format}",
        f"--sortie={sortie}",
        *options,
        stdout=io.StringIO(),
    )
    return sortie


def _page_html(html: str, code: str) -> str:
    debut = html.index(f'id="departement-{code}"')
    return html[debut : html.index("</section>", debut)]


def test_the_report_fills_each_departements_detection_section(jeu, tmp_path):
    html = _commande(tmp_path, "html").read_text()
    for code in ("31", "82"):
        page = _page_html(html, code)
        section = page[page.index(f'id="departement-{code}-detection"') :]
        section = section[: section.index('<div class="section"')]
        # The funnel's counts, then its rates and delays: thirteen columns do not fit on A4.
        assert "Détection précoce par campagne" in section
        assert "Détection précoce : taux et délais par campagne" in section
        assert 'class="vide"' not in section
    tarn = _page_html(html, "82")
    cible = "<li><b>&lt; 11</b> personnes ciblées par les campagnes d&#x27;offre de service</li>"
    assert cible in tarn
    assert "Détection précoce par unité" not in tarn  # one unit only
    assert "Détection précoce par unité" in _page_html(html, "31")  # Toulouse and Muret
    classeur = load_workbook(_commande(tmp_path, "xlsx", "--role=cadre"))
    lignes = list(classeur["82 Tarn-et-Garonne"].iter_rows(values_only=True))
    rangees = [ligne[:9] for ligne in lignes]
    assert ("Arrêts de travail", 10, 8, 7, 4, 3, 6, 2, 1) in rangees
    assert ("Arrêts de travail", 87.5, 75.0, 33.3, 1.0, 11.5, None, None, None) in rangees


def test_the_reports_json_gives_the_funnel_of_the_region_and_of_each_departement(jeu, tmp_path):
    """DESIGN §5's « detection_precoce », beside the first keys: the region's from the table by
    département, each département's from its page's table of campaigns, with their masks."""
    cadre = json.loads(_commande(tmp_path, "json", "--role=cadre").read_text())
    assert cadre["region"]["detection_precoce"] == {
        "ciblees": 25,
        "retenues": 22,
        "contactees": 21,
        "jointes": 15,
        "acceptantes": 14,
        "rdv_honores": 13,
        "accompagnements_ouverts": 1,
    }
    assert cadre["departements"]["82"]["detection_precoce"] == {
        "ciblees": 10,
        "retenues": 8,
        "contactees": 7,
        "jointes": 4,
        "acceptantes": 3,
        "rdv_honores": 2,
        "accompagnements_ouverts": 1,
    }
    haute_garonne = {
        "ciblees": 14,  # X, outside the territory, counts for the region only
        "retenues": 14,
        "contactees": 14,
        "jointes": 11,
        "acceptantes": 11,
        "rdv_honores": 11,
        "accompagnements_ouverts": 0,
    }
    assert cadre["departements"]["31"]["detection_precoce"] == haute_garonne
    pilotage = json.loads(_commande(tmp_path, "json").read_text())
    assert pilotage["region"]["detection_precoce"] == {
        **cadre["region"]["detection_precoce"],
        "accompagnements_ouverts": "< 11",
    }
    assert pilotage["departements"]["82"]["detection_precoce"] == dict.fromkeys(
        haute_garonne, "< 11"
    )
    assert pilotage["departements"]["31"]["detection_precoce"] == haute_garonne
    # A year without any validated list: zeros, nothing to mask.
    annee_vide = json.loads(_commande(tmp_path, "json", annee=2023).read_text())
    vide = dict.fromkeys(haute_garonne, 0)
    assert annee_vide["region"]["detection_precoce"] == vide
    assert all(d["detection_precoce"] == vide for d in annee_vide["departements"].values())


def test_the_report_pdf_prints_the_section_on_the_departements_page(jeu, tmp_path):
    texte = subprocess.run(
        ["pdftotext", "-layout", str(_commande(tmp_path, "pdf", "--role=cadre")), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pages = texte.split("\f")
    debut = next(i for i, p in enumerate(pages) if "LES INTERVENTIONS — TARN-ET-GARONNE" in p)
    page = " ".join(" ".join(pages[debut : debut + 2]).split())
    assert "► OFFRE DE SERVICE / DÉTECTION PRÉCOCE" in page
    assert "10 personnes ciblées par les campagnes d'offre de service" in page
    assert "Aucune campagne d'offre de service" not in page
