"""What a message about an appointment or a slot may say: when and where — never the motif
unless it may be named (a health-related motif never appears in an SMS nor an e-mail)."""

from datetime import datetime

from django.utils import dateformat, timezone

from parcours.rendezvous.creneaux import PARIS
from parcours.rendezvous.models import RendezVous


def _quand(debut: datetime) -> dict:
    local = timezone.localtime(debut, PARIS)
    heure = f"{local.hour} h" + (f" {local.minute:02d}" if local.minute else "")
    return {
        "date": dateformat.format(local, "l j F"),
        "date_courte": dateformat.format(local, "d/m"),
        "heure": heure,
    }


def contexte_creneau(debut: datetime, lieu) -> dict:
    """When and where, for a message."""
    valeurs = _quand(debut)
    if lieu is not None:
        valeurs["lieu"] = lieu.nom
        valeurs["adresse_lieu"] = " ".join(lieu.adresse.split())
    return valeurs


def contexte(rdv: RendezVous) -> dict:
    """What a message about the appointment may say: when and where — never the motif unless
    it may be named."""
    valeurs = contexte_creneau(rdv.debut, rdv.lieu)
    if rdv.motif.nommable_dans_les_messages:
        valeurs["motif"] = rdv.motif.libelle
    return valeurs
