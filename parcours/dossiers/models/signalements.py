from django.conf import settings
from django.db import models
from django.db.models import Q

from parcours.dossiers.enums import SourceSignalement, StatutSignalement
from parcours.dossiers.models.assures import Assure
from parcours.dossiers.models.referentiels import Mission
from parcours.lib.historique import Historique
from parcours.lib.texte import LONGUEUR_TEXTE
from parcours.organisation.enums import Role
from parcours.organisation.models import Partenaire, Unite


class SignalementQuerySet(models.QuerySet):
    def a_traiter(self) -> "SignalementQuerySet":
        return self.filter(statut=StatutSignalement.A_TRAITER)

    def file_de(self, agent) -> "SignalementQuerySet":
        """What a member of a unit has to deal with: the unit's signalements; for a social worker,
        those routed to them or to nobody yet. The home page counts it, the list shows it."""
        file = self.filter(unite_id=agent.unite_id)
        if agent.role == Role.ASS:
            file = file.filter(Q(agent=agent) | Q(agent__isnull=True))
        return file


class Signalement(models.Model):
    """An incoming request or referral, routed to the unit (and agent) covering the person."""

    ref = models.CharField("référence", max_length=40, unique=True)
    assure = models.ForeignKey(
        Assure,
        on_delete=models.PROTECT,
        related_name="signalements",
        verbose_name="assuré·e",
        db_index=False,  # served by the (assure, date) and (assure, unite) indexes
    )
    date = models.DateField("date de réception")
    source = models.CharField("source", max_length=30, choices=SourceSignalement.choices)
    source_precision = models.CharField("source : précisez", max_length=200, blank=True)
    motif = models.TextField("motif", max_length=LONGUEUR_TEXTE)
    mission = models.ForeignKey(
        Mission,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="mission suggérée",
    )
    commentaire = models.TextField("commentaire", blank=True, max_length=LONGUEUR_TEXTE)
    # The identity as the sender typed it. The sender is shown this, never the stored identity
    # of the NIR (which would tell them who the service knows); where the two differ, the
    # receiving unit checks (DESIGN §1).
    identite_declaree = models.JSONField("identité saisie par l'émetteur", default=dict, blank=True)
    identite_a_verifier = models.BooleanField("identité à vérifier", default=False)
    emetteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signalements_emis",
        verbose_name="enregistré par",
    )
    # The partner structure that sent it (a partner account's own), so it can be counted.
    partenaire = models.ForeignKey(
        Partenaire,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signalements",
        verbose_name="structure partenaire émettrice",
    )
    unite = models.ForeignKey(
        Unite,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signalements",
        verbose_name="unité destinataire",
        db_index=False,  # served by the (unite, statut, date) index
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signalements_recus",
        verbose_name="assistant·e destinataire",
    )
    statut = models.CharField(
        "statut",
        max_length=30,
        choices=StatutSignalement.choices,
        default=StatutSignalement.A_TRAITER,
    )
    motif_decision = models.TextField("motif de la décision", blank=True, max_length=LONGUEUR_TEXTE)
    decide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="décision prise par",
    )
    decide_le = models.DateTimeField("décision prise le", null=True, blank=True)
    accompagnement = models.ForeignKey(
        "dossiers.Accompagnement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signalements",
        verbose_name="accompagnement ouvert",
    )
    entretien = models.ForeignKey(
        "dossiers.Entretien",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="intervention ponctuelle",
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    objects = SignalementQuerySet.as_manager()
    # Read dossier by dossier (`id`, `assure`): no other index in the history (bulk imports).
    history = Historique(
        no_db_index=[
            "mission",
            "emetteur",
            "partenaire",
            "unite",
            "agent",
            "decide_par",
            "accompagnement",
            "entretien",
        ]
    )

    class Meta:
        verbose_name = "signalement"
        verbose_name_plural = "signalements"
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["unite", "statut", "date"], name="signalement_file"),
            models.Index(fields=["agent", "statut"], name="signalement_agent"),
            models.Index(fields=["emetteur", "date"], name="signalement_emetteur"),
            models.Index(fields=["assure", "date"], name="signalement_assure"),
            # Which unit holds a dossier (perms.assures_visible_to).
            models.Index(fields=["assure", "unite"], name="signalement_assure_unite"),
        ]

    def __str__(self) -> str:
        return f"Signalement {self.ref}"
