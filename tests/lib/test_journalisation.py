import logging

from parcours.lib.journalisation import MASQUE, expurger, fabrique


def test_masks_nirs_emails_phones_and_database_details():
    texte = expurger(
        'duplicate key value violates unique constraint "dossiers_assure_nir_key"\n'
        "DETAIL:  Key (nir)=(185057800608491) already exists.\n"
        "NIR 2 85 05 2A 004 123 45, courriel jeanne.v@exemple.fr, tél. 06 12 34 56 78, "
        "+33 6.12.34.56.78, fixe 0563123456"
    )
    for valeur in ("185057800608491", "2A 004", "jeanne.v", "06 12", "6.12.34", "0563123456"):
        assert valeur not in texte
    assert "dossiers_assure_nir_key" in texte and MASQUE in texte


def test_leaves_ordinary_numbers_alone():
    assert (
        expurger("import n° 12 : 20000 lignes en 3.5 s") == "import n° 12 : 20000 lignes en 3.5 s"
    )


def test_records_are_masked_messages_and_tracebacks():
    try:
        raise ValueError("valeur 185057800608491 refusée")
    except ValueError:
        import sys

        record = fabrique(
            "x", logging.ERROR, __file__, 1, "lecture de %s", ("jeanne@exemple.fr",), sys.exc_info()
        )
    assert record.getMessage() == f"lecture de {MASQUE}"
    assert "185057800608491" not in record.exc_text and "ValueError" in record.exc_text
    assert record.exc_info is None
