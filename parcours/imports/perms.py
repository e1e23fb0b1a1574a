"""Who may import which kind of file, and within which scope.

Each importer declares the roles that may run it (`Importeur.roles`) and who follows its
imports in the journal (`Importeur.journal_par`); this layer knows the actor only through the
user model's attributes (`role`, `unite_id`, `organisme_id`, `administre`,
`administre_l_instance`), not through the organisation's list of roles.
"""

from django.db.models import Q, QuerySet

from parcours.imports.engine import REGISTRE
from parcours.imports.models import Import


def types_importables(user) -> list[str]:
    if not user.is_authenticated:
        return []
    return [nom for nom, importeur in REGISTRE.items() if user.role in importeur.roles]


def can_import_any(user) -> bool:
    return bool(types_importables(user))


def can_import(user, type_: str) -> bool:
    return type_ in types_importables(user)


def import_restreint(user) -> bool:
    """A page import writes within its author's scope (their unit, their organisme); only an
    administrator attached to no organisme administers the whole instance."""
    return not getattr(user, "administre_l_instance", False)


def imports_visible_to(user) -> QuerySet[Import]:
    """The import journal a user may read: the imports of the kinds they import, by their unit
    or their organisme as each kind says (every organisme's for an instance administrator)."""
    types = types_importables(user)
    par_unite = [t for t in types if REGISTRE[t].journal_par == "unite"]
    par_organisme = [t for t in types if t not in par_unite]
    condition = Q()
    if par_unite and user.unite_id is not None:
        condition |= Q(type__in=par_unite, auteur__unite_id=user.unite_id)
    if par_organisme and user.organisme_id is not None:
        condition |= Q(type__in=par_organisme, auteur__organisme_id=user.organisme_id)
    elif par_organisme and getattr(user, "administre_l_instance", False):
        condition |= Q(type__in=par_organisme)
    if not condition:
        return Import.objects.none()
    return Import.objects.filter(condition)


def suit_tous_les_imports(user) -> bool:
    """The administrator follows every import they may see, not only their own."""
    return getattr(user, "administre", False)
