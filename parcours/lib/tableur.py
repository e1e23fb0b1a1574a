"""Every CSV and XLSX file the product writes goes through here (OWASP « CSV injection »).

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula: a label typed by a user (a mission, a unit, a place) could then run in the reader's
spreadsheet. Text cells are neutralised — a CSV cell gets a leading apostrophe, which
spreadsheets show as text; an XLSX cell is written as a string, never a formula — while numbers
stay numbers. Without Django: the callers give rows of values.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

DEBUTS_DANGEREUX = ("=", "+", "-", "@", "\t", "\r")
TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutraliser(texte: str) -> str:
    """A text cell that no spreadsheet will read as a formula."""
    if texte.startswith(DEBUTS_DANGEREUX):
        return "'" + texte
    return texte


def _cellule_csv(valeur: Any) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, int):
        return str(valeur)
    if isinstance(valeur, float):
        # French conventions: decimal comma, one decimal.
        return f"{valeur:.1f}".replace(".", ",")
    return neutraliser(str(valeur))


def csv_texte(lignes: Iterable[Sequence[Any]]) -> str:
    """CSV for French spreadsheets: `;` separator, decimal comma, UTF-8 with a BOM."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    for ligne in lignes:
        ecrivain.writerow([_cellule_csv(v) for v in ligne])
    return "\ufeff" + tampon.getvalue()


def _nom_de_feuille(nom: str, pris: set[str]) -> str:
    for interdit in "[]:*?/\\":
        nom = nom.replace(interdit, " ")
    nom, i = _couper(nom, 31), 2
    base = nom
    while nom in pris:
        nom = f"{_couper(base, 31 - len(f' {i}'))} {i}"
        i += 1
    pris.add(nom)
    return nom


def _couper(nom: str, longueur: int) -> str:
    """At most `longueur` characters, cut between words (Excel's limit for a sheet name is 31):
    « Entretiens par mission et axe… », not « …et axe d »."""
    nom = " ".join(nom.split())
    if len(nom) <= longueur:
        return nom
    coupe = nom[: longueur - 1].rsplit(" ", 1)[0].rstrip(" ,;:—-–'’(")
    return (coupe or nom[: longueur - 1]) + "…"


def classeur(feuilles: Iterable[tuple[str, Iterable[Sequence[Any]], set[int]]]) -> bytes:
    """An XLSX workbook: for each sheet, its name, its rows, and which rows are in bold.

    Strings are written as strings (openpyxl would make a formula of a text starting with `=`),
    numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    livre = Workbook(write_only=True)
    gras = Font(bold=True)
    noms: set[str] = set()
    for nom, lignes, en_gras in feuilles:
        feuille = livre.create_sheet(_nom_de_feuille(nom, noms))
        feuille.column_dimensions["A"].width = 60
        for rang, ligne in enumerate(lignes):
            cellules = []
            for valeur in ligne:
                cellule = WriteOnlyCell(feuille, value=valeur)
                if isinstance(valeur, str):
                    cellule.data_type = "s"  # a string, even when it starts with « = »
                if rang in en_gras:
                    cellule.font = gras
                cellules.append(cellule)
            feuille.append(cellules)
    tampon = io.BytesIO()
    livre.save(tampon)
    return tampon.getvalue()
