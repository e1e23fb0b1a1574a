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


class CategoriePartenaire(models.TextChoices):
    """The kinds of partner structure of the directory (issue 16): what orientations, joint
    interviews and signalements are counted by."""

    CPAM_MISAS = "CPAM_MISAS", "CPAM — Mission accompagnement santé (MisaS)"
    CPAM_ASS = "CPAM_ASS", "CPAM — action sanitaire et sociale"
    CPAM_ACCUEIL = "CPAM_ACCUEIL", "CPAM — accueil"
    SERVICE_MEDICAL = "SERVICE_MEDICAL", "service médical (ELSM)"
    MEDECIN_TRAVAIL = "MEDECIN_TRAVAIL", "médecin du travail (SPST)"
    FRANCE_TRAVAIL = "FRANCE_TRAVAIL", "France Travail"
    CAP_EMPLOI = "CAP_EMPLOI", "Cap emploi"
    MDPH = "MDPH", "maison départementale des personnes handicapées (MDPH)"
    CCAS = "CCAS", "centre communal d'action sociale (CCAS)"
    SERVICE_SOCIAL_HOSPITALIER = "SERVICE_SOCIAL_HOSPITALIER", "service social hospitalier"
    CENTRE_EXAMENS_SANTE = "CENTRE_EXAMENS_SANTE", "centre d'examens de santé (prévention)"
    BIEN_VIEILLIR = "BIEN_VIEILLIR", "ateliers « bien vieillir »"
    AUTRE = "AUTRE", "autre structure"
