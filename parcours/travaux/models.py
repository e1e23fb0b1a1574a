"""What the background work leaves in the database besides the task queue's own table
(django-tasks-db's `DBTaskResult`): the jobs people wait for, the workers' heartbeats and the
schedule.

`Travail` is the abstract model of « a job a person is waiting for » (an import, an edition of
the annual report, a computation of the observatory): its own model keeps its status and results;
this adds what the worker needs to run it and to notice a job whose worker died — the task's id,
the worker running it, the attempts, when it started.
"""

from django.db import models


class Travail(models.Model):
    tache = models.CharField("tâche", max_length=64, blank=True, db_index=True)
    travailleur = models.CharField(
        "processus qui l'exécute", max_length=120, blank=True, db_index=True
    )
    tentatives = models.PositiveSmallIntegerField("tentatives", default=0)
    debute_le = models.DateTimeField("commencé le", null=True, blank=True)

    # A job abandoned by a dead worker is run again this many times in all, if its kind may be
    # (`relancable`); then it is failed with a French message.
    relancable = False
    TENTATIVES_MAX = 2

    class Meta:
        abstract = True


class Battement(models.Model):
    """A worker's heartbeat: a worker whose last beat is old, or whose process is gone from
    this machine, is dead; what it was running is taken over (parcours.travaux.surveillance)."""

    travailleur = models.CharField("processus", max_length=120, primary_key=True)
    hote = models.CharField("machine", max_length=100)
    pid = models.PositiveIntegerField("numéro de processus")
    demarre_le = models.DateTimeField("démarré le", auto_now_add=True)
    vu_le = models.DateTimeField("dernier signe de vie")

    class Meta:
        verbose_name = "processus de travail"
        verbose_name_plural = "processus de travail"

    def __str__(self) -> str:
        return self.travailleur


class Planification(models.Model):
    """When a scheduled job last ran and will next run: one row per job of the schedule; the
    row is locked while a worker decides, so a job fires once however many workers run."""

    nom = models.CharField("travail planifié", max_length=100, primary_key=True)
    derniere_le = models.DateTimeField("dernière exécution", null=True, blank=True)
    prochaine_le = models.DateTimeField("prochaine exécution")

    class Meta:
        verbose_name = "travail planifié"
        verbose_name_plural = "travaux planifiés"

    def __str__(self) -> str:
        return self.nom
