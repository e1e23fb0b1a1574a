from django.db import models


class StatutCalcul(models.TextChoices):
    EN_ATTENTE = "EN_ATTENTE", "en attente"
    EN_COURS = "EN_COURS", "en cours"
    PRET = "PRET", "prêt"
    ECHEC = "ECHEC", "échec"
