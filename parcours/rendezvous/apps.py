from django.apps import AppConfig


class RendezvousConfig(AppConfig):
    name = "parcours.rendezvous"
    label = "rendezvous"
    verbose_name = "rendez-vous"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datetime import timedelta

        from parcours.rendezvous.actions import envoyer_rappels
        from parcours.travaux.planification import planifier

        planifier("rappels des rendez-vous", envoyer_rappels, toutes_les=timedelta(minutes=15))

        from parcours.dossiers import extensions
        from parcours.rendezvous import (
            dossier,
            imports,  # noqa: F401  (registers plages.csv)
        )

        extensions.BOUTONS.append(dossier.bouton)
        extensions.BLOCS.append(dossier.bloc)
