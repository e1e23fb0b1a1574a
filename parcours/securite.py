"""Project-wide protections that belong to no single app (issue 10's hardening).

- `EnTetesMiddleware`: `Cache-Control: no-store` on every page and file the application
  serves (any of them may show personal data; static files are served before, by WhiteNoise).
- `SessionGlissanteMiddleware`: the session's idle expiry is pushed back at most once a
  minute, instead of a database write on every request (which a long import on SQLite would
  hold up).
- `RefusNulMiddleware`: a NUL byte in a parameter is refused with a 400 before any view (no
  form needs one; PostgreSQL rejects it deep in a query).
- `AjoutSeul`: journals that are written, never changed nor deleted (access log, accounts'
  audit trail).
- `FiltreRapportErreur`: an error report never carries the request's data nor the frames'
  variables (they may hold a NIR, a name, a note).
"""

import time

from django.db import models
from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.views.debug import SafeExceptionReporterFilter

RAFRAICHISSEMENT_SESSION = 60  # seconds


class EnTetesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reponse = self.get_response(request)
        reponse["Cache-Control"] = "no-store"
        reponse.headers.pop("Server", None)
        return reponse


class RefusNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for parametres in (request.GET, request.POST):
            for valeurs in parametres.lists():
                if any("\x00" in v for v in (valeurs[0], *valeurs[1])):
                    return HttpResponseBadRequest(
                        render_to_string(
                            "400.html",
                            {"motif": "un champ contient un caractère nul, que rien n'accepte"},
                            request=request,
                        )
                    )
        return self.get_response(request)


class SessionGlissanteMiddleware:
    """With SESSION_SAVE_EVERY_REQUEST off, keep the 30-minute idle expiry sliding: mark the
    session modified when it was last refreshed over a minute ago."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            maintenant = int(time.time())
            if maintenant - session.get("_vu", 0) >= RAFRAICHISSEMENT_SESSION:
                session["_vu"] = maintenant
        return self.get_response(request)


def noter_connexion(sender, request, user, **kwargs) -> None:
    """user_logged_in: the session starts refreshed (it is saved at login anyway)."""
    request.session["_vu"] = int(time.time())


class FiltreRapportErreur(SafeExceptionReporterFilter):
    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(nom, self.cleansed_substitute) for nom in tb_frame.f_locals]


class JournalNonModifiable(RuntimeError):
    """An append-only journal was asked to change or forget a line."""


class AjoutSeulQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise JournalNonModifiable("ce journal ne se modifie pas")

    def delete(self):
        raise JournalNonModifiable("ce journal ne s'efface pas")


class AjoutSeul(models.Model):
    """An append-only journal: lines are added, never changed nor deleted (DESIGN §1)."""

    objects = AjoutSeulQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise JournalNonModifiable("ce journal ne se modifie pas")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalNonModifiable("ce journal ne s'efface pas")
