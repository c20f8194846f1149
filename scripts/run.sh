#!/usr/bin/env bash
# Sets up CellScribe (system packages + release build) and runs the main job: a demo that reads the bundled
# sample images and reports what it found in each.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh release
bin="$(swift build -c release --show-bin-path)/cellscribe"
echo
echo "== cellscribe info Samples/* =="
"$bin" info Samples/*
