#!/usr/bin/env bash
# Set up if needed, load the knowledge base, train if needed, and start everything:
# the action server and the Rasa server on the loopback, the public entry that exposes
# only the channels, and the support-staff console (its own venv, on the loopback).
# Ctrl-C stops them all.
#   scripts/run.sh          servers in the foreground
#   scripts/run.sh --shell  chat in this terminal with the bot `make run` started
set -euo pipefail
bash "$(dirname "$0")/setup.sh"
source "$(dirname "$0")/common.sh"

if [ "${1:-}" = "--shell" ]; then
  exec python -m bot.chat
fi

source "$(dirname "$0")/secrets.sh"
export PUBLIC_PORT="${PUBLIC_PORT:-5005}" RASA_PORT="${RASA_PORT:-5006}"
export ACTIONS_PORT="${ACTIONS_PORT:-5055}"
ENDPOINTS="${RASA_ENDPOINTS:-endpoints.yml}"
# the Zalo OA channel joins when its settings are there (docs/zalo.md)
if [ -n "${ZALO_APP_ID:-}" ]; then DEFAULT_CREDENTIALS=credentials.zalo.yml; else DEFAULT_CREDENTIALS=credentials.yml; fi
CREDENTIALS="${RASA_CREDENTIALS:-$DEFAULT_CREDENTIALS}"

python -m bot kb load
MODEL=$(bash scripts/train.sh)

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "run: stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

python -m bot.action_server &
pids+=($!)
python -m bot.server --model "$MODEL" --endpoints "$ENDPOINTS" --credentials "$CREDENTIALS" &
pids+=($!)

for _ in $(seq 1 180); do
  python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$RASA_PORT/webhooks/rest/', timeout=2)" \
    >/dev/null 2>&1 && break
  sleep 1
done
python -m bot.gateway &
pids+=($!)
RASA_INTERNAL_URL="http://127.0.0.1:$RASA_PORT" bash scripts/run-console.sh &
pids+=($!)
sleep 3
cat <<MSG

  Trợ lý Dịch vụ công is running. Public entry (channels only): http://localhost:$PUBLIC_PORT
  Web chat:  http://localhost:$PUBLIC_PORT/webhooks/widget/demo   (demo portal page with the widget)
  REST:      curl -s localhost:$PUBLIC_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
               -d '{"sender": "demo", "message": "lam ho chieu het bao nhieu tien"}'
  socket.io: http://localhost:$PUBLIC_PORT/socket.io
  Zalo:      http://localhost:$PUBLIC_PORT/webhooks/zalo/webhook   (when ZALO_APP_ID is set; docs/zalo.md)
  Terminal:  make shell
  Console:   http://localhost:${CONSOLE_PORT:-8000}/   support staff (loopback only); first administrator:
             console/.venv/bin/python console/manage.py create_console_admin --username <name>
  Internal (loopback only): Rasa http://127.0.0.1:$RASA_PORT (HTTP API with a JWT), actions http://127.0.0.1:$ACTIONS_PORT
  Stop:      Ctrl-C

MSG
wait -n "${pids[@]}"
