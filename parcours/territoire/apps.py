from django.apps import AppConfig


class TerritoireConfig(AppConfig):
    name = "parcours.territoire"
    verbose_name = "territoire"
