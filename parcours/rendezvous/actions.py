"""Taking, cancelling and reminding appointments, and telling the person: through the channels
they accepted (parcours.dossiers.messages.canaux_autorises), never naming a health-related
motif, with an `.ics` in the e-mails (parcours.rendezvous.calendrier)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import dateformat, timezone
from django_tasks import task

from parcours.dossiers.actions import enregistrer_entretien
from parcours.dossiers.enums import ModeEntretien
from parcours.dossiers.messages import canaux_autorises
from parcours.dossiers.models import Accompagnement
from parcours.messagerie.envois import abandonner_envois, envoyer, envoyer_lot
from parcours.messagerie.models import Canal
from parcours.rendezvous.calendrier import ics
from parcours.rendezvous.creneaux import PARIS
from parcours.rendezvous.enums import STATUTS_ANNULES, ModeRendezVous, StatutRendezVous
from parcours.rendezvous.models import Participation, RendezVous
from parcours.rendezvous.reservation import reserver

DELAI_RAPPEL = timedelta(hours=48)


class RegleRendezVous(Exception):
    """A rule refused the operation; the message is for the user."""


def _quand(debut: datetime) -> dict:
    local = timezone.localtime(debut, PARIS)
    heure = f"{local.hour} h" + (f" {local.minute:02d}" if local.minute else "")
    return {"date": dateformat.format(local, "l j F"), "heure": heure}


def contexte(rdv: RendezVous) -> dict:
    """What a message about the appointment may say: when and where — never the motif unless
    it may be named."""
    valeurs = _quand(rdv.debut)
    if rdv.lieu is not None:
        valeurs["lieu"] = rdv.lieu.nom
        valeurs["adresse_lieu"] = " ".join(rdv.lieu.adresse.split())
    if rdv.motif.nommable_dans_les_messages:
        valeurs["motif"] = rdv.motif.libelle
    return valeurs


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


def prendre(*, assure, motif, lieu, agent_id, debut, acting_user, autres_agents=()) -> RendezVous:
    """Book and confirm to the person (CreneauIndisponible if the slot was taken)."""
    rdv = reserver(
        assure=assure,
        motif=motif,
        lieu=lieu,
        agent_id=agent_id,
        debut=debut,
        acting_user=acting_user,
        autres_agents=tuple(autres_agents),
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
