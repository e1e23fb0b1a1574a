from django.apps import AppConfig


class TerritoireConfig(AppConfig):
    name = "parcours.territoire"
    verbose_name = "territoire"

    def ready(self) -> None:
        from parcours.territoire import imports  # noqa: F401  (registers the import kind)
