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
