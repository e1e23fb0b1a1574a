from datetime import date

import pytest

from parcours.lib.csvlecture import (
    Erreur,
    detecter_separateur,
    lire_booleen,
    lire_csv,
    lire_date,
    lire_decimal,
)

COLONNES = ("code", "nom", "region")


def test_reads_semicolon_file_with_bom_and_line_numbers():
    contenu = "\ufeffcode;nom;region\nA;Alpha;76\n\nB;Bêta;11\n".encode()
    fichier = lire_csv(contenu, COLONNES)
    assert fichier.erreurs == []
    assert fichier.separateur == ";"
    assert fichier.lignes == [
        (2, {"code": "A", "nom": "Alpha", "region": "76"}),
        (4, {"code": "B", "nom": "Bêta", "region": "11"}),
    ]


def test_detects_comma_and_keeps_quoted_separators():
    contenu = b'code,nom,region\nA,"Alpha, la premi\xc3\xa8re",76\n'
    fichier = lire_csv(contenu, COLONNES)
    assert fichier.separateur == ","
    assert fichier.lignes[0][1]["nom"] == "Alpha, la première"


def test_missing_column_is_an_error_and_extra_column_a_warning():
    fichier = lire_csv(b"code;nom;commentaire\nA;Alpha;x\n", COLONNES)
    assert fichier.erreurs == [Erreur(1, "region", "colonne obligatoire absente de l'en-tête")]
    fichier = lire_csv(b"code;nom;region;commentaire\nA;Alpha;76;x\n", COLONNES)
    assert fichier.erreurs == []
    assert fichier.avertissements == ["colonnes ignorées : « commentaire »"]


def test_row_with_wrong_number_of_values_names_its_line():
    fichier = lire_csv(b"code;nom;region\nA;Alpha;76\nB;Beta\n", COLONNES)
    assert len(fichier.erreurs) == 1
    assert fichier.erreurs[0].ligne == 3
    assert "2 valeurs au lieu de 3" in fichier.erreurs[0].message


def test_multiline_quoted_value_keeps_following_line_numbers_right():
    contenu = b'code;nom;region\nA;"deux\nlignes";76\nB;Beta\n'
    fichier = lire_csv(contenu, COLONNES)
    assert fichier.lignes[0][0] == 2
    assert fichier.erreurs[0].ligne == 4


def test_non_utf8_file_is_refused_in_french():
    fichier = lire_csv("code;nom;region\nA;Élan;76\n".encode("cp1252"), COLONNES)
    assert fichier.erreurs[0].ligne == 2
    assert "UTF-8" in fichier.erreurs[0].message


def test_empty_file():
    assert lire_csv(b"", COLONNES).erreurs[0].message.startswith("le fichier est vide")


def test_error_message_names_line_and_column():
    assert str(Erreur(4, "region", "région inconnue")) == (
        "ligne 4, colonne « region » : région inconnue"
    )


def test_separator_detection_prefers_semicolon_when_tied():
    assert detecter_separateur("a;b,c") == ";"
    assert detecter_separateur("a,b,c") == ","


@pytest.mark.parametrize(
    "texte,attendu",
    [
        ("2024-02-29", date(2024, 2, 29)),
        ("29/02/2024", date(2024, 2, 29)),
        ("1/3/2023", date(2023, 3, 1)),
    ],
)
def test_dates(texte, attendu):
    assert lire_date(texte) == attendu


@pytest.mark.parametrize("texte", ["2023-02-29", "31/04/2023", "2023/01/01", "hier", ""])
def test_bad_dates(texte):
    with pytest.raises(ValueError, match="date"):
        lire_date(texte)


def test_decimals_and_booleans():
    assert lire_decimal("44,0161") == pytest.approx(44.0161)
    assert lire_decimal(" 1.35 ") == pytest.approx(1.35)
    with pytest.raises(ValueError, match="n'est pas un nombre"):
        lire_decimal("nan")
    with pytest.raises(ValueError):
        lire_decimal("4x")
    assert lire_booleen("oui") is True
    assert lire_booleen("") is False
    with pytest.raises(ValueError):
        lire_booleen("peut-être")
