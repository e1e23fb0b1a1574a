"""Tests: fast hashing, plain static storage, the database of DATABASE_URL (SQLite by default)."""

import os

from parcours.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
AXES_ENABLED = True
DEMO = False
# Tasks run at once, where they are queued (in the test's transaction); tests of the worker
# process set the database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}}
if os.environ.get("PARCOURS_TACHES_EN_BASE"):  # a worker process started by a test
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
# Static files straight from the installed packages (no collectstatic needed).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# A file, not memory, for the SQLite test database: tests of concurrent saves use several
# connections, which an in-memory database would serialise with "table is locked" errors.
# PARCOURS_TEST_SUFFIXE lets two runs side by side use two test databases.
_SUFFIXE = os.environ.get("PARCOURS_TEST_SUFFIXE", "")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-parcours{_SUFFIXE}.sqlite3")  # noqa: F405
    }
elif _SUFFIXE:
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": f"test_{DATABASES['default']['NAME']}{_SUFFIXE}"  # noqa: F405
    }
# Messages stay in memory (django.core.mail.outbox); the SMTP test sets its own backend.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# SMS kept in memory (parcours.messagerie.sms.boite_envoi); tests of the providers set theirs.
PARCOURS_SMS_BACKEND = "parcours.messagerie.sms.MemoireBackend"
