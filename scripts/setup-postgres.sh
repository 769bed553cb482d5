#!/usr/bin/env bash
# Install Debian's PostgreSQL server binaries for the knowledge-base tests on PostgreSQL
# (tests/postgres). Idempotent. The tests start their own throwaway server on a free
# loopback port and stop it afterwards; no system service is started or configured.
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "setup-postgres: $(ls /usr/lib/postgresql/*/bin/initdb | head -1) present, nothing to do"
  exit 0
fi
bash "$(dirname "$0")/apt-install.sh" postgresql
ls /usr/lib/postgresql/*/bin/initdb
