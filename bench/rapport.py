"""Benchmark: the annual report's statistics, for a région and for all France, beside DuckDB.

    .venv/bin/python bench/rapport.py                        # région (50,000), then national
    .venv/bin/python bench/rapport.py --seulement region     # région only
    .venv/bin/python bench/rapport.py --entretiens 200000    # national 200,000, région 10,000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_bench .venv/bin/python \\
        bench/rapport.py --seulement region

Synthetic activity is written in bulk: for the région, one organisme with 9 units over the
8 départements of Midi-Pyrénées (région 76), `--entretiens / 20` interviews in the year (about
15 % without accompaniment, 5 % cancelled) and half as many in the year before, ≈ 0.3
accompaniment per interview spread over both years (0.9 person per accompaniment), a
signalement for a quarter of the persons. Nationally, 14 organismes (one per metropolitan
région, two in Occitanie) with two units per département bring the year to `--entretiens`
interviews in all.

Timed, best of 3 after a warm-up: the whole report of the région's organisme (`construire`:
figures and secrecy, not the PDF), and the national figures (`calculer` for all France: the
same grouped statements with no unit filter, persons counted for the whole country and per
département). Beside each, the same statements of `parcours.statistiques.requetes`, run on an
in-memory DuckDB copy of the same rows (export time printed apart), their results compared row
for row. Targets: a région under 1 s, the nation under 10 s, at most twice DuckDB's time. A fresh
SQLite database is used unless DATABASE_URL is set (that database is emptied first, created if
missing). No time limit fails.
"""

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))
from bench._base import preparer_base  # noqa: E402

ANNEE = 2024
CIBLE_REGION = 1.0
CIBLE_NATIONAL = 10.0
CIBLE_RATIO = 2.0
LOT = 20_000
DEPARTEMENTS_REGION = ["09", "12", "31", "31", "32", "46", "65", "81", "82"]  # Midi-Pyrénées
LANGUEDOC_ROUSSILLON = ["11", "30", "34", "48", "66"]
REGIONS_OUTRE_MER = ["01", "02", "03", "04", "06"]
MISSIONS = [("PDP", 45), ("PARCOURS_SANTE", 35), ("RETOUR_DOMICILE", 12), ("PASSAGE_RETRAITE", 8)]
MODES = [("LIEU_ACCUEIL", 30), ("DOMICILE", 15), ("TELEPHONE", 40), ("VISIO", 10), ("AUTRE", 5)]
ISSUES_PDP = [
    "REPRISE_POSTE",
    "POSTE_AMENAGE",
    "RECLASSEMENT",
    "NOUVEL_EMPLOI",
    "FORMATION",
    "FRANCE_TRAVAIL",
    "INVALIDITE",
    "OBJECTIFS_ATTEINTS",
    "INJOIGNABLE",
]
ISSUES_AUTRES = [
    "OBJECTIFS_ATTEINTS",
    "ORIENTATION_PARTENAIRE",
    "FIN_A_L_INITIATIVE_ASSURE",
    "INJOIGNABLE",
    "DEMENAGEMENT",
    "DECES",
    "AUTRE",
]
# The columns the statements read, with their DuckDB types.
COLONNES = {
    "dossiers_entretien": {
        "id": "BIGINT",
        "accompagnement_id": "BIGINT",
        "unite_id": "BIGINT",
        "date": "DATE",
        "mode": "VARCHAR",
        "annule": "BOOLEAN",
    },
    "dossiers_accompagnement": {
        "id": "BIGINT",
        "assure_id": "BIGINT",
        "mission_id": "BIGINT",
        "unite_id": "BIGINT",
        "date_debut": "DATE",
        "date_fin": "DATE",
        "issue": "VARCHAR",
    },
    "dossiers_mission": {"id": "BIGINT", "axe": "VARCHAR"},
    "dossiers_signalement": {
        "unite_id": "BIGINT",
        "date": "DATE",
        "source": "VARCHAR",
        "statut": "VARCHAR",
    },
    "organisation_unite": {"id": "BIGINT", "departement_id": "VARCHAR"},
}


class Structure:
    """Units with their agents and reception places, for the generator."""

    def __init__(self, unites: list) -> None:
        from parcours.organisation.models import Agent, LieuAccueil

        self.unites = [u.pk for u in unites]
        self.agents: dict[int, list[int]] = {u: [] for u in self.unites}
        for pk, unite in Agent.objects.filter(unite__in=self.unites).values_list("pk", "unite"):
            self.agents[unite].append(pk)
        self.lieux: dict[int, list[int]] = {u: [] for u in self.unites}
        for pk, unite in LieuAccueil.objects.filter(unite__in=self.unites).values_list(
            "pk", "unite"
        ):
            self.lieux[unite].append(pk)


def creer_organisme(code: str, nom: str, region: str, departements: list[str]):
    """An organisme with a unit per département listed, 6 agents and 2 reception places each."""
    from parcours.organisation.enums import Role
    from parcours.organisation.models import Agent, LieuAccueil, Organisme, Unite
    from parcours.territoire.models import Commune

    organisme = Organisme.objects.create(code=code, nom=nom, region_id=region)
    unites = Unite.objects.bulk_create(
        Unite(code=f"{code}-U{n}", nom=f"Unité {code} {n}", organisme=organisme, departement_id=d)
        for n, d in enumerate(departements)
    )
    Agent.objects.bulk_create(
        Agent(
            matricule=f"{u.code}-A{k}",
            nom="Agent",
            prenom=f"{u.code} {k}",
            role=Role.ASS,
            unite=u,
            organisme=organisme,
            password="!",
        )
        for u in unites
        for k in range(6)
    )
    communes = {}
    for d in set(departements):
        communes[d] = (
            Commune.objects.filter(departement_id=d)
            .order_by("-population", "code")
            .values_list("code", flat=True)
            .first()
        )
    LieuAccueil.objects.bulk_create(
        LieuAccueil(
            code=f"{u.code}-L{k}",
            nom=f"Lieu {u.code} {k}",
            commune_id=communes[u.departement_id],
            latitude=44.0,
            longitude=1.35,
            unite=u,
        )
        for u in unites
        for k in range(2)
    )
    return organisme


def _inserer(modele, lignes: list[dict]) -> None:
    from django.db import transaction

    from parcours.imports.engine import Insertion

    insertion = Insertion(modele)
    for debut in range(0, len(lignes), LOT):
        with transaction.atomic():
            insertion(lignes[debut : debut + LOT])


def _ids(modele, cle: str, avant: int) -> dict[str, int]:
    return dict(modele.objects.filter(pk__gt=avant).values_list(cle, "pk"))


def _dernier_id(modele) -> int:
    return modele.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def peupler(
    structure: Structure, nb_entretiens: int, prefixe: str, premiere_personne: int, graine: int
) -> dict[str, int]:
    """Persons, accompaniments over the year and the one before, interviews, signalements."""
    from stdnum.fr import nir as stdnum_nir

    from parcours.dossiers.models import Accompagnement, Assure, Entretien, Mission, Signalement

    alea = random.Random(graine)
    mission_de = dict(Mission.objects.values_list("code", "pk"))
    codes_missions = [m for m, _ in MISSIONS]
    poids_missions = [p for _, p in MISSIONS]
    codes_modes = [m for m, _ in MODES]
    poids_modes = [p for _, p in MODES]
    nb_acc = max(1, round(nb_entretiens * 0.3))
    nb_personnes = max(1, round(nb_acc * 0.9))
    origine = date(ANNEE - 1, 1, 1)
    nb_jours = (date(ANNEE, 12, 31) - origine).days + 1
    limite_fin = date(ANNEE + 1, 3, 31)

    # Persons, each in a unit (where their accompaniments mostly are).
    avant = _dernier_id(Assure)
    nirs, unite_de_personne, personnes = [], [], []
    for k in range(nb_personnes):
        i = premiere_personne + k
        base = f"{1 + i % 2}{60 + (i // 2) % 40:02d}{1 + (i // 80) % 12:02d}82"
        base += f"{(i // 960) % 1000:03d}{(i // 960000) % 1000:03d}"
        nir = base + stdnum_nir.calc_check_digits(base)
        nirs.append(nir)
        unite_de_personne.append(alea.choice(structure.unites))
        personnes.append(
            {
                "nir": nir,
                "nom": f"NOM{i}",
                "prenom": "PRENOM",
                "recherche": f"NOM{i} PRENOM",
                "date_naissance": date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
                "sexe": "MF"[i % 2],
            }
        )
    _inserer(Assure, personnes)
    id_de_nir = _ids(Assure, "nir", avant)
    id_personne = [id_de_nir[n] for n in nirs]
    del personnes, id_de_nir

    # Accompaniments: one per person, a second one for a tenth of them (a fifth of those in
    # another unit), opened over the two years, most of the older ones closed.
    avant = _dernier_id(Accompagnement)
    accompagnements, periodes = [], []
    for k in range(nb_acc):
        if k < nb_personnes:
            p, unite = k, unite_de_personne[k]
        else:
            p = alea.randrange(nb_personnes)
            unite = unite_de_personne[p] if alea.random() < 0.8 else alea.choice(structure.unites)
        mission = alea.choices(codes_missions, poids_missions)[0]
        debut = origine + timedelta(days=alea.randrange(nb_jours))
        fin, issue = None, ""
        if alea.random() < (0.75 if debut.year < ANNEE else 0.4):
            fin = debut + timedelta(days=alea.randint(20, 420))
            if fin > limite_fin:
                fin = None
            else:
                issue = alea.choice(ISSUES_PDP if mission == "PDP" else ISSUES_AUTRES)
        accompagnements.append(
            {
                "ref": f"{prefixe}A{k}",
                "assure_id": id_personne[p],
                "mission_id": mission_de[mission],
                "date_debut": debut,
                "date_fin": fin,
                "issue": issue,
                "referent_id": alea.choice(structure.agents[unite]),
                "unite_id": unite,
            }
        )
        periodes.append((p, unite, debut, fin))
    _inserer(Accompagnement, accompagnements)
    id_de_ref = _ids(Accompagnement, "ref", avant)
    id_acc = [id_de_ref[a["ref"]] for a in accompagnements]
    del accompagnements, id_de_ref

    # Interviews of the year, and half as many in the year before.
    total_entretiens = 0
    for annee, nombre in ((ANNEE, nb_entretiens), (ANNEE - 1, nb_entretiens // 2)):
        premier, dernier = date(annee, 1, 1), date(annee, 12, 31)
        actifs = []
        for k, (_, _, debut, fin) in enumerate(periodes):
            bas, haut = max(debut, premier), min(fin or dernier, dernier)
            if bas <= haut:
                actifs.append((k, bas, (haut - bas).days))
        entretiens = []
        for j in range(nombre):
            if alea.random() < 0.15 or not actifs:
                p = alea.randrange(nb_personnes)
                unite, acc = unite_de_personne[p], None
                jour = premier + timedelta(days=alea.randrange((dernier - premier).days + 1))
            else:
                k, bas, etendue = alea.choice(actifs)
                p, unite, _, _ = periodes[k]
                acc = id_acc[k]
                jour = bas + timedelta(days=alea.randint(0, etendue))
            mode = alea.choices(codes_modes, poids_modes)[0]
            entretiens.append(
                {
                    "ref": f"{prefixe}E{annee}-{j}",
                    "assure_id": id_personne[p],
                    "accompagnement_id": acc,
                    "date": jour,
                    "mode": mode,
                    "lieu_accueil_id": (
                        alea.choice(structure.lieux[unite]) if mode == "LIEU_ACCUEIL" else None
                    ),
                    "duree_minutes": 45,
                    "agent_id": alea.choice(structure.agents[unite]),
                    "annule": alea.random() < 0.05,
                    "unite_id": unite,
                }
            )
            if len(entretiens) == LOT:
                _inserer(Entretien, entretiens)
                total_entretiens += len(entretiens)
                entretiens = []
        _inserer(Entretien, entretiens)
        total_entretiens += len(entretiens)

    # Signalements for a quarter of the persons, a few not routed to any unit.
    sources = [
        "SERVICE_MEDICAL",
        "CPAM_MISAS",
        "CPAM_ACCUEIL",
        "SERVICE_SOCIAL_HOSPITALIER",
        "MEDECIN_TRAVAIL",
        "ASSURE",
    ]
    statuts = ["A_TRAITER", "ACCOMPAGNEMENT_OUVERT", "INTERVENTION_PONCTUELLE", "HORS_CHAMP"]
    signalements = []
    for k in range(nb_personnes // 4):
        p = alea.randrange(nb_personnes)
        signalements.append(
            {
                "ref": f"{prefixe}S{k}",
                "assure_id": id_personne[p],
                "date": origine + timedelta(days=alea.randrange(nb_jours)),
                "source": alea.choice(sources),
                "motif": "Arrêt de travail long",
                "unite_id": unite_de_personne[p] if alea.random() < 0.99 else None,
                "statut": alea.choice(statuts),
            }
        )
    _inserer(Signalement, signalements)
    return {
        "personnes": nb_personnes,
        "accompagnements": nb_acc,
        "entretiens": total_entretiens,
        "signalements": len(signalements),
    }


def ecrire(peuplement: Callable[[], dict[str, int]]) -> dict[str, int]:
    """Run a bulk write (SQLite with a larger page cache, then the default again), ANALYZE."""
    from django.db import connection

    with connection.cursor() as curseur:
        if connection.vendor == "sqlite":
            curseur.execute("PRAGMA cache_size")
            cache = curseur.fetchone()[0]
            curseur.execute("PRAGMA cache_size = -500000")  # 500 MB: index pages stay in memory
        try:
            comptes = peuplement()
        finally:
            if connection.vendor == "sqlite":
                curseur.execute(f"PRAGMA cache_size = {int(cache)}")
        curseur.execute("ANALYZE")
    return comptes


def vers_duckdb(dossier: Path):
    """An in-memory DuckDB database holding the statements' columns of the five tables."""
    import duckdb

    from parcours.statistiques.requetes import connexion_statistiques

    connexion = connexion_statistiques()
    base = duckdb.connect()
    lignes = 0
    for table, colonnes in COLONNES.items():
        chemin = dossier / f"{table}.csv"
        formats = []
        for genre in colonnes.values():
            if genre == "VARCHAR":
                formats.append(lambda v: '"' + v.replace('"', '""') + '"')
            elif genre == "BOOLEAN":
                formats.append(lambda v: "true" if v else "false")
            else:
                formats.append(str)
        noms = ", ".join(connexion.ops.quote_name(c) for c in colonnes)
        with connexion.cursor() as curseur, chemin.open("w", encoding="utf-8") as fichier:
            curseur.execute(f"SELECT {noms} FROM {table}")
            while rangees := curseur.fetchmany(50_000):
                lignes += len(rangees)
                fichier.writelines(
                    ",".join(
                        "" if v is None else f(v) for f, v in zip(formats, rangee, strict=True)
                    )
                    + "\n"
                    for rangee in rangees
                )
        types = ", ".join(f"'{c}': '{genre}'" for c, genre in colonnes.items())
        base.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv('{chemin}', header = false, "
            f"auto_detect = false, columns = {{{types}}}, quote = '\"', escape = '\"', "
            "allow_quoted_nulls = false)"
        )
    return base, lignes


def requetes_du_perimetre(ids: list[int] | None, dialecte: str) -> dict[str, tuple[str, list]]:
    """The statements `calculer` runs for a scope whose parts are départements."""
    from parcours.statistiques import requetes

    return {
        "entretiens": requetes.sql_entretiens(ANNEE, ids),
        "accompagnements": requetes.sql_accompagnements(ANNEE, ids, dialecte),
        "signalements": requetes.sql_signalements(ANNEE, ids),
        "assurés (ensemble)": requetes.sql_assures_par_axe(ANNEE, ids, "ensemble"),
        "assurés (départements)": requetes.sql_assures_par_axe(ANNEE, ids, "departement"),
    }


def meilleur_de_3(fonction: Callable[[], object]) -> tuple[float, object]:
    resultat = fonction()  # warm-up
    durees = []
    for _ in range(3):
        debut = time.perf_counter()
        resultat = fonction()
        durees.append(time.perf_counter() - debut)
    return min(durees), resultat


def normaliser(lignes: list[tuple]) -> list[tuple]:
    rangees = [
        tuple(int(v) if isinstance(v, int | Decimal) else v for v in ligne) for ligne in lignes
    ]
    return sorted(rangees, key=lambda r: tuple((v is None, str(v)) for v in r))


def mesurer(
    titre: str,
    produit: Callable[[], object],
    ids: list[int] | None,
    duck,
    cible: float,
) -> None:
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from parcours.statistiques import requetes

    duree, _ = meilleur_de_3(produit)
    nb_requetes = 0
    for alias in connections:
        with CaptureQueriesContext(connections[alias]) as capture:
            produit()
        nb_requetes += len(capture)
    cote_produit = requetes_du_perimetre(ids, requetes.dialecte())
    cote_duck = requetes_du_perimetre(ids, "duckdb")
    total_duck, identiques, details = 0.0, True, []
    for nom, (sql, params) in cote_duck.items():
        requete = sql.replace("%s", "?")
        t_duck, res_duck = meilleur_de_3(lambda r=requete, p=params: duck.execute(r, p).fetchall())
        t_sql, res_sql = meilleur_de_3(lambda q=cote_produit[nom]: requetes.executer(q))
        total_duck += t_duck
        pareil = normaliser(res_sql) == normaliser(res_duck)
        identiques &= pareil
        details.append(
            f"    {nom:<24} base {t_sql:7.3f} s  DuckDB {t_duck:7.3f} s  "
            f"×{t_sql / t_duck:6.1f}  {len(res_sql):>5} lignes  "
            f"identiques : {'oui' if pareil else 'non'}"
        )
    print(
        f"  {titre:<34} {duree:7.3f} s  {nb_requetes:>3} requêtes SQL  "
        f"cible {cible:.0f} s : ratio {duree / cible:.2f}"
    )
    print(
        f"  {'mêmes agrégats sur DuckDB':<34} {total_duck:7.3f} s  {len(cote_duck):>3} requêtes SQL"
    )
    rapport = duree / total_duck
    print(
        f"  {'produit / DuckDB':<34} {rapport:7.1f}    cible ≤ {CIBLE_RATIO:.0f} : "
        f"ratio {rapport / CIBLE_RATIO:.2f}"
    )
    print(f"  identiques : {'oui' if identiques else 'non'}")
    print("  détail (meilleur de 3, une requête à la fois) :")
    print("\n".join(details))


def nombre(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def decrire(comptes: dict[str, int], duree: float) -> str:
    return (
        f"{nombre(comptes['personnes'])} assurés, "
        f"{nombre(comptes['accompagnements'])} accompagnements, "
        f"{nombre(comptes['entretiens'])} entretiens (dont {nombre(comptes['annee'])} en {ANNEE}), "
        f"{nombre(comptes['signalements'])} signalements, écrits en {duree:.1f} s"
    )


def main() -> None:
    parametres = argparse.ArgumentParser()
    parametres.add_argument(
        "--entretiens",
        type=int,
        default=1_000_000,
        help="interviews of the year nationally; the région gets a twentieth",
    )
    parametres.add_argument("--seulement", choices=["region", "national"])
    args = parametres.parse_args()
    cas = [args.seulement] if args.seulement else ["region", "national"]
    nb_region = args.entretiens // 20

    dossier = Path(preparer_base("parcours-bench-rapport-"))
    from django.db import connection

    from parcours.organisation.models import Organisme, Unite
    from parcours.statistiques.indicateurs import Perimetre, calculer
    from parcours.statistiques.rapport import construire
    from parcours.territoire.chargement import charger_geographie
    from parcours.territoire.models import Departement, Region

    debut = time.perf_counter()
    charger_geographie(region=None if "national" in cas else "76")
    print(
        f"Base : {connection.vendor} ({connection.settings_dict['NAME']}) ; "
        f"géographie chargée en {time.perf_counter() - debut:.1f} s"
    )

    organisme = creer_organisme("BENCH", "Carsat de mesure", "76", DEPARTEMENTS_REGION)
    deja = 0
    if "region" in cas:
        print(
            f"== Une région : {organisme.nom}, {len(DEPARTEMENTS_REGION)} unités, "
            f"{len(set(DEPARTEMENTS_REGION))} départements =="
        )
        debut = time.perf_counter()
        structure = Structure(list(organisme.unites.all()))
        comptes = ecrire(lambda: peupler(structure, nb_region, "R", 0, 1))
        comptes["annee"] = deja = nb_region
        print(f"  données : {decrire(comptes, time.perf_counter() - debut)}")
        debut = time.perf_counter()
        duck, lignes = vers_duckdb(dossier)
        print(
            f"  export vers DuckDB : {nombre(lignes)} lignes en {time.perf_counter() - debut:.1f} s"
        )
        ids = list(organisme.unites.values_list("pk", flat=True))
        mesurer(
            "rapport de la région (construire)",
            lambda: construire(organisme, ANNEE),
            ids,
            duck,
            CIBLE_REGION,
        )
        duck.close()

    if "national" in cas:
        print("== France entière (métropole) ==")
        structures = [] if deja else [organisme]
        for region in Region.objects.exclude(code__in=REGIONS_OUTRE_MER).order_by("code"):
            if region.code == "76":
                departements = LANGUEDOC_ROUSSILLON
            else:
                departements = list(
                    Departement.objects.filter(region=region).values_list("code", flat=True)
                )
            structures.append(
                creer_organisme(
                    f"BENCH{region.code}", f"Carsat {region.nom}", region.code, departements * 2
                )
            )
        unites = list(Unite.objects.filter(organisme__in=structures))
        debut = time.perf_counter()
        nb = args.entretiens - deja
        structure = Structure(unites)
        comptes = ecrire(lambda: peupler(structure, nb, "N", 10_000_000, 2))
        comptes["annee"] = nb
        print(
            f"  {Organisme.objects.count()} organismes, {Unite.objects.count()} unités, "
            f"{Departement.objects.filter(unites__isnull=False).distinct().count()} départements"
        )
        etiquette = "données ajoutées" if deja else "données"
        print(f"  {etiquette} : {decrire(comptes, time.perf_counter() - debut)}")
        debut = time.perf_counter()
        duck, lignes = vers_duckdb(dossier)
        print(
            f"  export vers DuckDB : {nombre(lignes)} lignes en {time.perf_counter() - debut:.1f} s"
        )
        mesurer(
            "chiffres nationaux (calculer)",
            lambda: calculer(ANNEE, Perimetre(None)),
            None,
            duck,
            CIBLE_NATIONAL,
        )
        print(f"== La région {organisme.nom}, dans la base nationale ==")
        mesurer(
            "rapport de la région (construire)",
            lambda: construire(organisme, ANNEE),
            list(organisme.unites.values_list("pk", flat=True)),
            duck,
            CIBLE_REGION,
        )
        duck.close()


if __name__ == "__main__":
    main()
