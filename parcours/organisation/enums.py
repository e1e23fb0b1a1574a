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
# Roles that read dossiers (DESIGN §1): giving one of them to an account is audited.
ROLES_DOSSIERS = (Role.ASS, Role.CSAM, Role.CADRE)


class TypeEvenementCompte(models.TextChoices):
    """What happened to an account (the accounts' audit trail)."""

    CREATION = "CREATION", "création du compte"
    ROLE = "ROLE", "changement de rôle"
    UNITE = "UNITE", "changement d'unité"
    LIEN_ENVOYE = "LIEN_ENVOYE", "lien d'activation envoyé"
    ACTIVATION = "ACTIVATION", "mot de passe choisi par l'agent"
    DESACTIVATION = "DESACTIVATION", "compte désactivé"
    REACTIVATION = "REACTIVATION", "compte réactivé"
