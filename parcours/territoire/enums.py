from django.db import models


class TypeCommune(models.TextChoices):
    COMMUNE = "COM", "commune"
    ARRONDISSEMENT = "ARM", "arrondissement municipal (Paris, Lyon, Marseille)"


class TypeCanton(models.TextChoices):
    CANTON = "C", "canton"
    VILLE = "V", "canton-ville (commune partagée entre plusieurs cantons)"
    FICTIF = "N", "canton fictif (commune nouvelle partagée entre plusieurs cantons)"


class TypePseudoCanton(models.TextChoices):
    CANTON = "C", "canton"
    VILLE = "V", "commune partagée entre plusieurs cantons"
    FICTIF = "N", "commune nouvelle partagée entre plusieurs cantons"
    HORS_CANTON = "H", "commune hors de tout canton (métropole de Lyon, Martinique, Guyane)"
