from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "parcours.imports"
    verbose_name = "imports de données"
