#!/usr/bin/env bash
# Serve Parcours: gunicorn and the background worker together, stopped together (Ctrl-C, or a
# TERM signal): neither is left running alone. `make demo` ends with this; in production each
# has its own systemd unit instead (docs/installation.md).
set -uo pipefail
cd "$(dirname "$0")/.."

.venv/bin/python manage.py travailleur -v0 &
travailleur=$!
.venv/bin/gunicorn -c scripts/gunicorn.conf.py parcours.wsgi:application &
serveur=$!

arreter() {
  trap - INT TERM
  kill -TERM "$serveur" "$travailleur" 2>/dev/null
  wait "$serveur" "$travailleur" 2>/dev/null
}
trap 'arreter; exit 0' INT TERM

# Either one stopping stops the other.
wait -n "$serveur" "$travailleur"
statut=$?
arreter
exit "$statut"
