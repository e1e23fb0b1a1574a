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

from parcours.dossiers.models import Assure, Signalement
from parcours.lib.historique import Historique
from parcours.organisation.models import ContactPartenaire, LieuAccueil, Organisme
from parcours.rendezvous.enums import (
    STATUTS_ANNULES,
    ModeRendezVous,
    OrigineRendezVous,
    StatutAttente,
    StatutRendezVous,
)


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
    # The key of the rows of plages.csv (agent, place, day, hours, first date): importing the
    # same file twice changes nothing. Empty for the openings typed on screen.
    code = models.CharField("clé d'import", max_length=150, null=True, blank=True, unique=True)

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
    origine = models.CharField(
        "pris", max_length=20, choices=OrigineRendezVous.choices, default=OrigineRendezVous.AGENT
    )
    # Booked while handling a signalement (the delay from the request is counted from it).
    signalement = models.ForeignKey(
        Signalement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rendez_vous",
        verbose_name="signalement",
    )
    # A partner person present (a joint appointment with a partner, from the directory).
    contact_partenaire = models.ForeignKey(
        ContactPartenaire,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rendez_vous",
        verbose_name="partenaire présent",
    )
    # The drive time from the person's commune to the place, estimated at booking (DESIGN §4):
    # the statistics count the persons offered a slot within 15 and 30 minutes.
    minutes_trajet = models.PositiveSmallIntegerField(
        "trajet estimé (minutes)", null=True, blank=True
    )
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
    history = Historique(
        no_db_index=[
            "motif",
            "lieu",
            "agent",
            "cree_par",
            "entretien",
            "signalement",
            "contact_partenaire",
        ]
    )

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


class LienReservation(models.Model):
    """A self-booking link sent to one person (no account): the URL holds a signed random token,
    never a personal datum; the database keeps only its hash. It expires, it books once, and
    the appointment it booked can be cancelled through it."""

    jeton_hash = models.CharField("empreinte du jeton", max_length=64, unique=True)
    assure = models.ForeignKey(
        Assure, on_delete=models.CASCADE, related_name="liens_reservation", verbose_name="personne"
    )
    organisme = models.ForeignKey(
        Organisme, on_delete=models.CASCADE, related_name="+", verbose_name="organisme"
    )
    motifs = models.ManyToManyField(Motif, related_name="+", verbose_name="motifs proposés")
    # Empty: every active place of the organisme.
    lieux = models.ManyToManyField(
        LieuAccueil, related_name="+", blank=True, verbose_name="lieux proposés"
    )
    expire_le = models.DateTimeField("expire le")
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créé par",
    )
    # Who sent it: « agent », or a campaign's reference (the outreach campaigns send links).
    origine = models.CharField("origine", max_length=80, default="agent")
    rendez_vous = models.ForeignKey(
        RendezVous,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="rendez-vous pris",
    )
    revoque_le = models.DateTimeField("retiré le", null=True, blank=True)

    class Meta:
        verbose_name = "lien de prise de rendez-vous"
        verbose_name_plural = "liens de prise de rendez-vous"
        indexes = [models.Index(fields=["assure", "cree_le"], name="lien_assure")]

    def __str__(self) -> str:
        return f"Lien du {self.cree_le:%d/%m/%Y}"


class DemandeAttente(models.Model):
    """A person asking for an earlier slot than the one they hold (or any slot, when none was
    free): when one frees up, the first persons waiting get it proposed; the first to accept
    wins it."""

    assure = models.ForeignKey(
        Assure, on_delete=models.CASCADE, related_name="demandes_attente", verbose_name="personne"
    )
    motif = models.ForeignKey(
        Motif, on_delete=models.PROTECT, related_name="demandes_attente", verbose_name="motif"
    )
    lieux = models.ManyToManyField(LieuAccueil, related_name="+", verbose_name="lieux acceptés")
    # The appointment held now, to be replaced by the earlier one; none if nothing was free.
    rendez_vous = models.ForeignKey(
        RendezVous,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demandes_attente",
        verbose_name="rendez-vous actuel",
    )
    statut = models.CharField(
        "statut", max_length=20, choices=StatutAttente.choices, default=StatutAttente.EN_ATTENTE
    )
    cree_le = models.DateTimeField("demandée le", auto_now_add=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enregistrée par",
    )

    class Meta:
        verbose_name = "demande de créneau plus tôt"
        verbose_name_plural = "liste d'attente"
        ordering = ["cree_le", "pk"]
        indexes = [models.Index(fields=["motif", "statut", "cree_le"], name="attente_motif")]

    def __str__(self) -> str:
        return f"Demande du {self.cree_le:%d/%m/%Y}"


class PropositionAttente(models.Model):
    """A freed slot proposed to a person waiting, through a link (signed token, hash kept)."""

    demande = models.ForeignKey(
        DemandeAttente, on_delete=models.CASCADE, related_name="propositions"
    )
    jeton_hash = models.CharField("empreinte du jeton", max_length=64, unique=True)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lieu = models.ForeignKey(LieuAccueil, on_delete=models.CASCADE, related_name="+")
    debut = models.DateTimeField("début")
    cree_le = models.DateTimeField("proposé le", auto_now_add=True)
    expire_le = models.DateTimeField("expire le")
    rendez_vous = models.ForeignKey(
        RendezVous, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "créneau proposé"
        verbose_name_plural = "créneaux proposés"
        indexes = [models.Index(fields=["lieu", "debut"], name="proposition_creneau")]

    def __str__(self) -> str:
        return f"Proposition du {self.debut:%d/%m/%Y %H:%M}"


class Compteur(models.Model):
    """Requests per client and minute on the public pages (rate limit shared by every web
    process); the client is a hash, never an address."""

    cle = models.CharField(max_length=80)
    minute = models.DateTimeField()
    nombre = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "compteur d'accès public"
        verbose_name_plural = "compteurs d'accès public"
        constraints = [models.UniqueConstraint(fields=["cle", "minute"], name="compteur_unique")]

    def __str__(self) -> str:
        return f"{self.nombre} à {self.minute:%H:%M}"
