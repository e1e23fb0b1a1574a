"""python manage.py ajuster_temps --organisme <code> <fichier.csv> [--enregistrer]

Refits the detour factor k and the mean speed v of the built-in drive-time estimate
(DESIGN §4, t = 60 × k × d / v) from observed trips between communes. The file has the columns
`origine;destination;minutes` (INSEE codes of the communes, time by car from town hall to town
hall) and optionally `km` (road distance): with `km`, k and v are both fitted; without it, k is
kept and v is fitted. Every bad cell is reported with its line and column and nothing is saved
(exit status 1); `--enregistrer` writes the fitted k and v on the organisme.
"""

from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import MaxValueValidator, MinValueValidator

from parcours.lib.csvlecture import Erreur, lire_csv, lire_decimal
from parcours.observatoire.accessibilite import ajuster, distances_km
from parcours.organisation.models import Organisme
from parcours.territoire.models import Commune

COLONNES = ["origine", "destination", "minutes"]
COLONNE_KM = "km"


def lire_trajets(contenu: bytes) -> tuple[dict[str, np.ndarray], list[Erreur], list[str]]:
    """The trips of the file as arrays (`d_km`, `minutes`, and `km` when the column is there),
    with every error (line, column, French reason) and the warnings."""
    fichier = lire_csv(contenu, COLONNES)
    avec_km = COLONNE_KM in fichier.colonnes
    en_trop = [c for c in fichier.colonnes if c and c not in (*COLONNES, COLONNE_KM)]
    avertissements = []
    if en_trop:
        avertissements.append("colonnes ignorées : " + ", ".join(f"« {c} »" for c in en_trop))
    erreurs = list(fichier.erreurs)
    if erreurs:
        return {}, erreurs, avertissements

    codes = {ligne[c] for _, ligne in fichier.lignes for c in ("origine", "destination")}
    mairies = {
        code: (lat, lon)
        for code, lat, lon in Commune.objects.filter(code__in=codes).values_list(
            "code", "latitude", "longitude"
        )
    }
    origines, destinations, minutes, km = [], [], [], []
    for numero, ligne in fichier.lignes:
        valide = True
        for colonne in ("origine", "destination"):
            code = ligne[colonne]
            if not code:
                erreurs.append(Erreur(numero, colonne, "valeur obligatoire manquante"))
                valide = False
            elif code not in mairies:
                erreurs.append(Erreur(numero, colonne, f"commune inconnue « {code} »"))
                valide = False
        valeurs = {}
        for colonne in ("minutes", COLONNE_KM) if avec_km else ("minutes",):
            texte = ligne[colonne]
            if not texte:
                erreurs.append(Erreur(numero, colonne, "valeur obligatoire manquante"))
                valide = False
                continue
            try:
                valeurs[colonne] = lire_decimal(texte)
            except ValueError as erreur:
                erreurs.append(Erreur(numero, colonne, str(erreur)))
                valide = False
                continue
            if valeurs[colonne] < 0:
                erreurs.append(Erreur(numero, colonne, f"« {texte} » est négatif"))
                valide = False
        if valide:
            origines.append(mairies[ligne["origine"]])
            destinations.append(mairies[ligne["destination"]])
            minutes.append(valeurs["minutes"])
            km.append(valeurs.get(COLONNE_KM))
    if not fichier.lignes and not erreurs:
        erreurs.append(Erreur(None, None, "le fichier ne contient aucun trajet"))
    if erreurs:
        return {}, erreurs, avertissements
    depart, arrivee = np.array(origines), np.array(destinations)
    trajets = {
        "d_km": distances_km(depart[:, 0], depart[:, 1], arrivee[:, 0], arrivee[:, 1]),
        "minutes": np.array(minutes),
    }
    if avec_km:
        trajets["km"] = np.array(km)
    return trajets, erreurs, avertissements


def _hors_bornes(champ: str, valeur: float) -> str | None:
    """A French message when `valeur` is outside the bounds of the Organisme's field."""
    field = Organisme._meta.get_field(champ)
    bas = max(
        (v.limit_value for v in field.validators if isinstance(v, MinValueValidator)),
        default=float("-inf"),
    )
    haut = min(
        (v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)),
        default=float("inf"),
    )
    if not bas <= valeur <= haut:
        return f"{field.verbose_name} = {valeur:g} hors des bornes admises [{bas:g} ; {haut:g}]"
    return None


class Command(BaseCommand):
    help = (
        "Ajuste le facteur de détour k et la vitesse moyenne v de l'estimation des temps de "
        "trajet d'un organisme à partir de temps observés (CSV origine;destination;minutes[;km])."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisme", required=True, help="code de l'organisme")
        parser.add_argument("fichier", type=Path, help="chemin du fichier CSV des trajets observés")
        parser.add_argument(
            "--enregistrer",
            action="store_true",
            help="enregistrer k et v ajustés sur l'organisme (sinon : affichage seulement)",
        )

    def handle(self, *args, organisme: str, fichier: Path, enregistrer: bool, **options):
        trouve = Organisme.objects.filter(code=organisme).first()
        if trouve is None:
            raise CommandError(f"organisme inconnu : « {organisme} »")
        try:
            contenu = fichier.read_bytes()
        except OSError as erreur:
            raise CommandError(f"lecture impossible de {fichier} : {erreur.strerror}") from None
        trajets, erreurs, avertissements = lire_trajets(contenu)
        for avertissement in avertissements:
            self.stderr.write(self.style.WARNING(f"Avertissement : {avertissement}"))
        if erreurs:
            for erreur in erreurs:
                self.stderr.write(f"Erreur : {erreur}")
            raise CommandError(
                f"fichier rejeté : {len(erreurs)} erreur(s), rien n'est enregistré", returncode=1
            )
        try:
            k, v, details = ajuster(
                trajets["d_km"],
                trajets["minutes"],
                trajets.get("km"),
                k=trouve.detour_k,
                v=trouve.vitesse_kmh,
            )
        except ValueError as erreur:
            raise CommandError(f"ajustement impossible : {erreur}", returncode=1) from None

        methode = (
            "k et v ajustés sur les distances routières et les temps"
            if details["methode"] == "km_route"
            else "k conservé, v ajusté sur les temps (pas de colonne « km »)"
        )
        self.stdout.write(
            f"{details['observations']} trajet(s) observé(s) ; {methode}.\n"
            f"  facteur de détour k : {trouve.detour_k:.3f} → {k:.3f}\n"
            f"  vitesse moyenne v : {trouve.vitesse_kmh:.1f} → {v:.1f} km/h\n"
            f"  erreur absolue moyenne : {details['erreur_moyenne_avant']:.1f} min avant, "
            f"{details['erreur_moyenne_apres']:.1f} min après"
        )
        if not enregistrer:
            self.stdout.write("Rien n'est enregistré (ajoutez --enregistrer pour enregistrer).")
            return
        valeurs = {"detour_k": round(k, 4), "vitesse_kmh": round(v, 2)}
        refus = [
            message for champ, valeur in valeurs.items() if (message := _hors_bornes(champ, valeur))
        ]
        if refus:
            raise CommandError(
                f"valeurs ajustées refusées, rien n'est enregistré : {' ; '.join(refus)}",
                returncode=1,
            )
        trouve.detour_k, trouve.vitesse_kmh = valeurs["detour_k"], valeurs["vitesse_kmh"]
        trouve.save(update_fields=["detour_k", "vitesse_kmh"])
        self.stdout.write(
            self.style.SUCCESS(
                f"k = {trouve.detour_k:g} et v = {trouve.vitesse_kmh:g} km/h enregistrés "
                f"pour {trouve.nom}."
            )
        )
