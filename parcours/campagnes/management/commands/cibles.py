"""python manage.py cibles --organisme <code> --campagne <code> <cibles.csv> --format text|json
(DESIGN §5)

Checks, matches, excludes and scores a target list for the campaign — created with the default
parameters if its code is new — exactly as the screen does, and never sends anything. A
campaign in preparation keeps the list (it is then worked on screen); a validated one is only
checked. Exit 0 when the file could be read (rows with errors are listed), 1 otherwise.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.campagnes import analyse
from parcours.campagnes.enums import StatutCampagne
from parcours.campagnes.models import Campagne
from parcours.lib.csvlecture import LecteurCSV
from parcours.organisation.models import Organisme


class Command(BaseCommand):
    help = (
        "Vérifie, rapproche, exclut et classe une liste de cibles (cibles.csv), sans rien envoyer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisme", required=True, help="code de l'organisme")
        parser.add_argument("--campagne", required=True, help="code de la campagne")
        parser.add_argument("fichier", type=Path, help="fichier cibles.csv")
        parser.add_argument("--format", default="text", choices=("text", "json"))

    def handle(self, *args, organisme: str, campagne: str, fichier: Path, format: str, **o):
        trouve = Organisme.objects.filter(code=organisme).first()
        if trouve is None:
            raise CommandError(f"organisme inconnu : « {organisme} »")
        try:
            flux = fichier.open("rb")
        except OSError as erreur:
            raise CommandError(f"fichier illisible : {fichier} ({erreur.strerror})") from None
        with flux:
            lecteur = LecteurCSV(flux, analyse.COLONNES)
            if lecteur.erreurs:
                raise CommandError("; ".join(str(e) for e in lecteur.erreurs))
            lignes = list(lecteur)
        manquantes = [c for c in analyse.COLONNES if c not in lecteur.colonnes]
        if manquantes:
            raise CommandError(f"colonnes manquantes : {', '.join(manquantes)}")
        objet, _ = Campagne.objects.get_or_create(
            organisme=trouve, code=campagne, defaults={"nom": campagne}
        )
        cibles = analyse.analyser(objet, lignes)
        # A row the reader could not split (wrong number of values…) is an error of its own.
        illisibles = [e for e in lecteur.erreurs if e.ligne is not None]
        if objet.statut == StatutCampagne.PREPARATION:
            analyse.remplacer(objet, cibles)
        resume = analyse.resume(objet, cibles)
        for erreur in illisibles:
            resume["lignes"] += 1
            resume["erreurs"].append(
                {"ligne": erreur.ligne, "colonne": erreur.colonne, "motif": erreur.message}
            )
        if format == "json":
            self.stdout.write(json.dumps(resume, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"Campagne {resume['campagne']} : {resume['lignes']} ligne(s), "
            f"{len({e['ligne'] for e in resume['erreurs']})} avec erreur, "
            f"{sum(resume['exclusions'].values())} exclue(s), {resume['retenues']} retenue(s)."
        )
        for erreur in resume["erreurs"]:
            self.stdout.write(
                f"  ligne {erreur['ligne']}, colonne « {erreur['colonne']} » : {erreur['motif']}"
            )
        for raison, nombre in sorted(resume["exclusions"].items()):
            self.stdout.write(f"  exclues — {raison} : {nombre}")
