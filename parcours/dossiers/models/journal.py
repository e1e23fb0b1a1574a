from django.conf import settings
from django.db import models

from parcours.dossiers.enums import PartieDossier
from parcours.dossiers.models.assures import Assure
from parcours.securite import AjoutSeul, JournalNonModifiable

# The access log is append-only (kept for the callers that name its error).
JournalAccesError = JournalNonModifiable


class JournalAcces(AjoutSeul):
    """Every read of a dossier: who, when, which dossier, which part. Append-only."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="agent",
    )
    date = models.DateTimeField("date", auto_now_add=True, db_index=True)
    assure = models.ForeignKey(
        Assure, on_delete=models.PROTECT, related_name="+", verbose_name="dossier de"
    )
    partie = models.CharField("partie consultée", max_length=20, choices=PartieDossier.choices)
    # The reader's unit at the time of the read: the manager of that unit reviews its log.
    unite = models.ForeignKey(
        "organisation.Unite",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="unité de l'agent",
    )

    class Meta:
        verbose_name = "consultation de dossier"
        verbose_name_plural = "journal des consultations"
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["assure", "date"], name="journal_assure"),
            models.Index(fields=["unite", "date"], name="journal_unite"),
        ]

    def __str__(self) -> str:
        return f"{self.agent} — {self.get_partie_display()} — {self.date:%d/%m/%Y %H:%M}"
