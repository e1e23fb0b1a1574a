"""What the appointments add to the person's dossier page and to a signalement's page
(parcours.dossiers.extensions)."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from parcours.dossiers import perms
from parcours.dossiers.extensions import Bloc, Bouton
from parcours.rendezvous.enums import StatutAttente, StatutRendezVous
from parcours.rendezvous.models import DemandeAttente, Participation, RendezVous


def bouton(user, assure) -> Bouton | None:
    if not perms.can_view_dossiers(user):
        return None
    return Bouton("Prendre rendez-vous", reverse("rendezvous:prendre", args=[assure.pk]))


def bouton_signalement(user, signalement) -> Bouton | None:
    """Book while handling the signalement (a call, a referral): the appointment keeps it."""
    if not perms.can_view_dossiers(user) or signalement.assure_id is None:
        return None
    url = reverse("rendezvous:prendre", args=[signalement.assure_id])
    return Bouton("Prendre rendez-vous", f"{url}?signalement={signalement.pk}")


def bloc(user, assure) -> Bloc | None:
    a_venir = list(
        RendezVous.objects.filter(
            assure=assure, statut=StatutRendezVous.PREVU, fin__gte=timezone.now()
        )
        .select_related("lieu", "motif", "agent", "contact_partenaire__partenaire")
        .prefetch_related(
            Prefetch("participations", queryset=Participation.objects.select_related("agent"))
        )[:10]
    )
    en_attente = list(
        DemandeAttente.objects.filter(assure=assure, statut=StatutAttente.EN_ATTENTE)
        .select_related("motif", "rendez_vous")
        .prefetch_related("lieux")
    )
    return Bloc(
        "Rendez-vous à venir",
        "rendezvous/_a_venir.html",
        {"a_venir": a_venir, "en_attente": en_attente},
        "rendez-vous-a-venir",
    )
