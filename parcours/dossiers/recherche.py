"""Search for persons by NIR or name: by prefix, accent- and case-insensitive, on an index.

Names are searched on `Assure.recherche`, the name in capitals without accents or punctuation.
A prefix is a range on SQLite (whose byte order makes it exact) and a LIKE on PostgreSQL, where
linguistic collations would break a range; there the `varchar_pattern_ops` indexes serve it.
"""

import re

from django.db import connections
from django.db.models import QuerySet

from parcours.dossiers.models import Assure
from parcours.lib.texte import borne_superieure, normaliser

_NIR = re.compile(r"^[0-9][0-9AaBb ]*$")


def _prefixe(assures: QuerySet[Assure], champ: str, prefixe: str) -> QuerySet[Assure]:
    if connections[assures.db].vendor == "postgresql":
        return assures.filter(**{f"{champ}__startswith": prefixe})
    return assures.filter(**{f"{champ}__gte": prefixe, f"{champ}__lt": borne_superieure(prefixe)})


def rechercher(assures: QuerySet[Assure], texte: str, limite: int = 50) -> QuerySet[Assure]:
    texte = texte.strip()
    if not texte:
        return assures.none()
    if _NIR.match(texte):
        return _prefixe(assures, "nir", texte.replace(" ", "").upper()).order_by("nir")[:limite]
    prefixe = normaliser(texte)
    if not prefixe:
        return assures.none()
    return _prefixe(assures, "recherche", prefixe).order_by("recherche", "date_naissance")[:limite]
