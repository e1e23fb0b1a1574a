"""Tables as spreadsheets: XLSX (numbers as numbers) and CSV (French Excel conventions:
`;` separator, decimal comma, UTF-8 with BOM). Masked cells keep their « < 11 » / « secret ».
Both go through `parcours.lib.tableur`, which neutralises any text a spreadsheet would run."""

from parcours.lib import tableur
from parcours.statistiques.tableaux import Tableau

TYPE_XLSX = tableur.TYPE_XLSX


def classeur(sections: list[tuple[str, list[Tableau]]]) -> bytes:
    """An XLSX workbook: one sheet per section, its tables one under the other."""
    feuilles = []
    for nom, tableaux in sections:
        lignes: list[list] = []
        gras: set[int] = set()
        for tableau in tableaux:
            gras.update({len(lignes), len(lignes) + 1})
            lignes.append([tableau.titre])
            lignes.append(["", *tableau.colonnes])
            for ligne in tableau.lignes:
                lignes.append([ligne.libelle, *(v.pour_tableur() for v in ligne.valeurs)])
            if tableau.note:
                lignes.append([tableau.note])
            lignes.append([])
        feuilles.append((nom, lignes, gras))
    return tableur.classeur(feuilles)


def csv_de(tableau: Tableau) -> str:
    """One table as CSV text, with its French headers."""
    lignes = [[tableau.titre, *tableau.colonnes]]
    lignes += [
        [ligne.libelle, *(v.pour_tableur() for v in ligne.valeurs)] for ligne in tableau.lignes
    ]
    return tableur.csv_texte(lignes)
