"""Who may see which agenda (DESIGN §1, issue 14 point 10).

- `ass`, `csam`: their own week, the appointments they hold (the main agent's, or one of the
  agents of a joint appointment); they mark those seen, absent or excused and cancel them.
- `cadre`: the week of any agent of their unit, and the unit's occupancy; cancels the
  appointments of the unit's agents (an agent off sick); marks seen only those they hold
  themselves, since « seen » records the interview in the name of the one who marks it.
- `ass`, `csam`, `cadre`: the day sheet of any reception place of their organisme (the
  permanence's staff is not always of the place's unit); each read of it is logged.
- `pilotage`, `partenaire`, `admin`: none of it (403): aggregates, their signalements,
  configuration — never an agenda, which names persons.

An agent, a place or an appointment out of the user's scope answers 404, as if it did not exist.
"""

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from parcours.dossiers.enums import PartieDossier
from parcours.dossiers.models import JournalAcces
from parcours.dossiers.perms import DELAI_CONSULTATION
from parcours.organisation.enums import Role
from parcours.organisation.models import Agent, LieuAccueil
from parcours.organisation.perms import role_de
from parcours.rendezvous.enums import StatutRendezVous
from parcours.rendezvous.models import Participation, RendezVous

ROLES_AGENDA = (Role.ASS, Role.CSAM, Role.CADRE)


def can_view_agendas(user) -> bool:
    """The roles that receive persons (or manage those who do), attached to a unit."""
    return role_de(user) in ROLES_AGENDA and user.unite_id is not None


def can_view_occupation(user) -> bool:
    """The unit's occupancy: its manager only (configuration is not dossiers, nor agendas)."""
    return role_de(user) == Role.CADRE and user.unite_id is not None


def agents_visible_to(user) -> QuerySet[Agent]:
    """Whose week the user may open: their own; a manager, every agent of their unit who may
    hold an agenda."""
    if not can_view_agendas(user):
        return Agent.objects.none()
    if role_de(user) == Role.CADRE:
        return Agent.objects.filter(unite_id=user.unite_id, role__in=ROLES_AGENDA)
    return Agent.objects.filter(pk=user.pk)


def get_agent_for_user(user, pk: int) -> Agent:
    """The agent whose week the user asks for, 404 outside their scope."""
    try:
        return agents_visible_to(user).select_related("unite").get(pk=pk)
    except Agent.DoesNotExist:
        raise Http404("agent introuvable") from None


def lieux_visible_to(user) -> QuerySet[LieuAccueil]:
    """The places whose day sheet the user may read: those of their organisme."""
    if not can_view_agendas(user) or user.organisme_id is None:
        return LieuAccueil.objects.none()
    return LieuAccueil.objects.filter(unite__organisme_id=user.organisme_id)


def get_lieu_for_user(user, pk: int) -> LieuAccueil:
    try:
        return lieux_visible_to(user).select_related("commune", "unite").get(pk=pk)
    except LieuAccueil.DoesNotExist:
        raise Http404("lieu d'accueil introuvable") from None


def lieux_de_l_unite(user) -> QuerySet[LieuAccueil]:
    """The places of the manager's unit (its occupancy)."""
    if not can_view_occupation(user):
        return LieuAccueil.objects.none()
    return LieuAccueil.objects.filter(unite_id=user.unite_id)


def tenus_par(agents: QuerySet[Agent] | list[int]) -> Q:
    """The appointments held by these agents: as the main agent or in a joint appointment."""
    participe = Participation.objects.filter(rendez_vous_id=OuterRef("pk"), agent_id__in=agents)
    return Q(agent_id__in=agents) | Q(Exists(participe))


def rendez_vous_visible_to(user) -> QuerySet[RendezVous]:
    """The appointments on the weeks the user may open."""
    if not can_view_agendas(user):
        return RendezVous.objects.none()
    return RendezVous.objects.filter(tenus_par(agents_visible_to(user).values("pk")))


def get_rendez_vous_for_user(user, pk: int) -> RendezVous:
    """An appointment of a week the user may open (404 otherwise), with what its pages show."""
    try:
        return (
            rendez_vous_visible_to(user)
            .select_related("assure", "motif", "lieu", "agent")
            .prefetch_related("participations__agent")
            .get(pk=pk)
        )
    except RendezVous.DoesNotExist:
        raise Http404("rendez-vous introuvable") from None


def tient(user, rdv: RendezVous) -> bool:
    """Whether the user holds the appointment (main agent, or one of a joint one's agents);
    reads the prefetched participations when there are."""
    return rdv.agent_id == user.pk or any(p.agent_id == user.pk for p in rdv.participations.all())


def can_constater(user, rdv: RendezVous) -> bool:
    """Seen, absent, excused: by the agents who held it — « seen » makes the interview theirs."""
    return can_view_agendas(user) and tient(user, rdv)


def can_annuler(user, rdv: RendezVous) -> bool:
    """Cancel: the agents who hold it, and the manager of the main agent's unit."""
    if not can_view_agendas(user):
        return False
    if role_de(user) == Role.CADRE and rdv.agent.unite_id == user.unite_id:
        return True
    return tient(user, rdv)


def a_constater(rdv: RendezVous, maintenant: datetime | None = None) -> bool:
    """Still to be marked seen, absent or excused: it has started and is still « prévu »."""
    return rdv.statut == StatutRendezVous.PREVU and rdv.debut <= (maintenant or timezone.now())


def a_venir(rdv: RendezVous, maintenant: datetime | None = None) -> bool:
    """Still to come, hence cancellable."""
    return rdv.statut == StatutRendezVous.PREVU and rdv.debut > (maintenant or timezone.now())


def journaliser_lecture(user, assure_ids: set[int], partie: str = PartieDossier.IDENTITE) -> None:
    """Log that the user read the identity and contact data of these persons (a day sheet
    names them with their phone): one line per person, under the same rule as
    `parcours.dossiers.perms.journaliser` — not written again when the user's latest
    consultation of that dossier, less than DELAI_CONSULTATION ago, already recorded this part.

    Two queries whatever the number of persons (the recent lines, then one insert), where
    `journaliser` would make one per person."""
    if not assure_ids:
        return
    recentes: dict[int, list[str]] = {}
    for assure_id, partie_lue in (
        JournalAcces.objects.filter(
            agent_id=user.pk,
            assure_id__in=assure_ids,
            unite_id=user.unite_id,
            date__gte=timezone.now() - DELAI_CONSULTATION,
        )
        .order_by("assure_id", "-date", "-id")
        .values_list("assure_id", "partie")
    ):
        recentes.setdefault(assure_id, []).append(partie_lue)

    def deja_lu(lignes: list[str]) -> bool:
        if not lignes:
            return False
        if lignes[0] == partie:
            return True
        return lignes[0] == PartieDossier.NOTES and len(lignes) > 1 and lignes[1] == partie

    JournalAcces.objects.bulk_create(
        [
            JournalAcces(agent_id=user.pk, assure_id=a, partie=partie, unite_id=user.unite_id)
            for a in sorted(assure_ids)
            if not deja_lu(recentes.get(a, []))
        ]
    )
