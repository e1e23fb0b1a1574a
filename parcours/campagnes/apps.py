from django.apps import AppConfig


class CampagnesConfig(AppConfig):
    name = "parcours.campagnes"
    label = "campagnes"
    verbose_name = "campagnes d'aller-vers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datetime import timedelta

        from parcours.campagnes.contacts import apres_reservation_par_lien, relancer_et_expirer
        from parcours.rendezvous import liens
        from parcours.travaux.planification import planifier

        planifier(
            "campagnes : relances et invitations expirées",
            relancer_et_expirer,
            toutes_les=timedelta(hours=1),
        )
        liens.APRES_RESERVATION.append(apres_reservation_par_lien)

        # The upload of a target list, checked in the background: its job kind, for the workers.
        from parcours.campagnes import liste
        from parcours.travaux.genres import enregistrer

        enregistrer(liste.genre())
