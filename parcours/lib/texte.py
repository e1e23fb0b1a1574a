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
