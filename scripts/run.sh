#!/usr/bin/env bash
# Sets up CellScribe (system packages + release build) and runs the main job: the interactive server on
# http://127.0.0.1:8000 (PORT to change) with the sample project (a fluorescence image whose scribbles are
# already drawn), its data in ./cellscribe-data (DATA to change). Stop it with Ctrl-C; a training job that was
# running resumes at the next start.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh release
bin="$(swift build -c release --show-bin-path)/cellscribe"
port="${PORT:-8000}"
echo
echo "== cellscribe serve on http://127.0.0.1:$port (API description: /openapi.json) =="
echo "   try: curl -s localhost:$port/api/projects"
echo "        curl -s -X POST localhost:$port/api/projects/<project id>/jobs -H 'Content-Type: application/json' -d '{\"timeBudgetSeconds\": 60}'"
exec "$bin" serve --data "${DATA:-cellscribe-data}" --port "$port" --sample Samples/sample-project.json
