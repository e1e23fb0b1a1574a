"""python manage.py importer <type> <fichier.csv>  (DESIGN §5)

Exit status 0 when the file is imported, 1 when it is rejected (every error printed, nothing
written).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.imports.engine import REGISTRE, importer
from parcours.lib.progression import Barres


class Command(BaseCommand):
    help = "Importe un fichier CSV (tout ou rien, idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("type", help="type de fichier : " + ", ".join(sorted(REGISTRE)))
        parser.add_argument("fichier", type=Path, help="chemin du fichier CSV")

    def handle(self, *args, type: str, fichier: Path, **options):
        if type not in REGISTRE:
            raise CommandError(
                f"type de fichier inconnu « {type} » ; types disponibles : "
                + ", ".join(sorted(REGISTRE))
            )
        try:
            contenu = fichier.read_bytes()
        except OSError as erreur:
            raise CommandError(f"lecture impossible de {fichier} : {erreur.strerror}") from None
        progression = Barres(self.stderr, actif=options["verbosity"] > 0)
        rapport = importer(type, contenu, nom_fichier=fichier.name, progression=progression)
        progression.fermer()
        for avertissement in rapport.avertissements:
            self.stderr.write(self.style.WARNING(f"Avertissement : {avertissement}"))
        if not rapport.accepte:
            for erreur in rapport.erreurs:
                self.stderr.write(f"Erreur : {erreur}")
            raise CommandError(rapport.resume(), returncode=1)
        self.stdout.write(self.style.SUCCESS(rapport.resume()))
