"""Benchmark: outreach campaigns (issue 15) — a target list of 100,000 rows checked against
1,000,000 persons, the agents' work list, a batch of 1,000 letters.

    .venv/bin/python bench/campagnes.py                     # SQLite, in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_bench_campagnes \\
        .venv/bin/python bench/campagnes.py                 # PostgreSQL (created, emptied)
    .venv/bin/python bench/campagnes.py --personnes 100000 --cibles 20000 --courriers 200
    .venv/bin/python bench/campagnes.py --garder            # keep the folder (cibles.csv, base)

The data: the geography of Occitanie; a Carsat whose territory is the Tarn-et-Garonne, the Tarn
and the Lot (two units each, four social workers with a sector and two advisers per unit, a
cadre), fifteen reception places, a ready computation of the observatory (a composite of
fragility per pseudo-canton); `--personnes` persons written in bulk (valid NIRs, names drawn
from a few thousand surnames, 85 % living in the territory), of whom one in twenty has an
accompaniment in progress, one in 250 is known dead, one in 150 refused the campaigns, one in
400 refused every message, one in 300 was reached by another campaign two months ago.

1. A cibles.csv of `--cibles` rows, as the medical service sends it: half known persons (NIR
   sometimes with spaces, names in any case), 2 % homonyms (a known person's name and birth
   date, another NIR), 0.7 % duplicates, 0.3 % bad rows (key, date, commune, phone, name),
   12 % of the unknown persons outside the territory. The time of what the upload's task does —
   reading the file (`LecteurCSV`), `analyse.analyser` (check, match, exclude, score) and
   `analyse.remplacer` (the list written) — is printed with its ratio to the target (10 s),
   beside this program's processor time and the machine's load (the clock counts the other
   processes too), with the outcome and a digest of it (to compare two versions of the code
   on the same data). Then the same file again, replacing the list: its time.
2. The campaign validated and its rows routed (`contacts.assigner`: the social workers'
   sectors, else the unit); then the agents' work list page (`campagnes:a_contacter`) through
   the whole Django stack (test client: middleware, session, permissions, templates), for the
   social worker with the most rows and for an adviser of her unit, half on the first page and
   half on pages drawn along the list (the « page suivante » key): p50, p95 and the ratio of
   the p95 to the target (100 ms), and the page's SQL queries.
3. `--courriers` letters printed by the cadre (`campagnes:courriers`, one PDF per batch, batch
   after batch), the other rows that could get one being marked as already written to: the
   time of all the batches.

Figures are printed beside their targets; no time fails the run. A page that does not exist
(yet) is said so: the work list is then measured on `contacts.a_contacter`, the letters not.
"""

import argparse
import csv
import gc
import hashlib
import itertools
import json
import os
import random
import shutil
import statistics
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

CIBLE_S = 10.0
CIBLE_MS = 100.0
TERRITOIRE = ("82", "81", "46")
LOT = 20_000
SYLLABES = (
    "BA BER BOU CA CHA DU DE FA GA GI LA LE LOU MA MAR MO NA NI PE PI RA RI RO SA TA TE TI VA VI ZE"
).split()
FINALES = "ND RT AUD ET IN ON OT Y AC ES ERT IER AN".split()
PRENOMS = {
    "M": "JEAN PIERRE LUCAS KARIM PAUL HUGO NICOLAS THOMAS ANTOINE JULIEN MEHDI YANNICK "
    "LOUIS OLIVIER SEBASTIEN DAVID ERIC FRANCK ALAIN BRUNO".split(),
    "F": "MARIE NATHALIE SOPHIE CLAIRE ELODIE EMMA LEA CAMILLE JULIE SARAH AMINA ISABELLE "
    "SYLVIE CHRISTINE SANDRINE AUDREY LAURA MANON INES CELINE".split(),
}


def charge() -> str:
    """The machine's load, to read the times by (other processes share its processors)."""
    return f"charge de la machine {os.getloadavg()[0]:.1f} pour {os.cpu_count()} processeurs"


def p95(valeurs: list[float]) -> float:
    return statistics.quantiles(valeurs, n=20)[-1]


def noms_de_famille(alea: random.Random) -> tuple[list[str], list[float]]:
    """About 5,000 surnames built from syllables, weighted as surnames are (a few common, most
    rare): the names and their cumulated weights."""
    noms = sorted(
        {
            "".join(alea.choice(SYLLABES) for _ in range(alea.randint(1, 2))) + alea.choice(FINALES)
            for _ in range(12_000)
        }
    )
    alea.shuffle(noms)
    return noms, list(itertools.accumulate(1 / (rang + 10) for rang in range(len(noms))))


# 1. The data -----------------------------------------------------------------------------------


def construire(alea: random.Random) -> dict:
    """The Carsat, its units, agents, sectors, places and observatory computation."""
    from django.contrib.auth.hashers import make_password

    from parcours.observatoire.enums import StatutCalcul
    from parcours.observatoire.models import CalculObservatoire
    from parcours.organisation.enums import Role
    from parcours.organisation.models import Agent, LieuAccueil, Organisme, Secteur, Unite
    from parcours.territoire.chargement import charger_geographie
    from parcours.territoire.models import Commune, PseudoCanton

    debut = time.perf_counter()
    charger_geographie(region="76")
    print(f"Géographie de l'Occitanie : {time.perf_counter() - debut:.1f} s", flush=True)
    organisme = Organisme.objects.create(code="BENCH", nom="Carsat de mesure", region_id="76")
    communes = list(
        Commune.objects.communes()
        .filter(departement__region_id="76")
        .order_by("code")
        .values_list("code", "departement_id", "population")
    )
    mot_de_passe = make_password(None)
    unites, agents, lieux = [], [], []
    for dep in TERRITOIRE:
        du_dep = [c for c in communes if c[1] == dep]
        paires = [
            Unite.objects.create(
                code=f"BU{dep}{n}", nom=f"Unité {dep}-{n}", organisme=organisme, departement_id=dep
            )
            for n in (1, 2)
        ]
        unites.extend(paires)
        ass = []
        for unite in paires:
            for n in range(4):
                ass.append(
                    Agent(
                        matricule=f"BASS{unite.code}{n}",
                        nom="Assistante",
                        prenom=f"{unite.code}-{n}",
                        role=Role.ASS,
                        unite=unite,
                        organisme=organisme,
                        password=mot_de_passe,
                    )
                )
            for n in range(2):
                agents.append(
                    Agent(
                        matricule=f"BCSAM{unite.code}{n}",
                        nom="Conseiller",
                        prenom=f"{unite.code}-{n}",
                        role=Role.CSAM,
                        unite=unite,
                        organisme=organisme,
                        password=mot_de_passe,
                    )
                )
            agents.append(
                Agent(
                    matricule=f"BCADRE{unite.code}",
                    nom="Cadre",
                    prenom=unite.code,
                    role=Role.CADRE,
                    unite=unite,
                    organisme=organisme,
                    password=mot_de_passe,
                )
            )
        agents.extend(ass)
        # Four fifths of the département's communes in the social workers' sectors; the rest
        # go to the département's first unit, to be shared by its advisers.
        for n, agent in enumerate(ass):
            agent.save()
            secteur = Secteur.objects.create(
                nom=f"Secteur {agent.prenom}", unite=agent.unite, agent=agent
            )
            secteur.communes.set([c[0] for k, c in enumerate(du_dep) if k % 10 == n])
        # Five places, in the most populous communes.
        for code, _, _ in sorted(du_dep, key=lambda c: -(c[2] or 0))[:5]:
            lieux.append((code, paires[len(lieux) % 2]))
    Agent.objects.bulk_create([a for a in agents if a.pk is None])
    coordonnees = {
        code: (latitude, longitude)
        for code, latitude, longitude in Commune.objects.filter(
            code__in=[c for c, _ in lieux]
        ).values_list("code", "latitude", "longitude")
    }
    LieuAccueil.objects.bulk_create(
        [
            LieuAccueil(
                code=f"BL{n}",
                nom=f"Permanence {code}",
                commune_id=code,
                latitude=coordonnees[code][0],
                longitude=coordonnees[code][1],
                unite=unite,
            )
            for n, (code, unite) in enumerate(lieux)
        ]
    )
    CalculObservatoire.objects.create(
        organisme=organisme,
        statut=StatutCalcul.PRET,
        resultats={
            "fragilite": {
                "territoires": {
                    pc: {"composite": alea.randint(0, 5)}
                    for pc in PseudoCanton.objects.filter(departement__region_id="76").values_list(
                        "code", flat=True
                    )
                }
            }
        },
    )
    agents = list(Agent.objects.filter(organisme=organisme).select_related("unite"))
    return {"organisme": organisme, "unites": unites, "agents": agents, "communes": communes}


def remplir(monde: dict, nombre: int, alea: random.Random, echantillon: set[int]) -> dict:
    """`nombre` persons in bulk, their accompaniments, refusals and past contacts; returns the
    identity of the persons whose index is in `echantillon` (the list draws from them)."""
    from django.db import transaction
    from django.utils import timezone
    from stdnum.fr import nir as stdnum_nir

    from parcours.campagnes.enums import EtatCible, StatutCampagne
    from parcours.campagnes.models import Campagne, Cible
    from parcours.dossiers.models import Accompagnement, Assure, Mission
    from parcours.imports.engine import Insertion
    from parcours.messagerie.models import Opposition
    from parcours.organisation.enums import Role

    debut_chrono = time.perf_counter()
    noms, cumuls = noms_de_famille(alea)
    monde["noms"], monde["cumuls_noms"] = noms, cumuls
    communes = monde["communes"]
    # 85 % in the territory, by population; the rest elsewhere in Occitanie.
    dedans = [c for c in communes if c[1] in TERRITOIRE]
    dehors = [c for c in communes if c[1] not in TERRITOIRE]
    aujourd_hui = timezone.localdate()
    mission = Mission.objects.get(code="PDP").pk
    referents: dict[str, list] = {}
    for agent in monde["agents"]:
        if agent.role == Role.ASS:
            referents.setdefault(agent.unite.departement_id, []).append(agent)
    ancienne = Campagne.objects.create(
        organisme=monde["organisme"],
        code="ANCIENNE",
        nom="Campagne précédente",
        statut=StatutCampagne.VALIDEE,
    )
    il_y_a_deux_mois = timezone.now() - timedelta(days=60)
    ordres: Counter = Counter()
    gardes = {}
    ins_assure, ins_acc, ins_opp = (
        Insertion(Assure),
        Insertion(Accompagnement),
        Insertion(Opposition),
    )
    for debut in range(0, nombre, LOT):
        fin = min(nombre, debut + LOT)
        taille = fin - debut
        tirees = alea.choices(dedans, [c[2] or 1 for c in dedans], k=taille) + alea.choices(
            dehors, [c[2] or 1 for c in dehors], k=taille
        )
        tires = alea.choices(noms, cum_weights=cumuls, k=taille)
        personnes = []
        for k, i in enumerate(range(debut, fin)):
            sexe = "MF"[i % 2]
            naissance = date(1960, 1, 1) + timedelta(days=alea.randrange(16_800))
            code = tirees[k][0] if i % 20 < 17 else tirees[taille + k][0]
            cle = f"{1 + i % 2}{naissance:%y%m}{code}"
            ordres[cle] += 1
            base = f"{cle}{ordres[cle]:03d}"
            nom = tires[k] if i % 7 else noms[i % 40]
            prenom = PRENOMS[sexe][alea.randrange(20)]
            personne = {
                "nir": base + stdnum_nir.calc_check_digits(base),
                "nom": nom,
                "prenom": prenom,
                "recherche": f"{nom} {prenom}",
                "date_naissance": naissance,
                "sexe": sexe,
                "commune_id": code,
                "adresse": f"{1 + i % 90} rue de la République",
                "date_deces": date(2025, 1 + i % 12, 1 + i % 28) if i % 250 == 7 else None,
                "refus_campagnes": i % 150 == 11,
                "complementaire": ("NON", "OUI", "OUI", "OUI", "INCONNU", "INCONNU")[i % 6],
                "arret_travail_depuis": (
                    aujourd_hui - timedelta(days=30 + i % 500) if i % 3 == 0 else None
                ),
            }
            personnes.append(personne)
            if i in echantillon:
                gardes[i] = personne
        with transaction.atomic():
            dernier = Assure.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            ins_assure(personnes)
            ids = dict(Assure.objects.filter(pk__gt=dernier).order_by().values_list("nir", "id"))
            accompagnements, oppositions, contacts = [], [], []
            for i, p in zip(range(debut, fin), personnes, strict=True):
                pk = ids[p["nir"]]
                if i in echantillon:
                    gardes[i]["id"] = pk
                dep = p["commune_id"][:2]
                if i % 20 == 3 or i % 40 == 5:
                    referent = alea.choice(referents.get(dep) or referents[TERRITOIRE[0]])
                    clos = i % 40 == 5
                    accompagnements.append(
                        {
                            "ref": f"BA{i}",
                            "assure_id": pk,
                            "mission_id": mission,
                            "date_debut": date(2024, 3, 1) + timedelta(days=i % 300),
                            "date_fin": date(2025, 6, 1) if clos else None,
                            "issue": "REPRISE_POSTE" if clos else "",
                            "referent_id": referent.pk,
                            "unite_id": referent.unite_id,
                        }
                    )
                if i % 400 == 13:
                    oppositions.append({"personne_id": pk, "origine": "mesure"})
                if i % 300 == 21:
                    contacts.append(
                        Cible(
                            campagne=ancienne,
                            ligne=i,
                            nir=p["nir"],
                            etat=EtatCible.RETENUE,
                            assure_id=pk,
                            premier_contact_le=il_y_a_deux_mois,
                        )
                    )
            ins_acc(accompagnements)
            ins_opp(oppositions)
            Cible.objects.bulk_create(contacts)
        if fin % 200_000 == 0 or fin == nombre:
            print(f"  {fin} personnes enregistrées", flush=True)
    if max(ordres.values()) >= 500:
        raise RuntimeError("trop de personnes de même sexe, mois et commune de naissance")
    print(f"Personnes et dossiers : {time.perf_counter() - debut_chrono:.0f} s", flush=True)
    return gardes


def _nir_nouveau(naissance: date, sexe: str, commune: str, ordres: Counter) -> str:
    """A valid NIR no stored person has (order numbers counted down from 999)."""
    from stdnum.fr import nir as stdnum_nir

    cle = f"{1 if sexe == 'M' else 2}{naissance:%y%m}{commune}"
    ordres[cle] += 1
    base = f"{cle}{1000 - ordres[cle]:03d}"
    return base + stdnum_nir.calc_check_digits(base)


def _avec_espaces(nir: str) -> str:
    return " ".join((nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]))


def _date(jour: date, k: int) -> str:
    return jour.isoformat() if k % 2 else f"{jour:%d/%m/%Y}"


def ecrire_liste(chemin: Path, monde: dict, gardes: dict, nombre: int, alea) -> Counter:
    """cibles.csv: known persons, homonyms, unknown persons, duplicates and bad rows."""
    from django.utils import timezone

    from parcours.campagnes.analyse import COLONNES

    aujourd_hui = timezone.localdate()
    communes = monde["communes"]
    dedans = [c[0] for c in communes if c[1] in TERRITOIRE]
    dehors = [c[0] for c in communes if c[1] not in TERRITOIRE]
    mauvaises = max(5, nombre * 3 // 1000)
    doubles = nombre * 7 // 1000
    homonymes = nombre * 2 // 100
    connues = nombre // 2 - homonymes
    inconnues = nombre - connues - homonymes - doubles - mauvaises
    echantillon = sorted(gardes)
    alea.shuffle(echantillon)
    ordres: Counter = Counter()
    lignes, genres = [], Counter()

    def autres(k: int) -> list[str]:
        """Phone (a mobile, sometimes written +33, a landline, or none), e-mail, start of the
        sick leave, motif."""
        chiffres = " ".join(
            [str(alea.randrange(10, 39)), *(f"{alea.randrange(100):02d}" for _ in range(3))]
        )
        telephone = f"06 {chiffres}" if k % 5 else ""
        if k % 10 == 3:
            telephone = f"+33 6 {chiffres}"
        elif k % 10 == 7:
            telephone = f"05 61 {chiffres[3:]}"
        arret = ""
        if k % 7:
            arret = _date(aujourd_hui - timedelta(days=90 + k % 500), k // 3)
        email = f"personne{k}@exemple.fr" if k % 4 == 1 else ""
        return [telephone, email, arret, "ARRET_90J" if k % 9 else ""]

    for k, i in enumerate(echantillon[:connues]):
        p = gardes[i]
        nir = _avec_espaces(p["nir"]) if k % 7 == 0 else p["nir"]
        nom, prenom = (p["nom"], p["prenom"]) if k % 3 else (p["nom"].title(), p["prenom"].title())
        lignes.append(
            [nir, nom, prenom, _date(p["date_naissance"], k), p["commune_id"], *autres(k)]
        )
        genres["connues"] += 1
    for k, i in enumerate(echantillon[connues : connues + homonymes]):
        p = gardes[i]
        nir = _nir_nouveau(p["date_naissance"], p["sexe"], p["commune_id"], ordres)
        lignes.append(
            [nir, p["nom"], p["prenom"], _date(p["date_naissance"], k), p["commune_id"], *autres(k)]
        )
        genres["homonymes"] += 1
    tires = alea.choices(monde["noms"], cum_weights=monde["cumuls_noms"], k=inconnues)
    for k in range(inconnues):
        sexe = "MF"[k % 2]
        naissance = date(1960, 1, 1) + timedelta(days=alea.randrange(16_800))
        commune = alea.choice(dedans) if k % 100 < 88 else alea.choice(dehors)
        nir = _nir_nouveau(naissance, sexe, commune, ordres)
        nom = tires[k]
        prenom = alea.choice(PRENOMS[sexe])
        lignes.append([nir, nom, prenom, _date(naissance, k), commune, *autres(k)])
        genres["inconnues"] += 1
    for _ in range(doubles):
        lignes.append(list(alea.choice(lignes)))
        genres["doublons"] += 1
    for k in range(mauvaises):
        ligne = list(alea.choice(lignes[: connues + homonymes + inconnues]))
        defaut = k % 5
        if defaut == 0:
            nir = ligne[0].replace(" ", "")
            ligne[0] = nir[:13] + f"{(int(nir[13:]) + 1) % 97:02d}"
        elif defaut == 1:
            ligne[3] = "31/02/1984"
        elif defaut == 2:
            ligne[4] = "99999"
        elif defaut == 3:
            ligne[5] = "12"
        else:
            ligne[1] = ""
        lignes.append(ligne)
        genres["mauvaises"] += 1
    alea.shuffle(lignes)
    with chemin.open("w", encoding="utf-8", newline="") as fichier:
        ecrivain = csv.writer(fichier, delimiter=";")
        ecrivain.writerow(COLONNES)
        ecrivain.writerows(lignes)
    return genres


def empreinte(cibles) -> str:
    """A digest of what the analysis made of every row (to compare two versions of the code)."""
    condense = hashlib.sha256()
    for c in cibles:
        condense.update(
            json.dumps(
                [
                    c.ligne,
                    c.etat,
                    c.nir,
                    c.nom,
                    c.prenom,
                    c.date_naissance,
                    c.commune,
                    c.telephone,
                    c.email,
                    c.date_debut_arret,
                    c.motif,
                    c.erreurs,
                    c.assure_id,
                    c.homonymes,
                    c.exclusion,
                    c.exclusion_detail,
                    c.score,
                    c.contributions,
                    c.minutes_lieu,
                ],
                ensure_ascii=False,
                default=str,
            ).encode()
        )
    return condense.hexdigest()[:16]


def analyser(campagne, chemin: Path) -> dict:
    """What the upload's task does, timed: the file read, checked, matched, excluded, scored,
    and written as the campaign's list."""
    from parcours.campagnes import analyse
    from parcours.lib.csvlecture import LecteurCSV

    processeur = time.process_time()
    debut = time.perf_counter()
    with chemin.open("rb") as flux:
        lecteur = LecteurCSV(flux, analyse.COLONNES)
        lignes = list(lecteur)
    lu = time.perf_counter()
    cibles = analyse.analyser(campagne, lignes)
    analyse_ = time.perf_counter()
    analyse.remplacer(campagne, cibles)
    fin = time.perf_counter()
    return {
        "lecture": lu - debut,
        "analyse": analyse_ - lu,
        "ecriture": fin - analyse_,
        "total": fin - debut,
        "processeur": time.process_time() - processeur,
        "cibles": cibles,
    }


# 2. The work list, 3. the letters --------------------------------------------------------------


def adresse(nom: str, campagne) -> str | None:
    """The page's address, if it exists (with or without the campaign in it)."""
    from django.urls import NoReverseMatch, reverse

    for arguments in ((), (campagne.pk,)):
        try:
            return reverse(nom, args=arguments)
        except NoReverseMatch:
            continue
    return None


class Compteur:
    """Counts the SQL queries (a database wrapper: it outlives the connection, which the
    request cycle closes)."""

    def __init__(self):
        self.nombre = 0

    def __call__(self, execute, sql, params, many, context):
        self.nombre += 1
        return execute(sql, params, many, context)


def liste_de_travail(campagne, agents, requetes: int, alea: random.Random) -> None:
    """The work list of each agent: its first page, and pages drawn at random along it (the
    key of the row before, as the « page suivante » link gives it)."""
    from django.db import connection
    from django.test import Client

    from parcours.campagnes import contacts

    url = adresse("campagnes:a_contacter", campagne)
    if url is None:
        print(
            "La page « à contacter » (campagnes:a_contacter) n'existe pas : mesure de "
            "contacts.a_contacter(agent)[:50] avec ses lignes liées, hors pile Django."
        )
    for agent in agents:
        ordre = list(contacts.a_contacter(agent).values_list("score", "ligne", "pk")[: 50 * 1000])
        cles = [f"{s}_{ligne}_{pk}" for s, ligne, pk in ordre[49:-1:50]]
        if url is None:

            def mesurer(_cle=None, agent=agent):
                debut = time.perf_counter()
                list(contacts.a_contacter(agent).select_related("assure", "campagne")[:50])
                return (time.perf_counter() - debut) * 1000

        else:
            client = Client()
            client.force_login(agent)

            def mesurer(cle=None, client=client):
                debut = time.perf_counter()
                reponse = client.get(url, {"apres": cle} if cle else {})
                duree = (time.perf_counter() - debut) * 1000
                assert reponse.status_code == 200, reponse.status_code
                return duree

        for _ in range(10):  # warm-up
            mesurer()
        compteur = Compteur()
        with connection.execute_wrapper(compteur):
            mesurer()
        premieres = [mesurer() for _ in range(requetes // 2)]
        suivantes = [mesurer(alea.choice(cles)) for _ in range(requetes // 2)] if cles else []
        toutes = premieres + suivantes
        detail = f"première page p95 {p95(premieres):.1f} ms"
        if url is not None and suivantes:
            detail += f", pages suivantes au hasard p95 {p95(suivantes):.1f} ms"
        print(
            f"Liste « à contacter » d'un·e {agent.get_role_display()} ({len(ordre)} personnes, "
            f"{compteur.nombre} requêtes SQL par page) : p50 {statistics.median(toutes):.1f} "
            f"ms, p95 {p95(toutes):.1f} ms ({detail}) — cible p95 < {CIBLE_MS:.0f} ms, ratio "
            f"{p95(toutes) / CIBLE_MS:.2f}",
            flush=True,
        )


def courriers(campagne, cadre, nombre: int) -> None:
    """`nombre` letters printed by the cadre, batch after batch as the page gives them (each
    POST prints the next rows not yet written to, `courriers.LOT_MAX` at most): every other row
    that could get one is marked as already written to first."""
    from django.test import Client

    from parcours.campagnes import courriers as lettres
    from parcours.campagnes.enums import CanalContact, ResultatTentative
    from parcours.campagnes.models import Tentative

    url = adresse("campagnes:courriers", campagne)
    if url is None:
        print("Le lot de courriers (campagnes:courriers) n'existe pas : non mesuré.")
        return
    possibles = list(
        lettres.sans_reponse(campagne).filter(lettres.ADRESSE_CONNUE).values_list("pk", flat=True)
    )
    Tentative.objects.bulk_create(
        [
            Tentative(cible_id=pk, canal=CanalContact.COURRIER, resultat=ResultatTentative.COURRIER)
            for pk in possibles[nombre:]
        ],
        batch_size=2_000,
    )
    ecrites = Tentative.objects.filter(cible__campagne=campagne, canal=CanalContact.COURRIER)
    avant = ecrites.count()
    client = Client()
    client.force_login(cadre)
    durees, octets = [], 0
    imprimees = 0
    while imprimees < min(nombre, len(possibles)):
        debut = time.perf_counter()
        reponse = client.post(url)
        if reponse.status_code != 200:
            break
        durees.append(time.perf_counter() - debut)
        octets += len(reponse.content)
        imprimees = ecrites.count() - avant
    if not imprimees:
        print(f"Courriers : aucune lettre imprimée (réponse {reponse.status_code}).")
        return
    print(
        f"{imprimees} courriers (une page PDF par personne) en {len(durees)} lot(s) : "
        f"{sum(durees):.1f} s, soit {sum(durees) / imprimees * 1000:.0f} ms par lettre "
        f"({max(durees):.1f} s pour le plus long lot, {octets // 1024} Kio en tout)",
        flush=True,
    )


def main() -> None:
    parametres = argparse.ArgumentParser()
    parametres.add_argument("--personnes", type=int, default=1_000_000)
    parametres.add_argument("--cibles", type=int, default=100_000)
    parametres.add_argument("--requetes", type=int, default=200)
    parametres.add_argument("--courriers", type=int, default=1_000)
    parametres.add_argument(
        "--garder", action="store_true", help="garder le dossier (cibles.csv, base SQLite)"
    )
    args = parametres.parse_args()

    from bench._base import preparer_base

    dossier = Path(preparer_base("parcours-bench-campagnes-"))
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from parcours.campagnes import contacts
    from parcours.campagnes.enums import CanalContact, EtatCible, StatutCampagne
    from parcours.campagnes.models import Campagne, Cible
    from parcours.organisation.enums import Role

    setup_test_environment()
    settings.DEBUG = False  # no query log: the figures are those of production
    print(f"Base : {connection.vendor} ; {charge()}", flush=True)
    alea = random.Random(15)
    monde = construire(alea)
    # The known persons the list names (half of it), and those whose homonyms it holds.
    echantillon = set(alea.sample(range(args.personnes), args.cibles // 2))
    gardes = remplir(monde, args.personnes, alea, echantillon)
    if connection.vendor == "postgresql":
        with connection.cursor() as curseur:
            curseur.execute("ANALYZE")
    chemin = dossier / "cibles.csv"
    genres = ecrire_liste(chemin, monde, gardes, args.cibles, alea)
    print(
        f"cibles.csv : {sum(genres.values())} lignes "
        f"({', '.join(f'{v} {k}' for k, v in genres.items())})",
        flush=True,
    )
    # The upload is checked by a worker that holds nothing else: what building the data left
    # in memory goes before the clock starts.
    del gardes, echantillon
    gc.collect()

    cadre = next(a for a in monde["agents"] if a.role == Role.CADRE)
    campagne = Campagne.objects.create(
        organisme=monde["organisme"],
        code="ARRETS",
        nom="Arrêts de travail longs",
        cree_par=cadre,
        canaux=[c.value for c in CanalContact],
    )
    mesure = analyser(campagne, chemin)
    cibles = mesure.pop("cibles")
    print(
        f"Liste de {len(cibles)} cibles contre {args.personnes} personnes : lecture "
        f"{mesure['lecture']:.1f} s, vérification, rapprochement, exclusions et priorité "
        f"{mesure['analyse']:.1f} s, écriture {mesure['ecriture']:.1f} s — total "
        f"{mesure['total']:.1f} s, cible < {CIBLE_S:.0f} s, ratio {mesure['total'] / CIBLE_S:.2f}",
        flush=True,
    )
    print(
        f"  (temps processeur de ce programme : {mesure['processeur']:.1f} s, "
        f"{'base comprise' if connection.vendor == 'sqlite' else 'hors serveur PostgreSQL'} ; "
        f"{charge()})",
        flush=True,
    )
    etats = Counter(c.etat for c in cibles)
    exclusions = Counter(c.exclusion for c in cibles if c.exclusion)
    print(
        f"  {etats[EtatCible.ERREUR]} avec erreur, {etats[EtatCible.EXCLUE]} exclues "
        f"({', '.join(f'{n} {k}' for k, n in sorted(exclusions.items()))}), "
        f"{etats[EtatCible.RETENUE]} retenues dont "
        f"{sum(1 for c in cibles if c.assure_id is None and c.homonymes)} homonymes proposés "
        f"et {sum(1 for c in cibles if c.score)} avec une priorité ; empreinte "
        f"{empreinte(cibles)}",
        flush=True,
    )
    # The same file uploaded again (a list in preparation is a working document): the former
    # rows are deleted first.
    du_depot = empreinte(cibles)
    del cibles
    mesure = analyser(campagne, chemin)
    print(
        f"Même liste déposée à nouveau (la précédente remplacée) : total {mesure['total']:.1f} s "
        f"dont écriture {mesure['ecriture']:.1f} s ; résultat "
        f"{'identique' if empreinte(mesure['cibles']) == du_depot else 'DIFFÉRENT'}",
        flush=True,
    )
    del mesure

    debut = time.perf_counter()
    Campagne.objects.filter(pk=campagne.pk).update(
        statut=StatutCampagne.VALIDEE, valide_par=cadre, valide_le=timezone.now()
    )
    campagne.refresh_from_db()
    assignees = contacts.assigner(campagne)
    print(
        f"Validation : {assignees} personnes réparties par secteur en "
        f"{time.perf_counter() - debut:.1f} s",
        flush=True,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as curseur:
            curseur.execute("ANALYZE")
    par_agent = Counter(
        Cible.objects.filter(campagne=campagne, agent__isnull=False).values_list(
            "agent_id", flat=True
        )
    )
    agents = {a.pk: a for a in monde["agents"]}
    ass = agents[par_agent.most_common(1)[0][0]]
    csam = next(a for a in monde["agents"] if a.role == Role.CSAM and a.unite_id == ass.unite_id)
    liste_de_travail(campagne, [ass, csam], args.requetes, alea)
    courriers(campagne, cadre, args.courriers)

    if args.garder:
        print(f"Dossier gardé (cibles.csv, base SQLite) : {dossier}")
    else:
        connection.close()
        shutil.rmtree(dossier, ignore_errors=True)


if __name__ == "__main__":
    main()
