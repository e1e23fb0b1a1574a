"""The layers of Parcours, and the check that keeps them (docs/architecture.md).

Each part of `parcours/` belongs to one layer; a module may import its own part and the layers
below it, never a layer above nor a neighbour of its own layer. An import of `parcours` placed
inside a function (the usual way to hide a cycle) is refused too, except in an app's
`AppConfig.ready()`, where Django wants registrations. `lib/` holds no model.

    python -m parcours.couches        # lists the breaches, exit status 1 if there is one

`make test` runs it through `tests/test_couches.py`. A new app goes into `COUCHES` first.
"""

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Bottom first. The second floor is the project's own modules at the root of the package.
COUCHES: tuple[tuple[str, ...], ...] = (
    ("lib",),
    ("securite", "formulaires", "convertisseurs", "couches", "settings", "wsgi"),
    ("travaux",),
    ("messagerie",),
    ("imports",),
    ("territoire",),
    ("organisation",),
    ("dossiers",),
    ("observatoire", "rendezvous"),
    ("campagnes",),
    ("statistiques",),
    ("accueil", "demo"),
)
NIVEAU = {partie: niveau for niveau, parties in enumerate(COUCHES) for partie in parties}
RACINE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Infraction:
    fichier: str
    ligne: int
    message: str

    def __str__(self) -> str:
        return f"{self.fichier}:{self.ligne} : {self.message}"


def _partie(module: str) -> str | None:
    """`parcours.dossiers.models` → `dossiers`; None outside the package or for `parcours`."""
    morceaux = module.split(".")
    if morceaux[0] != "parcours" or len(morceaux) < 2:
        return None
    return morceaux[1]


def _module_de(fichier: Path, racine: Path) -> str:
    relatif = fichier.relative_to(racine.parent).with_suffix("")
    morceaux = list(relatif.parts)
    if morceaux[-1] == "__init__":
        morceaux.pop()
    return ".".join(morceaux)


def _cibles(noeud: ast.Import | ast.ImportFrom, module: str, paquet: bool) -> list[str]:
    if isinstance(noeud, ast.Import):
        return [alias.name for alias in noeud.names]
    if not noeud.level:
        return [noeud.module or ""]
    base = module.split(".")
    base = base[: len(base) - noeud.level + (1 if paquet else 0)]
    return [".".join([*base, noeud.module] if noeud.module else base)]


def _dans_une_fonction(chemin: list[ast.AST]) -> bool:
    """Inside a function other than an AppConfig's `ready()`."""
    for i, parent in enumerate(chemin):
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef):
            classe = chemin[i - 1] if i else None
            if parent.name == "ready" and isinstance(classe, ast.ClassDef):
                continue
            return True
    return False


def _imports(arbre: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, list[ast.AST]]]:
    pile: list[tuple[ast.AST, list[ast.AST]]] = [(arbre, [])]
    while pile:
        noeud, chemin = pile.pop()
        for enfant in ast.iter_child_nodes(noeud):
            if isinstance(enfant, ast.Import | ast.ImportFrom):
                yield enfant, chemin
            else:
                pile.append((enfant, [*chemin, enfant]))


def _definit_un_modele(arbre: ast.AST) -> int | None:
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.ClassDef):
            for base in noeud.bases:
                if ast.unparse(base) in ("models.Model", "Model"):
                    return noeud.lineno
    return None


def verifier(racine: Path = RACINE) -> list[Infraction]:
    """Every breach of the layers under `racine` (the `parcours` package directory)."""
    infractions = []
    inconnues: set[str] = set()
    for fichier in sorted(racine.rglob("*.py")):
        relatif = fichier.relative_to(racine)
        if "migrations" in relatif.parts:
            continue  # migrations name other apps as strings, and are history
        nom = str(fichier.relative_to(racine.parent))
        module = _module_de(fichier, racine)
        partie = _partie(module) if len(relatif.parts) > 1 else relatif.stem
        if partie == "__init__":
            continue
        if partie not in NIVEAU:
            if partie in inconnues:
                continue
            inconnues.add(partie)
            infractions.append(
                Infraction(nom, 1, f"« {partie} » n'est rangé dans aucune couche (COUCHES)")
            )
            continue
        arbre = ast.parse(fichier.read_text(encoding="utf-8"), filename=nom)
        if partie == "lib" and (ligne := _definit_un_modele(arbre)) is not None:
            infractions.append(Infraction(nom, ligne, "lib/ ne définit aucun modèle"))
        for noeud, chemin in _imports(arbre):
            for cible in _cibles(noeud, module, fichier.name == "__init__.py"):
                importee = _partie(cible)
                if importee is None or importee == partie:
                    if importee == partie and _dans_une_fonction(chemin):
                        infractions.append(
                            Infraction(
                                nom,
                                noeud.lineno,
                                f"import de {cible} dans une fonction : placez-le en tête",
                            )
                        )
                    continue
                if _dans_une_fonction(chemin):
                    infractions.append(
                        Infraction(
                            nom,
                            noeud.lineno,
                            f"import de {cible} dans une fonction : placez-le en tête du module "
                            "(un import caché pour éviter un cycle trahit une couche mal placée)",
                        )
                    )
                niveau = NIVEAU.get(importee)
                if niveau is None or niveau >= NIVEAU[partie]:
                    ou = (
                        "inconnue"
                        if niveau is None
                        else (
                            "la même couche" if niveau == NIVEAU[partie] else "une couche au-dessus"
                        )
                    )
                    infractions.append(
                        Infraction(
                            nom,
                            noeud.lineno,
                            f"{partie} importe {cible} ({ou}) : une couche n'importe que celles "
                            "du dessous",
                        )
                    )
    return infractions


def main() -> int:
    infractions = verifier()
    for infraction in infractions:
        print(infraction)
    if infractions:
        print(f"{len(infractions)} import(s) hors des couches (docs/architecture.md).")
        return 1
    print("Couches respectées.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
