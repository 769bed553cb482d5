#!/usr/bin/env bash
# Build the support-staff console's own virtual environment (console/.venv).
# It is separate from the bot's .venv: Rasa's pins must not constrain Django and the
# console never imports Rasa. Idempotent: when the requirements have not changed since
# the last run it does nothing.
set -euo pipefail
cd "$(dirname "$0")/../console"

VENV=.venv
STAMP="$VENV/.requirements.sha256"

is_supported() {  # Django 5.2 LTS runs on Python 3.10-3.14
  "$1" -c 'import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 14) else 1)' 2>/dev/null
}

find_python() {
  local candidates=()
  [ -n "${CONSOLE_PYTHON:-}" ] && candidates+=("$CONSOLE_PYTHON")
  candidates+=(python3.11 python3.12 python3.13 python3 python3.10)
  if command -v pyenv >/dev/null 2>&1; then
    local root; root=$(pyenv root)
    candidates+=($(ls -d "$root"/versions/3.1[0-4].*/bin/python3 2>/dev/null | sort -rV))
  fi
  candidates+=(/usr/bin/python3 /usr/local/bin/python3)
  for candidate in "${candidates[@]}"; do
    if command -v "$candidate" >/dev/null 2>&1 && is_supported "$candidate"; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

wanted=$(cat requirements.txt requirements.lock | sha256sum | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$wanted" ]; then
  exit 0
fi

if ! PY=$(find_python); then
  echo "setup-console: no Python 3.10-3.14 found (Django 5.2 needs one)." >&2
  echo "setup-console: point CONSOLE_PYTHON=/path/to/python3 at one." >&2
  exit 1
fi
echo "setup-console: using $PY ($("$PY" --version 2>&1))"

if [ ! -x "$VENV/bin/python" ] || ! is_supported "$VENV/bin/python"; then
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
fi
echo "setup-console: installing pinned packages"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  -r requirements.txt -c requirements.lock
echo "$wanted" > "$STAMP"
echo "setup-console: ready (console/$VENV)"
