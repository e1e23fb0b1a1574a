"""`make demo`: production settings on http://127.0.0.1:8000, with demo data shown as such."""

import os

os.environ.setdefault("PARCOURS_HTTPS", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

from parcours.settings.prod import *  # noqa: E402, F403

DEMO = True
SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]
