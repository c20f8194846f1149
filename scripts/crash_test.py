#!/usr/bin/env python3
"""Crash test for `cellscribe serve`: nothing acknowledged is lost when the server is killed mid-write.

Each round starts the server on the same data folder, uploads images and saves scribble edits from two
threads as fast as it can while a training job checkpoints, kills the server at a random moment (SIGKILL, and
now and then SIGTERM), restarts it and checks that every upload the server acknowledged (HTTP 201) is there byte
for byte, that every image's scribbles are the acknowledged save's content byte for byte (or a later save's that
was sent but not yet acknowledged), that the training job resumed or is reported failed or finished (never lost),
and that the server answers normally. Exits non-zero on any loss.

Usage: crash_test.py CELLSCRIBE_BINARY IMAGE_FILE [--rounds 100] [--port 18181]. Standard library only.
"""
import argparse, json, random, shutil, signal, struct, sys, tempfile, threading, time, uuid, zlib

import live_server


def png_labels(width, height, values):
    """An 8-bit greyscale PNG of `values` (row-major)."""
    raw = b"".join(b"\x00" + bytes(values[y * width:(y + 1) * width]) for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def npy_values(data):
    """The values of a 1-, 2- or 4-byte unsigned NPY array, as a list (row-major)."""
    assert data[:6] == b"\x93NUMPY", "not an NPY file"
    if data[6] == 1:
        header_length = struct.unpack("<H", data[8:10])[0]; start = 10
    else:
        header_length = struct.unpack("<I", data[8:12])[0]; start = 12
    header = data[start:start + header_length].decode("latin1")
    code = {"u1": "B", "u2": "H", "u4": "I"}[header.split("'descr': '")[1][1:3]]
    raw = data[start + header_length:]
    return list(struct.unpack("<%d%s" % (len(raw) // struct.calcsize(code), code), raw))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary"); ap.add_argument("image")
    ap.add_argument("--rounds", type=int, default=100); ap.add_argument("--port", type=int, default=18181)
    a = ap.parse_args()
    base = f"http://127.0.0.1:{a.port}"
    data = tempfile.mkdtemp(prefix="cellscribe-crash-")
    image_bytes = open(a.image, "rb").read()

    def start():
        return live_server.start(a.binary, data, a.port, log_level="error")

    def call(method, path, body=None, headers=None, raw=False):
        return live_server.call(base, method, path, body, headers, raw, timeout=10)

    server = start()
    _, project, _ = call("POST", "/api/projects", {"name": "crash", "channels": ["nuclei"]})
    _, first, _ = call("POST", f"/api/projects/{project['id']}/images?name=first.png", image_bytes)
    shape = first["images"][0]["shape"]
    width, height = shape["width"], shape["height"]
    acknowledged_images = {}     # id -> bytes
    acknowledged_scribbles = {}  # image id -> (version, values)
    attempted_scribbles = {}     # (image id, version) -> values sent as that version, acknowledged or not
    # A training job that checkpoints every epoch while the server is killed around it.
    call("PUT", f"/api/images/{first['images'][0]['id']}/scribbles",
         png_labels(width, height, [1 if i % 7 == 0 else 255 if i % 11 == 0 else 0 for i in range(width * height)]),
         {"If-Match": '"0"'})
    _, job, _ = call("POST", f"/api/projects/{project['id']}/jobs",
                     {"epochs": 100000, "patchSize": 64, "batchSize": 2})
    kills = {"SIGKILL": 0, "SIGTERM": 0}
    jobs_ended = {}
    lock = threading.Lock()
    failures = 0

    for round_number in range(a.rounds):
        stop = threading.Event()

        def uploader():
            while not stop.is_set():
                with lock:
                    enough = len(acknowledged_images) >= 40
                if enough:  # the checks after each restart read every upload: keep them bounded
                    stop.wait(0.05)
                    continue
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
                    with lock:
                        attempted_scribbles[(target, version + 1)] = values
                    s, r, h = call("PUT", f"/api/images/{target}/scribbles", body, {"If-Match": f'"{version}"'})
                    if s == 200:
                        with lock:
                            acknowledged_scribbles[target] = (r["scribbles"]["version"], values)
                except Exception:
                    pass

        threads = [threading.Thread(target=uploader), threading.Thread(target=scribbler)]
        for t in threads: t.start()
        time.sleep(random.uniform(0.3, 1.5))
        kill = signal.SIGTERM if round_number % 10 == 9 else signal.SIGKILL
        kills[kill.name] += 1
        server.send_signal(kill); server.wait()
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
                _, body, headers = call("GET", f"/api/images/{image_id}/scribbles?format=npy", raw=True)
                stored_version = int(headers.get("ETag", '"-1"').strip('"'))
                # A save the client never heard back about may have landed after the acknowledged one: then the
                # content must be exactly what was sent as that version.
                with lock:
                    expected = values if stored_version == version else attempted_scribbles.get((image_id, stored_version))
                if stored_version < version or expected is None or npy_values(body) != list(expected):
                    lost += 1
            except Exception:
                lost += 1
        state = call("GET", f"/api/jobs/{job['id']}")[1]["state"]
        if state not in ("queued", "running", "finished", "failed", "stopped"):
            print(f"round {round_number + 1}: the training job is {state}", flush=True)
            lost += 1
        if state in ("finished", "failed", "stopped"):
            # Resumed up to its attempts, then reported: a new job keeps checkpoints coming.
            jobs_ended[state] = jobs_ended.get(state, 0) + 1
            _, job, _ = call("POST", f"/api/projects/{project['id']}/jobs",
                             {"epochs": 100000, "patchSize": 64, "batchSize": 2})
        failures += lost
        if round_number % 10 == 9 or lost:
            print(f"round {round_number + 1}: killed ({kill.name}) mid-write; {len(images)} acknowledged uploads and "
                  f"{len(scribbles)} images' scribbles checked byte for byte after restart, job {state}, {lost} lost",
                  flush=True)
    server.terminate(); server.wait()
    shutil.rmtree(data, ignore_errors=True)
    if failures:
        sys.exit(f"crash test failed: {failures} acknowledged writes lost")
    print(f"crash test passed: {a.rounds} kills ({kills['SIGKILL']} SIGKILL, {kills['SIGTERM']} SIGTERM); every "
          f"acknowledged write survived, byte for byte; {len(acknowledged_images)} uploads, "
          f"{len(acknowledged_scribbles)} images' scribbles; training jobs ended as {jobs_ended or 'none'}")


if __name__ == "__main__":
    main()
