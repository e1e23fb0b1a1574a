"""The database a benchmark writes into: a fresh SQLite file unless DATABASE_URL is set, in
which case that database is created if missing and emptied first. Django is set up on return."""

import os
import tempfile


def preparer_base(prefixe: str) -> str:
    """Set Django up on the benchmark's database, migrated and empty; returns its folder."""
    dossier = tempfile.mkdtemp(prefix=prefixe)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{dossier}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "parcours.settings.dev"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import OperationalError, connection

    if connection.vendor == "postgresql":
        try:
            connection.ensure_connection()
        except OperationalError:
            with connection._nodb_cursor() as curseur:
                nom = connection.ops.quote_name(connection.settings_dict["NAME"])
                curseur.execute(f"CREATE DATABASE {nom}")
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    # A flush empties what the data migrations wrote (the missions' referential): put it back.
    import importlib

    from parcours.dossiers.models import Mission

    defaut = importlib.import_module("parcours.dossiers.migrations.0002_missions_par_defaut")
    for code, libelle, axe, ordre in defaut.MISSIONS:
        Mission.objects.get_or_create(
            code=code, defaults={"libelle": libelle, "axe": axe, "ordre": ordre}
        )
    return dossier
