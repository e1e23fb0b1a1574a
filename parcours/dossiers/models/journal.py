from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connections, models, router
from django.utils import timezone

from parcours.dossiers.enums import PartieDossier
from parcours.dossiers.models.assures import Assure
from parcours.securite import AjoutSeul, AjoutSeulQuerySet, JournalNonModifiable

# The access log is append-only (kept for the callers that name its error).
JournalAccesError = JournalNonModifiable


class JournalAccesQuerySet(AjoutSeulQuerySet):
    def entre(self, du: date | None, au: date | None) -> "JournalAccesQuerySet":
        """The reads from day `du` to day `au`, both included, in local time (either may be
        None: no bound). A range on the column itself, so that the index serves it."""
        lignes = self
        if du is not None:
            lignes = lignes.filter(date__gte=timezone.make_aware(datetime.combine(du, time.min)))
        if au is not None:
            lendemain = datetime.combine(au + timedelta(days=1), time.min)
            lignes = lignes.filter(date__lt=timezone.make_aware(lendemain))
        return lignes

    def inscrire(
        self, *, agent_id: int, assure_id: int, partie: str, unite_id: int | None, delai: timedelta
    ) -> None:
        """Write a read, unless the agent's latest consultation of the dossier (same unit, less
        than `delai` ago) already recorded this part: its latest line, and when that line is the
        notes, the line of the page that showed them, written just before.

        One statement whether it writes or not (INSERT … SELECT … WHERE NOT …): the decision and
        the line are one step, and a page costs the same queries the first time and the next."""
        maintenant = timezone.now()
        recentes = (
            self.filter(
                agent_id=agent_id,
                assure_id=assure_id,
                unite_id=unite_id,
                date__gte=maintenant - delai,
            )
            .order_by("-date", "-id")
            .values("partie")
        )
        base = router.db_for_write(self.model)
        connexion = connections[base]
        derniere, p_derniere = recentes[:1].query.get_compiler(using=base).as_sql()
        avant, p_avant = recentes[1:2].query.get_compiler(using=base).as_sql()
        meta = self.model._meta
        nom = connexion.ops.quote_name
        colonnes = ", ".join(
            nom(meta.get_field(c).column) for c in ("date", "agent", "assure", "partie", "unite")
        )
        quand = meta.get_field("date").get_db_prep_value(maintenant, connexion)
        sql = (
            f"INSERT INTO {nom(meta.db_table)} ({colonnes}) SELECT %s, %s, %s, %s, %s "
            f"WHERE NOT (COALESCE(({derniere}), '') = %s OR (COALESCE(({derniere}), '') = %s "
            f"AND COALESCE(({avant}), '') = %s))"
        )
        parametres = (
            [quand, agent_id, assure_id, partie, unite_id]
            + [*p_derniere, partie]
            + [*p_derniere, PartieDossier.NOTES.value, *p_avant, partie]
        )
        with connexion.cursor() as curseur:
            curseur.execute(sql, parametres)


class JournalAcces(AjoutSeul):
    """Every read of a dossier: who, when, which dossier, which part. Append-only.

    One line per consultation: `perms.journaliser` does not write again what the agent's latest
    consultation of the dossier recorded less than `perms.DELAI_CONSULTATION` ago."""

    objects = JournalAccesQuerySet.as_manager()

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="agent",
    )
    date = models.DateTimeField("date", auto_now_add=True, db_index=True)
    assure = models.ForeignKey(
        Assure, on_delete=models.PROTECT, related_name="+", verbose_name="dossier de"
    )
    partie = models.CharField("partie consultée", max_length=20, choices=PartieDossier.choices)
    # The reader's unit at the time of the read: the manager of that unit reviews its log.
    unite = models.ForeignKey(
        "organisation.Unite",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="unité de l'agent",
    )

    class Meta:
        verbose_name = "consultation de dossier"
        verbose_name_plural = "journal des consultations"
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["assure", "date"], name="journal_assure"),
            models.Index(fields=["unite", "date"], name="journal_unite"),
            # The log's filter by agent, and the list of the agents who appear in it.
            models.Index(fields=["unite", "agent", "date"], name="journal_unite_agent"),
        ]

    def __str__(self) -> str:
        return f"{self.agent} — {self.get_partie_display()} — {self.date:%d/%m/%Y %H:%M}"
