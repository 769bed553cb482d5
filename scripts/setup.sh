#!/usr/bin/env bash
# Build the project's own virtual environment (.venv) with a Python Rasa 3.6 supports.
# Idempotent: when requirements have not changed since the last run it does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
STAMP="$VENV/.requirements.sha256"

is_supported() {  # Rasa 3.6 needs 3.8–3.10; our code needs 3.9+ (zoneinfo)
  "$1" -c 'import sys; sys.exit(0 if (3, 9) <= sys.version_info[:2] <= (3, 10) else 1)' 2>/dev/null
}

find_python() {
  local candidates=()
  [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
  candidates+=(python3.10 python3.9)
  if command -v pyenv >/dev/null 2>&1; then
    local root; root=$(pyenv root)
    candidates+=($(ls -d "$root"/versions/3.10.*/bin/python3.10 "$root"/versions/3.9.*/bin/python3.9 2>/dev/null | sort -rV))
  fi
  for home in "$HOME/.pyenv" /opt/pyenv /usr/local/pyenv; do
    candidates+=($(ls -d "$home"/versions/3.10.*/bin/python3.10 2>/dev/null | sort -rV))
  done
  candidates+=(/usr/bin/python3.10 /usr/local/bin/python3.10 python3)
  for candidate in "${candidates[@]}"; do
    if command -v "$candidate" >/dev/null 2>&1 && is_supported "$candidate"; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

wanted=$(cat requirements.txt requirements-dev.txt requirements.lock | sha256sum | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$wanted" ]; then
  exit 0
fi

if ! PY=$(find_python); then
  echo "setup: no Python 3.10 (or 3.9) found. Rasa 3.6.21 needs Python 3.8–3.10." >&2
  echo "setup: looked at \$PYTHON, python3.10/python3.9 on PATH and pyenv's versions/3.10.*." >&2
  echo "setup: install one (e.g. 'pyenv install 3.10' or 'apt-get install python3.10-venv')," >&2
  echo "setup: or point PYTHON=/path/to/python3.10 at it." >&2
  exit 1
fi
echo "setup: using $PY ($("$PY" --version 2>&1))"

if [ ! -x "$VENV/bin/python" ] || ! is_supported "$VENV/bin/python"; then
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
fi
echo "setup: installing pinned packages (about 3 minutes the first time)"
"$VENV/bin/python" -m pip install --quiet \
  -r requirements.txt -r requirements-dev.txt -c requirements.lock
# The project root on the venv's path: `import bot` works from any directory.
"$VENV/bin/python" -c 'import site, sys; open(site.getsitepackages()[0] + "/tro_ly_dvc.pth", "w").write(sys.argv[1] + "\n")' "$(pwd)"
echo "$wanted" > "$STAMP"
echo "setup: ready ($VENV)"
