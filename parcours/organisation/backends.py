"""Model permissions derived from the role, for the administration screens.

The functional administrator manages configuration (referentials, organisation, accounts,
imports, lock-outs) and nothing else: whatever app later holds dossiers stays out of this list.
"""

from django.contrib.auth.backends import BaseBackend

from parcours.organisation.enums import Role

APPS_DE_CONFIGURATION = frozenset({"territoire", "organisation", "imports", "axes"})
# Referentials living in apps that also hold personal data: allowed model by model.
MODELES_DE_CONFIGURATION = frozenset({"dossiers.mission"})


def _modele(perm: str) -> str:
    """'dossiers.change_mission' → 'dossiers.mission'."""
    app, _, code = perm.partition(".")
    return f"{app}.{code.split('_', 1)[-1]}"


class RoleBackend(BaseBackend):
    def _admin(self, user) -> bool:
        return user.is_active and getattr(user, "role", None) == Role.ADMIN

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if not self._admin(user_obj):
            return False
        return (
            perm.split(".", 1)[0] in APPS_DE_CONFIGURATION
            or _modele(perm) in MODELES_DE_CONFIGURATION
        )

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return self._admin(user_obj) and (
            app_label in APPS_DE_CONFIGURATION
            or any(m.startswith(f"{app_label}.") for m in MODELES_DE_CONFIGURATION)
        )
