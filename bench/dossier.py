"""Benchmark: the dossier page and the search, with up to 1,000,000 persons stored.

    .venv/bin/python bench/dossier.py                   # 10,000 then 1,000,000 persons
    .venv/bin/python bench/dossier.py --personnes 200000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_bench .venv/bin/python \\
        bench/dossier.py

Persons are written in bulk (each with a signalement in one of the units, and one in ten with an
accompaniment and interviews); then a social worker opens 200 dossiers and runs 200 searches (by
name prefix, by NIR prefix) through the whole Django stack (test client: middleware, session,
permissions, access log, templates). Latencies p50/p95 are printed at a small size and at the
full size: the target is p95 under 50 ms, constant in the number of dossiers.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))
CIBLE_MS = 50.0
NOMS = (
    "MARTIN BERNARD DUBOIS THOMAS ROBERT RICHARD PETIT DURAND LEROY MOREAU SIMON LAURENT "
    "LEFEVRE MICHEL GARCIA DAVID BERTRAND ROUX VINCENT FOURNIER MOREL GIRARD ANDRE MERCIER"
).split()
PRENOMS = "MARIE JEAN NATHALIE PIERRE SOPHIE KARIM CLAIRE ELODIE LUCAS EMMA".split()


def remplir(jusqu_a: int, deja: int, unites: list, agents: list) -> None:
    """Add persons (and their signalements, some accompaniments and interviews) up to `jusqu_a`."""
    from stdnum.fr import nir as stdnum_nir

    from parcours.dossiers.models import Accompagnement, Assure, Entretien, Mission, Signalement
    from parcours.imports.engine import Insertion

    alea = random.Random(deja)
    mission = Mission.objects.get(code="PDP").pk
    ins_assure, ins_sig = Insertion(Assure), Insertion(Signalement)
    ins_acc, ins_ent = Insertion(Accompagnement), Insertion(Entretien)
    lot = 20000
    for debut in range(deja, jusqu_a, lot):
        fin = min(jusqu_a, debut + lot)
        personnes = []
        for i in range(debut, fin):
            base = f"{1 + i % 2}{60 + (i // 2) % 40:02d}{1 + (i // 80) % 12:02d}82"
            base += f"{(i // 960) % 1000:03d}{(i // 960000) % 1000:03d}"
            nom, prenom = NOMS[i % len(NOMS)] + str(i // 1000), PRENOMS[i % len(PRENOMS)]
            personnes.append(
                {
                    "nir": base + stdnum_nir.calc_check_digits(base),
                    "nom": nom,
                    "prenom": prenom,
                    "recherche": f"{nom} {prenom}",
                    "date_naissance": date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
                    "sexe": "MF"[i % 2],
                    "commune_id": "82121",
                }
            )
        ins_assure(personnes)
        ids = dict(
            Assure.objects.filter(nir__in=[p["nir"] for p in personnes]).values_list("nir", "id")
        )
        signalements, accompagnements = [], []
        for i, p in zip(range(debut, fin), personnes, strict=True):
            unite = unites[i % len(unites)]
            signalements.append(
                {
                    "ref": f"BS{i}",
                    "assure_id": ids[p["nir"]],
                    "date": date(2024, 1, 1) + timedelta(days=i % 600),
                    "source": "SERVICE_MEDICAL",
                    "motif": "Arrêt long",
                    "unite_id": unite.pk,
                }
            )
            if i % 10 == 0:
                accompagnements.append(
                    {
                        "ref": f"BA{i}",
                        "assure_id": ids[p["nir"]],
                        "mission_id": mission,
                        "date_debut": date(2024, 3, 1),
                        "referent_id": agents[i % len(agents)].pk,
                        "unite_id": unite.pk,
                    }
                )
        ins_sig(signalements)
        ins_acc(accompagnements)
        acc_ids = dict(
            Accompagnement.objects.filter(ref__in=[a["ref"] for a in accompagnements]).values_list(
                "ref", "id"
            )
        )
        entretiens = []
        for a in accompagnements:
            for k in range(alea.randint(2, 6)):
                entretiens.append(
                    {
                        "ref": f"BE{a['ref']}-{k}",
                        "assure_id": a["assure_id"],
                        "accompagnement_id": acc_ids[a["ref"]],
                        "date": date(2024, 3, 1) + timedelta(days=20 * k),
                        "mode": "TELEPHONE",
                        "agent_id": a["referent_id"],
                        "unite_id": a["unite_id"],
                        "notes": "Entretien de suivi",
                    }
                )
        ins_ent(entretiens)
        print(f"  {fin} personnes enregistrées", flush=True)


def mesurer(client, assures: list[int], recherches: list[str]) -> dict[str, list[float]]:
    mesures: dict[str, list[float]] = {"dossier": [], "recherche": []}
    for pk in assures:
        debut = time.perf_counter()
        reponse = client.get(f"/dossiers/{pk}/")
        mesures["dossier"].append((time.perf_counter() - debut) * 1000)
        assert reponse.status_code == 200, reponse.status_code
    for texte in recherches:
        debut = time.perf_counter()
        reponse = client.post("/recherche/", {"q": texte})
        mesures["recherche"].append((time.perf_counter() - debut) * 1000)
        assert reponse.status_code == 200
    return mesures


def p95(valeurs: list[float]) -> float:
    return statistics.quantiles(valeurs, n=20)[-1]


def main() -> None:
    parametres = argparse.ArgumentParser()
    parametres.add_argument("--personnes", type=int, default=1_000_000)
    parametres.add_argument("--petit", type=int, default=10_000)
    args = parametres.parse_args()
    dossier = tempfile.mkdtemp(prefix="parcours-bench-dossier-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{dossier}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "parcours.settings.dev"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from parcours.dossiers.models import Assure, Signalement
    from parcours.organisation.enums import Role
    from parcours.organisation.models import Agent, Organisme, Unite
    from parcours.territoire.chargement import charger_geographie

    setup_test_environment()
    if connection.vendor == "postgresql":
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    charger_geographie(region="76")
    organisme = Organisme.objects.create(code="BENCH", nom="Carsat de mesure", region_id="76")
    unites = [
        Unite.objects.create(
            code=f"BU{n}", nom=f"Unité {n}", organisme=organisme, departement_id="82"
        )
        for n in range(20)
    ]
    agents = [
        Agent.objects.create(
            matricule=f"B{n}",
            nom="Agent",
            prenom=str(n),
            role=Role.ASS,
            unite=unites[n % 20],
            organisme=organisme,
        )
        for n in range(100)
    ]
    client = Client()
    client.force_login(agents[0])
    alea = random.Random(1)
    print(f"Base : {connection.vendor}")
    deja = 0
    resultats = {}
    for taille in (args.petit, args.personnes):
        remplir(taille, deja, unites, agents)
        deja = taille
        with connection.cursor() as curseur:
            curseur.execute("ANALYZE")
        # Dossiers of agent 0's unit, drawn at random among those stored so far.
        visibles = list(
            Signalement.objects.filter(unite=unites[0]).values_list("assure_id", flat=True)
        )
        pks = alea.sample(visibles, 200)
        personnes = dict(Assure.objects.filter(pk__in=pks).values_list("id", "recherche"))
        nirs = dict(Assure.objects.filter(pk__in=pks).values_list("id", "nir"))
        recherches = [
            personnes[pk].split(" ")[0].lower() if k % 2 else nirs[pk][:9]
            for k, pk in enumerate(pks)
        ]
        mesurer(client, pks[:20], recherches[:20])  # warm-up
        mesures = mesurer(client, pks, recherches)
        resultats[taille] = mesures
        for page, valeurs in mesures.items():
            print(
                f"{taille:>9} personnes  {page:<10} p50 {statistics.median(valeurs):6.1f} ms  "
                f"p95 {p95(valeurs):6.1f} ms  cible p95 {CIBLE_MS:.0f} ms : "
                f"ratio {p95(valeurs) / CIBLE_MS:.2f}"
            )
    petit, grand = resultats[args.petit], resultats[args.personnes]
    for page in ("dossier", "recherche"):
        print(
            f"p95 {page} à {args.personnes} / à {args.petit} personnes : "
            f"{p95(grand[page]) / p95(petit[page]):.2f} (1 = constant)"
        )


if __name__ == "__main__":
    main()
