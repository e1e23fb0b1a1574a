from django.db import migrations

MISSIONS = [
    ("PARCOURS_SANTE", "Sécuriser le parcours en santé", "SANTE", 1),
    ("PDP", "Prévenir la désinsertion professionnelle", "EMPLOYABILITE", 2),
    ("RETOUR_DOMICILE", "Stabiliser le retour à domicile après hospitalisation", "SANTE", 3),
    ("PASSAGE_RETRAITE", "Prévention en santé lors du passage à la retraite", "SANTE", 4),
]


def creer(apps, schema_editor):
    Mission = apps.get_model("dossiers", "Mission")
    for code, libelle, axe, ordre in MISSIONS:
        Mission.objects.get_or_create(
            code=code, defaults={"libelle": libelle, "axe": axe, "ordre": ordre}
        )


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]
    operations = [migrations.RunPython(creer, migrations.RunPython.noop)]
