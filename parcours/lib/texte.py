"""Text normalisation for search: accent-, case- and punctuation-insensitive."""

import re
import unicodedata

_NON_ALPHANUM = re.compile(r"[^A-Z0-9]+")
# Ligatures that NFKD does not split.
_LIGATURES = str.maketrans({"Œ": "OE", "œ": "oe", "Æ": "AE", "æ": "ae", "ß": "ss"})


def normaliser(texte: str) -> str:
    """« Élodie  D'Arc-Lefèvre » → "ELODIE D ARC LEFEVRE"."""
    decompose = unicodedata.normalize("NFKD", texte.translate(_LIGATURES))
    sans_accents = "".join(c for c in decompose if not unicodedata.combining(c))
    return _NON_ALPHANUM.sub(" ", sans_accents.upper()).strip()


def borne_superieure(prefixe: str) -> str:
    """The smallest string greater than every string starting with `prefixe`.

    A prefix search becomes the range [prefixe, borne_superieure(prefixe)), which a B-tree index
    answers exactly under a byte-wise collation (SQLite's BINARY).
    """
    return prefixe + "\U0010ffff"


# The longest text each kind of free field takes (forms, imports, administration): a reasoned
# ceiling, far above real use, so that a megabyte pasted by mistake — or on purpose — is refused
# with a message instead of stored.
LONGUEUR_COURTE = 200
LONGUEUR_ADRESSE = 500
LONGUEUR_TEXTE = 2000
LONGUEUR_NOTES = 20_000
LONGUEUR_PAGE = 10_000
