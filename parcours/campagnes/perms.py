"""Who may do what with the outreach campaigns (DESIGN §1, issue 15).

- `cadre`: the campaigns of their organisme — create, import the list, correct and exclude rows,
  weigh the priority, validate, print the letters, see the funnel.
- `ass`, `csam`: their work list — the retained rows of validated campaigns assigned to them,
  or to their unit without a worker — and the rows on it: call, record the outcome, book.
- `pilotage`: the funnel's figures only, in the statistics (never a row: rows name persons).
- `partenaire`, `admin`: nothing here.

A campaign or a row out of the user's scope answers 404, as if it did not exist.
"""

from django.db.models import Q, QuerySet

from parcours.campagnes.enums import EtatCible, StatutCampagne
from parcours.campagnes.models import Campagne, Cible
from parcours.organisation.enums import Role
from parcours.organisation.perms import role_de


def can_manage(user) -> bool:
    return role_de(user) == Role.CADRE and user.organisme_id is not None


def can_contact(user) -> bool:
    return role_de(user) in (Role.ASS, Role.CSAM) and user.unite_id is not None


def campagnes_visibles(user) -> QuerySet[Campagne]:
    if not can_manage(user):
        return Campagne.objects.none()
    return Campagne.objects.filter(organisme_id=user.organisme_id)


def cibles_a_contacter(user) -> QuerySet[Cible]:
    """The rows an agent may work: theirs, and their unit's unassigned ones."""
    if not can_contact(user):
        return Cible.objects.none()
    return Cible.objects.filter(
        campagne__organisme_id=user.organisme_id,
        campagne__statut=StatutCampagne.VALIDEE,
        etat=EtatCible.RETENUE,
    ).filter(Q(agent=user) | Q(agent__isnull=True, unite_id=user.unite_id))


def cibles_visibles(user) -> QuerySet[Cible]:
    """Rows the user may open: a cadre, every row of their organisme's campaigns; an agent,
    their work list's."""
    if can_manage(user):
        return Cible.objects.filter(campagne__organisme_id=user.organisme_id)
    return cibles_a_contacter(user)
