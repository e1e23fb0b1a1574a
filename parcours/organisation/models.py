"""The organisation: a Carsat (organisme), its units, reception places, agents and sectors."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from parcours.lib.historique import Historique
from parcours.lib.texte import LONGUEUR_ADRESSE, LONGUEUR_TEXTE
from parcours.organisation.enums import (
    ROLES_D_UNITE,
    CategoriePartenaire,
    Role,
    TypeEvenementCompte,
)
from parcours.securite import AjoutSeul
from parcours.territoire.models import Commune, Departement, Region


class Organisme(models.Model):
    """A Carsat (or CGSS) running the social service of a région."""

    code = models.CharField("code", max_length=20, unique=True)
    nom = models.CharField("nom", max_length=200)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organismes", verbose_name="région"
    )
    # Built-in drive-time estimator (DESIGN §4): t = 60 × k × d / v.
    detour_k = models.FloatField(
        "facteur de détour k",
        default=1.3,
        validators=[MinValueValidator(1.0), MaxValueValidator(3.0)],
    )
    demonstration = models.BooleanField(
        "données de démonstration",
        default=False,
        help_text="organisme synthétique : ses écrans portent la mention "
        "« données de démonstration »",
    )
    vitesse_kmh = models.FloatField(
        "vitesse moyenne v (km/h)",
        default=60.0,
        validators=[MinValueValidator(10.0), MaxValueValidator(130.0)],
    )

    history = Historique(no_db_index=["region"])

    class Meta:
        verbose_name = "organisme"
        verbose_name_plural = "organismes"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.nom

    def departements(self) -> models.QuerySet[Departement]:
        """The organisme's territory: the départements where it has units (DESIGN §4)."""
        return Departement.objects.filter(unites__organisme=self).distinct().order_by("code")


class Unite(models.Model):
    """A local team (unité, antenne) of an organisme, in one département."""

    code = models.CharField("code", max_length=20, unique=True)
    nom = models.CharField("nom", max_length=200)
    organisme = models.ForeignKey(
        Organisme, on_delete=models.PROTECT, related_name="unites", verbose_name="organisme"
    )
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="unites", verbose_name="département"
    )

    history = Historique(no_db_index=["organisme", "departement"])

    class Meta:
        verbose_name = "unité"
        verbose_name_plural = "unités"
        ordering = ["organisme", "code"]

    def __str__(self) -> str:
        return self.nom


class LieuAccueilQuerySet(models.QuerySet):
    def actifs(self) -> "LieuAccueilQuerySet":
        return self.filter(actif=True)


class LieuAccueil(models.Model):
    """A reception place (permanence) where persons are received by appointment."""

    code = models.CharField("code", max_length=20, unique=True)
    nom = models.CharField("nom", max_length=200)
    adresse = models.TextField("adresse", blank=True, max_length=LONGUEUR_ADRESSE)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="lieux_accueil", verbose_name="commune"
    )
    latitude = models.FloatField(
        "latitude", validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        "longitude", validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    unite = models.ForeignKey(
        Unite, on_delete=models.PROTECT, related_name="lieux_accueil", verbose_name="unité"
    )
    acces_pmr = models.BooleanField("accessible aux personnes à mobilité réduite", default=False)
    horaires = models.TextField("horaires d'ouverture", blank=True, max_length=LONGUEUR_TEXTE)
    actif = models.BooleanField("ouvert", default=True)
    # How many agents can receive there at the same time (rooms, desks): a one-room
    # permanence never holds two appointments at once (parcours.rendezvous).
    salles = models.PositiveSmallIntegerField(
        "salles de réception",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="combien d'agents peuvent y recevoir en même temps",
    )

    objects = LieuAccueilQuerySet.as_manager()
    history = Historique(no_db_index=["commune", "unite"])

    class Meta:
        verbose_name = "lieu d'accueil"
        verbose_name_plural = "lieux d'accueil"
        ordering = ["unite", "nom"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="lieu_accueil_coordonnees_valides",
            )
        ]

    def __str__(self) -> str:
        return self.nom


class AgentManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, matricule: str, password: str | None = None, **champs) -> "Agent":
        if not matricule:
            raise ValueError("le matricule est obligatoire")
        champs.setdefault("email", "")
        champs["email"] = self.normalize_email(champs["email"])
        agent = self.model(matricule=matricule, **champs)
        if password:
            agent.set_password(password)
        else:
            agent.set_unusable_password()
        agent.save(using=self._db)
        return agent

    def create_superuser(self, matricule: str, password: str | None = None, **champs) -> "Agent":
        champs.setdefault("role", Role.ADMIN)
        champs["is_superuser"] = True
        return self.create_user(matricule, password, **champs)


class Agent(AbstractBaseUser, PermissionsMixin):
    """A person who signs in to Parcours, with exactly one role (DESIGN §1)."""

    matricule = models.CharField("matricule", max_length=30, unique=True)
    nom = models.CharField("nom", max_length=100)
    prenom = models.CharField("prénom", max_length=100)
    email = models.EmailField("adresse électronique", blank=True)
    role = models.CharField("rôle", max_length=12, choices=Role.choices)
    unite = models.ForeignKey(
        Unite,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agents",
        verbose_name="unité",
    )
    organisme = models.ForeignKey(
        Organisme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agents",
        verbose_name="organisme",
        help_text="déduit de l'unité quand l'agent en a une",
    )
    structure = models.CharField(
        "structure partenaire",
        max_length=200,
        blank=True,
        help_text="pour un partenaire : CPAM, service médical, hôpital, médecin du travail…",
    )
    # A partner account speaks for one structure of the directory: its signalements' source.
    partenaire = models.ForeignKey(
        "organisation.Partenaire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comptes",
        verbose_name="structure de l'annuaire",
        help_text="pour un compte partenaire : la structure pour laquelle il signale",
    )
    is_active = models.BooleanField("actif", default=True)
    date_joined = models.DateTimeField("date de création", default=timezone.now)

    objects = AgentManager()
    # Who changed an account, when: never its password (nor its hash).
    history = Historique(
        excluded_fields=["password", "last_login"],
        m2m_fields=[],
        no_db_index=["unite", "organisme", "partenaire"],
    )

    USERNAME_FIELD = "matricule"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["nom", "prenom"]

    class Meta:
        verbose_name = "agent"
        verbose_name_plural = "agents"
        ordering = ["nom", "prenom"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=ROLES_D_UNITE) | Q(unite__isnull=False),
                name="agent_role_d_unite_a_une_unite",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prenom} {self.nom}"

    def clean(self) -> None:
        super().clean()
        # The organisme of an agent with a unit is the unit's: every query is scoped by it.
        if self.unite_id is not None:
            self.organisme_id = self.unite.organisme_id
        if self.partenaire_id is not None:
            if self.role != Role.PARTENAIRE:
                raise ValidationError(
                    {"partenaire": "seul un compte partenaire est rattaché à une structure"}
                )
            if self.partenaire.organisme_id != self.organisme_id:
                raise ValidationError(
                    {"partenaire": "cette structure n'est pas dans l'annuaire de l'organisme"}
                )
        elif self.role == Role.PARTENAIRE and self.organisme_id is not None:
            raise ValidationError(
                {
                    "partenaire": "choisissez la structure de l'annuaire pour laquelle ce "
                    "compte signale"
                }
            )

    def get_full_name(self) -> str:
        return f"{self.prenom} {self.nom}"

    def get_short_name(self) -> str:
        return self.prenom

    # What the lower layers (imports) ask of an account, instead of knowing the roles.
    @property
    def administre(self) -> bool:
        """The functional administrator: referentials, accounts, imports of configuration."""
        return self.role == Role.ADMIN

    @property
    def administre_l_instance(self) -> bool:
        """An administrator attached to no organisme administers every organisme."""
        return self.administre and self.organisme_id is None

    @property
    def is_staff(self) -> bool:
        """Only the functional administrator uses the administration screens."""
        return self.is_active and (self.role == Role.ADMIN or self.is_superuser)


class Secteur(models.Model):
    """The communes a unit covers, or, when `agent` is set, one of its social workers."""

    nom = models.CharField("nom", max_length=200)
    unite = models.ForeignKey(
        Unite, on_delete=models.CASCADE, related_name="secteurs", verbose_name="unité"
    )
    agent = models.ForeignKey(
        Agent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="secteurs",
        verbose_name="agent référent",
    )
    communes = models.ManyToManyField(
        Commune, related_name="secteurs", verbose_name="communes", blank=True
    )

    class Meta:
        verbose_name = "secteur"
        verbose_name_plural = "secteurs"
        ordering = ["unite", "nom"]

    def __str__(self) -> str:
        return self.nom


class EvenementCompte(AjoutSeul):
    """The accounts' audit trail: creation of an account that reads dossiers, changes of its
    role or unit, activation links sent, passwords chosen, deactivation. Append-only; the
    managers of the organisme read it (an administrator cannot quietly make a reader of
    dossiers)."""

    date = models.DateTimeField("date", auto_now_add=True)
    type = models.CharField("événement", max_length=20, choices=TypeEvenementCompte.choices)
    agent = models.ForeignKey(
        Agent, on_delete=models.PROTECT, related_name="+", verbose_name="compte concerné"
    )
    auteur = models.ForeignKey(
        Agent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="fait par",
        help_text="vide : par l'exploitant (commande)",
    )
    # The organisme whose managers read the line (the account's, at the time).
    organisme = models.ForeignKey(
        Organisme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="organisme",
    )
    avant = models.CharField("avant", max_length=200, blank=True)
    apres = models.CharField("après", max_length=200, blank=True)
    origine = models.CharField("par", max_length=100, blank=True)

    class Meta:
        verbose_name = "événement de compte"
        verbose_name_plural = "journal des comptes"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["organisme", "date"], name="evenement_compte_organisme")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} — {self.agent} — {self.date:%d/%m/%Y %H:%M}"


class PartenaireQuerySet(models.QuerySet):
    def actifs(self) -> "PartenaireQuerySet":
        return self.filter(actif=True)

    def de_l_organisme(self, organisme_id: int | None) -> "PartenaireQuerySet":
        return self.filter(organisme_id=organisme_id)


class Partenaire(models.Model):
    """A partner structure of the directory (annuaire): CPAM MisaS, service médical, CCAS…

    Joint interviews, orientations, signalements and partner accounts point to it, so what is
    done with partners can be counted by category."""

    code = models.CharField("code", max_length=30, unique=True)
    nom = models.CharField("nom", max_length=200)
    categorie = models.CharField("catégorie", max_length=30, choices=CategoriePartenaire.choices)
    organisme = models.ForeignKey(
        Organisme,
        on_delete=models.PROTECT,
        related_name="partenaires",
        verbose_name="organisme",
        help_text="l'organisme dont l'annuaire contient la structure",
        db_index=False,  # served by the (organisme, categorie, nom) index
    )
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="département",
        help_text="vide pour une structure régionale",
    )
    email = models.EmailField("adresse électronique", blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    actif = models.BooleanField("actif", default=True)

    objects = PartenaireQuerySet.as_manager()
    history = Historique(no_db_index=["organisme", "departement"])

    class Meta:
        verbose_name = "structure partenaire"
        verbose_name_plural = "annuaire des partenaires"
        ordering = ["nom"]
        indexes = [
            models.Index(fields=["organisme", "categorie", "nom"], name="partenaire_annuaire")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(categorie__in=CategoriePartenaire.values),
                name="partenaire_categorie_valide",
            )
        ]

    def __str__(self) -> str:
        return self.nom


class ContactPartenaire(models.Model):
    """A person to reach at a partner structure."""

    partenaire = models.ForeignKey(
        Partenaire, on_delete=models.CASCADE, related_name="contacts", verbose_name="structure"
    )
    nom = models.CharField("nom", max_length=100)
    prenom = models.CharField("prénom", max_length=100, blank=True)
    fonction = models.CharField("fonction", max_length=200, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)

    class Meta:
        verbose_name = "contact"
        verbose_name_plural = "contacts"
        ordering = ["nom", "prenom"]

    def __str__(self) -> str:
        return f"{self.prenom} {self.nom}".strip()
