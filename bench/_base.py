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
    return dossier
