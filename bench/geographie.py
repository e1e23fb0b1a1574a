"""Benchmark: loading the official geography of all France.

    .venv/bin/python bench/geographie.py          # a fresh SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_bench \
        .venv/bin/python bench/geographie.py      # an existing, emptied PostgreSQL database

Prints the time of a first load and of a refresh (idempotent reload), rows per second, and the
ratio to the target of the foundation issue (all of France in under a minute). It does not fail
on time.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))
CIBLE_SECONDES = 60.0


def main() -> None:
    dossier = tempfile.mkdtemp(prefix="parcours-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{dossier}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "parcours.settings.dev"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from parcours.territoire.chargement import charger_geographie

    if connection.vendor == "postgresql":
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    print(f"Base : {connection.vendor} ({connection.settings_dict['NAME']})")
    for essai in ("premier chargement", "rechargement (idempotent)"):
        debut = time.perf_counter()
        bilan = charger_geographie()
        duree = time.perf_counter() - debut
        print(
            f"{essai:<28} {duree:6.1f} s  {bilan.lignes:>6} lignes  "
            f"{bilan.lignes / duree:8.0f} lignes/s  "
            f"cible {CIBLE_SECONDES:.0f} s : ratio {duree / CIBLE_SECONDES:.2f}"
        )
    print(
        f"  dont {bilan.communes} communes, {bilan.arrondissements} arrondissements, "
        f"{bilan.cantons} cantons, {bilan.pseudo_cantons} pseudo-cantons"
    )


if __name__ == "__main__":
    main()
