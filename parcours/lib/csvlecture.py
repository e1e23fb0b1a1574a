"""Reading the interchange CSV files of DESIGN §5, without Django.

UTF-8 (a BOM is tolerated), `;` or `,` as separator (detected from the header row), a header row
with the column names, dates as AAAA-MM-JJ or JJ/MM/AAAA. Every problem becomes a French message
that names the line and the column; nothing here raises on bad content.
"""

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date


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


def _decoder(contenu: bytes) -> tuple[str | None, Erreur | None]:
    try:
        return contenu.decode("utf-8-sig"), None
    except UnicodeDecodeError as erreur:
        ligne = contenu[: erreur.start].count(b"\n") + 1
        return None, Erreur(
            ligne,
            None,
            "le fichier n'est pas encodé en UTF-8 (enregistrez-le en « CSV UTF-8 » depuis votre "
            "tableur)",
        )


def detecter_separateur(entete: str) -> str:
    """`;` or `,`, whichever the header row holds more of (`;` when tied)."""
    return "," if entete.count(",") > entete.count(";") else ";"


def lire_csv(contenu: bytes, colonnes_attendues: Sequence[str]) -> FichierCSV:
    """Parse a whole file; rows are kept with their line number and stripped values."""
    fichier = FichierCSV()
    texte, erreur = _decoder(contenu)
    if erreur is not None:
        fichier.erreurs.append(erreur)
        return fichier
    assert texte is not None
    premiere = texte.split("\n", 1)[0]
    if not premiere.strip():
        fichier.erreurs.append(Erreur(1, None, "le fichier est vide ou n'a pas de ligne d'en-tête"))
        return fichier
    fichier.separateur = detecter_separateur(premiere)
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=fichier.separateur)
    try:
        entete = [nom.strip().lower() for nom in next(lecteur)]
    except csv.Error as erreur_csv:
        fichier.erreurs.append(Erreur(1, None, f"en-tête illisible ({erreur_csv})"))
        return fichier
    fichier.colonnes = entete
    manquantes = [c for c in colonnes_attendues if c not in entete]
    for colonne in manquantes:
        fichier.erreurs.append(Erreur(1, colonne, "colonne obligatoire absente de l'en-tête"))
    doublons = sorted({c for c in entete if entete.count(c) > 1 and c})
    for colonne in doublons:
        fichier.erreurs.append(Erreur(1, colonne, "colonne présente plusieurs fois"))
    en_trop = [c for c in entete if c not in colonnes_attendues]
    if en_trop:
        fichier.avertissements.append(
            "colonnes ignorées : " + ", ".join(f"« {c} »" for c in en_trop if c)
        )
    if fichier.erreurs:
        return fichier

    for valeurs in _lignes(lecteur, fichier):
        numero, cellules = valeurs
        if not any(v.strip() for v in cellules):
            continue
        if len(cellules) != len(entete):
            fichier.erreurs.append(
                Erreur(
                    numero,
                    None,
                    f"{len(cellules)} valeurs au lieu de {len(entete)} (séparateur "
                    f"« {fichier.separateur} » attendu)",
                )
            )
            continue
        fichier.lignes.append(
            (numero, {c: v.strip() for c, v in zip(entete, cellules, strict=True) if c})
        )
    return fichier


def _lignes(lecteur, fichier: FichierCSV) -> Iterator[tuple[int, list[str]]]:
    debut = lecteur.line_num + 1
    while True:
        try:
            cellules = next(lecteur)
        except StopIteration:
            return
        except csv.Error as erreur:
            fichier.erreurs.append(Erreur(lecteur.line_num, None, f"ligne illisible ({erreur})"))
            return
        yield debut, cellules
        debut = lecteur.line_num + 1


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
