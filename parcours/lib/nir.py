"""The NIR (numéro d'inscription au répertoire), validated by python-stdnum.

13 characters (sex, year, month, département — 2A/2B for Corsica —, commune, order number)
and a 2-digit key: 97 minus the number modulo 97, Corsica counted as 19 and 18.
"""

import re

from stdnum import exceptions
from stdnum.fr import nir as stdnum_nir

# The compact form: what imports nearly always carry. Checked with stdnum's own key computation;
# anything else goes through stdnum's full validation, which explains what is wrong.
_COMPACT = re.compile(r"^[0-9]{5}(?:[0-9]{2}|2[AB])[0-9]{8}$")


class NirInvalide(ValueError):
    """A French message saying what is wrong with a NIR."""


def normaliser_nir(texte: str) -> str:
    """The 15-character NIR, or NirInvalide with a French reason."""
    if texte and _COMPACT.match(texte) and stdnum_nir.calc_check_digits(texte) == texte[13:]:
        return texte
    compact = stdnum_nir.compact(texte or "")
    if not compact:
        raise NirInvalide("NIR manquant")
    try:
        return stdnum_nir.validate(compact)
    except exceptions.InvalidLength:
        raise NirInvalide(
            f"le NIR doit compter 15 caractères (13 et la clé), pas {len(compact)}"
        ) from None
    except exceptions.InvalidChecksum:
        raise NirInvalide("la clé de contrôle du NIR ne correspond pas au numéro") from None
    except exceptions.InvalidFormat:
        raise NirInvalide(
            "le NIR ne contient que des chiffres (et 2A ou 2B pour la Corse)"
        ) from None
    except exceptions.ValidationError:
        raise NirInvalide("NIR invalide") from None


def formater_nir(nir: str) -> str:
    """ "295109912611193" → "2 95 10 99 126 111 93"."""
    return stdnum_nir.format(nir)


def masquer_nir(nir: str) -> str:
    """Only the last digits, for messages that must not carry the whole NIR."""
    return f"…{nir[-4:]}" if len(nir) >= 4 else "…"
