"""The operator command `importer` (DESIGN §5): exit 0 when imported, 1 when rejected."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parcours.organisation.models import Organisme

pytestmark = pytest.mark.django_db


def test_command_imports_a_good_file(tmp_path, capsys):
    fichier = tmp_path / "organismes.csv"
    fichier.write_text("code,nom,region,commentaire\nCARSAT-MP,Carsat Midi-Pyrénées,76,x\n")
    call_command("importer", "organismes", str(fichier))
    sortie = capsys.readouterr()
    assert "1 créée(s)" in sortie.out
    assert "colonnes ignorées" in sortie.err
    assert Organisme.objects.filter(code="CARSAT-MP").exists()


def test_command_rejects_a_bad_file_with_exit_status_1(tmp_path, capsys):
    fichier = tmp_path / "organismes.csv"
    fichier.write_text("code;nom;region\nA;Alpha;99\nB;;76\n")
    with pytest.raises(CommandError) as erreur:
        call_command("importer", "organismes", str(fichier))
    assert erreur.value.returncode == 1
    sortie = capsys.readouterr().err
    assert "ligne 2, colonne « region » : région inconnue « 99 »" in sortie
    assert "ligne 3, colonne « nom » : valeur obligatoire manquante" in sortie
    assert not Organisme.objects.exists()


def test_command_refuses_unknown_kind_and_missing_file(tmp_path):
    with pytest.raises(CommandError, match="type de fichier inconnu"):
        call_command("importer", "patients", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="lecture impossible"):
        call_command("importer", "organismes", str(tmp_path / "absent.csv"))
