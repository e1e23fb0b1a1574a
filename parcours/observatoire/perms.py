"""Who sees the territorial observatory (DESIGN §1).

The regional direction (`pilotage`) sees its organisme's observatory: aggregates only, the
counts of persons per commune masked below 11. Nobody else: the observatory is a steering tool,
and the fragility map describes populations, not the unit's caseload.
"""

from parcours.organisation.enums import Role
from parcours.organisation.perms import role_de


def can_view_observatoire(user) -> bool:
    return role_de(user) == Role.PILOTAGE and user.organisme_id is not None


def can_compute_observatoire(user) -> bool:
    """Starting a new computation (parameters, refreshed data) is the regional direction's."""
    return can_view_observatoire(user)
