"""The staging file of an import: its checked rows wait there until they are moved in.

A migration file may hold a million rows: they are checked chunk by chunk and each checked row is
written here, in a SQLite file of its own beside the uploaded one (readable by its owner only),
so memory stays bounded and the application's database is not written while the file is
checked. Rows are then moved into the database in short transactions (see `engine`). The file
also serves to undo a move-in that could not finish, and is deleted when the import ends.

Each row keeps its line number, its state — new (N), modified (M), unchanged (I), or outside the
importer's scope and left as it is (D) — the primary key of the stored row it modifies, its
values as the database stores them, and, for a modified row, the values it had when checked.
"""

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

NOUVELLE, MODIFIEE, INCHANGEE, HORS_PERIMETRE = "N", "M", "I", "D"
A_ECRIRE = (NOUVELLE, MODIFIEE, HORS_PERIMETRE)


class Attente:
    """A staging file for the values of `nb_champs` model fields."""

    def __init__(self, chemin: Path, nb_champs: int, *, creer: bool = True):
        self.chemin = Path(chemin)
        self.nb_champs = nb_champs
        if creer:
            self.chemin.unlink(missing_ok=True)
            # Created readable by its owner only: it holds the rows of the file.
            os.close(os.open(self.chemin, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
        self.base = sqlite3.connect(self.chemin, isolation_level=None)
        self.base.execute("PRAGMA journal_mode=OFF")
        self.base.execute("PRAGMA synchronous=OFF")
        self.base.execute("PRAGMA temp_store=FILE")
        valeurs = ", ".join(f"v{i}" for i in range(nb_champs))
        avant = ", ".join(f"a{i}" for i in range(nb_champs))
        if creer:
            self.base.execute(
                f"CREATE TABLE lignes (rid INTEGER PRIMARY KEY, cle UNIQUE, ligne INTEGER, "
                f"etat TEXT, pk INTEGER, {valeurs})"
            )
            # The values a modified row had when checked, apart: most rows have none.
            self.base.execute(f"CREATE TABLE avant (cle PRIMARY KEY, {avant})")
        self._colonnes = f"rid, cle, ligne, etat, pk, {valeurs}"
        self._inserer = (
            f"INSERT INTO lignes (cle, ligne, etat, pk, {valeurs}) "
            f"VALUES ({', '.join(['?'] * (4 + nb_champs))})"
        )
        self._inserer_avant = (
            f"INSERT INTO avant (cle, {avant}) VALUES ({', '.join(['?'] * (1 + nb_champs))})"
        )
        self._lire_avant = (
            f"SELECT cle, {avant} FROM avant WHERE cle IN (SELECT value FROM json_each(?))"
        )

    @classmethod
    def rouvrir(cls, chemin: Path, nb_champs: int) -> "Attente":
        return cls(chemin, nb_champs, creer=False)

    def ajouter(
        self, lignes: Iterable[Sequence[Any]], avants: Iterable[Sequence[Any]] = ()
    ) -> None:
        """Rows of (cle, ligne, etat, pk, *values), and for modified rows (cle, *values
        before)."""
        self.base.execute("BEGIN")
        self.base.executemany(self._inserer, lignes)
        self.base.executemany(self._inserer_avant, avants)
        self.base.execute("COMMIT")

    def deja(self, cles: Sequence[Any]) -> dict[Any, int]:
        """The line of each key already staged, among `cles`."""
        # One JSON parameter rather than a placeholder per key: one compiled statement.
        return dict(
            self.base.execute(
                "SELECT cle, ligne FROM lignes WHERE cle IN (SELECT value FROM json_each(?))",
                (json.dumps(list(cles)),),
            ).fetchall()
        )

    def compter(self) -> dict[str, int]:
        return dict(self.base.execute("SELECT etat, count(*) FROM lignes GROUP BY etat"))

    def lots(
        self, taille: int | Callable[[], int], jusqu_a: int | None = None
    ) -> Iterator[tuple[int, list[tuple], dict[Any, tuple]]]:
        """The rows to write, in file order, `taille` at a time (a number, or a function giving
        the next batch's size): (last rid of the batch, [(cle, ligne, etat, pk, values…)],
        {cle: values before} of its modified rows). `jusqu_a` stops at that rid."""
        dernier = 0
        marques = ", ".join(f"'{e}'" for e in A_ECRIRE)
        borne = "AND rid <= ?" if jusqu_a is not None else ""
        while True:
            parametres = [dernier, *([jusqu_a] if jusqu_a is not None else [])]
            nombre = taille() if callable(taille) else taille
            lignes = self.base.execute(
                f"SELECT {self._colonnes} FROM lignes WHERE rid > ? {borne} "
                f"AND etat IN ({marques}) ORDER BY rid LIMIT ?",
                (*parametres, nombre),
            ).fetchall()
            if not lignes:
                return
            dernier = lignes[-1][0]
            modifiees = [ligne[1] for ligne in lignes if ligne[3] == MODIFIEE]
            avants: dict[Any, tuple] = {}
            if modifiees:
                for cle, *valeurs in self.base.execute(self._lire_avant, (json.dumps(modifiees),)):
                    avants[cle] = tuple(valeurs)
            yield dernier, [ligne[1:] for ligne in lignes], avants

    def fermer(self, *, effacer: bool = True) -> None:
        self.base.close()
        if effacer:
            self.chemin.unlink(missing_ok=True)
