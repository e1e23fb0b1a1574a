"""What the observatory stores: the fragility counts imported by commune or canton, and each
computation of an organisme's observatory with its parameters and results.

Both tables were created by the `territoire` app and keep their names (`db_table`)."""

from django.db import models

from parcours.lib.historique import Historique
from parcours.observatoire.enums import StatutCalcul
from parcours.territoire.models import Canton, Commune, PseudoCanton
from parcours.travaux.models import Travail


class DonneeFragilite(models.Model):
    """One row of `fragilite.csv` (DESIGN §5): persons aged 25–54 of a commune or a canton, and
    how many of them meet each of the five criteria of the fragility composite (DESIGN §4).

    The key is `territoire`, the code as the file gives it. A 4-character code is a canton; a
    5-character code is a commune, or a canton when no commune has it (the cantons of the
    overseas départements share codes with communes: such a code is read as the commune). The
    row is attached to its pseudo-canton, the unit the composite is computed on.
    """

    territoire = models.CharField("code du territoire", max_length=5, unique=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    canton = models.ForeignKey(
        Canton, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pseudo_canton = models.ForeignKey(
        PseudoCanton,
        on_delete=models.PROTECT,
        related_name="donnees_fragilite",
        verbose_name="pseudo-canton",
    )
    population_25_54 = models.PositiveIntegerField("population de 25 à 54 ans")
    arret_90j = models.PositiveIntegerField("arrêts de travail de 90 jours consécutifs ou plus")
    invalidite = models.PositiveIntegerField("pensions d'invalidité")
    css_non_participative = models.PositiveIntegerField(
        "complémentaire santé solidaire sans participation"
    )
    ald = models.PositiveIntegerField("affections de longue durée")
    sans_complementaire = models.PositiveIntegerField("sans complémentaire santé")

    # Who imported which counts, when (the fragilite.csv imports write it in bulk).
    history = Historique(
        no_db_index=["commune", "canton", "pseudo_canton"],
        table_name="territoire_historicaldonneefragilite",
    )

    class Meta:
        db_table = "territoire_donneefragilite"  # kept from before the observatory's own app
        verbose_name = "donnée de fragilité"
        verbose_name_plural = "données de fragilité"
        ordering = ["territoire"]

    def __str__(self) -> str:
        return self.territoire


class CalculObservatoire(Travail):
    """One computation of the territorial observatory of an organisme, kept with its parameters.

    `parametres` holds those of DESIGN §5's `observatoire` JSON for each part (`fragilite`:
    α, reference, data year; `accessibilite`: k, v) and the estimator used; `resultats` holds
    the two parts of that JSON (`fragilite` is None without fragility data). It runs in the
    background: `statut`, `etape` and `progression` tell where it is. The latest ready
    computation is the one shown.
    """

    organisme = models.ForeignKey(
        "organisation.Organisme",
        on_delete=models.CASCADE,
        related_name="calculs_observatoire",
        verbose_name="organisme",
    )
    statut = models.CharField(
        "statut", max_length=10, choices=StatutCalcul.choices, default=StatutCalcul.EN_ATTENTE
    )
    etape = models.CharField("étape", max_length=200, blank=True)
    progression = models.PositiveSmallIntegerField("progression (%)", default=0)
    parametres = models.JSONField("paramètres", default=dict)
    resultats = models.JSONField("résultats", default=dict)
    demande_le = models.DateTimeField("demandé le", auto_now_add=True)
    termine_le = models.DateTimeField("terminé le", null=True, blank=True)
    auteur = models.ForeignKey(
        "organisation.Agent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="demandé par",
    )

    class Meta:
        db_table = "territoire_calculobservatoire"  # kept from before the observatory's own app
        verbose_name = "calcul de l'observatoire"
        verbose_name_plural = "calculs de l'observatoire"
        ordering = ["-demande_le", "-id"]
        indexes = [
            models.Index(fields=["organisme", "statut", "demande_le"], name="calcul_observatoire")
        ]

    @property
    def en_attente(self) -> bool:
        return self.statut == StatutCalcul.EN_ATTENTE

    def __str__(self) -> str:
        return f"observatoire — {self.demande_le:%d/%m/%Y %H:%M}"
