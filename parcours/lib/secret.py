"""Statistical secrecy (DESIGN §3): what roles that may not see people are shown.

A count from 1 to 10 is masked (« < 11 »: primary secrecy), and so is every rate built on it.
Then, table by table, secondary secrecy masks as few other cells as needed so that no masked
cell can be rebuilt by difference from a total of the same table: every published sum
(« total = parts ») holds either no masked member or at least two. Where a second member must
go, the smallest part is taken (the least information lost), the total only if no part is left.
Zero is not secret (nobody to identify) and is only masked when nothing else can be.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum

SEUIL = 11


class Etat(IntEnum):
    VISIBLE = 0
    PRIMAIRE = 1  # a count from 1 to 10, or built on one: printed « < 11 »
    SECONDAIRE = 2  # masked so that a primary cell cannot be rebuilt: printed « secret »


TEXTE_MASQUE = {Etat.PRIMAIRE: "< 11", Etat.SECONDAIRE: "secret"}


@dataclass(frozen=True)
class Somme:
    """A published sum: `total` is the sum of `parties` in the same table."""

    total: Hashable
    parties: tuple[Hashable, ...]


def est_petit(n: int | None) -> bool:
    return n is not None and 0 < n < SEUIL


def proteger(valeurs: Mapping[Hashable, int], sommes: Iterable[Somme] = ()) -> dict[Hashable, Etat]:
    """The state of every cell of a table of counts, with primary and secondary secrecy."""
    etats = {cle: Etat.PRIMAIRE if est_petit(n) else Etat.VISIBLE for cle, n in valeurs.items()}
    sommes = list(sommes)
    change = True
    while change:
        change = False
        for somme in sommes:
            membres = (somme.total, *somme.parties)
            if sum(1 for m in membres if etats[m]) != 1:
                continue
            candidates = [p for p in somme.parties if not etats[p]]
            if candidates:
                # The smallest non-zero part; a zero only if nothing else is left.
                choisie = min(candidates, key=lambda p: (valeurs[p] == 0, valeurs[p]))
            else:
                choisie = somme.total
            etats[choisie] = Etat.SECONDAIRE
            change = True
    return etats


def etat_derive(*etats: Etat) -> Etat:
    """The state of a rate or a mean built on counts: masked as soon as one of them is, and
    printed « < 11 » when one of them is a small count."""
    if any(e == Etat.PRIMAIRE for e in etats):
        return Etat.PRIMAIRE
    if any(etats):
        return Etat.SECONDAIRE
    return Etat.VISIBLE
