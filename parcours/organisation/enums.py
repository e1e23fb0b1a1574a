from django.db import models


class Role(models.TextChoices):
    """The roles of DESIGN §1; the codes are those of `agents.csv`."""

    ASS = "ass", "assistant·e de service social"
    CSAM = "csam", "conseiller·ère du service social (CSAM)"
    CADRE = "cadre", "cadre d'unité"
    PILOTAGE = "pilotage", "pilotage régional"
    PARTENAIRE = "partenaire", "partenaire"
    ADMIN = "admin", "administrateur·rice fonctionnel·le"


# Roles that belong to a unit and cannot work without one.
ROLES_D_UNITE = (Role.ASS, Role.CSAM, Role.CADRE)
