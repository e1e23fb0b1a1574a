"""Who may import which kind of file."""

from parcours.imports.engine import REGISTRE
from parcours.organisation.enums import Role

HISTORIQUE = ("assures", "accompagnements", "entretiens", "signalements")
# Kinds each role may import. Organisation files are configuration: the administrator's; the
# history of dossiers may be migrated by the administrator or a unit manager; the fragility
# counts feed the observatory, which regional steering (pilotage) runs.
TYPES_PAR_ROLE: dict[str, tuple[str, ...]] = {
    Role.ADMIN: ("organismes", "unites", "lieux_accueil", "agents", *HISTORIQUE, "fragilite"),
    Role.CADRE: HISTORIQUE,
    Role.PILOTAGE: ("fragilite",),
}


def types_importables(user) -> list[str]:
    if not user.is_authenticated:
        return []
    return [t for t in TYPES_PAR_ROLE.get(user.role, ()) if t in REGISTRE]


def can_import_any(user) -> bool:
    return bool(types_importables(user))


def can_import(user, type_: str) -> bool:
    return type_ in types_importables(user)
