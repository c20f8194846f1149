#!/usr/bin/env bash
# Whole cells in 2-channel Vectra tissue from partial annotations (the scribbles issue's benchmark 3): image1 and
# image2 with their partial ImageJ ROI sets as scribbles (skeleton foreground, outer ring background), image3 with
# an empty scribble map (self-supervision only), evaluated on the densely annotated image0 and image4.
# Usage: scripts/bench/vectra.sh [DATA_DIR] [OUT_DIR]; VECTRA_BUDGET (default 300 s), EXTRA (train options).
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="$(realpath "${1:-../shared/data}")/vectra_2ch"
OUT="${2:-/tmp/cellscribe-vectra}"
mkdir -p "$OUT"/{train,scribbles,test/images,test/labels}
swift build -c release --product cellscribe >/dev/null
CS="$(swift build -c release --show-bin-path)/cellscribe"
for i in 1 2 3; do ln -sf "$DATA/image$i.tif" "$OUT/train/image$i.tif"; done
for i in 1 2; do ln -sf "$DATA/labels/final/image$i.zip" "$OUT/scribbles/image$i.zip"; done
python3 - "$OUT/scribbles/image3.png" <<'PY'
import struct, sys, zlib
# An all-zero (unscribbled) 400x400 8-bit grayscale PNG.
w = h = 400
raw = b"".join(b"\x00" + bytes(w) for _ in range(h))
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
for i in 0 4; do
    ln -sf "$DATA/image$i.tif" "$OUT/test/images/image$i.tif"
    ln -sf "$DATA/labels_rasterized/image$i.tif" "$OUT/test/labels/image$i.tif"
done
/usr/bin/time -f "vectra train wall %e s" "$CS" train --images "$OUT/train" --scribbles "$OUT/scribbles" --task scribbles \
    --time-budget "${VECTRA_BUDGET:-300}" --out "$OUT/vectra.safetensors" --json ${EXTRA:-} > "$OUT/vectra-train.jsonl"
tail -1 "$OUT/vectra-train.jsonl"
"$CS" predict --model "$OUT/vectra.safetensors" --images "$OUT/test/images" --out "$OUT/pred" --uncertainty | tail -1
"$CS" evaluate --pred "$OUT/pred" --truth "$OUT/test/labels" --uncertainty | grep -E "AP@0.50|F1@0.50|foreground IoU|AUROC"
