from django.apps import AppConfig


class StatistiquesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "parcours.statistiques"
    verbose_name = "statistiques et rapport annuel"

    def ready(self) -> None:
        # The report edition's job kind (its task, what to do when its worker dies).
        from parcours.statistiques import taches  # noqa: F401
