#!/usr/bin/env bash
# Set up if needed and run every check: lint, knowledge base, data validation, unit tests,
# training (only when changed), dialogue test stories, NLU cross-validation and the
# held-out NLU gate, the attack-surface suite against the servers as `make run` starts
# them, the scaled layout (several Rasa processes behind nginx) with its faults, and the
# end-to-end tests against the real servers: over HTTP, through the widget
# in headless Chromium, and through the Zalo channel against a fake Zalo server.
set -euo pipefail
bash "$(dirname "$0")/setup.sh"
source "$(dirname "$0")/common.sh"
mkdir -p results
step() { printf '\n== %s\n' "$*"; }

step "lint (ruff)"
ruff check .
ruff format --check .

step "knowledge base sources"
python -m bot kb check

step "rasa data validate"
rasa data validate --config config.yml --domain domain --data "${TRAINING_DATA[@]}" \
  --fail-on-warnings > results/validate.log 2>&1 || { cat results/validate.log; exit 1; }
echo "valid"

step "unit tests"
python -m pytest tests/unit -q -p no:cacheprovider

step "knowledge base on PostgreSQL (Debian postgresql, a throwaway server on loopback)"
bash scripts/setup-postgres.sh
python -m pytest tests/postgres -q -p no:cacheprovider

step "support-staff console (its own venv): roles on every route, CSRF, ingest, retention, search, export"
bash scripts/test-console.sh

step "train (skipped when nothing changed)"
export TEST_MODEL="$ROOT/$(bash scripts/train.sh)"
echo "model: $TEST_MODEL"

step "dialogue test stories"
rasa test core --model "$TEST_MODEL" --stories tests/stories --out results/stories \
  --fail-on-prediction-errors > results/stories.log 2>&1 || { tail -40 results/stories.log; exit 1; }
grep -hE "Correct:|Finished evaluation" results/stories.log | head -5 || true
echo "all test stories pass"

step "NLU 5-fold cross-validation (the quality bars reported; fails below the floors in tests/nlu/cross_validate.py)"
python -m tests.nlu.cross_validate --folds 5 --gate 2>&1 | grep -vE "Epochs|^\s*$|WARNING|warn" \
  > results/cross-validation.log || { tail -60 results/cross-validation.log; exit 1; }
grep -E "cross-validation \(|^subset|^overall|^with_|^without_|bar not met|BELOW" \
  results/cross-validation.log || true

step "attack surface: the servers as make run starts them, probed from outside"
python -m pytest tests/security -q -p no:cacheprovider

step "scaled layout: two Rasa and two action servers behind nginx, PostgreSQL + Redis (Debian packages, throwaway servers on loopback)"
bash scripts/setup-scaled.sh
python -m pytest tests/scale -q -p no:cacheprovider --durations=5

step "browser for the widget tests (Debian chromium + chromium-driver)"
bash scripts/setup-browser.sh

step "NLU gate; end to end over HTTP, in Chromium and against a fake Zalo server"
python -m pytest tests/nlu tests/e2e tests/zalo -q -p no:cacheprovider
