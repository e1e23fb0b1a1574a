from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, Max, OuterRef, Q
from django.db.models.functions import Coalesce

from parcours.dossiers.enums import IssueAccompagnement
from parcours.dossiers.models.assures import Assure
from parcours.dossiers.models.referentiels import Mission
from parcours.lib.historique import Historique
from parcours.lib.texte import LONGUEUR_TEXTE
from parcours.organisation.models import Unite

# The change history is read dossier by dossier (`id`, `assure`): other keys need no index there,
# and each one would slow down the bulk history rows of big imports.
INDEX_HISTORIQUE_INUTILES = ["mission", "referent", "unite"]

# An accompaniment in progress whose last contact is older than this (in days) is flagged: on the
# caseload, line by line, and on the home page's count.
DELAI_SANS_CONTACT = 45


def _sans_contact(aujourd_hui: date) -> Q:
    """In progress, and no contact for more than DELAI_SANS_CONTACT days (needs avec_suivi)."""
    return Q(
        date_fin__isnull=True,
        dernier_contact__lt=aujourd_hui - timedelta(days=DELAI_SANS_CONTACT),
    )


class AccompagnementQuerySet(models.QuerySet):
    def en_cours(self) -> "AccompagnementQuerySet":
        return self.filter(date_fin__isnull=True)

    def clos(self) -> "AccompagnementQuerySet":
        return self.filter(date_fin__isnull=False)

    def de_l_agent(self, agent) -> "AccompagnementQuerySet":
        """Those an agent follows: as referent, or shared with them."""
        partages = Accompagnement.partage_avec.through.objects.filter(
            accompagnement_id=OuterRef("pk"), agent_id=agent.pk
        )
        return self.filter(Q(referent=agent) | Exists(partages))

    def avec_suivi(self, aujourd_hui: date) -> "AccompagnementQuerySet":
        """Annotate the last contact (last interview held, else the opening) and the number of
        overdue actions (none once closed: a closed plan is late no more), in the same query."""
        return self.annotate(
            dernier_entretien=Max("entretiens__date", filter=Q(entretiens__annule=False)),
            dernier_contact=Coalesce("dernier_entretien", "date_debut"),
            actions_en_retard=Count(
                "actions",
                filter=Q(
                    date_fin__isnull=True, actions__faite=False, actions__echeance__lt=aujourd_hui
                ),
                distinct=True,
            ),
        )

    def sans_contact_depuis(self, jours: int, aujourd_hui: date) -> "AccompagnementQuerySet":
        return self.filter(dernier_contact__lt=aujourd_hui - timedelta(days=jours))

    def sans_contact(self, aujourd_hui: date) -> "AccompagnementQuerySet":
        """Those that raise the « no contact » alert: in progress, last contact more than
        DELAI_SANS_CONTACT days ago. After avec_suivi."""
        return self.filter(_sans_contact(aujourd_hui))

    def avec_alerte_contact(self, aujourd_hui: date) -> "AccompagnementQuerySet":
        """Annotate `alerte_contact`, true on the rows `sans_contact` keeps. After avec_suivi."""
        return self.annotate(
            alerte_contact=ExpressionWrapper(
                _sans_contact(aujourd_hui), output_field=BooleanField()
            )
        )


class Accompagnement(models.Model):
    """One support episode for one person on one mission, with a referent social worker."""

    ref = models.CharField("référence", max_length=40, unique=True)
    assure = models.ForeignKey(
        Assure,
        on_delete=models.PROTECT,
        related_name="accompagnements",
        verbose_name="assuré·e",
        db_index=False,  # served by the (assure, date_debut) and (assure, unite) indexes
    )
    mission = models.ForeignKey(
        Mission, on_delete=models.PROTECT, related_name="accompagnements", verbose_name="mission"
    )
    date_debut = models.DateField("date d'ouverture")
    date_fin = models.DateField("date de clôture", null=True, blank=True)
    issue = models.CharField(
        "issue", max_length=30, choices=IssueAccompagnement.choices, blank=True
    )
    issue_precision = models.CharField("issue : précisez", max_length=200, blank=True)
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="accompagnements",
        verbose_name="référent·e",
    )
    unite = models.ForeignKey(
        Unite,
        on_delete=models.PROTECT,
        related_name="accompagnements",
        verbose_name="unité",
        db_index=False,  # served by the (unite, date_fin) index
    )
    partage_avec = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="accompagnements_partages",
        verbose_name="partagé avec",
    )
    version = models.PositiveIntegerField("version", default=1)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    objects = AccompagnementQuerySet.as_manager()
    history = Historique(
        excluded_fields=["modifie_le"], m2m_fields=[], no_db_index=INDEX_HISTORIQUE_INUTILES
    )

    class Meta:
        verbose_name = "accompagnement"
        verbose_name_plural = "accompagnements"
        ordering = ["-date_debut", "-id"]
        indexes = [
            # Covers the statistics' scans of a unit's year (parcours.statistiques.requetes).
            models.Index(
                fields=["unite", "date_fin", "date_debut", "mission", "issue", "assure"],
                name="accompagnement_unite",
            ),
            models.Index(fields=["referent", "date_fin"], name="accompagnement_referent"),
            models.Index(fields=["assure", "date_debut"], name="accompagnement_assure"),
            # Which unit holds a dossier (perms.assures_visible_to).
            models.Index(fields=["assure", "unite"], name="accompagnement_assure_unite"),
            models.Index(fields=["date_debut", "date_fin"], name="accompagnement_periode"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=F("date_debut")),
                name="accompagnement_dates_ordonnees",
            ),
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True, issue="")
                | (Q(date_fin__isnull=False) & ~Q(issue="")),
                name="accompagnement_cloture_avec_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mission} ({self.ref})"

    @property
    def est_clos(self) -> bool:
        return self.date_fin is not None


class Objectif(models.Model):
    """An objective of the action plan agreed with the person."""

    accompagnement = models.ForeignKey(
        Accompagnement,
        on_delete=models.CASCADE,
        related_name="objectifs",
        verbose_name="accompagnement",
    )
    libelle = models.CharField("objectif", max_length=300)
    atteint = models.BooleanField("atteint", default=False)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    history = Historique(no_db_index=["accompagnement"])

    class Meta:
        verbose_name = "objectif"
        verbose_name_plural = "objectifs"
        ordering = ["cree_le", "id"]

    def __str__(self) -> str:
        return self.libelle


class Action(models.Model):
    """An action of the plan: who does what (a partner, perhaps), by when."""

    accompagnement = models.ForeignKey(
        Accompagnement,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name="accompagnement",
    )
    objectif = models.ForeignKey(
        Objectif,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="objectif",
    )
    libelle = models.CharField("action", max_length=300)
    partenaire = models.CharField("partenaire impliqué", max_length=200, blank=True)
    echeance = models.DateField("échéance", null=True, blank=True)
    faite = models.BooleanField("faite", default=False)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    history = Historique(no_db_index=["objectif"])

    class Meta:
        verbose_name = "action"
        verbose_name_plural = "actions"
        ordering = ["faite", "echeance", "id"]
        indexes = [
            models.Index(fields=["accompagnement", "faite", "echeance"], name="action_echeance"),
        ]

    def __str__(self) -> str:
        return self.libelle


class Orientation(models.Model):
    """An outgoing referral to a partner, with the answer received."""

    assure = models.ForeignKey(
        Assure, on_delete=models.PROTECT, related_name="orientations", verbose_name="assuré·e"
    )
    accompagnement = models.ForeignKey(
        Accompagnement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="orientations",
        verbose_name="accompagnement",
    )
    date = models.DateField("date")
    partenaire = models.CharField("partenaire", max_length=200)
    motif = models.TextField("motif", max_length=LONGUEUR_TEXTE)
    reponse = models.TextField("réponse reçue", blank=True, max_length=LONGUEUR_TEXTE)
    date_reponse = models.DateField("date de la réponse", null=True, blank=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="auteur",
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    history = Historique(no_db_index=["accompagnement", "auteur"])

    class Meta:
        verbose_name = "orientation"
        verbose_name_plural = "orientations"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["assure", "date"], name="orientation_assure")]

    def __str__(self) -> str:
        return f"Orientation vers {self.partenaire}"
