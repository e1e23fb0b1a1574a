"""Progress bars for operator commands: one tqdm bar per step of a long operation."""

from typing import TextIO

from tqdm import tqdm


class Barres:
    """A `progression(etape, fait, total)` callback drawing one bar per step on `sortie`."""

    def __init__(self, sortie: TextIO, actif: bool = True):
        self.sortie = sortie
        self.actif = actif
        self.barres: dict[str, tqdm] = {}

    def __call__(self, etape: str, fait: int, total: int) -> None:
        if not self.actif:
            return
        barre = self.barres.get(etape)
        if barre is None:
            for autre in self.barres.values():
                autre.close()
            barre = self.barres[etape] = tqdm(
                total=total, desc=etape, unit=" lignes", file=self.sortie
            )
        barre.total = total
        barre.n = fait
        barre.refresh()

    def fermer(self) -> None:
        for barre in self.barres.values():
            barre.close()
