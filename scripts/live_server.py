"""Helpers for scripts that drive a live `cellscribe serve`: start it and wait until it answers, call its API.
Standard library only."""
import json, subprocess, sys, time, urllib.error, urllib.request


def start(binary, data, port, log_level="warning", attempts=300, extra=()):
    """Starts the server on `data` and `port` (with `extra` options); returns the process once /api/health answers."""
    process = subprocess.Popen(
        [binary, "serve", "--data", data, "--port", str(port), "--log-level", log_level, *extra])
    for _ in range(attempts):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1)
            return process
        except Exception:
            time.sleep(0.1)
    sys.exit("the server did not start")


def call(base, method, path, body=None, headers=None, raw=False, timeout=600):
    """(status, payload, headers): payload is the JSON body, or the bytes with `raw`; HTTP errors are returned,
    not raised (their payload is the server's JSON error). `body` is bytes, or a dict or list sent as JSON (the
    server takes JSON only with a JSON content type)."""
    headers = dict(headers or {})
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    request = urllib.request.Request(base + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = response.read()
            return response.status, (payload if raw else json.loads(payload or b"{}")), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}"), dict(error.headers)
