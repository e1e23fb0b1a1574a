"""The aggregates behind every indicator (DESIGN §3), as plain SQL run by the database.

The same statements run on SQLite, PostgreSQL and — in `bench/rapport.py`, as the reference
timing — DuckDB: standard SQL with a window function, one fragment per dialect for the number of
days between two dates. Each statement groups by unit (or by the level asked), so a whole report
is a handful of scans; the folding of units into départements and régions happens on the few
grouped rows, in Python. Statistics read from the replica where `DATABASE_REPLICA_URL` is set.
"""

from collections.abc import Sequence
from datetime import date

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from parcours.dossiers.enums import IssueAccompagnement
from parcours.dossiers.models import Accompagnement, Entretien, Mission, Signalement
from parcours.organisation.models import Unite

# PDP outcomes (DESIGN §3).
ISSUES_EMPLOI = (
    IssueAccompagnement.REPRISE_POSTE,
    IssueAccompagnement.POSTE_AMENAGE,
    IssueAccompagnement.RECLASSEMENT,
    IssueAccompagnement.NOUVEL_EMPLOI,
)
ISSUES_MAINTIEN = (IssueAccompagnement.FORMATION, IssueAccompagnement.FRANCE_TRAVAIL)

JOURS_ENTRE = {
    "sqlite": "CAST(julianday({fin}) - julianday({debut}) AS INTEGER)",
    "postgresql": "({fin} - {debut})",
    "duckdb": "({fin} - {debut})",
}

# Table names from the models (a model that changes its table changes the statements too).
ENTRETIENS = Entretien._meta.db_table
ACCOMPAGNEMENTS = Accompagnement._meta.db_table
MISSIONS = Mission._meta.db_table
SIGNALEMENTS = Signalement._meta.db_table
UNITES = Unite._meta.db_table


def connexion_statistiques() -> BaseDatabaseWrapper:
    """The replica where one is configured, else the main database."""
    return connections["replica" if "replica" in connections.settings else "default"]


def _dans(colonne: str, unites: Sequence[int] | None, params: list) -> str:
    """` AND colonne IN (…)` for a scope; nothing for the whole country."""
    if unites is None:
        return ""
    params.extend(unites)
    return f" AND {colonne} IN ({', '.join(['%s'] * len(unites))})" if unites else " AND 1 = 0"


def _liste(valeurs: Sequence[str], params: list) -> str:
    params.extend(str(v) for v in valeurs)
    return ", ".join(["%s"] * len(valeurs))


def sql_entretiens(annee: int, unites: Sequence[int] | None) -> tuple[str, list]:
    """Interviews held in the year: (unit, mission or NULL, mode, count)."""
    params: list = [date(annee, 1, 1), date(annee, 12, 31), False]
    sql = (
        f"SELECT e.unite_id, a.mission_id, e.mode, COUNT(*) "
        f"FROM {ENTRETIENS} e LEFT JOIN {ACCOMPAGNEMENTS} a ON a.id = e.accompagnement_id "
        f"WHERE e.date >= %s AND e.date <= %s AND e.annule = %s"
        + _dans("e.unite_id", unites, params)
        + " GROUP BY e.unite_id, a.mission_id, e.mode"
    )
    return sql, params


def sql_entretiens_par_mois(annee: int, unites: Sequence[int] | None) -> tuple[str, list]:
    """Interviews held in the year by month (1–12), for the dashboard's chart."""
    params: list = []
    branches = []
    for mois in range(2, 13):
        branches.append(f"WHEN e.date < %s THEN {mois - 1}")
        params.append(date(annee, mois, 1))
    params += [date(annee, 1, 1), date(annee, 12, 31), False]
    sql = (
        f"SELECT CASE {' '.join(branches)} ELSE 12 END AS mois, COUNT(*) "
        f"FROM {ENTRETIENS} e WHERE e.date >= %s AND e.date <= %s AND e.annule = %s"
        + _dans("e.unite_id", unites, params)
        + " GROUP BY mois"
    )
    return sql, params


def sql_accompagnements(
    annee: int, unites: Sequence[int] | None, dialecte: str
) -> tuple[str, list]:
    """Accompaniments active in the year by (unit, mission): active, opened, closed in the
    year, days of the closed ones, PDP outcomes of the closed ones."""
    debut, fin = date(annee, 1, 1), date(annee, 12, 31)
    jours = JOURS_ENTRE[dialecte].format(fin="a.date_fin", debut="a.date_debut")
    params: list = [debut, fin, fin, fin]
    emploi = _liste(ISSUES_EMPLOI, params)
    params.append(fin)
    maintien = _liste(ISSUES_MAINTIEN, params)
    params += [fin, debut]
    sql = (
        "SELECT a.unite_id, a.mission_id, COUNT(*), "
        "SUM(CASE WHEN a.date_debut >= %s THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN a.date_fin <= %s THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN a.date_fin <= %s THEN {jours} ELSE 0 END), "
        f"SUM(CASE WHEN a.date_fin <= %s AND a.issue IN ({emploi}) THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN a.date_fin <= %s AND a.issue IN ({maintien}) THEN 1 ELSE 0 END) "
        f"FROM {ACCOMPAGNEMENTS} a "
        "WHERE a.date_debut <= %s AND (a.date_fin IS NULL OR a.date_fin >= %s)"
        + _dans("a.unite_id", unites, params)
        + " GROUP BY a.unite_id, a.mission_id"
    )
    return sql, params


NIVEAUX = {"ensemble": None, "departement": "u.departement_id", "unite": "a.unite_id"}


def sql_assures_par_axe(annee: int, unites: Sequence[int] | None, niveau: str) -> tuple[str, list]:
    """Persons followed in the year, each counted once per level (the whole scope, each
    département, each unit), under the axis of their most recently opened active
    accompaniment there: (level, axis, count)."""
    colonne = NIVEAUX[niveau] or "''"
    partition = "a.assure_id" if NIVEAUX[niveau] is None else f"a.assure_id, {colonne}"
    params: list = [date(annee, 12, 31), date(annee, 1, 1)]
    sql = (
        "SELECT t.niveau, t.axe, COUNT(*) FROM ("
        f"SELECT {colonne} AS niveau, m.axe AS axe, ROW_NUMBER() OVER ("
        f"PARTITION BY {partition} ORDER BY a.date_debut DESC, a.id DESC) AS rang "
        f"FROM {ACCOMPAGNEMENTS} a "
        f"JOIN {MISSIONS} m ON m.id = a.mission_id "
        f"JOIN {UNITES} u ON u.id = a.unite_id "
        "WHERE a.date_debut <= %s AND (a.date_fin IS NULL OR a.date_fin >= %s)"
        + _dans("a.unite_id", unites, params)
        + ") t WHERE t.rang = 1 GROUP BY t.niveau, t.axe"
    )
    return sql, params


def sql_signalements(annee: int, unites: Sequence[int] | None) -> tuple[str, list]:
    """Signalements received in the year: (unit, source, triage status, count)."""
    params: list = [date(annee, 1, 1), date(annee, 12, 31)]
    sql = (
        f"SELECT s.unite_id, s.source, s.statut, COUNT(*) FROM {SIGNALEMENTS} s "
        "WHERE s.date >= %s AND s.date <= %s"
        + _dans("s.unite_id", unites, params)
        + " GROUP BY s.unite_id, s.source, s.statut"
    )
    return sql, params


def executer(requete: tuple[str, list]) -> list[tuple]:
    sql, params = requete
    with connexion_statistiques().cursor() as curseur:
        curseur.execute(sql, params)
        return curseur.fetchall()


def dialecte() -> str:
    return connexion_statistiques().vendor
