#!/usr/bin/env bash
# Set up the console's venv if needed and run the console's own tests in it (roles on
# every route, CSRF, hostile text, ingest restarts and late commits on SQLite and
# PostgreSQL, retention, search folding, CSV neutralising, the NLU export).
# The browser test with the real bot is tests/e2e/test_console.py (bot venv).
set -euo pipefail
bash "$(dirname "$0")/setup-console.sh"
bash "$(dirname "$0")/setup-postgres.sh" >/dev/null  # the PostgreSQL ingest tests
cd "$(dirname "$0")/../console"
exec .venv/bin/python -m pytest -q "$@"
