"""From CSV files to the report: a dataset goes in through `importer` (DESIGN §5 formats), and
the report — the `rapport_annuel` JSON and the dashboard — gives what the definitions of
DESIGN §3 give, computed here again, independently, in plain Python over the same rows."""

import io
import json
import random
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from stdnum.fr import nir as stdnum_nir

from parcours.organisation.models import Agent

pytestmark = pytest.mark.django_db

ANNEE = 2025
MISSIONS = {
    "PARCOURS_SANTE": "SANTE",
    "PDP": "EMPLOYABILITE",
    "RETOUR_DOMICILE": "SANTE",
    "PASSAGE_RETRAITE": "SANTE",
}
MODES = ["LIEU_ACCUEIL", "DOMICILE", "TELEPHONE", "VISIO", "AUTRE"]
ISSUES = ["REPRISE_POSTE", "NOUVEL_EMPLOI", "FORMATION", "FRANCE_TRAVAIL", "INVALIDITE", "AUTRE"]
UNITES = {"IMP-82": ("82", "82121", "as82"), "IMP-31": ("31", "31555", "as31")}
# DESIGN §5's « rendez_vous »: no appointment is imported, so nothing booked, no rate, no delay.
SANS_RENDEZ_VOUS = {"pris": 0, "honores": 0, "taux_absence_pct": None, "delai_median_jours": None}
# DESIGN §5's « detection_precoce » where no campaign list was validated: zeros.
SANS_DETECTION = {
    "ciblees": 0,
    "retenues": 0,
    "contactees": 0,
    "jointes": 0,
    "acceptantes": 0,
    "rdv_honores": 0,
    "accompagnements_ouverts": 0,
}


def _ecrire(dossier, nom, entete, lignes):
    chemin = dossier / f"{nom}.csv"
    chemin.write_text(entete + "\n" + "".join(";".join(map(str, ligne)) + "\n" for ligne in lignes))
    return chemin


def _jeu(alea):
    """Persons, accompaniments and interviews, as plain rows."""
    personnes, accs, ents = [], [], []
    for i in range(160):
        unite = "IMP-82" if i % 3 else "IMP-31"
        base = f"1{70 + i % 20:02d}{1 + i % 12:02d}{UNITES[unite][1]}{i:03d}"
        personnes.append((base + stdnum_nir.calc_check_digits(base), unite))
    for i, (nir, unite) in enumerate(personnes):
        for k in range(1 + (i % 5 == 0)):  # one person in five has two accompaniments
            debut = date(2024, 1, 1) + timedelta(days=alea.randint(0, 900))
            fin = debut + timedelta(days=alea.randint(0, 400)) if alea.random() < 0.6 else None
            if fin and fin > date(2026, 6, 30):
                fin = None
            mission = alea.choice(list(MISSIONS))
            issue = alea.choice(ISSUES) if fin else ""
            accs.append((f"ACC{i}-{k}", nir, mission, debut, fin, issue, unite))
    for j, acc in enumerate(accs):
        for n in range(alea.randint(0, 6)):
            jour = acc[3] + timedelta(days=n * 20)
            if acc[4] and jour > acc[4]:
                break
            if jour > date(2026, 6, 30):
                break
            annule = alea.random() < 0.1
            ents.append((f"E{j}-{n}", acc[0], acc[1], jour, alea.choice(MODES), acc[6], annule))
    for i in range(60):  # interventions ponctuelles
        nir, unite = personnes[i]
        jour = date(2024, 6, 1) + timedelta(days=alea.randint(0, 700))
        ents.append((f"P{i}", "", nir, jour, alea.choice(MODES), unite, False))
    return personnes, accs, ents


def _attendu(accs, ents):
    """DESIGN §3, again, over the rows themselves."""
    debut, fin = date(ANNEE, 1, 1), date(ANNEE, 12, 31)
    acc_par_ref = {a[0]: a for a in accs}
    actifs = [a for a in accs if a[3] <= fin and (a[4] is None or a[4] >= debut)]
    realises = [e for e in ents if debut <= e[3] <= fin and not e[6]]
    par_mission = Counter(acc_par_ref[e[1]][2] for e in realises if e[1])
    actifs_mission = Counter(a[2] for a in actifs)
    clos = defaultdict(list)
    for a in actifs:
        if a[4] is not None and a[4] <= fin:
            clos[a[2]].append((a[4] - a[3]).days)
    pdp_clos = [a for a in actifs if a[2] == "PDP" and a[4] and a[4] <= fin]

    def pct(n, d):
        return round(100 * n / d + 1e-9, 1) if d else None

    def suivis(rows):
        dernier = {}
        for a in sorted(rows, key=lambda a: (a[3], int(a[0][3:].replace("-", "")))):
            dernier[a[1]] = MISSIONS[a[2]]
        return Counter(dernier.values())

    region = {
        "entretiens_total": len(realises),
        "entretiens_par_mission": {m: par_mission[m] for m in MISSIONS},
        "accompagnements_part_par_mission": {
            m: pct(actifs_mission[m], len(actifs)) for m in MISSIONS
        },
        "duree_moyenne_mois_par_mission": {
            m: round(sum(clos[m]) / len(clos[m]) / 30.4375 + 1e-9, 1) if clos[m] else None
            for m in MISSIONS
        },
        "pdp_emploi_retrouve_pct": pct(
            sum(a[5] in ("REPRISE_POSTE", "NOUVEL_EMPLOI") for a in pdp_clos), len(pdp_clos)
        ),
        "pdp_maintien_emploi_pct": pct(
            sum(a[5] in ("FORMATION", "FRANCE_TRAVAIL") for a in pdp_clos), len(pdp_clos)
        ),
        "assures_suivis": sum(suivis(actifs).values()),
        "lieux_accueil": 2,
        "rendez_vous": SANS_RENDEZ_VOUS,
        "detection_precoce": SANS_DETECTION,
    }
    departements = {}
    for unite, (dep, _, _) in UNITES.items():
        axes = suivis([a for a in actifs if a[6] == unite])
        ents_u = [e for e in realises if e[5] == unite]
        axe_ents = Counter(MISSIONS[acc_par_ref[e[1]][2]] for e in ents_u if e[1])
        departements[dep] = {
            "assures_suivis": sum(axes.values()),
            "assures_par_axe": {
                a: pct(axes[a], sum(axes.values())) for a in ("EMPLOYABILITE", "SANTE")
            },
            "entretiens_total": len(ents_u),
            "entretiens_de_visu": sum(e[4] in ("LIEU_ACCUEIL", "DOMICILE") for e in ents_u),
            "entretiens_telephone": sum(e[4] == "TELEPHONE" for e in ents_u),
            "entretiens_par_axe": {
                a: pct(axe_ents[a], sum(axe_ents.values())) for a in ("EMPLOYABILITE", "SANTE")
            },
            "rendez_vous": SANS_RENDEZ_VOUS,
            "detection_precoce": SANS_DETECTION,
        }
    return {
        "organisme": "CARSAT-IMP",
        "annee": ANNEE,
        "region": region,
        "departements": departements,
    }


def test_imported_csv_files_give_the_report_the_definitions_give(tmp_path, client):
    personnes, accs, ents = _jeu(random.Random(2025))
    fichiers = [
        ("organismes", "code;nom;region", [("CARSAT-IMP", "Carsat importée", "76")]),
        (
            "unites",
            "code;nom;organisme;departement",
            [(u, f"Unité {d}", "CARSAT-IMP", d) for u, (d, _, _) in UNITES.items()],
        ),
        (
            "lieux_accueil",
            "code;nom;adresse;commune;latitude;longitude;unite",
            [
                ("L82", "Agence de Montauban", "", "82121", "44.0176", "1.3549", "IMP-82"),
                ("L31", "Agence de Toulouse", "", "31555", "43.6045", "1.4440", "IMP-31"),
            ],
        ),
        (
            "agents",
            "matricule;nom;prenom;role;unite;email",
            [(a, "Agent", d, "ass", u, "") for u, (d, _, a) in UNITES.items()]
            + [("pilote-imp", "Pilote", "Paul", "pilotage", "CARSAT-IMP", "")],
        ),
        (
            "assures",
            "nir;nom;prenom;date_naissance;sexe;commune;adresse;telephone;email",
            [
                (nir, f"NOM{i}", "Prénom", "1980-01-01", "M", UNITES[u][1], "", "", "")
                for i, (nir, u) in enumerate(personnes)
            ],
        ),
        (
            "accompagnements",
            "ref;nir;mission;date_debut;date_fin;issue;agent;unite",
            [(r, n, m, d, f or "", i, UNITES[u][2], u) for r, n, m, d, f, i, u in accs],
        ),
        (
            "entretiens",
            "ref;accompagnement;nir;date;mode;lieu_accueil;agent;duree_minutes;annule",
            [
                (r, a, n, d, m, "", UNITES[u][2], "30", "oui" if x else "non")
                for r, a, n, d, m, u, x in ents
            ],
        ),
        (
            "signalements",
            "ref;nir;date;source;motif;mission;commentaire",
            [
                (f"S{i}", personnes[i][0], "2025-03-03", "SERVICE_MEDICAL", "Arrêt long", "", "")
                for i in range(30)
            ],
        ),  # fmt: skip
    ]
    for nom, entete, lignes in fichiers:
        call_command("importer", nom, str(_ecrire(tmp_path, nom, entete, lignes)), verbosity=0)
    attendu = _attendu(accs, ents)
    sortie = tmp_path / "rapport.json"
    call_command(
        "rapport_annuel",
        "--organisme=CARSAT-IMP",
        f"--annee={ANNEE}",
        "--format=json",
        f"--sortie={sortie}",
        "--role=cadre",
        stdout=io.StringIO(),
    )
    assert json.loads(sortie.read_text()) == attendu

    # On screen: the regional direction's dashboard shows the same totals (all above 10).
    assert attendu["region"]["entretiens_total"] > 10 and attendu["region"]["assures_suivis"] > 10
    client.force_login(Agent.objects.get(matricule="pilote-imp"))
    page = client.get(reverse("statistiques:tableau_de_bord"), {"annee": ANNEE})
    cles = {c.libelle: c.valeur.nombre for c in page.context["chiffres_cles"]}
    assert cles["Entretiens réalisés"] == attendu["region"]["entretiens_total"]
    assert cles["Assurés suivis"] == attendu["region"]["assures_suivis"]
    assert cles["Signalements reçus"] == 30
    texte = page.content.decode().replace("\u202f", "")
    assert f">{attendu['region']['entretiens_total']}<" in texte
