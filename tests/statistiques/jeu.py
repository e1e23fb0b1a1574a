"""A small dataset where every indicator of 2025 is known by hand (DESIGN §3 boundary cases).

Two units of one Carsat: Montauban (82) and Toulouse (31).

accompaniments                                               active in 2025?
  a1  P1 PDP              2024-11-01 → 2025-02-15 REPRISE_POSTE   yes (spans two years), closed
  a2  P2 PDP              2025-03-01 → 2025-12-31 FORMATION       yes, closed on 31 December
  a3  P3 PARCOURS_SANTE   2025-06-01 → open                      yes
  a4  P3 PDP              2025-09-01 → open                      yes (P3 has two missions)
  a5  P4 RETOUR_DOMICILE  2024-01-10 → 2024-12-31                no (closed on 31/12/2024)
  a6  P5 PASSAGE_RETRAITE 2025-12-31 → open (Toulouse)           yes (opened on 31 December)
  a7  P6 PDP              2026-01-01 → open (Toulouse)           no
  a8  P1 PDP              2025-05-01 → 2025-08-01 NOUVEL_EMPLOI   yes (Toulouse: P1 in 2 dép.)

interviews: e1 a1 2024-12-15 phone (last year) · e2 a1 2025-01-10 reception place ·
e3 a2 2025-03-05 home · e4 a2 2025-12-31 phone · e5 a2 2025-06-01 reception place CANCELLED ·
e6 a3 2025-06-10 video · e7 a4 2025-09-10 other · e8 P4 without accompaniment 2025-04-04
reception place (Montauban agent: intervention ponctuelle) · e9 a8 2025-05-02 phone ·
e10 a6 2025-12-31 home.
"""

from dataclasses import dataclass
from datetime import date

from parcours.dossiers.enums import SourceSignalement, StatutSignalement
from parcours.dossiers.models import Accompagnement, Assure, Entretien
from parcours.organisation.enums import Role
from parcours.organisation.models import Organisme, Unite
from tests.dossiers.factories import (
    AccompagnementFactory,
    AssureFactory,
    EntretienFactory,
    SignalementFactory,
    mission,
)
from tests.factories import (
    AgentFactory,
    CommuneFactory,
    DepartementFactory,
    LieuAccueilFactory,
    OrganismeFactory,
    PseudoCantonFactory,
    UniteFactory,
)

D = date.fromisoformat


@dataclass
class Jeu:
    organisme: Organisme
    montauban: Unite
    toulouse: Unite
    assures: dict[str, Assure]
    acc: dict[str, Accompagnement]
    ent: dict[str, Entretien]


def creer_jeu() -> Jeu:
    organisme = OrganismeFactory(code="CARSAT-JEU", nom="Carsat du jeu d'essai")
    # The official rows where the geography is loaded; the same codes made up otherwise.
    dep82 = DepartementFactory(code="82", nom="Tarn-et-Garonne", type_nom=2)
    dep31 = DepartementFactory(code="31", nom="Haute-Garonne", type_nom=3)
    montauban_commune = CommuneFactory(code="82121", departement=dep82)
    toulouse_commune = CommuneFactory(
        code="31555",
        nom="Toulouse",
        departement=dep31,
        latitude=43.6045,
        longitude=1.444,
        pseudo_canton=PseudoCantonFactory(code="3199", nom="Toulouse", departement=dep31),
    )
    montauban = UniteFactory(code="J-82", nom="Montauban", organisme=organisme, departement=dep82)
    toulouse = UniteFactory(code="J-31", nom="Toulouse", organisme=organisme, departement=dep31)
    LieuAccueilFactory(unite=montauban, commune=montauban_commune)
    LieuAccueilFactory(unite=toulouse, commune=toulouse_commune)
    LieuAccueilFactory(unite=toulouse, commune=toulouse_commune, actif=False)
    agent_m = AgentFactory(role=Role.ASS, unite=montauban)
    agent_t = AgentFactory(role=Role.ASS, unite=toulouse)
    p = {f"P{i}": AssureFactory() for i in range(1, 7)}

    def acc(nom, personne, code, debut, fin=None, issue="", agent=agent_m):
        return AccompagnementFactory(
            ref=f"JEU-{nom}",
            assure=p[personne],
            mission=mission(code),
            date_debut=D(debut),
            date_fin=D(fin) if fin else None,
            issue=issue,
            referent=agent,
            unite=agent.unite,
        )

    a = {
        "a1": acc("a1", "P1", "PDP", "2024-11-01", "2025-02-15", "REPRISE_POSTE"),
        "a2": acc("a2", "P2", "PDP", "2025-03-01", "2025-12-31", "FORMATION"),
        "a3": acc("a3", "P3", "PARCOURS_SANTE", "2025-06-01"),
        "a4": acc("a4", "P3", "PDP", "2025-09-01"),
        "a5": acc("a5", "P4", "RETOUR_DOMICILE", "2024-01-10", "2024-12-31", "OBJECTIFS_ATTEINTS"),
        "a6": acc("a6", "P5", "PASSAGE_RETRAITE", "2025-12-31", agent=agent_t),
        "a7": acc("a7", "P6", "PDP", "2026-01-01", agent=agent_t),
        "a8": acc("a8", "P1", "PDP", "2025-05-01", "2025-08-01", "NOUVEL_EMPLOI", agent=agent_t),
    }

    def ent(nom, accompagnement, jour, mode, annule=False):
        return EntretienFactory(
            ref=f"JEU-{nom}",
            accompagnement=a[accompagnement],
            date=D(jour),
            mode=mode,
            annule=annule,
        )

    e = {
        "e1": ent("e1", "a1", "2024-12-15", "TELEPHONE"),
        "e2": ent("e2", "a1", "2025-01-10", "LIEU_ACCUEIL"),
        "e3": ent("e3", "a2", "2025-03-05", "DOMICILE"),
        "e4": ent("e4", "a2", "2025-12-31", "TELEPHONE"),
        "e5": ent("e5", "a2", "2025-06-01", "LIEU_ACCUEIL", annule=True),
        "e6": ent("e6", "a3", "2025-06-10", "VISIO"),
        "e7": ent("e7", "a4", "2025-09-10", "AUTRE"),
        "e8": EntretienFactory(
            ref="JEU-e8",
            accompagnement=None,
            assure=p["P4"],
            date=D("2025-04-04"),
            mode="LIEU_ACCUEIL",
            agent=agent_m,
            unite=montauban,
        ),
        "e9": ent("e9", "a8", "2025-05-02", "TELEPHONE"),
        "e10": ent("e10", "a6", "2025-12-31", "DOMICILE"),
    }
    SignalementFactory(
        assure=p["P1"],
        unite=montauban,
        date=D("2025-02-01"),
        source=SourceSignalement.SERVICE_MEDICAL,
    )
    SignalementFactory(
        assure=p["P2"],
        unite=montauban,
        date=D("2025-02-20"),
        source=SourceSignalement.ASSURE,
        statut=StatutSignalement.ACCOMPAGNEMENT_OUVERT,
    )
    SignalementFactory(
        assure=p["P5"],
        unite=toulouse,
        date=D("2025-11-02"),
        source=SourceSignalement.SERVICE_MEDICAL,
        statut=StatutSignalement.HORS_CHAMP,
    )
    SignalementFactory(assure=p["P6"], unite=toulouse, date=D("2024-12-30"))
    return Jeu(organisme, montauban, toulouse, p, a, e)
