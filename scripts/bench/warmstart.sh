#!/usr/bin/env bash
# Warm start versus training from scratch when scribbles are added (the scribbles issue): a model trained for
# FIRST_BUDGET seconds on scribbles of 10% of the nuclei of the 3 DSB2018 training images, then fine-tuned with
# scribbles of 20% (a superset: same seed) for each of BUDGETS seconds, against a fresh model trained on the 20%
# scribbles for the same budgets. Prints one JSON line per run with AP@0.5 on the 50 test images.
# Run scripts/bench/scribbles.sh first (it prepares OUT_DIR). Usage: scripts/bench/warmstart.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-/tmp/cellscribe-scribbles}"
CS="${CELLSCRIBE:-$(swift build -c release --show-bin-path)/cellscribe}"
for fraction in 0.1 0.2; do
    [ -d "$OUT/scribbles-$fraction" ] || "$CS" scribbles --labels "$OUT/few/labels" --fraction $fraction --seed 43 --out "$OUT/scribbles-$fraction" >/dev/null
done
"$CS" train --images "$OUT/few/images" --scribbles "$OUT/scribbles-0.1" --task scribbles --time-budget "${FIRST_BUDGET:-60}" \
    --out "$OUT/warm-base.safetensors" --json > "$OUT/warm-base.jsonl"
score() {
    "$CS" predict --model "$1.safetensors" --images "$OUT/test50/images" --out "$1-pred" >/dev/null
    "$CS" evaluate --pred "$1-pred" --truth "$OUT/test50/labels" --json | python3 -c "
import json, sys; s = json.load(sys.stdin)['summary']
print(json.dumps({'run': '$2', 'budget_s': $3, 'ap50': round(s['apAt50'], 4), 'f1_50': round(s['f1At50'], 4)}))"
}
score "$OUT/warm-base" "base (10% scribbles)" "${FIRST_BUDGET:-60}"
for budget in ${BUDGETS:-15 30 60}; do
    "$CS" train --images "$OUT/few/images" --scribbles "$OUT/scribbles-0.2" --task scribbles --time-budget "$budget" \
        --from "$OUT/warm-base.safetensors" --out "$OUT/warm-$budget.safetensors" --json > "$OUT/warm-$budget.jsonl"
    score "$OUT/warm-$budget" "fine-tuned on 20%" "$budget"
    "$CS" train --images "$OUT/few/images" --scribbles "$OUT/scribbles-0.2" --task scribbles --time-budget "$budget" \
        --out "$OUT/cold-$budget.safetensors" --json > "$OUT/cold-$budget.jsonl"
    score "$OUT/cold-$budget" "scratch on 20%" "$budget"
done
