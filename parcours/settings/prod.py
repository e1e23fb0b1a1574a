"""Production: every secret from the environment, HTTPS everywhere.

`DJANGO_SECRET_KEY` and `DJANGO_ALLOWED_HOSTS` are required; `python manage.py check --deploy`
reports nothing with these settings.
"""

from django.core.exceptions import ImproperlyConfigured

from parcours.lib.env import EnvError, env_bool, env_int, env_list, env_str
from parcours.settings.base import *  # noqa: F403

try:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
    HTTPS = env_bool("PARCOURS_HTTPS", True)
    HSTS_SECONDS = env_int("PARCOURS_HSTS_SECONDS", 31536000)
except EnvError as error:
    raise ImproperlyConfigured(str(error)) from None
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS est obligatoire (noms de domaine servis)")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-insecure"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY doit être une clé aléatoire d'au moins 50 caractères"
    )

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = HSTS_SECONDS if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
