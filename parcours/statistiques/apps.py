from django.apps import AppConfig


class StatistiquesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "parcours.statistiques"
    verbose_name = "statistiques et rapport annuel"
