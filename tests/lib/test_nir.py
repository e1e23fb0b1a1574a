import pytest
from stdnum.fr import nir as stdnum_nir

from parcours.lib.nir import NirInvalide, formater_nir, masquer_nir, normaliser_nir


def _avec_cle(base: str) -> str:
    return base + stdnum_nir.calc_check_digits(base)


def test_valid_nir_with_or_without_spaces():
    assert normaliser_nir("2 95 10 99 126 111 93") == "295109912611193"
    assert normaliser_nir("295109912611193") == "295109912611193"
    assert formater_nir("295109912611193") == "2 95 10 99 126 111 93"


def test_corsica_2a_and_2b():
    for departement in ("2A", "2B"):
        nir = _avec_cle(f"18505{departement}004123")
        assert normaliser_nir(nir) == nir
        assert normaliser_nir(nir.lower()) == nir
    # The key of a Corsican NIR is not that of the same number with 20 for the département.
    faux = "18505" + "2A" + "004123" + stdnum_nir.calc_check_digits("1850520004123")
    with pytest.raises(NirInvalide, match="clé de contrôle"):
        normaliser_nir(faux)


@pytest.mark.parametrize(
    "texte,motif",
    [
        ("295109912611194", "clé de contrôle"),
        ("2951099126111", "15 caractères"),
        ("29510991261119300", "15 caractères"),
        ("2951099X2611193", "ne contient que des chiffres"),
        ("", "manquant"),
    ],
)
def test_invalid_nir_messages_in_french(texte, motif):
    with pytest.raises(NirInvalide, match=motif):
        normaliser_nir(texte)


def test_messages_never_carry_the_whole_nir():
    assert masquer_nir("295109912611193") == "…1193"
