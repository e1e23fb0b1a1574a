from django.db import models


class StatutImport(models.TextChoices):
    ACCEPTE = "ACCEPTE", "importé"
    REJETE = "REJETE", "rejeté, rien n'a été enregistré"
