"""The layers of docs/architecture.md hold: no app imports one above it, none hides an import in
a function, and the check does catch a breach (shown on a copy of the package)."""

import shutil
from pathlib import Path

import pytest

from parcours import couches


def test_parcours_respects_its_layers():
    assert [str(i) for i in couches.verifier()] == []


def test_every_app_is_in_a_layer():
    applications = {p.parent.name for p in couches.RACINE.glob("*/apps.py")} | {"lib"}
    assert applications <= set(couches.NIVEAU)


@pytest.fixture
def copie(tmp_path: Path) -> Path:
    """A copy of the package's modules, to break on purpose."""
    racine = tmp_path / "parcours"
    shutil.copytree(
        couches.RACINE,
        racine,
        ignore=shutil.ignore_patterns("*.pyc", "__pycache__", "templates", "static"),
    )
    assert couches.verifier(racine) == []
    return racine


def _ajouter(fichier: Path, texte: str) -> int:
    """Append `texte` to a module; returns the line number of its first line."""
    contenu = fichier.read_text(encoding="utf-8")
    fichier.write_text(contenu + texte, encoding="utf-8")
    return contenu.count("\n") + 1


def test_an_import_from_a_layer_above_is_caught(copie: Path):
    ligne = _ajouter(
        copie / "territoire" / "models.py", "from parcours.dossiers.models import Assure\n"
    )
    (infraction,) = couches.verifier(copie)
    assert infraction.fichier == "parcours/territoire/models.py"
    assert infraction.ligne == ligne
    assert "territoire importe parcours.dossiers.models (une couche au-dessus)" in str(infraction)


def test_an_import_hidden_in_a_function_is_caught(copie: Path):
    ligne = _ajouter(
        copie / "statistiques" / "rapport.py",
        "\n\ndef _cache():\n    from parcours.organisation.models import Organisme\n\n"
        "    return Organisme\n",
    )
    (infraction,) = couches.verifier(copie)
    assert infraction.ligne == ligne + 3
    assert "dans une fonction" in infraction.message


def test_two_apps_of_one_layer_do_not_import_each_other(copie: Path):
    _ajouter(copie / "demo" / "rapport.py", "from parcours.accueil import menu\n")
    (infraction,) = couches.verifier(copie)
    assert "(la même couche)" in infraction.message


def test_an_app_outside_the_layers_and_a_model_in_lib_are_caught(copie: Path):
    (copie / "nouvelle").mkdir()
    (copie / "nouvelle" / "__init__.py").write_text("")
    (copie / "nouvelle" / "models.py").write_text("X = 1\n")
    _ajouter(
        copie / "lib" / "texte.py",
        "\n\nfrom django.db import models\n\n\nclass Modele(models.Model):\n    pass\n",
    )
    messages = sorted(i.message for i in couches.verifier(copie))
    assert messages == [
        "lib/ ne définit aucun modèle",
        "« nouvelle » n'est rangé dans aucune couche (COUCHES)",
    ]
