"""The annual report's PDF is accessible (RGAA, issue 12): tagged PDF/UA-1, with a title, an
author, a subject and the French language, and every figure with a text alternative.

`pdfinfo` (poppler-utils) reads the information dictionary and says whether the file is tagged.
It prints neither the catalog's language nor the figures' alternatives: these are read from the
PDF's objects themselves, with the standard library (the objects sit in compressed streams).
"""

import io
import logging
import re
import subprocess
import zlib

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.statistiques.jeu import creer_jeu

# The tests read the file only; the mark keeps them among the database tests, which pytest-django
# runs before the transactional (browser) ones, whose flush empties the reference tables.
pytestmark = pytest.mark.django_db

TITRE = "Rapport d'activité 2025 — Carsat du jeu d'essai"
# A PDF string: literal, with its escapes, or hexadecimal.
CHAINE = rb"(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]*>)"


class _Journal(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def pdf(django_db_setup, django_db_blocker, tmp_path_factory):
    """The PDF of the hand-made dataset, as the `rapport_annuel` command writes it, made once for
    the module (the dataset is rolled back after). Production fails on any warning or error
    WeasyPrint logs about a missing language or image alternative."""
    sortie = tmp_path_factory.mktemp("rapport") / "rapport.pdf"
    journal = _Journal()
    weasyprint = logging.getLogger("weasyprint")
    weasyprint.addHandler(journal)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            creer_jeu()
            call_command(
                "rapport_annuel",
                "--organisme=CARSAT-JEU",
                "--annee=2025",
                "--format=pdf",
                f"--sortie={sortie}",
                stdout=io.StringIO(),
            )
            transaction.set_rollback(True)
    finally:
        weasyprint.removeHandler(journal)
    # WeasyPrint's own checks of PDF/UA: 'Image "…" has no required alt description',
    # 'Missing required "lang" attribute at the root of the document'.
    manques = [m for m in journal.messages if "alt description" in m or '"lang"' in m]
    assert not manques, manques
    return sortie


def _pdfinfo(pdf, *options) -> str:
    return subprocess.run(
        ["pdfinfo", *options, str(pdf)], capture_output=True, text=True, check=True
    ).stdout


def _objets(pdf) -> bytes:
    """The file's bytes followed by every stream it holds, decompressed where it is."""
    brut = pdf.read_bytes()
    morceaux = [brut]
    for flux in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", brut, re.S):
        try:
            morceaux.append(zlib.decompress(flux.group(1)))
        except zlib.error:
            pass  # a stream that is not Flate-compressed (or not a whole one): already in `brut`
    return b"\n".join(morceaux)


def _dictionnaire(objets: bytes, debut: int) -> bytes:
    """The PDF dictionary `<<…>>` opening at `debut`, with its nested dictionaries; strings,
    which may hold `<<` or `>>`, are skipped."""
    profondeur, i = 0, debut
    while i < len(objets):
        if objets.startswith(b"<<", i):
            profondeur, i = profondeur + 1, i + 2
        elif objets.startswith(b">>", i):
            profondeur, i = profondeur - 1, i + 2
            if profondeur == 0:
                return objets[debut:i]
        elif objets[i : i + 1] == b"(":  # literal string: balanced parentheses, `\` escapes
            niveau, i = 1, i + 1
            while niveau:
                caractere = objets[i : i + 1]
                niveau += {b"(": 1, b")": -1}.get(caractere, 0)
                i += 2 if caractere == b"\\" else 1
        elif objets[i : i + 1] == b"<":  # hexadecimal string
            i = objets.index(b">", i) + 1
        else:
            i += 1
    raise AssertionError("unterminated PDF dictionary")


def _texte_pdf(chaine: bytes) -> str:
    """A PDF string, literal `(…)` or hexadecimal UTF-16 `<FEFF…>`, as text."""
    if chaine.startswith(b"<"):
        return bytes.fromhex(chaine[1:-1].decode()).decode("utf-16")
    return re.sub(rb"\\(.)", rb"\1", chaine[1:-1]).decode("latin-1")


def test_the_report_pdf_is_tagged_with_its_title_author_and_subject(pdf):
    info = dict(ligne.split(":", 1) for ligne in _pdfinfo(pdf).splitlines() if ":" in ligne)
    info = {cle.strip(): valeur.strip() for cle, valeur in info.items()}
    assert info["Tagged"] == "yes"
    assert info["Title"] == TITRE
    assert info["Author"] == "Carsat du jeu d'essai"
    assert info["Subject"].startswith("Rapport d'activité 2025 du service social")
    meta = _pdfinfo(pdf, "-meta")
    assert "pdfuaid:part" in meta  # the PDF/UA-1 identification, in the XMP metadata
    assert TITRE in meta


def test_the_report_pdf_is_in_french(pdf):
    objets = _objets(pdf)
    debut = re.search(rb"<<\s*/Type\s*/Catalog\b", objets)
    assert debut, "no document catalog found"
    catalogue = _dictionnaire(objets, debut.start())
    langue = re.search(rb"/Lang\s*" + CHAINE, catalogue)
    assert langue, "the document catalog has no /Lang"
    assert _texte_pdf(langue.group(1)) == "fr"
    # Readers show the title, not the file name; the content is marked (tagged).
    assert re.search(rb"/DisplayDocTitle\s*true", catalogue)
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s*true", catalogue)


def test_every_figure_of_the_report_pdf_has_a_text_alternative(pdf):
    structure = _pdfinfo(pdf, "-struct")
    assert "Document" in structure and "Figure" in structure
    objets = _objets(pdf)
    figures = re.findall(rb"/S\s*/Figure\b", objets)
    alternatives = [_texte_pdf(a) for a in re.findall(rb"/Alt\s*" + CHAINE, objets)]
    assert figures and len(alternatives) == len(figures)
    # The two charts (inline SVG: their <title>) and the maps the dataset allows (SVG images:
    # their alt); its territory has no fragility data, hence no fragility map.
    assert "Entretiens réalisés par mission" in alternatives
    assert "Entretiens par mode" in alternatives
    for carte in ("Accessibilité des lieux d'accueil", "Territoires d'intervention"):
        assert [a for a in alternatives if a.startswith(carte)], carte
    assert len(figures) == 4
