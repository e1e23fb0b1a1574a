"""Who may import which kind of file."""

from parcours.imports.engine import REGISTRE
from parcours.organisation.enums import Role

# Kinds each role may import. Organisation files are configuration: the administrator's.
TYPES_PAR_ROLE: dict[str, tuple[str, ...]] = {
    Role.ADMIN: ("organismes", "unites", "lieux_accueil", "agents"),
}


def types_importables(user) -> list[str]:
    if not user.is_authenticated:
        return []
    return [t for t in TYPES_PAR_ROLE.get(user.role, ()) if t in REGISTRE]


def can_import_any(user) -> bool:
    return bool(types_importables(user))


def can_import(user, type_: str) -> bool:
    return type_ in types_importables(user)
