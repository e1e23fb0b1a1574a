"""Import of organismes.csv, unites.csv, lieux_accueil.csv, agents.csv and partenaires.csv
(DESIGN §5).

An administrator of one organisme imports only that organisme's records (`restreint`): a row
naming another organisme, or whose key is another organisme's record, is refused. Imported
accounts get no password: they receive an activation link (parcours.organisation.comptes), and
the creation and every change of role or unit of an account that reads dossiers go to the
accounts' audit trail.
"""

from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connections, router

from parcours.imports.attente import MODIFIEE, NOUVELLE
from parcours.imports.engine import (
    AideColonne,
    Erreurs,
    Importeur,
    Lot,
    enregistrer,
    raison_historique,
)
from parcours.lib.csvlecture import lire_decimal
from parcours.lib.telephone import TelephoneInvalide, normaliser_telephone
from parcours.organisation.actions import (
    evenements_de_changement,
    journaliser_evenements,
    noms_des_unites,
)
from parcours.organisation.enums import ROLES_D_UNITE, CategoriePartenaire, Role
from parcours.organisation.models import (
    Agent,
    EvenementCompte,
    LieuAccueil,
    Organisme,
    Partenaire,
    Unite,
)
from parcours.territoire.models import Commune, Departement, Region

AUTRE_ORGANISME = "code déjà utilisé par un autre organisme"
HORS_ORGANISME = "hors de votre organisme : vous n'administrez que le vôtre"


class _DeLOrganisme(Importeur):
    roles = (Role.ADMIN,)
    """The scope of a restricted import: the administrator's organisme."""

    def preparer(self) -> None:
        user = self.acting_user
        self.organisme_id = user.organisme_id if self.restreint and user is not None else None

    def hors_organisme(self, organisme_id: int | None) -> bool:
        return self.restreint and organisme_id != self.organisme_id

    def existant_ailleurs(self, organisme_id: int | None, erreurs: Erreurs) -> None:
        if self.hors_organisme(organisme_id):
            erreurs.ajouter(self.cle, AUTRE_ORGANISME)


@enregistrer
class OrganismesImporteur(_DeLOrganisme):
    nom = "organismes"
    libelle = "Organismes (Carsat)"
    colonnes = ("code", "nom", "region")
    cle = "code"
    modele = Organisme
    champs = ("code", "nom", "region_id")
    aide = {
        "code": AideColonne("clé de l'organisme, 20 caractères au plus", "CARSAT-MP"),
        "nom": AideColonne("nom de l'organisme, 200 caractères au plus", "Carsat Midi-Pyrénées"),
        "region": AideColonne("code INSEE d'une région présente dans la géographie chargée", "76"),
    }

    def preparer(self) -> None:
        super().preparer()
        self.regions = set(Region.objects.values_list("code", flat=True))

    def controler(self, valeurs, existant, erreurs):
        if existant is None:
            erreurs.ajouter("code", "un organisme se crée par l'exploitant (commande « importer »)")
        else:
            self.existant_ailleurs(existant[0], erreurs)
        return None

    def convertir(self, ligne: dict[str, str], erreurs: Erreurs) -> dict[str, Any] | None:
        return {
            "code": self.obligatoire(ligne, "code", erreurs, 20),
            "nom": self.obligatoire(ligne, "nom", erreurs, 200),
            "region_id": self.reference(ligne, "region", erreurs, self.regions, "région inconnue"),
        }


@enregistrer
class UnitesImporteur(_DeLOrganisme):
    nom = "unites"
    libelle = "Unités"
    colonnes = ("code", "nom", "organisme", "departement")
    cle = "code"
    modele = Unite
    champs = ("code", "nom", "organisme_id", "departement_id")
    aide = {
        "code": AideColonne("clé de l'unité, 20 caractères au plus", "MP-82-MONTAUBAN"),
        "nom": AideColonne("nom de l'unité, 200 caractères au plus", "Montauban"),
        "organisme": AideColonne("code d'un organisme déjà importé", "CARSAT-MP"),
        "departement": AideColonne(
            "code INSEE d'un département présent dans la géographie chargée, situé dans la "
            "région de l'organisme (gardez le zéro en tête : 09, pas 9)",
            "82",
        ),
    }

    def preparer(self) -> None:
        super().preparer()
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
        if organisme and self.hors_organisme(self.organismes[organisme]):
            erreurs.ajouter("organisme", HORS_ORGANISME)
        return {
            "code": self.obligatoire(ligne, "code", erreurs, 20),
            "nom": self.obligatoire(ligne, "nom", erreurs, 200),
            "organisme_id": self.organismes.get(organisme),
            "departement_id": departement,
        }

    def controler(self, valeurs, existant, erreurs):
        if existant is not None:
            self.existant_ailleurs(existant[1 + self.champs.index("organisme_id")], erreurs)
        return None


@enregistrer
class LieuxAccueilImporteur(_DeLOrganisme):
    nom = "lieux_accueil"
    libelle = "Lieux d'accueil"
    colonnes = ("code", "nom", "adresse", "commune", "latitude", "longitude", "unite")
    cle = "code"
    modele = LieuAccueil
    champs = ("code", "nom", "adresse", "commune_id", "latitude", "longitude", "unite_id")
    aide = {
        "code": AideColonne("clé du lieu d'accueil, 20 caractères au plus", "LA-82121"),
        "nom": AideColonne(
            "nom du lieu d'accueil, 200 caractères au plus",
            "Agence de l'Assurance Maladie — Montauban",
        ),
        "adresse": AideColonne(
            "texte libre, 500 caractères au plus",
            "12 avenue Gambetta, 82000 Montauban",
            obligatoire=False,
        ),
        "commune": AideColonne(
            "code INSEE d'une commune (ou d'un arrondissement de Paris, Lyon, Marseille) "
            "présente dans la géographie chargée",
            "82121",
        ),
        "latitude": AideColonne(
            "nombre décimal entre −90 et 90, avec un point ou une virgule ; latitude et "
            "longitude vides : le lieu est placé au point de la mairie de sa commune",
            "44,0176",
            obligatoire="non, mais avec longitude",
        ),
        "longitude": AideColonne(
            "nombre décimal entre −180 et 180, avec un point ou une virgule",
            "1,3550",
            obligatoire="non, mais avec latitude",
        ),
        "unite": AideColonne("code d'une unité déjà importée", "MP-82-MONTAUBAN"),
    }

    def preparer(self) -> None:
        super().preparer()
        self.communes = {
            code: (lat, lon)
            for code, lat, lon in Commune.objects.values_list("code", "latitude", "longitude")
        }
        self.unites = dict(Unite.objects.values_list("code", "id"))
        self.organisme_de = dict(Unite.objects.values_list("id", "organisme_id"))

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
        unite_id = self.unites.get(
            self.reference(ligne, "unite", erreurs, self.unites, "unité inconnue")
        )
        if unite_id is not None and self.hors_organisme(self.organisme_de[unite_id]):
            erreurs.ajouter("unite", HORS_ORGANISME)
        return {
            "code": self.obligatoire(ligne, "code", erreurs, 20),
            "nom": self.obligatoire(ligne, "nom", erreurs, 200),
            "adresse": self.facultatif(ligne, "adresse", erreurs, 500),
            "commune_id": commune,
            "latitude": latitude,
            "longitude": longitude,
            "unite_id": unite_id,
        }

    def controler(self, valeurs, existant, erreurs):
        if existant is not None:
            unite = existant[1 + self.champs.index("unite_id")]
            self.existant_ailleurs(self.organisme_de.get(unite), erreurs)
        return None


@enregistrer
class AgentsImporteur(_DeLOrganisme):
    nom = "agents"
    libelle = "Agents"
    colonnes = ("matricule", "nom", "prenom", "role", "unite", "email")
    cle = "matricule"
    modele = Agent
    champs = ("matricule", "nom", "prenom", "role", "unite_id", "organisme_id", "email")
    aide = {
        "matricule": AideColonne(
            "clé de l'agent et identifiant de connexion, 30 caractères au plus", "A00123"
        ),
        "nom": AideColonne("100 caractères au plus", "Martin"),
        "prenom": AideColonne("100 caractères au plus", "Claire"),
        "role": AideColonne(
            f"l'un de {', '.join(Role.values)} (majuscules acceptées)", Role.ASS.value
        ),
        "unite": AideColonne(
            f"pour {', '.join(ROLES_D_UNITE)} : code d'une unité déjà importée, obligatoire ; "
            "pour pilotage : code de l'organisme (ou d'une de ses unités), obligatoire ; pour "
            "partenaire et admin : code de l'organisme (ou d'une de ses unités), facultatif",
            "MP-82-MONTAUBAN",
            obligatoire="selon le rôle",
        ),
        "email": AideColonne(
            "adresse électronique valide, enregistrée en minuscules ; sans elle, l'agent ne "
            "peut pas recevoir le lien pour choisir son mot de passe",
            "claire.martin@example.org",
            obligatoire=False,
        ),
    }

    def preparer(self) -> None:
        super().preparer()
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
        if code and (unite_id or organisme_id) and self.hors_organisme(organisme_id):
            erreurs.ajouter("unite", HORS_ORGANISME)
        elif not code and self.restreint:
            erreurs.ajouter("unite", "indiquez l'unité ou l'organisme de l'agent")
        return {
            "matricule": self.obligatoire(ligne, "matricule", erreurs, 30),
            "nom": self.obligatoire(ligne, "nom", erreurs, 100),
            "prenom": self.obligatoire(ligne, "prenom", erreurs, 100),
            "role": role,
            "unite_id": unite_id,
            "organisme_id": organisme_id,
            "email": self.email(ligne, "email", erreurs),
        }

    def controler(self, valeurs, existant, erreurs):
        if existant is None:
            return None
        self.existant_ailleurs(existant[1 + self.champs.index("organisme_id")], erreurs)
        role_avant = existant[1 + self.champs.index("role")]
        moi = self.acting_user
        if moi is not None and existant[0] == moi.pk and valeurs["role"] != role_avant:
            erreurs.ajouter("role", "vous ne pouvez pas changer votre propre rôle")
        return None

    def valeurs_de_creation(self) -> dict[str, Any]:
        # An imported agent has no password: they choose one from their activation link.
        return {"password": make_password(None)}

    def apres_lot(self, lot: Lot) -> None:
        """The accounts' audit trail: creations and changes of role or unit."""
        crees = lot.cles(NOUVELLE)
        ids = dict(Agent.objects.filter(matricule__in=crees).values_list("matricule", "id"))
        rang_role = self.champs.index("role")
        rang_unite = self.champs.index("unite_id")
        origine = raison_historique(self.journal)
        auteur = self.journal.auteur_id
        noms = noms_des_unites(
            {ligne["valeurs"]["unite_id"] for ligne in lot.lignes}
            | {ligne["avant"][rang_unite] for ligne in lot.lignes}
        )
        evenements = []
        for ligne in lot.lignes:
            valeurs = ligne["valeurs"]
            if ligne["etat"] == NOUVELLE:
                avant = None
                agent_id = ids[ligne["cle"]]
            elif ligne["etat"] == MODIFIEE:
                avant = (ligne["avant"][rang_role], ligne["avant"][rang_unite])
                agent_id = ligne["pk"]
            else:
                continue
            evenements += evenements_de_changement(
                agent_id=agent_id,
                organisme_id=valeurs["organisme_id"],
                avant=avant,
                apres=(valeurs["role"], valeurs["unite_id"]),
                auteur_id=auteur,
                origine=origine,
                noms=noms,
            )
        journaliser_evenements(evenements)

    def annuler(self) -> None:
        """The audit lines of an import that was undone go with it (plain SQL: the trail is
        append-only for everything else)."""
        connexion = connections[router.db_for_write(EvenementCompte)]
        table = connexion.ops.quote_name(EvenementCompte._meta.db_table)
        with connexion.cursor() as curseur:
            curseur.execute(
                f"DELETE FROM {table} WHERE origine = %s", [raison_historique(self.journal)]
            )


@enregistrer
class PartenairesImporteur(_DeLOrganisme):
    """The partner directory. The organisme is the administrator's; for the instance's
    administrator, the one of the département's région."""

    nom = "partenaires"
    libelle = "Annuaire des partenaires"
    colonnes = ("code", "nom", "categorie", "departement", "email", "telephone")
    cle = "code"
    modele = Partenaire
    champs = ("code", "nom", "categorie", "organisme_id", "departement_id", "email", "telephone")
    aide = {
        "code": AideColonne("clé de la structure, 30 caractères au plus", "CPAM82-MISAS"),
        "nom": AideColonne(
            "nom de la structure, 200 caractères au plus",
            "CPAM de Tarn-et-Garonne — Mission accompagnement santé",
        ),
        "categorie": AideColonne(
            "l'un de "
            + ", ".join(CategoriePartenaire.values)
            + " (CPAM_MISAS : Mission accompagnement santé, SERVICE_MEDICAL : ELSM, "
            "BIEN_VIEILLIR : ateliers « bien vieillir »…)",
            CategoriePartenaire.CPAM_MISAS.value,
        ),
        "departement": AideColonne(
            "code INSEE d'un département de la région de l'organisme (gardez le zéro en tête) ; "
            "vide pour une structure régionale",
            "82",
            obligatoire=False,
        ),
        "email": AideColonne(
            "adresse électronique de la structure", "misas.cpam82@example.org", obligatoire=False
        ),
        "telephone": AideColonne(
            "numéro de téléphone, enregistré au format international",
            "05 63 00 00 00",
            obligatoire=False,
        ),
    }

    def preparer(self) -> None:
        super().preparer()
        self.departements = dict(Departement.objects.values_list("code", "region_id"))
        self.organisme_de_region: dict[str, int | None] = {}
        for region, organisme in Organisme.objects.values_list("region_id", "id"):
            # Two organismes in one région: the département does not say which.
            deja = region in self.organisme_de_region
            self.organisme_de_region[region] = None if deja else organisme
        self.region_de = dict(Organisme.objects.values_list("id", "region_id"))

    def convertir(self, ligne: dict[str, str], erreurs: Erreurs) -> dict[str, Any] | None:
        categorie = ligne["categorie"].upper()
        if categorie not in CategoriePartenaire.values:
            erreurs.ajouter(
                "categorie",
                f"catégorie inconnue « {ligne['categorie']} » "
                f"(attendu : {', '.join(CategoriePartenaire.values)})",
            )
        departement = None
        if ligne["departement"]:
            departement = self.reference(
                ligne, "departement", erreurs, self.departements, "département inconnu"
            )
        organisme_id = self.organisme_id
        if organisme_id is None and departement:
            organisme_id = self.organisme_de_region.get(self.departements[departement])
            if organisme_id is None:
                erreurs.ajouter(
                    "departement",
                    f"aucun organisme (ou plusieurs) dans la région du département {departement}",
                )
        elif organisme_id is None:
            erreurs.ajouter(
                "departement", "indiquez le département : l'organisme de la structure s'en déduit"
            )
        elif (
            departement
            and organisme_id is not None
            and self.departements[departement] != self.region_de.get(organisme_id)
        ):
            erreurs.ajouter(
                "departement", f"le département {departement} n'est pas dans votre région"
            )
        telephone = ""
        if ligne["telephone"]:
            try:
                telephone = normaliser_telephone(ligne["telephone"])
            except TelephoneInvalide as erreur:
                erreurs.ajouter("telephone", str(erreur))
        return {
            "code": self.obligatoire(ligne, "code", erreurs, 30),
            "nom": self.obligatoire(ligne, "nom", erreurs, 200),
            "categorie": categorie,
            "organisme_id": organisme_id,
            "departement_id": departement,
            "email": self.email(ligne, "email", erreurs),
            "telephone": telephone,
        }

    def controler(self, valeurs, existant, erreurs):
        if existant is not None:
            self.existant_ailleurs(existant[1 + self.champs.index("organisme_id")], erreurs)
        return None
