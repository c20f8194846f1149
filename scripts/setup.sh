#!/usr/bin/env bash
# Installs CellScribe's system dependencies (Debian/Ubuntu) when any is missing, then builds.
# Idempotent: when everything is installed it only runs the (incremental) build.
# Usage: scripts/setup.sh [debug|release]   (default: release)
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libdnnl-dev libtiff-dev libpng-dev zlib1g-dev libsqlite3-dev)
# Callers add what they need beyond the build (the tests: Python with venv for the contract test).
read -r -a EXTRA <<< "${EXTRA_APT_PACKAGES:-}"
APT_PACKAGES+=("${EXTRA[@]}")

missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "error: need root or sudo to install ${missing[*]}" >&2; exit 1; }
        SUDO="sudo"
    fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v swift >/dev/null; then
    echo "error: the Swift toolchain (6.0 or newer) is not on PATH; install it from swift.org and retry" >&2
    exit 1
fi

configuration="${1:-release}"
swift build -c "$configuration" --product cellscribe
