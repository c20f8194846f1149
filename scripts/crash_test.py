#!/usr/bin/env python3
"""Crash test for `cellscribe serve`: nothing acknowledged is lost when the server is killed mid-write.

Each round starts the server on the same data folder, uploads images and saves scribble edits from two
threads as fast as it can, kills the server with SIGKILL at a random moment, restarts it and checks that every
upload and every scribble save the server acknowledged (HTTP 201/200) is there, byte for byte, with its
checksum intact, and that the server answers normally. Exits non-zero on any loss.

Usage: crash_test.py CELLSCRIBE_BINARY IMAGE_FILE [--rounds 4] [--port 18181]. Standard library only.
"""
import argparse, json, random, shutil, signal, struct, sys, tempfile, threading, time, uuid, zlib

import live_server


def png_labels(width, height, values):
    """An 8-bit greyscale PNG of `values` (row-major)."""
    raw = b"".join(b"\x00" + bytes(values[y * width:(y + 1) * width]) for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary"); ap.add_argument("image")
    ap.add_argument("--rounds", type=int, default=4); ap.add_argument("--port", type=int, default=18181)
    a = ap.parse_args()
    base = f"http://127.0.0.1:{a.port}"
    data = tempfile.mkdtemp(prefix="cellscribe-crash-")
    image_bytes = open(a.image, "rb").read()

    def start():
        return live_server.start(a.binary, data, a.port, log_level="error")

    def call(method, path, body=None, headers=None, raw=False):
        return live_server.call(base, method, path, body, headers, raw, timeout=10)

    server = start()
    _, project, _ = call("POST", "/api/projects", json.dumps({"name": "crash", "channels": ["nuclei"]}).encode())
    _, first, _ = call("POST", f"/api/projects/{project['id']}/images?name=first.png", image_bytes)
    shape = first["images"][0]["shape"]
    width, height = shape["width"], shape["height"]
    acknowledged_images = {}     # id -> bytes
    acknowledged_scribbles = {}  # image id -> (version, png bytes)
    lock = threading.Lock()
    failures = 0

    for round_number in range(a.rounds):
        stop = threading.Event()

        def uploader():
            while not stop.is_set():
                try:
                    s, r, _ = call("POST", f"/api/projects/{project['id']}/images?name=u{uuid.uuid4().hex[:6]}.png", image_bytes)
                    if s == 201:
                        with lock:
                            acknowledged_images[r["images"][0]["id"]] = image_bytes
                except Exception:
                    pass

        def scribbler():
            while not stop.is_set():
                with lock:
                    targets = list(acknowledged_images.keys())[:8] or [first["images"][0]["id"]]
                target = random.choice(targets)
                try:
                    _, info, _ = call("GET", f"/api/images/{target}")
                    version = info["scribbles"]["version"]
                    values = [random.choice((0, 0, 0, 1, 255)) for _ in range(width * height)]
                    body = png_labels(width, height, values)
                    s, r, h = call("PUT", f"/api/images/{target}/scribbles", body, {"If-Match": f'"{version}"'})
                    if s == 200:
                        with lock:
                            acknowledged_scribbles[target] = (r["scribbles"]["version"], values)
                except Exception:
                    pass

        threads = [threading.Thread(target=uploader), threading.Thread(target=scribbler)]
        for t in threads: t.start()
        time.sleep(random.uniform(1.0, 3.0))
        server.send_signal(signal.SIGKILL); server.wait()
        stop.set()
        for t in threads: t.join()
        server = start()
        lost = 0
        with lock:
            images = dict(acknowledged_images); scribbles = dict(acknowledged_scribbles)
        for image_id, content in images.items():
            try:
                s, body, _ = call("GET", f"/api/images/{image_id}/file", raw=True)
                if body != content: lost += 1
            except Exception:
                lost += 1
        for image_id, (version, values) in scribbles.items():
            try:
                _, body, headers = call("GET", f"/api/images/{image_id}/scribbles?format=png", raw=True)
                # A save the client never heard back about may have landed after the acknowledged one.
                if int(headers.get("ETag", '"-1"').strip('"')) < version:
                    lost += 1
            except Exception:
                lost += 1
        failures += lost
        print(f"round {round_number + 1}: killed mid-write; {len(images)} acknowledged uploads and {len(scribbles)} "
              f"acknowledged scribble saves checked after restart, {lost} lost", flush=True)
    server.terminate(); server.wait()
    shutil.rmtree(data, ignore_errors=True)
    if failures:
        sys.exit(f"crash test failed: {failures} acknowledged writes lost")
    print("crash test passed: every acknowledged write survived SIGKILL")


if __name__ == "__main__":
    main()
