#!/usr/bin/env bash
# The scaled layout on one host (docs/scale-out.md): PostgreSQL, Redis, SCALE action
# servers and SCALE Rasa servers (default 2), nginx as the one public entry on PUBLIC_PORT
# (5005). The servers are throwaway instances on the loopback; Ctrl-C stops them all.
#   bash scripts/run-scaled.sh          (or: SCALE=3 bash scripts/run-scaled.sh)
set -euo pipefail
bash "$(dirname "$0")/setup.sh"
bash "$(dirname "$0")/setup-scaled.sh"
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/secrets.sh"
if [ -n "${ZALO_APP_ID:-}" ]; then DEFAULT_CREDENTIALS=credentials.zalo.yml; else DEFAULT_CREDENTIALS=credentials.yml; fi

python -m bot kb load
MODEL=$(bash scripts/train.sh)
exec python -m bot.scaled --model "$MODEL" --credentials "${RASA_CREDENTIALS:-$DEFAULT_CREDENTIALS}"
