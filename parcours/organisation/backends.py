"""Model permissions derived from the role, for the administration screens.

The functional administrator manages configuration (referentials, organisation, accounts,
imports, lock-outs) and nothing else: whatever app later holds dossiers stays out of this list.
"""

from django.contrib.auth.backends import BaseBackend

from parcours.organisation.enums import Role

APPS_DE_CONFIGURATION = frozenset({"territoire", "organisation", "imports", "axes"})


class RoleBackend(BaseBackend):
    def _admin(self, user) -> bool:
        return user.is_active and getattr(user, "role", None) == Role.ADMIN

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        return self._admin(user_obj) and perm.split(".", 1)[0] in APPS_DE_CONFIGURATION

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return self._admin(user_obj) and app_label in APPS_DE_CONFIGURATION
