from django.db import models

from parcours.dossiers.enums import Complementaire, Sexe, SituationEmploi
from parcours.lib.historique import Historique
from parcours.lib.nir import formater_nir
from parcours.lib.texte import LONGUEUR_ADRESSE
from parcours.territoire.models import Commune

# A person's identity as a sender types it, a file (assures.csv) gives it and a dossier keeps it:
# the one list of its fields.
CHAMPS_IDENTITE = (
    "nir",
    "nom",
    "prenom",
    "date_naissance",
    "sexe",
    "commune",
    "adresse",
    "telephone",
    "email",
)
# What a receiving unit compares between a typed identity and the dossier of its NIR.
CHAMPS_COMPARES = tuple(c for c in CHAMPS_IDENTITE if c not in ("nir", "sexe"))


def identite_en_texte(identite: dict) -> dict[str, str]:
    """An identity (field → value, from a form or a dossier) as text: dates in ISO, the commune
    by its INSEE code, nothing as ""."""
    texte = {}
    for champ in CHAMPS_IDENTITE:
        valeur = identite.get(champ)
        if hasattr(valeur, "isoformat"):
            valeur = valeur.isoformat()
        elif isinstance(valeur, Commune):
            valeur = valeur.code
        texte[champ] = "" if valeur is None else str(valeur)
    return texte


class Assure(models.Model):
    """An insured person, identified by the NIR (13 digits and a 2-digit key; Corsica 2A/2B)."""

    nir = models.CharField("NIR", max_length=15, unique=True)
    nom = models.CharField("nom", max_length=100)
    prenom = models.CharField("prénom", max_length=100)
    # "NOM PRENOM" without accents or punctuation, for prefix search and duplicate detection.
    recherche = models.CharField("nom normalisé", max_length=201, editable=False)
    date_naissance = models.DateField("date de naissance")
    sexe = models.CharField("sexe", max_length=1, choices=Sexe.choices)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="commune de résidence",
    )
    adresse = models.TextField("adresse", blank=True, max_length=LONGUEUR_ADRESSE)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    # The channels the person accepted for the service's messages (appointment reminders,
    # invitations), and when that was recorded; a refusal of every message is a
    # parcours.messagerie Opposition.
    consentement_sms = models.BooleanField("accepte les SMS du service", default=False)
    consentement_courriel = models.BooleanField("accepte les courriels du service", default=False)
    consentement_le = models.DateField("consentement recueilli le", null=True, blank=True)
    # Situation.
    arret_travail_depuis = models.DateField("en arrêt de travail depuis le", null=True, blank=True)
    # Known to have died (the outreach campaigns never contact them).
    date_deces = models.DateField("décès connu, le", null=True, blank=True)
    # The person asked not to be contacted by the outreach campaigns (parcours.campagnes).
    refus_campagnes = models.BooleanField(
        "refuse d'être sollicitée par les campagnes d'aller-vers", default=False
    )
    ald = models.BooleanField("affection de longue durée (ALD)", default=False)
    invalidite = models.BooleanField("pension d'invalidité", default=False)
    css = models.BooleanField("complémentaire santé solidaire (CSS)", default=False)
    complementaire = models.CharField(
        "complémentaire santé",
        max_length=10,
        choices=Complementaire.choices,
        default=Complementaire.INCONNU,
    )
    situation_emploi = models.CharField(
        "situation professionnelle", max_length=20, choices=SituationEmploi.choices, blank=True
    )
    situation_precision = models.CharField("situation : précisez", max_length=200, blank=True)
    employeur = models.CharField("employeur", max_length=200, blank=True)
    version = models.PositiveIntegerField("version", default=1)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    history = Historique(excluded_fields=["recherche", "modifie_le"], no_db_index=["commune"])

    class Meta:
        verbose_name = "assuré·e"
        verbose_name_plural = "assuré·es"
        ordering = ["recherche", "date_naissance"]
        indexes = [
            models.Index(fields=["recherche", "date_naissance"], name="assure_recherche"),
            # Prefix search (LIKE 'X%') on PostgreSQL; a plain index elsewhere.
            models.Index(
                fields=["recherche"], opclasses=["varchar_pattern_ops"], name="assure_nom_prefixe"
            ),
            models.Index(
                fields=["nir"], opclasses=["varchar_pattern_ops"], name="assure_nir_prefixe"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sexe__in=Sexe.values), name="assure_sexe_valide"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prenom} {self.nom}"

    def identite(self) -> dict[str, str]:
        """The stored identity as text (`identite_en_texte`)."""
        valeurs = {c: getattr(self, c) for c in CHAMPS_IDENTITE if c != "commune"}
        return identite_en_texte({**valeurs, "commune": self.commune_id})

    @property
    def nir_formate(self) -> str:
        return formater_nir(self.nir)


class PersonneDeclaree(models.Model):
    """A person a unit's manager listed in an assures.csv import (DESIGN §5).

    The unit's later history files (accompaniments, interviews, signalements) may then name that
    person, whether the import created them or they were already known to the service: the
    import's report must not tell these two cases apart, or it would reveal who the service
    knows. A declaration gives no right to read the dossier: that comes with the unit's own
    records (parcours.dossiers.perms).
    """

    assure = models.ForeignKey(
        Assure, on_delete=models.CASCADE, related_name="+", verbose_name="assuré·e"
    )
    unite = models.ForeignKey(
        "organisation.Unite", on_delete=models.CASCADE, related_name="+", verbose_name="unité"
    )
    import_origine = models.ForeignKey(
        "imports.Import",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="import",
    )
    cree_le = models.DateTimeField("déclarée le", auto_now_add=True)

    class Meta:
        verbose_name = "personne déclarée par import"
        verbose_name_plural = "personnes déclarées par import"
        constraints = [
            models.UniqueConstraint(fields=["unite", "assure"], name="personne_declaree_unique")
        ]

    def __str__(self) -> str:
        return f"{self.assure_id} déclarée par l'unité {self.unite_id}"
