"""The queue's own upkeep, run by the schedule each night."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

# Finished tasks are kept this long (what ran, when, failures), then deleted.
CONSERVATION_TACHES = timedelta(days=30)


@task()
def nettoyer_file() -> int:
    """Delete the queue's finished tasks older than `CONSERVATION_TACHES`; returns how many."""
    limite = timezone.now() - CONSERVATION_TACHES
    supprimees, _ = DBTaskResult.objects.finished().filter(finished_at__lt=limite).delete()
    return supprimees
