#!/usr/bin/env bash
# Install Debian packages without prompts, as root or through sudo: scripts/apt-install.sh PKG...
# Used by setup-browser.sh and setup-postgres.sh (the only system packages the tests need).
set -euo pipefail
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "apt-install: need root or sudo for $*" >&2; exit 1; }
  sudo="sudo"
fi
echo "apt-install: apt-get update"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
echo "apt-install: apt-get install -y $*"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
