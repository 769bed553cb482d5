#!/usr/bin/env bash
# Install Debian's PostgreSQL server binaries for the knowledge-base tests on PostgreSQL
# (tests/postgres). Idempotent. The tests start their own throwaway server on a free
# loopback port and stop it afterwards; no system service is started or configured.
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "setup-postgres: $(ls /usr/lib/postgresql/*/bin/initdb | head -1) present, nothing to do"
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "setup-postgres: need root or sudo" >&2; exit 1; }
  sudo="sudo"
fi
echo "setup-postgres: apt-get install -y postgresql"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  postgresql >/dev/null
ls /usr/lib/postgresql/*/bin/initdb
