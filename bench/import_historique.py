"""Benchmark: importing history (persons, accompaniments, interviews) with full validation.

    .venv/bin/python bench/import_historique.py                    # 1,000,000 interviews
    .venv/bin/python bench/import_historique.py --entretiens 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_bench .venv/bin/python \\
        bench/import_historique.py

Generates the three CSV files of DESIGN §5 (≈ 3.5 interviews per accompaniment, one
accompaniment per person), imports them in order with the operator's `importer` command, each
in a process of its own, and prints rows per second for each, beside the target (20,000
rows/s), and each process's peak memory (target: 300 MB for a million rows). Every written row
gets its row in the change history, as in production. A fresh SQLite database is used unless
DATABASE_URL is set (that database is emptied first). No time limit fails.
"""

import argparse
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))
from bench._base import preparer_base  # noqa: E402

CIBLE = 20_000
MEMOIRE_CIBLE = 300  # MB


def generer(dossier: Path, nb_entretiens: int) -> dict[str, Path]:
    from stdnum.fr import nir as stdnum_nir

    alea = random.Random(7)
    nb_acc = int(nb_entretiens / 3.5)
    debut = date(2022, 1, 1)
    fichiers = {n: dossier / f"{n}.csv" for n in ("assures", "accompagnements", "entretiens")}
    communes = ["82121", "82033", "82112", "31555", "81004", "12202", "46042", "65440"]
    nirs = []
    with fichiers["assures"].open("w", encoding="utf-8") as f:
        f.write("nir;nom;prenom;date_naissance;sexe;commune;adresse;telephone;email\n")
        for i in range(nb_acc):
            # Unique for up to 12 million persons: sex, year and month vary with i, the commune
            # and order number carry the rest.
            naissance = f"{1 + i % 2}{60 + (i // 2) % 40:02d}{1 + (i // 80) % 12:02d}"
            base = f"{naissance}82{(i // 960) % 1000:03d}{(i // 960000) % 1000:03d}"
            nir = base + stdnum_nir.calc_check_digits(base)
            nirs.append(nir)
            f.write(
                f"{nir};NOM{i};Prénom{i % 97};19{60 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d};"
                f"{'MF'[i % 2]};{communes[i % len(communes)]};{i % 90} rue de la Paix;"
                f"06 00 00 {i % 100:02d} {i % 97:02d};\n"
            )
    with fichiers["accompagnements"].open("w", encoding="utf-8") as f:
        f.write("ref;nir;mission;date_debut;date_fin;issue;agent;unite\n")
        ouvertures = []
        for i, nir in enumerate(nirs):
            ouverture = debut + timedelta(days=alea.randint(0, 900))
            ouvertures.append(ouverture)
            if i % 3:
                fin = ouverture + timedelta(days=alea.randint(30, 200))
                fin_txt, issue = fin.isoformat(), "OBJECTIFS_ATTEINTS"
            else:
                fin_txt, issue = "", ""
            mission = "PDP" if i % 100 < 57 else "PARCOURS_SANTE"
            debut_txt = ouverture.isoformat()
            f.write(f"A{i};{nir};{mission};{debut_txt};{fin_txt};{issue};B{i % 50};BU{i % 5}\n")
    with fichiers["entretiens"].open("w", encoding="utf-8") as f:
        f.write("ref;accompagnement;nir;date;mode;lieu_accueil;agent;duree_minutes;annule\n")
        modes = ["LIEU_ACCUEIL", "DOMICILE", "TELEPHONE", "TELEPHONE", "VISIO"]
        for k in range(nb_entretiens):
            i = k % nb_acc
            jour = ouvertures[i] + timedelta(days=k // nb_acc)
            mode = modes[k % len(modes)]
            lieu = f"BL{i % 20}" if mode == "LIEU_ACCUEIL" else ""
            annule = "oui" if k % 20 == 0 else ""
            f.write(f"E{k};A{i};{nirs[i]};{jour.isoformat()};{mode};{lieu};B{i % 50};45;{annule}\n")
    return fichiers


def main() -> None:
    parametres = argparse.ArgumentParser()
    parametres.add_argument("--entretiens", type=int, default=1_000_000)
    args = parametres.parse_args()

    dossier = Path(preparer_base("parcours-bench-import-"))
    from django.db import connection

    from parcours.organisation.enums import Role
    from parcours.organisation.models import Agent, LieuAccueil, Organisme, Unite
    from parcours.territoire.chargement import charger_geographie

    charger_geographie(region="76")
    organisme = Organisme.objects.create(code="BENCH", nom="Carsat de mesure", region_id="76")
    unites = [
        Unite.objects.create(
            code=f"BU{n}", nom=f"Unité {n}", organisme=organisme, departement_id="82"
        )
        for n in range(5)
    ]
    for n in range(50):
        Agent.objects.create(
            matricule=f"B{n}",
            nom="Agent",
            prenom=str(n),
            role=Role.ASS,
            unite=unites[n % 5],
            organisme=organisme,
        )
    for n in range(20):
        LieuAccueil.objects.create(
            code=f"BL{n}",
            nom=f"Lieu {n}",
            commune_id="82121",
            latitude=44.0,
            longitude=1.35,
            unite=unites[n % 5],
        )

    debut = time.perf_counter()
    fichiers = generer(dossier, args.entretiens)
    print(f"Base : {connection.vendor} ; fichiers générés en {time.perf_counter() - debut:.1f} s")
    total_lignes, total_duree, pic = 0, 0.0, 0.0
    for type_ in ("assures", "accompagnements", "entretiens"):
        lignes = sum(1 for _ in fichiers[type_].open(encoding="utf-8")) - 1
        # The operator's command, in a process of its own: its time and its peak memory are
        # those of a real import (the file is read as a stream).
        debut = time.perf_counter()
        processus = subprocess.Popen(
            [sys.executable, str(RACINE / "manage.py"), "importer", type_, str(fichiers[type_])],
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "parcours.settings.dev"},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        _, statut, usage = os.wait4(processus.pid, 0)
        duree = time.perf_counter() - debut
        sortie = processus.stdout.read().decode()
        processus.stdout.close()
        if os.waitstatus_to_exitcode(statut) != 0:
            print(f"{type_} rejeté : {sortie}")
            sys.exit(1)
        memoire = usage.ru_maxrss / 1024
        pic = max(pic, memoire)
        total_lignes += lignes
        total_duree += duree
        debit = lignes / duree
        print(
            f"{type_:<16} {lignes:>9} lignes  {duree:7.1f} s  {debit:9.0f} lignes/s  "
            f"cible {CIBLE} lignes/s : ratio {debit / CIBLE:.2f}  (mémoire {memoire:.0f} Mo)"
        )
    debit = total_lignes / total_duree
    print(
        f"{'ensemble':<16} {total_lignes:>9} lignes  {total_duree:7.1f} s  {debit:9.0f} lignes/s  "
        f"cible {CIBLE} lignes/s : ratio {debit / CIBLE:.2f}"
    )
    from parcours.dossiers.models import Accompagnement, Assure, Entretien

    historique = sum(m.history.count() for m in (Assure, Accompagnement, Entretien))
    print(f"Lignes d'historique écrites : {historique}")
    print(
        f"Mémoire au plus haut d'un import : {pic:.0f} Mo (cible {MEMOIRE_CIBLE} Mo pour un "
        f"million de lignes) : ratio {pic / MEMOIRE_CIBLE:.2f}"
    )


if __name__ == "__main__":
    main()
