"""What the appointments add to the person's dossier page (parcours.dossiers.extensions)."""

from django.urls import reverse
from django.utils import timezone

from parcours.dossiers import perms
from parcours.dossiers.extensions import Bloc, Bouton
from parcours.rendezvous.enums import StatutRendezVous
from parcours.rendezvous.models import RendezVous


def bouton(user, assure) -> Bouton | None:
    if not perms.can_view_dossiers(user):
        return None
    return Bouton("Prendre rendez-vous", reverse("rendezvous:prendre", args=[assure.pk]))


def bloc(user, assure) -> Bloc | None:
    a_venir = list(
        RendezVous.objects.filter(
            assure=assure, statut=StatutRendezVous.PREVU, fin__gte=timezone.now()
        ).select_related("lieu", "motif", "agent")[:10]
    )
    return Bloc("Rendez-vous à venir", "rendezvous/_a_venir.html", a_venir, "rendez-vous-a-venir")
