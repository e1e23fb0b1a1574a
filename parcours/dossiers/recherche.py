"""Search for persons by NIR or name: by prefix, accent- and case-insensitive, on an index.

Names are searched on `Assure.recherche`, the name in capitals without accents or punctuation
(« BENEZECH SEVERINE »). Words may come in any order and be cut short: « Séverine Bénézech »,
« sev bené » find her. One of the words starts the stored name (an indexed prefix), each other
word starts one of its words.
A prefix is a range on SQLite (whose byte order makes it exact) and a LIKE on PostgreSQL, where
linguistic collations would break a range; there the `varchar_pattern_ops` indexes serve it.
"""

import re

from django.db import connections
from django.db.models import Q, QuerySet

from parcours.dossiers.models import Assure
from parcours.lib.texte import borne_superieure, normaliser

_NIR = re.compile(r"^[0-9][0-9AaBb ]*$")
# Beyond this many words the text is taken in its order (each word tried first is one branch).
MOTS_MAX = 4


def _q_prefixe(assures: QuerySet[Assure], champ: str, prefixe: str) -> Q:
    if connections[assures.db].vendor == "postgresql":
        return Q(**{f"{champ}__startswith": prefixe})
    return Q(**{f"{champ}__gte": prefixe, f"{champ}__lt": borne_superieure(prefixe)})


def _prefixe(assures: QuerySet[Assure], champ: str, prefixe: str) -> QuerySet[Assure]:
    return assures.filter(_q_prefixe(assures, champ, prefixe))


def rechercher(assures: QuerySet[Assure], texte: str, limite: int = 50) -> QuerySet[Assure]:
    texte = texte.strip()
    if not texte:
        return assures.none()
    if _NIR.match(texte):
        return _prefixe(assures, "nir", texte.replace(" ", "").upper()).order_by("nir")[:limite]
    mots = normaliser(texte).split()
    if not mots:
        return assures.none()
    if len(mots) == 1 or len(mots) > MOTS_MAX:
        condition = _q_prefixe(assures, "recherche", " ".join(mots))
    else:
        condition = Q()
        for i, premier in enumerate(mots):
            branche = _q_prefixe(assures, "recherche", premier)
            for autre in mots[:i] + mots[i + 1 :]:
                branche &= Q(recherche__contains=f" {autre}")
            condition |= branche
    return assures.filter(condition).order_by("recherche", "date_naissance")[:limite]
