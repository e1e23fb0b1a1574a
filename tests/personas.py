"""Named personas for view tests (after healthchecks' alice, bob, charlie).

Montauban unit: Alice (ass), Bastien (csam), Chloé (cadre). Another unit of the same Carsat:
Octave (ass, the outsider). The region: Paula (pilotage). A partner: Pierre (CPAM). The
administrator: Adèle.
"""

from dataclasses import dataclass

from parcours.organisation.enums import Role
from parcours.organisation.models import Agent, Organisme, Unite
from tests.factories import AgentFactory, OrganismeFactory, PartenaireFactory, UniteFactory


@dataclass
class Personas:
    organisme: Organisme
    unite: Unite
    autre_unite: Unite
    alice: Agent
    bastien: Agent
    chloe: Agent
    octave: Agent
    paula: Agent
    pierre: Agent
    adele: Agent

    def par_role(self) -> dict[str, Agent]:
        return {
            Role.ASS: self.alice,
            Role.CSAM: self.bastien,
            Role.CADRE: self.chloe,
            Role.PILOTAGE: self.paula,
            Role.PARTENAIRE: self.pierre,
            Role.ADMIN: self.adele,
        }


def creer_personas() -> Personas:
    organisme = OrganismeFactory(code="CARSAT-TEST", nom="Carsat de test")
    unite = UniteFactory(code="U-MONTAUBAN", nom="Montauban", organisme=organisme)
    autre = UniteFactory(code="U-CASTEL", nom="Castelsarrasin", organisme=organisme)
    return Personas(
        organisme=organisme,
        unite=unite,
        autre_unite=autre,
        alice=AgentFactory(matricule="alice", prenom="Alice", role=Role.ASS, unite=unite),
        bastien=AgentFactory(matricule="bastien", prenom="Bastien", role=Role.CSAM, unite=unite),
        chloe=AgentFactory(matricule="chloe", prenom="Chloé", role=Role.CADRE, unite=unite),
        octave=AgentFactory(matricule="octave", prenom="Octave", role=Role.ASS, unite=autre),
        paula=AgentFactory(
            matricule="paula", prenom="Paula", role=Role.PILOTAGE, unite=None, organisme=organisme
        ),
        pierre=AgentFactory(
            matricule="pierre",
            prenom="Pierre",
            role=Role.PARTENAIRE,
            unite=None,
            organisme=organisme,
            structure="CPAM de Tarn-et-Garonne",
            partenaire=PartenaireFactory(
                code="P-CPAM82-MISAS",
                nom="CPAM de Tarn-et-Garonne — Mission accompagnement santé",
                organisme=organisme,
            ),
        ),
        adele=AgentFactory(
            matricule="adele", prenom="Adèle", role=Role.ADMIN, unite=None, organisme=organisme
        ),
    )
