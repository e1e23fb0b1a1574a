from django.conf import settings
from django.db import models

from parcours.imports.enums import StatutImport
from parcours.lib.processus import hote, processus_vivant
from parcours.travaux.models import Travail

MESSAGE_INTERROMPU = (
    "Interrompu : le serveur s'est arrêté pendant l'import, rien n'a été enregistré"
)


class Import(Travail):
    """The journal of imports: who imported which kind of file, when, and with what result.

    Error messages are kept (the first thousand) so that a rejected file can be mended; they name
    lines, columns and the faulty codes. Importers of files about insured persons must keep NIR,
    names and health data out of their messages.
    """

    type = models.CharField("type de fichier", max_length=30)
    nom_fichier = models.CharField("nom du fichier", max_length=255)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    date = models.DateTimeField("date", auto_now_add=True)
    statut = models.CharField(
        "statut", max_length=10, choices=StatutImport.choices, default=StatutImport.EN_ATTENTE
    )
    etape = models.CharField("étape", max_length=100, blank=True)
    progression = models.PositiveSmallIntegerField("progression (%)", default=0)
    nb_erreurs = models.PositiveIntegerField("nombre d'erreurs", default=0)
    fichier = models.CharField("fichier déposé", max_length=500, blank=True)
    lignes = models.PositiveIntegerField("lignes lues", default=0)
    crees = models.PositiveIntegerField("créés", default=0)
    modifies = models.PositiveIntegerField("modifiés", default=0)
    inchanges = models.PositiveIntegerField("inchangés", default=0)
    erreurs = models.JSONField("erreurs", default=list, blank=True)
    avertissements = models.JSONField("avertissements", default=list, blank=True)
    # An import from a page writes only within its author's scope; the operator's command not.
    restreint = models.BooleanField("limité au périmètre de l'auteur", default=True)
    # The process running the import, to tell an import under way from one whose process died.
    pid = models.PositiveIntegerField("processus", null=True, blank=True)
    hote = models.CharField("machine", max_length=100, blank=True)
    # The staging file of the checked rows, and the last of its rows written: what to undo if
    # the process dies while writing (parcours.imports.engine).
    fichier_attente = models.CharField("fichier d'attente", max_length=500, blank=True)
    lots_emmenages = models.PositiveIntegerField("dernière ligne enregistrée", default=0)

    class Meta:
        verbose_name = "import"
        verbose_name_plural = "imports"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.type} — {self.nom_fichier}"

    @property
    def termine(self) -> bool:
        return self.statut in (StatutImport.ACCEPTE, StatutImport.REJETE, StatutImport.ECHEC)

    @property
    def interrompu(self) -> bool:
        """Under way on this machine, but its process is gone (a server stop): what it wrote is
        undone by `engine.reprendre_imports_interrompus` (server start, next import)."""
        return (
            self.statut == StatutImport.EN_COURS
            and self.pid is not None
            and self.hote == hote()
            and not processus_vivant(self.pid)
        )

    def tel_qu_affiche(self) -> "Import":
        """The journal as its page shows it: an interrupted import reads as failed, before
        anything is written (a page that is only read writes nothing)."""
        if self.interrompu:
            self.statut, self.etape = StatutImport.ECHEC, MESSAGE_INTERROMPU
        return self
