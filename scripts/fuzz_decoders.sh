#!/usr/bin/env bash
# Coverage-guided fuzzing of the image and ROI decoders with libFuzzer (see Tests/Fuzz/README.md).
#
#   scripts/fuzz_decoders.sh [seconds]      build the harness (incrementally), fuzz for `seconds` (default 120)
#   scripts/fuzz_decoders.sh --build-only   only build it
#
# Environment: FUZZ_BUILD_DIR (default .build/fuzz), FUZZ_CORPUS_OUT (a folder that receives the grown working
# corpus), FUZZ_EXTRA_ARGS (more libFuzzer flags, e.g. -seed=1), FUZZ_SANITIZERS (default fuzzer,address).
#
# The harness (Fuzz/DecoderFuzzer.swift) is compiled with swiftc -sanitize=fuzzer,address together with the
# sources of ImageFormats, Imaging, Basics and the CImageCodecs C shims; the package's own `swift build` is not
# involved and never needs libFuzzer. Output goes to $FUZZ_BUILD_DIR (default .build/fuzz), one compile job at a
# time. The committed seed corpus (Tests/Fuzz/corpus) is copied to a temporary working corpus, so a run never
# changes it. Exits non-zero on a crash, trap, sanitizer report, timeout or out-of-memory, and prints where the
# reproducer is.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

SECONDS_TO_RUN="${1:-120}"
BUILD="${FUZZ_BUILD_DIR:-.build/fuzz}"
mkdir -p "$BUILD"
BUILD="$(cd "$BUILD" && pwd)"
BIN="$BUILD/decoder-fuzzer"
SANITIZERS="${FUZZ_SANITIZERS:-fuzzer,address}"
CORPUS="$ROOT/Tests/Fuzz/corpus"
DICT="$ROOT/Tests/Fuzz/decoders.dict"
ARTIFACTS="$BUILD/artifacts"

# --- Build ------------------------------------------------------------------------------------------------------
SWIFTC_FLAGS=(-swift-version 6 -O -g -sanitize="$SANITIZERS" -parse-as-library -I "$BUILD/modules"
    -I "$BUILD/CImageCodecs" -j 1)
# The C shims, instrumented for coverage (fuzzer-no-link) and ASan by the toolchain's own clang (its libFuzzer
# and ASan runtimes are the ones swiftc links); libtiff/libpng/zlib stay the system's.
CLANG="$(dirname "$(command -v swiftc)")/clang"
[ -x "$CLANG" ] || CLANG=clang
CFLAGS_FUZZ=(-O1 -g -fsanitize="${SANITIZERS/fuzzer/fuzzer-no-link}" -I Sources/CImageCodecs/include
    -I Sources/CImageCodecs)

# The flags and the compiler are part of every output's identity: when they change, everything is rebuilt.
STAMP="$BUILD/flags.stamp"
FLAGS_ID="${SWIFTC_FLAGS[*]} ${CFLAGS_FUZZ[*]} $(swiftc --version 2>&1 | head -1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$FLAGS_ID" ]; then
    rm -rf "$BUILD/obj" "$BUILD/modules" "$BIN"
    mkdir -p "$BUILD"
    printf '%s' "$FLAGS_ID" > "$STAMP"
fi
mkdir -p "$BUILD/obj" "$BUILD/modules" "$BUILD/CImageCodecs"

# True when $1 is missing or older than any of the files or directories (searched recursively) that follow.
stale() {
    local out="$1"; shift
    [ -e "$out" ] || return 0
    [ -n "$(find "$@" -newer "$out" -print -quit)" ]
}

C_OBJECTS=()
for src in Sources/CImageCodecs/*.c; do
    obj="$BUILD/obj/$(basename "$src" .c).o"
    C_OBJECTS+=("$obj")
    if stale "$obj" "$src" Sources/CImageCodecs/include Sources/CImageCodecs/*.h; then
        echo "fuzz build: $src"
        "$CLANG" -c "${CFLAGS_FUZZ[@]}" "$src" -o "$obj"
        touch "$obj"
    fi
done
cat > "$BUILD/CImageCodecs/module.modulemap.new" <<MAP
module CImageCodecs {
    umbrella "$ROOT/Sources/CImageCodecs/include"
    export *
}
MAP
if ! cmp -s "$BUILD/CImageCodecs/module.modulemap.new" "$BUILD/CImageCodecs/module.modulemap"; then
    mv "$BUILD/CImageCodecs/module.modulemap.new" "$BUILD/CImageCodecs/module.modulemap"
else
    rm "$BUILD/CImageCodecs/module.modulemap.new"
fi

# Swift modules in dependency order; a module is rebuilt when its sources or anything it depends on changed.
build_module() {
    local name="$1"; shift
    local deps=("$@")
    local obj="$BUILD/obj/$name.o"
    local inputs=("Sources/$name")
    for dep in "${deps[@]}"; do inputs+=("$BUILD/modules/$dep.swiftmodule"); done
    [ "$name" = ImageFormats ] && inputs+=(Sources/CImageCodecs/include)
    if stale "$obj" "${inputs[@]}"; then
        echo "fuzz build: module $name"
        local extra=()
        # The harness reaches the internal codecs (ROIZipCodec, NPYCodec, NPZCodec) with @testable import.
        [ "$name" = ImageFormats ] && extra=(-enable-testing)
        swiftc "${SWIFTC_FLAGS[@]}" "${extra[@]}" -module-name "$name" -wmo -emit-module \
            -emit-module-path "$BUILD/modules/$name.swiftmodule" -c Sources/"$name"/*.swift -o "$obj"
        # swiftc leaves an output whose content did not change untouched: mark it current.
        touch "$obj"
    fi
}
build_module Basics
build_module Imaging
build_module ImageFormats Basics Imaging

if stale "$BIN" Fuzz "$BUILD/obj"; then
    echo "fuzz build: linking $BIN"
    swiftc "${SWIFTC_FLAGS[@]}" -module-name DecoderFuzzer Fuzz/DecoderFuzzer.swift \
        "$BUILD/obj/Basics.o" "$BUILD/obj/Imaging.o" "$BUILD/obj/ImageFormats.o" "${C_OBJECTS[@]}" \
        -use-ld=lld -ltiff -lpng16 -lz -o "$BIN"
fi

if [ "$SECONDS_TO_RUN" = "--build-only" ]; then
    echo "fuzz build: $BIN is up to date"
    exit 0
fi
if ! [[ "$SECONDS_TO_RUN" =~ ^[0-9]+$ ]] || [ "$SECONDS_TO_RUN" -lt 1 ]; then
    # libFuzzer reads -max_total_time=0 as "forever".
    echo "usage: $0 [seconds >= 1 | --build-only]" >&2
    exit 2
fi

# --- Run --------------------------------------------------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cellscribe-fuzz.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/corpus" "$ARTIFACTS"
cp "$CORPUS"/* "$WORK/corpus/"
SEEDS=$(find "$WORK/corpus" -type f | wc -l)
LOG="$BUILD/last-run.log"

echo "fuzzing the decoders for ${SECONDS_TO_RUN}s (seeds: $SEEDS, log: $LOG, artifacts: $ARTIFACTS/)"
START=$(date +%s)
set +e
# LeakSanitizer is off (the Swift runtime's lazily built metadata caches read as leaks to it); so is Swift's own
# backtracer, whose memory reads ASan would report in place of the trap libFuzzer should see.
# A smaller ASan quarantine keeps long runs well under the RSS limit.
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:quarantine_size_mb=64}" "$BIN" "$WORK/corpus" \
    -max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=1024 -malloc_limit_mb=1024 -timeout=5 -max_len=65536 \
    -dict="$DICT" -artifact_prefix="$ARTIFACTS/" -print_final_stats=1 -detect_leaks=0 \
    ${FUZZ_EXTRA_ARGS:-} > "$LOG" 2>&1
STATUS=$?
set -e
ELAPSED=$(($(date +%s) - START))
if [ -n "${FUZZ_CORPUS_OUT:-}" ]; then
    # Keep the grown working corpus (to inspect, or to pick new seeds from with -merge=1).
    mkdir -p "$FUZZ_CORPUS_OUT"
    cp "$WORK/corpus"/* "$FUZZ_CORPUS_OUT/"
fi

final_stat() { sed -n "s/^stat::$1: *//p" "$LOG" | tail -1; }
LAST=$(grep -E '^#[0-9]+' "$LOG" | tail -1 || true)
COV=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$LAST")
FT=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$LAST")
CORP=$(find "$WORK/corpus" -type f | wc -l)
echo "fuzz summary: $(final_stat number_of_executed_units) executions in ${ELAPSED}s" \
    "($(final_stat average_exec_per_sec)/s), cov ${COV:-?} edges, ft ${FT:-?} features," \
    "corpus $SEEDS -> $CORP inputs, peak RSS $(final_stat peak_rss_mb) MB, slowest input $(final_stat slowest_unit_time_sec)s"

if [ "$STATUS" -ne 0 ]; then
    tail -n 60 "$LOG" >&2
    REPRO=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$LOG" | tail -1)
    echo "fuzz FAILED (libFuzzer exit $STATUS); full log: $LOG" >&2
    if [ -n "$REPRO" ]; then
        echo "reproducer: $REPRO" >&2
        echo "reproduce with: SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 $BIN $REPRO" >&2
    fi
    exit 1
fi
