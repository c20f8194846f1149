#!/usr/bin/env bash
# Load on loopback (the server issue's evidence): 50 concurrent connections read image tiles and predictions
# for 60 s while a training job runs, then a cached tile alone. Uses wrk (Debian package, installed if missing).
# Prints wrk's reports (requests/s, latency percentiles, errors) and the server's job state afterwards.
# Usage: scripts/bench/server_load.sh [CELLSCRIBE_BINARY]; PORT (18090), SECONDS_LOAD (60), CONNECTIONS (50).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${1:-${CELLSCRIBE:-$(swift build -c release --show-bin-path)/cellscribe}}"
PORT="${PORT:-18090}"
command -v wrk >/dev/null || { SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo; $SUDO apt-get install -y -qq wrk >/dev/null; }
DATA="$(mktemp -d)"
"$BIN" serve --data "$DATA" --port "$PORT" --sample Samples/sample-project.json --log-level warning &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do curl -fsS "$BASE/api/health" >/dev/null 2>&1 && break; sleep 0.2; done
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
PROJECT=$(curl -fsS "$BASE/api/projects" | json "d[0]['id']")
IMAGE=$(curl -fsS "$BASE/api/projects/$PROJECT/images" | json "d[0]['id']")
# A first short training gives the project a model to predict with.
JOB=$(curl -fsS -X POST "$BASE/api/projects/$PROJECT/jobs" -d '{"epochs": 1}' | json "d['id']")
while [ "$(curl -fsS "$BASE/api/jobs/$JOB" | json "d['state']")" != finished ]; do sleep 1; done
curl -fsS "$BASE/api/images/$IMAGE/prediction" >/dev/null
# The training that runs during the load.
LONG=$(curl -fsS -X POST "$BASE/api/projects/$PROJECT/jobs" -d "{\"timeBudgetSeconds\": $(( ${SECONDS_LOAD:-60} + 60 ))}" | json "d['id']")
until [ "$(curl -fsS "$BASE/api/jobs/$LONG" | json "d['state']")" = running ]; do sleep 0.5; done
LUA="$(mktemp)"
cat > "$LUA" <<LUA
local paths = {
  "/api/images/$IMAGE/tiles/0/0/0", "/api/images/$IMAGE/tiles/0/0/0?channel=0", "/api/images/$IMAGE/preview?size=256",
  "/api/images/$IMAGE/prediction", "/api/images/$IMAGE/prediction/foreground.png", "/api/images/$IMAGE",
}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
LUA
echo "== mixed tiles, previews and predictions, ${CONNECTIONS:-50} connections, ${SECONDS_LOAD:-60} s, training job $LONG running =="
wrk -t2 -c"${CONNECTIONS:-50}" -d"${SECONDS_LOAD:-60}s" --latency -s "$LUA" "$BASE"
echo "== one cached tile, ${CONNECTIONS:-50} connections, 20 s, training still running =="
wrk -t2 -c"${CONNECTIONS:-50}" -d20s --latency "$BASE/api/images/$IMAGE/tiles/0/0/0"
echo "== training job after the load =="
curl -fsS "$BASE/api/jobs/$LONG" | json "{k: d.get(k) for k in ('state', 'attempts', 'error')} | {'epochs': (d.get('progress') or {}).get('epoch')}"
rm -f "$LUA"
