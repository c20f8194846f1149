#!/usr/bin/env python3
"""Boundary-value test of every route of `cellscribe serve`: each path parameter, query parameter and JSON body
field of the OpenAPI document gets hostile values (0, -1, 2^31, 2^63-1, 2^64, NaN, Infinity, very long strings,
path tricks, bad UTF-8), on a server with a real project, image and model. Every answer must be a 2xx, or a 4xx
with a JSON error body {"error", "status"} and no file path in it, or a designed 429/503 with Retry-After; never a
5xx, a dropped connection or a hang. Large bodies (a 200 MB upload, a 300 MB one past the limit, chunked or not)
must not grow the server's memory (they are spooled to disk), and slow clients (hundreds of connections trickling
header bytes, idle keep-alive connections) must be closed after the idle timeout without slowing anyone else.
At the end the server must still be alive and answer.

Usage: fuzz_routes.py CELLSCRIBE_BINARY IMAGE_FILE [--port 18282]. Standard library only.
"""
import argparse, http.client, json, os, socket, struct, sys, tempfile, time, urllib.parse, zlib

import live_server

NUMBERS = ["0", "-1", "1", "2147483648", "9223372036854775807", "9223372036854775808", "18446744073709551616",
           "-9223372036854775808", "1e308", "NaN", "Infinity", "-0", "0x10", "1.5", ""]
STRINGS = ["x" * 10_000, "../../etc/passwd", "%00", "%ff%fe", "job:", "job:" + "f" * 16, "latest", "a/b", " "]
VALUES = NUMBERS + STRINGS
JSON_VALUES = [0, -1, 2**31, 2**63 - 1, 2**64, -2**63, 1e308, -1e308, 0.5, "x" * 10_000, None, True, [], {}, [1] * 1000]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary"); ap.add_argument("image"); ap.add_argument("--port", type=int, default=18282)
    a = ap.parse_args()
    data = tempfile.mkdtemp(prefix="cellscribe-fuzz-")
    base = f"http://127.0.0.1:{a.port}"
    # No rate limit: every hostile request must reach its route (the limit has its own tests).
    server = live_server.start(a.binary, data, a.port, log_level="error", extra=[
        "--requests-per-minute", "0", "--max-upload-mb", str(UPLOAD_LIMIT_MB), "--idle-timeout", str(IDLE_TIMEOUT)])
    failures, requests = [], 0
    try:
        ids = prepare(base, open(a.image, "rb").read())
        document = live_server.call(base, "GET", "/openapi.json")[1]

        def check(method, path, body=None, headers=None):
            nonlocal requests
            requests += 1
            problem = send(a.port, method, path, body, headers)
            if problem:
                failures.append(f"{method} {path[:120]}: {problem}")

        for template, item in document["paths"].items():
            for method, operation in item.items():
                if method not in ("get", "post", "put", "delete") or template == "/api/projects/{project}":
                    continue  # deleting the project would leave the rest nothing real to work on
                params = item.get("parameters", []) + operation.get("parameters", [])
                path_params = [p["name"] for p in params if p["in"] == "path"]
                query_params = [p["name"] for p in params if p["in"] == "query"]
                real = {name: ids[name] for name in path_params}
                # Each path parameter hostile, the others real.
                for name in path_params:
                    for value in VALUES:
                        check(method.upper(), fill(template, {**real, name: value}))
                # Each query parameter hostile on the real resource.
                for name in query_params:
                    for value in VALUES:
                        check(method.upper(), fill(template, real) + "?" + name + "=" + quote(value))
                # Bodies: malformed JSON, wrong types, and each JSON field hostile.
                if method in ("post", "put") and "jobs" not in template or template.endswith("/jobs") and method == "post":
                    path = fill(template, real)
                    headers = {"Content-Type": "application/json", "If-Match": "\"0\""}
                    for body in [b"{", b"[]", b"null", b"\xff\xfe", b'{"name": 1}', b"x" * 100_000]:
                        check(method.upper(), path, body, headers)
                    for field in body_fields(document, operation):
                        for value in JSON_VALUES:
                            check(method.upper(), path, json.dumps({field: value}).encode(), headers)
        # Bombs and damaged files as uploads and as scribbles: each answered with a 4xx within 1 s, memory bounded.
        rss_before = resident_mb(server.pid)
        slowest = 0.0
        for name, payload in bombs(open(a.image, "rb").read()):
            for path, headers in [(f"/api/projects/{ids['project']}/images?name={name}", {}),
                                  (f"/api/images/{ids['image']}/scribbles", {"If-Match": "\"0\""})]:
                method = "POST" if "images?" in path else "PUT"
                started = time.monotonic()
                check(method, path, payload, headers)
                elapsed = time.monotonic() - started
                slowest = max(slowest, elapsed)
                if elapsed > 1:
                    failures.append(f"{method} {path[:60]} with {name}: answered after {elapsed:.2f} s")
        growth = resident_mb(server.pid) - rss_before
        print(f"bombs: slowest answer {slowest:.2f} s, server memory grew {growth:.0f} MB")
        if growth > 200:
            failures.append(f"the server's memory grew {growth:.0f} MB over the bombs")
        large_bodies(a.port, ids, server.pid, data, failures)
        slow_clients(a.port, failures)
        # Headers: If-Match tricks on the scribbles.
        for match in ["", "W/", "\"-1\"", "\"99999999999999999999\"", "x" * 10_000]:
            check("PUT", f"/api/images/{ids['image']}/scribbles", b"\x89PNG", {"If-Match": match})
        alive = live_server.call(base, "GET", "/api/health")[0] == 200 and server.poll() is None
        if not alive:
            failures.append("the server is not alive after the fuzzing")
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"{requests} hostile requests, {len(failures)} failures")
    for failure in failures[:40]:
        print("  " + failure)
    sys.exit(1 if failures else 0)


UPLOAD_LIMIT_MB = 256
IDLE_TIMEOUT = 4


def large_bodies(port, ids, pid, data, failures):
    """A 200 MB upload that is not an image (raw and as a form part) must be refused after it has been spooled to
    disk, a 300 MB one with 413 (declared, or chunked and found out while it arrives), the server's memory growing
    less than 100 MB over all of them, and no spooled file left behind."""
    rss_before = resident_mb(pid)
    junk = b"NOTANIMAGE" * (20 << 20)
    form_head = b'--b\r\nContent-Disposition: form-data; name="f"; filename="j.bin"\r\n\r\n'
    cases = [
        ("raw 200 MB", f"/api/projects/{ids['project']}/images?name=junk.bin", junk, {}, False, 422),
        ("form 200 MB", f"/api/projects/{ids['project']}/images", form_head + junk + b"\r\n--b--\r\n",
         {"Content-Type": "multipart/form-data; boundary=b"}, False, 422),
        ("raw 300 MB", f"/api/projects/{ids['project']}/images?name=big.bin", junk + junk[:100 << 20], {}, False, 413),
        ("chunked 300 MB", f"/api/projects/{ids['project']}/images?name=big.bin",
         (junk[:1 << 20] for _ in range(300)), {}, True, 413),
    ]
    for name, path, body, headers, chunked, expected in cases:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            connection.request("POST", path, body=body, headers=headers, encode_chunked=chunked)
            response = connection.getresponse()
            status, payload = response.status, response.read()
        except (OSError, http.client.HTTPException) as error:
            # A server may answer 413 and close before the whole body is sent: read what it said.
            status, payload = getattr(error, "status", None), b""
            if expected != 413:
                failures.append(f"{name}: no answer ({type(error).__name__}: {error})")
                continue
        finally:
            connection.close()
        if status is not None and status != expected:
            failures.append(f"{name}: status {status}, expected {expected}: {payload[:160]!r}")
    growth = resident_mb(pid) - rss_before
    spool = os.path.join(data, "uploads")
    left = os.listdir(spool) if os.path.isdir(spool) else []
    if left:
        failures.append(f"{len(left)} spooled upload files left behind: {left[:3]}")
    # Spooled files are unlinked once mapped: one still mapped would hold its disk space unseen.
    time.sleep(0.5)
    with open(f"/proc/{pid}/maps") as maps:
        mapped = sum(1 for line in maps if "/uploads/.upload-" in line)
    if mapped:
        failures.append(f"{mapped} mappings of spooled uploads remain after their requests were answered")
    print(f"large bodies: server memory grew {growth:.0f} MB over 200-300 MB uploads")
    if growth > 100:
        failures.append(f"the server's memory grew {growth:.0f} MB over large uploads (they should be spooled)")


def slow_clients(port, failures):
    """Hundreds of connections trickle a request head a byte a second, and one keep-alive connection goes quiet
    after a request: all are closed by the server within the idle timeout (plus slack), while a normal client is
    answered within 1 s throughout."""
    trickling = []
    for _ in range(300):
        connection = socket.create_connection(("127.0.0.1", port), timeout=5)
        connection.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
        trickling.append(connection)
    quiet = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    quiet.request("GET", "/api/health")
    quiet.getresponse().read()
    started, slowest = time.monotonic(), 0.0
    while time.monotonic() - started < IDLE_TIMEOUT + 3:
        for connection in trickling:
            try:
                connection.sendall(b"X")
            except OSError:
                pass  # closed by the server: what should happen
        before = time.monotonic()
        status = live_server.call(f"http://127.0.0.1:{port}", "GET", "/api/health", timeout=10)[0]
        slowest = max(slowest, time.monotonic() - before)
        if status != 200:
            failures.append(f"a normal request got {status} while slow clients were connected")
        time.sleep(1)
    still_open = 0
    for connection in trickling + ([quiet.sock] if quiet.sock else []):
        connection.settimeout(2)
        try:
            if connection.recv(1 << 16):  # some bytes: an answer to a request that was never completed
                still_open += 1
        except socket.timeout:
            still_open += 1
        except OSError:
            pass  # reset: closed
        connection.close()
    print(f"slow clients: 300 trickling and 1 quiet connection, {still_open} still open after "
          f"{IDLE_TIMEOUT + 3} s (idle timeout {IDLE_TIMEOUT} s); normal requests answered within {slowest:.2f} s")
    if still_open:
        failures.append(f"{still_open} slow or quiet connections were not closed after the idle timeout")
    if slowest > 1:
        failures.append(f"a normal request took {slowest:.2f} s while slow clients were connected")


def resident_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def png(width, height, rows):
    """A greyscale 8-bit PNG of `height` rows, each `rows(y)` (bytes of `width`), deflated as one stream."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(b"\x00" + rows(y)) for y in range(height)) + compressor.flush()
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def bombs(image):
    """(name, bytes) of hostile files: lying headers, highly compressible images past the pixel limit, zip bombs,
    absurd ROI files, and truncated and bit-flipped versions of a real image."""
    zeros = bytes(20_000)
    yield "claims-1e10-pixels.png", png(100_000, 100_000, lambda y: b"")[:33] + b"\x00" * 16
    yield "tiff-claims-1e10.tif", (b"II*\x00\x08\x00\x00\x00\x03\x00" + struct.pack("<HHII", 256, 4, 1, 100_000)
                                   + struct.pack("<HHII", 257, 4, 1, 100_000) + struct.pack("<HHII", 258, 3, 1, 8)
                                   + b"\x00\x00\x00\x00")
    yield "zeros-20000x20000.png", png(20_000, 20_000, lambda y: zeros)
    entry = zlib.compressobj(9, zlib.DEFLATED, -15)
    megabyte = bytes(1 << 20)
    deflated = b"".join(entry.compress(megabyte) for _ in range(1024)) + entry.flush()
    yield "zip-bomb.zip", zip_archive("a.roi", deflated, 1 << 30)
    roi = b"Iout" + struct.pack(">hBxhhhhH", 227, 2, 0, 0, 100, 100, 0) + bytes(64 - 18)
    yield "roi-claims-vertices.roi", roi
    for cut in (8, 33, len(image) // 2, len(image) - 12):
        yield f"truncated-{cut}.png", image[:cut]
    for position in range(16, len(image), max(1, len(image) // 24)):
        flipped = bytearray(image)
        flipped[position] ^= 0xFF
        yield f"flipped-{position}.png", bytes(flipped)


def zip_archive(name, deflated, size):
    """A one-entry zip whose entry inflates to `size` bytes."""
    crc = 0  # a lying CRC: the reader must refuse by size first
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(deflated), size, len(name), 0)
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(deflated), size, len(name),
                          0, 0, 0, 0, 0, 0)
    body = local + name.encode() + deflated
    directory = central + name.encode()
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(directory), len(body), 0)
    return body + directory + end


def prepare(base, image_bytes):
    """A project with an image, scribbles and a model (an uploaded copy of a trained one is not needed: ids only)."""
    call = lambda *args, **kw: live_server.call(base, *args, **kw)
    _, project, _ = call("POST", "/api/projects", {"name": "fuzz", "channels": ["nuclei"]})
    _, uploaded, _ = call("POST", f"/api/projects/{project['id']}/images?name=a.png", image_bytes)
    image = uploaded["images"][0]["id"]
    jobs = call("GET", f"/api/projects/{project['id']}/jobs")[1]
    return {"project": project["id"], "image": image, "job": (jobs[0]["id"] if jobs else "0" * 16),
            "model": "0" * 16, "level": "0", "row": "0", "column": "0", "map": "labels.tif",
            "token": "0" * 16, "name": "nobody"}


def body_fields(document, operation):
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    schema = content.get("schema", {})
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return list(schema.get("properties", {}))


def fill(template, values):
    path = template
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(value))
    return path


def quote(value):
    return urllib.parse.quote(str(value), safe="")


def send(port, method, path, body, headers):
    """None when the answer is acceptable, else what is wrong with it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        payload = response.read()
    except Exception as error:  # a dropped connection or a hang
        return f"no answer ({type(error).__name__}: {error})"
    finally:
        connection.close()
    status = response.status
    if status < 400:
        return None
    if status >= 500 and status != 503:
        return f"status {status}: {payload[:200]!r}"
    try:
        error = json.loads(payload)
    except ValueError:
        return f"status {status} without a JSON body: {payload[:120]!r}"
    if not isinstance(error, dict) or error.get("status") != status or not isinstance(error.get("error"), str):
        return f"status {status} with a body that is not an error: {payload[:120]!r}"
    if "/tmp/" in error["error"] or os.sep + "cellscribe-fuzz-" in error["error"]:
        return f"a path leaks: {error['error'][:160]}"
    if status in (429, 503) and not response.getheader("Retry-After"):
        return f"status {status} without Retry-After"
    return None


if __name__ == "__main__":
    main()
