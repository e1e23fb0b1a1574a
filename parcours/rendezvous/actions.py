"""Taking, cancelling and reminding appointments, and telling the person: through the channels
they accepted (parcours.dossiers.messages.canaux_autorises), never naming a health-related
motif, with an `.ics` in the e-mails (parcours.rendezvous.calendrier)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from parcours.dossiers.actions import enregistrer_entretien
from parcours.dossiers.enums import ModeEntretien
from parcours.dossiers.messages import canaux_autorises
from parcours.dossiers.models import Accompagnement
from parcours.messagerie.envois import abandonner_envois, envoyer, envoyer_lot
from parcours.messagerie.models import Canal
from parcours.organisation.proximite import par_proximite
from parcours.rendezvous.attente import PropositionInvalide, proposer_creneau_libere
from parcours.rendezvous.calendrier import ics
from parcours.rendezvous.creneaux import PARIS
from parcours.rendezvous.enums import (
    STATUTS_ANNULES,
    ModeRendezVous,
    OrigineRendezVous,
    StatutAttente,
    StatutRendezVous,
)
from parcours.rendezvous.models import (
    DemandeAttente,
    LienReservation,
    Participation,
    RendezVous,
)
from parcours.rendezvous.reservation import CreneauIndisponible, reserver
from parcours.rendezvous.textes import contexte

DELAI_RAPPEL = timedelta(hours=48)


class RegleRendezVous(Exception):
    """A rule refused the operation; the message is for the user."""


def reference(rdv: RendezVous) -> str:
    return f"rendezvous:{rdv.uid}"


def _prevenir(rdv: RendezVous, modele: str, *, annulation: bool = False) -> None:
    for canal, adresse in canaux_autorises(rdv.assure):
        pieces = []
        if canal == Canal.COURRIEL:
            # METHOD:REQUEST or METHOD:CANCEL is inside the calendar itself.
            pieces = [("rendez-vous.ics", ics(rdv, annulation=annulation), "text/calendar")]
        envoyer(
            canal=canal,
            modele=modele,
            adresse=adresse,
            contexte=contexte(rdv),
            personne_id=rdv.assure_id,
            unite_id=rdv.lieu.unite_id if rdv.lieu else None,
            pieces_jointes=pieces,
            reference=reference(rdv),
        )


def minutes_trajet(assure, lieu) -> int | None:
    """The estimated drive time from the person's commune to the place (DESIGN §4), if known."""
    if lieu is None or assure.commune_id is None:
        return None
    proche = par_proximite([lieu], assure.commune, lieu.unite.organisme)[0]
    return None if proche.minutes is None else round(proche.minutes)


def agents_permis(motif, assure) -> list[int] | None:
    """Who may hold the motif for the person: their referents (open accompaniments) when the
    motif is the referent's only; None for anyone."""
    if not motif.referent_seulement:
        return None
    return list(
        Accompagnement.objects.en_cours()
        .filter(assure=assure, referent__isnull=False)
        .values_list("referent_id", flat=True)
        .distinct()
    )


def prendre(
    *, assure, motif, lieu, agent_id, debut, acting_user, autres_agents=(), **options
) -> RendezVous:
    """Book and confirm to the person (CreneauIndisponible if the slot was taken). `options`:
    origine, signalement, contact_partenaire (parcours.rendezvous.reservation.reserver)."""
    permis = agents_permis(motif, assure)
    if permis is not None and agent_id not in permis:
        raise RegleRendezVous(
            "ce motif se prend seulement avec le ou la référent·e de la personne"
            + ("" if permis else ", et elle n'a pas d'accompagnement en cours")
        )
    rdv = reserver(
        assure=assure,
        motif=motif,
        lieu=lieu,
        agent_id=agent_id,
        debut=debut,
        acting_user=acting_user,
        autres_agents=tuple(autres_agents),
        minutes_trajet=minutes_trajet(assure, lieu),
        **options,
    )
    _prevenir(rdv, "confirmation_rendez_vous")
    return rdv


@transaction.atomic
def annuler(rdv: RendezVous, *, acting_user, par_la_personne: bool) -> RendezVous:
    """Cancel: the agents and the room are free again, the waiting reminder is dropped, the
    person is told (with a METHOD:CANCEL calendar)."""
    courant = RendezVous.objects.select_for_update().get(pk=rdv.pk)
    if courant.statut in STATUTS_ANNULES:
        raise RegleRendezVous("ce rendez-vous est déjà annulé")
    if courant.statut != StatutRendezVous.PREVU:
        raise RegleRendezVous("ce rendez-vous a déjà eu lieu : il ne s'annule plus")
    courant.statut = (
        StatutRendezVous.ANNULE_PERSONNE if par_la_personne else StatutRendezVous.ANNULE_SERVICE
    )
    courant.version += 1
    courant._history_user = acting_user
    courant.save(update_fields=["statut", "version"])
    Participation.objects.filter(rendez_vous=courant).delete()
    abandonner_envois(reference(courant))
    _prevenir(courant, "annulation_rendez_vous", annulation=True)
    # The slot is free again: the persons waiting for an earlier one are told.
    transaction.on_commit(lambda: proposer_creneau_libere.enqueue(courant.pk))
    return courant


@task()
def envoyer_rappels() -> int:
    """The reminders of the appointments in the next 48 hours not yet reminded (the schedule,
    every quarter of an hour): through the person's accepted channels, never after the
    appointment itself (`perime_le`). Returns how many appointments were reminded."""
    maintenant = timezone.now()
    a_rappeler = list(
        RendezVous.objects.filter(
            statut=StatutRendezVous.PREVU,
            rappel_le__isnull=True,
            debut__gt=maintenant,
            debut__lte=maintenant + DELAI_RAPPEL,
        ).select_related("assure", "lieu", "motif")[:5000]
    )
    messages = []
    for rdv in a_rappeler:
        for canal, adresse in canaux_autorises(rdv.assure):
            messages.append(
                {
                    "canal": canal,
                    "modele": "rappel_rendez_vous",
                    "adresse": adresse,
                    "contexte": contexte(rdv),
                    "personne_id": rdv.assure_id,
                    "unite_id": rdv.lieu.unite_id if rdv.lieu else None,
                    "reference": reference(rdv),
                    "perime_le": rdv.debut,
                }
            )
    with transaction.atomic():
        RendezVous.objects.filter(pk__in=[r.pk for r in a_rappeler]).update(rappel_le=maintenant)
        if messages:
            envoyer_lot(messages)
    return len(a_rappeler)


def accepter_proposition(proposition) -> RendezVous:
    """The waiting list (parcours.rendezvous.attente): the person takes the proposed slot —
    booked if still free (else PropositionInvalide, the person stays on the list) — then their
    former appointment is cancelled."""
    with transaction.atomic():
        demande = DemandeAttente.objects.select_for_update().get(pk=proposition.demande_id)
        if demande.statut != StatutAttente.EN_ATTENTE:
            raise PropositionInvalide("Vous avez déjà obtenu un autre créneau plus tôt.")
        if proposition.expire_le <= timezone.now():
            raise PropositionInvalide("Cette proposition a expiré.")
        ancien = demande.rendez_vous
        try:
            rdv = prendre(
                assure=demande.assure,
                motif=demande.motif,
                lieu=proposition.lieu,
                agent_id=proposition.agent_id,
                debut=proposition.debut,
                acting_user=None,
                origine=OrigineRendezVous.ATTENTE,
            )
        except CreneauIndisponible:
            raise PropositionInvalide(
                "Ce créneau vient d'être pris par une autre personne. Vous restez sur la liste "
                "d'attente : un autre créneau vous sera proposé s'il se libère."
            ) from None
        demande.statut = StatutAttente.SATISFAITE
        demande.save(update_fields=["statut"])
        proposition.rendez_vous = rdv
        proposition.save(update_fields=["rendez_vous"])
        if ancien is not None and ancien.statut == StatutRendezVous.PREVU:
            annuler(ancien, acting_user=None, par_la_personne=True)
            # The link that had booked the former appointment now shows the new one.
            LienReservation.objects.filter(rendez_vous=ancien).update(rendez_vous=rdv)
    return rdv


MODE_ENTRETIEN = {
    ModeRendezVous.LIEU_ACCUEIL: ModeEntretien.LIEU_ACCUEIL,
    ModeRendezVous.TELEPHONE: ModeEntretien.TELEPHONE,
    ModeRendezVous.DOMICILE: ModeEntretien.DOMICILE,
    ModeRendezVous.VISIO: ModeEntretien.VISIO,
}
CONSTATS = (StatutRendezVous.VU, StatutRendezVous.ABSENT, StatutRendezVous.EXCUSE)


@transaction.atomic
def constater(rdv: RendezVous, statut: str, *, acting_user, notes: str = "") -> RendezVous:
    """After the appointment: seen, absent or excused. « Seen » records the interview at once —
    its date, mode, place, agent(s) and duration from the appointment, in the person's open
    accompaniment the agent follows (else a one-off intervention) — the notes to type."""
    courant = (
        RendezVous.objects.select_for_update(of=("self",))
        .select_related("motif", "lieu")
        .get(pk=rdv.pk)
    )
    if statut not in CONSTATS:
        raise RegleRendezVous("choisissez : vu, absent ou excusé")
    if courant.statut != StatutRendezVous.PREVU:
        raise RegleRendezVous(f"ce rendez-vous est déjà marqué « {courant.get_statut_display()} »")
    if courant.debut > timezone.now():
        raise RegleRendezVous("ce rendez-vous n'a pas encore commencé")
    if statut == StatutRendezVous.VU:
        accompagnement = (
            Accompagnement.objects.en_cours()
            .de_l_agent(acting_user)
            .filter(assure_id=courant.assure_id)
            .order_by("-date_debut")
            .first()
        )
        autres = (
            Participation.objects.filter(rendez_vous=courant)
            .exclude(agent_id=acting_user.pk)
            .select_related("agent")
            .first()
        )
        courant.entretien = enregistrer_entretien(
            courant.assure,
            acting_user=acting_user,
            accompagnement=accompagnement,
            date=timezone.localtime(courant.debut, PARIS).date(),
            mode=MODE_ENTRETIEN[courant.motif.mode],
            lieu_accueil=courant.lieu,
            duree_minutes=courant.motif.duree_minutes,
            second_agent=autres.agent if autres else None,
            notes=notes,
            unite=courant.lieu.unite if courant.lieu else None,
        )
    courant.statut = statut
    courant.version += 1
    courant._history_user = acting_user
    courant.save(update_fields=["statut", "version", "entretien"])
    return courant
