#!/usr/bin/env bash
# Set up the support-staff console if needed, migrate its database, then run its web
# server (gunicorn, static files by whitenoise) and its worker (tracker ingest + daily
# retention); Ctrl-C stops both. Settings: console/README.md (CONSOLE_* variables).
set -euo pipefail
bash "$(dirname "$0")/setup-console.sh"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT/console"
mkdir -p "$ROOT/var"

# Secrets live in var/ (git-ignored), made once with the OS's random source.
secret() {  # secret FILE: print the secret in FILE, creating it first if needed
  if [ ! -s "$1" ]; then
    (umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))' > "$1")
  fi
  cat "$1"
}
export CONSOLE_SECRET_KEY="${CONSOLE_SECRET_KEY:-$(secret "$ROOT/var/console-secret-key")}"
# Shared with the Rasa server, which must run with --jwt-secret of the same value.
export RASA_JWT_SECRET="${RASA_JWT_SECRET:-$(secret "$ROOT/var/rasa-jwt-secret")}"

# Retention deletes old conversations from the tracker store too, through this separate
# URL (the ingest itself reads read-only). Default: the laptop's SQLite tracker store.
if [ -z "${CONSOLE_TRACKER_DB_URL:-}" ]; then
  export CONSOLE_TRACKER_DB_WRITE_URL="${CONSOLE_TRACKER_DB_WRITE_URL:-sqlite:///var/tracker.db}"
fi

CONSOLE_BIND="${CONSOLE_BIND:-127.0.0.1}"
CONSOLE_PORT="${CONSOLE_PORT:-8000}"
case "$CONSOLE_BIND" in
  # plain HTTP on the loopback: browsers would drop Secure cookies outside localhost
  127.*|localhost|::1) export CONSOLE_INSECURE_COOKIES="${CONSOLE_INSECURE_COOKIES:-1}" ;;
esac

.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py collectstatic --noinput -v 0

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "run-console: stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

.venv/bin/gunicorn console.wsgi:application --bind "$CONSOLE_BIND:$CONSOLE_PORT" \
  --workers "${CONSOLE_WORKERS:-2}" --access-logfile - --log-level warning &
pids+=($!)
.venv/bin/python manage.py console_worker &
pids+=($!)

host="$CONSOLE_BIND"; [ "$host" = "127.0.0.1" ] && host=localhost
cat <<MSG

  Support-staff console: http://$host:$CONSOLE_PORT/
  First administrator:   console/.venv/bin/python console/manage.py create_console_admin --username <name>
                         (other staff: the same command with --role officer|reviewer|supervisor,
                          or the admin pages at http://$host:$CONSOLE_PORT/quan-tri/)
  Reads conversations from ${CONSOLE_TRACKER_DB_URL:-sqlite:///var/tracker.db} (read only)

MSG
wait -n "${pids[@]}"
