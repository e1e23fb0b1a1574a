"""Sending a message: queued with its receipt, sent by a worker, retried on a provider's
failure, never sent to a person who refused messages.

    envoyer(canal=Canal.COURRIEL, modele="activation", adresse=agent.email, agent=agent,
            contexte={...})

`contexte` must be JSON (names, dates as text, links); e-mail templates are
`messagerie/courriels/<modele>.txt|.html`, SMS templates `messagerie/sms/<modele>.txt` — an SMS
template says no more than « Vous avez rendez-vous avec le service social de l'Assurance Maladie
le … à … »: never a mission, a motif, a health detail. A message to a person carries, in its
e-mail form, a link to refuse the service's messages (`lien_opposition`).

A temporary failure (an SMTP server or an SMS provider down, a 5xx, a 429) is retried after 1,
5, 30 minutes and 2 hours (the schedule's « relance des messages » every minute); then, or at
once for a permanent failure, the receipt says « échec » with a French reason, which the unit's
manager and the administrator see.
"""

import base64
import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from parcours.messagerie import sms
from parcours.messagerie.courriels import envoyer_courriel
from parcours.messagerie.models import Canal, Envoi, Opposition, StatutEnvoi
from parcours.messagerie.textes import rendre_texte

logger = logging.getLogger(__name__)

# A message still queued this long after it was written lost its task (a worker died with
# it): the schedule queues it again.
PERDU = timedelta(minutes=15)
ATTENTES = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
SEL_OPPOSITION = "parcours.messagerie.opposition"


def envoyer(
    *,
    canal: str,
    modele: str,
    adresse: str,
    contexte: dict | None = None,
    agent=None,
    personne_id: int | None = None,
    unite_id: int | None = None,
    organisme_id: int | None = None,
    pieces_jointes: list[tuple[str, bytes, str]] = (),
    reference: str = "",
    perime_le=None,
) -> Envoi:
    """Queue a message and return its receipt; to a person who refused messages, nothing
    leaves (the receipt says so)."""
    if agent is not None and organisme_id is None:
        organisme_id = agent.organisme_id
    envoi = Envoi(
        canal=canal,
        modele=modele,
        agent=agent,
        personne_id=personne_id,
        unite_id=unite_id,
        organisme_id=organisme_id,
        reference=reference,
        perime_le=perime_le,
    )
    if personne_id is not None and Opposition.objects.filter(personne_id=personne_id).exists():
        envoi.statut = StatutEnvoi.OPPOSITION
        envoi.save()
        return envoi
    envoi.adresse = adresse
    envoi.contexte = contexte or {}
    envoi.pieces_jointes = [
        {"nom": nom, "type": type_mime, "contenu": base64.b64encode(contenu).decode()}
        for nom, contenu, type_mime in pieces_jointes
    ]
    envoi.save()
    expedier.enqueue(envoi.pk)
    return envoi


TAILLE_LOT = 100


def envoyer_lot(messages: list[dict]) -> list[Envoi]:
    """Many messages at once — the day's reminders, a campaign's invitations: each dict holds
    `envoyer`'s arguments. The receipts are written in bulk and one task sends each hundred:
    the queue's cost is shared, and nothing is sent to a person who refused messages."""
    refus = set(
        Opposition.objects.filter(
            personne_id__in={m["personne_id"] for m in messages if m.get("personne_id")}
        ).values_list("personne_id", flat=True)
    )
    envois = []
    for m in messages:
        envoi = Envoi(
            canal=m["canal"],
            modele=m["modele"],
            agent=m.get("agent"),
            personne_id=m.get("personne_id"),
            unite_id=m.get("unite_id"),
            organisme_id=m.get("organisme_id"),
            reference=m.get("reference", ""),
            perime_le=m.get("perime_le"),
        )
        if envoi.personne_id in refus:
            envoi.statut = StatutEnvoi.OPPOSITION
        else:
            envoi.adresse = m["adresse"]
            envoi.contexte = m.get("contexte") or {}
        envois.append(envoi)
    with transaction.atomic():
        envois = Envoi.objects.bulk_create(envois, batch_size=500)
        a_envoyer = [e.pk for e in envois if e.statut == StatutEnvoi.EN_FILE]
        for debut in range(0, len(a_envoyer), TAILLE_LOT):
            expedier_lot.enqueue(a_envoyer[debut : debut + TAILLE_LOT])
    return envois


def lien_opposition(personne_id: int) -> str:
    jeton = signing.dumps(personne_id, salt=SEL_OPPOSITION)
    return settings.PARCOURS_URL.rstrip("/") + reverse("messagerie:opposition", args=[jeton])


def personne_du_jeton(jeton: str) -> int | None:
    try:
        return int(signing.loads(jeton, salt=SEL_OPPOSITION))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def opposer(personne_id: int, *, origine: str) -> None:
    """Record the refusal; the messages still waiting for this person are not sent."""
    Opposition.objects.get_or_create(personne_id=personne_id, defaults={"origine": origine})
    Envoi.objects.filter(personne_id=personne_id, statut=StatutEnvoi.EN_FILE).update(
        statut=StatutEnvoi.OPPOSITION, adresse="", contexte={}, pieces_jointes=[]
    )


def abandonner_envois(reference: str) -> int:
    """Drop the messages still waiting about something that no longer holds (a cancelled
    appointment's reminder); returns how many."""
    return Envoi.objects.filter(reference=reference, statut=StatutEnvoi.EN_FILE).update(
        statut=StatutEnvoi.SANS_OBJET,
        adresse="",
        contexte={},
        pieces_jointes=[],
        prochaine_tentative=None,
    )


class EchecTemporaire(Exception):
    pass


def _expedier_courriel(envoi: Envoi) -> str:
    contexte = dict(envoi.contexte)
    if envoi.personne_id is not None:
        contexte["lien_opposition"] = lien_opposition(envoi.personne_id)
    pieces = [(p["nom"], base64.b64decode(p["contenu"]), p["type"]) for p in envoi.pieces_jointes]
    try:
        return envoyer_courriel(
            a=envoi.adresse, modele=envoi.modele, contexte=contexte, pieces_jointes=pieces
        )
    except (smtplib.SMTPException, OSError) as erreur:
        raise EchecTemporaire(
            f"le serveur de courriel n'a pas accepté le message ({type(erreur).__name__})"
        ) from None


def _expedier_sms(envoi: Envoi) -> str:
    texte = rendre_texte(f"messagerie/sms/{envoi.modele}.txt", envoi.contexte).strip()
    texte = sms.verifier_un_sms(texte)
    numero = sms.normaliser_mobile(envoi.adresse)
    try:
        identifiant = sms.backend().envoyer(numero, texte, str(envoi.pk))
    except sms.ErreurFournisseur as erreur:
        if erreur.temporaire:
            raise EchecTemporaire(str(erreur)) from None
        raise
    envoi.segments = sms.segments(texte)
    return identifiant


def _terminer(envoi: Envoi, **champs) -> None:
    Envoi.objects.filter(pk=envoi.pk).update(
        adresse="", contexte={}, pieces_jointes=[], prochaine_tentative=None, **champs
    )


@task()
def expedier(envoi_id: int) -> None:
    """Send one queued message (the task)."""
    _expedier(envoi_id)


@task()
def expedier_lot(envois: list[int]) -> None:
    """Send queued messages one after the other (the task of `envoyer_lot`)."""
    for envoi_id in envois:
        _expedier(envoi_id)


BAIL = timedelta(minutes=10)


def _expedier(envoi_id: int) -> None:
    with transaction.atomic():
        envoi = Envoi.objects.select_for_update().filter(pk=envoi_id).first()
        if envoi is None or envoi.statut != StatutEnvoi.EN_FILE:
            return
        if envoi.perime_le is not None and timezone.now() >= envoi.perime_le:
            # A reminder the provider's failure delayed past its appointment: never sent.
            _terminer(envoi, statut=StatutEnvoi.SANS_OBJET, erreur="trop tard : sans objet")
            return
        # Taken for this attempt: if this worker dies while sending, the schedule's round
        # queues it again once the lease is over (never twice at the same time).
        Envoi.objects.filter(pk=envoi.pk).update(prochaine_tentative=timezone.now() + BAIL)
    tentatives = envoi.tentatives + 1
    try:
        if envoi.canal == Canal.COURRIEL:
            identifiant = _expedier_courriel(envoi)
        else:
            identifiant = _expedier_sms(envoi)
    except EchecTemporaire as erreur:
        if tentatives <= len(ATTENTES):
            Envoi.objects.filter(pk=envoi.pk).update(
                tentatives=tentatives,
                erreur=str(erreur)[:300],
                prochaine_tentative=timezone.now() + ATTENTES[tentatives - 1],
            )
        else:
            _terminer(
                envoi,
                statut=StatutEnvoi.ECHEC,
                tentatives=tentatives,
                erreur=f"{erreur} — abandonné après {tentatives} tentatives"[:300],
            )
        logger.warning("envoi %s : échec temporaire (%s)", envoi.pk, tentatives)
    except (sms.ErreurSms, ValueError) as erreur:
        _terminer(envoi, statut=StatutEnvoi.ECHEC, tentatives=tentatives, erreur=str(erreur)[:300])
        logger.warning("envoi %s : échec", envoi.pk)
    else:
        _terminer(
            envoi,
            statut=StatutEnvoi.ENVOYE,
            tentatives=tentatives,
            erreur="",
            envoye_le=timezone.now(),
            identifiant_fournisseur=(identifiant or "")[:100],
            segments=envoi.segments,
        )


@task()
def relancer_envois() -> int:
    """Queue again the messages whose retry time has come, those whose worker died while
    sending (their lease is over), and those whose task was lost (still queued long after they
    were written): the schedule, every minute."""
    maintenant = timezone.now()
    dus = list(
        Envoi.objects.filter(statut=StatutEnvoi.EN_FILE)
        .filter(
            Q(prochaine_tentative__lte=maintenant)
            | Q(prochaine_tentative__isnull=True, cree_le__lt=maintenant - PERDU)
        )
        .values_list("pk", "prochaine_tentative")[:1000]
    )
    partis = 0
    for pk, prochaine in dus:
        # Claimed before it is queued (a lease for the queued task): a later round does not
        # queue it twice.
        if Envoi.objects.filter(pk=pk, prochaine_tentative=prochaine).update(
            prochaine_tentative=maintenant + PERDU
        ):
            expedier.enqueue(pk)
            partis += 1
    return partis
