#!/usr/bin/env bash
# Sets up CellScribe (system packages + build) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh debug
swift build --build-tests
# A hung test fails the run instead of holding CI until its deadline.
timeout 2400 swift test --skip-build
