from django.apps import AppConfig


class TravauxConfig(AppConfig):
    name = "parcours.travaux"
    label = "travaux"
    verbose_name = "Travaux en arrière-plan"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datetime import time

        from parcours.travaux.planification import planifier
        from parcours.travaux.taches import nettoyer_file

        planifier("nettoyage de la file des tâches", nettoyer_file, chaque_jour_a=time(3, 15))
