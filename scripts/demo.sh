#!/usr/bin/env bash
# `make demo`: migrate, load the geography (all of France, once) and the demo Carsat,
# print the demo accounts, then serve on http://127.0.0.1:8000: gunicorn and the background
# worker together (scripts/servir.sh), both stopped by Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

export DJANGO_SETTINGS_MODULE=parcours.settings.demo
mkdir -p var
chmod 700 var
if [ ! -s var/secret_key ]; then
  .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(64))" > var/secret_key
  chmod 600 var/secret_key
fi
DJANGO_SECRET_KEY=$(cat var/secret_key)
export DJANGO_SECRET_KEY

.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py charger_geographie --si-absente
.venv/bin/python manage.py charger_demo
echo
echo "Parcours est servi sur http://127.0.0.1:8000 (Ctrl-C pour arrêter)."
exec scripts/servir.sh
