from django.db import models

from parcours.organisation.enums import CategoriePartenaire


class Axe(models.TextChoices):
    SANTE = "SANTE", "axe santé"
    EMPLOYABILITE = "EMPLOYABILITE", "axe employabilité"


class Sexe(models.TextChoices):
    F = "F", "femme"
    M = "M", "homme"


class Complementaire(models.TextChoices):
    OUI = "OUI", "oui"
    NON = "NON", "non"
    INCONNU = "INCONNU", "ne sait pas"


class SituationEmploi(models.TextChoices):
    SALARIE = "SALARIE", "salarié·e"
    DEMANDEUR_EMPLOI = "DEMANDEUR_EMPLOI", "demandeur·se d'emploi"
    INDEPENDANT = "INDEPENDANT", "travailleur·se indépendant·e"
    SANS_ACTIVITE = "SANS_ACTIVITE", "sans activité professionnelle"
    RETRAITE = "RETRAITE", "retraité·e"
    ETUDIANT = "ETUDIANT", "étudiant·e"
    AUTRE = "AUTRE", "autre, précisez"


class SourceSignalement(models.TextChoices):
    SERVICE_MEDICAL = "SERVICE_MEDICAL", "service médical (ELSM)"
    CPAM_MISAS = "CPAM_MISAS", "CPAM — Mission accompagnement santé"
    CPAM_ASS = "CPAM_ASS", "CPAM — action sanitaire et sociale"
    CPAM_ACCUEIL = "CPAM_ACCUEIL", "CPAM — accueil"
    SERVICE_SOCIAL_HOSPITALIER = "SERVICE_SOCIAL_HOSPITALIER", "service social hospitalier"
    MEDECIN_TRAVAIL = "MEDECIN_TRAVAIL", "médecin du travail"
    EMPLOYEUR = "EMPLOYEUR", "employeur"
    ASSURE = "ASSURE", "la personne elle-même (36 46, accueil)"
    LISTE_CIBLEE = "LISTE_CIBLEE", "liste de ciblage (offre de service)"
    AUTRE = "AUTRE", "autre, précisez"


# The source of a partner's signalement follows its structure's category in the directory;
# the categories absent here are « autre » with the structure's name.
SOURCE_DE_CATEGORIE = {
    CategoriePartenaire.CPAM_MISAS: SourceSignalement.CPAM_MISAS,
    CategoriePartenaire.CPAM_ASS: SourceSignalement.CPAM_ASS,
    CategoriePartenaire.CPAM_ACCUEIL: SourceSignalement.CPAM_ACCUEIL,
    CategoriePartenaire.SERVICE_MEDICAL: SourceSignalement.SERVICE_MEDICAL,
    CategoriePartenaire.MEDECIN_TRAVAIL: SourceSignalement.MEDECIN_TRAVAIL,
    CategoriePartenaire.SERVICE_SOCIAL_HOSPITALIER: SourceSignalement.SERVICE_SOCIAL_HOSPITALIER,
}


class StatutSignalement(models.TextChoices):
    A_TRAITER = "A_TRAITER", "à traiter"
    ACCOMPAGNEMENT_OUVERT = "ACCOMPAGNEMENT_OUVERT", "accompagnement ouvert"
    INTERVENTION_PONCTUELLE = "INTERVENTION_PONCTUELLE", "intervention ponctuelle"
    ORIENTE_AILLEURS = "ORIENTE_AILLEURS", "orienté vers un autre service"
    HORS_CHAMP = "HORS_CHAMP", "hors du champ du service"


# Triage outcomes that need a reason or a destination written down.
STATUTS_AVEC_MOTIF = (StatutSignalement.ORIENTE_AILLEURS, StatutSignalement.HORS_CHAMP)


class ModeEntretien(models.TextChoices):
    LIEU_ACCUEIL = "LIEU_ACCUEIL", "au lieu d'accueil"
    DOMICILE = "DOMICILE", "visite à domicile"
    TELEPHONE = "TELEPHONE", "par téléphone"
    VISIO = "VISIO", "en visioconférence"
    AUTRE = "AUTRE", "autre lieu (chez un partenaire…)"


MODES_DE_VISU = (ModeEntretien.LIEU_ACCUEIL, ModeEntretien.DOMICILE)


class IssueAccompagnement(models.TextChoices):
    REPRISE_POSTE = "REPRISE_POSTE", "reprise du même poste"
    POSTE_AMENAGE = "POSTE_AMENAGE", "poste aménagé"
    RECLASSEMENT = "RECLASSEMENT", "reclassement chez le même employeur"
    NOUVEL_EMPLOI = "NOUVEL_EMPLOI", "nouvel emploi"
    FORMATION = "FORMATION", "formation professionnelle"
    FRANCE_TRAVAIL = "FRANCE_TRAVAIL", "inscription ou accompagnement France Travail"
    INVALIDITE = "INVALIDITE", "mise en invalidité"
    RETRAITE = "RETRAITE", "départ en retraite"
    OBJECTIFS_ATTEINTS = "OBJECTIFS_ATTEINTS", "objectifs atteints"
    ORIENTATION_PARTENAIRE = "ORIENTATION_PARTENAIRE", "relais pris par un partenaire"
    FIN_A_L_INITIATIVE_ASSURE = "FIN_A_L_INITIATIVE_ASSURE", "fin à l'initiative de la personne"
    INJOIGNABLE = "INJOIGNABLE", "personne injoignable"
    DEMENAGEMENT = "DEMENAGEMENT", "déménagement"
    DECES = "DECES", "décès"
    AUTRE = "AUTRE", "autre, précisez"


class PartieDossier(models.TextChoices):
    """Which part of a dossier a read concerned (access log)."""

    DOSSIER = "DOSSIER", "dossier (identité, parcours)"
    IDENTITE = "IDENTITE", "identité et coordonnées"
    ACCOMPAGNEMENT = "ACCOMPAGNEMENT", "accompagnement et plan d'aide"
    NOTES = "NOTES", "notes d'entretien"
    HISTORIQUE = "HISTORIQUE", "historique des modifications"
    SIGNALEMENT = "SIGNALEMENT", "signalement"
