"""Gunicorn's settings for Parcours (`make demo`, and the production systemd unit of
docs/installation.md): `gunicorn -c scripts/gunicorn.conf.py parcours.wsgi:application`.

No `Server` banner: gunicorn always announces itself (« Server: gunicorn »), which tells an
attacker what to look for; its response headers are written without that line. The control
socket lives in var/, beside the database, so that two instances on one machine do not take
each other's (gunicorn's default is one path per user).
"""

import os

import gunicorn.http.wsgi

_en_tetes = gunicorn.http.wsgi.Response.default_headers


def _sans_banniere(self):
    return [ligne for ligne in _en_tetes(self) if not ligne.lower().startswith("server:")]


gunicorn.http.wsgi.Response.default_headers = _sans_banniere

_var = os.environ.get("PARCOURS_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "var"))
bind = os.environ.get("PARCOURS_ADRESSE", "127.0.0.1:8000")
workers = int(os.environ.get("PARCOURS_WORKERS", "3"))
timeout = 120
control_socket = os.path.join(os.path.abspath(_var), "gunicorn.ctl")
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(L)ss'


def when_ready(server) -> None:
    """Before the workers start: close the background work a previous stop cut short
    (parcours.accueil.demarrage), then drop the master's connections (the workers open their
    own)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parcours.settings.prod")
    import django
    from django.db import connections

    django.setup()
    from parcours.accueil.demarrage import clore_travaux_interrompus

    try:
        clore_travaux_interrompus()
    except Exception:  # the database may be late: the pages still tell, the next job closes
        server.log.exception("travaux interrompus non clos au démarrage")
    connections.close_all()
