"""`manage.py travailleur`: runs the background work — imports, report editions, computations
of the observatory, messages — and the schedule. `make demo` starts one beside gunicorn; in
production, a systemd unit (docs/installation.md). Several may run at once."""

from django.db import connections
from django_tasks_db.management.commands.db_worker import Command as DbWorker

from parcours.travaux.travailleur import Travailleur, nouvel_identifiant


class Command(DbWorker):
    help = "Exécute les travaux en arrière-plan (imports, rapports, observatoire, messages)."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", reload=False)
        parser.add_argument(
            "--sans-surveillance",
            action="store_true",
            help="sans battement ni reprise ni planification (tests)",
        )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        max_tasks,
        exclude_queues,
        sans_surveillance,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        # A worker runs task after task: it keeps its database connection (opening one costs
        # more than a small task; django-tasks-db checks it between tasks).
        for reglages in connections.settings.values():
            reglages["CONN_MAX_AGE"] = None
        worker = Travailleur(
            surveiller=not sans_surveillance,
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=nouvel_identifiant(),
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
        )
        worker.configure_signals()
        worker.run()
