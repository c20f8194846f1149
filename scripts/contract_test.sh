#!/usr/bin/env bash
# Contract test: starts `cellscribe serve` on a fresh data folder (with the sample project) and checks every
# operation of its OpenAPI document against the live server with schemathesis (from PyPI, in .venv-tests):
# no 5xx, documented status codes, content types and response schemas.
# Usage: scripts/contract_test.sh [CELLSCRIBE_BINARY]   (default: the debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-$(swift build --show-bin-path)/cellscribe}"
VENV="${VENV:-.venv-tests}"
if [ ! -x "$VENV/bin/schemathesis" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "schemathesis>=4,<5"
fi
DATA="$(mktemp -d)"
PORT="${CONTRACT_PORT:-18765}"
# No rate limit: schemathesis's requests must reach the routes, not the limiter.
"$BIN" serve --data "$DATA" --port "$PORT" --sample Samples/sample-project.json --log-level warning \
    --requests-per-minute 0 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT INT TERM
python3 - "$PORT" <<'PY'
import sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/api/health", timeout=1); break
    except Exception:
        time.sleep(0.1)
else:
    sys.exit("the server did not start")
PY
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
# Predictions may wait for trainings that generated requests start (2 cores, debug build): a generous timeout.
OPTIONS=(--checks "$CHECKS" --max-examples "${CONTRACT_EXAMPLES:-25}" --workers 1 --phases examples,coverage,fuzzing
         --suppress-health-check all --request-timeout 180)
# 1. Every operation but deletions and new jobs against the sample project and its image (real ids), after one
#    short training so predictions have a model: uploads, scribbles, predictions, renditions and models get
#    generated parameters and bodies. (Generated jobs would keep both cores training for the rest of the run.)
CONFIG="$DATA/schemathesis.toml"
python3 - "$PORT" "$CONFIG" <<'PY'
import json, sys, time, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}"
project = json.load(urllib.request.urlopen(base + "/api/projects"))[0]["id"]
image = json.load(urllib.request.urlopen(f"{base}/api/projects/{project}/images"))[0]["id"]
request = urllib.request.Request(f"{base}/api/projects/{project}/jobs", data=b'{"epochs": 1, "patchSize": 64, "batchSize": 2}', method="POST", headers={"Content-Type": "application/json"})
job = json.load(urllib.request.urlopen(request))["id"]
while json.load(urllib.request.urlopen(f"{base}/api/jobs/{job}"))["state"] not in ("finished", "failed", "stopped"):
    time.sleep(0.5)
with open(sys.argv[2], "w") as f:
    f.write(f'[parameters]\n"path.project" = "{project}"\n"path.image" = "{image}"\n"path.job" = "{job}"\n')
PY
"$VENV/bin/schemathesis" --config-file "$CONFIG" run "http://127.0.0.1:$PORT/openapi.json" "${OPTIONS[@]}" \
    --exclude-method DELETE --exclude-operation-id startJob
# 2. Every operation with generated ids (mostly 404s, or ids seen in earlier responses: deletions too) and bodies.
"$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/openapi.json" "${OPTIONS[@]}"
kill -0 $SERVER 2>/dev/null || { echo "error: the server died during the contract test" >&2; exit 1; }
echo "contract test passed; the server is still up"
