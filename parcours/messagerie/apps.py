from django.apps import AppConfig


class MessagerieConfig(AppConfig):
    name = "parcours.messagerie"
    verbose_name = "messagerie"

    def ready(self) -> None:
        from datetime import timedelta

        from parcours.messagerie.envois import relancer_envois
        from parcours.travaux.planification import planifier

        planifier("relance des messages", relancer_envois, toutes_les=timedelta(minutes=1))
