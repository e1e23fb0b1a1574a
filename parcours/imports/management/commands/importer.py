"""python manage.py importer <type> <fichier.csv>  (DESIGN §5)

Exit status 0 when the file is imported, 1 when it is rejected (every error printed, nothing
written). The command is the operator's: whoever runs it runs the server, so it writes without
the scope checks of the import page.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.imports.engine import REGISTRE, importer
from parcours.lib.progression import Barres


class Command(BaseCommand):
    help = (
        "Importe un fichier CSV (tout ou rien, idempotent). Commande de l'exploitant : elle "
        "écrit sans les limites de périmètre de la page d'import (unité, organisme) ; les "
        "changements sont inscrits à l'historique au nom de l'import."
    )

    def add_arguments(self, parser):
        parser.add_argument("type", help="type de fichier : " + ", ".join(sorted(REGISTRE)))
        parser.add_argument("fichier", type=Path, help="chemin du fichier CSV")

    def handle(self, *args, type: str, fichier: Path, **options):
        if type not in REGISTRE:
            raise CommandError(
                f"type de fichier inconnu « {type} » ; types disponibles : "
                + ", ".join(sorted(REGISTRE))
            )
        if not fichier.is_file():
            raise CommandError(f"lecture impossible de {fichier} : fichier introuvable")
        progression = Barres(self.stderr, actif=options["verbosity"] > 0)
        try:
            rapport = importer(type, fichier, nom_fichier=fichier.name, progression=progression)
        except OSError as erreur:
            raise CommandError(f"lecture impossible de {fichier} : {erreur.strerror}") from None
        finally:
            progression.fermer()
        for avertissement in rapport.avertissements:
            self.stderr.write(self.style.WARNING(f"Avertissement : {avertissement}"))
        if not rapport.accepte:
            for erreur in rapport.erreurs:
                self.stderr.write(f"Erreur : {erreur}")
            if rapport.erreurs_non_gardees:
                self.stderr.write(f"… et {rapport.erreurs_non_gardees} autres erreurs.")
            raise CommandError(rapport.resume(), returncode=1)
        self.stdout.write(self.style.SUCCESS(rapport.resume()))
