"""The schedule: jobs that run by themselves — every so often, or each day at a given time
(Paris time) — fired by the workers' watch (`surveillance`), or by `manage.py planifier` from
cron or a systemd timer where no worker runs the watch (docs/installation.md).

    planifier("nettoyage", nettoyer, chaque_jour_a=time(3, 15))
    planifier("rappels", envoyer_rappels, toutes_les=timedelta(minutes=5))

A job fires once per due time however many workers there are (see `declencher`). A worker
that was stopped for a while fires a missed job once, not once per missed time.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from parcours.travaux.models import Planification


@dataclass(frozen=True)
class Planifie:
    nom: str
    tache: object  # a django-tasks Task without arguments
    toutes_les: timedelta | None = None
    chaque_jour_a: time | None = None

    def prochaine(self, apres: datetime) -> datetime:
        if self.toutes_les is not None:
            return apres + self.toutes_les
        local = timezone.localtime(apres)
        jour = local.replace(
            hour=self.chaque_jour_a.hour,
            minute=self.chaque_jour_a.minute,
            second=0,
            microsecond=0,
        )
        if jour <= local:
            jour = timezone.localtime(jour + timedelta(days=1)).replace(
                hour=self.chaque_jour_a.hour, minute=self.chaque_jour_a.minute
            )
        return jour


PLANIFIES: dict[str, Planifie] = {}


def planifier(
    nom: str,
    tache,
    *,
    toutes_les: timedelta | None = None,
    chaque_jour_a: time | None = None,
) -> Planifie:
    if (toutes_les is None) == (chaque_jour_a is None):
        raise ValueError("indiquez soit toutes_les, soit chaque_jour_a")
    planifie = Planifie(nom, tache, toutes_les, chaque_jour_a)
    PLANIFIES[nom] = planifie
    return planifie


def declencher(maintenant: datetime | None = None) -> list[str]:
    """Queue every scheduled job that is due; returns their names.

    The due time is moved on by a compare-and-set (`UPDATE … WHERE prochaine_le = <read>`), in
    the transaction that queues the task: of two workers that read the same due time, one
    updates a row and queues, the other updates none and moves on — on SQLite as on PostgreSQL.
    """
    maintenant = maintenant or timezone.now()
    partis = []
    for planifie in PLANIFIES.values():
        premiere = maintenant if planifie.toutes_les else planifie.prochaine(maintenant)
        ligne, _ = Planification.objects.get_or_create(
            nom=planifie.nom, defaults={"prochaine_le": premiere}
        )
        if ligne.prochaine_le > maintenant:
            continue
        with transaction.atomic():
            gagne = Planification.objects.filter(
                nom=planifie.nom, prochaine_le=ligne.prochaine_le
            ).update(derniere_le=maintenant, prochaine_le=planifie.prochaine(maintenant))
            if gagne:
                planifie.tache.enqueue()
                partis.append(planifie.nom)
    return partis
