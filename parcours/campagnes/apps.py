from django.apps import AppConfig


class CampagnesConfig(AppConfig):
    name = "parcours.campagnes"
    label = "campagnes"
    verbose_name = "campagnes d'aller-vers"
    default_auto_field = "django.db.models.BigAutoField"
