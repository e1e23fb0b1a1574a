"""The source of a signalement: a partner's is its structure's; the service's default."""

from parcours.dossiers.enums import SOURCE_DE_CATEGORIE, SourceSignalement
from parcours.organisation.models import Agent, Partenaire


def source_du_partenaire(agent: Agent) -> tuple[str, str, Partenaire | None]:
    """(source, précision, structure) of a partner account's signalements: its structure's."""
    structure = agent.partenaire
    if structure is None:
        return SourceSignalement.AUTRE, agent.structure or "partenaire", None
    source = SOURCE_DE_CATEGORIE.get(structure.categorie)
    if source is None:
        return SourceSignalement.AUTRE, structure.nom, structure
    return source, "", structure


def source_par_defaut(agent: Agent) -> str:
    """What a member of the service most often records: the person calling the 36 46 or
    coming to a reception place."""
    return SourceSignalement.ASSURE
