from django.apps import AppConfig


class AccueilConfig(AppConfig):
    name = "parcours.accueil"
    verbose_name = "accueil"
