"""History imports (DESIGN §5): assures.csv, accompagnements.csv, entretiens.csv,
signalements.csv. This is how a Carsat migrates years of history, so every kind looks up only
the keys its file mentions, in a few queries, and writes in bulk.

Order: persons first, then accompaniments, interviews, signalements. Messages never repeat a NIR
or a name: they name the line and the column.

A unit manager's import (`restreint`) may only create or change records of their unit: a row
whose key names another unit's record is refused without saying what it is, persons are updated
only where the unit holds their dossier, and the history files may name only persons the unit
follows or listed in its own assures.csv (`PersonneDeclaree`). An unknown NIR and a NIR the unit
does not follow get the same answer, so an import never tells who the service knows.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from parcours.dossiers.actions import router
from parcours.dossiers.enums import (
    IssueAccompagnement,
    ModeEntretien,
    Sexe,
    SourceSignalement,
    StatutSignalement,
)
from parcours.dossiers.models import (
    Accompagnement,
    Assure,
    Entretien,
    Mission,
    PersonneDeclaree,
    Signalement,
)
from parcours.dossiers.models.assures import CHAMPS_IDENTITE
from parcours.dossiers.perms import assures_suivis_par
from parcours.imports.attente import HORS_PERIMETRE, MODIFIEE, NOUVELLE
from parcours.imports.engine import (
    AideColonne,
    Erreurs,
    Importeur,
    Lot,
    condition_dans,
    enregistrer,
    lire_par_cles,
    par_lots,
)
from parcours.lib.csvlecture import lire_booleen, lire_date
from parcours.lib.dates import probleme_date_activite, probleme_date_naissance
from parcours.lib.nir import NirInvalide, normaliser_nir
from parcours.lib.nombres import format_compte
from parcours.lib.telephone import TelephoneInvalide, normaliser_telephone
from parcours.lib.texte import LONGUEUR_ADRESSE, LONGUEUR_TEXTE, normaliser
from parcours.organisation.enums import Role
from parcours.organisation.models import Agent, LieuAccueil, Unite
from parcours.territoire.models import Commune

LOT = 5000
MESSAGE_AUTRE_UNITE = "référence déjà utilisée par une autre unité"
# Enum values as sets, computed once (TextChoices.values builds a new list at each call).
SEXES = frozenset(Sexe.values)
ISSUES = frozenset(IssueAccompagnement.values)
MODES = frozenset(ModeEntretien.values)
SOURCES = frozenset(SourceSignalement.values)

# The template lines of the upload page (`AideColonne.exemple`) are about one fictitious person,
# whose NIR is valid (its key is checked) but obviously made up (born abroad in « country 999 »,
# order number 999), and name the unit, place and agent of the organisation templates.
NIR_EXEMPLE = "185059999999953"
AIDE_NIR = "NIR valide d'une personne déjà en base (importez d'abord assures.csv)"
AIDE_DATE = "date (AAAA-MM-JJ ou JJ/MM/AAAA), pas dans le futur"


def _codes(valeurs: Iterable[str]) -> str:
    """« A, B ou C »."""
    *debut, fin = valeurs
    return f"{', '.join(debut)} ou {fin}" if debut else fin


def _par_lots(cles: Iterable) -> Iterable[list]:
    return par_lots(list(cles), LOT)


def _en_date(valeur: date | str | None) -> date | None:
    """A date read by plain SQL: a date on PostgreSQL, ISO text on SQLite."""
    if valeur is None or isinstance(valeur, date):
        return valeur
    return date.fromisoformat(valeur)


def _ids_des_nir(nirs: Iterable[str]) -> dict[str, int]:
    """Person id by NIR as written in the file, for the NIRs a file mentions.

    A NIR found in the database is valid (only valid ones are stored); the others are checked
    row by row, with their message, in `_AvecDates.assure`.
    """
    ecrits: dict[str, str] = {}
    for brut in nirs:
        if brut in ecrits:
            continue
        try:
            ecrits[brut] = normaliser_nir(brut)
        except NirInvalide:
            continue
    par_nir = dict(lire_par_cles(Assure, "nir", ["id"], set(ecrits.values())))
    return {brut: par_nir[nir] for brut, nir in ecrits.items() if nir in par_nir}


def _suivis(unite_id: int | None, ids: set[int]) -> set[int]:
    """Among `ids`, the persons whose dossier the unit holds."""
    suivis: set[int] = set()
    if unite_id is None:
        return suivis
    for lot in _par_lots(ids):
        suivis.update(assures_suivis_par(unite_id).filter(pk__in=lot).values_list("pk", flat=True))
    return suivis


def _permis(unite_id: int | None, ids: set[int]) -> set[int]:
    """Among `ids`, the persons a unit's history files may name: followed or declared."""
    permis = _suivis(unite_id, ids)
    for lot in _par_lots(ids - permis):
        permis.update(
            PersonneDeclaree.objects.filter(unite_id=unite_id, assure_id__in=lot).values_list(
                "assure_id", flat=True
            )
        )
    return permis


class _AvecDates(Importeur):
    # The history of dossiers is a unit manager's, for their unit only (the administrator reads
    # no dossier, so writes none either; a whole Carsat's migration goes through the operator's
    # `importer` command).
    roles = (Role.CADRE,)
    journal_par = "unite"
    """Helpers shared by the history kinds, and the scope of a restricted import."""

    donnees_personnelles = True

    def preparer(self) -> None:
        self.aujourd_hui = timezone.localdate()
        self.unite_id = None
        self.organisme_id = None
        if self.restreint:
            # A unit manager's import; anyone else (without a unit) may write nothing.
            user = self.acting_user
            if user is not None and user.role == Role.CADRE:
                self.unite_id = user.unite_id
                self.organisme_id = user.organisme_id
        self.assures: dict[str, int] = {}
        self.permis: set[int] = set()

    def _agents(self):
        """Agents a row may name: those of the manager's organisme for a restricted import (an
        agent of another organisme is « inconnu », as one that does not exist)."""
        agents = Agent.objects.all()
        if self.restreint:
            agents = agents.filter(organisme_id=self.organisme_id)
        return agents

    def _assures_du_morceau(self, lignes: list[dict[str, str]]) -> None:
        self.assures = _ids_des_nir(ligne["nir"] for ligne in lignes)
        if self.restreint:
            self.permis = _permis(self.unite_id, set(self.assures.values()))

    def date(
        self, ligne: dict[str, str], colonne: str, erreurs: Erreurs, obligatoire: bool = True
    ) -> date | None:
        texte = ligne.get(colonne, "")
        if not texte:
            if obligatoire:
                erreurs.ajouter(colonne, "date obligatoire manquante")
            return None
        try:
            valeur = lire_date(texte)
        except ValueError as erreur:
            erreurs.ajouter(colonne, str(erreur))
            return None
        if valeur > self.aujourd_hui:
            erreurs.ajouter(colonne, f"date dans le futur ({valeur:%d/%m/%Y})")
            return None
        naissance = colonne == "date_naissance"
        verifier = probleme_date_naissance if naissance else probleme_date_activite
        if probleme := verifier(valeur, self.aujourd_hui):
            erreurs.ajouter(colonne, probleme)
            return None
        return valeur

    def assure(self, ligne: dict[str, str], erreurs: Erreurs) -> int | None:
        brut = ligne.get("nir", "")
        identifiant = self.assures.get(brut)
        if identifiant is not None and (not self.restreint or identifiant in self.permis):
            return identifiant
        try:
            normaliser_nir(brut)
        except NirInvalide as erreur:
            erreurs.ajouter("nir", str(erreur))
            return None
        if self.restreint:
            # The same words whether the NIR is unknown or known outside the unit.
            erreurs.ajouter(
                "nir",
                "aucune personne de ce NIR dans les dossiers de votre unité : importez d'abord "
                "assures.csv",
            )
        else:
            erreurs.ajouter("nir", "aucune personne de ce NIR : importez d'abord assures.csv")
        return None

    @staticmethod
    def telephone(ligne: dict[str, str], erreurs: Erreurs) -> str:
        """Checked and stored in E.164; the message never repeats the value."""
        texte = ligne.get("telephone", "")
        if not texte:
            return ""
        try:
            return normaliser_telephone(texte)
        except TelephoneInvalide as erreur:
            erreurs.ajouter("telephone", str(erreur))
            return ""

    def autre_unite(self, existant: tuple | None, erreurs: Erreurs) -> None:
        """A key that names a record of another unit: refused, without saying what it is."""
        unite = existant[1 + self.champs.index("unite_id")] if existant else None
        if existant is not None and unite != self.unite_id:
            erreurs.ajouter(self.cle, MESSAGE_AUTRE_UNITE)

    def controler(self, valeurs, existant, erreurs):
        self.autre_unite(existant, erreurs)
        return None

    def choix(
        self,
        ligne: dict[str, str],
        colonne: str,
        erreurs: Erreurs,
        valeurs: frozenset[str],
        obligatoire: bool = True,
    ) -> str:
        texte = ligne.get(colonne, "").strip().upper()
        if not texte:
            if obligatoire:
                erreurs.ajouter(colonne, "valeur obligatoire manquante")
            return ""
        if texte not in valeurs:
            erreurs.ajouter(
                colonne,
                f"valeur inconnue « {ligne[colonne]} » (attendu : {', '.join(sorted(valeurs))})",
            )
            return ""
        return texte


@enregistrer
class AssuresImporteur(_AvecDates):
    nom = "assures"
    libelle = "Assurés (historique)"
    colonnes = CHAMPS_IDENTITE
    cle = "nir"
    modele = Assure
    champs = (
        *(Assure._meta.get_field(c).attname for c in CHAMPS_IDENTITE),
        "recherche",
    )
    aide = {
        "nir": AideColonne(
            "clé de la personne : 15 caractères (13 et la clé de contrôle, qui est vérifiée), "
            "espaces permis ; 2A ou 2B pour une naissance en Corse",
            NIR_EXEMPLE,
        ),
        "nom": AideColonne("100 caractères au plus", "Exemple"),
        "prenom": AideColonne("100 caractères au plus", "Camille"),
        "date_naissance": AideColonne(AIDE_DATE, "1985-05-20"),
        "sexe": AideColonne(_codes(Sexe.values), Sexe.M.value),
        "commune": AideColonne(
            "code INSEE de la commune de résidence, présente dans la géographie chargée",
            "82121",
            obligatoire=False,
        ),
        "adresse": AideColonne(
            f"texte libre, {LONGUEUR_ADRESSE} caractères au plus",
            "1 rue de l'Exemple, 82000 Montauban",
            obligatoire=False,
        ),
        "telephone": AideColonne(
            "numéro vérifié, enregistré au format international (+33…)",
            "01 99 00 12 34",
            obligatoire=False,
        ),
        "email": AideColonne(
            "adresse électronique valide, enregistrée en minuscules",
            "camille.exemple@example.org",
            obligatoire=False,
        ),
    }

    def preparer(self) -> None:
        super().preparer()
        self.communes = set(Commune.objects.values_list("code", flat=True))
        self.suivis: set[int] = set()

    def controler_existants(self, existants: dict[str, tuple]) -> None:
        self.suivis = _suivis(self.unite_id, {e[0] for e in existants.values()})

    def controler(self, valeurs, existant, erreurs):
        """A person the unit does not follow is counted, never changed (nor said to be known)."""
        if existant is None or existant[0] not in self.suivis:
            return HORS_PERIMETRE if existant is not None else None
        return None

    def apres_lot(self, lot: Lot) -> None:
        """A restricted import declares the persons it lists outside the unit's dossiers."""
        if not self.restreint or self.unite_id is None:
            return
        cles = lot.cles(NOUVELLE, HORS_PERIMETRE)
        if not cles:
            return
        q = lot.connexion.ops.quote_name
        condition, parametres = condition_dans(lot.connexion, q("nir"), cles)
        maintenant = PersonneDeclaree._meta.get_field("cree_le").get_db_prep_save(
            timezone.now(), lot.connexion
        )
        with lot.connexion.cursor() as curseur:
            curseur.execute(
                f"INSERT INTO {q(PersonneDeclaree._meta.db_table)} "
                "(assure_id, unite_id, import_origine_id, cree_le) "
                f"SELECT id, %s, %s, %s FROM {q(Assure._meta.db_table)} WHERE {condition} "
                "ON CONFLICT DO NOTHING",
                [self.unite_id, self.journal.pk, maintenant, *parametres],
            )

    def annuler(self) -> None:
        PersonneDeclaree.objects.filter(import_origine=self.journal).delete()

    def convertir(self, ligne: dict[str, str], erreurs: Erreurs) -> dict[str, Any] | None:
        try:
            nir = normaliser_nir(ligne["nir"])
        except NirInvalide as erreur:
            erreurs.ajouter("nir", str(erreur))
            nir = None
        nom = self.obligatoire(ligne, "nom", erreurs, 100)
        prenom = self.obligatoire(ligne, "prenom", erreurs, 100)
        commune = ligne["commune"].upper() or None
        if commune is not None and commune not in self.communes:
            erreurs.ajouter("commune", f"commune inconnue (code INSEE « {ligne['commune']} »)")
        return {
            "nir": nir,
            "nom": nom,
            "prenom": prenom,
            "recherche": normaliser(f"{nom} {prenom}"),
            "date_naissance": self.date(ligne, "date_naissance", erreurs),
            "sexe": self.choix(ligne, "sexe", erreurs, SEXES),
            "commune_id": commune,
            "adresse": self.facultatif(ligne, "adresse", erreurs, LONGUEUR_ADRESSE),
            "telephone": self.telephone(ligne, erreurs),
            "email": self.email(ligne, "email", erreurs),
        }


@enregistrer
class AccompagnementsImporteur(_AvecDates):
    nom = "accompagnements"
    libelle = "Accompagnements (historique)"
    colonnes = ("ref", "nir", "mission", "date_debut", "date_fin", "issue", "agent", "unite")
    cle = "ref"
    modele = Accompagnement
    champs = (
        "ref",
        "assure_id",
        "mission_id",
        "date_debut",
        "date_fin",
        "issue",
        "referent_id",
        "unite_id",
    )
    aide = {
        "ref": AideColonne("clé de l'accompagnement, 40 caractères au plus", "ACC-2024-0001"),
        "nir": AideColonne(AIDE_NIR, NIR_EXEMPLE),
        "mission": AideColonne(
            "code d'une mission du référentiel : PARCOURS_SANTE, PDP, RETOUR_DOMICILE, "
            "PASSAGE_RETRAITE, ou un code ajouté par l'administrateur",
            "PDP",
        ),
        "date_debut": AideColonne(f"date d'ouverture : {AIDE_DATE}", "2024-01-15"),
        "date_fin": AideColonne(
            f"date de clôture : {AIDE_DATE}, pas avant l'ouverture ; vide pour un "
            "accompagnement en cours",
            "2024-06-28",
            obligatoire=False,
        ),
        "issue": AideColonne(
            f"code d'issue : {_codes(IssueAccompagnement.values)} ; une issue sans date de "
            "clôture est refusée",
            IssueAccompagnement.REPRISE_POSTE.value,
            obligatoire="si date_fin est remplie",
        ),
        "agent": AideColonne(
            "matricule du ou de la référent·e, un agent ass ou cadre déjà importé", "A00123"
        ),
        "unite": AideColonne(
            "code d'une unité déjà importée : l'unité de l'accompagnement", "MP-82-MONTAUBAN"
        ),
    }

    def preparer(self) -> None:
        super().preparer()
        self.missions = dict(Mission.objects.values_list("code", "id"))
        self.agents = dict(self._agents().values_list("matricule", "id"))
        self.referents = set(
            self._agents()
            .filter(role__in=(Role.ASS, Role.CADRE))
            .values_list("matricule", flat=True)
        )
        self.unites = dict(Unite.objects.values_list("code", "id"))

    def preparer_morceau(self, lignes: list[dict[str, str]]) -> None:
        self._assures_du_morceau(lignes)

    def convertir(self, ligne: dict[str, str], erreurs: Erreurs) -> dict[str, Any] | None:
        ref = self.obligatoire(ligne, "ref", erreurs, 40)
        assure = self.assure(ligne, erreurs)
        mission = self.reference(ligne, "mission", erreurs, self.missions, "mission inconnue")
        debut = self.date(ligne, "date_debut", erreurs)
        fin = self.date(ligne, "date_fin", erreurs, obligatoire=False)
        issue = self.choix(ligne, "issue", erreurs, ISSUES, obligatoire=fin is not None)
        if fin is None and issue and not ligne["date_fin"]:
            erreurs.ajouter("date_fin", "une issue sans date de clôture : indiquez la date")
        if debut and fin and fin < debut:
            erreurs.ajouter("date_fin", "la clôture précède l'ouverture")
        agent = self.reference(ligne, "agent", erreurs, self.agents, "agent inconnu (matricule)")
        if agent and agent not in self.referents:
            erreurs.ajouter(
                "agent",
                f"« {agent} » n'est ni assistant·e de service social ni cadre : pas référent",
            )
        unite = self.reference(ligne, "unite", erreurs, self.unites, "unité inconnue")
        if unite and self.restreint and self.unites[unite] != self.unite_id:
            erreurs.ajouter("unite", "unité hors de votre périmètre : importez pour la vôtre")
        return {
            "ref": ref,
            "assure_id": assure,
            "mission_id": self.missions.get(mission),
            "date_debut": debut,
            "date_fin": fin,
            "issue": issue,
            "referent_id": self.agents.get(agent),
            "unite_id": self.unites.get(unite),
        }


@enregistrer
class EntretiensImporteur(_AvecDates):
    nom = "entretiens"
    libelle = "Entretiens (historique)"
    colonnes = (
        "ref",
        "accompagnement",
        "nir",
        "date",
        "mode",
        "lieu_accueil",
        "agent",
        "duree_minutes",
        "annule",
    )
    cle = "ref"
    modele = Entretien
    champs = (
        "ref",
        "accompagnement_id",
        "assure_id",
        "date",
        "mode",
        "lieu_accueil_id",
        "agent_id",
        "duree_minutes",
        "annule",
        "unite_id",
    )
    aide = {
        "ref": AideColonne("clé de l'entretien, 40 caractères au plus", "ENT-2024-0001"),
        "accompagnement": AideColonne(
            "ref d'un accompagnement déjà en base ; vide pour une intervention ponctuelle",
            "ACC-2024-0001",
            obligatoire=False,
        ),
        "nir": AideColonne(
            f"{AIDE_NIR} ; avec un accompagnement, celui de la personne accompagnée", NIR_EXEMPLE
        ),
        "date": AideColonne(
            f"{AIDE_DATE} ; avec un accompagnement, ni avant son ouverture ni après sa clôture",
            "2024-02-20",
        ),
        "mode": AideColonne(_codes(ModeEntretien.values), ModeEntretien.LIEU_ACCUEIL.value),
        "lieu_accueil": AideColonne(
            "code d'un lieu d'accueil déjà importé", "LA-82121", obligatoire=False
        ),
        "agent": AideColonne("matricule de l'agent qui a mené l'entretien", "A00123"),
        "duree_minutes": AideColonne(
            "durée en minutes, nombre entier de 1 à 600", "45", obligatoire=False
        ),
        "annule": AideColonne(
            "oui ou non (vide : non) ; un entretien annulé ne compte pas comme réalisé",
            "non",
            obligatoire=False,
        ),
    }

    def preparer(self) -> None:
        super().preparer()
        self.agents = {
            m: (pk, unite)
            for m, pk, unite in self._agents().values_list("matricule", "id", "unite_id")
        }
        lieux = LieuAccueil.objects.all()
        if self.restreint:
            lieux = lieux.filter(unite__organisme_id=self.organisme_id)
        self.lieux = dict(lieux.values_list("code", "id"))

    def preparer_morceau(self, lignes: list[dict[str, str]]) -> None:
        self._assures_du_morceau(lignes)
        refs = {ligne["accompagnement"] for ligne in lignes if ligne["accompagnement"]}
        self.accompagnements = {
            ref: (pk, assure, unite, _en_date(debut), _en_date(fin))
            for ref, pk, assure, unite, debut, fin in lire_par_cles(
                Accompagnement,
                "ref",
                ["id", "assure_id", "unite_id", "date_debut", "date_fin"],
                refs,
            )
            # A restricted import sees its unit's accompaniments only.
            if not self.restreint or unite == self.unite_id
        }

    def convertir(self, ligne: dict[str, str], erreurs: Erreurs) -> dict[str, Any] | None:
        ref = self.obligatoire(ligne, "ref", erreurs, 40)
        assure = self.assure(ligne, erreurs)
        jour = self.date(ligne, "date", erreurs)
        acc = None
        if ligne["accompagnement"]:
            acc = self.accompagnements.get(ligne["accompagnement"])
            if acc is None:
                erreurs.ajouter(
                    "accompagnement",
                    f"accompagnement inconnu « {ligne['accompagnement']} » : importez d'abord "
                    "accompagnements.csv",
                )
            else:
                acc_id, acc_assure, acc_unite, debut, fin = acc
                if assure is not None and acc_assure != assure:
                    erreurs.ajouter("nir", "ce NIR n'est pas celui de la personne accompagnée")
                if jour and jour < debut:
                    erreurs.ajouter(
                        "date", f"avant l'ouverture de l'accompagnement ({debut:%d/%m/%Y})"
                    )
                if jour and fin and jour > fin:
                    erreurs.ajouter(
                        "date", f"après la clôture de l'accompagnement ({fin:%d/%m/%Y})"
                    )
        mode = self.choix(ligne, "mode", erreurs, MODES)
        lieu = self.reference(
            ligne, "lieu_accueil", erreurs, self.lieux, "lieu d'accueil inconnu", obligatoire=False
        )
        agent = self.reference(ligne, "agent", erreurs, self.agents, "agent inconnu (matricule)")
        duree = None
        if ligne["duree_minutes"]:
            try:
                duree = int(ligne["duree_minutes"])
            except ValueError:
                erreurs.ajouter(
                    "duree_minutes", f"« {ligne['duree_minutes']} » n'est pas un entier"
                )
            else:
                if not 1 <= duree <= 600:
                    erreurs.ajouter("duree_minutes", f"{duree} minutes : attendu de 1 à 600")
        try:
            annule = lire_booleen(ligne["annule"])
        except ValueError as erreur:
            erreurs.ajouter("annule", str(erreur))
            annule = False
        agent_id, unite_agent = self.agents.get(agent, (None, None))
        unite = acc[2] if acc else unite_agent
        if agent and unite is None:
            erreurs.ajouter("agent", "intervention ponctuelle d'un agent sans unité")
        elif agent and self.restreint and unite != self.unite_id:
            erreurs.ajouter(
                "agent", "intervention ponctuelle d'un agent d'une autre unité que la vôtre"
            )
        return {
            "ref": ref,
            "accompagnement_id": acc[0] if acc else None,
            "assure_id": assure,
            "date": jour,
            "mode": mode,
            "lieu_accueil_id": self.lieux.get(lieu) if lieu else None,
            "agent_id": agent_id,
            "duree_minutes": duree,
            "annule": annule,
            "unite_id": unite,
        }


@enregistrer
class SignalementsImporteur(_AvecDates):
    nom = "signalements"
    libelle = "Signalements (historique)"
    colonnes = ("ref", "nir", "date", "source", "motif", "mission", "commentaire")
    cle = "ref"
    modele = Signalement
    champs = (
        "ref",
        "assure_id",
        "date",
        "source",
        "motif",
        "mission_id",
        "commentaire",
        "unite_id",
        "agent_id",
    )
    aide = {
        "ref": AideColonne("clé du signalement, 40 caractères au plus", "SIG-2024-0001"),
        "nir": AideColonne(AIDE_NIR, NIR_EXEMPLE),
        "date": AideColonne(f"date de réception : {AIDE_DATE}", "2024-01-08"),
        "source": AideColonne(
            f"code de source : {_codes(SourceSignalement.values)}",
            SourceSignalement.SERVICE_MEDICAL.value,
        ),
        "motif": AideColonne(
            f"{format_compte(LONGUEUR_TEXTE)} caractères au plus",
            "Arrêt de travail de plus de 90 jours",
        ),
        "mission": AideColonne(
            "code d'une mission du référentiel : la mission suggérée", "PDP", obligatoire=False
        ),
        "commentaire": AideColonne(
            f"texte libre, {format_compte(LONGUEUR_TEXTE)} caractères au plus",
            "Transmis par le service médical",
            obligatoire=False,
        ),
    }

    def preparer(self) -> None:
        super().preparer()
        self.missions = dict(Mission.objects.values_list("code", "id"))
        self.routages: dict[str | None, tuple[int | None, int | None]] = {}

    def preparer_morceau(self, lignes: list[dict[str, str]]) -> None:
        self._assures_du_morceau(lignes)
        self.communes: dict[int, str | None] = {}
        for lot in _par_lots(set(self.assures.values())):
            self.communes.update(Assure.objects.filter(pk__in=lot).values_list("id", "commune_id"))

    def _router(self, commune: str | None) -> tuple[int | None, int | None]:
        """The unit and social worker of the person's commune; a unit manager's import keeps
        its signalements in its unit (with the sector's social worker if they are of it)."""
        if commune not in self.routages:
            routage = router(commune)
            unite = routage.unite.pk if routage.unite else None
            agent = routage.agent.pk if routage.agent else None
            if self.restreint and unite != self.unite_id:
                unite, agent = self.unite_id, None
            self.routages[commune] = (unite, agent)
        return self.routages[commune]

    def convertir(self, ligne: dict[str, str], erreurs: Erreurs) -> dict[str, Any] | None:
        ref = self.obligatoire(ligne, "ref", erreurs, 40)
        assure = self.assure(ligne, erreurs)
        jour = self.date(ligne, "date", erreurs)
        source = self.choix(ligne, "source", erreurs, SOURCES)
        motif = self.obligatoire(ligne, "motif", erreurs, LONGUEUR_TEXTE)
        mission = self.reference(
            ligne, "mission", erreurs, self.missions, "mission inconnue", obligatoire=False
        )
        unite, agent = self._router(self.communes.get(assure)) if assure else (None, None)
        if self.restreint:
            unite = self.unite_id
        return {
            "ref": ref,
            "assure_id": assure,
            "date": jour,
            "source": source,
            "motif": motif,
            "mission_id": self.missions.get(mission) if mission else None,
            "commentaire": self.facultatif(ligne, "commentaire", erreurs, LONGUEUR_TEXTE),
            "unite_id": unite,
            "agent_id": agent,
        }

    def apres_lot(self, lot: Lot) -> None:
        """A signalement followed by an accompaniment of the same person is settled by it: the
        first accompaniment opened on or after the signalement's date."""
        cles = lot.cles(NOUVELLE, MODIFIEE)
        if not cles:
            return
        premier = (
            Accompagnement.objects.filter(
                assure_id=OuterRef("assure_id"), date_debut__gte=OuterRef("date")
            )
            .order_by("date_debut", "id")
            .values("id")[:1]
        )
        for refs in _par_lots(cles):
            Signalement.objects.filter(ref__in=refs, statut=StatutSignalement.A_TRAITER).filter(
                Exists(premier)
            ).update(statut=StatutSignalement.ACCOMPAGNEMENT_OUVERT, accompagnement_id=premier)
