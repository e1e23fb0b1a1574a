from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "parcours.organisation"
    verbose_name = "organisation"

    def ready(self) -> None:
        from parcours.organisation import imports  # noqa: F401  (registers the import kinds)
