#!/usr/bin/env bash
# Sets up CellScribe (system packages + build) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh debug
swift build --build-tests
swift test --skip-build
