#!/usr/bin/env bash
# Set up if needed, load the knowledge base, train if needed, start the action server and
# the Rasa server (REST + socket.io), and stop both cleanly on Ctrl-C.
#   scripts/run.sh          servers in the foreground
#   scripts/run.sh --shell  chat in this terminal instead
set -euo pipefail
bash "$(dirname "$0")/setup.sh"
source "$(dirname "$0")/common.sh"

RASA_PORT="${RASA_PORT:-5005}"
ACTIONS_PORT="${ACTIONS_PORT:-5055}"
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

rasa run actions --actions actions --port "$ACTIONS_PORT" &
pids+=($!)

if [ "${1:-}" = "--shell" ]; then
  rasa shell -m "$MODEL" --endpoints "$ENDPOINTS"
  exit 0
fi

rasa run -m "$MODEL" --enable-api --cors "*" --port "$RASA_PORT" \
  --endpoints "$ENDPOINTS" --credentials "$CREDENTIALS" &
pids+=($!)

for _ in $(seq 1 180); do
  python -c "import urllib.request as u; u.urlopen('http://localhost:$RASA_PORT/status', timeout=2)" \
    >/dev/null 2>&1 && break
  sleep 1
done
cat <<MSG

  Trợ lý Dịch vụ công is running.
  Web chat:  http://localhost:$RASA_PORT/webhooks/widget/demo   (demo portal page with the widget)
  REST:      curl -s localhost:$RASA_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
               -d '{"sender": "demo", "message": "lam ho chieu het bao nhieu tien"}'
  socket.io: http://localhost:$RASA_PORT/socket.io
  Zalo:      http://localhost:$RASA_PORT/webhooks/zalo/webhook   (when ZALO_APP_ID is set; docs/zalo.md)
  Terminal:  make shell
  Stop:      Ctrl-C

MSG
wait -n "${pids[@]}"
