#!/usr/bin/env bash
# Sets up CellScribe (system packages + build) and runs the whole test suite: the formatter's lint, the Swift
# tests, then the checks against a live server (killing it mid-write loses nothing acknowledged; hostile requests,
# bombs, huge bodies and slow clients are refused cleanly; accounts, TLS and the Host/Origin checks hold over real
# sockets; a full disk answers 507; it matches its OpenAPI document), coverage-guided fuzzing of the decoders, the browser client's end-to-end test in headless Chromium
# (screenshots in .build/e2e-artifacts) and a load test of 50 clients during training (figures in .build).
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRA_APT_PACKAGES="python3 python3-venv chromium chromium-driver openssl" bash scripts/setup.sh debug
# Style first: the toolchain's formatter, with the repository's .swift-format, must find nothing to change.
swift format lint --strict --recursive Sources Tests Package.swift
swift build --build-tests
# A hung test fails the run instead of holding CI until its deadline.
timeout 2400 swift test --skip-build
BIN="$(swift build --show-bin-path)/cellscribe"
# Python tools for the live checks, from PyPI, in a virtual environment of their own.
if [ ! -x .venv-tests/bin/schemathesis ] || ! .venv-tests/bin/python -c "import selenium" 2>/dev/null; then
    python3 -m venv .venv-tests
    .venv-tests/bin/pip install -q "schemathesis>=4,<5" "selenium>=4.10,<5"
fi
timeout 600 python3 scripts/crash_test.py "$BIN" Tests/Fixtures/dsb/train/images/c53326fe.png
timeout 600 python3 scripts/fuzz_routes.py "$BIN" Tests/Fixtures/dsb/train/images/c53326fe.png
# Accounts over real sockets: TLS, cookies, CSRF, tokens, Host and Origin checks, no secret in the log.
timeout 300 python3 scripts/access_test.py "$BIN"
timeout 600 python3 scripts/disk_full_test.py "$BIN" Tests/Fixtures/dsb/train/images/c53326fe.png
VENV=.venv-tests timeout 900 bash scripts/contract_test.sh "$BIN"
# Coverage-guided fuzzing of the decoders (libFuzzer with AddressSanitizer) from the committed corpus, 2 minutes.
timeout 900 bash scripts/fuzz_decoders.sh 120
# What users run is the release build: the browser test and the load test use it.
swift build -c release --product cellscribe
RELEASE_BIN="$(swift build -c release --show-bin-path)/cellscribe"
timeout 900 .venv-tests/bin/python Tests/e2e/run_e2e.py "$RELEASE_BIN" .build/e2e-artifacts
# 50 clients for 60 s while a job trains: no errors, tile latency bounds, bounded memory (figures in .build).
timeout 900 python3 scripts/load_test.py "$RELEASE_BIN" Tests/Fixtures/dsb/train/images/c53326fe.png \
    --json .build/load-test.json
