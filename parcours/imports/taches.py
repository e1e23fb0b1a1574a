"""Imports run in the background, with progress any web worker can read.

An upload queues a task (parcours.travaux); a worker process (`manage.py travailleur`) runs it.
Progress goes to a small file beside the uploaded one, so that following it never writes to the
database; any web process reads it. If the worker dies mid-way, its page shows it interrupted at
once (reading writes nothing); another worker's watch — or the restarted worker — undoes what it
had written, deletes its files and marks it so (the import `Genre` registered below).

The uploaded file holds personal data: it is written readable by its owner only, and deleted as
soon as the import ends.
"""

import json
import logging
import os
import time
from datetime import time as heure
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django_tasks import task

from parcours.imports.engine import dossier_imports, importer, reprendre_import
from parcours.imports.enums import StatutImport
from parcours.imports.models import Import
from parcours.travaux.execution import execution
from parcours.travaux.execution import lancer as lancer_tache
from parcours.travaux.genres import Genre, enregistrer
from parcours.travaux.planification import planifier

logger = logging.getLogger(__name__)
INTERVALLE_ECRITURE = 0.3  # seconds between two writes of the progress file


def _fichier_progression(journal_id: int) -> Path:
    return dossier_imports() / f"{journal_id}.progression.json"


def deposer(journal: Import, fichier: UploadedFile) -> None:
    """Copy the upload beside the others, chunk by chunk (never whole in memory)."""
    chemin = dossier_imports() / f"{journal.pk}.csv"
    descripteur = os.open(chemin, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(descripteur, "wb") as sortie:
        for morceau in fichier.chunks():
            sortie.write(morceau)
    journal.fichier = str(chemin)
    journal.save(update_fields=["fichier"])


def lire_progression(journal: Import) -> dict:
    """{"etape", "fait", "total", "pourcentage"} for an import under way."""
    if journal.termine:
        _nettoyer(journal)
        return {"etape": journal.etape, "fait": 1, "total": 1, "pourcentage": 100}
    try:
        etat = json.loads(_fichier_progression(journal.pk).read_text())
    except (OSError, ValueError):
        etat = {"etape": "En attente", "fait": 0, "total": 0}
    total = etat.get("total") or 0
    etat["pourcentage"] = min(100, int(100 * etat.get("fait", 0) / total)) if total else 0
    etat["detail"] = f"{etat.get('fait', 0)} / {total} lignes" if total else ""
    etat["en_attente"] = journal.statut == StatutImport.EN_ATTENTE
    return etat


def _nettoyer(journal: Import) -> None:
    for chemin in (
        Path(journal.fichier) if journal.fichier else None,
        _fichier_progression(journal.pk),
    ):
        if chemin is not None:
            chemin.unlink(missing_ok=True)


@task()
def executer(journal_id: int) -> None:
    """Run one deposited import to its end (the task)."""
    with execution(Import, journal_id):
        journal = Import.objects.select_related("auteur").get(pk=journal_id)
        _executer(journal)


def _executer(journal: Import) -> None:
    journal_id = journal.pk
    fichier_progression = _fichier_progression(journal_id)
    derniere = 0.0

    def progression(etape: str, fait: int, total: int) -> None:
        nonlocal derniere
        maintenant = time.monotonic()
        if maintenant - derniere < INTERVALLE_ECRITURE and fait < total:
            return
        derniere = maintenant
        temporaire = fichier_progression.with_suffix(".tmp")
        temporaire.write_text(json.dumps({"etape": etape, "fait": fait, "total": total}))
        temporaire.replace(fichier_progression)

    try:
        importer(
            journal.type,
            Path(journal.fichier),
            acting_user=journal.auteur,
            restreint=journal.restreint,
            journal=journal,
            progression=progression,
        )
    except Exception as erreur:
        # The class only: the exception's text may quote a value of the file.
        logger.error("import %s interrompu : %s", journal_id, type(erreur).__name__)
        Import.objects.filter(pk=journal_id).update(
            statut=StatutImport.ECHEC,
            etape="Interrompu par une erreur inattendue : rien n'a été enregistré",
            pid=None,
        )
    finally:
        _nettoyer(journal)


def lancer(journal: Import) -> None:
    """Queue the import (run at once where settings say so: tests)."""
    lancer_tache(journal, executer)


def abandonner(journal: Import, message: str) -> None:
    """An import whose worker died: undone, failed, its files deleted."""
    reprendre_import(journal, message)
    _nettoyer(journal)


@task()
def nettoyer_fichiers() -> int:
    """Delete what is left in the imports' folder of imports that are over (or unknown): an
    uploaded file holds personal data and never outlives its import. A staging file an import
    still names (an undo that could not be done, for the operator) is kept. Returns how many
    files were deleted. The schedule runs it each night; the jobs delete their own files, this
    catches what a crash of the whole machine left."""
    fichiers = [f for f in dossier_imports().iterdir() if f.is_file()]
    numeros = {int(f.name.split(".", 1)[0]) for f in fichiers if f.name.split(".", 1)[0].isdigit()}
    en_cours = set(
        Import.objects.filter(
            pk__in=numeros, statut__in=(StatutImport.EN_ATTENTE, StatutImport.EN_COURS)
        ).values_list("pk", flat=True)
    )
    gardes = {
        Path(chemin).name
        for chemin in Import.objects.exclude(fichier_attente="").values_list(
            "fichier_attente", flat=True
        )
    }
    supprimes = 0
    for fichier in fichiers:
        numero = fichier.name.split(".", 1)[0]
        if numero.isdigit() and int(numero) in en_cours:
            continue
        if fichier.name in gardes or fichier.name.split("-", 1)[0] in gardes:
            continue
        fichier.unlink(missing_ok=True)
        supprimes += 1
    if supprimes:
        logger.info("nettoyage des imports : %s fichier(s) supprimé(s)", supprimes)
    return supprimes


planifier("nettoyage des fichiers d'import", nettoyer_fichiers, chaque_jour_a=heure(3, 30))

GENRE = enregistrer(
    Genre(
        modele=Import,
        tache=executer,
        en_cours=Q(statut__in=(StatutImport.EN_ATTENTE, StatutImport.EN_COURS)),
        abandonner=abandonner,
    )
)
