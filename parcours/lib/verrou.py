"""Optimistic locking of a record edited in a form.

A form carries the `version` of the record it was opened on; the save locks the current row
(`SELECT … FOR UPDATE`, in the caller's transaction) and refuses to write if the version moved on
meanwhile (`ConflitDeVersion`), so two people editing one record never overwrite each other. The
caller bumps `version` when it saves.

Pure helper: any model with an integer `version` field; no app of the project is imported.
"""

from django.db.models import Model
from django.utils import timezone


class ConflitDeVersion(Exception):
    """The record changed since the form was opened; nothing was written. `objet` is the current
    row (locked), so the caller can show who changed it, when, and the current version."""

    def __init__(self, objet: Model):
        self.objet = objet
        derniere = objet.history.first() if hasattr(objet, "history") else None
        auteur = getattr(derniere, "history_user", None) if derniere else None
        quand = timezone.localtime(derniere.history_date) if derniere else None
        qui = f"par {auteur.get_full_name()}" if auteur else "par quelqu'un d'autre"
        moment = f" à {quand:%H:%M}" if quand else ""
        super().__init__(
            f"Cette fiche a été modifiée {qui}{moment} pendant que vous la modifiiez : votre "
            "saisie n'a pas été enregistrée. Elle est conservée ci-dessous ; vérifiez la version "
            "actuelle puis enregistrez à nouveau."
        )


def verrouiller(modele: type[Model], pk: int, version: int | None) -> Model:
    """The current row, locked for the caller's transaction; ConflitDeVersion if its version is
    not `version` any more (None: no check, the lock only)."""
    objet = modele.objects.select_for_update().get(pk=pk)
    if version is not None and objet.version != version:
        raise ConflitDeVersion(objet)
    return objet
