"""Long work (imports, reports) in a background thread of the web process: the embedded default
needs no extra server. Tests run it in line (setting PARCOURS_TACHES_EN_ARRIERE_PLAN)."""

import threading
from collections.abc import Callable

from django.conf import settings
from django.db import connections


def lancer(nom: str, fonction: Callable[..., None], *args) -> None:
    """Run `fonction(*args)` in a background thread, or right away where settings say so."""
    if not settings.PARCOURS_TACHES_EN_ARRIERE_PLAN:
        fonction(*args)
        return

    def executer() -> None:
        # A thread has its own database connections: opened on use, closed at the end.
        try:
            fonction(*args)
        finally:
            connections.close_all()

    threading.Thread(target=executer, name=nom, daemon=True).start()
