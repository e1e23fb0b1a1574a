"""Import of organismes.csv, unites.csv, lieux_accueil.csv and agents.csv (DESIGN §5)."""

from typing import Any

from django.contrib.auth.hashers import make_password

from parcours.imports.engine import Erreurs, Importeur, enregistrer
from parcours.lib.csvlecture import lire_decimal
from parcours.organisation.enums import ROLES_D_UNITE, Role
from parcours.organisation.models import Agent, LieuAccueil, Organisme, Unite
from parcours.territoire.models import Commune, Departement, Region


@enregistrer
class OrganismesImporteur(Importeur):
    nom = "organismes"
    libelle = "Organismes (Carsat)"
    colonnes = ("code", "nom", "region")
    cle = "code"
    modele = Organisme
    champs = ("code", "nom", "region_id")

    def preparer(self, lignes: list[dict[str, str]]) -> None:
        self.regions = set(Region.objects.values_list("code", flat=True))

    def convertir(self, ligne: dict[str, str], erreurs: Erreurs) -> dict[str, Any] | None:
        return {
            "code": self.obligatoire(ligne, "code", erreurs, 20),
            "nom": self.obligatoire(ligne, "nom", erreurs, 200),
            "region_id": self.reference(ligne, "region", erreurs, self.regions, "région inconnue"),
        }


@enregistrer
class UnitesImporteur(Importeur):
    nom = "unites"
    libelle = "Unités"
    colonnes = ("code", "nom", "organisme", "departement")
    cle = "code"
    modele = Unite
    champs = ("code", "nom", "organisme_id", "departement_id")

    def preparer(self, lignes: list[dict[str, str]]) -> None:
        self.organismes = dict(Organisme.objects.values_list("code", "id"))
        self.region_organisme = dict(Organisme.objects.values_list("code", "region_id"))
        self.departements = dict(Departement.objects.values_list("code", "region_id"))

    def convertir(self, ligne: dict[str, str], erreurs: Erreurs) -> dict[str, Any] | None:
        organisme = self.reference(
            ligne, "organisme", erreurs, self.organismes, "organisme inconnu"
        )
        departement = self.reference(
            ligne, "departement", erreurs, self.departements, "département inconnu"
        )
        if (
            organisme
            and departement
            and self.departements[departement] != self.region_organisme[organisme]
        ):
            erreurs.ajouter(
                "departement",
                f"le département {departement} n'est pas dans la région de l'organisme {organisme}",
            )
        return {
            "code": self.obligatoire(ligne, "code", erreurs, 20),
            "nom": self.obligatoire(ligne, "nom", erreurs, 200),
            "organisme_id": self.organismes.get(organisme),
            "departement_id": departement,
        }


@enregistrer
class LieuxAccueilImporteur(Importeur):
    nom = "lieux_accueil"
    libelle = "Lieux d'accueil"
    colonnes = ("code", "nom", "adresse", "commune", "latitude", "longitude", "unite")
    cle = "code"
    modele = LieuAccueil
    champs = ("code", "nom", "adresse", "commune_id", "latitude", "longitude", "unite_id")

    def preparer(self, lignes: list[dict[str, str]]) -> None:
        self.communes = {
            code: (lat, lon)
            for code, lat, lon in Commune.objects.values_list("code", "latitude", "longitude")
        }
        self.unites = dict(Unite.objects.values_list("code", "id"))

    def _coordonnee(
        self, ligne: dict[str, str], colonne: str, erreurs: Erreurs, limite: float
    ) -> float | None:
        try:
            valeur = lire_decimal(ligne[colonne])
        except ValueError as erreur:
            erreurs.ajouter(colonne, str(erreur))
            return None
        if not -limite <= valeur <= limite:
            erreurs.ajouter(colonne, f"{valeur} hors des bornes (−{limite} à {limite})")
            return None
        return valeur

    def convertir(self, ligne: dict[str, str], erreurs: Erreurs) -> dict[str, Any] | None:
        commune = self.reference(
            ligne, "commune", erreurs, self.communes, "commune inconnue (code INSEE)"
        )
        latitude = longitude = None
        if not ligne["latitude"] and not ligne["longitude"]:
            # Without coordinates, the place is put at its commune's town hall.
            if commune:
                latitude, longitude = self.communes[commune]
        elif not ligne["latitude"] or not ligne["longitude"]:
            colonne = "latitude" if not ligne["latitude"] else "longitude"
            erreurs.ajouter(colonne, "latitude et longitude vont ensemble : l'une manque")
        else:
            latitude = self._coordonnee(ligne, "latitude", erreurs, 90)
            longitude = self._coordonnee(ligne, "longitude", erreurs, 180)
        return {
            "code": self.obligatoire(ligne, "code", erreurs, 20),
            "nom": self.obligatoire(ligne, "nom", erreurs, 200),
            "adresse": ligne["adresse"],
            "commune_id": commune,
            "latitude": latitude,
            "longitude": longitude,
            "unite_id": self.unites.get(
                self.reference(ligne, "unite", erreurs, self.unites, "unité inconnue")
            ),
        }


@enregistrer
class AgentsImporteur(Importeur):
    nom = "agents"
    libelle = "Agents"
    colonnes = ("matricule", "nom", "prenom", "role", "unite", "email")
    cle = "matricule"
    modele = Agent
    champs = ("matricule", "nom", "prenom", "role", "unite_id", "organisme_id", "email")

    def preparer(self, lignes: list[dict[str, str]]) -> None:
        self.unites = {
            code: (pk, organisme)
            for code, pk, organisme in Unite.objects.values_list("code", "id", "organisme_id")
        }
        self.organismes = dict(Organisme.objects.values_list("code", "id"))

    def convertir(self, ligne: dict[str, str], erreurs: Erreurs) -> dict[str, Any] | None:
        role = ligne["role"].lower()
        if role not in Role.values:
            erreurs.ajouter(
                "role", f"rôle inconnu « {ligne['role']} » (attendu : {', '.join(Role.values)})"
            )
        code = ligne["unite"]
        unite_id = organisme_id = None
        if role in ROLES_D_UNITE:
            unite = self.reference(ligne, "unite", erreurs, self.unites, "unité inconnue")
            if unite:
                unite_id, organisme_id = self.unites[unite]
        elif code:
            # Roles outside units (pilotage, partenaire, admin) name their organisme, or a unit
            # of it: they belong to the organisme, not to the unit.
            if code in self.organismes:
                organisme_id = self.organismes[code]
            elif code in self.unites:
                organisme_id = self.unites[code][1]
            else:
                erreurs.ajouter("unite", f"ni unité ni organisme connu « {code} »")
        elif role == Role.PILOTAGE:
            erreurs.ajouter("unite", "organisme (ou unité) obligatoire pour le rôle pilotage")
        return {
            "matricule": self.obligatoire(ligne, "matricule", erreurs, 30),
            "nom": self.obligatoire(ligne, "nom", erreurs, 100),
            "prenom": self.obligatoire(ligne, "prenom", erreurs, 100),
            "role": role,
            "unite_id": unite_id,
            "organisme_id": organisme_id,
            "email": self.email(ligne, "email", erreurs),
        }

    def valeurs_de_creation(self, valeurs: dict[str, Any]) -> dict[str, Any]:
        # An imported agent has no password until one is set by the administrator.
        return {"password": make_password(None)}
