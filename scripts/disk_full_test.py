#!/usr/bin/env python3
"""Full-disk test for `cellscribe serve`: on a small tmpfs data folder, uploads and scribble saves continue until
the disk is full, first with the server's free-space reserve (refused before writing) and then with no reserve
(the system's "no space left" from a write). Every answer must be a success or a 507 with a JSON error, never a
5xx of another kind; after a restart every acknowledged upload and scribble save must be intact, byte for byte.

Needs root (or password-less sudo) to mount the tmpfs. Usage: disk_full_test.py CELLSCRIBE_BINARY IMAGE_FILE
[--port 18383]. Standard library only.
"""
import argparse, json, os, subprocess, sys, tempfile

import live_server
from crash_test import npy_values, png_labels


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary"); ap.add_argument("image"); ap.add_argument("--port", type=int, default=18383)
    a = ap.parse_args()
    mount = tempfile.mkdtemp(prefix="cellscribe-full-")
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    # 24 MiB: the database, its WAL and a few dozen uploads.
    subprocess.run(sudo + ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount], check=True)
    base = f"http://127.0.0.1:{a.port}"
    image = open(a.image, "rb").read()
    failures = []
    acknowledged_images, acknowledged_scribbles = {}, {}
    try:
        for phase, reserve in (("reserve", "4"), ("no reserve", "0")):
            server = live_server.start(a.binary, mount, a.port, log_level="critical",
                                       extra=["--reserve-mb", reserve, "--requests-per-minute", "0"])
            call = lambda *args, **kw: live_server.call(base, *args, timeout=30, **kw)
            if phase == "reserve":
                _, project, _ = call("POST", "/api/projects", {"name": "full", "channels": ["n"]})
            refused = 0
            for attempt in range(400):
                status, answer, _ = call("POST", f"/api/projects/{project['id']}/images?name=f{attempt}.png", image)
                if status == 201:
                    record = answer["images"][0]
                    acknowledged_images[record["id"]] = image
                    width, height = record["shape"]["width"], record["shape"]["height"]
                    values = [(attempt + i) % 3 == 0 and 1 or 0 for i in range(width * height)]
                    s, saved, _ = call("PUT", f"/api/images/{record['id']}/scribbles", png_labels(width, height, values),
                                       {"If-Match": '"0"'})
                    if s == 200:
                        acknowledged_scribbles[record["id"]] = values
                    elif s != 507:
                        failures.append(f"{phase}: scribble save answered {s}: {saved}")
                elif status == 507 and isinstance(answer, dict) and answer.get("status") == 507:
                    refused += 1
                    if refused >= 5:
                        break
                else:
                    failures.append(f"{phase}: upload answered {status}: {str(answer)[:160]}")
                    break
            if refused == 0:
                failures.append(f"{phase}: the disk never filled")
            print(f"{phase}: {len(acknowledged_images)} uploads stored in all, then {refused} refused with 507", flush=True)
            server.terminate(); server.wait()
        # Everything acknowledged is intact after a restart (the reserve back, so the server can start).
        server = live_server.start(a.binary, mount, a.port, log_level="critical",
                                   extra=["--reserve-mb", "0", "--requests-per-minute", "0"])
        for image_id, content in acknowledged_images.items():
            status, body, _ = live_server.call(base, "GET", f"/api/images/{image_id}/file", raw=True)
            if status != 200 or body != content:
                failures.append(f"upload {image_id} is not intact ({status})")
        for image_id, values in acknowledged_scribbles.items():
            status, body, _ = live_server.call(base, "GET", f"/api/images/{image_id}/scribbles?format=npy", raw=True)
            if status != 200 or npy_values(body) != values:
                failures.append(f"the scribbles of {image_id} are not intact ({status})")
        server.terminate(); server.wait()
    finally:
        subprocess.run(sudo + ["umount", "-l", mount])
    print(f"{len(acknowledged_images)} uploads and {len(acknowledged_scribbles)} scribble saves checked after the disk "
          f"filled; {len(failures)} failures")
    for failure in failures[:20]:
        print("  " + failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
