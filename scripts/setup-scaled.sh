#!/usr/bin/env bash
# Install Debian's PostgreSQL, Redis and nginx for the scaled layout (scripts/run-scaled.sh)
# and its tests (tests/scale). Idempotent. The layout starts its own throwaway servers on
# the loopback (bot/scaled.py) and never uses the system services these packages may set
# up where an init system runs.
set -euo pipefail
missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup-scaled: postgresql, redis-server and nginx present, nothing to do"
  exit 0
fi
bash "$(dirname "$0")/apt-install.sh" "${missing[@]}"
echo "setup-scaled: installed ${missing[*]}"
