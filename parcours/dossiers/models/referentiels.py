from django.db import models

from parcours.dossiers.enums import Axe


class MissionQuerySet(models.QuerySet):
    def actives(self) -> "MissionQuerySet":
        return self.filter(active=True)


class Mission(models.Model):
    """What an accompaniment is for (DESIGN §3): a referential the administrator edits."""

    code = models.CharField("code", max_length=30, unique=True)
    libelle = models.CharField("libellé", max_length=200)
    axe = models.CharField("axe", max_length=20, choices=Axe.choices)
    ordre = models.PositiveSmallIntegerField("ordre d'affichage", default=0)
    active = models.BooleanField("proposée à la saisie", default=True)

    objects = MissionQuerySet.as_manager()

    class Meta:
        verbose_name = "mission"
        verbose_name_plural = "missions"
        ordering = ["ordre", "code"]

    def __str__(self) -> str:
        return self.libelle
