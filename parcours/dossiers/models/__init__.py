from parcours.dossiers.models.accompagnements import Accompagnement, Action, Objectif, Orientation
from parcours.dossiers.models.assures import Assure, PersonneDeclaree
from parcours.dossiers.models.entretiens import Entretien
from parcours.dossiers.models.journal import JournalAcces
from parcours.dossiers.models.referentiels import Mission
from parcours.dossiers.models.signalements import Signalement

__all__ = [
    "Accompagnement",
    "Action",
    "Assure",
    "Entretien",
    "JournalAcces",
    "Mission",
    "Objectif",
    "Orientation",
    "PersonneDeclaree",
    "Signalement",
]
