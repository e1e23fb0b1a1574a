"""Issue 13, points 5–9: messages leave through the queue with a receipt; the SMTP message
really arrives (aiosmtpd); a provider's failure is retried; an opted-out person gets nothing;
the manager sees the failures; account e-mails go this way too."""

import email
import json
import socket
import threading
from datetime import timedelta
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from parcours.messagerie import sms
from parcours.messagerie.envois import (
    envoyer,
    envoyer_lot,
    lien_opposition,
    opposer,
    relancer_envois,
)
from parcours.messagerie.models import Canal, Envoi, Opposition, StatutEnvoi
from parcours.organisation import actions as comptes
from tests.messagerie.test_courriels import serveur_smtp  # noqa: F401  (fixture)
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db

RDV = {"date": "mardi 15 décembre", "heure": "14 h 30", "lieu": "Agence de Montauban"}


def test_a_message_arrives_over_smtp_and_its_receipt_keeps_no_body(serveur_smtp):  # noqa: F811
    envoi = envoyer(
        canal=Canal.COURRIEL,
        modele="rappel_rendez_vous",
        adresse="jeanne@exemple.invalid",
        contexte=RDV,
        personne_id=42,
        unite_id=7,
        pieces_jointes=[
            ("rendez-vous.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
        ],
    )
    (enveloppe,) = serveur_smtp.recus
    message = email.message_from_bytes(enveloppe.content, policy=policy.default)
    assert enveloppe.rcpt_tos == ["jeanne@exemple.invalid"]
    texte = message.get_body(preferencelist=("plain",)).get_content()
    assert "mardi 15 décembre à 14 h 30, Agence de Montauban" in texte
    # The link to refuse messages, at the bottom of a message to a person.
    assert lien_opposition(42) in texte
    assert lien_opposition(42) in message.get_body(preferencelist=("html",)).get_content()
    (piece,) = list(message.iter_attachments())
    assert piece.get_filename() == "rendez-vous.ics"
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.ENVOYE and envoi.envoye_le is not None
    assert envoi.identifiant_fournisseur == message["Message-ID"]
    assert (envoi.adresse, envoi.contexte, envoi.pieces_jointes) == ("", {}, [])


def test_an_opted_out_person_gets_nothing(client):
    lien = lien_opposition(42)
    assert client.get(lien).status_code == 200  # reading the page records nothing
    assert not Opposition.objects.exists()
    en_attente = Envoi.objects.create(
        canal=Canal.SMS, modele="rappel_rendez_vous", personne_id=42, adresse="0612345678"
    )
    reponse = client.post(lien)
    assert "ne vous enverra plus" in reponse.content.decode()
    assert Opposition.objects.get().personne_id == 42
    en_attente.refresh_from_db()
    assert en_attente.statut == StatutEnvoi.OPPOSITION and en_attente.adresse == ""
    envoi = envoyer(
        canal=Canal.COURRIEL,
        modele="rappel_rendez_vous",
        adresse="jeanne@exemple.invalid",
        contexte=RDV,
        personne_id=42,
    )
    assert envoi.statut == StatutEnvoi.OPPOSITION and envoi.adresse == ""
    assert mail.outbox == []
    # Another person still gets theirs; a forged link is unknown.
    envoyer(
        canal=Canal.COURRIEL,
        modele="rappel_rendez_vous",
        adresse="b@exemple.invalid",
        contexte=RDV,
        personne_id=43,
    )
    assert len(mail.outbox) == 1
    assert client.get(reverse("messagerie:opposition", args=["42:faux"])).status_code == 404


def test_an_smtp_server_down_is_retried_then_the_message_leaves(settings, serveur_smtp):  # noqa: F811
    port = settings.EMAIL_PORT
    with socket.socket() as libre:
        libre.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = libre.getsockname()[1]  # nobody listens there
    envoi = envoyer(
        canal=Canal.COURRIEL,
        modele="rappel_rendez_vous",
        adresse="jeanne@exemple.invalid",
        contexte=RDV,
        personne_id=5,
    )
    envoi.refresh_from_db()
    assert (envoi.statut, envoi.tentatives) == (StatutEnvoi.EN_FILE, 1)
    assert "serveur de courriel" in envoi.erreur and "jeanne" not in envoi.erreur
    attente = envoi.prochaine_tentative - timezone.now()
    assert timedelta(seconds=50) < attente <= timedelta(minutes=1)
    assert relancer_envois.call() == 0  # not yet due
    settings.EMAIL_PORT = port
    Envoi.objects.filter(pk=envoi.pk).update(prochaine_tentative=timezone.now())
    assert relancer_envois.call() == 1
    envoi.refresh_from_db()
    assert (envoi.statut, envoi.tentatives) == (StatutEnvoi.ENVOYE, 2)
    assert len(serveur_smtp.recus) == 1


class Fournisseur(BaseHTTPRequestHandler):
    """A local SMS provider: answers the queued statuses in order, keeps what it received."""

    reponses: list[int] = []
    recus: list[dict] = []

    def do_POST(self):
        longueur = int(self.headers["Content-Length"])
        corps = json.loads(self.rfile.read(longueur))
        Fournisseur.recus.append({"corps": corps, "auth": self.headers["Authorization"]})
        statut = Fournisseur.reponses.pop(0)
        self.send_response(statut)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        if statut == 200:
            self.wfile.write(json.dumps({"id": f"fournisseur-{len(Fournisseur.recus)}"}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def fournisseur(settings):
    serveur = ThreadingHTTPServer(("127.0.0.1", 0), Fournisseur)
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    Fournisseur.reponses, Fournisseur.recus = [], []
    settings.PARCOURS_SMS_BACKEND = "parcours.messagerie.sms.HttpBackend"
    settings.PARCOURS_SMS_URL = f"http://127.0.0.1:{serveur.server_address[1]}/sms"
    settings.PARCOURS_SMS_JETON = "jeton-secret"
    yield Fournisseur
    serveur.shutdown()
    serveur.server_close()


def test_the_sms_provider_gets_the_right_payload_and_its_500_is_retried(fournisseur):
    fournisseur.reponses = [500, 200]
    envoi = envoyer(
        canal=Canal.SMS,
        modele="rappel_rendez_vous",
        adresse="06 12 34 56 78",
        contexte=RDV,
        personne_id=42,
        unite_id=3,
    )
    envoi.refresh_from_db()
    assert (envoi.statut, envoi.tentatives) == (StatutEnvoi.EN_FILE, 1)
    Envoi.objects.filter(pk=envoi.pk).update(prochaine_tentative=timezone.now())
    relancer_envois.call()
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.ENVOYE
    assert (envoi.identifiant_fournisseur, envoi.segments) == ("fournisseur-2", 1)
    premier, second = fournisseur.recus
    assert premier == second
    assert second["auth"] == "Bearer jeton-secret"
    assert second["corps"]["to"] == "+33612345678"
    assert second["corps"]["reference"] == str(envoi.pk)
    texte = second["corps"]["text"]
    assert texte.startswith("Vous avez rendez-vous avec le service social de l'Assurance Maladie")
    assert "mardi 15 décembre à 14 h 30" in texte and len(texte) <= 160


def test_a_landline_is_a_failure_said_in_french(fournisseur):
    envoi = envoyer(
        canal=Canal.SMS,
        modele="rappel_rendez_vous",
        adresse="05 63 00 00 00",
        contexte=RDV,
        personne_id=42,
    )
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.ECHEC and "portable" in envoi.erreur
    assert fournisseur.recus == [] and envoi.adresse == ""


def test_the_manager_sees_the_failures_of_the_unit_and_nobody_else(client):
    p = creer_personas()
    Envoi.objects.create(
        canal=Canal.SMS,
        modele="rappel_rendez_vous",
        unite_id=p.unite.pk,
        organisme_id=p.organisme.pk,
        statut=StatutEnvoi.ECHEC,
        erreur="ce numéro n'est pas un portable",
    )
    Envoi.objects.create(
        canal=Canal.SMS,
        modele="rappel_rendez_vous",
        unite_id=p.autre_unite.pk,
        statut=StatutEnvoi.ECHEC,
        erreur="erreur d'une autre unité",
    )
    client.force_login(p.chloe)
    page = client.get(reverse("envois")).content.decode()
    assert "1 message n'a pas pu partir" in page and "pas un portable" in page
    assert "autre unité" not in page
    client.force_login(p.adele)
    assert "pas un portable" in client.get(reverse("envois") + "?statut=ECHEC").content.decode()
    for qui in (p.alice, p.bastien, p.paula, p.pierre):
        client.force_login(qui)
        assert client.get(reverse("envois")).status_code == 403


def test_account_e_mails_go_through_the_queue_with_a_receipt():
    p = creer_personas()
    comptes.envoyer_lien_activation(p.alice, acting_user=p.adele, base="https://parcours.invalid/")
    (message,) = mail.outbox
    assert message.to == [p.alice.email] and "parcours.invalid" in message.body
    envoi = Envoi.objects.get()
    assert (envoi.agent, envoi.modele, envoi.statut) == (p.alice, "activation", StatutEnvoi.ENVOYE)
    assert envoi.contexte == {}  # the link is not kept


def test_opposer_cancels_what_waits():
    Envoi.objects.create(
        canal=Canal.COURRIEL,
        modele="rappel_rendez_vous",
        personne_id=9,
        adresse="x@exemple.invalid",
    )
    opposer(9, origine="dit à l'assistante sociale")
    assert Envoi.objects.get().statut == StatutEnvoi.OPPOSITION


def test_the_provider_s_delivery_report_completes_the_receipt(client, fournisseur):
    fournisseur.reponses = [200]
    envoi = envoyer(
        canal=Canal.SMS,
        modele="rappel_rendez_vous",
        adresse="0612345678",
        contexte=RDV,
        personne_id=42,
    )
    url = reverse("messagerie:accuse_sms")
    rapport = json.dumps({"reference": envoi.pk, "statut": "remis"})
    assert client.post(url, rapport, content_type="application/json").status_code == 403
    assert (
        client.post(
            url, rapport, content_type="application/json", headers={"Authorization": "Bearer faux"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            url,
            "{}",
            content_type="application/json",
            headers={"Authorization": "Bearer jeton-secret"},
        ).status_code
        == 400
    )
    reponse = client.post(
        url,
        rapport,
        content_type="application/json",
        headers={"Authorization": "Bearer jeton-secret"},
    )
    assert reponse.status_code == 204
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.REMIS and envoi.remis_le is not None
    # A report for an unknown receipt changes nothing and says nothing.
    inconnu = json.dumps({"reference": envoi.pk + 1000, "statut": "echec"})
    assert (
        client.post(
            url,
            inconnu,
            content_type="application/json",
            headers={"Authorization": "Bearer jeton-secret"},
        ).status_code
        == 204
    )


def test_many_messages_at_once_share_their_tasks_and_skip_refusals():
    from parcours.messagerie import sms

    sms.boite_envoi.clear()
    opposer(7, origine="dit à l'assistante sociale")
    messages = [
        {
            "canal": Canal.SMS,
            "modele": "rappel_rendez_vous",
            "adresse": "0612345678",
            "contexte": RDV,
            "personne_id": n,
        }
        for n in range(1, 251)
    ]
    envois = envoyer_lot(messages)
    assert len(envois) == 250
    statuts = list(Envoi.objects.values_list("statut", flat=True))
    assert statuts.count(StatutEnvoi.ENVOYE) == 249
    assert statuts.count(StatutEnvoi.OPPOSITION) == 1
    assert len(sms.boite_envoi) == 249
    assert not Envoi.objects.exclude(adresse="").exists()


def test_a_message_whose_task_was_lost_is_queued_again():
    perdu = Envoi.objects.create(
        canal=Canal.COURRIEL,
        modele="rappel_rendez_vous",
        adresse="jeanne@exemple.invalid",
        contexte=RDV,
        personne_id=3,
    )
    recent = Envoi.objects.create(
        canal=Canal.COURRIEL,
        modele="rappel_rendez_vous",
        adresse="paul@exemple.invalid",
        contexte=RDV,
        personne_id=4,
    )
    Envoi.objects.filter(pk=perdu.pk).update(cree_le=timezone.now() - timedelta(minutes=20))
    assert relancer_envois.call() == 1
    assert [m.to for m in mail.outbox] == [["jeanne@exemple.invalid"]]
    recent.refresh_from_db()
    assert recent.statut == StatutEnvoi.EN_FILE  # still within its queue's time


@pytest.mark.django_db
def test_an_apostrophe_stays_an_apostrophe_in_an_sms_and_in_an_e_mail_s_text(mailoutbox):
    """Plain texts are not HTML-escaped: « Permanence de l'Isle », not « l&#x27;Isle »."""
    sms.boite_envoi.clear()
    contexte = {"date": "mardi 15 décembre", "heure": "10 h", "lieu": "Permanence de l'Isle"}
    envoyer(
        canal=Canal.SMS,
        modele="confirmation_rendez_vous",
        adresse="+33612345678",
        contexte=contexte,
    )
    envoyer(
        canal=Canal.COURRIEL,
        modele="confirmation_rendez_vous",
        adresse="jeanne@exemple.invalid",
        contexte={**contexte, "adresse_lieu": "2 rue de l'Église"},
    )
    (texto,) = sms.boite_envoi
    assert "Permanence de l'Isle" in texto["texte"] and "&#x27;" not in texto["texte"]
    (courriel,) = mailoutbox
    assert "2 rue de l'Église" in courriel.body and "&#x27;" not in courriel.body
    html = courriel.alternatives[0][0]
    assert "l&#x27;Église" in html  # the HTML part keeps its escaping
