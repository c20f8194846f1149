#!/usr/bin/env bash
# Whole cells in 2-channel Vectra tissue from partial annotations (the scribbles issue's benchmark 3): image1 and
# image2 with their partial ImageJ ROI sets as scribbles (skeleton foreground, outer ring background), image3 without
# scribbles (it takes part in the reconstruction term only), evaluated on the densely annotated image0 and image4.
# Usage: scripts/bench/vectra.sh [DATA_DIR] [OUT_DIR]; VECTRA_BUDGET (default 300 s), EXTRA (train options).
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="$(realpath "${1:-../shared/data}")/vectra_2ch"
OUT="${2:-/tmp/cellscribe-vectra}"
mkdir -p "$OUT"/{train,scribbles,test/images,test/labels}
# CELLSCRIBE=path uses that binary (say, a copy, so edits to the sources cannot rebuild it mid-run).
if [ -z "${CELLSCRIBE:-}" ]; then swift build -c release --product cellscribe >/dev/null; fi
CS="${CELLSCRIBE:-$(swift build -c release --show-bin-path)/cellscribe}"
for i in 1 2 3; do ln -sf "$DATA/image$i.tif" "$OUT/train/image$i.tif"; done
for i in 1 2; do ln -sf "$DATA/labels/final/image$i.zip" "$OUT/scribbles/image$i.zip"; done
for i in 0 4; do
    ln -sf "$DATA/image$i.tif" "$OUT/test/images/image$i.tif"
    ln -sf "$DATA/labels_rasterized/image$i.tif" "$OUT/test/labels/image$i.tif"
done
/usr/bin/time -f "vectra train wall %e s" "$CS" train --images "$OUT/train" --scribbles "$OUT/scribbles" --task scribbles \
    --time-budget "${VECTRA_BUDGET:-300}" --out "$OUT/vectra.safetensors" --json ${EXTRA:-} > "$OUT/vectra-train.jsonl"
tail -1 "$OUT/vectra-train.jsonl"
"$CS" predict --model "$OUT/vectra.safetensors" --images "$OUT/test/images" --out "$OUT/pred" --uncertainty | tail -1
"$CS" evaluate --pred "$OUT/pred" --truth "$OUT/test/labels" --uncertainty | grep -E "AP@0.50|F1@0.50|foreground IoU|AUROC"
