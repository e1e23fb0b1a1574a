"""Settings shared by every environment. The environment is read through parcours.lib.env."""

import importlib.util
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from parcours.lib.env import EnvError, env_bool, env_int, env_list, env_str
from parcours.lib.fichiers import dossier_prive, fichier_prive

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("PARCOURS_VAR_DIR", str(BASE_DIR / "var")))

try:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-insecure-only-for-local-use")
    DEBUG = env_bool("DJANGO_DEBUG", False)
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
    DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'parcours.sqlite3'}")
    DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
    SESSION_COOKIE_AGE = env_int("PARCOURS_SESSION_SECONDS", 30 * 60)
    DEMO = env_bool("PARCOURS_DEMO", False)
    # Number of reverse proxies in front of the application (for the lock-out by address).
    PARCOURS_PROXY_COUNT = env_int("PARCOURS_PROXY_COUNT", 0)
    # Failed logins from one address, whatever the accounts, that lock the address.
    PARCOURS_ECHECS_PAR_ADRESSE = env_int("PARCOURS_ECHECS_PAR_ADRESSE", 15)
    # An OSRM routing server (e.g. http://osrm.interne:5000) for the accessibility's car times;
    # empty: the built-in estimate from distances (DESIGN §4).
    PARCOURS_ROUTAGE_OSRM_URL = env_str("PARCOURS_ROUTAGE_OSRM_URL", "")
    # The largest file an import page accepts, in megabytes: a real migration (a million
    # interviews) is about 100 MB. Checked before the file is read (parcours.imports).
    PARCOURS_IMPORT_TAILLE_MAX_MO = env_int("PARCOURS_IMPORT_TAILLE_MAX_MO", 200)
    # Outgoing e-mail: an SMTP server in production; without one, messages are written as files
    # under var/courriels/ (demo, development), readable by the administrator in the product.
    PARCOURS_SMTP_HOTE = env_str("PARCOURS_SMTP_HOTE", "")
    EMAIL_PORT = env_int("PARCOURS_SMTP_PORT", 25)
    EMAIL_HOST_USER = env_str("PARCOURS_SMTP_UTILISATEUR", "")
    EMAIL_HOST_PASSWORD = env_str("PARCOURS_SMTP_MOT_DE_PASSE", "")
    EMAIL_USE_TLS = env_bool("PARCOURS_SMTP_STARTTLS", False)
    EMAIL_USE_SSL = env_bool("PARCOURS_SMTP_TLS", False)
    DEFAULT_FROM_EMAIL = env_str(
        "PARCOURS_COURRIEL_EXPEDITEUR",
        "Parcours — service social <ne-pas-repondre@parcours.invalid>",
    )
    PARCOURS_SERVICE = {
        "nom": env_str("PARCOURS_SERVICE_NOM", "Service social de l'Assurance Maladie"),
        "entite": env_str("PARCOURS_SERVICE_ENTITE", "Carsat"),
        "contact": env_str("PARCOURS_SERVICE_CONTACT", ""),
    }
    # Outgoing SMS (parcours.messagerie.sms): written as files under var/sms/ by default; in
    # production a provider's HTTP API (HttpBackend) at PARCOURS_SMS_URL, with its token. The
    # sender shown on phones: 1 to 11 letters or digits. The provider's answer is awaited
    # PARCOURS_SMS_DELAI seconds.
    PARCOURS_SMS_BACKEND = env_str("PARCOURS_SMS_BACKEND", "parcours.messagerie.sms.FichierBackend")
    PARCOURS_SMS_URL = env_str("PARCOURS_SMS_URL", "")
    PARCOURS_SMS_JETON = env_str("PARCOURS_SMS_JETON", "")
    PARCOURS_SMS_EXPEDITEUR = env_str("PARCOURS_SMS_EXPEDITEUR", "AssMaladie")
    PARCOURS_SMS_DELAI = env_int("PARCOURS_SMS_DELAI", 10)
    # The address people reach Parcours at, for the links of messages sent by the workers
    # (no request to take it from): the link to refuse messages, at the bottom of e-mails.
    PARCOURS_URL = env_str("PARCOURS_URL", "http://127.0.0.1:8000")
    # Activation and password links stay valid 72 hours (and serve once).
    PASSWORD_RESET_TIMEOUT = env_int("PARCOURS_LIEN_ACTIVATION_HEURES", 72) * 3600
except EnvError as error:
    raise ImproperlyConfigured(str(error)) from None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "dsfr",
    "widget_tweaks",
    "axes",
    "simple_history",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # Parcours, bottom layer first (docs/architecture.md): an app imports only those above it here.
    "parcours.travaux",
    "parcours.messagerie",
    "parcours.imports",
    "parcours.territoire",
    "parcours.organisation",
    "parcours.dossiers",
    "parcours.observatoire",
    "parcours.rendezvous",
    "parcours.campagnes",
    "parcours.statistiques",
    "parcours.accueil",
    "parcours.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "parcours.securite.EnTetesMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "parcours.securite.SessionGlissanteMiddleware",
    "parcours.securite.RefusNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "parcours.accueil.urls"
WSGI_APPLICATION = "parcours.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "parcours" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parcours.accueil.menu.navigation",
            ],
        },
    },
]
FORM_RENDERER = "parcours.formulaires.RenduDsfr"


def database_from_url(url: str) -> dict:
    """A Django database entry from a URL; SQLite gets WAL and immediate transactions."""
    config = dj_database_url.parse(url, conn_max_age=0 if url.startswith("sqlite") else 60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    return config


DATABASES = {"default": database_from_url(DATABASE_URL)}
# Background work: a queue in the database (the embedded default needs no extra server), run by
# `manage.py travailleur` (parcours.travaux).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The database and var/ hold personal data: readable by their owner only (SQLite gives its
    # -wal and -shm files the database's mode).
    _base_sqlite = Path(DATABASES["default"]["NAME"])
    dossier_prive(_base_sqlite.parent)
    fichier_prive(_base_sqlite)
if DATABASE_REPLICA_URL:
    # Statistics read from the replica (parcours.statistiques.requetes.connexion_statistiques).
    DATABASES["replica"] = database_from_url(DATABASE_REPLICA_URL)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}

if PARCOURS_SMTP_HOTE:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = PARCOURS_SMTP_HOTE
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "courriels")  # activation links: owner-only, as var/

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisation.Agent"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "parcours.organisation.backends.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("matricule", "nom", "prenom", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "connexion"
LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "connexion"

# Sessions end after 30 minutes without activity, and when the browser closes. The expiry is
# pushed back at most once a minute (parcours.securite), not saved on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lock-out: five failures for one account from one address lock it for 15 minutes; an address
# that fails PARCOURS_ECHECS_PAR_ADRESSE times across accounts is locked as long
# (parcours.organisation.securite).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "organisation/verrouille.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_CLIENT_IP_CALLABLE = "parcours.organisation.securite.adresse_du_client"

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Leaflet's JS and CSS, from the installed django-leaflet package: its static folder only (the
# app itself would pull GeoDjango and GDAL in), found without importing it (it reads settings).
STATICFILES_DIRS = [
    Path(importlib.util.find_spec("leaflet").submodule_search_locations[0]) / "static"
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# A form's fields (not its files) may not exceed 2 MB: the longest text a form takes is far
# below (parcours.formulaires.LONGUEURS). Uploaded files go to disk past 2.5 MB, readable by
# their owner only, with a ceiling checked before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
FILE_UPLOAD_HANDLERS = [
    "parcours.imports.televersement.LimiteTeleversement",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Every page declares where its resources may come from: the application itself only (the DSFR
# and Leaflet are served from installed packages), no inline script nor style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Error reports never carry request data nor variables (parcours.securite).
DEFAULT_EXCEPTION_REPORTER_FILTER = "parcours.securite.FiltreRapportErreur"

# No personal data in logs: only our own loggers and Django's errors, never request bodies;
# every record is masked (NIR, e-mail, phone, database details) before any handler sees it.
LOGGING_CONFIG = "parcours.lib.journalisation.configurer"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"simple": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "simple"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "parcours": {"level": "INFO"},
        # axes would log the login name of each failure; the lock-out itself is stored in the DB.
        "axes": {"level": "ERROR"},
    },
}

# The DSFR's assets are served by Parcours itself, from the installed package. The manifest
# storage rewrites the url() references inside its CSS (hashed names), which would break the
# package's subresource-integrity hashes; same-origin files gain nothing from them anyway.
DSFR_USE_INTEGRITY_CHECKSUMS = False
