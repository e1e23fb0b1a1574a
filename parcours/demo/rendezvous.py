"""Agendas and appointments for the demo Carsat (issue 14): the motifs, the weekly openings of
its social workers at the places of their unit — all 128 of them —, a few absences, and
appointments booked ahead, seen (with their interview), missed, excused and cancelled.

Everything is synthetic (fixed seed) and belongs to the demo organisme, which every screen labels
« données de démonstration ». The appointments are written in bulk, consistent by construction
rather than booked one by one: an agent's openings never overlap, a place never holds more
agents at once than rooms, no appointment falls on a public holiday of the place nor in an
absence; a « seen » appointment has its interview, as `rendezvous.actions.constater` records it
(in the person's open accompaniment the agent follows, else a one-off intervention). The
persons are those of the demo history (`historique`): without it, only the agendas are made.
"""

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np
from django.db import transaction
from django.utils import timezone

from parcours.dossiers.enums import StatutSignalement
from parcours.dossiers.models import Accompagnement, Entretien, Signalement
from parcours.lib.sphere import distances_km
from parcours.organisation.enums import Role
from parcours.organisation.models import Agent, LieuAccueil, Organisme
from parcours.organisation.proximite import minutes_estimees
from parcours.rendezvous.actions import MODE_ENTRETIEN
from parcours.rendezvous.creneaux import PARIS, a_paris, absences_de, jours_feries, occurrences
from parcours.rendezvous.enums import (
    STATUTS_ANNULES,
    ModeRendezVous,
    OrigineRendezVous,
    StatutRendezVous,
)
from parcours.rendezvous.imports import JOURS, code_plage
from parcours.rendezvous.models import Absence, Motif, Participation, Plage, RendezVous
from parcours.territoire.models import Commune

GRAINE = 2614
SEMAINES_PASSEES = 3  # of appointments already held
SEMAINES_A_VENIR = 4  # of appointments booked ahead
SALLES_AGENCE = 3  # the unit's agency receives several social workers at once
MATIN, APRES_MIDI = (time(9), time(12)), (time(13, 30), time(16, 30))
NOTES = (
    "Rendez-vous de démonstration : point sur la situation et les démarches en cours.",
    "Rendez-vous de démonstration : les documents demandés ont été apportés.",
    "Rendez-vous de démonstration : suite du plan d'aide, prochain point à fixer.",
)

# (code, libellé, minutes, où, nommable dans les messages, réservable par la personne)
MOTIFS = (
    ("PREMIER_RDV", "Premier rendez-vous", 45, ModeRendezVous.LIEU_ACCUEIL, True, True),
    ("SUIVI", "Entretien de suivi", 45, ModeRendezVous.LIEU_ACCUEIL, True, False),
    ("TELEPHONE", "Entretien téléphonique", 30, ModeRendezVous.TELEPHONE, True, True),
    # Health-related: never named in an SMS, an e-mail nor a calendar.
    (
        "ARRET_TRAVAIL",
        "Arrêt de travail long : maintien dans l'emploi",
        60,
        ModeRendezVous.LIEU_ACCUEIL,
        False,
        False,
    ),
)
# Status of a past appointment, once marked (the last two days are left to mark).
STATUTS_PASSES = (
    (StatutRendezVous.VU, 0.78),
    (StatutRendezVous.ABSENT, 0.09),
    (StatutRendezVous.EXCUSE, 0.07),
    (StatutRendezVous.ANNULE_PERSONNE, 0.04),
    (StatutRendezVous.ANNULE_SERVICE, 0.02),
)
STATUTS_A_VENIR = (
    (StatutRendezVous.PREVU, 0.94),
    (StatutRendezVous.ANNULE_PERSONNE, 0.04),
    (StatutRendezVous.ANNULE_SERVICE, 0.02),
)


@dataclass
class BilanRendezVous:
    plages: int = 0
    lieux: int = 0
    absences: int = 0
    statuts: Counter = field(default_factory=Counter)

    @property
    def rendez_vous(self) -> int:
        return sum(self.statuts.values())


def agendas_presents(organisme: Organisme) -> bool:
    return Plage.objects.filter(agent__organisme=organisme).exists()


def _tirage(alea: random.Random, ponderes) -> str:
    return alea.choices([v for v, _ in ponderes], weights=[p for _, p in ponderes])[0]


def _motifs() -> dict[str, Motif]:
    motifs = {}
    for code, libelle, minutes, mode, nommable, par_la_personne in MOTIFS:
        motifs[code], _ = Motif.objects.get_or_create(
            code=code,
            defaults={
                "libelle": libelle,
                "duree_minutes": minutes,
                "mode": mode,
                "nommable_dans_les_messages": nommable,
                "reservable_par_la_personne": par_la_personne,
                "delai_min_heures": 2,
                "delai_max_jours": 60,
            },
        )
    return motifs


@transaction.atomic
def generer_rendezvous(organisme: Organisme, *, maintenant: datetime | None = None):
    """Create the demo agendas and appointments of `organisme` (its units, places, agents and,
    for the appointments, its history must exist); nothing if its agendas exist already."""
    bilan = BilanRendezVous()
    if agendas_presents(organisme):
        return bilan
    alea = random.Random(GRAINE)
    maintenant = maintenant or timezone.now()
    aujourd_hui = timezone.localtime(maintenant, PARIS).date()
    lundi = aujourd_hui - timedelta(days=aujourd_hui.weekday())
    debut_agendas = lundi - timedelta(weeks=8)
    motifs = _motifs()
    au_lieu = [motifs["PREMIER_RDV"], motifs["SUIVI"], motifs["ARRET_TRAVAIL"]]

    # Openings: every place of a unit is held by one of its social workers, one half-day a
    # week or every other week; each also receives one half-day a week at the unit's agency
    # (the place of the unit's seat, with several rooms), where phone appointments are held.
    plages: list[Plage] = []
    salles: dict[tuple[int, int, int], int] = {}  # (place, day, half-day) → agents there
    salle_de: dict[int, int] = {}  # index in `plages` → its room
    pris: set[tuple[int, int, int]] = set()  # (agent, day, half-day)

    def ouvrir(agent, lieu, motifs_plage, *, tous_les: int = 1) -> bool:
        demi_journees = [(j, d) for j in range(5) for d in range(2)]
        alea.shuffle(demi_journees)
        for j, d in demi_journees:
            if (agent.pk, j, d) in pris or salles.get((lieu.pk, j, d), 0) >= lieu.salles:
                continue
            pris.add((agent.pk, j, d))
            salles[(lieu.pk, j, d)] = salles.get((lieu.pk, j, d), 0) + 1
            de, a = MATIN if d == 0 else APRES_MIDI
            jour = list(JOURS)[j]
            premier = debut_agendas + timedelta(days=j)
            plage = Plage(
                agent=agent,
                lieu=lieu,
                debut=de,
                fin=a,
                regle=f"FREQ=WEEKLY;{'INTERVAL=2;' if tous_les == 2 else ''}BYDAY={JOURS[jour]}",
                date_debut=premier,
                code=code_plage(agent.matricule, lieu.code, jour, de, a, premier),
            )
            plage.motifs_demo = motifs_plage
            salle_de[len(plages)] = salles[(lieu.pk, j, d)]
            plages.append(plage)
            return True
        return False

    for unite in organisme.unites.order_by("code"):
        lieux = list(LieuAccueil.objects.filter(unite=unite, actif=True).order_by("code"))
        assistants = list(
            Agent.objects.filter(unite=unite, role=Role.ASS, is_active=True).order_by("matricule")
        )
        if not lieux or not assistants:
            continue
        agence = next(
            (lieu for lieu in lieux if lieu.nom.startswith("Agence")),
            lieux[0],
        )
        if agence.salles < SALLES_AGENCE:
            LieuAccueil.objects.filter(pk=agence.pk).update(salles=SALLES_AGENCE)
            agence.salles = SALLES_AGENCE
        for agent in assistants:
            # The demo social worker's week is the one shown first: three half-days there.
            for _ in range(3 if agent.matricule == "demo-ass" else 1):
                ouvrir(agent, agence, [*au_lieu, motifs["TELEPHONE"]])
        autres = [lieu for lieu in lieux if lieu.pk != agence.pk]
        for k, lieu in enumerate(autres):
            agent = assistants[k % len(assistants)]
            tous_les = 2 if alea.random() < 0.35 else 1
            if not ouvrir(agent, lieu, au_lieu, tous_les=tous_les):
                ouvrir(assistants[(k + 1) % len(assistants)], lieu, au_lieu, tous_les=tous_les)
    # A few permanences closed one week (the mayor's office needs the room).
    for plage in alea.sample(plages, k=len(plages) // 12):
        plage.exceptions = [
            (lundi + timedelta(weeks=1, days=plage.date_debut.weekday())).isoformat()
        ]
    Plage.objects.bulk_create(plages)
    ids = dict(Plage.objects.filter(code__in=[p.code for p in plages]).values_list("code", "id"))
    lien = Plage.motifs.through
    lien.objects.bulk_create(
        [lien(plage_id=ids[p.code], motif_id=m.pk) for p in plages for m in p.motifs_demo]
    )
    for p in plages:
        p.pk = ids[p.code]
    bilan.plages = len(plages)
    bilan.lieux = len({p.lieu_id for p in plages})

    # Absences: a week's leave for one social worker in eight, a monthly team meeting for all
    # of one unit.
    agents = sorted({p.agent_id for p in plages})
    absences = []
    for agent_id in alea.sample(agents, k=max(1, len(agents) // 8)):
        semaine = lundi + timedelta(weeks=alea.choice((-2, -1, 1, 2, 3)))
        absences.append(
            Absence(
                agent_id=agent_id,
                debut=a_paris(semaine, time(0)),
                fin=a_paris(semaine + timedelta(days=5), time(0)),
                libelle="Congés (démonstration)",
            )
        )
    montauban = Agent.objects.filter(
        unite__code="MP-82-MONTAUBAN", role=Role.ASS, pk__in=agents
    ).values_list("pk", flat=True)
    premier_lundi = lundi.replace(day=1)
    premier_lundi += timedelta(days=(7 - premier_lundi.weekday()) % 7)
    for agent_id in montauban:
        absences.append(
            Absence(
                agent_id=agent_id,
                debut=a_paris(premier_lundi, time(9)),
                fin=a_paris(premier_lundi, time(12)),
                regle="FREQ=MONTHLY;BYDAY=1MO",
                jusqu_au=premier_lundi + timedelta(days=365),
                libelle="Réunion d'équipe (démonstration)",
            )
        )
    Absence.objects.bulk_create(absences)
    bilan.absences = len(absences)

    personnes = _personnes(organisme)
    if personnes:
        bilan.statuts = _rendez_vous(alea, plages, salle_de, motifs, personnes, lundi, maintenant)
    return bilan


@dataclass
class _Personnes:
    """Who an agent's appointments are with: persons they follow (open accompaniments), and
    fresh signalements of their unit (a first appointment)."""

    suivies: dict[int, list[tuple[int, int, date]]]  # agent → [(person, accompaniment, since)]
    nouvelles: dict[int, list[tuple[int, int]]]  # unit → [(person, signalement)]
    commune_de: dict[int, str]

    def __bool__(self) -> bool:
        return bool(self.suivies or self.nouvelles)


def _personnes(organisme: Organisme) -> _Personnes:
    suivies: dict[int, list] = defaultdict(list)
    commune_de = {}
    for pk, assure, referent, depuis, commune in (
        Accompagnement.objects.en_cours()
        .filter(unite__organisme=organisme)
        .order_by("pk")
        .values_list("pk", "assure_id", "referent_id", "date_debut", "assure__commune_id")
    ):
        suivies[referent].append((assure, pk, depuis))
        commune_de[assure] = commune
    nouvelles: dict[int, list] = defaultdict(list)
    for pk, assure, unite, commune in (
        Signalement.objects.filter(unite__organisme=organisme, statut=StatutSignalement.A_TRAITER)
        .order_by("pk")
        .values_list("pk", "assure_id", "unite_id", "assure__commune_id")
    ):
        nouvelles[unite].append((assure, pk))
        commune_de[assure] = commune
    return _Personnes(dict(suivies), dict(nouvelles), commune_de)


def _rendez_vous(alea, plages, salle_de, motifs, personnes, lundi, maintenant) -> Counter:
    """Fill the openings of the past weeks and of the weeks ahead, then write the appointments,
    their agents, and the interviews of those seen."""
    du = lundi - timedelta(weeks=SEMAINES_PASSEES)
    au = lundi + timedelta(weeks=SEMAINES_A_VENIR) - timedelta(days=1)
    lieux = {
        lieu.pk: lieu
        for lieu in LieuAccueil.objects.filter(pk__in={p.lieu_id for p in plages}).select_related(
            "commune", "unite__organisme"
        )
    }
    agents = {a.pk: a for a in Agent.objects.filter(pk__in={p.agent_id for p in plages})}
    absences = absences_de(agents, a_paris(du, time(0)), a_paris(au + timedelta(days=1), time(0)))
    feries = {}
    marque_jusqu_a = maintenant - timedelta(days=2)  # older ones are marked
    rdvs, statuts = [], Counter()
    for n, plage in enumerate(plages):
        lieu = lieux[plage.lieu_id]
        departement = lieu.commune.departement_id
        if departement not in feries:
            feries[departement] = jours_feries(departement, du, au)
        exclues = {date.fromisoformat(j) for j in plage.exceptions}
        suivies = personnes.suivies.get(plage.agent_id, [])
        nouvelles = personnes.nouvelles.get(lieu.unite_id, [])
        for jour in occurrences(plage.regle, plage.date_debut, du, au):
            if jour in exclues or jour in feries[departement]:
                continue
            semaine = (jour - lundi).days // 7
            remplissage = 0.7 if semaine < 0 else max(0.25, 0.85 - 0.15 * semaine)
            s, limite = a_paris(jour, plage.debut), a_paris(jour, plage.fin)
            while s < limite:
                motif = _motif(alea, plage, motifs, bool(nouvelles), bool(suivies))
                e = s + timedelta(minutes=motif.duree_minutes)
                if e > limite:
                    break
                absent = any(d < e and s < f for d, f in absences.get(plage.agent_id, ()))
                if absent:
                    break
                # A first appointment for a fresh signalement is ahead; a follow-up is with
                # a person whose accompaniment was open by then.
                premier = motif.code == "PREMIER_RDV" and nouvelles and s >= maintenant
                if premier:
                    assure, cle = alea.choice(nouvelles)
                else:
                    tiree = alea.choice(suivies) if suivies else None
                    if tiree is None or tiree[2] > jour:
                        s = e
                        continue
                    assure, cle, _ = tiree
                if alea.random() < remplissage:
                    if s >= maintenant:
                        statut = _tirage(alea, STATUTS_A_VENIR)
                    elif s >= marque_jusqu_a:
                        statut = StatutRendezVous.PREVU  # to mark, in the demo
                    else:
                        statut = _tirage(alea, STATUTS_PASSES)
                    rdvs.append(
                        (
                            RendezVous(
                                assure_id=assure,
                                motif=motif,
                                lieu=lieu,
                                salle=salle_de[n],
                                agent_id=plage.agent_id,
                                debut=s,
                                fin=e,
                                statut=statut,
                                cree_par_id=plage.agent_id,
                                origine=(
                                    OrigineRendezVous.LIEN
                                    if motif.reservable_par_la_personne and alea.random() < 0.15
                                    else OrigineRendezVous.AGENT
                                ),
                                signalement_id=cle if premier else None,
                                rappel_le=s - timedelta(hours=48) if s < maintenant else None,
                            ),
                            None if premier else cle,
                        )
                    )
                    statuts[statut] += 1
                s = e
    _trajets([r for r, _ in rdvs], personnes.commune_de, lieux)
    objets = [r for r, _ in rdvs]
    RendezVous.objects.bulk_create(objets, batch_size=2000)
    # When each was asked for: a few days to three weeks before (auto_now_add wrote now).
    for rdv in objets:
        rdv.demande_le = min(maintenant, rdv.debut - timedelta(days=alea.randint(2, 21)))
    RendezVous.objects.bulk_update(objets, ["demande_le"], batch_size=1000)
    Participation.objects.bulk_create(
        [
            Participation(rendez_vous=r, agent_id=r.agent_id, debut=r.debut, fin=r.fin)
            for r in objets
            if r.statut not in STATUTS_ANNULES
        ],
        batch_size=2000,
    )
    _entretiens(alea, rdvs, agents)
    return statuts


def _motif(alea, plage, motifs, premiers: bool, suivis: bool) -> Motif:
    codes = [m.code for m in plage.motifs_demo]
    poids = {"PREMIER_RDV": 0.3 if premiers else 0, "SUIVI": 0.45 if suivis else 0}
    poids["ARRET_TRAVAIL"] = 0.15 if suivis else 0
    poids["TELEPHONE"] = 0.25 if suivis else 0
    choix = [c for c in codes if poids.get(c)]
    if not choix:
        return motifs[codes[0]]
    return motifs[alea.choices(choix, weights=[poids[c] for c in choix])[0]]


def _trajets(rdvs: list[RendezVous], commune_de: dict[int, str], lieux: dict) -> None:
    """The drive time from the person's commune to the place (DESIGN §4), as a booking notes."""
    codes = sorted({commune_de[r.assure_id] for r in rdvs if commune_de.get(r.assure_id)})
    coordonnees = dict(
        (c, (lat, lon))
        for c, lat, lon in Commune.objects.filter(code__in=codes).values_list(
            "code", "latitude", "longitude"
        )
    )
    par_lieu: dict[int, list[RendezVous]] = defaultdict(list)
    for rdv in rdvs:
        if commune_de.get(rdv.assure_id) in coordonnees:
            par_lieu[rdv.lieu_id].append(rdv)
    for lieu_id, liste in par_lieu.items():
        lieu = lieux[lieu_id]
        organisme = lieu.unite.organisme
        points = np.array([coordonnees[commune_de[r.assure_id]] for r in liste])
        minutes = minutes_estimees(
            distances_km(lieu.latitude, lieu.longitude, points[:, 0], points[:, 1]),
            organisme.detour_k,
            organisme.vitesse_kmh,
        )
        for rdv, m in zip(liste, minutes, strict=True):
            rdv.minutes_trajet = 0 if commune_de[rdv.assure_id] == lieu.commune_id else round(m)


def _entretiens(alea, rdvs, agents) -> None:
    """The interviews of the appointments seen, as `constater` records them: the date, mode,
    place, agent and duration of the appointment, in the accompaniment (else one-off)."""
    vus = [(r, acc) for r, acc in rdvs if r.statut == StatutRendezVous.VU]
    if not vus:
        return
    accompagnements = dict(
        Accompagnement.objects.filter(pk__in={acc for _, acc in vus if acc}).values_list(
            "pk", "unite_id"
        )
    )
    entretiens = []
    for n, (rdv, acc) in enumerate(vus):
        mode = MODE_ENTRETIEN[rdv.motif.mode]
        entretiens.append(
            Entretien(
                ref=f"DEMO-R{n:07d}",
                assure_id=rdv.assure_id,
                accompagnement_id=acc,
                date=timezone.localtime(rdv.debut, PARIS).date(),
                mode=mode,
                lieu_accueil=rdv.lieu if mode == "LIEU_ACCUEIL" else None,
                duree_minutes=rdv.motif.duree_minutes,
                agent_id=rdv.agent_id,
                notes=alea.choice(NOTES),
                unite_id=accompagnements[acc] if acc else agents[rdv.agent_id].unite_id,
            )
        )
    Entretien.objects.bulk_create(entretiens, batch_size=2000)
    ids = dict(Entretien.objects.filter(ref__startswith="DEMO-R").values_list("ref", "id"))
    for entretien, (rdv, _) in zip(entretiens, vus, strict=True):
        rdv.entretien_id = ids[entretien.ref]
    RendezVous.objects.bulk_update([r for r, _ in vus], ["entretien"], batch_size=1000)
