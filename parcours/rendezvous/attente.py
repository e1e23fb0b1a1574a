"""The waiting list: a person may ask for an earlier slot than the one they hold (or for any
slot, when nothing was free). When a slot frees up (a cancellation), the first persons waiting
for that motif at that place get it proposed by SMS or e-mail, with a link; the first to accept
wins it (parcours.rendezvous.actions.accepter_proposition: the booking's own guarantee settles
the race) and their former appointment is cancelled, which frees a slot in turn.

The anchors keep a list for the agents only; here the person is told and answers alone.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from parcours.dossiers.messages import canaux_autorises
from parcours.messagerie.envois import envoyer
from parcours.rendezvous import jetons
from parcours.rendezvous.creneaux import Creneau, creneaux_libres
from parcours.rendezvous.enums import StatutAttente, StatutRendezVous
from parcours.rendezvous.models import DemandeAttente, PropositionAttente, RendezVous
from parcours.rendezvous.textes import contexte_creneau

SEL = "parcours.rendezvous.attente"
# A freed slot is proposed to this many persons at once: the first to accept wins it.
PERSONNES_PAR_CRENEAU = 3
# How long a proposal stays open (at most: never past the motif's minimal delay).
VALIDITE = timedelta(hours=24)


class RegleAttente(Exception):
    """The waiting list refused; the message is for the user (agent or person)."""


@transaction.atomic
def inscrire(
    assure, *, motif, lieux: Iterable, rendez_vous: RendezVous | None = None, acting_user=None
) -> DemandeAttente:
    """Put the person on the waiting list for the motif at these places (one open request per
    person and motif: asking again replaces the places)."""
    lieux = list(lieux)
    if not lieux:
        raise RegleAttente("choisissez au moins un lieu d'accueil")
    if rendez_vous is not None and (
        rendez_vous.assure_id != assure.pk or rendez_vous.statut != StatutRendezVous.PREVU
    ):
        raise RegleAttente("ce rendez-vous ne peut plus être avancé")
    demande = (
        DemandeAttente.objects.select_for_update()
        .filter(assure=assure, motif=motif, statut=StatutAttente.EN_ATTENTE)
        .first()
    )
    if demande is None:
        demande = DemandeAttente.objects.create(
            assure=assure, motif=motif, rendez_vous=rendez_vous, cree_par=acting_user
        )
    else:
        demande.rendez_vous = rendez_vous
        demande.save(update_fields=["rendez_vous"])
    demande.lieux.set(lieux)
    return demande


def retirer(demande: DemandeAttente) -> None:
    DemandeAttente.objects.filter(pk=demande.pk, statut=StatutAttente.EN_ATTENTE).update(
        statut=StatutAttente.RETIREE
    )


def url(jeton: str) -> str:
    return settings.PARCOURS_URL.rstrip("/") + reverse("rendezvous:plus_tot", args=[jeton])


def _en_attente_pour(creneau: Creneau, motif_id: int, maintenant: datetime):
    """The requests this slot answers, oldest first: same motif, the place accepted, and either
    no appointment held or one later than the slot."""
    return (
        DemandeAttente.objects.filter(
            statut=StatutAttente.EN_ATTENTE, motif_id=motif_id, lieux=creneau.lieu_id
        )
        .filter(
            Q(rendez_vous__isnull=True)
            | Q(rendez_vous__statut=StatutRendezVous.PREVU, rendez_vous__debut__gt=creneau.debut)
        )
        .exclude(
            Exists(
                PropositionAttente.objects.filter(
                    demande=OuterRef("pk"), lieu_id=creneau.lieu_id, debut=creneau.debut
                )
            )
        )
        .select_related("assure")
        .order_by("cree_le", "pk")
    )


@task()
def proposer_creneau_libere(rendez_vous_id: int) -> int:
    """After a cancellation: propose the slots it freed to the persons waiting. Returns how
    many proposals were sent."""
    libere = (
        RendezVous.objects.select_related("motif", "lieu__commune")
        .filter(pk=rendez_vous_id)
        .first()
    )
    if libere is None or libere.lieu is None:
        return 0
    maintenant = timezone.now()
    libres = creneaux_libres(
        libere.motif,
        [libere.lieu],
        agents=[libere.agent_id],
        par_lieu=None,
        maintenant=maintenant,
    ).get(libere.lieu_id, [])
    envoyees = 0
    for creneau in libres:
        if not (libere.debut <= creneau.debut < libere.fin):
            continue
        for demande in _en_attente_pour(creneau, libere.motif_id, maintenant)[
            :PERSONNES_PAR_CRENEAU
        ]:
            envoyees += _proposer(demande, creneau, maintenant)
    return envoyees


def _proposer(demande: DemandeAttente, creneau: Creneau, maintenant: datetime) -> int:
    canaux = canaux_autorises(demande.assure)
    if not canaux:
        return 0
    jeton, empreinte = jetons.nouveau(SEL)
    limite = creneau.debut - timedelta(hours=demande.motif.delai_min_heures)
    proposition = PropositionAttente.objects.create(
        demande=demande,
        jeton_hash=empreinte,
        agent_id=creneau.agent_id,
        lieu_id=creneau.lieu_id,
        debut=creneau.debut,
        expire_le=min(maintenant + VALIDITE, limite),
    )
    contexte = {**contexte_creneau(creneau.debut, proposition.lieu), "lien": url(jeton)}
    for canal, adresse in canaux:
        envoyer(
            canal=canal,
            modele="creneau_plus_tot",
            adresse=adresse,
            contexte=contexte,
            personne_id=demande.assure_id,
            unite_id=proposition.lieu.unite_id,
            reference=f"attente:{proposition.pk}",
            perime_le=proposition.expire_le,
        )
    return 1


class PropositionInvalide(Exception):
    """The proposal is unknown, expired, or already answered; the message is for the person."""


def trouver(jeton: str) -> PropositionAttente:
    empreinte = jetons.verifier(SEL, jeton)
    proposition = (
        PropositionAttente.objects.select_related(
            "demande__assure", "demande__motif", "demande__rendez_vous__lieu", "lieu"
        )
        .filter(jeton_hash=empreinte or "-")
        .first()
    )
    if proposition is None:
        raise PropositionInvalide("Ce lien n'est pas valable. Vérifiez qu'il est complet.")
    return proposition


@task()
def expirer_demandes() -> int:
    """Nightly: requests whose appointment has passed, or older than the motif's booking
    window, expire."""
    maintenant = timezone.now()
    expirees = 0
    for demande in DemandeAttente.objects.filter(statut=StatutAttente.EN_ATTENTE).select_related(
        "motif", "rendez_vous"
    ):
        passe = demande.rendez_vous is not None and demande.rendez_vous.debut <= maintenant
        vieille = demande.cree_le + timedelta(days=demande.motif.delai_max_jours) <= maintenant
        if passe or vieille:
            expirees += DemandeAttente.objects.filter(
                pk=demande.pk, statut=StatutAttente.EN_ATTENTE
            ).update(statut=StatutAttente.EXPIREE)
    return expirees
