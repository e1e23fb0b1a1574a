"""Who may use what (DESIGN §1). Every view and list starts from these predicates."""

from django.db.models import QuerySet

from parcours.messagerie.models import Envoi
from parcours.organisation.enums import Role
from parcours.organisation.models import Agent, LieuAccueil


def role_de(user) -> Role | None:
    """The role of a signed-in user (None for an anonymous visitor): every permission predicate
    of every app starts from it."""
    if not user.is_authenticated or not user.role:
        return None
    return Role(user.role)


def can_administer(user) -> bool:
    """The functional administrator: referentials, users, rights; never dossiers."""
    return role_de(user) == Role.ADMIN


def can_view_lieux_accueil(user) -> bool:
    return role_de(user) in (Role.ASS, Role.CSAM, Role.CADRE, Role.PILOTAGE, Role.ADMIN)


def can_view_equipe(user) -> bool:
    """A unit manager sees the agents of their unit."""
    return role_de(user) == Role.CADRE


def lieux_accueil_visible_to(user) -> QuerySet[LieuAccueil]:
    """Reception places of the user's organisme (every organisme for an admin without one)."""
    if not can_view_lieux_accueil(user):
        return LieuAccueil.objects.none()
    qs = LieuAccueil.objects.all()
    if user.organisme_id is not None:
        qs = qs.filter(unite__organisme_id=user.organisme_id)
    elif role_de(user) != Role.ADMIN:
        return LieuAccueil.objects.none()
    return qs


def equipe_visible_to(user) -> QuerySet[Agent]:
    if not can_view_equipe(user) or user.unite_id is None:
        return Agent.objects.none()
    return Agent.objects.filter(unite_id=user.unite_id, is_active=True)


def can_read_journal_comptes(user) -> bool:
    """The organisme's unit managers read who made which account a reader of dossiers."""
    return role_de(user) == Role.CADRE and user.organisme_id is not None


def can_read_envois(user) -> bool:
    """The receipts of the messages sent: the unit's manager (their unit's), the administrator
    (their organisme's, to see failures of account e-mails)."""
    return role_de(user) in (Role.CADRE, Role.ADMIN)


def envois_visibles(user):
    """The receipts a manager or an administrator follows; none for the others."""
    role = role_de(user)
    if role == Role.CADRE:
        return Envoi.objects.filter(unite_id=user.unite_id)
    if role == Role.ADMIN:
        if user.organisme_id is None:
            return Envoi.objects.all()
        return Envoi.objects.filter(organisme_id=user.organisme_id)
    return Envoi.objects.none()
