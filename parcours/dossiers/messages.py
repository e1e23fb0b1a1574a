"""The service's messages to a person: by which channels they may be reached (their consent,
their numbers, no refusal), and recording a refusal told to an agent. The apps that write to
persons (appointments, campaigns) send only through `canaux_autorises`."""

from parcours.dossiers.models import Assure
from parcours.lib.telephone import TelephoneInvalide, est_mobile, normaliser_telephone
from parcours.messagerie.envois import opposer
from parcours.messagerie.models import Canal, Opposition


def a_refuse(assure: Assure) -> Opposition | None:
    return Opposition.objects.filter(personne_id=assure.pk).first()


def canaux_autorises(assure: Assure) -> list[tuple[str, str]]:
    """(channel, address) pairs the person accepted and can be reached by; none after a
    refusal."""
    if a_refuse(assure) is not None:
        return []
    canaux = []
    if assure.consentement_sms and assure.telephone:
        try:
            numero = normaliser_telephone(assure.telephone)
        except TelephoneInvalide:
            numero = ""
        if numero and est_mobile(numero):
            canaux.append((Canal.SMS, numero))
    if assure.consentement_courriel and assure.email:
        canaux.append((Canal.COURRIEL, assure.email))
    return canaux


def enregistrer_refus(assure: Assure, *, acting_user) -> None:
    """The person told an agent they want no more messages."""
    opposer(assure.pk, origine=f"dit à {acting_user.get_full_name()}"[:100])
