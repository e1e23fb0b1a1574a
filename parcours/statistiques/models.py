"""The annual report: its texts, edited in the product, and every generated edition, kept with
the date, the figures it was computed on, and its HTML and PDF."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from parcours.lib.texte import LONGUEUR_PAGE, LONGUEUR_TEXTE
from parcours.organisation.models import Organisme
from parcours.territoire.models import Departement
from parcours.travaux.models import Travail


class TexteRapport(models.Model):
    """The editorial parts of one organisme's report for one year."""

    organisme = models.ForeignKey(
        Organisme, on_delete=models.CASCADE, related_name="+", verbose_name="organisme"
    )
    annee = models.PositiveSmallIntegerField("année")
    edito = models.TextField("éditorial", blank=True, max_length=LONGUEUR_PAGE)
    contact = models.TextField(
        "page contact",
        blank=True,
        max_length=LONGUEUR_TEXTE,
        help_text="coordonnées du service : numéro, adresses, horaires",
    )
    modifie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="modifié par",
    )
    modifie_le = models.DateTimeField("modifié le", auto_now=True)
    version = models.PositiveIntegerField("version", default=1)

    class Meta:
        verbose_name = "texte du rapport annuel"
        verbose_name_plural = "textes du rapport annuel"
        constraints = [
            models.UniqueConstraint(fields=["organisme", "annee"], name="texte_rapport_unique")
        ]

    def __str__(self) -> str:
        return f"Textes du rapport {self.annee} — {self.organisme}"


class ZoomAction(models.Model):
    """« Zoom sur une action »: the story of one département's year."""

    texte = models.ForeignKey(
        TexteRapport, on_delete=models.CASCADE, related_name="zooms", verbose_name="textes"
    )
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="+", verbose_name="département"
    )
    titre = models.CharField("titre", max_length=200, blank=True)
    recit = models.TextField("texte", blank=True, max_length=2500)

    class Meta:
        verbose_name = "zoom sur une action"
        verbose_name_plural = "zooms sur une action"
        constraints = [models.UniqueConstraint(fields=["texte", "departement"], name="zoom_unique")]

    def __str__(self) -> str:
        return self.titre or f"Zoom — {self.departement}"


class StatutRapport(models.TextChoices):
    EN_ATTENTE = "EN_ATTENTE", "en attente"
    EN_COURS = "EN_COURS", "en cours"
    PRET = "PRET", "prêt"
    ECHEC = "ECHEC", "échec"


# An edition not finished this long after it was asked was interrupted: the process producing it
# has gone (restart, crash).
DUREE_MAXIMALE = timedelta(minutes=30)
ETAPE_INTERROMPUE = "Interrompu : le serveur s'est arrêté pendant la production"
STATUTS_TERMINES = (StatutRapport.PRET, StatutRapport.ECHEC)


class RapportAnnuelQuerySet(models.QuerySet):
    def interrompues(self) -> "RapportAnnuelQuerySet":
        """Editions still waiting or in production long after they were asked (the rows
        `RapportAnnuel.interrompu` tells)."""
        return self.exclude(statut__in=STATUTS_TERMINES).filter(
            demande_le__lt=timezone.now() - DUREE_MAXIMALE
        )


class RapportAnnuel(Travail):
    """One generated edition of the annual report."""

    organisme = models.ForeignKey(
        Organisme, on_delete=models.PROTECT, related_name="+", verbose_name="organisme"
    )
    annee = models.PositiveSmallIntegerField("année")
    statut = models.CharField(
        "statut", max_length=12, choices=StatutRapport.choices, default=StatutRapport.EN_ATTENTE
    )
    etape = models.CharField("étape", max_length=100, blank=True)
    progression = models.PositiveSmallIntegerField("progression (%)", default=0)
    demande_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="demandé par",
    )
    demande_le = models.DateTimeField("demandé le", auto_now_add=True)
    termine_le = models.DateTimeField("terminé le", null=True, blank=True)
    role_vue = models.CharField("vue", max_length=12, help_text="rôle dont le secret s'applique")
    donnees = models.JSONField(
        "données calculées",
        default=dict,
        blank=True,
        help_text="les tableaux et le JSON du rapport, tels que calculés",
    )
    base_calcul = models.JSONField(
        "base du calcul",
        default=dict,
        blank=True,
        help_text="volumes de la base au moment du calcul",
    )
    html = models.TextField("HTML", blank=True)
    pdf = models.BinaryField("PDF", blank=True, default=b"")

    objects = RapportAnnuelQuerySet.as_manager()

    class Meta:
        verbose_name = "rapport annuel"
        verbose_name_plural = "rapports annuels"
        ordering = ["-demande_le", "-id"]
        indexes = [models.Index(fields=["organisme", "annee"], name="rapport_organisme_annee")]

    def __str__(self) -> str:
        return f"Rapport d'activité {self.annee} — {self.organisme}"

    @property
    def en_attente(self) -> bool:
        return self.statut == StatutRapport.EN_ATTENTE

    @property
    def interrompu(self) -> bool:
        """Not finished long after it was asked: it failed, though the row does not say so yet
        (reading never writes; `statistiques.actions.clore_editions_interrompues` records it)."""
        return (
            self.statut not in STATUTS_TERMINES
            and self.demande_le is not None
            and timezone.now() - self.demande_le > DUREE_MAXIMALE
        )

    @property
    def termine(self) -> bool:
        """Ready or failed, an interrupted edition included: nothing more will come of it."""
        return self.statut in STATUTS_TERMINES or self.interrompu

    @property
    def statut_affiche(self) -> str:
        """The status to show: « échec » for an interrupted edition."""
        return StatutRapport.ECHEC.label if self.interrompu else self.get_statut_display()

    @property
    def etape_affichee(self) -> str:
        """The step to show: why it stopped, for an interrupted edition."""
        return ETAPE_INTERROMPUE if self.interrompu else self.etape
