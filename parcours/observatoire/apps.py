from django.apps import AppConfig


class ObservatoireConfig(AppConfig):
    name = "parcours.observatoire"
    verbose_name = "observatoire territorial"

    def ready(self) -> None:
        from parcours.observatoire import imports  # noqa: F401  (registers the import kind)
