from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "parcours.organisation"
    verbose_name = "organisation"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from parcours.organisation import imports  # noqa: F401  (registers the import kinds)
        from parcours.securite import noter_connexion

        user_logged_in.connect(noter_connexion, dispatch_uid="parcours.noter_connexion")
