from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "parcours.imports"
    verbose_name = "imports de données"

    def ready(self) -> None:
        # The import job's kind (its task, what to do when its worker dies) for the workers.
        from parcours.imports import taches  # noqa: F401
