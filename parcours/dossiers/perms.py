"""Who may see and change which dossier (DESIGN §1), object by object.

- `ass`: the dossiers of their unit; writes the accompaniments they are referent of or that are
  shared with them; reads interview notes of their unit.
- `csam`: identity, contact data and signalements of their unit's dossiers; never interview notes,
  nor the content of accompaniments.
- `cadre`: every dossier of the unit, notes included; assigns and triages.
- `pilotage`, `admin`: no dossier at all (aggregates and configuration only).
- `partenaire`: only the signalements they sent, and their status.

A person's dossier belongs to a unit when the person has a signalement, an accompaniment or an
interview there. Every list, export and API endpoint starts from a `*_visible_to(user)` queryset;
every dossier page goes through `get_assure_for_user`, which authorises and logs the read.
"""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from parcours.dossiers.enums import PartieDossier, StatutSignalement
from parcours.dossiers.models import (
    Accompagnement,
    Assure,
    Entretien,
    JournalAcces,
    Signalement,
)
from parcours.organisation.enums import Role
from parcours.organisation.models import Agent
from parcours.organisation.perms import role_de

ROLES_DOSSIERS = (Role.ASS, Role.CSAM, Role.CADRE)


def can_view_dossiers(user) -> bool:
    return role_de(user) in ROLES_DOSSIERS and user.unite_id is not None


def can_read_accompagnements(user) -> bool:
    """The content of accompaniments (plan, outcomes, orientations): not the CSAM."""
    return role_de(user) in (Role.ASS, Role.CADRE) and user.unite_id is not None


def can_read_notes(user, entretien: Entretien) -> bool:
    """Interview notes: only the `ass` and `cadre` of the interview's unit."""
    return role_de(user) in (Role.ASS, Role.CADRE) and entretien.unite_id == user.unite_id


def can_create_signalement(user) -> bool:
    return role_de(user) in (Role.CSAM, Role.ASS, Role.CADRE, Role.PARTENAIRE)


def can_triage(user, signalement: Signalement) -> bool:
    """The unit's manager, or the social worker the signalement was routed to."""
    if signalement.statut != StatutSignalement.A_TRAITER:
        return False
    role = role_de(user)
    if role == Role.CADRE:
        return signalement.unite_id == user.unite_id
    if role == Role.ASS:
        return signalement.unite_id == user.unite_id and signalement.agent_id in (None, user.pk)
    return False


def can_open_accompagnement(user, assure: Assure) -> bool:
    return can_read_accompagnements(user)


def can_write_accompagnement(user, accompagnement: Accompagnement) -> bool:
    role = role_de(user)
    if accompagnement.unite_id != user.unite_id:
        return False
    if role == Role.CADRE:
        return True
    if role == Role.ASS:
        return accompagnement.referent_id == user.pk or any(
            a.pk == user.pk for a in accompagnement.partage_avec.all()
        )
    return False


def can_edit_identite(user, assure: Assure) -> bool:
    return can_view_dossiers(user)


def can_read_journal(user) -> bool:
    return role_de(user) == Role.CADRE and user.unite_id is not None


def journal_visible_to(user) -> QuerySet[JournalAcces]:
    """The access log a manager reviews: every line written for their unit — the reads of its
    agents, and a partner's reads of the signalements the unit received."""
    if not can_read_journal(user):
        return JournalAcces.objects.none()
    return JournalAcces.objects.filter(unite_id=user.unite_id)


def agents_du_journal(user) -> QuerySet[Agent]:
    """The agents who appear in the log the user reviews (the choices of its agent filter):
    one probe of the (unit, agent) index per agent, whatever the length of the log."""
    return Agent.objects.filter(
        Exists(journal_visible_to(user).filter(agent_id=OuterRef("pk")))
    ).order_by("nom", "prenom", "pk")


def personne_du_journal(user, pk: int) -> Assure | None:
    """The person the log is filtered on, if they appear in the log the user reviews — None
    otherwise, exactly as for an id that exists nowhere: the filter reveals nothing."""
    return (
        Assure.objects.filter(pk=pk)
        .filter(Exists(journal_visible_to(user).filter(assure_id=OuterRef("pk"))))
        .first()
    )


def can_read_historique(user) -> bool:
    return role_de(user) == Role.CADRE and user.unite_id is not None


def assures_suivis_par(unite_id: int) -> QuerySet[Assure]:
    """The persons whose dossier a unit holds: a signalement, an accompaniment or an interview
    there."""
    return Assure.objects.filter(
        Exists(Signalement.objects.filter(assure=OuterRef("pk"), unite_id=unite_id))
        | Exists(Accompagnement.objects.filter(assure=OuterRef("pk"), unite_id=unite_id))
        | Exists(Entretien.objects.filter(assure=OuterRef("pk"), unite_id=unite_id))
    )


def assures_visible_to(user) -> QuerySet[Assure]:
    if not can_view_dossiers(user):
        return Assure.objects.none()
    return assures_suivis_par(user.unite_id)


def accompagnements_visible_to(user) -> QuerySet[Accompagnement]:
    if not can_read_accompagnements(user):
        return Accompagnement.objects.none()
    return Accompagnement.objects.filter(unite_id=user.unite_id)


def signalements_visible_to(user) -> QuerySet[Signalement]:
    role = role_de(user)
    if role == Role.PARTENAIRE:
        return Signalement.objects.filter(emetteur_id=user.pk)
    if role in ROLES_DOSSIERS and user.unite_id is not None:
        return Signalement.objects.filter(Q(unite_id=user.unite_id) | Q(emetteur_id=user.pk))
    return Signalement.objects.none()


# One line per consultation: what the agent's latest consultation of a dossier recorded less
# than this ago is not written again (a page reloaded, a page shown again after a form it posted).
# So every read of a part has a line of the same agent, dossier, part and unit at most this much
# earlier; a read is never missing, it is dated to the minute.
DELAI_CONSULTATION = timedelta(seconds=60)


def journaliser(user, assure: Assure, partie: str, *, unite_id: int | None = None) -> None:
    """Log a read; it is reviewed by the reader's unit's manager (for a reader without a unit,
    a partner, by the manager of `unite_id`: the unit that received what they read).

    One line per consultation: nothing is written when the agent's latest consultation of this
    dossier, for the same unit and less than `DELAI_CONSULTATION` ago, already recorded this part
    (a reload, the page shown again after a form it posted). Different parts stay distinct lines,
    the notes' included (written just after the page that shows them); going from one page of
    the dossier to another writes each. One query, as before the rule (JournalAcces.inscrire)."""
    JournalAcces.objects.inscrire(
        agent_id=user.pk,
        assure_id=assure.pk,
        partie=partie,
        unite_id=user.unite_id or unite_id,
        delai=DELAI_CONSULTATION,
    )


def get_assure_for_user(user, pk: int, partie: str = PartieDossier.DOSSIER) -> Assure:
    """The person's dossier if the user may read it — 404 otherwise — with the read logged."""
    try:
        assure = assures_visible_to(user).select_related("commune").get(pk=pk)
    except Assure.DoesNotExist:
        raise Http404("dossier introuvable") from None
    journaliser(user, assure, partie)
    return assure


def get_accompagnement_for_user(user, pk: int) -> Accompagnement:
    """An accompaniment of the user's unit (404 otherwise), its read logged on the dossier."""
    try:
        accompagnement = (
            accompagnements_visible_to(user)
            .select_related("assure", "mission", "referent", "unite")
            .get(pk=pk)
        )
    except Accompagnement.DoesNotExist:
        raise Http404("accompagnement introuvable") from None
    journaliser(user, accompagnement.assure, PartieDossier.ACCOMPAGNEMENT)
    return accompagnement
