#!/usr/bin/env python3
"""Load test for `cellscribe serve`: many concurrent clients while a training job runs, with assertions.

Sets up a project (50 copies of a small image, one for each client's scribbles, and large images whose pyramid
tiles are requested for the first time during the run), trains a first model, then starts a long training job and
runs CLIENTS concurrent clients for DURATION seconds. Each client, on its own keep-alive connection, fetches
cached tiles (requested once before the run), tiles never requested before (dealt out so no two clients share
one), saves scribble edits to its own image (If-Match, so a lost edit would show as 412), asks for predictions
with the trained model and lists the project's images; a few clients instead hold the job's event stream open
for the whole run. Between requests a client thinks 0-200 ms, as a person in the viewer does.

Fails unless: no connection errors, no 5xx other than the designed 503 (prediction queue full, with
Retry-After), no answer other than 200 and designed 429/503, p99 of cached tiles <= 50 ms and of uncached 256x256
tiles <= 300 ms, every event stream delivered events and stayed open, the server's RSS stayed under the bound,
and the training job kept running. Prints a JSON summary (requests, throughput, p50/p99 per kind). Standard
library only.
"""
import argparse, array, http.client, json, os, random, struct, sys, tempfile, threading, time

import live_server
from crash_test import png_labels

KINDS = ("tile_cached", "tile_uncached", "scribble_save", "prediction", "list")
WEIGHTS = (50, 20, 10, 10, 10)


def npy_uint16(height, width, seed):
    """A uint16 NPY image of bright discs on a noisy background (so tiles differ and compress like real ones)."""
    rng = random.Random(seed)
    centres = [(rng.randrange(height), rng.randrange(width)) for _ in range(400)]
    noise = array.array("H", (200 + rng.randrange(50) for _ in range(width + 97)))
    rows = []
    for y in range(height):
        row = noise[y % 97:y % 97 + width]
        for cy, cx in centres:
            if abs(cy - y) < 20:
                half = int((400 - (cy - y) ** 2) ** 0.5)
                start, end = max(0, cx - half), min(width, cx + half)
                row[start:end] = array.array("H", [3200]) * (end - start)
        rows.append(row.tobytes())
    header = "{'descr': '<u2', 'fortran_order': False, 'shape': (%d, %d), }" % (height, width)
    header += " " * (63 - (len(header) + 10) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + b"".join(rows)


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] if ordered else None


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class Client:
    """One keep-alive connection; every request is timed and its status recorded."""

    def __init__(self, port, results):
        self.port, self.results = port, results
        self.connection = None

    def request(self, kind, method, path, body=None, headers=None):
        start = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.connection.request(method, path, body=body, headers=headers or {})
            response = self.connection.getresponse()
            payload = response.read()
            status = response.status
            if status == 503 and response.getheader("Retry-After") is None:
                status = -503  # a 503 without Retry-After is not the designed answer
        except (OSError, http.client.HTTPException) as error:
            self.connection = None
            self.results.record(kind, "connection", time.perf_counter() - start, f"{type(error).__name__}: {error}")
            return None, None
        self.results.record(kind, status, time.perf_counter() - start)
        return status, payload


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = {kind: [] for kind in KINDS}
        self.statuses = {}
        self.errors = []

    def record(self, kind, status, seconds, error=None):
        with self.lock:
            self.statuses.setdefault(kind, {}).setdefault(str(status), 0)
            self.statuses[kind][str(status)] += 1
            if status == 200:
                self.latencies[kind].append(seconds)
            if error and len(self.errors) < 20:
                self.errors.append(f"{kind}: {error}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("image", help="a small single-channel image (each client scribbles on a copy)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--streams", type=int, default=5, help="clients that hold the job's event stream open")
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--port", type=int, default=18383)
    parser.add_argument("--large-images", type=int, default=4)
    parser.add_argument("--large-side", type=int, default=2048)
    parser.add_argument("--max-rss-mb", type=float, default=2500)
    parser.add_argument("--cached-p99-ms", type=float, default=50)
    parser.add_argument("--uncached-p99-ms", type=float, default=300)
    parser.add_argument("--json", help="also write the summary here")
    a = parser.parse_args()
    base = f"http://127.0.0.1:{a.port}"
    data = tempfile.mkdtemp(prefix="cellscribe-load-")
    # 50 users behind one address would share one rate-limit bucket: the limit is raised so the run measures the
    # server's work, not the limiter (which has its own tests).
    server = live_server.start(a.binary, data, a.port, log_level="error", extra=["--requests-per-minute", "10000000"])

    def call(method, path, body=None, headers=None, raw=False):
        return live_server.call(base, method, path, body, headers, raw=raw, timeout=120)

    try:
        summary = run(a, base, server, call)
    finally:
        server.terminate()
        server.wait()
    print(json.dumps(summary, indent=1))
    if a.json:
        with open(a.json, "w") as out:
            json.dump(summary, out, indent=1)
    if summary["failures"]:
        sys.exit("load test failed: " + "; ".join(summary["failures"]))


def run(a, base, server, call):
    image_bytes = open(a.image, "rb").read()
    _, project, _ = call("POST", "/api/projects", {"name": "load", "channels": ["nuclei"]})
    pid = project["id"]
    small = []
    for i in range(a.clients):
        status, uploaded, _ = call("POST", f"/api/projects/{pid}/images?name=small{i}.png", image_bytes)
        assert status == 201, uploaded
        small.append(uploaded["images"][0])
    large = []
    for i in range(a.large_images):
        body = npy_uint16(a.large_side, a.large_side, seed=i)
        status, uploaded, _ = call("POST", f"/api/projects/{pid}/images?name=large{i}.npy", body)
        assert status == 201, uploaded
        large.append(uploaded["images"][0])
    width, height = small[0]["shape"]["width"], small[0]["shape"]["height"]
    # A first model, so predictions have something to use.
    first = small[0]["id"]
    labels = [1 if i % 7 == 0 else 255 if i % 11 == 0 else 0 for i in range(width * height)]
    call("PUT", f"/api/images/{first}/scribbles", png_labels(width, height, labels), {"If-Match": '"0"'})
    _, job, _ = call("POST", f"/api/projects/{pid}/jobs",
                     {"timeBudgetSeconds": 15, "patchSize": 64, "batchSize": 2})
    while job["state"] in ("queued", "running"):
        time.sleep(1)
        _, job, _ = call("GET", f"/api/jobs/{job['id']}")
    assert job["state"] == "finished" and job.get("modelID"), job
    model_id = job["modelID"]
    # The job that trains through the whole run.
    _, training, _ = call("POST", f"/api/projects/{pid}/jobs",
                          {"timeBudgetSeconds": int(a.duration) + 120, "patchSize": 64, "batchSize": 4, "fineTune": False})
    while training["state"] == "queued":
        time.sleep(0.5)
        _, training, _ = call("GET", f"/api/jobs/{training['id']}")
    assert training["state"] == "running", training

    # Cached tiles: requested once now. Uncached: every other tile of the large images, dealt out to the clients.
    cached = [f"/api/images/{image['id']}/tiles/0/0/0" for image in small]
    uncached = []
    for image in large:
        _, info, _ = call("GET", f"/api/images/{image['id']}")
        side = max(info["shape"]["width"], info["shape"]["height"])
        level, tiles = 0, []
        while True:
            count = -(-side // (256 << level))
            tiles += [f"/api/images/{image['id']}/tiles/{level}/{r}/{c}{q}"
                      for r in range(count) for c in range(count) for q in ("", "?channel=0")]
            if count == 1:
                break
            level += 1
        cached.append(tiles.pop())  # the whole image at the top level
        uncached += tiles
    for path in cached:
        status, _, _ = call("GET", path, raw=True)
        assert status == 200, path
    random.shuffle(uncached)

    results = Results()
    deadline = time.monotonic() + a.duration
    rss_samples = [rss_bytes(server.pid)]
    stream_reports = []
    uncached_lock = threading.Lock()

    def worker(index):
        rng = random.Random(index)
        client = Client(a.port, results)
        own = small[index]["id"]
        version = 1 if own == first else 0
        while time.monotonic() < deadline:
            kind = rng.choices(KINDS, WEIGHTS)[0]
            if kind == "tile_uncached":
                with uncached_lock:
                    path = uncached.pop() if uncached else None
                if path is None:
                    kind, path = "tile_cached", rng.choice(cached)
                client.request(kind, "GET", path)
            elif kind == "tile_cached":
                client.request(kind, "GET", rng.choice(cached))
            elif kind == "scribble_save":
                values = [0] * (width * height)
                for _ in range(20):
                    values[rng.randrange(width * height)] = rng.choice((1, 255))
                status, payload = client.request(kind, "PUT", f"/api/images/{own}/scribbles",
                                                 png_labels(width, height, values), {"If-Match": f'"{version}"'})
                if status == 200:
                    version = json.loads(payload)["scribbles"]["version"]
            elif kind == "prediction":
                target = rng.choice(small[:8])["id"]
                client.request(kind, "GET", f"/api/images/{target}/prediction?model={model_id}")
            else:
                client.request(kind, "GET", f"/api/projects/{pid}/images")
            time.sleep(rng.uniform(0, 0.2))

    def listener():
        events, error = 0, None
        try:
            connection = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
            connection.request("GET", f"/api/jobs/{training['id']}/events")
            response = connection.getresponse()
            if response.status != 200:
                error = f"status {response.status}"
            while error is None and time.monotonic() < deadline:
                line = response.readline()
                if not line:
                    error = "the stream ended during the run"
                elif line.startswith(b"data:"):
                    events += 1
            connection.close()
        except (OSError, http.client.HTTPException) as failure:
            error = f"{type(failure).__name__}: {failure}"
        with results.lock:
            stream_reports.append({"events": events, "error": error})

    threads = [threading.Thread(target=listener) for _ in range(a.streams)]
    threads += [threading.Thread(target=worker, args=(i,)) for i in range(a.clients - a.streams)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        rss_samples.append(rss_bytes(server.pid))
        time.sleep(1)
    elapsed = time.monotonic() - started
    _, training, _ = call("GET", f"/api/jobs/{training['id']}")
    call("POST", f"/api/jobs/{training['id']}/stop")

    requests = sum(sum(counts.values()) for counts in results.statuses.values())
    summary = {
        "clients": a.clients, "eventStreams": a.streams, "seconds": round(elapsed, 1), "requests": requests,
        "requestsPerSecond": round(requests / elapsed, 1), "statuses": results.statuses,
        "latencyMs": {kind: {"count": len(values), "p50": round(1000 * percentile(values, 50), 1),
                             "p99": round(1000 * percentile(values, 99), 1)}
                      for kind, values in results.latencies.items() if values},
        "streams": stream_reports, "trainingState": training["state"],
        "trainingEpochsDuringRun": (training.get("progress") or {}).get("epoch"),
        "rssMB": {"start": round(rss_samples[0] / 2**20), "peak": round(max(rss_samples) / 2**20),
                  "end": round(rss_samples[-1] / 2**20)},
        "errors": results.errors, "cpu": os.cpu_count(),
    }
    failures = []
    for kind, counts in results.statuses.items():
        for status, count in counts.items():
            if status == "connection":
                failures.append(f"{count} connection errors on {kind}")
            elif status not in ("200", "429", "503"):
                failures.append(f"{count} answers {status} on {kind}")
    latency = summary["latencyMs"]
    for kind, bound in (("tile_cached", a.cached_p99_ms), ("tile_uncached", a.uncached_p99_ms)):
        if kind not in latency:
            failures.append(f"no successful {kind} requests")
        elif latency[kind]["p99"] > bound:
            failures.append(f"p99 of {kind} {latency[kind]['p99']} ms > {bound} ms")
    for kind in ("scribble_save", "prediction", "list"):
        if kind not in latency:
            failures.append(f"no successful {kind} requests")
    for report in stream_reports:
        if report["error"] or report["events"] == 0:
            failures.append(f"event stream: {report['error'] or 'no events'}")
    if max(rss_samples) > a.max_rss_mb * 2**20:
        failures.append(f"server RSS peaked at {max(rss_samples) / 2**20:.0f} MB > {a.max_rss_mb:.0f} MB")
    if training["state"] != "running":
        failures.append(f"the training job was {training['state']} at the end of the run, not running")
    summary["failures"] = failures
    return summary


if __name__ == "__main__":
    main()
