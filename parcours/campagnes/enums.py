from django.db import models


class SourceCampagne(models.TextChoices):
    """Where a target list comes from; the codes are the `motif` column of cibles.csv."""

    ARRET_90J = "ARRET_90J", "service médical — arrêts de travail de 90 jours et plus"
    SORTIE_HOSPITALISATION = "SORTIE_HOSPITALISATION", "sortie d'hospitalisation"
    PASSAGE_RETRAITE = "PASSAGE_RETRAITE", "passage à la retraite"
    AUTRE = "AUTRE", "autre"


class StatutCampagne(models.TextChoices):
    PREPARATION = "PREPARATION", "en préparation"
    VALIDEE = "VALIDEE", "validée, en cours"
    CLOSE = "CLOSE", "close"


class CanalContact(models.TextChoices):
    TELEPHONE = "TELEPHONE", "téléphone"
    SMS = "SMS", "SMS"
    COURRIEL = "COURRIEL", "courriel"
    COURRIER = "COURRIER", "courrier"


class EtatCible(models.TextChoices):
    """What the checks made of a row of the list."""

    ERREUR = "ERREUR", "à corriger"
    HOMONYME = "HOMONYME", "personne à confirmer"
    EXCLUE = "EXCLUE", "exclue"
    RETENUE = "RETENUE", "retenue"


class Exclusion(models.TextChoices):
    """Why a row is not contacted (DESIGN §5, `cibles` command)."""

    ACCOMPAGNEMENT_ACTIF = "ACCOMPAGNEMENT_ACTIF", "déjà accompagnée (accompagnement en cours)"
    CONTACTE_RECEMMENT = "CONTACTE_RECEMMENT", "contactée récemment par une campagne"
    OPPOSITION = "OPPOSITION", "refuse d'être sollicitée"
    HORS_TERRITOIRE = "HORS_TERRITOIRE", "commune hors du territoire de l'organisme"
    DECEDE = "DECEDE", "décès connu"
    DOUBLON = "DOUBLON", "en double dans la liste"
    MANUELLE = "MANUELLE", "exclue à la main"


class SuiviCible(models.TextChoices):
    """Where the contact with a retained person stands."""

    A_CONTACTER = "A_CONTACTER", "à contacter"
    INVITEE = "INVITEE", "invitée, sans réponse"
    JOINTE = "JOINTE", "jointe, à rappeler"
    ACCEPTE = "ACCEPTE", "accepte"
    REFUS = "REFUS", "refuse"
    INJOIGNABLE = "INJOIGNABLE", "injoignable"
    EXPIREE = "EXPIREE", "invitation expirée"


class ResultatTentative(models.TextChoices):
    # A call of the 36 46 adviser.
    JOINT = "JOINT", "jointe"
    MESSAGE_LAISSE = "MESSAGE_LAISSE", "message laissé"
    INJOIGNABLE = "INJOIGNABLE", "injoignable"
    FAUX_NUMERO = "FAUX_NUMERO", "faux numéro"
    REFUS = "REFUS", "refus"
    ACCEPTE = "ACCEPTE", "accepte"
    # A message or a letter.
    INVITATION = "INVITATION", "invitation envoyée"
    RELANCE = "RELANCE", "relance envoyée"
    COURRIER = "COURRIER", "lettre imprimée"
    EXPIRATION = "EXPIRATION", "invitation expirée"


RESULTATS_APPEL = (
    ResultatTentative.JOINT,
    ResultatTentative.MESSAGE_LAISSE,
    ResultatTentative.INJOIGNABLE,
    ResultatTentative.FAUX_NUMERO,
    ResultatTentative.REFUS,
    ResultatTentative.ACCEPTE,
)
# A call that reached the person.
RESULTATS_JOINTS = (ResultatTentative.JOINT, ResultatTentative.REFUS, ResultatTentative.ACCEPTE)
