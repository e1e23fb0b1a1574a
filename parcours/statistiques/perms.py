"""Who sees which statistics (DESIGN §1 and §3).

A unit manager (`cadre`) sees their unit's figures without secrecy; the regional direction
(`pilotage`) sees its organisme, its départements and units, with secrecy (counts below 11
masked). Nobody gets figures per social worker.
"""

from django.http import Http404

from parcours.organisation.enums import Role
from parcours.organisation.models import Unite
from parcours.organisation.perms import role_de
from parcours.statistiques.indicateurs import Perimetre


def can_view_statistiques(user) -> bool:
    role = role_de(user)
    if role == Role.CADRE:
        return user.unite_id is not None
    return role == Role.PILOTAGE and user.organisme_id is not None


def can_manage_rapports(user) -> bool:
    """The annual report is the regional direction's: it generates it and writes its texts."""
    return role_de(user) == Role.PILOTAGE and user.organisme_id is not None


def masquer(user) -> bool:
    """Statistical secrecy applies to every role but the unit manager's."""
    return role_de(user) != Role.CADRE


def role_vue(user) -> str:
    return Role.CADRE if not masquer(user) else Role.PILOTAGE


def perimetre_for(user, departement: str | None = None, unite: str | None = None) -> Perimetre:
    """The scope a user asks for, within what they may see; 404 outside it."""
    if role_de(user) == Role.CADRE:
        u = Unite.objects.select_related("organisme", "departement").get(pk=user.unite_id)
        return Perimetre(u.organisme, u.departement, u)
    organisme = user.organisme
    perimetre = Perimetre(organisme)
    if departement:
        d = organisme.departements().filter(code=departement).first()
        if d is None:
            raise Http404("département hors du territoire de l'organisme")
        perimetre = Perimetre(organisme, d)
    if unite:
        qs = Unite.objects.select_related("departement").filter(organisme=organisme)
        if perimetre.departement is not None:
            qs = qs.filter(departement=perimetre.departement)
        u = qs.filter(pk=unite).first() if unite.isdigit() else None
        if u is None:
            raise Http404("unité hors du périmètre")
        perimetre = Perimetre(organisme, u.departement, u)
    return perimetre
