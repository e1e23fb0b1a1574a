from django.conf import settings
from django.db import models

from parcours.dossiers.enums import ModeEntretien
from parcours.dossiers.models.accompagnements import Accompagnement
from parcours.dossiers.models.assures import Assure
from parcours.lib.historique import Historique
from parcours.lib.texte import LONGUEUR_NOTES
from parcours.organisation.models import LieuAccueil, Partenaire, Unite


class EntretienQuerySet(models.QuerySet):
    def realises(self) -> "EntretienQuerySet":
        return self.filter(annule=False)


class Entretien(models.Model):
    """One interview; without accompaniment, an « intervention ponctuelle »."""

    ref = models.CharField("référence", max_length=40, unique=True)
    assure = models.ForeignKey(
        Assure,
        on_delete=models.PROTECT,
        related_name="entretiens",
        verbose_name="assuré·e",
        db_index=False,  # served by the (assure, date) and (assure, unite) indexes
    )
    accompagnement = models.ForeignKey(
        Accompagnement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entretiens",
        verbose_name="accompagnement",
        db_index=False,  # served by the (accompagnement, date) index
    )
    date = models.DateField("date")
    mode = models.CharField("mode", max_length=20, choices=ModeEntretien.choices)
    lieu_accueil = models.ForeignKey(
        LieuAccueil,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entretiens",
        verbose_name="lieu d'accueil",
    )
    duree_minutes = models.PositiveSmallIntegerField("durée (minutes)", null=True, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="entretiens",
        verbose_name="agent",
    )
    second_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entretiens_en_binome",
        verbose_name="second agent (entretien en binôme)",
    )
    # A joint interview: the structure from the directory (counted), and who came for it.
    partenaire = models.ForeignKey(
        Partenaire,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entretiens",
        verbose_name="partenaire présent (entretien conjoint)",
    )
    partenaire_present = models.CharField(
        "personne présente pour le partenaire", max_length=200, blank=True
    )
    notes = models.TextField("notes d'entretien", blank=True, max_length=LONGUEUR_NOTES)
    annule = models.BooleanField("annulé", default=False)
    motif_annulation = models.CharField("motif de l'annulation", max_length=300, blank=True)
    # Optimistic locking of corrections (parcours.lib.verrou).
    version = models.PositiveIntegerField("version", default=0)
    # The scope of the figure (DESIGN §3): the accompaniment's unit, else the agent's.
    unite = models.ForeignKey(
        Unite,
        on_delete=models.PROTECT,
        related_name="entretiens",
        verbose_name="unité",
        db_index=False,  # served by the (unite, date) index
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    objects = EntretienQuerySet.as_manager()
    # Read dossier by dossier (`id`, `assure`): no other index in the history (bulk imports).
    history = Historique(
        no_db_index=[
            "accompagnement",
            "lieu_accueil",
            "agent",
            "second_agent",
            "partenaire",
            "unite",
        ]
    )

    class Meta:
        verbose_name = "entretien"
        verbose_name_plural = "entretiens"
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["accompagnement", "date"], name="entretien_accompagnement"),
            models.Index(fields=["assure", "date"], name="entretien_assure"),
            # Which unit holds a dossier (perms.assures_visible_to).
            models.Index(fields=["assure", "unite"], name="entretien_assure_unite"),
            # Covers the statistics' scans of a unit's year (parcours.statistiques.requetes).
            models.Index(
                fields=["unite", "date", "annule", "mode", "accompagnement"],
                name="entretien_unite",
            ),
            models.Index(fields=["date", "annule"], name="entretien_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mode__in=ModeEntretien.values), name="entretien_mode_valide"
            ),
        ]

    def __str__(self) -> str:
        return f"Entretien du {self.date:%d/%m/%Y}"
