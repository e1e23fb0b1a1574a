from django.db import models


class ModeRendezVous(models.TextChoices):
    LIEU_ACCUEIL = "LIEU_ACCUEIL", "au lieu d'accueil"
    TELEPHONE = "TELEPHONE", "par téléphone"
    DOMICILE = "DOMICILE", "visite à domicile"
    VISIO = "VISIO", "en visioconférence"


class StatutRendezVous(models.TextChoices):
    PREVU = "PREVU", "prévu"
    VU = "VU", "vu"
    ABSENT = "ABSENT", "absent"
    EXCUSE = "EXCUSE", "excusé"
    ANNULE_PERSONNE = "ANNULE_PERSONNE", "annulé par la personne"
    ANNULE_SERVICE = "ANNULE_SERVICE", "annulé par le service"


STATUTS_ANNULES = (StatutRendezVous.ANNULE_PERSONNE, StatutRendezVous.ANNULE_SERVICE)


class OrigineRendezVous(models.TextChoices):
    AGENT = "AGENT", "pris par un agent"
    LIEN = "LIEN", "pris par la personne (lien)"
    ATTENTE = "ATTENTE", "liste d'attente"
    PARTENAIRE = "PARTENAIRE", "pris par un partenaire"


class StatutAttente(models.TextChoices):
    EN_ATTENTE = "EN_ATTENTE", "en attente"
    SATISFAITE = "SATISFAITE", "créneau plus tôt obtenu"
    RETIREE = "RETIREE", "retirée"
    EXPIREE = "EXPIREE", "expirée"
