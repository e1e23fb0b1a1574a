from django.apps import AppConfig


class MessagerieConfig(AppConfig):
    name = "parcours.messagerie"
    verbose_name = "messagerie"
