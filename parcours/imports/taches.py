"""Imports run in the background, with progress any web worker can read.

The embedded default needs no extra server: an upload starts a thread in the web process that
received it. Progress goes to a small file beside the uploaded one (the import's transaction
holds the database until it ends, so progress cannot travel through it); any worker process
reads it. If the process dies mid-way, the transaction is rolled back, nothing is written, and
the next look at the import marks it interrupted.

The uploaded file holds personal data: it is deleted as soon as the import ends.
"""

import json
import logging
import os
import time
from pathlib import Path

from django.conf import settings

from parcours.imports.engine import importer
from parcours.imports.enums import StatutImport
from parcours.imports.models import Import
from parcours.lib import taches

logger = logging.getLogger(__name__)
INTERVALLE_ECRITURE = 0.3  # seconds between two writes of the progress file


def dossier_imports() -> Path:
    dossier = Path(settings.VAR_DIR) / "imports"
    dossier.mkdir(parents=True, exist_ok=True)
    return dossier


def _fichier_progression(journal_id: int) -> Path:
    return dossier_imports() / f"{journal_id}.progression.json"


def deposer(journal: Import, contenu: bytes) -> None:
    chemin = dossier_imports() / f"{journal.pk}.csv"
    chemin.write_bytes(contenu)
    os.chmod(chemin, 0o600)
    journal.fichier = str(chemin)
    journal.save(update_fields=["fichier"])


def lire_progression(journal: Import) -> dict:
    """{"etape", "fait", "total", "pourcentage"} for an import under way."""
    if journal.termine:
        return {"etape": journal.etape, "fait": 1, "total": 1, "pourcentage": 100}
    try:
        etat = json.loads(_fichier_progression(journal.pk).read_text())
    except (OSError, ValueError):
        etat = {"etape": "En attente", "fait": 0, "total": 0, "pid": None}
    pid = etat.get("pid")
    if journal.statut == StatutImport.EN_COURS and pid and not _processus_vivant(pid):
        journal.statut = StatutImport.ECHEC
        journal.etape = "Interrompu : le serveur s'est arrêté pendant l'import"
        journal.save(update_fields=["statut", "etape"])
        _nettoyer(journal)
    total = etat.get("total") or 0
    etat["pourcentage"] = int(100 * etat.get("fait", 0) / total) if total else 0
    return etat


def _processus_vivant(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _nettoyer(journal: Import) -> None:
    for chemin in (
        Path(journal.fichier) if journal.fichier else None,
        _fichier_progression(journal.pk),
    ):
        if chemin is not None:
            chemin.unlink(missing_ok=True)


def executer(journal_id: int) -> None:
    """Run one deposited import to its end (in the current thread)."""
    journal = Import.objects.select_related("auteur").get(pk=journal_id)
    fichier_progression = _fichier_progression(journal_id)
    derniere = 0.0

    def progression(etape: str, fait: int, total: int) -> None:
        nonlocal derniere
        maintenant = time.monotonic()
        if maintenant - derniere < INTERVALLE_ECRITURE and fait < total:
            return
        derniere = maintenant
        temporaire = fichier_progression.with_suffix(".tmp")
        temporaire.write_text(
            json.dumps({"etape": etape, "fait": fait, "total": total, "pid": os.getpid()})
        )
        temporaire.replace(fichier_progression)

    try:
        journal.statut = StatutImport.EN_COURS
        journal.etape = "Lecture du fichier"
        journal.save(update_fields=["statut", "etape"])
        progression("Lecture du fichier", 0, 1)
        contenu = Path(journal.fichier).read_bytes()
        importer(
            journal.type,
            contenu,
            acting_user=journal.auteur,
            journal=journal,
            progression=progression,
        )
    except Exception:
        logger.exception("import %s interrompu", journal_id)
        Import.objects.filter(pk=journal_id).update(
            statut=StatutImport.ECHEC, etape="Interrompu par une erreur inattendue"
        )
    finally:
        _nettoyer(journal)


def lancer(journal: Import) -> None:
    """Start the import in the background (in line where settings say so: tests)."""
    taches.lancer(f"import-{journal.pk}", executer, journal.pk)
