"""Reading the interchange CSV files of DESIGN §5, without Django.

UTF-8 (a BOM is tolerated), `;` or `,` as separator (detected from the header row), a header row
with the column names, dates as AAAA-MM-JJ or JJ/MM/AAAA. Every problem becomes a French message
that names the line and the column; nothing here raises on bad content.

`LecteurCSV` reads a file as a stream: a migration file of a million rows is never held in
memory whole. `lire_csv` reads a small file at once on top of it.
"""

import codecs
import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

# A cell longer than this is refused: no column of DESIGN §5 needs more (notes are not imported).
LONGUEUR_MAX_CELLULE = 10_000
csv.field_size_limit(max(csv.field_size_limit(), 4 * LONGUEUR_MAX_CELLULE))


@dataclass(frozen=True)
class Erreur:
    """One problem in a file: `ligne` counts from 1 (the header row), `colonne` is a column name."""

    ligne: int | None
    colonne: str | None
    message: str

    def __str__(self) -> str:
        ou = []
        if self.ligne is not None:
            ou.append(f"ligne {self.ligne}")
        if self.colonne:
            ou.append(f"colonne « {self.colonne} »")
        return f"{', '.join(ou)} : {self.message}" if ou else self.message


@dataclass
class FichierCSV:
    separateur: str = ";"
    colonnes: list[str] = field(default_factory=list)
    lignes: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    erreurs: list[Erreur] = field(default_factory=list)
    avertissements: list[str] = field(default_factory=list)


MESSAGE_ENCODAGE = (
    "le fichier n'est pas encodé en UTF-8 (enregistrez-le en « CSV UTF-8 » depuis votre tableur)"
)


def detecter_separateur(entete: str) -> str:
    """`;` or `,`, whichever the header row holds more of (`;` when tied)."""
    return "," if entete.count(",") > entete.count(";") else ";"


class _Texte:
    """Decodes a binary stream as UTF-8 (BOM dropped) line by line, counting lines, so that an
    invalid byte is reported on its line instead of as an exception."""

    def __init__(self, flux: BinaryIO):
        self.flux = flux
        self.decodeur = codecs.getincrementaldecoder("utf-8-sig")()
        self.lignes_lues = 0
        self.erreur: int | None = None  # the line holding an invalid byte

    def __iter__(self) -> Iterator[str]:
        for brute in self.flux:
            self.lignes_lues += 1
            try:
                yield self.decodeur.decode(brute)
            except UnicodeDecodeError:
                self.erreur = self.lignes_lues
                return
        try:
            reste = self.decodeur.decode(b"", final=True)
        except UnicodeDecodeError:
            self.erreur = self.lignes_lues
            return
        if reste:
            yield reste


class LecteurCSV:
    """A CSV file read as a stream of `(line number, {column: value})`.

    The header is read on creation: `erreurs` then holds its problems (the rows are not read when
    it has any) and `avertissements` the ignored columns. Iterating yields the good rows; a bad row
    (wrong number of values, NUL byte, cell too long, invalid UTF-8) adds its error to `erreurs`
    and is skipped. `position()` is how far into the underlying stream the reading is, in bytes.
    """

    def __init__(self, flux: BinaryIO, colonnes_attendues: Sequence[str]):
        self.flux = flux
        self.colonnes_attendues = tuple(colonnes_attendues)
        self.separateur = ";"
        self.colonnes: list[str] = []
        self.erreurs: list[Erreur] = []
        self.avertissements: list[str] = []
        self._texte = _Texte(flux)
        self._lignes = iter(self._texte)
        self._lecteur = None
        self._lire_entete()

    def position(self) -> int:
        try:
            return self.flux.tell()
        except (OSError, ValueError):
            return 0

    def _lire_entete(self) -> None:
        try:
            premiere = next(self._lignes)
        except StopIteration:
            premiere = ""
        if self._texte.erreur is not None:
            self.erreurs.append(Erreur(self._texte.erreur, None, MESSAGE_ENCODAGE))
            return
        if not premiere.strip():
            self.erreurs.append(
                Erreur(1, None, "le fichier est vide ou n'a pas de ligne d'en-tête")
            )
            return
        self.separateur = detecter_separateur(premiere)

        def lignes() -> Iterator[str]:
            yield premiere
            yield from self._lignes

        self._lecteur = csv.reader(lignes(), delimiter=self.separateur)
        try:
            entete = [nom.strip().lower() for nom in next(self._lecteur)]
        except csv.Error as erreur_csv:
            self.erreurs.append(Erreur(1, None, f"en-tête illisible ({erreur_csv})"))
            return
        self.colonnes = entete
        attendues = self.colonnes_attendues
        for colonne in attendues:
            if colonne not in entete:
                self.erreurs.append(Erreur(1, colonne, "colonne obligatoire absente de l'en-tête"))
        for colonne in sorted({c for c in entete if entete.count(c) > 1 and c}):
            self.erreurs.append(Erreur(1, colonne, "colonne présente plusieurs fois"))
        en_trop = [c for c in entete if c not in attendues]
        if en_trop:
            self.avertissements.append(
                "colonnes ignorées : " + ", ".join(f"« {c} »" for c in en_trop if c)
            )

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        if self.erreurs or self._lecteur is None:
            return
        lecteur = self._lecteur
        entete = self.colonnes
        nb = len(entete)
        debut = lecteur.line_num + 1
        while True:
            try:
                cellules = next(lecteur)
            except StopIteration:
                break
            except csv.Error as erreur:
                self.erreurs.append(Erreur(lecteur.line_num, None, f"ligne illisible ({erreur})"))
                return
            numero, debut = debut, lecteur.line_num + 1
            if len(cellules) != nb:
                if not any(v.strip() for v in cellules):
                    continue
                self.erreurs.append(
                    Erreur(
                        numero,
                        None,
                        f"{len(cellules)} valeurs au lieu de {nb} (séparateur "
                        f"« {self.separateur} » attendu)",
                    )
                )
                continue
            if "\x00" not in (tout := "".join(cellules)) and len(tout) <= LONGUEUR_MAX_CELLULE:
                # The common case, checked at once: no NUL, no cell too long.
                if tout.strip():
                    yield numero, {c: v.strip() for c, v in zip(entete, cellules, strict=True) if c}
                continue
            ligne = {}
            vide = True
            mauvaise = False
            for colonne, valeur in zip(entete, cellules, strict=True):
                valeur = valeur.strip()
                if valeur:
                    vide = False
                    if "\x00" in valeur:
                        self.erreurs.append(
                            Erreur(numero, colonne or None, "caractère nul interdit dans le texte")
                        )
                        mauvaise = True
                    elif len(valeur) > LONGUEUR_MAX_CELLULE:
                        self.erreurs.append(
                            Erreur(
                                numero,
                                colonne or None,
                                f"valeur trop longue ({len(valeur)} caractères, "
                                f"{LONGUEUR_MAX_CELLULE} au plus)",
                            )
                        )
                        mauvaise = True
                if colonne:
                    ligne[colonne] = valeur
            if vide or mauvaise:
                continue
            yield numero, ligne
        if self._texte.erreur is not None:
            self.erreurs.append(Erreur(self._texte.erreur, None, MESSAGE_ENCODAGE))


def lire_csv(contenu: bytes, colonnes_attendues: Sequence[str]) -> FichierCSV:
    """Parse a whole (small) file at once; rows are kept with their line number."""
    lecteur = LecteurCSV(io.BytesIO(contenu), colonnes_attendues)
    lignes = list(lecteur)
    return FichierCSV(
        separateur=lecteur.separateur,
        colonnes=lecteur.colonnes,
        lignes=lignes,
        erreurs=lecteur.erreurs,
        avertissements=lecteur.avertissements,
    )


_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATE_FR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def lire_date(texte: str) -> date:
    """A date written AAAA-MM-JJ or JJ/MM/AAAA; ValueError with a French message otherwise."""
    texte = texte.strip()
    if m := _DATE_ISO.match(texte):
        annee, mois, jour = (int(x) for x in m.groups())
    elif m := _DATE_FR.match(texte):
        jour, mois, annee = (int(x) for x in m.groups())
    else:
        raise ValueError(f"date « {texte} » illisible (attendu AAAA-MM-JJ ou JJ/MM/AAAA)")
    try:
        return date(annee, mois, jour)
    except ValueError:
        raise ValueError(f"date « {texte} » inexistante") from None


def lire_decimal(texte: str) -> float:
    """A decimal number with `.` or `,` as decimal mark; ValueError in French otherwise."""
    normalise = texte.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        valeur = float(normalise)
    except ValueError:
        raise ValueError(f"« {texte} » n'est pas un nombre") from None
    if valeur != valeur or valeur in (float("inf"), float("-inf")):
        raise ValueError(f"« {texte} » n'est pas un nombre")
    return valeur


def lire_booleen(texte: str) -> bool:
    """oui/non, 1/0, vrai/faux, true/false; the empty string is `False`."""
    t = texte.strip().lower()
    if t in ("", "0", "non", "n", "faux", "false", "f"):
        return False
    if t in ("1", "oui", "o", "vrai", "true", "v", "t", "x"):
        return True
    raise ValueError(f"« {texte} » n'est ni oui ni non")
