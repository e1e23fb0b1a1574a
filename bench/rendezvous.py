"""Benchmark: appointments — « next free slots near this commune », and bookings at once.

    .venv/bin/python bench/rendezvous.py                       # SQLite, in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_bench_rdv \\
        .venv/bin/python bench/rendezvous.py                   # PostgreSQL (created, emptied)
    .venv/bin/python bench/rendezvous.py --recherches 100 --reservations 200 --clients 10
    .venv/bin/python bench/rendezvous.py --sans-serveur         # part 1 only

The data (DESIGN §7): a Carsat of 128 reception places (the most populous communes of
Occitanie, one to three rooms each) and 110 social workers, each with nine weekly half-days at
the places of their unit (one in five every other week) for twelve weeks, two motifs
(« Premier rendez-vous », 45 min; « Entretien de suivi », 30 min), a week's leave for one
agent in five, and 40,000 appointments booked (bulk_create), the nearest weeks the fullest.

1. « Next free slots near this commune », as the booking page asks it during a call:
   `creneaux.proposer(motif, places, commune=…, organisme=…)` for `--recherches` communes drawn
   at random: p50 and p95, and the ratio of the p95 to the target (100 ms).
2. `--reservations` bookings on loopback: the application served by scripts/servir.sh
   (gunicorn and its worker, production settings without HTTPS), `--clients` threads, each
   logged in with its own session and CSRF token, POST bookings to the booking page
   (`rendezvous:prendre`) on a small pool of overlapping slots (two durations, rooms shared by
   several agents). Then the database is checked: no two active appointments of one agent
   overlap, no place holds more appointments at once than rooms. Successes (302), slots taken
   meanwhile (409), errors and the throughput are printed.

Figures are printed beside their targets; no time fails the run (a double booking does).
"""

import argparse
import http.cookiejar
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from datetime import date, timedelta
from datetime import time as heure
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

CIBLE_MS = 100.0
LIEUX = 128
AGENTS = 110
SEMAINES = 12
RENDEZ_VOUS = 40_000
DEMI_JOURNEES = ((heure(9), heure(12)), (heure(13, 30), heure(17)))
JOURS = ("MO", "TU", "WE", "TH", "FR")
MOT_DE_PASSE = "bench-rendez-vous-2026"


def p95(valeurs: list[float]) -> float:
    return statistics.quantiles(valeurs, n=20)[-1]


# 1. The data -----------------------------------------------------------------------------------


def construire(alea: random.Random):
    """128 places, 110 agents, 12 weeks of openings, 40,000 appointments; returns the organisme,
    its motifs and the communes to search from."""
    from django.db import connection
    from django.utils import timezone

    from parcours.dossiers.models import Assure
    from parcours.organisation.enums import Role
    from parcours.organisation.models import Agent, LieuAccueil, Organisme, Unite
    from parcours.rendezvous.creneaux import a_paris, jours_feries, occurrences
    from parcours.rendezvous.enums import ModeRendezVous
    from parcours.rendezvous.models import Absence, Motif, Participation, Plage, RendezVous
    from parcours.territoire.chargement import charger_geographie
    from parcours.territoire.models import Commune

    debut_chrono = time.perf_counter()
    charger_geographie(region="76")
    print(f"Géographie de l'Occitanie : {time.perf_counter() - debut_chrono:.1f} s", flush=True)
    debut_chrono = time.perf_counter()
    organisme = Organisme.objects.create(code="BENCH", nom="Carsat de mesure", region_id="76")
    communes = list(
        Commune.objects.communes()
        .filter(departement__region_id="76")
        .order_by("-population", "code")
        .values_list("code", "nom", "departement_id", "latitude", "longitude")
    )
    choisies = communes[:LIEUX]
    par_departement: dict[str, list] = defaultdict(list)
    for commune in choisies:
        par_departement[commune[2]].append(commune)
    unites, lieux_de_unite = [], {}
    lieux = []
    for departement, dans in sorted(par_departement.items()):
        for k in range(0, len(dans), 8):
            unite = Unite.objects.create(
                code=f"BU-{departement}-{k // 8}",
                nom=f"Unité {departement}-{k // 8}",
                organisme=organisme,
                departement_id=departement,
            )
            unites.append(unite)
            lieux_de_unite[unite.pk] = []
            for code, nom, _, lat, lon in dans[k : k + 8]:
                lieu = LieuAccueil.objects.create(
                    code=f"BL-{code}",
                    nom=f"Permanence de {nom}",
                    commune_id=code,
                    latitude=lat,
                    longitude=lon,
                    unite=unite,
                    salles=alea.choice((1, 1, 2, 2, 3)),
                )
                lieux.append(lieu)
                lieux_de_unite[unite.pk].append(lieu)
    # Agents in proportion to the unit's places, at least two each.
    parts = {u.pk: max(2, round(AGENTS * len(lieux_de_unite[u.pk]) / LIEUX)) for u in unites}
    while sum(parts.values()) > AGENTS:
        plus = max(parts, key=lambda k: parts[k])
        parts[plus] -= 1
    while sum(parts.values()) < AGENTS:
        moins = min(parts, key=lambda k: parts[k] / len(lieux_de_unite[k]))
        parts[moins] += 1
    agents = []
    for unite in unites:
        for _ in range(parts[unite.pk]):
            n = len(agents)
            agents.append(
                Agent(
                    matricule=f"BA{n:04d}",
                    nom="Agent",
                    prenom=str(n),
                    role=Role.ASS,
                    unite=unite,
                    organisme=organisme,
                )
            )
    Agent.objects.bulk_create(agents)
    agents = list(Agent.objects.filter(organisme=organisme).order_by("matricule"))
    premier = Motif.objects.create(
        code="PREMIER",
        libelle="Premier rendez-vous",
        duree_minutes=45,
        mode=ModeRendezVous.LIEU_ACCUEIL,
        delai_min_heures=2,
        delai_max_jours=7 * SEMAINES,
    )
    suivi = Motif.objects.create(
        code="SUIVI",
        libelle="Entretien de suivi",
        duree_minutes=30,
        mode=ModeRendezVous.LIEU_ACCUEIL,
        delai_min_heures=2,
        delai_max_jours=7 * SEMAINES,
    )

    # Openings: nine half-days a week per agent, at the unit's places, never more agents at
    # once in a place than rooms; the room each agent takes there.
    aujourd_hui = timezone.localdate()
    lundi = aujourd_hui - timedelta(days=aujourd_hui.weekday())
    fin = lundi + timedelta(weeks=SEMAINES) - timedelta(days=1)
    occupation: Counter = Counter()
    plages, salles_de = [], {}
    for agent in agents:
        demi = [(j, d) for j in range(5) for d in range(2)]
        for j, d in alea.sample(demi, 9):
            places = [
                lieu
                for lieu in alea.sample(
                    lieux_de_unite[agent.unite_id], k=len(lieux_de_unite[agent.unite_id])
                )
                if occupation[(lieu.pk, j, d)] < lieu.salles
            ]
            if not places:
                continue
            lieu = places[0]
            occupation[(lieu.pk, j, d)] += 1
            deux = alea.random() < 0.2
            regle = f"FREQ=WEEKLY;{'INTERVAL=2;' if deux else ''}BYDAY={JOURS[j]}"
            de, a = DEMI_JOURNEES[d]
            plage = Plage(
                agent=agent,
                lieu=lieu,
                debut=de,
                fin=a,
                regle=regle,
                date_debut=lundi,
                date_fin=fin,
                code=f"{agent.matricule}|{lieu.code}|{j}|{d}",
            )
            plages.append(plage)
            salles_de[plage.code] = occupation[(lieu.pk, j, d)]
    Plage.objects.bulk_create(plages)
    plages = list(Plage.objects.filter(agent__organisme=organisme).select_related("lieu__commune"))
    lien = Plage.motifs.through
    lien.objects.bulk_create(
        [lien(plage_id=p.pk, motif_id=m.pk) for p in plages for m in (premier, suivi)]
    )
    conges = []
    for agent in alea.sample(agents, AGENTS // 5):
        semaine = lundi + timedelta(weeks=alea.randint(1, SEMAINES - 1))
        conges.append(
            Absence(
                agent=agent,
                debut=a_paris(semaine, heure(0)),
                fin=a_paris(semaine + timedelta(days=5), heure(0)),
                libelle="Congés",
            )
        )
    Absence.objects.bulk_create(conges)
    conges_de = {a.agent_id: (a.debut, a.fin) for a in conges}

    # Appointments: each half-day filled in order, slot after slot, the nearer weeks fuller;
    # then 40,000 drawn among them.
    maintenant = timezone.now()
    candidats = []
    for plage in plages:
        feries = jours_feries(plage.lieu.commune.departement_id, lundi, fin)
        for jour in occurrences(plage.regle, plage.date_debut, lundi, fin):
            if jour in feries:
                continue
            semaine = (jour - lundi).days // 7
            remplissage = 0.97 - 0.03 * semaine
            s, limite = a_paris(jour, plage.debut), a_paris(jour, plage.fin)
            conge = conges_de.get(plage.agent_id)
            while s < limite:
                motif = premier if alea.random() < 0.4 else suivi
                e = s + timedelta(minutes=motif.duree_minutes)
                if e > limite:
                    break
                en_conge = conge is not None and conge[0] < e and s < conge[1]
                if en_conge:
                    break
                if alea.random() < remplissage and e > maintenant:
                    candidats.append((plage, motif, s, e))
                s = e
    alea.shuffle(candidats)
    retenus = candidats[:RENDEZ_VOUS]
    if len(retenus) < RENDEZ_VOUS:
        print(f"  (seulement {len(retenus)} créneaux à réserver)")
    personnes = [
        Assure(
            nir=f"2{n:014d}",
            nom=f"PERSONNE{n}",
            prenom="BENCH",
            recherche=f"PERSONNE{n} BENCH",
            date_naissance=date(1960 + n % 40, 1 + n % 12, 1 + n % 28),
            sexe="F",
            commune_id=choisies[n % LIEUX][0],
        )
        for n in range(RENDEZ_VOUS // 2)
    ]
    Assure.objects.bulk_create(personnes, batch_size=5000)
    ids = list(Assure.objects.filter(prenom="BENCH").order_by("pk").values_list("pk", flat=True))
    rdvs = [
        RendezVous(
            assure_id=ids[n % len(ids)],
            motif=motif,
            lieu_id=plage.lieu_id,
            salle=salles_de[plage.code],
            agent_id=plage.agent_id,
            debut=s,
            fin=e,
        )
        for n, (plage, motif, s, e) in enumerate(retenus)
    ]
    RendezVous.objects.bulk_create(rdvs, batch_size=5000)
    Participation.objects.bulk_create(
        [
            Participation(rendez_vous_id=r.pk, agent_id=r.agent_id, debut=r.debut, fin=r.fin)
            for r in RendezVous.objects.only("pk", "agent_id", "debut", "fin")
        ],
        batch_size=5000,
    )
    with connection.cursor() as curseur:
        curseur.execute("ANALYZE")
    print(
        f"Données : {len(lieux)} lieux, {len(agents)} agents, {len(plages)} plages sur "
        f"{SEMAINES} semaines, {len(conges)} congés, {RendezVous.objects.count()} rendez-vous "
        f"({time.perf_counter() - debut_chrono:.1f} s)",
        flush=True,
    )
    return organisme, (premier, suivi), [c[0] for c in communes]


def chercher(organisme, motifs, communes, nombre: int, alea: random.Random) -> list[float]:
    """`proposer` as the booking page calls it: the organisme's places (queried each time),
    the person's commune."""
    from parcours.organisation.models import LieuAccueil
    from parcours.rendezvous.creneaux import proposer
    from parcours.territoire.models import Commune

    durees = []
    tirees = list(Commune.objects.filter(code__in=alea.sample(communes, nombre)))
    vides = 0
    for n, commune in enumerate(tirees):
        lieux = LieuAccueil.objects.actifs().filter(unite__organisme_id=organisme.pk)
        lieux = lieux.select_related("commune", "unite")
        debut = time.perf_counter()
        propositions = proposer(motifs[n % 2], lieux, commune=commune, organisme=organisme)
        durees.append((time.perf_counter() - debut) * 1000)
        vides += not propositions
    if vides:
        print(f"  ({vides} recherches sans aucun créneau)")
    return durees


# 2. Bookings on loopback -----------------------------------------------------------------------


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _url_de_la_base() -> str:
    from django.db import connection

    reglages = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{reglages['NAME']}"
    hote = reglages.get("HOST") or "127.0.0.1"
    port = reglages.get("PORT") or 5432
    return f"postgres://{reglages['USER']}@{hote}:{port}/{reglages['NAME']}"


class Serveur:
    """scripts/servir.sh (gunicorn and its worker) on the benchmark's database, production
    settings over plain HTTP, in its own process group."""

    def __init__(self, dossier: Path, ouvriers: int):
        self.dossier = dossier
        self.url = f"http://127.0.0.1:{_port_libre()}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "parcours.settings.prod",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "PARCOURS_HTTPS": "false",
            "DATABASE_URL": _url_de_la_base(),
            "PARCOURS_VAR_DIR": str(dossier / "var"),
            "PARCOURS_ADRESSE": self.url.removeprefix("http://"),
            "PARCOURS_WORKERS": str(ouvriers),
            "PARCOURS_SMTP_HOTE": "",
            "PARCOURS_SMS_BACKEND": "parcours.messagerie.sms.FichierBackend",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("DATABASE_REPLICA_URL", None)
        self.processus: subprocess.Popen | None = None

    def demarrer(self) -> None:
        (self.dossier / "var").mkdir(mode=0o700, exist_ok=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=RACINE,
            env=self.env,
            check=True,
        )
        journal = open(self.dossier / "servir.log", "wb")  # noqa: SIM115
        self.processus = subprocess.Popen(
            ["bash", "scripts/servir.sh"],
            cwd=RACINE,
            env=self.env,
            stdout=journal,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        journal.close()
        limite = time.monotonic() + 60
        while time.monotonic() < limite:
            try:
                with urllib.request.urlopen(f"{self.url}/connexion/", timeout=2) as reponse:
                    if reponse.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"le serveur ne répond pas : voir {self.dossier}/servir.log")

    def arreter(self) -> None:
        if self.processus is not None and self.processus.poll() is None:
            os.killpg(self.processus.pid, signal.SIGTERM)
            try:
                self.processus.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.processus.pid, signal.SIGKILL)
                self.processus.wait()


class Client:
    """One adviser's browser: a cookie jar, a login, the CSRF token of the session."""

    def __init__(self, url: str):
        self.url = url
        self.cookies = http.cookiejar.CookieJar()
        self.ouvreur = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _SansRedirection()
        )

    def _csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def poster(self, chemin: str, donnees: dict) -> int:
        corps = urllib.parse.urlencode({**donnees, "csrfmiddlewaretoken": self._csrf()}).encode()
        requete = urllib.request.Request(
            f"{self.url}{chemin}", data=corps, headers={"Referer": f"{self.url}{chemin}"}
        )
        try:
            with self.ouvreur.open(requete, timeout=120) as reponse:
                reponse.read()
                return reponse.status
        except urllib.error.HTTPError as erreur:
            erreur.read()
            return erreur.code

    def connecter(self, matricule: str) -> None:
        with self.ouvreur.open(f"{self.url}/connexion/", timeout=30) as reponse:
            reponse.read()
        statut = self.poster("/connexion/", {"username": matricule, "password": MOT_DE_PASSE})
        if statut != 302:
            raise RuntimeError(f"connexion de {matricule} refusée ({statut})")


class _SansRedirection(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def preparer_reservations(organisme, motifs, clients: int, reservations: int, alea):
    """The advisers (one per client), the persons (one per booking, followed by the advisers'
    unit) and the pool of overlapping slots they all try: the free slots of both motifs at the
    places nearest one commune."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from parcours.dossiers.models import Assure, Signalement
    from parcours.organisation.enums import Role
    from parcours.organisation.models import Agent, LieuAccueil
    from parcours.organisation.proximite import par_proximite
    from parcours.rendezvous.creneaux import creneaux_libres

    lieux = list(LieuAccueil.objects.filter(unite__organisme=organisme).select_related("commune"))
    centre = alea.choice(lieux)
    proches = [p.lieu for p in par_proximite(lieux, centre.commune, organisme)[:6]]
    unite = centre.unite
    mot_de_passe = make_password(MOT_DE_PASSE)
    conseillers = Agent.objects.bulk_create(
        [
            Agent(
                matricule=f"BCSAM{n:02d}",
                nom="Conseiller",
                prenom=str(n),
                role=Role.CSAM,
                unite=unite,
                organisme=organisme,
                password=mot_de_passe,
            )
            for n in range(clients)
        ]
    )
    Assure.objects.bulk_create(
        [
            Assure(
                nir=f"1{n:014d}",
                nom=f"APPELANT{n}",
                prenom="BENCH",
                recherche=f"APPELANT{n} BENCH",
                date_naissance=date(1970, 1, 1 + n % 28),
                sexe="M",
                commune_id=centre.commune_id,
            )
            for n in range(reservations)
        ],
        batch_size=5000,
    )
    personnes = list(
        Assure.objects.filter(nom__startswith="APPELANT")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Signalement.objects.bulk_create(
        [
            Signalement(
                ref=f"BSIG{n}",
                assure_id=pk,
                date=timezone.localdate(),
                source="SERVICE_MEDICAL",
                motif="Arrêt long",
                unite=unite,
            )
            for n, pk in enumerate(personnes)
        ],
        batch_size=5000,
    )
    reserve = []
    for motif in motifs:
        libres = creneaux_libres(motif, proches, jours=28, par_lieu=None)
        for creneaux in libres.values():
            reserve.extend(creneaux[:20])
    return [c.matricule for c in conseillers], personnes, reserve


def reserver_en_parallele(url: str, matricules, personnes, reserve, alea) -> dict:
    from parcours.rendezvous.creneaux import PARIS

    clients = [Client(url) for _ in matricules]
    for client, matricule in zip(clients, matricules, strict=True):
        client.connecter(matricule)
    par_client = len(personnes) // len(clients)
    taches = []
    for k in range(len(clients)):
        taches.append(
            [(personnes[k * par_client + i], alea.choice(reserve)) for i in range(par_client)]
        )
    resultats: Counter = Counter()
    durees: list[float] = []
    verrou = threading.Lock()
    depart = threading.Barrier(len(clients))

    def travailler(client: Client, liste) -> None:
        depart.wait()
        for personne, creneau in liste:
            donnees = {
                "motif": creneau.motif_id,
                "lieu": creneau.lieu_id,
                "agent": creneau.agent_id,
                "debut": creneau.debut.astimezone(PARIS).isoformat(),
            }
            debut = time.perf_counter()
            try:
                statut = client.poster(f"/dossiers/{personne}/rendez-vous/", donnees)
            except OSError:
                statut = "réseau"
            with verrou:
                durees.append((time.perf_counter() - debut) * 1000)
                resultats[statut] += 1

    fils = [
        threading.Thread(target=travailler, args=(c, t))
        for c, t in zip(clients, taches, strict=True)
    ]
    debut = time.perf_counter()
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    duree = time.perf_counter() - debut
    return {"resultats": resultats, "duree": duree, "durees": durees}


def doubles_reservations() -> tuple[int, int]:
    """(agents in two active appointments at once, moments where a place holds more active
    appointments than rooms), over the whole database."""
    from django.db import connection

    annules = "('ANNULE_PERSONNE', 'ANNULE_SERVICE')"
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT count(*) FROM rendezvous_rendezvous a JOIN rendezvous_rendezvous b "
            "ON a.agent_id = b.agent_id AND a.id < b.id AND a.debut < b.fin AND b.debut < a.fin "
            f"WHERE a.statut NOT IN {annules} AND b.statut NOT IN {annules}"
        )
        agents = curseur.fetchone()[0]
        curseur.execute(
            "SELECT count(*) FROM rendezvous_participation a JOIN rendezvous_participation b "
            "ON a.agent_id = b.agent_id AND a.id < b.id AND a.debut < b.fin AND b.debut < a.fin"
        )
        agents += curseur.fetchone()[0]
        # The most appointments at once in a place is reached at one of their starts.
        curseur.execute(
            "SELECT count(*) FROM (SELECT a.id, l.salles, count(b.id) AS n "
            "FROM rendezvous_rendezvous a "
            "JOIN organisation_lieuaccueil l ON l.id = a.lieu_id "
            "JOIN rendezvous_rendezvous b ON b.lieu_id = a.lieu_id "
            "AND b.debut <= a.debut AND a.debut < b.fin "
            f"AND b.statut NOT IN {annules} "
            f"WHERE a.statut NOT IN {annules} GROUP BY a.id, l.salles) t WHERE t.n > t.salles"
        )
        lieux = curseur.fetchone()[0]
    return agents, lieux


def main() -> None:
    parametres = argparse.ArgumentParser()
    parametres.add_argument("--recherches", type=int, default=300)
    parametres.add_argument("--reservations", type=int, default=1000)
    parametres.add_argument("--clients", type=int, default=20)
    parametres.add_argument("--ouvriers", type=int, default=4, help="processus gunicorn")
    parametres.add_argument("--sans-serveur", action="store_true")
    args = parametres.parse_args()

    from bench._base import preparer_base

    dossier = Path(preparer_base("parcours-bench-rdv-"))
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False  # no query log: the figures are those of production
    print(f"Base : {connection.vendor}", flush=True)
    alea = random.Random(14)
    organisme, motifs, communes = construire(alea)

    durees = chercher(organisme, motifs, communes, args.recherches, alea)
    m50, m95 = statistics.median(durees), p95(durees)
    print(
        f"Prochains créneaux près d'une commune ({len(durees)} recherches) : "
        f"p50 {m50:.1f} ms, p95 {m95:.1f} ms, max {max(durees):.1f} ms — cible p95 < "
        f"{CIBLE_MS:.0f} ms, ratio {m95 / CIBLE_MS:.2f}",
        flush=True,
    )
    if args.sans_serveur:
        return

    matricules, personnes, reserve = preparer_reservations(
        organisme, motifs, args.clients, args.reservations, alea
    )
    connection.close()  # the server's processes write; this one only reads afterwards
    serveur = Serveur(dossier, args.ouvriers)
    try:
        serveur.demarrer()
        bilan = reserver_en_parallele(serveur.url, matricules, personnes, reserve, alea)
    finally:
        serveur.arreter()
    resultats = bilan["resultats"]
    total = sum(resultats.values())
    autres = {k: v for k, v in resultats.items() if k not in (302, 409)}
    print(
        f"Réservations sur la boucle locale : {total} demandes de {args.clients} clients "
        f"({args.ouvriers} processus gunicorn) sur {len(reserve)} créneaux qui se chevauchent, "
        f"en {bilan['duree']:.1f} s ({total / bilan['duree']:.1f} /s) : "
        f"{resultats[302]} prises, {resultats[409]} déjà prises (409), "
        f"{sum(autres.values())} erreurs {dict(autres) if autres else ''}".rstrip(),
        flush=True,
    )
    print(
        f"  durée d'une demande : p50 {statistics.median(bilan['durees']):.0f} ms, "
        f"p95 {p95(bilan['durees']):.0f} ms"
    )
    agents, lieux = doubles_reservations()
    print(
        f"Doubles réservations en base : {agents} pour un agent, {lieux} au-delà des salles "
        "d'un lieu — cible 0"
    )
    if agents or lieux:
        sys.exit(1)


if __name__ == "__main__":
    main()
