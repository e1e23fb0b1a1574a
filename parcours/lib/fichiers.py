"""Files and folders that hold personal data, created readable by their owner only."""

import os
from pathlib import Path


def dossier_prive(chemin: Path) -> Path:
    """A folder (and its parents) of mode 0700; an existing one of ours is made so."""
    chemin.mkdir(parents=True, exist_ok=True, mode=0o700)
    if chemin.stat().st_uid == os.getuid():
        chemin.chmod(0o700)
    return chemin


def fichier_prive(chemin: Path) -> Path:
    """A file of mode 0600, created empty if missing (SQLite then creates its -wal and -shm
    files with the same mode as the database)."""
    os.close(os.open(chemin, os.O_CREAT | os.O_WRONLY, 0o600))
    if chemin.stat().st_uid == os.getuid():
        chemin.chmod(0o600)
    return chemin
