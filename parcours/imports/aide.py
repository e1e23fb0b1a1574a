"""The help the upload page gives for a kind of file: its columns as its importer documents them
(`Importeur.aide`), and a template to download, in the format the importer reads.

The template is written by `lib.tableur` as every CSV of the product (`;` separator, UTF-8 with
a BOM, which `lib.csvlecture` accepts and spreadsheets need to show accents): the header row,
then one row of the declared example values.
"""

from dataclasses import dataclass

from parcours.imports.engine import AideColonne, Importeur
from parcours.lib.tableur import csv_texte

# A column its importer does not document: the page shows dashes, the template an empty cell.
NON_DOCUMENTEE = AideColonne(description="", exemple="", obligatoire="")


@dataclass(frozen=True)
class ColonneDocumentee:
    nom: str
    aide: AideColonne


@dataclass(frozen=True)
class Format:
    """A kind of file as the upload page shows it."""

    nom: str
    libelle: str
    colonnes: list[ColonneDocumentee]

    @property
    def entete(self) -> str:
        """The header row, as it is written."""
        return ";".join(c.nom for c in self.colonnes)


def aide_de(importeur: type[Importeur], colonne: str) -> AideColonne:
    return importeur.aide.get(colonne, NON_DOCUMENTEE)


def format_de(importeur: type[Importeur]) -> Format:
    return Format(
        nom=importeur.nom,
        libelle=importeur.libelle,
        colonnes=[ColonneDocumentee(c, aide_de(importeur, c)) for c in importeur.colonnes],
    )


def modele_csv(importeur: type[Importeur]) -> bytes:
    """The template of a kind: its header row and one example row."""
    exemple = [aide_de(importeur, c).exemple for c in importeur.colonnes]
    return csv_texte([importeur.colonnes, exemple]).encode()
