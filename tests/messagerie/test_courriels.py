"""Outgoing e-mail: a real SMTP exchange with a local server (aiosmtpd), and the files the demo
writes, read back by the administrator in the product."""

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from django.urls import reverse

from parcours.messagerie.courriels import envoyer_courriel
from tests.personas import creer_personas


class Boite(Sink):
    """Keeps every message the server receives."""

    def __init__(self):
        self.recus = []

    async def handle_DATA(self, server, session, envelope):
        self.recus.append(envelope)
        return "250 OK"


@pytest.fixture
def serveur_smtp(settings):
    boite = Boite()
    with socket.socket() as libre:
        libre.bind(("127.0.0.1", 0))
        port = libre.getsockname()[1]
    controleur = Controller(boite, hostname="127.0.0.1", port=port)
    controleur.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield boite
    controleur.stop()


@pytest.mark.django_db
def test_a_message_arrives_over_smtp_with_text_html_and_attachment(serveur_smtp, settings):
    settings.PARCOURS_SERVICE = {
        "nom": "Service social de l'Assurance Maladie",
        "entite": "Carsat de test",
        "contact": "",
    }
    p = creer_personas()
    envoyer_courriel(
        a="chloe@exemple.invalid",
        modele="activation",
        contexte={"agent": p.chloe, "lien": "https://parcours.invalid/l", "heures": 72},
        pieces_jointes=[("note.txt", "Pièce jointe".encode(), "text/plain")],
    )
    (enveloppe,) = serveur_smtp.recus
    assert enveloppe.rcpt_tos == ["chloe@exemple.invalid"]
    message = email.message_from_bytes(enveloppe.content, policy=policy.default)
    assert message["To"] == "chloe@exemple.invalid"
    assert message["Subject"] == "Parcours : choisissez un nouveau mot de passe"
    assert message["Auto-Submitted"] == "auto-generated"
    texte = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "https://parcours.invalid/l" in texte and "https://parcours.invalid/l" in html
    assert "Carsat de test" in texte and "Carsat de test" in html
    (piece,) = list(message.iter_attachments())
    assert piece.get_filename() == "note.txt"
    assert piece.get_content() == "Pièce jointe"


@pytest.mark.django_db
def test_the_demo_writes_files_the_administrator_reads(client, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.DEMO = True
    p = creer_personas()
    envoyer_courriel(
        a="alice@exemple.invalid",
        modele="activation",
        contexte={"agent": p.alice, "lien": "http://x/lien-demo", "heures": 72},
    )
    client.force_login(p.adele)
    page = client.get(reverse("courriels")).content.decode()
    assert "alice@exemple.invalid" in page and "http://x/lien-demo" in page
    # Nobody else reads them.
    client.force_login(p.chloe)
    assert client.get(reverse("courriels")).status_code == 403
    # With SMTP configured, nothing is kept, and the page says so.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    client.force_login(p.adele)
    assert client.get(reverse("courriels")).status_code == 404


@pytest.mark.django_db
def test_outside_the_demo_no_administrator_reads_the_activation_links(client, settings, tmp_path):
    """A real instance without SMTP writes files too: the product never shows them (they carry
    activation links, with which an administrator could choose another agent's password)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.DEMO = False
    p = creer_personas()
    envoyer_courriel(
        a="alice@exemple.invalid",
        modele="activation",
        contexte={"agent": p.alice, "lien": "http://x/lien-secret", "heures": 72},
    )
    client.force_login(p.adele)
    assert client.get(reverse("courriels")).status_code == 404
    assert "Courriels envoyés" not in client.get(reverse("accueil")).content.decode()
