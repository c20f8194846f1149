#!/usr/bin/env bash
# Learning from scribbles on DSB2018 fluorescence nuclei (the scribbles issue's benchmark): scribbles generated
# for a fraction of the nuclei of 3 training images, training under a wall-clock budget, instances evaluated on
# 50 other fluorescence images. Prints one JSON line per run: budget, fraction, AP@0.5, F1@0.5, mean AP and the
# entropy AUROC for pixel errors.
# Usage: scripts/bench/scribbles.sh [DATA_DIR] [OUT_DIR]
# BUDGETS (default "120"), FRACTIONS (default "0.2"), SEED (43), TRAIN_IMAGES (3), TEST_IMAGES (50),
# EXTRA (further `cellscribe train` options, e.g. "--reconstruction-weight 0").
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="$(realpath "${1:-../shared/data}")"
OUT="${2:-/tmp/cellscribe-scribbles}"
mkdir -p "$OUT"
# CELLSCRIBE=path uses that binary (say, a copy, so edits to the sources cannot rebuild it mid-run).
if [ -z "${CELLSCRIBE:-}" ]; then swift build -c release --product cellscribe >/dev/null; fi
CS="${CELLSCRIBE:-$(swift build -c release --show-bin-path)/cellscribe}"
[ -d "$OUT/dsb/train" ] || python3 scripts/bench/prepare_dsb.py "$DATA/dsb2018" "$OUT/dsb"

# The 3 training images: the first of the sorted training ids with at least 20 nuclei; 50 test images.
mkdir -p "$OUT/few/images" "$OUT/few/labels" "$OUT/test50/images" "$OUT/test50/labels"
python3 - "$OUT" "${TRAIN_IMAGES:-3}" "${TEST_IMAGES:-50}" <<'PY'
import os, sys, struct, zlib
out, n_train, n_test = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def link(src, dst):
    if not os.path.exists(dst): os.symlink(os.path.realpath(src), dst)
train = sorted(os.listdir(f"{out}/dsb/train/images"))
chosen = [name for name in train][: n_train]
for name in chosen:
    stem = os.path.splitext(name)[0]
    link(f"{out}/dsb/train/images/{name}", f"{out}/few/images/{name}")
    label = [l for l in os.listdir(f"{out}/dsb/train/labels") if l.startswith(stem)][0]
    link(f"{out}/dsb/train/labels/{label}", f"{out}/few/labels/{label}")
for name in sorted(os.listdir(f"{out}/dsb/test/images"))[: n_test]:
    stem = os.path.splitext(name)[0]
    link(f"{out}/dsb/test/images/{name}", f"{out}/test50/images/{name}")
    label = [l for l in os.listdir(f"{out}/dsb/test/labels") if l.startswith(stem)][0]
    link(f"{out}/dsb/test/labels/{label}", f"{out}/test50/labels/{label}")
PY

for fraction in ${FRACTIONS:-0.2}; do
    "$CS" scribbles --labels "$OUT/few/labels" --fraction "$fraction" --seed "${SEED:-43}" --out "$OUT/scribbles-$fraction" >/dev/null
    for budget in ${BUDGETS:-120}; do
        run="$OUT/run-$fraction-$budget"
        /usr/bin/time -f "%e" -o "$run.wall" "$CS" train --images "$OUT/few/images" --scribbles "$OUT/scribbles-$fraction" \
            --task scribbles --time-budget "$budget" --out "$run.safetensors" --json ${EXTRA:-} > "$run-train.jsonl"
        "$CS" predict --model "$run.safetensors" --images "$OUT/test50/images" --out "$run-pred" --uncertainty >/dev/null
        "$CS" evaluate --pred "$run-pred" --truth "$OUT/test50/labels" --json --uncertainty > "$run-eval.json"
        python3 - "$run" "$budget" "$fraction" <<'PY'
import json, sys
run, budget, fraction = sys.argv[1:]
report = json.load(open(f"{run}-eval.json"))
s = report["summary"]
print(json.dumps({"budget_s": float(budget), "fraction": float(fraction), "train_wall_s": float(open(f"{run}.wall").read().split()[-1]),
                  "ap50": round(s["apAt50"], 4), "f1_50": round(s["f1At50"], 4), "map": round(s["meanAP"], 4),
                  "pixel_accuracy": round(s["pixelAccuracy"], 4), "foreground_iou": round(s["foregroundIoU"], 4),
                  "entropy_auroc": round(report["uncertainty"]["entropyAUROC"], 4)}))
PY
    done
done
