import pytest

from parcours.lib.telephone import (
    TelephoneInvalide,
    est_mobile,
    formater_telephone,
    normaliser_telephone,
)


@pytest.mark.parametrize(
    "texte,attendu",
    [
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("05 63 12 34 56", "+33563123456"),
        ("+262 692 12 34 56", "+262692123456"),
    ],
)
def test_normalises_to_e164(texte, attendu):
    assert normaliser_telephone(texte) == attendu


@pytest.mark.parametrize("texte", ["appeler le matin", "06 12", "12345678901234567", "00 00 00"])
def test_refuses_what_is_not_a_number_in_french(texte):
    with pytest.raises(TelephoneInvalide, match="téléphone"):
        normaliser_telephone(texte)


def test_display_and_mobiles():
    assert formater_telephone("+33612345678") == "06 12 34 56 78"
    assert formater_telephone("texte ancien") == "texte ancien"
    assert est_mobile("+33612345678") and not est_mobile("+33563123456")


@pytest.mark.parametrize(
    "texte",
    [
        "06 12 34 56 78",
        "0612345678",
        "06-12-34-56-78",
        "+33612345678",
        "+33 6 12 34 56 78",
        "0033 6 12 34 56 78",
        "01 00 00 00 00",
        "08 00 12 34 56",
        "09 12 34 56 78",
        "07 00 00 00 00",
        "05 99 99 99 99",
    ],
)
def test_the_fast_path_for_french_numbers_agrees_with_libphonenumber(texte):
    """French numbers skip the full parser: the answer is the parser's."""
    import phonenumbers

    numero = phonenumbers.parse(texte, "FR")
    if phonenumbers.is_valid_number(numero):
        attendu = phonenumbers.format_number(numero, phonenumbers.PhoneNumberFormat.E164)
        assert normaliser_telephone(texte) == attendu
    else:
        with pytest.raises(TelephoneInvalide):
            normaliser_telephone(texte)
