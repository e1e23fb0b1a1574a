from django.apps import AppConfig


class ObservatoireConfig(AppConfig):
    name = "parcours.observatoire"
    verbose_name = "observatoire territorial"

    def ready(self) -> None:
        from parcours.observatoire import (
            calculs,  # noqa: F401  (the job kind, for the workers)
            imports,  # noqa: F401  (registers the import kind)
        )
