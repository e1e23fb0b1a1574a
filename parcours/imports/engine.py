"""The import engine behind every CSV of DESIGN §5.

An import is all-or-nothing: every row is read and checked first, every error is collected with
its line and column, and only a file without error is written, in one transaction. It is
idempotent: rows are matched on their key (`code`, `nir`, `ref`, `matricule`), unchanged rows are
left alone, so importing the same file twice changes nothing the second time.

Each domain app declares its kinds by subclassing `Importeur` and decorating it with
`@enregistrer`; the `importer` command and the upload page list what is registered.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connections, models, router, transaction
from django.utils import timezone

from parcours.imports.enums import StatutImport
from parcours.imports.models import Import
from parcours.lib.csvlecture import Erreur, lire_csv

MAX_ERREURS_JOURNAL = 1000
TAILLE_LOT = 2000
PAS_PROGRESSION = 5000
TAILLE_LOT_INSERTION = 10000


class Insertion:
    """INSERT (COPY on PostgreSQL) of new rows through the database cursor, for big imports.

    The ORM's bulk_create builds a model instance and compiles every value of every row; for a
    million rows that is most of the import's time. The rows here are already checked, so they
    are written with one prepared INSERT and `executemany`, each value converted as the ORM would
    (dates, times, JSON), defaults and `auto_now_add` filled in as on a save.
    """

    _A_CONVERTIR = {
        "DateField",
        "DateTimeField",
        "TimeField",
        "DecimalField",
        "JSONField",
        "UUIDField",
    }

    def __init__(self, modele: type[models.Model]):
        self.modele = modele
        self.champs = [
            f
            for f in modele._meta.concrete_fields
            if not (f.primary_key and isinstance(f, models.AutoField))
        ]
        connexion = connections[router.db_for_write(modele)]
        self.connexion = connexion
        colonnes = ", ".join(connexion.ops.quote_name(f.column) for f in self.champs)
        marques = ", ".join(["%s"] * len(self.champs))
        table = connexion.ops.quote_name(modele._meta.db_table)
        self.sql = f"INSERT INTO {table} ({colonnes}) VALUES ({marques})"
        self.copie = f"COPY {table} ({colonnes}) FROM STDIN"

    def _convertisseur(self, champ: models.Field) -> Callable[[Any], Any] | None:
        genre = champ.get_internal_type()
        if genre == "DateField":
            return self.connexion.ops.adapt_datefield_value
        if genre == "DateTimeField":
            return self.connexion.ops.adapt_datetimefield_value
        if genre in self._A_CONVERTIR:
            return lambda v: champ.get_db_prep_save(v, self.connexion)
        return None

    def __call__(self, lignes: list[dict[str, Any]]) -> None:
        maintenant = timezone.now()
        # Per column: (attname, default, converter); a converted constant for auto_now(_add).
        colonnes = []
        for f in self.champs:
            conv = self._convertisseur(f)
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                colonnes.append((None, conv(maintenant) if conv else maintenant, None))
            else:
                # As a save would: the field's default, else "" or NULL as the field allows.
                defaut = f.get_default()
                colonnes.append(
                    (f.attname, conv(defaut) if conv and defaut is not None else defaut, conv)
                )
        valeurs = []
        for ligne in lignes:
            rangee = []
            for attname, defaut, conv in colonnes:
                if attname is None or attname not in ligne:
                    rangee.append(defaut)
                else:
                    v = ligne[attname]
                    rangee.append(conv(v) if conv is not None and v is not None else v)
            valeurs.append(rangee)
        with self.connexion.cursor() as curseur:
            if self.connexion.vendor == "postgresql":
                # COPY is PostgreSQL's bulk path: an order of magnitude above INSERTs.
                with curseur.cursor.copy(self.copie) as copie:
                    for rangee in valeurs:
                        copie.write_row(rangee)
            else:
                curseur.executemany(self.sql, valeurs)


class Erreurs:
    """Collects the errors of one row; `ajouter` returns None so a converter can bail out."""

    def __init__(self, ligne: int, liste: list[Erreur]):
        self.ligne = ligne
        self.liste = liste
        self.nombre = 0

    def ajouter(self, colonne: str | None, message: str) -> None:
        self.liste.append(Erreur(self.ligne, colonne, message))
        self.nombre += 1


class Importeur(ABC):
    """One kind of file. Subclasses set the class attributes and write `convertir`."""

    nom: ClassVar[str]
    libelle: ClassVar[str]
    colonnes: ClassVar[tuple[str, ...]]
    cle: ClassVar[str]  # the CSV column holding the key, also the model field
    modele: ClassVar[type[models.Model]]
    champs: ClassVar[tuple[str, ...]]  # model fields (attnames) written from a row, key included
    # Files about insured persons: messages never repeat a value (NIR, e-mail address…).
    donnees_personnelles: ClassVar[bool] = False

    def preparer(self, lignes: list[dict[str, str]]) -> None:  # noqa: B027  (optional hook)
        """Load the reference tables the rows point to (a few queries, never one per row);
        `lignes` lets a kind fetch only the keys the file mentions."""

    def apres_ecriture(self, valeurs: list[dict[str, Any]]) -> None:  # noqa: B027
        """Derived updates once the rows are written, in the same transaction."""

    @abstractmethod
    def convertir(self, ligne: dict[str, str], erreurs: Erreurs) -> dict[str, Any] | None:
        """The model values of one row (with the key), or None after reporting its errors."""

    def valeurs_de_creation(self, valeurs: dict[str, Any]) -> dict[str, Any]:
        """Extra values for a row that does not exist yet (e.g. an unusable password)."""
        return {}

    # Helpers for converters -------------------------------------------------------------

    @staticmethod
    def obligatoire(ligne: dict[str, str], colonne: str, erreurs: Erreurs, longueur: int) -> str:
        valeur = ligne.get(colonne, "")
        if not valeur:
            erreurs.ajouter(colonne, "valeur obligatoire manquante")
        elif len(valeur) > longueur:
            erreurs.ajouter(colonne, f"trop long ({len(valeur)} caractères, {longueur} au plus)")
        return valeur

    @staticmethod
    def facultatif(ligne: dict[str, str], colonne: str, erreurs: Erreurs, longueur: int) -> str:
        valeur = ligne.get(colonne, "")
        if len(valeur) > longueur:
            erreurs.ajouter(colonne, f"trop long ({len(valeur)} caractères, {longueur} au plus)")
        return valeur

    def email(self, ligne: dict[str, str], colonne: str, erreurs: Erreurs) -> str:
        valeur = ligne.get(colonne, "")
        if valeur:
            try:
                validate_email(valeur)
            except ValidationError:
                cite = "" if self.donnees_personnelles else f" « {valeur} »"
                erreurs.ajouter(colonne, f"adresse électronique invalide{cite}")
        return valeur.lower()

    @staticmethod
    def reference(
        ligne: dict[str, str],
        colonne: str,
        erreurs: Erreurs,
        connus: dict[str, Any] | set[str],
        inconnu: str,
        obligatoire: bool = True,
    ) -> str | None:
        """A code that must exist in `connus`; `inconnu` opens the message (« région inconnue »)."""
        valeur = ligne.get(colonne, "")
        if not valeur:
            if obligatoire:
                erreurs.ajouter(colonne, "valeur obligatoire manquante")
            return None
        if valeur not in connus:
            erreurs.ajouter(colonne, f"{inconnu} « {valeur} »")
            return None
        return valeur


REGISTRE: dict[str, type[Importeur]] = {}


def enregistrer(classe: type[Importeur]) -> type[Importeur]:
    REGISTRE[classe.nom] = classe
    return classe


@dataclass
class Rapport:
    type: str
    lignes: int = 0
    crees: int = 0
    modifies: int = 0
    inchanges: int = 0
    erreurs: list[Erreur] = field(default_factory=list)
    avertissements: list[str] = field(default_factory=list)

    @property
    def accepte(self) -> bool:
        return not self.erreurs

    def resume(self) -> str:
        if not self.accepte:
            return f"Fichier rejeté : {len(self.erreurs)} erreur(s), rien n'a été enregistré."
        return (
            f"{self.lignes} ligne(s) lue(s) : {self.crees} créée(s), {self.modifies} modifiée(s), "
            f"{self.inchanges} inchangée(s)."
        )


def lire_par_cles(
    modele: type[models.Model], cle: str, colonnes: list[str], cles: Iterable[str]
) -> list[tuple]:
    """Rows (cle, *colonnes) whose `cle` is among `cles`, as the database returns them.

    Plain SQL per batch, without the ORM's per-value work: a big first import looks up hundreds
    of thousands of keys. PostgreSQL gets one array parameter (`= ANY`), the others an IN list.
    Meant for text and integer columns, which come back unconverted.
    """
    connexion = connections[router.db_for_read(modele)]
    table = connexion.ops.quote_name(modele._meta.db_table)
    noms = [cle, *colonnes]
    selection = ", ".join(connexion.ops.quote_name(modele._meta.get_field(c).column) for c in noms)
    colonne_cle = connexion.ops.quote_name(modele._meta.get_field(cle).column)
    lignes = []
    with connexion.cursor() as curseur:
        for lot in _par_lots(list(cles), TAILLE_LOT_INSERTION):
            if connexion.vendor == "postgresql":
                condition, parametres = f"{colonne_cle} = ANY(%s)", [lot]
            else:
                condition, parametres = f"{colonne_cle} IN ({', '.join(['%s'] * len(lot))})", lot
            curseur.execute(f"SELECT {selection} FROM {table} WHERE {condition}", parametres)
            lignes.extend(curseur.fetchall())
    return lignes


def _par_lots(elements: list, taille: int = TAILLE_LOT) -> Iterable[list]:
    for debut in range(0, len(elements), taille):
        yield elements[debut : debut + taille]


Progression = Callable[[str, int, int], None]


def _sans_progression(etape: str, fait: int, total: int) -> None:
    return None


def importer(
    type_: str,
    contenu: bytes,
    *,
    acting_user=None,
    nom_fichier: str = "",
    journal: Import | None = None,
    progression: Progression = _sans_progression,
) -> Rapport:
    """Check then write a whole file of kind `type_`; journal the attempt.

    `journal` is the Import row of a background run (its progress is kept there); a new row is
    created otherwise.
    """
    if type_ not in REGISTRE:
        raise ValueError(f"type de fichier inconnu : {type_}")
    importeur = REGISTRE[type_]()
    rapport = Rapport(type=type_)
    progression("Lecture du fichier", 0, 1)
    fichier = lire_csv(contenu, importeur.colonnes)
    rapport.erreurs.extend(fichier.erreurs)
    rapport.avertissements.extend(fichier.avertissements)
    if not fichier.erreurs:
        _verifier_et_ecrire(importeur, fichier.lignes, rapport, progression)
    if journal is None:
        journal = Import(type=type_, nom_fichier=nom_fichier[:255], auteur=acting_user)
    journal.statut = StatutImport.ACCEPTE if rapport.accepte else StatutImport.REJETE
    journal.lignes = rapport.lignes
    journal.crees = rapport.crees
    journal.modifies = rapport.modifies
    journal.inchanges = rapport.inchanges
    journal.nb_erreurs = len(rapport.erreurs)
    journal.erreurs = [
        {"ligne": e.ligne, "colonne": e.colonne, "message": e.message}
        for e in rapport.erreurs[:MAX_ERREURS_JOURNAL]
    ]
    journal.avertissements = rapport.avertissements
    journal.progression = 100
    journal.etape = "Terminé"
    journal.save()
    return rapport


def _verifier_et_ecrire(
    importeur: Importeur,
    lignes: list[tuple[int, dict[str, str]]],
    rapport: Rapport,
    progression: Progression,
) -> None:
    total = len(lignes)
    rapport.lignes = total
    progression("Préparation des référentiels", 0, total)
    importeur.preparer([ligne for _, ligne in lignes])
    valeurs_par_cle: dict[str, dict[str, Any]] = {}
    premiere_ligne: dict[str, int] = {}
    for rang, (numero, ligne) in enumerate(lignes, start=1):
        erreurs = Erreurs(numero, rapport.erreurs)
        valeurs = importeur.convertir(ligne, erreurs)
        if rang % PAS_PROGRESSION == 0:
            progression("Vérification des lignes", rang, total)
        if valeurs is None or erreurs.nombre:
            continue
        cle = valeurs[importeur.cle]
        if cle in premiere_ligne:
            quoi = "la même valeur" if importeur.donnees_personnelles else f"« {cle} »"
            erreurs.ajouter(
                importeur.cle, f"{quoi} figure déjà ligne {premiere_ligne[cle]} du fichier"
            )
            continue
        premiere_ligne[cle] = numero
        valeurs_par_cle[cle] = valeurs
    progression("Vérification des lignes", total, total)
    if rapport.erreurs:
        return

    modele = importeur.modele
    champs = importeur.champs
    rang_cle = champs.index(importeur.cle)
    with transaction.atomic():
        existants: dict[str, tuple] = {}
        deja = [r[0] for r in lire_par_cles(modele, importeur.cle, [], valeurs_par_cle)]
        for cles in _par_lots(deja):
            for ligne_bd in modele.objects.filter(**{f"{importeur.cle}__in": cles}).values_list(
                "pk", *champs
            ):
                existants[ligne_bd[1 + rang_cle]] = ligne_bd
        nouveaux, modifies = [], []
        for cle, valeurs in valeurs_par_cle.items():
            ligne_bd = existants.get(cle)
            if ligne_bd is None:
                creation = importeur.valeurs_de_creation(valeurs)
                nouveaux.append({**valeurs, **creation} if creation else valeurs)
            elif tuple(valeurs[c] for c in champs) != ligne_bd[1:]:
                modifies.append(modele(pk=ligne_bd[0], **valeurs))
            else:
                rapport.inchanges += 1
        ecrits = 0
        inserer = Insertion(modele)
        for lot in _par_lots(nouveaux, TAILLE_LOT_INSERTION):
            inserer(lot)
            ecrits += len(lot)
            progression("Enregistrement", ecrits, len(nouveaux) + len(modifies))
        champs_maj = [c for c in champs if c != importeur.cle]
        for lot in _par_lots(modifies):
            modele.objects.bulk_update(lot, champs_maj)
            ecrits += len(lot)
            progression("Enregistrement", ecrits, len(nouveaux) + len(modifies))
        importeur.apres_ecriture([valeurs_par_cle[c] for c in valeurs_par_cle])
        rapport.crees = len(nouveaux)
        rapport.modifies = len(modifies)
