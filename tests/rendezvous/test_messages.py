"""Issue 14, points 4 and 6: the person is told — confirmation, cancellation, the reminder 48 h
before — through the channels they accepted, never with a health detail, with an `.ics`
(stable UID, REQUEST then CANCEL) in the e-mails; no reminder for a cancelled appointment, nor
one the provider's failure delayed past the appointment."""

import email
from datetime import time, timedelta
from email import policy

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from parcours.messagerie import sms
from parcours.messagerie.envois import relancer_envois
from parcours.messagerie.models import Envoi, StatutEnvoi
from parcours.rendezvous import actions
from parcours.rendezvous.creneaux import a_paris
from parcours.rendezvous.enums import StatutRendezVous
from parcours.rendezvous.models import Motif, Participation, Plage
from parcours.rendezvous.reservation import CreneauIndisponible
from tests.dossiers.factories import AssureFactory
from tests.factories import AgentFactory, CommuneFactory, LieuAccueilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde():
    sms.boite_envoi.clear()
    lieu = LieuAccueilFactory(
        code="LA-MTB",
        nom="Agence de Montauban",
        adresse="5 place Lalaque",
        commune=CommuneFactory(),
    )
    motif = Motif.objects.create(
        code="DIAG",
        libelle="Point sur l'arrêt maladie de longue durée",
        duree_minutes=45,
        delai_min_heures=0,
        delai_max_jours=30,
    )
    agent = AgentFactory(unite=lieu.unite)
    demain = timezone.localdate() + timedelta(days=1)
    plage = Plage.objects.create(
        agent=agent, lieu=lieu, debut=time(9), fin=time(17), regle="FREQ=DAILY", date_debut=demain
    )
    plage.motifs.add(motif)
    personne = AssureFactory(
        telephone="+33612345678",
        email="jeanne@exemple.invalid",
        consentement_sms=True,
        consentement_courriel=True,
    )
    return {
        "lieu": lieu,
        "motif": motif,
        "agent": agent,
        "personne": personne,
        "creneau": a_paris(demain, time(10, 30)),
    }


def _prendre(m):
    return actions.prendre(
        assure=m["personne"],
        motif=m["motif"],
        lieu=m["lieu"],
        agent_id=m["agent"].pk,
        debut=m["creneau"],
        acting_user=m["agent"],
    )


def _ics(message) -> icalendar.Calendar:
    brut = email.message_from_bytes(message.message().as_bytes(), policy=policy.default)
    (piece,) = list(brut.iter_attachments())
    assert piece.get_filename() == "rendez-vous.ics"
    return icalendar.Calendar.from_ical(piece.get_payload(decode=True))


def test_booking_confirms_by_sms_and_e_mail_without_the_health_motif(monde):
    rdv = _prendre(monde)
    (texto,) = sms.boite_envoi
    assert texto["texte"].startswith("Rendez-vous confirmé avec le service social")
    assert "10 h 30" in texto["texte"] and "Agence de Montauban" in texto["texte"]
    (courriel,) = mail.outbox
    for texte in (texto["texte"], courriel.body):
        assert "arrêt" not in texte and "maladie de longue" not in texte
    calendrier = _ics(courriel)
    assert str(calendrier["method"]) == "REQUEST"
    (evenement,) = calendrier.walk("VEVENT")
    assert str(evenement["uid"]) == f"{rdv.uid}@parcours"
    assert evenement.decoded("dtstart") == rdv.debut
    assert "arrêt" not in str(evenement["summary"])
    assert "Agence de Montauban" in str(evenement["location"])


def test_cancelling_frees_the_slot_and_sends_a_cancel_calendar_with_the_same_uid(monde):
    rdv = _prendre(monde)
    mail.outbox.clear()
    actions.annuler(rdv, acting_user=monde["agent"], par_la_personne=True)
    rdv.refresh_from_db()
    assert rdv.statut == StatutRendezVous.ANNULE_PERSONNE
    assert not Participation.objects.filter(rendez_vous=rdv).exists()
    calendrier = _ics(mail.outbox[0])
    assert str(calendrier["method"]) == "CANCEL"
    (evenement,) = calendrier.walk("VEVENT")
    assert str(evenement["uid"]) == f"{rdv.uid}@parcours"
    # The slot is free again: another person books it.
    autre = AssureFactory()
    nouveau = actions.prendre(
        assure=autre,
        motif=monde["motif"],
        lieu=monde["lieu"],
        agent_id=monde["agent"].pk,
        debut=monde["creneau"],
        acting_user=monde["agent"],
    )
    assert nouveau.pk != rdv.pk
    with pytest.raises(CreneauIndisponible):
        _prendre(monde)


def test_the_reminder_leaves_48_hours_before_once_and_never_for_a_cancelled_one(monde):
    rdv = _prendre(monde)
    sms.boite_envoi.clear()
    mail.outbox.clear()
    assert actions.envoyer_rappels.call() == 1
    assert actions.envoyer_rappels.call() == 0  # once
    (texto,) = sms.boite_envoi
    assert texto["texte"].startswith("Vous avez rendez-vous avec le service social")
    assert len(mail.outbox) == 1
    # A cancelled appointment gets none.
    rdv.refresh_from_db()
    actions.annuler(rdv, acting_user=monde["agent"], par_la_personne=False)
    autre = actions.prendre(
        assure=AssureFactory(telephone="+33611111111", consentement_sms=True),
        motif=monde["motif"],
        lieu=monde["lieu"],
        agent_id=monde["agent"].pk,
        debut=monde["creneau"] + timedelta(minutes=90),
        acting_user=monde["agent"],
    )
    actions.annuler(autre, acting_user=monde["agent"], par_la_personne=True)
    sms.boite_envoi.clear()
    assert actions.envoyer_rappels.call() == 0
    assert sms.boite_envoi == []


def test_a_reminder_delayed_past_its_appointment_is_never_sent(monde, settings):
    settings.PARCOURS_SMS_BACKEND = "parcours.messagerie.sms.HttpBackend"
    settings.PARCOURS_SMS_URL = "http://127.0.0.1:9/sms"  # nobody listens: temporary failure
    settings.PARCOURS_SMS_JETON = "jeton"
    rdv = _prendre(monde)
    actions.envoyer_rappels.call()
    rappel = Envoi.objects.get(modele="rappel_rendez_vous", canal="SMS")
    assert rappel.statut == StatutEnvoi.EN_FILE and rappel.tentatives == 1
    # The provider is back… after the appointment.
    settings.PARCOURS_SMS_BACKEND = "parcours.messagerie.sms.MemoireBackend"
    sms.boite_envoi.clear()
    Envoi.objects.filter(pk=rappel.pk).update(
        prochaine_tentative=timezone.now(), perime_le=timezone.now() - timedelta(minutes=1)
    )
    relancer_envois.call()
    rappel.refresh_from_db()
    assert rappel.statut == StatutEnvoi.SANS_OBJET
    assert sms.boite_envoi == []
    assert rdv.pk
