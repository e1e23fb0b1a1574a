from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "parcours.dossiers"
    verbose_name = "dossiers"

    def ready(self) -> None:
        from parcours.dossiers import imports  # noqa: F401  (registers the import kinds)
