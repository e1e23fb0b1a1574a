"""Every indicator of DESIGN §3 on a dataset where each one is known by hand (see jeu.py)."""

import pytest

from parcours.statistiques.indicateurs import JOURS_PAR_MOIS, Perimetre, calculer
from parcours.statistiques.rapport import construire, donnees_json
from parcours.statistiques.tableaux import tableaux
from tests.statistiques.jeu import creer_jeu

pytestmark = pytest.mark.django_db


@pytest.fixture
def jeu():
    return creer_jeu()


def test_interviews_held_in_the_year_by_mission_mode_and_axis(jeu):
    c = calculer(2025, Perimetre(jeu.organisme)).ensemble
    # e1 is of 2024, e5 was cancelled; e4 and e10 on 31 December count.
    assert c.entretiens_total == 8
    assert c.entretiens_de_mission("PDP") == 5  # e2 e3 e4 e7 e9
    assert c.entretiens_de_mission("PARCOURS_SANTE") == 1
    assert c.entretiens_de_mission("PASSAGE_RETRAITE") == 1
    assert c.entretiens_de_mission("RETOUR_DOMICILE") == 0
    assert c.interventions_ponctuelles == 1  # e8, without accompaniment
    assert c.entretiens_de_visu == 4  # e2 e8 at a reception place, e3 e10 at home
    assert c.entretiens_telephone == 2
    assert c.entretiens_autres_modes == 2  # video, other
    # By axis: only interviews attached to an accompaniment (the intervention ponctuelle apart).
    assert c.entretiens_d_axe("EMPLOYABILITE") == 5
    assert c.entretiens_d_axe("SANTE") == 2


def test_active_accompaniments_durations_and_pdp_outcomes(jeu):
    c = calculer(2025, Perimetre(jeu.organisme)).ensemble
    # a5 closed on 31/12/2024 and a7 opened on 01/01/2026 are not active in 2025.
    assert c.accompagnements_total.actifs == 6
    pdp = c.accompagnements_de("PDP")
    assert (pdp.actifs, pdp.clos, pdp.ouverts) == (4, 3, 3)  # a1 opened in 2024
    # Closed in 2025: a1 (106 days, spanning two years), a2 (305, closed on 31 December), a8 (92).
    assert pdp.duree_moyenne_mois == pytest.approx((106 + 305 + 92) / 3 / JOURS_PAR_MOIS)
    assert (pdp.emploi, pdp.maintien) == (2, 1)  # REPRISE_POSTE + NOUVEL_EMPLOI; FORMATION
    assert c.accompagnements_de("PARCOURS_SANTE").actifs == 1
    assert c.accompagnements_de("PARCOURS_SANTE").duree_moyenne_mois is None  # none closed
    assert c.accompagnements_de("PASSAGE_RETRAITE").actifs == 1  # opened on 31 December


def test_persons_followed_once_under_their_latest_accompaniment(jeu):
    bilan = calculer(2025, Perimetre(jeu.organisme))
    # P1 (two accompaniments, two départements), P2, P3 (two missions), P5: four persons.
    assert bilan.ensemble.assures_suivis == 4
    # P3's most recently opened active accompaniment is a4 (PDP): employabilité.
    assert dict(bilan.ensemble.assures_par_axe) == {"EMPLOYABILITE": 3, "SANTE": 1}
    par_dep = {p.cle: c for p, c in bilan.parties.items()}
    assert dict(par_dep["82"].assures_par_axe) == {"EMPLOYABILITE": 3}  # P1 (a1), P2, P3
    assert dict(par_dep["31"].assures_par_axe) == {"EMPLOYABILITE": 1, "SANTE": 1}  # P1, P5
    assert par_dep["82"].entretiens_total == 6
    assert par_dep["31"].entretiens_total == 2


def test_the_previous_year_has_its_own_figures(jeu):
    c = calculer(2024, Perimetre(jeu.organisme)).ensemble
    assert c.entretiens_total == 1  # e1
    assert c.accompagnements_total.actifs == 2  # a1, a5
    assert c.accompagnements_de("RETOUR_DOMICILE").clos == 1  # a5, closed on 31 December 2024
    assert c.assures_suivis == 2


def test_signalements_received_by_source_and_triage(jeu):
    c = calculer(2025, Perimetre(jeu.organisme)).ensemble
    assert dict(c.signalements) == {
        ("SERVICE_MEDICAL", "A_TRAITER"): 1,
        ("ASSURE", "ACCOMPAGNEMENT_OUVERT"): 1,
        ("SERVICE_MEDICAL", "HORS_CHAMP"): 1,
    }


def test_scopes_unit_and_departement(jeu):
    unite = calculer(2025, Perimetre(jeu.organisme, jeu.toulouse.departement, jeu.toulouse))
    assert unite.ensemble.entretiens_total == 2
    assert unite.ensemble.assures_suivis == 2
    assert unite.parties == {}
    assert unite.lieux_accueil == 1  # the closed place does not count
    departement = calculer(2025, Perimetre(jeu.organisme, jeu.montauban.departement))
    assert [p.libelle for p in departement.parties] == ["Montauban"]
    assert departement.ensemble.entretiens_total == 6


def test_interviews_by_month(jeu):
    bilan = calculer(2025, Perimetre(jeu.organisme), par_mois=True)
    assert bilan.entretiens_par_mois == [1, 0, 1, 1, 1, 1, 0, 0, 1, 0, 0, 2]


# DESIGN §5's « rendez_vous » where no appointment was booked (the dataset has none).
SANS_RENDEZ_VOUS = {"pris": 0, "honores": 0, "taux_absence_pct": None, "delai_median_jours": None}
# DESIGN §5's « detection_precoce » where no campaign list was validated: zeros.
SANS_DETECTION = {
    "ciblees": 0,
    "retenues": 0,
    "contactees": 0,
    "jointes": 0,
    "acceptantes": 0,
    "rdv_honores": 0,
    "accompagnements_ouverts": 0,
}


def test_the_tables_and_the_json_of_the_cadre_view(jeu):
    t = tableaux(calculer(2025, Perimetre(jeu.organisme), par_mois=True), masquer=False)
    assert t["missions"].valeur("PDP", 2).texte == "67\u202f%"  # 4 of 6 active
    assert t["missions"].valeur("PDP", 4).texte == "5,5"  # months
    assert t["axes_entretiens"].valeur("EMPLOYABILITE", 1).texte == "71\u202f%"  # 5 / 7
    assert t["modes"].valeur("de_visu", 0).texte == "4"
    json = donnees_json(construire(jeu.organisme, 2025, "cadre"))
    assert json == {
        "organisme": "CARSAT-JEU",
        "annee": 2025,
        "region": {
            "entretiens_total": 8,
            "entretiens_par_mission": {
                "PARCOURS_SANTE": 1,
                "PDP": 5,
                "RETOUR_DOMICILE": 0,
                "PASSAGE_RETRAITE": 1,
            },
            "accompagnements_part_par_mission": {
                "PARCOURS_SANTE": 16.7,
                "PDP": 66.7,
                "RETOUR_DOMICILE": 0.0,
                "PASSAGE_RETRAITE": 16.7,
            },
            "duree_moyenne_mois_par_mission": {
                "PARCOURS_SANTE": None,
                "PDP": 5.5,
                "RETOUR_DOMICILE": None,
                "PASSAGE_RETRAITE": None,
            },
            "pdp_emploi_retrouve_pct": 66.7,
            "pdp_maintien_emploi_pct": 33.3,
            "assures_suivis": 4,
            "lieux_accueil": 2,
            "rendez_vous": SANS_RENDEZ_VOUS,
            "detection_precoce": SANS_DETECTION,
        },
        "departements": {
            "31": {
                "assures_suivis": 2,
                "assures_par_axe": {"EMPLOYABILITE": 50.0, "SANTE": 50.0},
                "entretiens_total": 2,
                "entretiens_de_visu": 1,
                "entretiens_telephone": 1,
                "entretiens_par_axe": {"EMPLOYABILITE": 50.0, "SANTE": 50.0},
                "rendez_vous": SANS_RENDEZ_VOUS,
                "detection_precoce": SANS_DETECTION,
            },
            "82": {
                "assures_suivis": 3,
                "assures_par_axe": {"EMPLOYABILITE": 100.0, "SANTE": 0.0},
                "entretiens_total": 6,
                "entretiens_de_visu": 3,
                "entretiens_telephone": 1,
                "entretiens_par_axe": {"EMPLOYABILITE": 80.0, "SANTE": 20.0},
                "rendez_vous": SANS_RENDEZ_VOUS,
                "detection_precoce": SANS_DETECTION,
            },
        },
    }


def test_the_pilotage_view_masks_every_small_count(jeu):
    json = donnees_json(construire(jeu.organisme, 2025, "pilotage"))
    region = json["region"]
    assert region["entretiens_total"] == "< 11"
    assert region["entretiens_par_mission"]["PDP"] == "< 11"
    assert region["entretiens_par_mission"]["RETOUR_DOMICILE"] == 0  # zero identifies nobody
    assert region["accompagnements_part_par_mission"]["PDP"] == "< 11"
    assert region["duree_moyenne_mois_par_mission"]["PDP"] == "< 11"
    assert region["pdp_emploi_retrouve_pct"] == "< 11"
    assert region["assures_suivis"] == "< 11"
    assert region["lieux_accueil"] == 2  # reception places are public
    # A share built on a small count (here its denominator, 3 persons) is masked too.
    assert json["departements"]["82"]["assures_par_axe"] == {
        "EMPLOYABILITE": "< 11",
        "SANTE": "< 11",
    }
