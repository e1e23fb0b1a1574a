"""python manage.py observatoire --organisme <code> --format json|svg --sortie <fichier>
[--annee-donnees AAAA] [--alpha 0.05] [--reference territoire|france] [--annee-residence AAAA]
[--carte fragilite|accessibilite|residence]   (DESIGN §5)

Computes the territorial observatory of the organisme's territory (kept, with its parameters,
as the latest computation) and writes it: JSON with DESIGN §5's keys, or the maps as SVG. With
`--format svg` and no `--carte`, the three maps go beside `--sortie`: `<nom>-fragilite.svg`,
`<nom>-accessibilite.svg`, `<nom>-residence.svg`. Counts of persons are masked below 11, as
for the regional direction.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.observatoire import calculs
from parcours.observatoire.accessibilite import ErreurRoutage
from parcours.organisation.models import Organisme


class Command(BaseCommand):
    help = (
        "Calcule l'observatoire territorial d'un organisme (fragilité, accessibilité) et l'écrit "
        "en JSON, ou ses cartes en SVG."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisme", required=True, help="code de l'organisme")
        parser.add_argument("--format", required=True, choices=("json", "svg"))
        parser.add_argument("--sortie", required=True, type=Path, help="fichier à écrire")
        parser.add_argument(
            "--annee-donnees",
            type=int,
            default=None,
            help="année que décrivent les données de fragilité (par défaut : l'année dernière)",
        )
        parser.add_argument("--alpha", type=float, default=0.05, help="seuil du test (0,05)")
        parser.add_argument(
            "--reference",
            default="territoire",
            choices=("territoire", "france"),
            help="taux de référence : territoire de l'organisme (défaut) ou France",
        )
        parser.add_argument(
            "--annee-residence",
            type=int,
            default=None,
            help="année des entretiens de visu de la carte des communes de résidence "
            "(par défaut : l'année dernière)",
        )
        parser.add_argument("--carte", choices=calculs.CARTES, help="une seule carte (format svg)")

    def handle(self, *args, **o):
        organisme = Organisme.objects.filter(code=o["organisme"]).first()
        if organisme is None:
            raise CommandError(f"organisme inconnu : « {o['organisme']} »")
        if not organisme.unites.exists():
            raise CommandError(
                f"l'organisme « {organisme.code} » n'a aucune unité : pas de territoire"
            )
        parametres = calculs.Parametres(
            annee=o["annee_donnees"] or calculs.annee_par_defaut(),
            alpha=o["alpha"],
            reference=o["reference"],
        )
        try:
            calcul = calculs.calculer(organisme, parametres)
        except (ValueError, ErreurRoutage) as erreur:
            raise CommandError(str(erreur)) from None
        sortie: Path = o["sortie"]
        if o["format"] == "json":
            contenu = json.dumps(calculs.donnees_json(calcul), ensure_ascii=False, indent=1)
            self._ecrire(sortie, contenu + "\n")
            ecrits = [sortie]
        else:
            annee = o["annee_residence"] or calculs.annee_par_defaut()
            noms = (o["carte"],) if o["carte"] else calculs.CARTES
            svgs = calculs.cartes_svg(calcul, annee, masquer=True, noms=noms)
            if o["carte"]:
                if o["carte"] not in svgs:
                    raise CommandError(
                        "pas de carte de fragilité : aucune donnée de fragilité importée pour "
                        "ce territoire (python manage.py importer fragilite <fichier.csv>)"
                    )
                self._ecrire(sortie, svgs[o["carte"]])
                ecrits = [sortie]
            else:
                ecrits = []
                for nom, svg in svgs.items():
                    chemin = sortie.with_name(f"{sortie.stem}-{nom}.svg")
                    self._ecrire(chemin, svg)
                    ecrits.append(chemin)
        acces = calcul.resultats["accessibilite"]
        fragile = calcul.resultats.get("fragilite")
        self.stdout.write(
            self.style.SUCCESS(
                f"Observatoire de {organisme.nom} : {len(acces['communes'])} communes, "
                f"{str(acces['part_population_15']).replace('.', ',')} % de la population à "
                f"15 minutes au plus d'un lieu d'accueil ; "
                + (
                    f"{len(fragile['territoires'])} pseudo-cantons avec données de fragilité."
                    if fragile
                    else "aucune donnée de fragilité."
                )
            )
        )
        for chemin in ecrits:
            self.stdout.write(f"  écrit : {chemin}")

    @staticmethod
    def _ecrire(chemin: Path, texte: str) -> None:
        try:
            chemin.write_text(texte, encoding="utf-8")
        except OSError as erreur:
            raise CommandError(f"écriture impossible de {chemin} : {erreur.strerror}") from None
