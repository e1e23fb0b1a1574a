"""Benchmark: appointment reminders (half SMS, half e-mail) queued with their receipts and sent
by real worker processes through the file backends.

    .venv/bin/python bench/messages.py                    # 10,000 messages, SQLite
    .venv/bin/python bench/messages.py --postgres         # the same on a temporary PostgreSQL base
    .venv/bin/python bench/messages.py --messages 2000 --travailleurs 1

A fresh SQLite database in a temporary folder (or, with `--postgres`, a database created on
postgres://postgres@127.0.0.1:5432 and dropped at the end), production settings
(`parcours.settings.prod`, DEBUG off) with the database task backend, the SMS file backend and
Django's file e-mail backend writing into the temporary folder.

1. `--messages` reminders are queued as the day's reminders are, with `envoyer_lot()` (receipts
   in bulk, one task per hundred messages; `--unitaire`: one `envoyer()` and one task each), no
   worker running: the time and rate of queueing are printed.
2. One worker process (`manage.py travailleur`, as its systemd unit runs it) is started and the
   clock runs until every receipt says « ENVOYE »: time and rate (target ≥ 500 messages/s),
   and the queue's latency (task enqueued → started, from the queue's own rows). With the whole
   batch queued at once, that latency measures the backlog, not the queue.
3. The latency that means something: a fresh worker runs, idle, and `--filet` messages are
   queued at `--cadence` messages/s, as a schedule or a page would; its p95 is the figure for
   the target (< 2 s). An idle worker looks at the queue every second (its default
   `--interval`, as in production): that second is most of it.
4. The batch again with two workers (`--travailleurs 1,2`), if the first run leaves time for it.

Workers are always stopped, the temporary folder removed and the temporary PostgreSQL database
dropped. No time limit fails.
"""

import argparse
import itertools
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

CIBLE_DEBIT = 500.0  # messages/s on SQLite
CIBLE_P95 = 2.0  # seconds, task enqueued → started
BUDGET = 150.0  # seconds of sending after which the run with more workers is cut down
POSTGRES = "postgres://postgres@127.0.0.1:5432"
RDV = {"date": "mardi 15 décembre", "heure": "14 h 30", "lieu": "Agence de Montauban"}
TACHES = ("parcours.messagerie.envois.expedier", "parcours.messagerie.envois.expedier_lot")
NUMEROS = itertools.count(1)  # of the workers' log files


def configurer(dossier: Path, url: str) -> None:
    """The environment of this process and of the workers it starts."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "parcours.settings.prod",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),  # a throwaway key for the run
            "DJANGO_ALLOWED_HOSTS": "localhost",
            "DATABASE_URL": url,
            "PARCOURS_VAR_DIR": str(dossier / "var"),
            # The file backends, whatever this shell's environment says.
            "PARCOURS_SMTP_HOTE": "",
            "PARCOURS_SMS_BACKEND": "parcours.messagerie.sms.FichierBackend",
            "PYTHONUNBUFFERED": "1",
        }
    )
    os.environ.pop("DATABASE_REPLICA_URL", None)


class Travailleurs:
    """Worker processes, each logging into a file of the temporary folder."""

    def __init__(self, dossier: Path) -> None:
        self.dossier = dossier
        self.processus: list[subprocess.Popen] = []

    def demarrer(self, nombre: int) -> None:
        for _ in range(nombre):
            journal = open(self.dossier / f"travailleur-{next(NUMEROS)}.log", "wb")  # noqa: SIM115
            self.processus.append(
                subprocess.Popen(
                    [sys.executable, str(RACINE / "manage.py"), "travailleur"],
                    cwd=RACINE,
                    env=os.environ.copy(),
                    stdout=journal,
                    stderr=subprocess.STDOUT,
                )
            )
            journal.close()  # the child has its own descriptor

    def verifier(self) -> None:
        for processus in self.processus:
            if processus.poll() is not None:
                raise RuntimeError(
                    f"un travailleur s'est arrêté (code {processus.returncode}) : voir "
                    f"{self.dossier}/travailleur-*.log"
                )

    def arreter(self) -> None:
        for processus in self.processus:
            if processus.poll() is None:
                processus.terminate()  # the worker finishes its task and stops
        for processus in self.processus:
            try:
                processus.wait(10)
            except subprocess.TimeoutExpired:
                processus.kill()
                processus.wait()
        self.processus.clear()


def _message(i: int) -> dict:
    from parcours.messagerie.models import Canal

    if i % 2:
        canal, adresse = Canal.COURRIEL, f"personne{i}@exemple.invalid"
    else:
        canal, adresse = Canal.SMS, f"06{i % 100_000_000:08d}"
    return {
        "canal": canal,
        "modele": "rappel_rendez_vous",
        "adresse": adresse,
        "contexte": RDV,
        "personne_id": i + 1,
    }


def mettre_en_file(
    nombre: int, debut: int, cadence: float | None = None, unitaire: bool = True
) -> float:
    """Queue `nombre` reminders, alternately SMS and e-mail (at `cadence` messages/s if given):
    one `envoyer()` each, or (`unitaire=False`) as the day's reminders go, `envoyer_lot()` by
    thousands (receipts in bulk, one task per hundred); returns the time it took."""
    from parcours.messagerie.envois import envoyer, envoyer_lot
    from parcours.messagerie.models import Canal

    depart = time.perf_counter()
    if not unitaire:
        for k in range(0, nombre, 1000):
            envoyer_lot([_message(debut + j) for j in range(k, min(nombre, k + 1000))])
        return time.perf_counter() - depart
    for k in range(nombre):
        if cadence:
            attente = depart + k / cadence - time.perf_counter()
            if attente > 0:
                time.sleep(attente)
        i = debut + k
        if i % 2:
            canal, adresse = Canal.COURRIEL, f"personne{i}@exemple.invalid"
        else:
            canal, adresse = Canal.SMS, f"06{i % 100_000_000:08d}"
        envoyer(
            canal=canal,
            modele="rappel_rendez_vous",
            adresse=adresse,
            contexte=RDV,
            personne_id=i + 1,
        )
    return time.perf_counter() - depart


def attendre_envois(premier: int, travailleurs: Travailleurs, delai: float) -> bool:
    """Wait until the receipts from id `premier` on are no longer queued."""
    from parcours.messagerie.models import Envoi, StatutEnvoi

    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        en_file = Envoi.objects.filter(pk__gte=premier, statut=StatutEnvoi.EN_FILE).count()
        if not en_file:
            return True
        travailleurs.verifier()
        time.sleep(0.1)
    return False


def bilan(premier: int, depuis) -> dict:
    """What the receipts from id `premier` on, and the queue's rows of their tasks (enqueued
    since `depuis`), say."""
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from parcours.messagerie.models import Envoi

    statuts = dict(
        Envoi.objects.filter(pk__gte=premier)
        .order_by()
        .values("statut")
        .annotate(n=Count("pk"))
        .values_list("statut", "n")
    )
    lignes = list(
        DBTaskResult.objects.filter(task_path__in=TACHES, enqueued_at__gte=depuis)
        .exclude(started_at=None)
        .values_list("enqueued_at", "started_at", "finished_at")
    )
    latences = sorted((debut - file).total_seconds() for file, debut, _ in lignes)
    fins = [fin for _, _, fin in lignes if fin is not None]
    premier_debut = min((debut for _, debut, _ in lignes), default=None)
    fenetre = (max(fins) - premier_debut).total_seconds() if fins else 0.0
    durees = [(fin - debut).total_seconds() for _, debut, fin in lignes if fin is not None]
    return {
        "envoyes": statuts.get("ENVOYE", 0),
        "autres": {s: n for s, n in statuts.items() if s != "ENVOYE"},
        "latences": latences,
        "fenetre": fenetre,  # first task started → last finished
        "dans_la_tache": statistics.fmean(durees) if durees else 0.0,  # started → finished
        "taches": len(lignes),
    }


def quantiles(valeurs: list[float]) -> tuple[float, float, float]:
    if len(valeurs) < 2:
        v = valeurs[0] if valeurs else float("nan")
        return v, v, v
    return statistics.median(valeurs), statistics.quantiles(valeurs, n=20)[-1], max(valeurs)


def prochain_id() -> int:
    from parcours.messagerie.models import Envoi

    dernier = Envoi.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (dernier or 0) + 1


def lot(
    dossier: Path, nombre: int, nb_travailleurs: int, debut: int, delai: float, unitaire: bool
) -> list:
    """Queue `nombre` messages, no worker running, then send them with `nb_travailleurs` fresh
    workers (stopped at the end); returns the lines of the table."""
    from django.utils import timezone

    premier, depuis = prochain_id(), timezone.now()
    duree_file = mettre_en_file(nombre, debut, unitaire=unitaire)
    print(
        f"  {nombre} messages mis en file en {duree_file:.1f} s "
        f"({nombre / duree_file:.0f} messages/s)",
        flush=True,
    )
    travailleurs = Travailleurs(dossier)
    depart = time.perf_counter()
    try:
        travailleurs.demarrer(nb_travailleurs)
        fini = attendre_envois(premier, travailleurs, delai)
        duree = time.perf_counter() - depart
    finally:
        travailleurs.arreter()
    mesure = bilan(premier, depuis)
    debit = mesure["envoyes"] / mesure["fenetre"] if mesure["fenetre"] else 0.0
    print(
        f"  {nb_travailleurs} travailleur(s) : {mesure['envoyes']} envoyés en {duree:.1f} s "
        f"démarrage des processus compris ({mesure['envoyes'] / duree:.0f} messages/s), "
        f"{mesure['fenetre']:.1f} s de la première tâche commencée à la dernière finie"
        + ("" if fini else f" — INTERROMPU après {delai:.0f} s")
        + (f" ; autres statuts : {mesure['autres']}" if mesure["autres"] else ""),
        flush=True,
    )
    if mesure["envoyes"]:
        # Where a worker's time goes, per message: in the task (started → finished: `expedier`,
        # its receipt, the log line), and between two tasks (the queue's claim in its own
        # transaction, the connection closed and opened again, the success written).
        par_message = mesure["fenetre"] * nb_travailleurs / mesure["envoyes"]
        dans = mesure["dans_la_tache"] * mesure["taches"] / mesure["envoyes"]
        print(
            f"  par message et par travailleur : {par_message * 1000:.2f} ms, dont "
            f"{dans * 1000:.2f} ms dans la tâche et {(par_message - dans) * 1000:.2f} ms entre "
            "deux tâches",
            flush=True,
        )
    return [
        (f"mise en file, {nombre} d'un coup", nombre, duree_file, None, None),
        (
            f"envoi, {nb_travailleurs} travailleur(s), file pleine",
            mesure["envoyes"],
            mesure["fenetre"],
            debit,
            mesure["latences"],
        ),
    ]


def filet(dossier: Path, nombre: int, cadence: float, debut: int) -> list:
    """One worker running and idle; `nombre` messages queued at `cadence` messages/s."""
    from django.utils import timezone

    from parcours.travaux.models import Battement

    travailleurs = Travailleurs(dossier)
    demarrage = timezone.now()
    try:
        travailleurs.demarrer(1)
        # Ready once it has beaten: its first round is done, it polls the queue next.
        limite = time.monotonic() + 30
        while time.monotonic() < limite:
            if Battement.objects.filter(demarre_le__gte=demarrage).exists():
                break
            travailleurs.verifier()
            time.sleep(0.1)
        time.sleep(1.5)  # past its random startup delay (≤ 1 s)
        premier, depuis = prochain_id(), timezone.now()
        duree_file = mettre_en_file(nombre, debut, cadence)
        fini = attendre_envois(premier, travailleurs, 60)
    finally:
        travailleurs.arreter()
    mesure = bilan(premier, depuis)
    print(
        f"  {nombre} messages mis en file en {duree_file:.1f} s "
        f"({nombre / duree_file:.0f} messages/s), {mesure['envoyes']} envoyés"
        + ("" if fini else " — INTERROMPU"),
        flush=True,
    )
    return [
        (
            f"filet à {cadence:.0f} msg/s, 1 travailleur",
            mesure["envoyes"],
            duree_file,
            None,
            mesure["latences"],
        )
    ]


def imprimer(resultats: list) -> None:
    print()
    print(
        f"{'mesure':<38} {'messages':>8} {'durée s':>8} {'msg/s':>7} {'ratio':>6} "
        f"{'p50 s':>7} {'p95 s':>7} {'max s':>7} {'ratio p95':>9}"
    )
    for libelle, nombre, duree, debit, latences in resultats:
        if debit is None:
            debit_txt, ratio_txt = (f"{nombre / duree:7.0f}" if duree else "      -"), "     -"
        else:
            debit_txt, ratio_txt = f"{debit:7.0f}", f"{debit / CIBLE_DEBIT:6.2f}"
        if latences:
            p50, p95, maxi = quantiles(latences)
            latence_txt = f"{p50:7.2f} {p95:7.2f} {maxi:7.2f} {p95 / CIBLE_P95:9.2f}"
        else:
            latence_txt = f"{'-':>7} {'-':>7} {'-':>7} {'-':>9}"
        print(f"{libelle:<38} {nombre:>8} {duree:8.1f} {debit_txt} {ratio_txt} {latence_txt}")
    print(
        f"Cibles : débit ≥ {CIBLE_DEBIT:.0f} messages/s sur SQLite (ratio ≥ 1) ; latence de la "
        f"file (mise en file → début) p95 < {CIBLE_P95:.0f} s (ratio < 1), mesurée sur le filet ;"
        " sur une file pleine, la latence mesure l'arriéré."
    )


def main() -> None:
    parametres = argparse.ArgumentParser()
    parametres.add_argument("--messages", type=int, default=10_000)
    parametres.add_argument("--travailleurs", default="1,2", help="ex. 1,2 : un lot par nombre")
    parametres.add_argument("--filet", type=int, default=200, help="messages du filet (0 : sans)")
    parametres.add_argument("--cadence", type=float, default=50.0, help="messages/s du filet")
    parametres.add_argument(
        "--postgres", action="store_true", help=f"une base créée sur {POSTGRES}"
    )
    parametres.add_argument(
        "--unitaire",
        action="store_true",
        help="un envoyer() et une tâche par message (défaut : envoyer_lot, une tâche par cent)",
    )
    args = parametres.parse_args()
    nombres = [int(n) for n in args.travailleurs.split(",") if n]

    dossier = Path(tempfile.mkdtemp(prefix="parcours-bench-messages-"))
    base_pg = f"parcours_bench_messages_{os.getpid()}" if args.postgres else None
    try:
        if base_pg:
            import psycopg

            with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connexion:
                connexion.execute(f'CREATE DATABASE "{base_pg}"')
            configurer(dossier, f"{POSTGRES}/{base_pg}")
        else:
            configurer(dossier, f"sqlite:///{dossier}/bench.sqlite3")
        executer(dossier, args, nombres)
    finally:
        if base_pg:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connexion:
                connexion.execute(f'DROP DATABASE IF EXISTS "{base_pg}" WITH (FORCE)')
        shutil.rmtree(dossier, ignore_errors=True)


def executer(dossier: Path, args, nombres: list[int]) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(
        f"Base : {connection.vendor} ; tâches : {settings.TASKS['default']['BACKEND']} ; "
        f"SMS : {settings.PARCOURS_SMS_BACKEND.rsplit('.', 1)[1]} ; "
        f"courriels : {settings.EMAIL_BACKEND.rsplit('.', 2)[1]} ; "
        f"processeurs : {os.cpu_count()}",
        flush=True,
    )
    resultats: list = []
    debut_run = time.perf_counter()
    suivant = 0
    debit_file = debit_envoi = 0.0
    for rang, nb_travailleurs in enumerate(nombres):
        nombre = args.messages
        reste = BUDGET - (time.perf_counter() - debut_run)
        if rang:
            # A further batch only in the time left, cut down to fit it: queueing at the
            # rate measured, sending at the first batch's rate times the workers (at best).
            if reste < 15 or not debit_envoi:
                print(f"Lot à {nb_travailleurs} travailleurs : plus le temps, sauté")
                continue
            par_message = 1 / debit_file + nombres[0] / (debit_envoi * nb_travailleurs)
            nombre = min(nombre, int(reste / par_message)) // 2 * 2
        print(f"Lot de {nombre} messages, {nb_travailleurs} travailleur(s) :", flush=True)
        lignes = lot(dossier, nombre, nb_travailleurs, suivant, max(reste, 30.0), args.unitaire)
        resultats += lignes
        suivant += nombre
        if rang == 0:
            debit_file = lignes[0][1] / lignes[0][2]
            debit_envoi = lignes[1][3]
            if args.filet:
                print(f"Filet de {args.filet} messages à {args.cadence:.0f}/s :", flush=True)
                resultats += filet(dossier, args.filet, args.cadence, suivant)
                suivant += args.filet
    imprimer(resultats)


if __name__ == "__main__":
    main()
