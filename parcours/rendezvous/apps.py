from django.apps import AppConfig


class RendezvousConfig(AppConfig):
    name = "parcours.rendezvous"
    label = "rendezvous"
    verbose_name = "rendez-vous"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datetime import time, timedelta

        from parcours.rendezvous.actions import envoyer_rappels
        from parcours.travaux.planification import planifier

        planifier("rappels des rendez-vous", envoyer_rappels, toutes_les=timedelta(minutes=15))

        from parcours.rendezvous.attente import expirer_demandes
        from parcours.rendezvous.debit import nettoyer

        planifier("liste d'attente : demandes expirées", expirer_demandes, chaque_jour_a=time(4, 0))
        planifier("compteurs des pages publiques", nettoyer, toutes_les=timedelta(hours=1))

        from parcours.dossiers import extensions
        from parcours.rendezvous import (
            dossier,
            imports,  # noqa: F401  (registers plages.csv)
        )

        extensions.BOUTONS.append(dossier.bouton)
        extensions.BLOCS.append(dossier.bloc)
        extensions.BOUTONS_SIGNALEMENT.append(dossier.bouton_signalement)
