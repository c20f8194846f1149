#!/usr/bin/env python3
"""Splits the DSB2018 fluorescence images into train (80%) and test (20%) folders of symbolic links.

Usage: prepare_dsb.py DSB_DIR OUT_DIR
DSB_DIR holds index.csv, images/<id>.png and labels/<id>.tif. The split is fixed: ids sorted, every fifth
(positions 0, 5, 10, ...) is a test image. OUT_DIR gets train/{images,labels} and test/{images,labels}.
"""
import csv
import os
import sys


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source, out = (os.path.abspath(p) for p in sys.argv[1:])
    with open(os.path.join(source, "index.csv")) as f:
        ids = sorted(row["id"] for row in csv.DictReader(f) if row["modality"] == "fluorescence")
    for position, image_id in enumerate(ids):
        part = "test" if position % 5 == 0 else "train"
        for kind, name in (("images", f"{image_id}.png"), ("labels", f"{image_id}.tif")):
            folder = os.path.join(out, part, kind)
            os.makedirs(folder, exist_ok=True)
            link = os.path.join(folder, name)
            if not os.path.lexists(link):
                os.symlink(os.path.join(source, kind, name), link)
    test = len(range(0, len(ids), 5))
    print(f"{len(ids)} fluorescence images: {len(ids) - test} train, {test} test in {out}")


if __name__ == "__main__":
    main()
