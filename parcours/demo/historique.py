"""Two years of synthetic history for the demo Carsat: persons, signalements, accompaniments,
action plans, interviews, orientations and outcomes.

Everything is generated (fixed seed) in the proportions the service publishes (DESIGN §3): about
3.5 interviews per person over 4–5 months, 57 % job-loss prevention and 43 % health, half the
interviews face to face; the volume follows the population each unit covers (Midi-Pyrénées: some
40,000 interviews a year). Names are drawn from lists of common French names; the NIRs are
well-formed but made up. Nothing here describes a real person.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from stdnum.fr import nir as stdnum_nir

from parcours.dossiers.enums import (
    IssueAccompagnement,
    ModeEntretien,
    SourceSignalement,
    StatutSignalement,
)
from parcours.dossiers.models import (
    Accompagnement,
    Action,
    Assure,
    Entretien,
    Mission,
    Objectif,
    Orientation,
    Signalement,
)
from parcours.lib.texte import normaliser
from parcours.organisation.enums import Role
from parcours.organisation.models import LieuAccueil, Organisme, Secteur
from parcours.territoire.models import Commune

GRAINE = 2023
PERSONNES_PAR_AN_POUR_100000 = 420  # ≈ 12,000 persons a year for Midi-Pyrénées
LOT = 5000

MISSIONS = [
    ("PDP", 0.57),
    ("PARCOURS_SANTE", 0.36),
    ("RETOUR_DOMICILE", 0.05),
    ("PASSAGE_RETRAITE", 0.02),
]
DUREE_MOYENNE_JOURS = {
    "PDP": 152,
    "PARCOURS_SANTE": 91,
    "RETOUR_DOMICILE": 75,
    "PASSAGE_RETRAITE": 60,
}
MODES = [
    (ModeEntretien.LIEU_ACCUEIL, 0.40),
    (ModeEntretien.DOMICILE, 0.12),
    (ModeEntretien.TELEPHONE, 0.46),
    (ModeEntretien.VISIO, 0.01),
    (ModeEntretien.AUTRE, 0.01),
]
ISSUES_PDP = [
    ("REPRISE_POSTE", 0.08),
    ("POSTE_AMENAGE", 0.06),
    ("RECLASSEMENT", 0.03),
    ("NOUVEL_EMPLOI", 0.02),
    ("FORMATION", 0.12),
    ("FRANCE_TRAVAIL", 0.15),
    ("INVALIDITE", 0.15),
    ("RETRAITE", 0.05),
    ("OBJECTIFS_ATTEINTS", 0.10),
    ("ORIENTATION_PARTENAIRE", 0.05),
    ("FIN_A_L_INITIATIVE_ASSURE", 0.08),
    ("INJOIGNABLE", 0.08),
    ("DEMENAGEMENT", 0.02),
    ("DECES", 0.01),
]
ISSUES_SANTE = [
    ("OBJECTIFS_ATTEINTS", 0.45),
    ("ORIENTATION_PARTENAIRE", 0.20),
    ("INJOIGNABLE", 0.10),
    ("FIN_A_L_INITIATIVE_ASSURE", 0.10),
    ("INVALIDITE", 0.05),
    ("DECES", 0.03),
    ("DEMENAGEMENT", 0.02),
    ("AUTRE", 0.05),
]
SOURCES = [
    (SourceSignalement.SERVICE_MEDICAL, 0.35),
    (SourceSignalement.ASSURE, 0.20),
    (SourceSignalement.CPAM_MISAS, 0.15),
    (SourceSignalement.LISTE_CIBLEE, 0.10),
    (SourceSignalement.SERVICE_SOCIAL_HOSPITALIER, 0.08),
    (SourceSignalement.MEDECIN_TRAVAIL, 0.05),
    (SourceSignalement.CPAM_ACCUEIL, 0.04),
    (SourceSignalement.EMPLOYEUR, 0.02),
    (SourceSignalement.CPAM_ASS, 0.01),
]
MOTIFS = {
    "PDP": [
        "Arrêt de travail de plus de 90 jours, inquiétude sur le maintien dans l'emploi",
        "Restrictions médicales, le poste actuel n'est plus compatible",
        "Visite de pré-reprise à préparer avec le médecin du travail",
        "Risque d'inaptitude signalé par le service médical",
    ],
    "PARCOURS_SANTE": [
        "Difficultés d'accès aux soins et aux droits après un diagnostic grave",
        "Renoncement aux soins pour raisons financières",
        "Isolement et affection de longue durée récente",
        "Retard de paiement des indemnités journalières, situation budgétaire tendue",
    ],
    "RETOUR_DOMICILE": [
        "Sortie d'hospitalisation prévue, aide à domicile à organiser",
        "Retour à domicile fragile après une chirurgie",
    ],
    "PASSAGE_RETRAITE": [
        "Passage à la retraite après une longue maladie, besoin de prévention",
        "Départ en retraite pour inaptitude, isolement",
    ],
}
OBJECTIFS = {
    "PDP": [
        "Préparer la reprise du travail",
        "Construire un projet professionnel",
        "Sécuriser les ressources pendant l'arrêt",
    ],
    "PARCOURS_SANTE": [
        "Ouvrir les droits à la complémentaire santé solidaire",
        "Organiser le parcours de soins",
        "Stabiliser le budget",
    ],
    "RETOUR_DOMICILE": ["Mettre en place l'aide à domicile", "Adapter le logement"],
    "PASSAGE_RETRAITE": [
        "Constituer le dossier de retraite",
        "S'inscrire à un atelier bien vieillir",
    ],
}
ACTIONS = [
    ("Contacter le médecin du travail", "Service de prévention et de santé au travail"),
    ("Demander une étude de poste", "Employeur"),
    ("Déposer la demande de CSS", "CPAM"),
    ("Prendre rendez-vous avec le conseiller France Travail", "France Travail"),
    ("Solliciter une aide financière", "CPAM — action sanitaire et sociale"),
    ("Constituer le dossier MDPH", "MDPH"),
    ("Organiser la visite de pré-reprise", "Service de prévention et de santé au travail"),
    ("Orienter vers un bilan de compétences", "Transitions Pro"),
]
PARTENAIRES = [
    "CCAS",
    "MDPH",
    "France Travail",
    "CPAM — Mission accompagnement santé",
    "Cap emploi",
    "Conseil départemental",
]
NOTES = [
    "Entretien centré sur la situation professionnelle et les restrictions médicales.",
    "Point sur les démarches en cours ; la personne se sent mieux informée.",
    "Évaluation globale de la situation familiale et budgétaire.",
    "Préparation de la visite de pré-reprise, documents rassemblés.",
    "Suivi des démarches engagées auprès des partenaires.",
]
PRENOMS_F = (
    "Marie Nathalie Isabelle Sylvie Catherine Christine Sandrine Valérie Céline Sophie Stéphanie "
    "Laurence Aurélie Julie Émilie Camille Léa Manon Sarah Inès Fatima Nadia Mireille Josiane"
).split()
PRENOMS_M = (
    "Jean Philippe Michel Alain Patrick Nicolas Christophe Pierre Laurent Éric David Julien "
    "Sébastien Thomas Karim Mohamed Antoine Kévin Romain Jérôme Guy Serge Bernard Rachid"
).split()
NOMS = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre "
    "Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier Dupont Lambert "
    "Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry Roussel "
    "Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin Masson "
    "Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger Roche Roy Noël Meyer Lucas "
    "Cazals Puech Soulié Vialaret Bousquet Carrière Delmas Lacombe Fabre Cabrol Rouquette Vidal "
    "Marty Fournié Bouscatel Galy Espitalier Maury Bories Calmettes Teulières Azéma Cassagne"
).split()
MOTIFS_DECISION = {
    StatutSignalement.ORIENTE_AILLEURS: "CCAS de la commune",
    StatutSignalement.HORS_CHAMP: "Demande de logement sans lien avec la santé",
}
RUES = [
    "rue de la République",
    "avenue Jean Jaurès",
    "chemin des Vignes",
    "rue du Moulin",
    "place de l'Église",
    "rue Victor Hugo",
    "allée des Tilleuls",
    "route de Toulouse",
]


def _tirage(alea: random.Random, ponderes: list[tuple]):
    return alea.choices([v for v, _ in ponderes], weights=[p for _, p in ponderes])[0]


@dataclass
class Bilan:
    assures: int = 0
    signalements: int = 0
    accompagnements: int = 0
    entretiens: int = 0


def historique_present(organisme: Organisme) -> bool:
    return Accompagnement.objects.filter(unite__organisme=organisme).exists()


def _nir(alea: random.Random, sexe: str, naissance: date, commune: str, vus: set[str]) -> str:
    departement = commune[:2] if not commune.startswith("97") else commune[:3]
    reste = commune[2:] if len(departement) == 2 else commune[3:]
    while True:
        debut = f"{1 if sexe == 'M' else 2}{naissance.year % 100:02d}{naissance.month:02d}"
        debut += f"{departement}{reste:0>3}"[:5] + f"{alea.randint(1, 999):03d}"
        nir = debut + stdnum_nir.calc_check_digits(debut)
        if nir not in vus:
            vus.add(nir)
            return nir


@transaction.atomic
def generer_historique(organisme: Organisme, *, jours: int = 730) -> Bilan:
    """Create the demo history of `organisme` (its units, agents and sectors must exist)."""
    alea = random.Random(GRAINE)
    aujourd_hui = timezone.localdate()
    debut_periode = aujourd_hui - timedelta(days=jours)
    missions = {m.code: m.pk for m in Mission.objects.all()}
    vus = set(Assure.objects.values_list("nir", flat=True))
    bilan = Bilan()

    assures, signalements, accompagnements, plans = [], [], [], []
    entretiens_par_acc: list[list[dict]] = []
    ponctuelles: list[tuple[int, dict]] = []
    orientations: list[tuple[int, dict]] = []

    for unite in organisme.unites.select_related("departement").order_by("code"):
        assistants = list(unite.agents.filter(role=Role.ASS, is_active=True).order_by("matricule"))
        if not assistants:
            continue
        lieux = list(LieuAccueil.objects.filter(unite=unite).values_list("id", flat=True))
        secteurs_agents = {}
        for secteur in Secteur.objects.filter(unite=unite, agent__isnull=False).prefetch_related(
            "communes"
        ):
            for code in secteur.communes.values_list("code", flat=True):
                secteurs_agents[code] = secteur.agent_id
        communes = list(
            Commune.objects.filter(secteurs__unite=unite, secteurs__agent__isnull=True).values_list(
                "code", "nom", "population"
            )
        )
        if not communes:
            continue
        population = sum(p or 0 for _, _, p in communes)
        nombre = round(population / 100000 * PERSONNES_PAR_AN_POUR_100000 * jours / 365)
        poids = [p or 1 for _, _, p in communes]
        for _ in range(nombre):
            code, nom_commune, _ = alea.choices(communes, weights=poids)[0]
            mission = _tirage(alea, MISSIONS)
            sexe = alea.choice("FM")
            age = alea.randint(25, 62) if mission == "PDP" else alea.randint(22, 88)
            naissance = aujourd_hui - timedelta(days=age * 365 + alea.randint(0, 364))
            prenom = alea.choice(PRENOMS_F if sexe == "F" else PRENOMS_M)
            nom = alea.choice(NOMS)
            ouverture = debut_periode + timedelta(days=alea.randint(0, jours - 1))
            assures.append(
                Assure(
                    nir=_nir(alea, sexe, naissance, code, vus),
                    nom=nom,
                    prenom=prenom,
                    recherche=normaliser(f"{nom} {prenom}"),
                    date_naissance=naissance,
                    sexe=sexe,
                    commune_id=code,
                    adresse=f"{alea.randint(1, 80)} {alea.choice(RUES)}\n{nom_commune}",
                    telephone="+336" + "".join(f"{alea.randint(10, 99)}" for _ in range(4)),
                    arret_travail_depuis=(
                        ouverture - timedelta(days=alea.randint(60, 200))
                        if mission == "PDP"
                        else None
                    ),
                    ald=alea.random() < (0.25 if mission == "PDP" else 0.55),
                    invalidite=alea.random() < 0.08,
                    css=alea.random() < 0.18,
                    complementaire=alea.choice(["OUI", "OUI", "OUI", "NON", "INCONNU"]),
                    situation_emploi=(
                        "SALARIE"
                        if mission == "PDP"
                        else alea.choice(
                            ["SALARIE", "SANS_ACTIVITE", "RETRAITE", "DEMANDEUR_EMPLOI"]
                        )
                    ),
                )
            )
            referent = secteurs_agents.get(code) or alea.choice(assistants).pk
            duree = max(7, int(alea.expovariate(1 / DUREE_MOYENNE_JOURS[mission])))
            cloture = ouverture + timedelta(days=duree)
            clos = cloture < aujourd_hui - timedelta(days=3)
            issue, precision = "", ""
            if clos:
                issue = _tirage(alea, ISSUES_PDP if mission == "PDP" else ISSUES_SANTE)
                if issue == IssueAccompagnement.AUTRE:
                    precision = "Relais pris par la famille"
            indice = len(assures) - 1
            accompagnements.append(
                (
                    indice,
                    dict(
                        mission_id=missions[mission],
                        date_debut=ouverture,
                        date_fin=cloture if clos else None,
                        issue=issue,
                        issue_precision=precision,
                        referent_id=referent,
                        unite_id=unite.pk,
                    ),
                )
            )
            signalements.append(
                (
                    indice,
                    dict(
                        date=max(debut_periode, ouverture - timedelta(days=alea.randint(0, 20))),
                        source=_tirage(alea, SOURCES),
                        motif=alea.choice(MOTIFS[mission]),
                        mission_id=missions[mission],
                        unite_id=unite.pk,
                        agent_id=referent,
                        statut=StatutSignalement.ACCOMPAGNEMENT_OUVERT,
                    ),
                )
            )
            fin = cloture if clos else aujourd_hui
            nb = max(1, min(12, round(alea.gauss(3.5, 1.6))))
            dates = sorted(
                ouverture + timedelta(days=alea.randint(0, max(0, (fin - ouverture).days)))
                for _ in range(nb)
            )
            dates[0] = ouverture
            entretiens_par_acc.append(
                [_entretien(alea, jour, referent, lieux, unite.pk) for jour in dates]
            )
            plans.append((mission, clos, ouverture, fin))
            if alea.random() < 0.2:
                reponse = alea.random() < 0.6
                jour = ouverture + timedelta(days=alea.randint(0, max(0, (fin - ouverture).days)))
                orientations.append(
                    (
                        len(accompagnements) - 1,
                        dict(
                            date=jour,
                            partenaire=alea.choice(PARTENAIRES),
                            motif="Relais pour une démarche hors du champ du service social",
                            reponse="Prise en charge confirmée" if reponse else "",
                            date_reponse=min(aujourd_hui, jour + timedelta(days=10))
                            if reponse
                            else None,
                            auteur_id=referent,
                        ),
                    )
                )
        # One-off interventions and signalements sent elsewhere, and a fresh queue to triage.
        for _ in range(nombre // 6):
            code, nom_commune, _ = alea.choices(communes, weights=poids)[0]
            sexe = alea.choice("FM")
            naissance = aujourd_hui - timedelta(days=alea.randint(22, 80) * 365)
            nom, prenom = alea.choice(NOMS), alea.choice(PRENOMS_F if sexe == "F" else PRENOMS_M)
            assures.append(
                Assure(
                    nir=_nir(alea, sexe, naissance, code, vus),
                    nom=nom,
                    prenom=prenom,
                    recherche=normaliser(f"{nom} {prenom}"),
                    date_naissance=naissance,
                    sexe=sexe,
                    commune_id=code,
                )
            )
            indice = len(assures) - 1
            jour = debut_periode + timedelta(days=alea.randint(0, jours - 1))
            agent = secteurs_agents.get(code) or alea.choice(assistants).pk
            recent = jour > aujourd_hui - timedelta(days=15)
            statut = (
                StatutSignalement.A_TRAITER
                if recent
                else _tirage(
                    alea,
                    [
                        (StatutSignalement.INTERVENTION_PONCTUELLE, 0.7),
                        (StatutSignalement.ORIENTE_AILLEURS, 0.2),
                        (StatutSignalement.HORS_CHAMP, 0.1),
                    ],
                )
            )
            signalements.append(
                (
                    indice,
                    dict(
                        date=jour,
                        source=_tirage(alea, SOURCES),
                        motif=alea.choice(MOTIFS["PARCOURS_SANTE"]),
                        mission_id=None,
                        unite_id=unite.pk,
                        agent_id=agent,
                        statut=statut,
                        motif_decision=MOTIFS_DECISION.get(statut, ""),
                    ),
                )
            )
            if statut == StatutSignalement.INTERVENTION_PONCTUELLE:
                ponctuelles.append((indice, _entretien(alea, jour, agent, lieux, unite.pk)))

    # Write everything in bulk, in dependency order.
    for debut in range(0, len(assures), LOT):
        Assure.objects.bulk_create(assures[debut : debut + LOT])
    ids_assures = dict(
        Assure.objects.filter(nir__in=[a.nir for a in assures]).values_list("nir", "id")
    )
    cle_assure = [ids_assures[a.nir] for a in assures]
    objets_acc = [
        Accompagnement(ref=f"DEMO-A{n:07d}", assure_id=cle_assure[i], **champs)
        for n, (i, champs) in enumerate(accompagnements)
    ]
    for debut in range(0, len(objets_acc), LOT):
        Accompagnement.objects.bulk_create(objets_acc[debut : debut + LOT])
    ids_acc = dict(Accompagnement.objects.filter(ref__startswith="DEMO-A").values_list("ref", "id"))
    acc_ids = [ids_acc[a.ref] for a in objets_acc]
    entretiens = []
    for n, (acc, liste) in enumerate(zip(objets_acc, entretiens_par_acc, strict=True)):
        for k, champs in enumerate(liste):
            entretiens.append(
                Entretien(
                    ref=f"DEMO-E{n:07d}-{k}",
                    assure_id=acc.assure_id,
                    accompagnement_id=acc_ids[n],
                    **champs,
                )
            )
    for n, (i, champs) in enumerate(ponctuelles):
        entretiens.append(Entretien(ref=f"DEMO-P{n:07d}", assure_id=cle_assure[i], **champs))
    for debut in range(0, len(entretiens), LOT):
        Entretien.objects.bulk_create(entretiens[debut : debut + LOT])
    objets_sig = []
    rang_acc = {i: n for n, (i, _) in enumerate(accompagnements)}
    for n, (i, champs) in enumerate(signalements):
        accompagnement = (
            acc_ids[rang_acc[i]]
            if champs["statut"] == StatutSignalement.ACCOMPAGNEMENT_OUVERT
            else None
        )
        objets_sig.append(
            Signalement(
                ref=f"DEMO-S{n:07d}",
                assure_id=cle_assure[i],
                accompagnement_id=accompagnement,
                decide_le=None,
                **champs,
            )
        )
    for debut in range(0, len(objets_sig), LOT):
        Signalement.objects.bulk_create(objets_sig[debut : debut + LOT])
    Orientation.objects.bulk_create(
        [
            Orientation(assure_id=objets_acc[n].assure_id, accompagnement_id=acc_ids[n], **champs)
            for n, champs in orientations
        ]
    )
    # Action plans for the accompaniments still open, some of them late.
    objectifs, actions = [], []
    for n, (mission, clos, ouverture, _fin) in enumerate(plans):
        if clos:
            continue
        for libelle in alea.sample(OBJECTIFS[mission], k=min(2, len(OBJECTIFS[mission]))):
            objectifs.append(Objectif(accompagnement_id=acc_ids[n], libelle=libelle))
        for libelle, partenaire in alea.sample(ACTIONS, k=alea.randint(1, 3)):
            echeance = ouverture + timedelta(days=alea.randint(15, 120))
            actions.append(
                Action(
                    accompagnement_id=acc_ids[n],
                    libelle=libelle,
                    partenaire=partenaire,
                    echeance=echeance,
                    faite=echeance < aujourd_hui and alea.random() < 0.7,
                )
            )
    Objectif.objects.bulk_create(objectifs, batch_size=LOT)
    Action.objects.bulk_create(actions, batch_size=LOT)
    bilan.assures = len(assures)
    bilan.accompagnements = len(objets_acc)
    bilan.entretiens = len(entretiens)
    bilan.signalements = len(objets_sig)
    return bilan


def _entretien(
    alea: random.Random, jour: date, agent_id: int, lieux: list[int], unite_id: int
) -> dict:
    mode = _tirage(alea, MODES)
    return dict(
        date=jour,
        mode=mode,
        lieu_accueil_id=alea.choice(lieux)
        if mode == ModeEntretien.LIEU_ACCUEIL and lieux
        else None,
        duree_minutes=alea.choice([20, 30, 45, 45, 60, 60, 90]),
        agent_id=agent_id,
        notes=alea.choice(NOTES),
        annule=alea.random() < 0.05,
        unite_id=unite_id,
    )
