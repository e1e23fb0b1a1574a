"""Appointments at the reception places (issue 14): what can be booked (motifs), when each
agent receives where (opening periods, recurring), when they cannot (absences), and the
appointments themselves.

No two appointments of one agent, nor more appointments than rooms in a place, ever overlap:
the database guarantees it — on PostgreSQL by exclusion constraints over time ranges
(btree_gist, migration 0002), on SQLite by the immediate transaction of the booking, which
checks again before it writes (parcours.rendezvous.reservation).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from parcours.dossiers.models import Assure
from parcours.lib.historique import Historique
from parcours.organisation.models import LieuAccueil
from parcours.rendezvous.enums import STATUTS_ANNULES, ModeRendezVous, StatutRendezVous


class Motif(models.Model):
    """What an appointment is for, how long it lasts, where, and who may book it."""

    code = models.CharField("code", max_length=30, unique=True)
    libelle = models.CharField("libellé", max_length=200)
    duree_minutes = models.PositiveSmallIntegerField(
        "durée (minutes)", validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    mode = models.CharField(
        "où", max_length=20, choices=ModeRendezVous.choices, default=ModeRendezVous.LIEU_ACCUEIL
    )
    reservable_par_agents = models.BooleanField("réservable par les agents", default=True)
    reservable_par_partenaires = models.BooleanField(
        "réservable par les partenaires", default=False
    )
    reservable_par_la_personne = models.BooleanField(
        "réservable par la personne (lien)", default=False
    )
    # A health-related motif is never named in an SMS nor an e-mail.
    nommable_dans_les_messages = models.BooleanField(
        "peut être nommé dans les messages", default=False
    )
    referent_seulement = models.BooleanField(
        "seulement avec le ou la référent·e de la personne", default=False
    )
    delai_min_heures = models.PositiveSmallIntegerField(
        "délai minimal de réservation (heures)", default=2
    )
    delai_max_jours = models.PositiveSmallIntegerField(
        "délai maximal de réservation (jours)",
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    actif = models.BooleanField("actif", default=True)

    history = Historique()

    class Meta:
        verbose_name = "motif de rendez-vous"
        verbose_name_plural = "motifs de rendez-vous"
        ordering = ["libelle"]

    def __str__(self) -> str:
        return self.libelle


class Plage(models.Model):
    """When an agent receives, where, for which motifs: a daily time span repeated by an RFC 5545
    rule (`FREQ=WEEKLY;BYDAY=TU,TH`, `FREQ=WEEKLY;INTERVAL=2;BYDAY=MO`…) from `date_debut` to
    `date_fin`, minus the dates of `exceptions`. Times are Paris local times: a Tuesday
    9:00–12:00 stays 9:00–12:00 across the change of hour."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="plages",
        verbose_name="agent",
    )
    lieu = models.ForeignKey(
        LieuAccueil,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="plages",
        verbose_name="lieu d'accueil",
        help_text="vide pour des rendez-vous par téléphone ou en visioconférence",
    )
    motifs = models.ManyToManyField(Motif, related_name="plages", verbose_name="motifs")
    debut = models.TimeField("de")
    fin = models.TimeField("à")
    regle = models.CharField(
        "récurrence (RFC 5545)", max_length=200, default="FREQ=WEEKLY;BYDAY=MO"
    )
    date_debut = models.DateField("à partir du")
    date_fin = models.DateField("jusqu'au", null=True, blank=True)
    exceptions = models.JSONField("dates exclues", default=list, blank=True)

    class Meta:
        verbose_name = "plage d'ouverture"
        verbose_name_plural = "plages d'ouverture"
        indexes = [models.Index(fields=["lieu", "date_debut"], name="plage_lieu")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fin__gt=models.F("debut")), name="plage_fin_apres_debut"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agent} — {self.lieu or 'à distance'} — {self.debut:%H:%M}-{self.fin:%H:%M}"


class Absence(models.Model):
    """When an agent does not receive (leave, training…), possibly recurring."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="absences",
        verbose_name="agent",
    )
    debut = models.DateTimeField("du")
    fin = models.DateTimeField("au")
    regle = models.CharField("récurrence (RFC 5545)", max_length=200, blank=True)
    jusqu_au = models.DateField("répétée jusqu'au", null=True, blank=True)
    libelle = models.CharField("motif", max_length=200, blank=True)

    class Meta:
        verbose_name = "absence"
        verbose_name_plural = "absences"
        indexes = [models.Index(fields=["agent", "debut"], name="absence_agent")]

    def __str__(self) -> str:
        return f"{self.agent} — absence du {self.debut:%d/%m/%Y}"


class RendezVousQuerySet(models.QuerySet):
    def actifs(self) -> "RendezVousQuerySet":
        return self.exclude(statut__in=STATUTS_ANNULES)


class RendezVous(models.Model):
    uid = models.UUIDField(
        "identifiant (calendriers)", default=uuid.uuid4, unique=True, editable=False
    )
    assure = models.ForeignKey(
        Assure, on_delete=models.PROTECT, related_name="rendez_vous", verbose_name="personne"
    )
    motif = models.ForeignKey(
        Motif, on_delete=models.PROTECT, related_name="rendez_vous", verbose_name="motif"
    )
    lieu = models.ForeignKey(
        LieuAccueil,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rendez_vous",
        verbose_name="lieu d'accueil",
    )
    # The room it takes in the place (1 … its number of rooms); none away from a place.
    salle = models.PositiveSmallIntegerField("salle", null=True, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="rendez_vous",
        verbose_name="agent",
    )
    debut = models.DateTimeField("début")
    fin = models.DateTimeField("fin")
    statut = models.CharField(
        "statut", max_length=20, choices=StatutRendezVous.choices, default=StatutRendezVous.PREVU
    )
    demande_le = models.DateTimeField("demandé le", auto_now_add=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="pris par",
    )
    version = models.PositiveIntegerField("version", default=0)
    rappel_le = models.DateTimeField("rappel envoyé le", null=True, blank=True)
    # « Vu »: the interview it became (recorded in one click, parcours.rendezvous.actions).
    entretien = models.OneToOneField(
        "dossiers.Entretien",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rendez_vous",
        verbose_name="entretien",
    )

    objects = RendezVousQuerySet.as_manager()
    history = Historique(no_db_index=["motif", "lieu", "agent", "cree_par", "entretien"])

    class Meta:
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        ordering = ["debut"]
        indexes = [
            models.Index(fields=["agent", "debut"], name="rdv_agent"),
            models.Index(fields=["lieu", "debut"], name="rdv_lieu"),
            models.Index(fields=["assure", "debut"], name="rdv_assure"),
            models.Index(fields=["statut", "debut"], name="rdv_a_rappeler"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fin__gt=models.F("debut")), name="rdv_fin_apres_debut"
            )
        ]

    def __str__(self) -> str:
        return f"Rendez-vous du {self.debut:%d/%m/%Y %H:%M}"


class Participation(models.Model):
    """Each agent an appointment holds (the main one, and those of a joint appointment): the row
    the database checks so that no agent is in two places at once. Emptied when the appointment
    is cancelled."""

    rendez_vous = models.ForeignKey(
        RendezVous, on_delete=models.CASCADE, related_name="participations"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="participations_rdv"
    )
    debut = models.DateTimeField("début")
    fin = models.DateTimeField("fin")

    class Meta:
        verbose_name = "agent d'un rendez-vous"
        verbose_name_plural = "agents des rendez-vous"
        indexes = [models.Index(fields=["agent", "debut"], name="participation_agent")]
        constraints = [
            models.UniqueConstraint(fields=["rendez_vous", "agent"], name="participation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agent} — {self.debut:%d/%m/%Y %H:%M}"
