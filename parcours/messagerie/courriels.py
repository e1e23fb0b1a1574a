"""Outgoing e-mail (DESIGN §6): Django's e-mail with French templates, text and HTML, in the
service's identity. SMTP in production (`PARCOURS_SMTP_HOTE`); without it — the demo, a
development machine — messages are written as files under `var/courriels/`, which the
administrator of the demo reads in the product (`views.courriels`).

A message's templates are `messagerie/courriels/<modele>.txt` (first line: the subject) and
`<modele>.html`; both receive `contexte` and `service` (the sender's identity).
"""

from collections.abc import Sequence
from email import message_from_bytes, policy
from email.utils import make_msgid
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from parcours.messagerie.textes import rendre_texte


def envoyer_courriel(
    *,
    a: str,
    modele: str,
    contexte: dict,
    pieces_jointes: Sequence[tuple[str, bytes, str]] = (),
) -> str:
    """Send one message to one address and return its Message-ID; raises on a transport
    failure (nothing is hidden). Queued sending, with receipts: parcours.messagerie.envois."""
    contexte = {**contexte, "service": settings.PARCOURS_SERVICE}
    identifiant = make_msgid(domain="parcours.invalid")
    texte = rendre_texte(f"messagerie/courriels/{modele}.txt", contexte)
    sujet, _, corps = texte.partition("\n")
    html = render_to_string(f"messagerie/courriels/{modele}.html", contexte)
    message = EmailMultiAlternatives(
        subject=sujet.strip(),
        body=corps.lstrip("\n"),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[a],
        headers={"Auto-Submitted": "auto-generated", "Message-ID": identifiant},
    )
    message.attach_alternative(html, "text/html")
    for nom, contenu, type_mime in pieces_jointes:
        message.attach(nom, contenu, type_mime)
    message.send()
    return identifiant


def dossier_courriels() -> Path | None:
    """Where the file backend writes, when the product may show it: in the demo only. Messages
    hold activation links; on a real instance without SMTP, an administrator reading them could
    choose another agent's password (only the operator, on the server, reads those files)."""
    if not settings.DEMO:
        return None
    if settings.EMAIL_BACKEND != "django.core.mail.backends.filebased.EmailBackend":
        return None
    return Path(settings.EMAIL_FILE_PATH)


SEPARATEUR = b"-" * 79


def lire_courriels(dossier: Path, limite: int = 200) -> list[dict[str, str]]:
    """The messages written by the file backend, newest first (each file may hold several,
    separated by a line of dashes): subject, recipient, date and text."""
    messages: list[dict[str, str]] = []
    if not dossier.is_dir():
        return messages
    fichiers = sorted(dossier.glob("*.log"), key=lambda f: f.stat().st_mtime, reverse=True)
    for fichier in fichiers:
        for brut in reversed(fichier.read_bytes().split(SEPARATEUR)):
            if not brut.strip():
                continue
            message = message_from_bytes(brut.strip(), policy=policy.default)
            corps = message.get_body(preferencelist=("plain",))
            messages.append(
                {
                    "sujet": str(message["subject"] or ""),
                    "a": str(message["to"] or ""),
                    "date": str(message["date"] or ""),
                    "texte": corps.get_content() if corps is not None else "",
                }
            )
            if len(messages) >= limite:
                return messages
    return messages
