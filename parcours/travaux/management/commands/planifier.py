"""`manage.py planifier`: fires the scheduled jobs that are due, once — for cron or a systemd
timer where no worker's watch does it (the workers do it every few seconds)."""

from django.core.management.base import BaseCommand

from parcours.travaux.planification import PLANIFIES, declencher


class Command(BaseCommand):
    help = "Met en file les travaux planifiés arrivés à échéance."

    def handle(self, **options) -> None:
        partis = declencher()
        self.stdout.write(
            f"{len(partis)} travail(s) planifié(s) mis en file sur {len(PLANIFIES)}"
            + (f" : {', '.join(partis)}" if partis else "")
        )
