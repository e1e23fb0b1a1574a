"""Outreach campaigns (issue 15): a target list from the medical service (or a hospital, or the
pension fund), checked, matched to the persons the service knows, with each exclusion and each
priority explained on its row; then contacted — by phone, SMS, e-mail or letter — every attempt
logged, until an appointment, a refusal or the invitation's expiry.

A target list is a working document, unlike the history imports: its rows are kept with their
errors, corrected or excluded on screen, and nothing is sent before the cadre validates it.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from parcours.campagnes.enums import (
    CanalContact,
    EtatCible,
    Exclusion,
    ResultatTentative,
    SourceCampagne,
    StatutCampagne,
    SuiviCible,
)
from parcours.dossiers.models import Assure, Mission, Signalement
from parcours.lib.historique import Historique
from parcours.organisation.models import Organisme, Unite
from parcours.rendezvous.models import LienReservation, Motif, RendezVous
from parcours.travaux.models import Travail

# The named contributions of the priority score and their default weights (editable per
# campaign by the cadre; the ordering is recomputed).
POIDS_PAR_DEFAUT = {
    "arret_180": 3,
    "canton_fragile": 2,
    "loin": 1,
    "sans_complementaire": 1,
}


class Campagne(models.Model):
    organisme = models.ForeignKey(
        Organisme, on_delete=models.PROTECT, related_name="campagnes", verbose_name="organisme"
    )
    code = models.CharField("code", max_length=40)
    nom = models.CharField("nom", max_length=200)
    mission = models.ForeignKey(
        Mission,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campagnes",
        verbose_name="mission",
    )
    source = models.CharField(
        "source", max_length=30, choices=SourceCampagne.choices, default=SourceCampagne.ARRET_90J
    )
    unites = models.ManyToManyField(
        Unite, related_name="campagnes", blank=True, verbose_name="unités concernées"
    )
    date_debut = models.DateField("du", null=True, blank=True)
    date_fin = models.DateField("au", null=True, blank=True)
    canaux = models.JSONField("canaux autorisés", default=list, blank=True)
    validite_jours = models.PositiveSmallIntegerField(
        "validité de l'invitation (jours)",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    relance_jours = models.PositiveSmallIntegerField(
        "relance après (jours)",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    recontact_mois = models.PositiveSmallIntegerField(
        "pas de nouveau contact avant (mois)",
        default=6,
        validators=[MaxValueValidator(60)],
        help_text="une personne contactée par une campagne dans cette période est exclue",
    )
    motif_rendez_vous = models.ForeignKey(
        Motif,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campagnes",
        verbose_name="motif du rendez-vous proposé",
    )
    texte_sms = models.TextField(
        "texte du SMS",
        blank=True,
        max_length=300,
        help_text="sans aucun détail de santé ; le lien de prise de rendez-vous est ajouté",
    )
    texte_courriel = models.TextField("texte du courriel", blank=True, max_length=4000)
    poids = models.JSONField("poids de la priorité", default=dict, blank=True)
    statut = models.CharField(
        "statut",
        max_length=20,
        choices=StatutCampagne.choices,
        default=StatutCampagne.PREPARATION,
    )
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créée par",
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    valide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="validée par",
    )
    valide_le = models.DateTimeField("validée le", null=True, blank=True)
    version = models.PositiveIntegerField("version", default=1)

    history = Historique(no_db_index=["organisme", "mission", "motif_rendez_vous"])

    class Meta:
        verbose_name = "campagne"
        verbose_name_plural = "campagnes"
        ordering = ["-cree_le"]
        constraints = [
            models.UniqueConstraint(fields=["organisme", "code"], name="campagne_code_unique")
        ]

    def __str__(self) -> str:
        return self.nom

    def poids_effectifs(self) -> dict[str, int]:
        return {**POIDS_PAR_DEFAUT, **{k: int(v) for k, v in (self.poids or {}).items()}}


class ListeCibles(Travail):
    """One upload of cibles.csv for a campaign, checked in the background with its progress."""

    relancable = True

    campagne = models.ForeignKey(Campagne, on_delete=models.CASCADE, related_name="listes")
    nom_fichier = models.CharField("fichier", max_length=255)
    fichier = models.CharField("fichier en attente", max_length=500, blank=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    cree_le = models.DateTimeField("déposée le", auto_now_add=True)
    statut = models.CharField("statut", max_length=20, default="EN_ATTENTE")
    etape = models.CharField("étape", max_length=100, blank=True)
    progression = models.PositiveSmallIntegerField("progression (%)", default=0)
    lignes = models.PositiveIntegerField("lignes", default=0)
    erreur = models.TextField("erreur", blank=True, max_length=2000)
    termine_le = models.DateTimeField("terminée le", null=True, blank=True)

    class Meta:
        verbose_name = "liste de cibles"
        verbose_name_plural = "listes de cibles"

    def __str__(self) -> str:
        return self.nom_fichier


class Cible(models.Model):
    """A row of a target list: what the file said, what the checks made of it, why it is
    excluded or how high its priority is (the contributions, named), and its contacts."""

    campagne = models.ForeignKey(Campagne, on_delete=models.CASCADE, related_name="cibles")
    ligne = models.PositiveIntegerField("ligne du fichier")
    # As read (a row with errors keeps what was typed, to be corrected on screen).
    nir = models.CharField("NIR", max_length=30, blank=True)
    nom = models.CharField("nom", max_length=100, blank=True)
    prenom = models.CharField("prénom", max_length=100, blank=True)
    date_naissance = models.CharField("date de naissance", max_length=20, blank=True)
    commune = models.CharField("commune", max_length=10, blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.CharField("adresse électronique", max_length=254, blank=True)
    date_debut_arret = models.CharField("début de l'arrêt", max_length=20, blank=True)
    motif = models.CharField("motif", max_length=30, blank=True)

    etat = models.CharField("état", max_length=20, choices=EtatCible.choices)
    erreurs = models.JSONField("erreurs", default=list, blank=True)  # [{colonne, motif}]
    assure = models.ForeignKey(
        Assure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cibles",
        verbose_name="personne",
    )
    # Known persons of the same name and birth date (another NIR): proposed, never merged.
    homonymes = models.JSONField("homonymes proposés", default=list, blank=True)
    exclusion = models.CharField("exclusion", max_length=30, choices=Exclusion.choices, blank=True)
    exclusion_detail = models.CharField("détail de l'exclusion", max_length=200, blank=True)
    score = models.SmallIntegerField("priorité", default=0)
    # [[libellé, points], …]: the sum is the score, each part is shown on the row.
    contributions = models.JSONField("contributions", default=list, blank=True)
    minutes_lieu = models.PositiveSmallIntegerField(
        "trajet jusqu'au lieu le plus proche (minutes)", null=True, blank=True
    )

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cibles",
        verbose_name="agent",
    )
    unite = models.ForeignKey(
        Unite, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    suivi = models.CharField(
        "suivi", max_length=20, choices=SuiviCible.choices, default=SuiviCible.A_CONTACTER
    )
    lien = models.ForeignKey(
        LienReservation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rendez_vous = models.ForeignKey(
        RendezVous, on_delete=models.SET_NULL, null=True, blank=True, related_name="cibles"
    )
    signalement = models.ForeignKey(
        Signalement, on_delete=models.SET_NULL, null=True, blank=True, related_name="cibles"
    )
    invitee_le = models.DateTimeField("invitée le", null=True, blank=True)
    relancee_le = models.DateTimeField("relancée le", null=True, blank=True)
    expire_le = models.DateTimeField("invitation valable jusqu'au", null=True, blank=True)
    premier_contact_le = models.DateTimeField("premier contact", null=True, blank=True)
    version = models.PositiveIntegerField("version", default=1)

    class Meta:
        verbose_name = "cible"
        verbose_name_plural = "cibles"
        ordering = ["-score", "ligne"]
        indexes = [
            models.Index(fields=["campagne", "etat", "-score", "ligne"], name="cible_liste"),
            models.Index(fields=["agent", "suivi", "-score", "ligne"], name="cible_travail"),
            models.Index(fields=["assure", "premier_contact_le"], name="cible_assure"),
            models.Index(fields=["suivi", "expire_le"], name="cible_echeance"),
        ]

    def __str__(self) -> str:
        return f"Ligne {self.ligne}"


class Tentative(models.Model):
    """One contact attempt: who, when, by which channel, with what outcome."""

    cible = models.ForeignKey(Cible, on_delete=models.CASCADE, related_name="tentatives")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="agent",
    )
    quand = models.DateTimeField("le", auto_now_add=True)
    canal = models.CharField("canal", max_length=20, choices=CanalContact.choices)
    resultat = models.CharField("résultat", max_length=20, choices=ResultatTentative.choices)

    class Meta:
        verbose_name = "tentative de contact"
        verbose_name_plural = "tentatives de contact"
        ordering = ["quand", "pk"]
        indexes = [models.Index(fields=["cible", "quand"], name="tentative_cible")]

    def __str__(self) -> str:
        return f"{self.get_canal_display()} — {self.get_resultat_display()}"
