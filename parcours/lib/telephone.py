"""Phone numbers checked and normalised with `phonenumbers` (Google's libphonenumber).

Stored in E.164 (+33612345678), shown in the French national form (06 12 34 56 78). A number
written without a country is French; overseas numbers (+262, +590…) and foreign ones are kept
as written in international form.
"""

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, PhoneNumberType

PAYS_PAR_DEFAUT = "FR"


class TelephoneInvalide(ValueError):
    """A French message saying what is wrong with a phone number."""


# A French number as people write it (0X XX XX XX XX, +33 X…, dots or dashes): read without
# the full parser, three times faster on a migration file of hundreds of thousands of rows;
# its validity is still libphonenumber's.
_FRANCAIS = re.compile(r"^(?:\+33|0033|0)\s?([1-9](?:[\s.\-]?\d{2}){4})$")
_SEPARATEURS = re.compile(r"[\s.\-]")


def normaliser_telephone(texte: str) -> str:
    """The number in E.164, or TelephoneInvalide."""
    texte = (texte or "").strip()
    if not texte:
        raise TelephoneInvalide("numéro de téléphone manquant")
    if francais := _FRANCAIS.match(texte):
        chiffres = _SEPARATEURS.sub("", francais.group(1))
        if phonenumbers.is_valid_number(
            PhoneNumber(country_code=33, national_number=int(chiffres))
        ):
            return f"+33{chiffres}"
        raise TelephoneInvalide("numéro de téléphone invalide (exemple : 06 12 34 56 78)")
    try:
        numero = phonenumbers.parse(texte, PAYS_PAR_DEFAUT)
    except NumberParseException:
        raise TelephoneInvalide(
            "ce n'est pas un numéro de téléphone (exemple : 06 12 34 56 78)"
        ) from None
    if not phonenumbers.is_valid_number(numero):
        raise TelephoneInvalide("numéro de téléphone invalide (exemple : 06 12 34 56 78)")
    return phonenumbers.format_number(numero, PhoneNumberFormat.E164)


def formater_telephone(e164: str) -> str:
    """For display: national form for France, international otherwise; unchanged if unreadable
    (a number stored before numbers were checked)."""
    try:
        numero = phonenumbers.parse(e164, PAYS_PAR_DEFAUT)
    except NumberParseException:
        return e164
    if numero.country_code == 33:
        return phonenumbers.format_number(numero, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(numero, PhoneNumberFormat.INTERNATIONAL)


def est_mobile(e164: str) -> bool:
    """Whether a number can receive an SMS."""
    try:
        numero = phonenumbers.parse(e164, PAYS_PAR_DEFAUT)
    except NumberParseException:
        return False
    return phonenumbers.number_type(numero) in (
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
