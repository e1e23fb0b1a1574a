"""On PostgreSQL, the database refuses two overlapping appointments of one agent, and more
appointments at once than a place has rooms: exclusion constraints over time ranges (btree_gist,
a trusted extension the database's owner may create). SQLite has no such constraint: there, the
booking's immediate transaction serialises the writers and checks again before it writes."""

from django.db import migrations

ANNULES = "('ANNULE_PERSONNE', 'ANNULE_SERVICE')"


def creer(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        "ALTER TABLE rendezvous_participation ADD CONSTRAINT participation_sans_chevauchement "
        "EXCLUDE USING gist (agent_id WITH =, tstzrange(debut, fin, '[)') WITH &&)"
    )
    schema_editor.execute(
        "ALTER TABLE rendezvous_rendezvous ADD CONSTRAINT rdv_salle_sans_chevauchement "
        "EXCLUDE USING gist (lieu_id WITH =, salle WITH =, tstzrange(debut, fin, '[)') WITH &&) "
        f"WHERE (salle IS NOT NULL AND statut NOT IN {ANNULES})"
    )


def supprimer(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE rendezvous_participation DROP CONSTRAINT participation_sans_chevauchement"
    )
    schema_editor.execute(
        "ALTER TABLE rendezvous_rendezvous DROP CONSTRAINT rdv_salle_sans_chevauchement"
    )


class Migration(migrations.Migration):
    dependencies = [("rendezvous", "0001_initial")]
    operations = [migrations.RunPython(creer, supprimer)]
