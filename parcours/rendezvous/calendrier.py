"""The `.ics` attached to the confirmation and cancellation messages (RFC 5545): one event per
appointment, with a stable UID (the appointment's), METHOD:REQUEST when booked or moved,
METHOD:CANCEL when cancelled; the calendar of the person's phone updates the same event.

The motif is named only when it may be (`Motif.nommable_dans_les_messages`): otherwise the event
says « Rendez-vous avec le service social de l'Assurance Maladie », nothing more."""

from datetime import UTC

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from parcours.rendezvous.models import RendezVous

TITRE = "Rendez-vous avec le service social de l'Assurance Maladie"


def titre(rdv: RendezVous) -> str:
    if rdv.motif.nommable_dans_les_messages:
        return f"{TITRE} — {rdv.motif.libelle}"
    return TITRE


def ics(rdv: RendezVous, *, annulation: bool = False) -> bytes:
    calendrier = Calendar()
    calendrier.add("prodid", "-//Parcours//Service social de l'Assurance Maladie//FR")
    calendrier.add("version", "2.0")
    calendrier.add("method", "CANCEL" if annulation else "REQUEST")
    evenement = Event()
    evenement.add("uid", f"{rdv.uid}@parcours")
    evenement.add("dtstamp", timezone.now().astimezone(UTC))
    evenement.add("dtstart", rdv.debut.astimezone(UTC))
    evenement.add("dtend", rdv.fin.astimezone(UTC))
    evenement.add("summary", titre(rdv))
    evenement.add("sequence", rdv.version)
    evenement.add("status", "CANCELLED" if annulation else "CONFIRMED")
    if rdv.lieu is not None:
        adresse = " ".join(rdv.lieu.adresse.split())
        evenement.add("location", f"{rdv.lieu.nom}{', ' + adresse if adresse else ''}")
    evenement.add(
        "description",
        f"{settings.PARCOURS_SERVICE['nom']}. En cas d'empêchement : 36 46.",
    )
    calendrier.add_component(evenement)
    return calendrier.to_ical()
