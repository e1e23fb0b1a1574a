"""Tables as spreadsheets: XLSX (numbers as numbers) and CSV (French Excel conventions:
`;` separator, decimal comma, UTF-8 with BOM). Masked cells keep their « < 11 » / « secret »."""

import csv
import io

from parcours.statistiques.tableaux import Tableau, Valeur

TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def classeur(sections: list[tuple[str, list[Tableau]]]) -> bytes:
    """An XLSX workbook: one sheet per section, its tables one under the other."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    livre = Workbook(write_only=True)
    gras = Font(bold=True)
    noms: set[str] = set()
    for nom, tableaux in sections:
        feuille = livre.create_sheet(_nom_de_feuille(nom, noms))
        feuille.column_dimensions["A"].width = 60
        for tableau in tableaux:
            titre = WriteOnlyCell(feuille, value=tableau.titre)
            titre.font = gras
            feuille.append([titre])
            entetes = []
            for texte in ["", *tableau.colonnes]:
                cellule = WriteOnlyCell(feuille, value=texte)
                cellule.font = gras
                entetes.append(cellule)
            feuille.append(entetes)
            for ligne in tableau.lignes:
                feuille.append([ligne.libelle, *(v.pour_tableur() for v in ligne.valeurs)])
            if tableau.note:
                feuille.append([tableau.note])
            feuille.append([])
    tampon = io.BytesIO()
    livre.save(tampon)
    return tampon.getvalue()


def _nom_de_feuille(nom: str, pris: set[str]) -> str:
    for interdit in "[]:*?/\\":
        nom = nom.replace(interdit, " ")
    nom, i = nom[:31], 2
    while nom in pris:
        nom = f"{nom[:28]} {i}"
        i += 1
    pris.add(nom)
    return nom


def _csv(valeur: Valeur) -> str:
    brut = valeur.pour_tableur()
    if isinstance(brut, float):
        return f"{brut:.1f}".replace(".", ",")
    return "" if brut is None else str(brut)


def csv_de(tableau: Tableau) -> str:
    """One table as CSV text, with its French headers."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow([tableau.titre, *tableau.colonnes])
    for ligne in tableau.lignes:
        ecrivain.writerow([ligne.libelle, *(_csv(v) for v in ligne.valeurs)])
    return "\ufeff" + tampon.getvalue()
