"""Business rules of the dossiers: routing, triage, duplicates, closing, interviews, races."""

import datetime
import re
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from parcours.dossiers import actions
from parcours.dossiers.enums import IssueAccompagnement, ModeEntretien, StatutSignalement
from parcours.dossiers.models import Accompagnement, Assure, Entretien, Orientation
from parcours.organisation.enums import Role
from tests.dossiers.factories import (
    AccompagnementFactory,
    AssureFactory,
    EntretienFactory,
    SignalementFactory,
    creer_missions,
    mission,
)
from tests.factories import AgentFactory, LieuAccueilFactory, SecteurFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db


def hier() -> datetime.date:
    # Computed when a test runs, not when the module is collected (which may be the day before).
    return timezone.localdate() - datetime.timedelta(days=1)


def demain() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def p():
    return creer_personas()


# Routing ------------------------------------------------------------------------------------


def test_routing_to_the_social_worker_whose_sector_covers_the_commune(p):
    SecteurFactory(unite=p.unite, agent=None).communes.set(["82121", "82112"])
    SecteurFactory(unite=p.unite, agent=p.alice).communes.set(["82121"])
    routage = actions.router("82121", emetteur=p.bastien)
    assert (routage.unite, routage.agent) == (p.unite, p.alice)
    # A commune covered by the unit only goes to the unit's queue.
    assert actions.router("82112", emetteur=p.bastien) == actions.Routage(p.unite, None)


def test_routing_falls_back_to_a_unit_of_the_departement_then_to_the_sender(p):
    SecteurFactory(unite=p.autre_unite).communes.set(["82033"])
    # 82112 (Moissac) is in no sector: a unit of the Tarn-et-Garonne takes it.
    assert actions.router("82112", emetteur=p.bastien).unite.departement_id == "82"
    # A commune of another département, covered by no unit: the sender's unit.
    assert actions.router("31555", emetteur=p.bastien) == actions.Routage(p.unite, None)
    assert actions.router(None, emetteur=p.pierre) == actions.Routage(None, None)


def test_an_inactive_social_worker_is_skipped(p):
    SecteurFactory(unite=p.unite, agent=p.alice).communes.set(["82121"])
    SecteurFactory(unite=p.unite, agent=None).communes.set(["82121"])
    p.alice.is_active = False
    p.alice.save()
    assert actions.router("82121", emetteur=p.bastien) == actions.Routage(p.unite, None)


def test_new_signalement_is_routed(p):
    SecteurFactory(unite=p.unite, agent=p.alice).communes.set(["82121"])
    assure = AssureFactory(commune_id="82121")
    sig = actions.enregistrer_signalement(
        assure, acting_user=p.pierre, date=hier(), source="CPAM_MISAS", motif="Arrêt long"
    )
    assert (sig.unite, sig.agent, sig.emetteur, sig.statut) == (
        p.unite,
        p.alice,
        p.pierre,
        StatutSignalement.A_TRAITER,
    )
    # A partner's is dated today (test_signalement_source.py); the service's staff date it.
    with pytest.raises(actions.RegleMetier, match="futur"):
        actions.enregistrer_signalement(
            assure, acting_user=p.bastien, date=demain(), source="ASSURE", motif="x"
        )
    with pytest.raises(actions.RegleMetier, match="précisez la source"):
        actions.enregistrer_signalement(
            assure, acting_user=p.bastien, date=hier(), source="AUTRE", motif="x"
        )


# Triage -------------------------------------------------------------------------------------


def test_triage_opening_an_accompaniment(p):
    sig = SignalementFactory(unite=p.unite, agent=p.alice, mission=mission("PARCOURS_SANTE"))
    sig = actions.trier_signalement(
        sig, acting_user=p.alice, statut=StatutSignalement.ACCOMPAGNEMENT_OUVERT
    )
    acc = sig.accompagnement
    assert (acc.mission.code, acc.referent, acc.unite, acc.date_debut) == (
        "PARCOURS_SANTE",
        p.alice,
        p.unite,
        timezone.localdate(),
    )
    assert (sig.statut, sig.decide_par) == (StatutSignalement.ACCOMPAGNEMENT_OUVERT, p.alice)
    with pytest.raises(actions.RegleMetier, match="déjà été traité"):
        actions.trier_signalement(sig, acting_user=p.chloe, statut=StatutSignalement.HORS_CHAMP)


def test_triage_opening_needs_a_mission(p):
    sig = SignalementFactory(unite=p.unite, mission=None)
    with pytest.raises(actions.RegleMetier) as erreur:
        actions.trier_signalement(
            sig, acting_user=p.chloe, statut=StatutSignalement.ACCOMPAGNEMENT_OUVERT
        )
    assert "mission" in erreur.value.error_dict
    sig.refresh_from_db()
    assert sig.statut == StatutSignalement.A_TRAITER


def test_triage_intervention_ponctuelle(p):
    sig = SignalementFactory(unite=p.unite)
    sig = actions.trier_signalement(
        sig,
        acting_user=p.chloe,
        statut=StatutSignalement.INTERVENTION_PONCTUELLE,
        mode=ModeEntretien.TELEPHONE,
    )
    entretien = sig.entretien
    assert entretien.accompagnement is None
    assert (entretien.assure, entretien.unite, entretien.date) == (
        sig.assure,
        p.unite,
        timezone.localdate(),
    )


def test_triage_intervention_ponctuelle_defaults_to_the_telephone(p):
    # The triage form leaves the mode empty unless a reception place is meant.
    sig = SignalementFactory(unite=p.unite)
    sig = actions.trier_signalement(
        sig, acting_user=p.chloe, statut=StatutSignalement.INTERVENTION_PONCTUELLE, mode=""
    )
    assert sig.entretien.mode == ModeEntretien.TELEPHONE


def test_triage_intervention_ponctuelle_at_a_reception_place_names_it(p):
    sig = SignalementFactory(unite=p.unite)
    with pytest.raises(actions.RegleMetier, match="lieu d'accueil"):
        actions.trier_signalement(
            sig,
            acting_user=p.chloe,
            statut=StatutSignalement.INTERVENTION_PONCTUELLE,
            mode=ModeEntretien.LIEU_ACCUEIL,
        )
    lieu = LieuAccueilFactory(unite=p.unite)
    sig = actions.trier_signalement(
        sig,
        acting_user=p.chloe,
        statut=StatutSignalement.INTERVENTION_PONCTUELLE,
        mode=ModeEntretien.LIEU_ACCUEIL,
        lieu_accueil=lieu,
    )
    assert sig.entretien.lieu_accueil == lieu


def test_triage_oriented_elsewhere_records_where(p):
    sig = SignalementFactory(unite=p.unite)
    with pytest.raises(actions.RegleMetier, match="vers quel service"):
        actions.trier_signalement(
            sig, acting_user=p.chloe, statut=StatutSignalement.ORIENTE_AILLEURS
        )
    sig = actions.trier_signalement(
        sig,
        acting_user=p.chloe,
        statut=StatutSignalement.ORIENTE_AILLEURS,
        motif_decision="CCAS de Montauban",
    )
    assert sig.statut == StatutSignalement.ORIENTE_AILLEURS
    assert Orientation.objects.get(assure=sig.assure).partenaire == "CCAS de Montauban"


def test_triage_outside_remit_needs_a_reason(p):
    sig = SignalementFactory(unite=p.unite)
    with pytest.raises(actions.RegleMetier, match="pourquoi"):
        actions.trier_signalement(sig, acting_user=p.chloe, statut=StatutSignalement.HORS_CHAMP)
    sig = actions.trier_signalement(
        sig,
        acting_user=p.chloe,
        statut=StatutSignalement.HORS_CHAMP,
        motif_decision="Demande de logement sans lien avec la santé",
    )
    assert (sig.statut, sig.motif_decision) == (
        StatutSignalement.HORS_CHAMP,
        "Demande de logement sans lien avec la santé",
    )


# Duplicates ---------------------------------------------------------------------------------


def test_duplicates_by_nir_or_name_and_birth_date():
    existante = AssureFactory(
        nom="Lefèvre", prenom="Élodie", date_naissance=datetime.date(1990, 1, 2)
    )
    trouves = actions.doublons_possibles(
        nir="295109912611193",
        nom="LEFEVRE",
        prenom="elodie",
        date_naissance=datetime.date(1990, 1, 2),
    )
    assert list(trouves) == [existante]
    assert list(
        actions.doublons_possibles(
            nir=existante.nir, nom="Autre", prenom="Nom", date_naissance=datetime.date(2000, 1, 1)
        )
    ) == [existante]
    assert not actions.doublons_possibles(
        nir="295109912611193",
        nom="Lefèvre",
        prenom="Élodie",
        date_naissance=datetime.date(1990, 1, 3),
    ).exists()


def _intake(client, **champs):
    donnees = {
        "nir": "2 95 10 99 126 111 93",
        "nom": "Lefèvre",
        "prenom": "Élodie",
        "date_naissance": "1990-01-02",
        "sexe": "F",
        "commune": "Montauban",
        "date": hier().isoformat(),
        "source": "ASSURE",
        "motif": "Arrêt de travail depuis quatre mois",
    }
    donnees.update(champs)
    return client.post(reverse("dossiers:signalement_nouveau"), donnees)


def test_intake_with_a_known_nir_reuses_the_person(client, p):
    existante = AssureFactory(nir="295109912611193", nom="Lefèvre", prenom="Élodie")
    client.force_login(p.bastien)
    reponse = _intake(client, nom="Lefevre")
    assert reponse.status_code == 302
    assert Assure.objects.count() == 1
    assert existante.signalements.count() == 1


def test_intake_with_a_homonym_proposes_the_existing_dossier(client, p):
    # The homonym's dossier is held by Bastien's unit: he may be shown it.
    homonyme = AssureFactory(
        nom="Lefèvre", prenom="Élodie", date_naissance=datetime.date(1990, 1, 2)
    )
    SignalementFactory(assure=homonyme, unite=p.unite)
    client.force_login(p.bastien)
    reponse = _intake(client)
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "même nom et de même date de naissance" in contenu
    assert Assure.objects.count() == 1
    # Confirmed as another person: created.
    reponse = _intake(client, confirmer_nouvelle_personne="on")
    assert reponse.status_code == 302
    assert Assure.objects.count() == 2


def test_intake_refuses_an_invalid_nir_in_french(client, p):
    client.force_login(p.bastien)
    reponse = _intake(client, nir="2 95 10 99 126 111 94")
    assert "la clé de contrôle du NIR ne correspond pas au numéro" in reponse.content.decode()
    assert not Assure.objects.exists()


# Closing and interviews ----------------------------------------------------------------------


def test_closing_rules(p):
    acc = AccompagnementFactory(
        referent=p.alice, date_debut=timezone.localdate() - datetime.timedelta(days=60)
    )
    EntretienFactory(accompagnement=acc, date=timezone.localdate() - datetime.timedelta(days=10))

    def clore(**champs):
        acc.refresh_from_db()
        return actions.cloturer_accompagnement(
            acc, acting_user=p.alice, version=acc.version, **champs
        )

    for champs, champ_en_erreur in [
        ({"date_fin": hier(), "issue": ""}, "issue"),
        ({"date_fin": hier(), "issue": "INCONNUE"}, "issue"),
        ({"date_fin": hier(), "issue": "AUTRE"}, "issue_precision"),
        ({"date_fin": demain(), "issue": "REPRISE_POSTE"}, "date_fin"),
        ({"date_fin": acc.date_debut - datetime.timedelta(days=1), "issue": "DECES"}, "date_fin"),
        (
            {"date_fin": timezone.localdate() - datetime.timedelta(days=20), "issue": "DECES"},
            "date_fin",
        ),
        ({"date_fin": None, "issue": "DECES"}, "date_fin"),
    ]:
        with pytest.raises(actions.RegleMetier) as erreur:
            clore(**champs)
        assert champ_en_erreur in erreur.value.error_dict, champs
    acc.refresh_from_db()
    assert acc.date_fin is None
    clore(date_fin=hier(), issue=IssueAccompagnement.POSTE_AMENAGE)
    acc.refresh_from_db()
    assert (acc.date_fin, acc.issue) == (hier(), "POSTE_AMENAGE")
    with pytest.raises(actions.RegleMetier, match="déjà clos"):
        clore(date_fin=hier(), issue="DECES")


def test_reopening_clears_the_closing(p):
    acc = AccompagnementFactory(
        referent=p.alice, date_debut=timezone.localdate() - datetime.timedelta(days=60)
    )
    acc = actions.cloturer_accompagnement(
        acc, acting_user=p.alice, version=acc.version, date_fin=hier(), issue="DECES"
    )
    acc = actions.rouvrir_accompagnement(acc, acting_user=p.alice, version=acc.version)
    acc.refresh_from_db()
    assert (acc.date_fin, acc.issue, acc.issue_precision) == (None, "", "")


def test_reopening_an_open_accompaniment_is_refused_and_changes_nothing(p):
    acc = AccompagnementFactory(referent=p.alice)
    version = acc.version
    historique = acc.history.count()
    with pytest.raises(actions.RegleMetier, match="n'est pas clos"):
        actions.rouvrir_accompagnement(acc, acting_user=p.alice, version=version)
    acc.refresh_from_db()
    assert (acc.date_fin, acc.version, acc.history.count()) == (None, version, historique)


def test_the_reopen_page_tells_an_open_accompaniment_cannot_be_reopened(client, p):
    acc = AccompagnementFactory(referent=p.alice)
    client.force_login(p.alice)
    reponse = client.post(
        reverse("dossiers:accompagnement_rouvrir", args=[acc.pk]),
        {"version": acc.version},
        follow=True,
    )
    contenu = reponse.content.decode()
    assert "rien à rouvrir" in contenu and "Accompagnement rouvert" not in contenu
    acc.refresh_from_db()
    assert acc.version == 1


def test_a_closed_accompaniment_needs_an_outcome_in_the_database_too(p):
    acc = AccompagnementFactory(referent=p.alice)
    acc.date_fin = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        acc.save()


def test_no_interview_in_the_future_nor_outside_the_accompaniment(p):
    acc = AccompagnementFactory(
        referent=p.alice, date_debut=timezone.localdate() - datetime.timedelta(days=30)
    )
    for jour, motif in [
        (demain(), "futur"),
        (acc.date_debut - datetime.timedelta(days=1), "ouvert le"),
    ]:
        with pytest.raises(actions.RegleMetier, match=motif):
            actions.enregistrer_entretien(
                acc.assure, acting_user=p.alice, accompagnement=acc, date=jour, mode="TELEPHONE"
            )
    with pytest.raises(actions.RegleMetier, match="lieu d'accueil"):
        actions.enregistrer_entretien(
            acc.assure, acting_user=p.alice, accompagnement=acc, date=hier(), mode="LIEU_ACCUEIL"
        )
    entretien = actions.enregistrer_entretien(
        acc.assure,
        acting_user=p.alice,
        accompagnement=acc,
        date=hier(),
        mode="DOMICILE",
        second_agent=p.bastien,
        partenaire_present="Conseillère MisaS",
        notes="Visite à domicile",
    )
    assert (entretien.unite, entretien.second_agent) == (p.unite, p.bastien)
    # An intervention ponctuelle counts for the agent's unit.
    ponctuelle = actions.enregistrer_entretien(
        acc.assure, acting_user=p.octave, accompagnement=None, date=hier(), mode="TELEPHONE"
    )
    assert ponctuelle.unite == p.autre_unite


def test_the_referent_must_be_a_social_worker(p):
    with pytest.raises(actions.RegleMetier, match="référent"):
        actions.ouvrir_accompagnement(
            AssureFactory(),
            acting_user=p.chloe,
            mission=mission(),
            referent=p.bastien,
            date_debut=hier(),
        )


# Lost updates ---------------------------------------------------------------------------------


def test_second_save_from_a_stale_version_is_refused(p):
    acc = AccompagnementFactory(referent=p.alice)
    version = acc.version
    autre = AgentFactory(role=Role.ASS, unite=p.unite)
    actions.modifier_accompagnement(
        acc,
        acting_user=p.chloe,
        version=version,
        mission=mission("PARCOURS_SANTE"),
        referent=autre,
        date_debut=acc.date_debut,
    )
    with pytest.raises(actions.ConflitDeVersion, match="modifiée par"):
        actions.modifier_accompagnement(
            acc,
            acting_user=p.alice,
            version=version,
            mission=mission("RETOUR_DOMICILE"),
            referent=p.alice,
            date_debut=acc.date_debut,
        )
    acc.refresh_from_db()
    assert (acc.mission.code, acc.referent, acc.version) == ("PARCOURS_SANTE", autre, version + 1)


@pytest.mark.django_db(transaction=True)
def test_two_saves_racing_on_one_accompaniment():
    """Two threads, two database connections, the same version: one wins, one is told."""
    creer_missions()
    p = creer_personas()
    acc = AccompagnementFactory(referent=p.alice)
    version = acc.version
    depart = threading.Barrier(2)
    resultats = {}

    def enregistrer(agent, code):
        try:
            depart.wait(timeout=10)
            actions.modifier_accompagnement(
                Accompagnement.objects.get(pk=acc.pk),
                acting_user=agent,
                version=version,
                mission=mission(code),
                referent=p.alice,
                date_debut=acc.date_debut,
            )
            resultats[code] = "enregistré"
        except actions.ConflitDeVersion:
            resultats[code] = "refusé"
        finally:
            connection.close()

    fils = [
        threading.Thread(target=enregistrer, args=(p.alice, "PARCOURS_SANTE")),
        threading.Thread(target=enregistrer, args=(p.chloe, "RETOUR_DOMICILE")),
    ]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=30)
    assert sorted(resultats.values()) == ["enregistré", "refusé"]
    gagnant = next(code for code, r in resultats.items() if r == "enregistré")
    acc.refresh_from_db()
    assert (acc.mission.code, acc.version) == (gagnant, version + 1)


def test_identity_edit_conflict_keeps_the_second_persons_input(client, p):
    assure = AssureFactory(telephone="05 63 00 00 00")
    SignalementFactory(assure=assure, unite=p.unite)
    url = reverse("dossiers:assure_modifier", args=[assure.pk])
    commun = {
        "nir": assure.nir,
        "nom": assure.nom,
        "prenom": assure.prenom,
        "date_naissance": assure.date_naissance.isoformat(),
        "sexe": "F",
        "commune": "82121",
        "complementaire": "INCONNU",
        "version": assure.version,
    }
    client.force_login(p.alice)
    assert client.post(url, {**commun, "telephone": "06 11 11 11 11"}).status_code == 302
    client.force_login(p.bastien)
    reponse = client.post(url, {**commun, "telephone": "06 22 22 22 22"})
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "a été modifiée par Alice" in contenu
    assert 'value="06 22 22 22 22"' in contenu  # nothing typed is lost
    assert "06 11 11 11 11" in contenu  # the current version is shown
    assure.refresh_from_db()
    assert assure.telephone == "+33611111111"  # stored normalised (E.164)
    # Having seen the current version, Bastien saves his input deliberately: it goes through.
    nouvelle_version = re.search(r'name="version" value="(\d+)"', contenu).group(1)
    assert int(nouvelle_version) == assure.version
    reponse = client.post(
        url, {**commun, "version": nouvelle_version, "telephone": "06 22 22 22 22"}
    )
    assert reponse.status_code == 302
    assure.refresh_from_db()
    assert assure.telephone == "+33622222222"


def test_change_history_records_who_changed_what(p):
    assure = AssureFactory()
    actions.modifier_assure(assure, acting_user=p.alice, version=1, telephone="06 00 00 00 00")
    assert assure.history.count() >= 1
    entretien = EntretienFactory()
    entretien.notes = "Complément"
    entretien.save()
    assert Entretien.history.filter(id=entretien.pk).count() == 2
