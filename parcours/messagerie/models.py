"""What the product keeps of the messages it sends: a receipt per message (`Envoi`), and the
persons who refused messages (`Opposition`).

A receipt keeps the channel, the template, the recipient (an agent, or a person of the dossiers
by id: this layer sits below them), the status and its dates, the provider's id and the number
of SMS parts. The address and the values the message is made of are kept only while it waits to
leave: they are emptied as soon as it is sent or given up — no message body is stored.
"""

from django.conf import settings
from django.db import models


class Canal(models.TextChoices):
    COURRIEL = "COURRIEL", "courriel"
    SMS = "SMS", "SMS"


class StatutEnvoi(models.TextChoices):
    EN_FILE = "EN_FILE", "en file"
    ENVOYE = "ENVOYE", "envoyé"
    REMIS = "REMIS", "remis"
    ECHEC = "ECHEC", "échec"
    OPPOSITION = "OPPOSITION", "non envoyé : la personne s'y est opposée"
    SANS_OBJET = "SANS_OBJET", "non envoyé : sans objet (annulé, ou trop tard)"


class Envoi(models.Model):
    canal = models.CharField("canal", max_length=10, choices=Canal.choices)
    modele = models.CharField("message", max_length=60)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="agent destinataire",
    )
    personne_id = models.PositiveBigIntegerField("dossier destinataire", null=True, blank=True)
    # Who follows the receipt: the unit's manager, the organisme's administrator (ids: the
    # organisation sits above this layer).
    unite_id = models.PositiveBigIntegerField("unité", null=True, blank=True)
    organisme_id = models.PositiveBigIntegerField("organisme", null=True, blank=True)
    statut = models.CharField(
        "statut", max_length=12, choices=StatutEnvoi.choices, default=StatutEnvoi.EN_FILE
    )
    tentatives = models.PositiveSmallIntegerField("tentatives", default=0)
    prochaine_tentative = models.DateTimeField("prochaine tentative", null=True, blank=True)
    erreur = models.CharField("dernière erreur", max_length=300, blank=True)
    identifiant_fournisseur = models.CharField(
        "identifiant chez le fournisseur", max_length=100, blank=True
    )
    segments = models.PositiveSmallIntegerField("SMS (parties)", default=0)
    cree_le = models.DateTimeField("mis en file le", auto_now_add=True)
    envoye_le = models.DateTimeField("envoyé le", null=True, blank=True)
    remis_le = models.DateTimeField("remis le", null=True, blank=True)
    # What the message is about (« rendezvous:<uid> »): its waiting messages are dropped when
    # that is cancelled; and after `perime_le` (the appointment a reminder is for) it is not
    # sent any more.
    reference = models.CharField("objet", max_length=80, blank=True, db_index=True)
    perime_le = models.DateTimeField("sans objet après", null=True, blank=True)
    # Only while the message waits to leave (emptied once sent or given up).
    adresse = models.CharField("adresse ou numéro", max_length=254, blank=True)
    contexte = models.JSONField("valeurs du message", default=dict, blank=True)
    pieces_jointes = models.JSONField("pièces jointes", default=list, blank=True)

    class Meta:
        verbose_name = "envoi"
        verbose_name_plural = "envois de messages"
        ordering = ["-cree_le", "-id"]
        indexes = [
            models.Index(fields=["statut", "prochaine_tentative"], name="envoi_a_relancer"),
            models.Index(fields=["unite_id", "statut", "cree_le"], name="envoi_unite"),
            models.Index(fields=["organisme_id", "statut", "cree_le"], name="envoi_organisme"),
            models.Index(fields=["personne_id", "cree_le"], name="envoi_personne"),
        ]

    def __str__(self) -> str:
        return f"{self.get_canal_display()} « {self.modele} » — {self.get_statut_display()}"


class Opposition(models.Model):
    """A person who refused the service's messages (the link at the bottom of every e-mail, or
    told to an agent): nothing is sent to them any more."""

    personne_id = models.PositiveBigIntegerField("dossier", unique=True)
    date = models.DateTimeField("date", auto_now_add=True)
    origine = models.CharField("par", max_length=100)

    class Meta:
        verbose_name = "opposition aux messages"
        verbose_name_plural = "oppositions aux messages"

    def __str__(self) -> str:
        return f"Opposition du dossier {self.personne_id}"
