"""Who may import which kind of file, and within which scope."""

from parcours.imports.engine import REGISTRE
from parcours.imports.models import Import
from parcours.organisation.enums import Role

HISTORIQUE = ("assures", "accompagnements", "entretiens", "signalements")
# Kinds each role may import from the page. Organisation files are configuration: the
# administrator's. The history of dossiers is a unit manager's, for their unit only (the
# administrator reads no dossier, so writes none either; a whole Carsat's migration goes through
# the operator's `importer` command). The fragility counts feed the observatory, which regional
# steering (pilotage) runs.
TYPES_PAR_ROLE: dict[str, tuple[str, ...]] = {
    Role.ADMIN: ("organismes", "unites", "lieux_accueil", "agents", "fragilite"),
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


def import_restreint(user) -> bool:
    """A page import writes within its author's scope (their unit, their organisme); only an
    administrator attached to no organisme administers the whole instance."""
    return not (user.role == Role.ADMIN and user.organisme_id is None)


def imports_visible_to(user):
    """The import journal a user may read: their organisme's imports of the kinds they import
    (a unit manager: their unit's)."""
    types = types_importables(user)
    qs = Import.objects.filter(type__in=types)
    if user.role == Role.CADRE:
        return qs.filter(auteur__unite_id=user.unite_id)
    if user.organisme_id is not None:
        return qs.filter(auteur__organisme_id=user.organisme_id)
    if user.role == Role.ADMIN:
        return qs
    return qs.none()


def suit_tous_les_imports(user) -> bool:
    """The administrator follows every import they may see, not only their own."""
    return user.role == Role.ADMIN
