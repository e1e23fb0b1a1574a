"""Issue 15, points 5–7: the validated list assigned by sector routing; the invitation by SMS
with the self-booking link (no health detail); the reminder only while the invitation stays
valid two more days (exactly two: sent), the expiry; the calls of the 36 46 logged; « accepte »
becomes a signalement of source « liste de ciblage » routed as usual, by phone or by link."""

from datetime import time, timedelta

import pytest
from django.utils import timezone
from stdnum.fr import nir as stdnum_nir

from parcours.campagnes import analyse, contacts
from parcours.campagnes.enums import (
    CanalContact,
    EtatCible,
    ResultatTentative,
    StatutCampagne,
    SuiviCible,
)
from parcours.campagnes.models import Campagne, Cible, Tentative
from parcours.dossiers.enums import SourceSignalement
from parcours.messagerie import sms
from parcours.rendezvous import actions as rendezvous
from parcours.rendezvous.creneaux import a_paris
from parcours.rendezvous.enums import OrigineRendezVous
from parcours.rendezvous.models import LienReservation, Motif, Plage
from tests.dossiers.factories import creer_missions
from tests.factories import CommuneFactory, LieuAccueilFactory, SecteurFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db


def nir(base13: str) -> str:
    return base13 + stdnum_nir.calc_check_digits(base13)


@pytest.fixture
def campagne(django_capture_on_commit_callbacks):
    sms.boite_envoi.clear()
    creer_missions()
    p = creer_personas()
    montauban = CommuneFactory()
    SecteurFactory(unite=p.unite, agent=p.alice).communes.set(["82121"])
    lieu = LieuAccueilFactory(code="LA-MTB", unite=p.unite, commune=montauban)
    motif = Motif.objects.create(
        code="PREMIER",
        libelle="Premier rendez-vous",
        duree_minutes=45,
        delai_min_heures=0,
        reservable_par_la_personne=True,
    )
    demain = timezone.localdate() + timedelta(days=1)
    plage = Plage.objects.create(
        agent=p.alice, lieu=lieu, debut=time(9), fin=time(12), regle="FREQ=DAILY", date_debut=demain
    )
    plage.motifs.add(motif)
    campagne = Campagne.objects.create(
        organisme=p.organisme,
        code="ARRETS",
        nom="Arrêts de plus de 90 jours",
        canaux=[CanalContact.TELEPHONE, CanalContact.SMS],
        motif_rendez_vous=motif,
    )
    colonnes = analyse.COLONNES
    lignes = [
        (
            2,
            dict(
                zip(
                    colonnes,
                    [
                        nir("1841282121001"),
                        "Durand",
                        "Paul",
                        "1984-12-01",
                        "82121",
                        "06 12 34 56 78",
                        "",
                        "",
                        "ARRET_90J",
                    ],
                    strict=True,
                )
            ),
        ),
        (
            3,
            dict(
                zip(
                    colonnes,
                    [
                        nir("2851282121002"),
                        "Leroy",
                        "Anne",
                        "1985-12-01",
                        "82121",
                        "05 63 00 00 00",
                        "",
                        "",
                        "ARRET_90J",
                    ],
                    strict=True,
                )
            ),
        ),
    ]
    analyse.remplacer(campagne, analyse.analyser(campagne, lignes))
    with django_capture_on_commit_callbacks(execute=True):
        assert contacts.valider(campagne, acting_user=p.chloe) == 2
    return {"p": p, "campagne": campagne, "motif": motif}


def test_validation_assigns_by_sector_and_invites_by_sms_without_health_detail(campagne):
    p = campagne["p"]
    mobile, fixe = Cible.objects.order_by("ligne")
    assert (mobile.agent, mobile.unite) == (p.alice, p.unite)
    # The mobile got the SMS with its link; the landline waits for a call.
    (texto,) = sms.boite_envoi
    assert "/rdv/" in texto["texte"] and "rret" not in texto["texte"]
    assert (mobile.suivi, fixe.suivi) == (SuiviCible.INVITEE, SuiviCible.A_CONTACTER)
    assert mobile.lien.origine == f"campagne:{mobile.pk}"
    assert (mobile.expire_le - mobile.invitee_le).days == 10
    assert list(mobile.tentatives.values_list("canal", "resultat")) == [
        (CanalContact.SMS, ResultatTentative.INVITATION)
    ]
    # Contacted: the person is recorded now (with the sex read from the NIR).
    assert mobile.assure.nom == "Durand" and mobile.assure.sexe == "M"
    with pytest.raises(contacts.RegleCampagne, match="déjà validée"):
        contacts.valider(campagne["campagne"], acting_user=p.chloe)


def test_the_reminder_goes_while_the_invitation_stays_valid_two_more_days(campagne):
    cible = Cible.objects.get(ligne=2)
    invitee = cible.invitee_le
    # Validity 10 days, reminder after 3: due from day 3, while ≥ 2 days remain.
    assert not contacts.doit_relancer(cible, invitee + timedelta(days=3) - timedelta(seconds=1))
    assert contacts.doit_relancer(cible, invitee + timedelta(days=3))
    assert contacts.doit_relancer(cible, cible.expire_le - timedelta(days=2))
    assert not contacts.doit_relancer(
        cible, cible.expire_le - timedelta(days=2) + timedelta(seconds=1)
    )
    # A campaign whose invitation is valid 4 days: the reminder at day 3 would leave 1 day.
    Campagne.objects.filter(pk=cible.campagne_id).update(validite_jours=5)
    cible.expire_le = invitee + timedelta(days=5)
    assert contacts.doit_relancer(cible, invitee + timedelta(days=3))  # exactly 2 days left
    cible.expire_le = invitee + timedelta(days=4)
    assert not contacts.doit_relancer(cible, invitee + timedelta(days=3))


def test_the_scheduled_job_reminds_once_then_expires(campagne, monkeypatch):
    cible = Cible.objects.get(ligne=2)
    sms.boite_envoi.clear()
    assert contacts.relancer_et_expirer.call() == {"relancees": 0, "expirees": 0}
    plus_tard = cible.invitee_le + timedelta(days=4)
    monkeypatch.setattr(timezone, "now", lambda: plus_tard)
    assert contacts.relancer_et_expirer.call() == {"relancees": 1, "expirees": 0}
    (texto,) = sms.boite_envoi
    assert "rappel" in texto["texte"] and "/rdv/" in texto["texte"]
    assert contacts.relancer_et_expirer.call() == {"relancees": 0, "expirees": 0}
    # The reminder's link is a second link to the same choice, expiring with the first.
    assert LienReservation.objects.filter(origine=f"campagne:{cible.pk}").count() == 2
    assert set(
        LienReservation.objects.filter(origine=f"campagne:{cible.pk}").values_list(
            "expire_le", flat=True
        )
    ) == {cible.expire_le}
    apres = cible.expire_le + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: apres)
    assert contacts.relancer_et_expirer.call() == {"relancees": 0, "expirees": 1}
    cible.refresh_from_db()
    assert cible.suivi == SuiviCible.EXPIREE
    assert list(cible.tentatives.values_list("resultat", flat=True)) == [
        ResultatTentative.INVITATION,
        ResultatTentative.RELANCE,
        ResultatTentative.EXPIRATION,
    ]


def test_calls_are_logged_and_an_acceptance_becomes_a_routed_signalement(campagne):
    p = campagne["p"]
    fixe = Cible.objects.get(ligne=3)
    contacts.appeler(fixe, ResultatTentative.MESSAGE_LAISSE, acting_user=p.bastien)
    fixe.refresh_from_db()
    assert fixe.suivi == SuiviCible.A_CONTACTER and fixe.premier_contact_le is not None
    contacts.appeler(fixe, ResultatTentative.ACCEPTE, acting_user=p.bastien)
    fixe.refresh_from_db()
    assert fixe.suivi == SuiviCible.ACCEPTE
    sig = fixe.signalement
    assert (sig.source, sig.assure.nir, sig.unite, sig.agent) == (
        SourceSignalement.LISTE_CIBLEE,
        fixe.nir,
        p.unite,
        p.alice,
    )
    assert [(t.agent, t.canal, t.resultat) for t in fixe.tentatives.all()] == [
        (p.bastien, CanalContact.TELEPHONE, ResultatTentative.MESSAGE_LAISSE),
        (p.bastien, CanalContact.TELEPHONE, ResultatTentative.ACCEPTE),
    ]
    with pytest.raises(contacts.RegleCampagne, match="déjà répondu"):
        contacts.appeler(fixe, ResultatTentative.REFUS, acting_user=p.bastien)


def test_a_booking_through_the_campaign_s_link_converts_the_person(campagne):
    cible = Cible.objects.get(ligne=2)
    lien = cible.lien
    demain = timezone.localdate() + timedelta(days=1)
    rdv = rendezvous.prendre(
        assure=cible.assure,
        motif=campagne["motif"],
        lieu=cible.campagne.motif_rendez_vous.plages.get().lieu,
        agent_id=campagne["p"].alice.pk,
        debut=a_paris(demain, time(9)),
        acting_user=None,
        origine=OrigineRendezVous.LIEN,
    )
    contacts.apres_reservation_par_lien(lien, rdv)
    cible.refresh_from_db()
    rdv.refresh_from_db()
    assert cible.suivi == SuiviCible.ACCEPTE and cible.rendez_vous == rdv
    assert rdv.signalement == cible.signalement
    assert cible.signalement.source == SourceSignalement.LISTE_CIBLEE
    assert Tentative.objects.filter(cible=cible, resultat=ResultatTentative.ACCEPTE).exists()


def test_a_campaign_cannot_be_validated_with_errors_or_homonyms_left():
    p = creer_personas()
    CommuneFactory()
    campagne = Campagne.objects.create(organisme=p.organisme, code="X", nom="X")
    Cible.objects.create(campagne=campagne, ligne=2, etat=EtatCible.ERREUR)
    with pytest.raises(contacts.RegleCampagne, match="1 ligne"):
        contacts.valider(campagne, acting_user=p.chloe)
    Cible.objects.update(etat=EtatCible.RETENUE, homonymes=[1])
    with pytest.raises(contacts.RegleCampagne, match="à confirmer"):
        contacts.valider(campagne, acting_user=p.chloe)
    campagne.refresh_from_db()
    assert campagne.statut == StatutCampagne.PREPARATION
