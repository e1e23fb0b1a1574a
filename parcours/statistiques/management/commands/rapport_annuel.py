"""python manage.py rapport_annuel --organisme <code> --annee <AAAA> --format html|pdf|xlsx|json
--sortie <fichier> [--role pilotage|cadre]   (DESIGN §5)

The report is computed with the `pilotage` view (statistical secrecy) unless `--role cadre`.
On start, editions of the product whose production was interrupted are recorded as failed
(statistiques.actions.clore_editions_interrompues).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.organisation.enums import Role
from parcours.organisation.models import Organisme
from parcours.statistiques import actions, exports
from parcours.statistiques import rapport as rapports

FORMATS = ("html", "pdf", "xlsx", "json")


class Command(BaseCommand):
    help = "Écrit le rapport d'activité annuel d'un organisme (HTML, PDF, XLSX ou JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--organisme", required=True, help="code de l'organisme")
        parser.add_argument("--annee", required=True, type=int, help="année civile (AAAA)")
        parser.add_argument("--format", required=True, choices=FORMATS, help="format du fichier")
        parser.add_argument("--sortie", required=True, type=Path, help="fichier à écrire")
        parser.add_argument(
            "--role",
            default=Role.PILOTAGE,
            choices=[Role.PILOTAGE, Role.CADRE],
            help="vue appliquée : pilotage (secret statistique, par défaut) ou cadre",
        )

    def handle(self, *args, organisme: str, annee: int, format: str, sortie: Path, role: str, **o):
        if closes := actions.clore_editions_interrompues():
            self.stdout.write(f"{closes} édition(s) interrompue(s) marquée(s) en échec.")
        trouve = Organisme.objects.filter(code=organisme).first()
        if trouve is None:
            raise CommandError(f"organisme inconnu : « {organisme} »")
        if not 1900 < annee < 2200:
            raise CommandError(f"année invalide : {annee} (attendu : AAAA)")
        if not trouve.unites.exists():
            raise CommandError(f"l'organisme « {organisme} » n'a aucune unité : pas de territoire")
        rapport = rapports.construire(trouve, annee, role)
        if format in ("html", "pdf"):
            rapports.ajouter_cartes(rapport, trouve)
        if format == "json":
            contenu = (
                json.dumps(rapports.donnees_json(rapport), ensure_ascii=False, indent=2) + "\n"
            ).encode()
        elif format == "html":
            contenu = rapports.rendre_html(rapport).encode()
        elif format == "pdf":
            contenu = rapports.rendre_pdf(rapport)
        else:
            contenu = exports.classeur(rapports.feuilles(rapports.serialiser(rapport)))
        try:
            sortie.write_bytes(contenu)
        except OSError as erreur:
            raise CommandError(f"écriture impossible de {sortie} : {erreur.strerror}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Rapport {annee} de {trouve.nom} écrit dans {sortie} ({format.upper()}, "
                f"vue {role}, {len(rapport.departements)} département(s))."
            )
        )
