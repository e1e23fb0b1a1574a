"""The import engine behind every CSV of DESIGN §5.

An import is all-or-nothing: every row is read and checked first, every error is collected with
its line and column, and only a file without error is written. It is idempotent: rows are
matched on their key (`code`, `nir`, `ref`, `matricule`), unchanged rows are left alone, so
importing the same file twice changes nothing the second time.

How a file of a million rows goes in without holding the database, nor the memory:
1. The file is read as a stream and checked chunk by chunk (`TAILLE_MORCEAU` rows): each chunk
   looks up only the keys it mentions, in a few queries. Checked rows go to a staging file
   (`attente.Attente`), never to the database; duplicate keys are found there.
2. If the whole file is good, its rows are moved in by batches. On SQLite, which has one writer
   at a time, each batch is its own short transaction, sized to hold the database about
   `DUREE_LOT` seconds, so that the users' saves wait that long at most, not the length of the
   import; if a batch fails (a concurrent import wrote the same keys, the process is killed),
   the batches already written are undone from the staging file, which keeps the values the
   modified rows had (`annuler`, and `reprendre_imports_interrompus` after a crash). On
   PostgreSQL the batches share one transaction: the database makes the import atomic and other
   users are not held up by it.
3. Every created or modified row gets a row in its model's change history, written in bulk by
   one INSERT … SELECT per batch, naming the agent who imported and the import (DESIGN §1: the
   author of every change).

An import run from a page (`restreint`) checks the actor's scope row by row: each kind says what
the actor may create or change (`Importeur.controler`). The operator command is unrestricted.

Each domain app declares its kinds by subclassing `Importeur` and decorating it with
`@enregistrer`; the `importer` command and the upload page list what is registered.
"""

import io
import json
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO, ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connections, models, router, transaction
from django.utils import timezone

from parcours.imports.attente import (
    HORS_PERIMETRE,
    INCHANGEE,
    MODIFIEE,
    NOUVELLE,
    Attente,
)
from parcours.imports.enums import StatutImport
from parcours.imports.models import MESSAGE_INTERROMPU, Import
from parcours.lib.csvlecture import Erreur, LecteurCSV
from parcours.lib.processus import hote

MAX_ERREURS = 10_000  # errors kept for the report; beyond, they are counted
MAX_ERREURS_JOURNAL = 1000  # errors kept in the import's journal row
TAILLE_MORCEAU = 10_000  # rows checked together
# Rows written per transaction: on SQLite, sized so that a batch holds the database about
# DUREE_LOT seconds (a user's save waits at most that long), within these bounds.
TAILLE_LOT = 5_000
TAILLE_LOT_MIN, TAILLE_LOT_MAX = 1_000, 20_000
DUREE_LOT = 0.5
TAILLE_LOT_LECTURE = 2_000  # keys per ORM query
TAILLE_LOT_CLES = 10_000  # keys per plain SQL query


def dossier_imports() -> Path:
    """Where uploaded files and staging files wait; created readable by its owner only."""
    dossier = Path(settings.VAR_DIR) / "imports"
    dossier.mkdir(parents=True, exist_ok=True, mode=0o700)
    return dossier


class ConflitImport(Exception):
    """The import could not be written as checked (a concurrent change); nothing was written."""


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


class Colonne:
    """One model field written from a row: its value as staged, and back as a SQL parameter.

    On SQLite the staged value is the one the database stores (Django's own adaptation: dates
    as ISO text…), so it goes back unchanged; on PostgreSQL dates travel as ISO text in the
    staging file and become dates again.
    """

    def __init__(self, modele: type[models.Model], attname: str, connexion):
        self.attname = attname
        self.champ = modele._meta.get_field(attname)
        self.colonne = self.champ.column
        genre = self.champ.get_internal_type()
        self.vers_attente: Callable[[Any], Any] | None = None
        self.depuis_attente: Callable[[Any], Any] | None = None
        if connexion.vendor == "sqlite":
            if genre == "DateField":
                self.vers_attente = connexion.ops.adapt_datefield_value
            elif genre == "DateTimeField":
                self.vers_attente = connexion.ops.adapt_datetimefield_value
            elif genre in ("DecimalField", "JSONField", "UUIDField", "TimeField"):
                self.vers_attente = lambda v: self.champ.get_db_prep_save(v, connexion)
        elif genre in ("DateField", "DateTimeField"):
            self.vers_attente = _iso
            lire = date.fromisoformat if genre == "DateField" else datetime.fromisoformat
            self.depuis_attente = lire
        elif genre == "BooleanField":
            self.depuis_attente = bool  # SQLite keeps 0 or 1
        elif genre in ("DecimalField", "JSONField", "UUIDField", "TimeField"):
            raise ImproperlyConfigured(f"champ {genre} non pris en charge par les imports")


def _iso(valeur: date | datetime) -> str:
    return valeur.isoformat()


class Erreurs:
    """Collects the errors of one row; `ajouter` returns None so a converter can bail out."""

    def __init__(self, ligne: int, rapport: "Rapport"):
        self.ligne = ligne
        self.rapport = rapport
        self.nombre = 0

    def ajouter(self, colonne: str | None, message: str) -> None:
        self.rapport.ajouter_erreur(Erreur(self.ligne, colonne, message))
        self.nombre += 1


class Lot:
    """A batch of staged rows being written, for the importers' derived writes.

    `lignes` (built on first use) gives each row as a dict: `cle`, `ligne` (line number),
    `etat`, `pk` (of the stored row), `valeurs` (field attname → value as a SQL parameter) and
    `avant` (the values checked against, if modified).
    """

    def __init__(self, brutes: list[tuple], avants: dict[Any, tuple], ecrivain: "Ecrivain"):
        self.brutes = brutes
        self.avants = avants
        self.ecrivain = ecrivain
        self.connexion = ecrivain.connexion
        self._lignes: list[dict[str, Any]] | None = None

    @property
    def lignes(self) -> list[dict[str, Any]]:
        if self._lignes is None:
            attnames = [c.attname for c in self.ecrivain.colonnes]
            n = len(attnames)
            parametres = self.ecrivain.parametres
            self._lignes = [
                {
                    "cle": brute[0],
                    "ligne": brute[1],
                    "etat": brute[2],
                    "pk": brute[3],
                    "valeurs": dict(zip(attnames, parametres(brute[4 : 4 + n]), strict=True)),
                    "avant": tuple(parametres(self.avants.get(brute[0], (None,) * n))),
                }
                for brute in self.brutes
            ]
        return self._lignes

    def cles(self, *etats: str) -> list:
        return [brute[0] for brute in self.brutes if brute[2] in etats]


@dataclass(frozen=True)
class AideColonne:
    """How the upload page documents one column of a kind (French texts, shown to users).

    `obligatoire` is True or False, or a short condition when the column is required only in
    some cases (« si date_fin est remplie »). `exemple` is the column's value in the template
    line offered for download: fictitious, and such that the templates, imported in order,
    import cleanly.
    """

    description: str
    exemple: str
    obligatoire: bool | str = True

    @property
    def obligation(self) -> str:
        """« oui », « non », or the condition."""
        if isinstance(self.obligatoire, str):
            return self.obligatoire
        return "oui" if self.obligatoire else "non"


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
    # False: the whole file is checked as one chunk (small files whose rows check each other).
    par_morceaux: ClassVar[bool] = True
    # Who may run it from the upload page: role codes (the user model's `role`; the operator's
    # `importer` command runs every kind). The journal shows an import of this kind to those
    # of its author's unit (« unite ») or organisme (« organisme »).
    roles: ClassVar[tuple[str, ...]] = ()
    journal_par: ClassVar[str] = "organisme"
    # The help of the upload page, per column of `colonnes` (optional; every registered kind
    # documents all its columns: tests/imports/test_aide.py).
    aide: ClassVar[Mapping[str, AideColonne]] = MappingProxyType({})

    def __init__(self, *, acting_user=None, restreint: bool = False):
        self.acting_user = acting_user
        self.restreint = restreint
        self.journal: Import | None = None

    def preparer(self) -> None:  # noqa: B027  (optional hook)
        """Load the small reference tables the rows point to, once."""

    def preparer_morceau(self, lignes: list[dict[str, str]]) -> None:  # noqa: B027
        """Look up what the rows of one chunk mention (a few queries, never one per row)."""

    @abstractmethod
    def convertir(self, ligne: dict[str, str], erreurs: Erreurs) -> dict[str, Any] | None:
        """The model values of one row (with the key), or None after reporting its errors."""

    def controler_existants(self, existants: dict[Any, tuple]) -> None:  # noqa: B027
        """Before `controler`: the stored rows `(pk, *champs)` the chunk's keys name."""

    def controler(
        self, valeurs: dict[str, Any], existant: tuple | None, erreurs: Erreurs
    ) -> str | None:
        """A restricted import's check of one row against the actor's scope: report an error,
        or answer `HORS_PERIMETRE` to count the row without writing it; None goes on."""
        return None

    def valeurs_de_creation(self) -> dict[str, Any]:
        """Extra values for rows that do not exist yet (e.g. an unusable password)."""
        return {}

    def apres_lot(self, lot: Lot) -> None:  # noqa: B027
        """Derived writes for a batch, in the batch's transaction."""

    def annuler(self) -> None:  # noqa: B027
        """Undo what `apres_lot` wrote for this import (`self.journal`)."""

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
    restreint: bool = False
    lignes: int = 0
    crees: int = 0
    modifies: int = 0
    inchanges: int = 0
    # Rows about records outside a restricted import's scope, counted but not written (a person
    # followed by no dossier of the unit: created if unknown, left as it is otherwise).
    hors_perimetre: int = 0
    erreurs: list[Erreur] = field(default_factory=list)
    erreurs_non_gardees: int = 0
    avertissements: list[str] = field(default_factory=list)

    def ajouter_erreur(self, erreur: Erreur) -> None:
        if len(self.erreurs) < MAX_ERREURS:
            self.erreurs.append(erreur)
        else:
            self.erreurs_non_gardees += 1

    @property
    def nb_erreurs(self) -> int:
        return len(self.erreurs) + self.erreurs_non_gardees

    @property
    def accepte(self) -> bool:
        return not self.erreurs

    def resume(self) -> str:
        if not self.accepte:
            return f"Fichier rejeté : {self.nb_erreurs} erreur(s), rien n'a été enregistré."
        texte = (
            f"{self.lignes} ligne(s) lue(s) : {self.crees} créée(s), {self.modifies} modifiée(s), "
            f"{self.inchanges} inchangée(s)"
        )
        if self.restreint:
            # New and outside-the-unit rows are told together: the report never says whether a
            # person it does not show is known to the service.
            texte = (
                f"{self.lignes} ligne(s) lue(s) : {self.crees + self.hors_perimetre} sans "
                "dossier dans votre unité (enregistrées si elles étaient inconnues, rien n'est "
                f"modifié sinon), {self.modifies} modifiée(s), {self.inchanges} inchangée(s)"
            )
        elif self.hors_perimetre:
            texte += f", {self.hors_perimetre} hors du périmètre"
        return texte + "."


def lire_par_cles(
    modele: type[models.Model], cle: str, colonnes: list[str], cles: Iterable[Any]
) -> list[tuple]:
    """Rows (cle, *colonnes) whose `cle` is among `cles`, as the database returns them.

    Plain SQL per batch, without the ORM's per-value work: a big first import looks up hundreds
    of thousands of keys, each batch with one parameter (`condition_dans`).
    Meant for text and integer columns, which come back unconverted.
    """
    connexion = connections[router.db_for_read(modele)]
    table = connexion.ops.quote_name(modele._meta.db_table)
    noms = [cle, *colonnes]
    selection = ", ".join(connexion.ops.quote_name(modele._meta.get_field(c).column) for c in noms)
    colonne_cle = connexion.ops.quote_name(modele._meta.get_field(cle).column)
    lignes = []
    with connexion.cursor() as curseur:
        for lot in par_lots(list(cles), TAILLE_LOT_CLES):
            condition, parametres = condition_dans(connexion, colonne_cle, lot)
            curseur.execute(f"SELECT {selection} FROM {table} WHERE {condition}", parametres)
            lignes.extend(curseur.fetchall())
    return lignes


def condition_dans(connexion, colonne: str, valeurs: list) -> tuple[str, list]:
    """`colonne IN (…)` for plain SQL, with one parameter whatever the number of values: an
    array on PostgreSQL, a JSON array on SQLite. A list of placeholders would make one SQL text
    per length, each kept compiled in the connection's statement cache (a hundred megabytes
    over a big import)."""
    if connexion.vendor == "postgresql":
        return f"{colonne} = ANY(%s)", [valeurs]
    return f"{colonne} IN (SELECT value FROM json_each(%s))", [json.dumps(valeurs)]


def par_lots(elements: list, taille: int) -> Iterator[list]:
    for debut in range(0, len(elements), taille):
        yield elements[debut : debut + taille]


Progression = Callable[[str, int, int], None]


def _sans_progression(etape: str, fait: int, total: int) -> None:
    return None


def _ouvrir(source: bytes | Path | BinaryIO) -> tuple[BinaryIO, int]:
    """A binary stream on the file and its size in bytes (for the progress)."""
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source), len(source)
    if isinstance(source, str | Path):
        flux = open(source, "rb")  # noqa: SIM115  (closed by the caller)
        return flux, os.fstat(flux.fileno()).st_size
    return source, 0


def raison_historique(journal: Import) -> str:
    """How the change history names an import (history_change_reason, 100 characters)."""
    return f"import n° {journal.pk} ({journal.type})"[:100]


def importer(
    type_: str,
    source: bytes | Path | BinaryIO,
    *,
    acting_user=None,
    restreint: bool | None = None,
    nom_fichier: str = "",
    journal: Import | None = None,
    progression: Progression = _sans_progression,
) -> Rapport:
    """Check then write a whole file of kind `type_`; journal the attempt.

    `source` is the file's content, its path or a binary stream. An import with an acting user
    (a page) is restricted to that user's scope unless `restreint=False`; the operator command
    passes no user. `journal` is the Import row of a background run (its progress is kept
    there); a new row is created otherwise.
    """
    if type_ not in REGISTRE:
        raise ValueError(f"type de fichier inconnu : {type_}")
    if restreint is None:
        restreint = acting_user is not None
    reprendre_imports_interrompus()
    importeur = REGISTRE[type_](acting_user=acting_user, restreint=restreint)
    if journal is None:
        journal = Import(type=type_, nom_fichier=nom_fichier[:255], auteur=acting_user)
    journal.statut = StatutImport.EN_COURS
    journal.pid = os.getpid()
    journal.hote = hote()
    journal.save()
    importeur.journal = journal
    rapport = Rapport(type=type_, restreint=restreint)
    flux, taille = _ouvrir(source)
    chemin = dossier_imports() / f"{journal.pk}.attente.sqlite3"
    attente = Attente(chemin, len(importeur.champs))
    effacer = True
    try:
        progression("Vérification des lignes", 0, 1)
        _verifier(importeur, flux, taille, attente, rapport, progression)
        if rapport.accepte:
            Import.objects.filter(pk=journal.pk).update(fichier_attente=str(chemin))
            try:
                _emmenager(importeur, attente, rapport, journal, progression)
            except ConflitImport as conflit:
                rapport.ajouter_erreur(Erreur(None, None, str(conflit)))
            except _AnnulationImpossible:
                effacer = False  # kept to undo by hand: the journal says so
                raise
    finally:
        if source is not flux:
            flux.close()
        attente.fermer(effacer=effacer)
    journal.statut = StatutImport.ACCEPTE if rapport.accepte else StatutImport.REJETE
    journal.lignes = rapport.lignes
    # A restricted import's journal tells new and outside-the-scope rows together, as its report.
    journal.crees = rapport.crees + (rapport.hors_perimetre if restreint else 0)
    journal.modifies = rapport.modifies
    journal.inchanges = rapport.inchanges
    journal.nb_erreurs = rapport.nb_erreurs
    journal.erreurs = [
        {"ligne": e.ligne, "colonne": e.colonne, "message": e.message}
        for e in rapport.erreurs[:MAX_ERREURS_JOURNAL]
    ]
    journal.avertissements = rapport.avertissements
    journal.progression = 100
    journal.etape = "Terminé"
    journal.fichier_attente = ""
    journal.pid = None
    journal.save()
    return rapport


def _verifier(
    importeur: Importeur,
    flux: BinaryIO,
    taille: int,
    attente: Attente,
    rapport: Rapport,
    progression: Progression,
) -> None:
    lecteur = LecteurCSV(flux, importeur.colonnes)
    rapport.avertissements.extend(lecteur.avertissements)
    if lecteur.erreurs:
        for erreur in lecteur.erreurs:
            rapport.ajouter_erreur(erreur)
        return
    importeur.preparer()
    connexion = connections[router.db_for_write(importeur.modele)]
    colonnes = [Colonne(importeur.modele, c, connexion) for c in importeur.champs]
    morceau: list[tuple[int, dict[str, str]]] = []
    for numero, ligne in lecteur:
        morceau.append((numero, ligne))
        if importeur.par_morceaux and len(morceau) >= TAILLE_MORCEAU:
            _verifier_morceau(importeur, morceau, colonnes, attente, rapport)
            morceau = []
            # Rows checked, of an estimated total (from the share of the file read).
            position = lecteur.position()
            estime = int(rapport.lignes * taille / position) if position and taille else 0
            progression("Vérification des lignes", rapport.lignes, max(estime, rapport.lignes))
    if morceau:
        _verifier_morceau(importeur, morceau, colonnes, attente, rapport)
    for erreur in lecteur.erreurs:
        rapport.ajouter_erreur(erreur)
    rapport.erreurs.sort(key=lambda e: e.ligne or 0)
    progression("Vérification des lignes", rapport.lignes, rapport.lignes)


def _verifier_morceau(
    importeur: Importeur,
    morceau: list[tuple[int, dict[str, str]]],
    colonnes: list[Colonne],
    attente: Attente,
    rapport: Rapport,
) -> None:
    rapport.lignes += len(morceau)
    importeur.preparer_morceau([ligne for _, ligne in morceau])
    valeurs_par_cle: dict[Any, dict[str, Any]] = {}
    ligne_de: dict[Any, int] = {}
    quoi = "la même valeur" if importeur.donnees_personnelles else None
    for numero, ligne in morceau:
        erreurs = Erreurs(numero, rapport)
        valeurs = importeur.convertir(ligne, erreurs)
        if valeurs is None or erreurs.nombre:
            continue
        cle = valeurs[importeur.cle]
        if cle in ligne_de:
            erreurs.ajouter(
                importeur.cle,
                f"{quoi or f'« {cle} »'} figure déjà ligne {ligne_de[cle]} du fichier",
            )
            continue
        ligne_de[cle] = numero
        valeurs_par_cle[cle] = valeurs
    # A key already met in an earlier chunk.
    for cle, premiere in attente.deja(list(valeurs_par_cle)).items():
        Erreurs(ligne_de[cle], rapport).ajouter(
            importeur.cle, f"{quoi or f'« {cle} »'} figure déjà ligne {premiere} du fichier"
        )
        del valeurs_par_cle[cle]

    modele, champs = importeur.modele, importeur.champs
    rang_cle = champs.index(importeur.cle)
    existants: dict[Any, tuple] = {}
    deja = [r[0] for r in lire_par_cles(modele, importeur.cle, [], valeurs_par_cle)]
    for cles in par_lots(deja, TAILLE_LOT_LECTURE):
        for ligne_bd in modele.objects.filter(**{f"{importeur.cle}__in": cles}).values_list(
            "pk", *champs
        ):
            existants[ligne_bd[1 + rang_cle]] = ligne_bd
    if importeur.restreint:
        importeur.controler_existants(existants)
    a_ecrire, avants = [], []
    vides = (None,) * len(champs)
    for cle, valeurs in valeurs_par_cle.items():
        existant = existants.get(cle)
        if importeur.restreint:
            erreurs = Erreurs(ligne_de[cle], rapport)
            decision = importeur.controler(valeurs, existant, erreurs)
            if erreurs.nombre:
                continue
        else:
            decision = None
        nouvelles = tuple(valeurs[c] for c in champs)
        if decision == HORS_PERIMETRE:
            etat, pk = HORS_PERIMETRE, existant[0] if existant else None
        elif existant is None:
            etat, pk = NOUVELLE, None
        elif nouvelles != existant[1:]:
            etat, pk = MODIFIEE, existant[0]
            avants.append((cle, *_vers_attente(colonnes, existant[1:])))
        else:
            etat, pk = INCHANGEE, existant[0]
            nouvelles = vides
        a_ecrire.append((cle, ligne_de[cle], etat, pk, *_vers_attente(colonnes, nouvelles)))
    attente.ajouter(a_ecrire, avants)


def _vers_attente(colonnes: list[Colonne], valeurs: tuple) -> Iterator[Any]:
    for colonne, valeur in zip(colonnes, valeurs, strict=True):
        if valeur is None or colonne.vers_attente is None:
            yield valeur
        else:
            yield colonne.vers_attente(valeur)


# Writing -------------------------------------------------------------------------------------


class _AnnulationImpossible(Exception):
    """Undoing a half-written import failed; its staging file is kept."""


class Ecrivain:
    """The SQL that moves a batch of staged rows into the model's table and its history."""

    _CHAMPS_HISTORIQUE = {
        "history_id",
        "history_date",
        "history_change_reason",
        "history_type",
        "history_user_id",
    }

    def __init__(self, importeur: Importeur, journal: Import):
        self.importeur = importeur
        modele = self.modele = importeur.modele
        connexion = self.connexion = connections[router.db_for_write(modele)]
        self.colonnes = [Colonne(modele, c, connexion) for c in importeur.champs]
        q = connexion.ops.quote_name
        self.table = q(modele._meta.db_table)
        self.colonne_cle = q(modele._meta.get_field(importeur.cle).column)
        self.pk = q(modele._meta.pk.column)
        self.auteur_id = journal.auteur_id
        self.raison = raison_historique(journal)
        self.maintenant = timezone.now()
        # Inserted rows: the staged fields as they are, then for every other field its creation
        # value or its default, as a save would write them.
        ecrits = set(importeur.champs)
        creation = importeur.valeurs_de_creation()
        autres, self.constantes = [], []
        for f in modele._meta.concrete_fields:
            if f.attname in ecrits or (f.primary_key and isinstance(f, models.AutoField)):
                continue
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                valeur = self.maintenant
            else:
                valeur = creation.get(f.attname, f.get_default())
            autres.append(f.column)
            self.constantes.append(f.get_db_prep_save(valeur, connexion))
        insertion = ", ".join(q(c) for c in [c.colonne for c in self.colonnes] + autres)
        marques = ", ".join(["%s"] * (len(self.colonnes) + len(autres)))
        self.sql_insertion = f"INSERT INTO {self.table} ({insertion}) VALUES ({marques})"
        self.sql_copie = f"COPY {self.table} ({insertion}) FROM STDIN"
        # Staged values that go back through a converter (dates on PostgreSQL).
        self.a_convertir = [
            (i, c.depuis_attente) for i, c in enumerate(self.colonnes) if c.depuis_attente
        ]
        # Modified rows: only if the row still holds the values it had when checked.
        egal = "IS" if connexion.vendor == "sqlite" else "IS NOT DISTINCT FROM"
        maj = [f"{q(c.colonne)} = %s" for c in self.colonnes if c.attname != importeur.cle]
        self.auto_now = [
            (f, f.get_db_prep_save(self.maintenant, connexion))
            for f in modele._meta.concrete_fields
            if getattr(f, "auto_now", False)
        ]
        maj += [f"{q(f.column)} = %s" for f, _ in self.auto_now]
        conditions = " AND ".join(f"{q(c.colonne)} {egal} %s" for c in self.colonnes)
        self.sql_maj = (
            f"UPDATE {self.table} SET {', '.join(maj)} WHERE {self.pk} = %s AND {conditions}"
        )
        retour = ", ".join(f"{q(c.colonne)} = %s" for c in self.colonnes)
        self.sql_retour = f"UPDATE {self.table} SET {retour} WHERE {self.pk} = %s"
        # The history: every field of the history model that the table has, copied by SQL.
        historique = getattr(modele, "history", None)
        self.table_historique = None
        if historique is not None:
            h = historique.model
            self.table_historique = q(h._meta.db_table)
            communes = [
                f.column
                for f in h._meta.concrete_fields
                if f.attname not in self._CHAMPS_HISTORIQUE
            ]
            self.colonnes_historique = ", ".join(q(c) for c in communes)

    def parametres(self, valeurs: tuple) -> list:
        """Staged values as SQL parameters."""
        valeurs = list(valeurs)
        for i, convertir in self.a_convertir:
            if valeurs[i] is not None:
                valeurs[i] = convertir(valeurs[i])
        return valeurs

    def lot(self, brutes: list[tuple], avants: dict[Any, tuple]) -> Lot:
        return Lot(brutes, avants, self)

    def ecrire(self, lot: Lot) -> None:
        if self.a_convertir:
            nouvelles = [
                [*self.parametres(brute[4:]), *self.constantes]
                for brute in lot.brutes
                if brute[2] == NOUVELLE
            ]
        else:
            constantes = tuple(self.constantes)
            nouvelles = [brute[4:] + constantes for brute in lot.brutes if brute[2] == NOUVELLE]
        auto_now = [v for _, v in self.auto_now]
        rang_cle = self.importeur.champs.index(self.importeur.cle)
        with self.connexion.cursor() as curseur:
            if nouvelles:
                if self.connexion.vendor == "postgresql":
                    # COPY is PostgreSQL's bulk path: an order of magnitude above INSERTs. It
                    # goes through the driver's own cursor: its errors are made Django's.
                    with (
                        self.connexion.wrap_database_errors,
                        curseur.cursor.copy(self.sql_copie) as copie,
                    ):
                        for rangee in nouvelles:
                            copie.write_row(rangee)
                else:
                    curseur.executemany(self.sql_insertion, nouvelles)
            for brute in lot.brutes:
                if brute[2] != MODIFIEE:
                    continue
                valeurs = self.parametres(brute[4:])
                del valeurs[rang_cle]
                avant = self.parametres(lot.avants[brute[0]])
                curseur.execute(self.sql_maj, [*valeurs, *auto_now, brute[3], *avant])
                if curseur.rowcount != 1:
                    raise ConflitImport(
                        f"Ligne {brute[1]} : la fiche a été modifiée par quelqu'un d'autre "
                        "pendant l'import. Rien n'a été enregistré ; relancez l'import."
                    )
            for etat, type_ in ((NOUVELLE, "+"), (MODIFIEE, "~")):
                self._historique(curseur, lot.cles(etat), type_)

    def _historique(self, curseur, cles: list, type_: str) -> None:
        if self.table_historique is None or not cles:
            return
        condition, parametres = condition_dans(self.connexion, self.colonne_cle, cles)
        date_historique = self.modele.history.model._meta.get_field("history_date")
        curseur.execute(
            f"INSERT INTO {self.table_historique} ({self.colonnes_historique}, history_date, "
            "history_change_reason, history_type, history_user_id) "
            f"SELECT {self.colonnes_historique}, %s, %s, %s, %s FROM {self.table} "
            f"WHERE {condition}",
            [
                date_historique.get_db_prep_save(self.maintenant, self.connexion),
                self.raison,
                type_,
                self.auteur_id,
                *parametres,
            ],
        )

    def defaire(self, lot: Lot) -> None:
        """Undo a written batch: its history rows, its modifications, its new rows."""
        ecrites = lot.cles(NOUVELLE, MODIFIEE)
        with self.connexion.cursor() as curseur:
            if self.table_historique is not None and ecrites:
                condition, parametres = condition_dans(self.connexion, self.colonne_cle, ecrites)
                curseur.execute(
                    f"DELETE FROM {self.table_historique} WHERE history_change_reason = %s "
                    f"AND {self.pk} IN (SELECT {self.pk} FROM {self.table} WHERE {condition})",
                    [self.raison, *parametres],
                )
            for brute in lot.brutes:
                if brute[2] == MODIFIEE:
                    avant = self.parametres(lot.avants[brute[0]])
                    curseur.execute(self.sql_retour, [*avant, brute[3]])
            nouvelles = lot.cles(NOUVELLE)
            if nouvelles:
                condition, parametres = condition_dans(self.connexion, self.colonne_cle, nouvelles)
                curseur.execute(f"DELETE FROM {self.table} WHERE {condition}", parametres)


def lots_courts(connexion) -> bool:
    """Batches in transactions of their own: where the database has one writer at a time."""
    return connexion.vendor == "sqlite"


class _Cadence:
    """The size of the next batch, adjusted to the time the last one took."""

    def __init__(self, courts: bool):
        self.courts = courts
        self.taille = TAILLE_LOT if courts else TAILLE_LOT_MAX

    def __call__(self) -> int:
        return self.taille

    def mesurer(self, lignes: int, duree: float) -> None:
        if self.courts and lignes and duree > 0:
            ideale = int(lignes * DUREE_LOT / duree)
            self.taille = max(TAILLE_LOT_MIN, min(TAILLE_LOT_MAX, ideale))


def _emmenager(
    importeur: Importeur,
    attente: Attente,
    rapport: Rapport,
    journal: Import,
    progression: Progression,
) -> None:
    comptes = attente.compter()
    total = sum(comptes.get(e, 0) for e in (NOUVELLE, MODIFIEE, HORS_PERIMETRE))
    ecrivain = Ecrivain(importeur, journal)
    courts = lots_courts(ecrivain.connexion)
    cadence = _Cadence(courts)
    fait = 0
    progression("Enregistrement", 0, total)
    try:
        with nullcontext() if courts else transaction.atomic(using=ecrivain.connexion.alias):
            for dernier, lignes, avants in attente.lots(cadence):
                debut = time.monotonic()
                lot = ecrivain.lot(lignes, avants)
                with transaction.atomic(using=ecrivain.connexion.alias):
                    ecrivain.ecrire(lot)
                    importeur.apres_lot(lot)
                    # The last staged row written: what to undo if the next batch fails.
                    Import.objects.filter(pk=journal.pk).update(lots_emmenages=dernier)
                cadence.mesurer(len(lignes), time.monotonic() - debut)
                fait += len(lignes)
                progression("Enregistrement", fait, total)
    except (IntegrityError, ConflitImport) as erreur:
        if courts:
            annuler(importeur, attente, journal)
        if isinstance(erreur, ConflitImport):
            raise
        raise ConflitImport(_message_conflit(importeur, attente)) from None
    except BaseException:
        if courts:
            annuler(importeur, attente, journal)
        raise
    rapport.crees = comptes.get(NOUVELLE, 0)
    rapport.modifies = comptes.get(MODIFIEE, 0)
    rapport.inchanges = comptes.get(INCHANGEE, 0)
    rapport.hors_perimetre = comptes.get(HORS_PERIMETRE, 0)


def _message_conflit(importeur: Importeur, attente: Attente) -> str:
    """A unique key taken while the file was being imported: by which lines (never the value,
    which may be a NIR: the database's own message is not repeated)."""
    lignes = []
    for _, lot, _ in attente.lots(TAILLE_LOT):
        nouvelles = {ligne[0]: ligne[1] for ligne in lot if ligne[2] == NOUVELLE}
        prises = lire_par_cles(importeur.modele, importeur.cle, [], nouvelles)
        lignes.extend(sorted(nouvelles[r[0]] for r in prises))
        if len(lignes) >= 5:
            break
    ou = f" (lignes {', '.join(map(str, lignes[:5]))}{'…' if len(lignes) > 5 else ''})"
    return (
        "Un autre import a enregistré les mêmes références pendant celui-ci"
        f"{ou if lignes else ''} : rien n'a été enregistré. Relancez l'import : il ne créera "
        "que ce qui manque."
    )


def annuler(importeur: Importeur, attente: Attente, journal: Import) -> None:
    """Undo the batches of `journal` already committed (short batches only): the staged rows
    up to the last one written."""
    dernier = Import.objects.values_list("lots_emmenages", flat=True).get(pk=journal.pk)
    if not dernier:
        return
    ecrivain = Ecrivain(importeur, journal)
    try:
        with transaction.atomic(using=ecrivain.connexion.alias):
            for _, lignes, avants in attente.lots(TAILLE_LOT, jusqu_a=dernier):
                ecrivain.defaire(ecrivain.lot(lignes, avants))
            importeur.annuler()
            Import.objects.filter(pk=journal.pk).update(lots_emmenages=0)
    except IntegrityError:
        Import.objects.filter(pk=journal.pk).update(
            statut=StatutImport.ECHEC,
            etape="Annulation impossible : des fiches importées ont été reprises entre-temps ; "
            "adressez-vous à l'exploitant (fichier d'attente conservé)",
        )
        raise _AnnulationImpossible from None


def reprendre_imports_interrompus() -> None:
    """Imports of this machine whose process died: undo what they had written, say so."""
    for journal in Import.objects.filter(statut=StatutImport.EN_COURS, hote=hote()).exclude(
        pid=None
    ):
        if journal.interrompu:
            reprendre_import(journal)


def reprendre_import(journal: Import, message: str = MESSAGE_INTERROMPU) -> bool:
    """Close an import whose process died: what it had written is undone, its staging file
    deleted, the journal says so. False when the undo is impossible (told on the journal)."""
    if journal.lots_emmenages and journal.fichier_attente:
        importeur = REGISTRE[journal.type]()
        importeur.journal = journal
        attente = Attente.rouvrir(Path(journal.fichier_attente), len(importeur.champs))
        try:
            annuler(importeur, attente, journal)
        except _AnnulationImpossible:
            attente.fermer(effacer=False)
            return False
        attente.fermer()
        message = (
            "Interrompu : le serveur s'est arrêté pendant l'enregistrement ; ce qui avait "
            "été écrit a été retiré, rien n'a été enregistré"
        )
    elif journal.fichier_attente:
        Path(journal.fichier_attente).unlink(missing_ok=True)
    Import.objects.filter(pk=journal.pk).update(
        statut=StatutImport.ECHEC, etape=message, pid=None, fichier_attente=""
    )
    return True
