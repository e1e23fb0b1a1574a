from django.db import models


class StatutImport(models.TextChoices):
    EN_ATTENTE = "EN_ATTENTE", "en attente"
    EN_COURS = "EN_COURS", "en cours"
    ECHEC = "ECHEC", "interrompu, rien n'a été enregistré"
    ACCEPTE = "ACCEPTE", "importé"
    REJETE = "REJETE", "rejeté, rien n'a été enregistré"
