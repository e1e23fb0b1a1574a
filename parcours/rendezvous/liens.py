"""Self-booking links: an agent (or an outreach campaign) sends one person a link, valid a few
days, opening a public page where the person picks a slot among the allowed motifs and places,
sees the address and can cancel. No account: the link is the key, so it is single-person,
signed, expiring, and can be withdrawn (parcours.rendezvous.jetons)."""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import dateformat, timezone

from parcours.dossiers.messages import canaux_autorises
from parcours.messagerie.envois import envoyer
from parcours.rendezvous import jetons
from parcours.rendezvous.creneaux import PARIS
from parcours.rendezvous.models import LienReservation

SEL = "parcours.rendezvous.lien"
VALIDITE = timedelta(days=10)


# Called after a booking through a link, in its transaction, with (link, appointment): the
# apps above register theirs (the outreach campaigns convert the invited person).
APRES_RESERVATION: list = []


class LienInvalide(Exception):
    """The link is unknown, expired or withdrawn; the message is for the person."""


def url(jeton: str) -> str:
    return settings.PARCOURS_URL.rstrip("/") + reverse("rendezvous:lien", args=[jeton])


@transaction.atomic
def creer(
    assure,
    *,
    motifs: Iterable,
    organisme,
    lieux: Iterable = (),
    acting_user=None,
    origine: str = "agent",
    validite: timedelta = VALIDITE,
) -> tuple[LienReservation, str]:
    """A new link for the person; returns it and its URL (to send, never stored)."""
    jeton, empreinte = jetons.nouveau(SEL)
    lien = LienReservation.objects.create(
        jeton_hash=empreinte,
        assure=assure,
        organisme=organisme,
        expire_le=timezone.now() + validite,
        cree_par=acting_user,
        origine=origine[:80],
    )
    lien.motifs.set(list(motifs))
    lien.lieux.set(list(lieux))
    return lien, url(jeton)


def envoyer_lien(lien: LienReservation, adresse_du_lien: str, *, acting_user=None) -> int:
    """Send the link through the person's accepted channels; returns how many messages left."""
    expire = timezone.localtime(lien.expire_le, PARIS)
    contexte = {"lien": adresse_du_lien, "expire_le": dateformat.format(expire, "j/m")}
    envois = [
        envoyer(
            canal=canal,
            modele="lien_rendez_vous",
            adresse=adresse,
            contexte=contexte,
            agent=acting_user,
            personne_id=lien.assure_id,
            organisme_id=lien.organisme_id,
            reference=f"lien:{lien.pk}",
            perime_le=lien.expire_le,
        )
        for canal, adresse in canaux_autorises(lien.assure)
    ]
    return len(envois)


def trouver(jeton: str, *, verrouiller: bool = False) -> LienReservation:
    """The link of a token, if it is still valid; LienInvalide (French message) otherwise —
    the same for a forged token and an unknown one."""
    empreinte = jetons.verifier(SEL, jeton)
    if empreinte is None:
        raise LienInvalide("Ce lien n'est pas valable. Vérifiez qu'il est complet.")
    liens = LienReservation.objects.select_related("assure__commune", "organisme")
    if verrouiller:
        liens = liens.select_for_update(of=("self",))
    lien = liens.filter(jeton_hash=empreinte).first()
    if lien is None:
        raise LienInvalide("Ce lien n'est pas valable. Vérifiez qu'il est complet.")
    if lien.revoque_le is not None:
        raise LienInvalide("Ce lien a été retiré par le service social.")
    if lien.expire_le <= timezone.now() and lien.rendez_vous_id is None:
        raise LienInvalide("Ce lien a expiré.")
    return lien


def retirer(lien: LienReservation) -> None:
    LienReservation.objects.filter(pk=lien.pk, revoque_le__isnull=True).update(
        revoque_le=timezone.now()
    )
