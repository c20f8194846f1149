#!/usr/bin/env python3
"""A scripted session against a live `cellscribe serve` (the server issue's evidence).

Creates a project, uploads 3 DSB2018 fluorescence training images and one other image, puts scribbles generated
for 20% of the training images' nuclei, starts a 60 s training job and streams its events, predicts the other
image during training (with the job's best weights so far) and after it, asks for the next image to annotate,
and kills the server (SIGKILL) in the middle of the training and starts it again to show the job resumes from its
checkpoint. Prints what happened, with times, and a JSON summary on the last line.

Usage: server_session.py CELLSCRIBE_BINARY IMAGES_DIR LABELS_DIR OTHER_IMAGE [--port 18080] [--budget 60]
(scripts/bench/scribbles.sh prepares such folders: OUT/few/images, OUT/few/labels, OUT/test50/images/...).
Standard library only.
"""
import argparse, json, os, subprocess, sys, tempfile, threading, time, urllib.request, uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import live_server  # noqa: E402

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary"); ap.add_argument("images"); ap.add_argument("labels"); ap.add_argument("other")
    ap.add_argument("--port", type=int, default=18080); ap.add_argument("--budget", type=float, default=60)
    ap.add_argument("--kill-after", type=float, default=25, help="seconds into training to kill the server")
    a = ap.parse_args()
    base = f"http://127.0.0.1:{a.port}"
    data = tempfile.mkdtemp(prefix="cellscribe-session-")
    t0 = time.time()
    log = lambda msg: print(f"[{time.time() - t0:7.2f} s] {msg}", flush=True)

    def start():
        return live_server.start(a.binary, data, a.port, log_level="notice")

    def call(method, path, body=None, headers=None, raw=False):
        return live_server.call(base, method, path, body, headers, raw)

    def multipart(files):
        boundary = uuid.uuid4().hex; out = b""
        for name, content in files:
            out += f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\n".encode() + content + b"\r\n"
        return out + f"--{boundary}--\r\n".encode(), {"Content-Type": f"multipart/form-data; boundary={boundary}"}

    server = start(); log(f"server up (data in {data})")
    _, project, _ = call("POST", "/api/projects", json.dumps({"name": "DSB nuclei", "channels": ["nuclei"]}).encode())
    names = sorted(os.listdir(a.images))[:3]
    body, headers = multipart([(n, open(os.path.join(a.images, n), "rb").read()) for n in names] + [(os.path.basename(a.other), open(a.other, "rb").read())])
    status, uploaded, _ = call("POST", f"/api/projects/{project['id']}/images", body, headers)
    images = uploaded["images"]; log(f"uploaded {len(images)} images: HTTP {status}")
    scribbles = tempfile.mkdtemp(prefix="cellscribe-scribbles-")
    subprocess.run([a.binary, "scribbles", "--labels", a.labels, "--fraction", "0.2", "--seed", "43", "--out", scribbles], check=True, stdout=subprocess.DEVNULL)
    for image in images[:3]:
        stem = os.path.splitext(image["name"])[0]
        path = next(os.path.join(scribbles, f) for f in os.listdir(scribbles) if f.startswith(stem))
        status, updated, hdr = call("PUT", f"/api/images/{image['id']}/scribbles", open(path, "rb").read(), {"If-Match": '"0"'})
        log(f"scribbles of {image['name']}: HTTP {status}, ETag {hdr.get('ETag')}, {updated['scribbles']['foregroundPixels']} fg / {updated['scribbles']['backgroundPixels']} bg pixels")
    other = images[3]
    status, job, _ = call("POST", f"/api/projects/{project['id']}/jobs", json.dumps({"timeBudgetSeconds": a.budget}).encode())
    log(f"job {job['id']} queued: HTTP {status}")

    events = {"epoch": 0, "preview": 0, "first_preview_s": None}
    def stream():
        try:
            with urllib.request.urlopen(f"{base}/api/jobs/{job['id']}/events?image={other['id']}", timeout=600) as r:
                kind = None
                for line in r:
                    line = line.decode().rstrip("\n")
                    if line.startswith("event: "): kind = line[7:]
                    elif line.startswith("data: ") and kind in ("epoch", "preview", "finished", "state"):
                        d = json.loads(line[6:])
                        if kind == "epoch":
                            events["epoch"] += 1
                            log(f"  event epoch {d['epoch']}: loss {d['trainingLoss']:.4f}, {d['scoreName']} {d.get('score')}, elapsed {d['elapsedSeconds']:.1f} s, ETA {d.get('etaSeconds') or 0:.0f} s")
                        elif kind == "preview":
                            events["preview"] += 1
                            events["first_preview_s"] = events["first_preview_s"] or time.time() - t0
                            log(f"  event preview of {d['imageID']}: {d['instances']} cells, mean entropy {d['meanEntropy']:.4f} ({d['seconds']:.2f} s)")
                        else:
                            log(f"  event {kind}: state {d.get('state')}")
        except Exception as e:
            log(f"  event stream ended: {type(e).__name__}")
    threading.Thread(target=stream, daemon=True).start()

    during = None
    while time.time() - t0 < 600:
        time.sleep(1)
        s, j, _ = call("GET", f"/api/jobs/{job['id']}")
        if j.get("progress") and during is None:
            start_p = time.time()
            s, p, _ = call("GET", f"/api/images/{other['id']}/prediction?model=job:{job['id']}")
            during = {"status": s, "instances": p.get("instances"), "seconds": round(time.time() - start_p, 2)}
            log(f"prediction of {other['name']} DURING training (job's best so far): HTTP {s}, {p.get('instances')} cells, {during['seconds']} s")
        if j.get("progress") and j["progress"]["elapsedSeconds"] >= a.kill_after:
            break
    log(f"killing the server (SIGKILL) at training time {j['progress']['elapsedSeconds']:.1f} s, epoch {j['progress']['epoch']}")
    server.kill(); server.wait()
    server = start(); log("server restarted")
    s, j, _ = call("GET", f"/api/jobs/{job['id']}")
    log(f"job after restart: state {j['state']}, attempts {j['attempts']}")
    threading.Thread(target=stream, daemon=True).start()
    while j["state"] not in ("finished", "failed", "stopped"):
        time.sleep(1); _, j, _ = call("GET", f"/api/jobs/{job['id']}")
    log(f"job {j['state']}: model {j.get('modelID')}, attempts {j['attempts']}, trained {j['progress']['elapsedSeconds']:.1f} s in {j['progress']['epoch']} epochs")
    _, models, _ = call("GET", f"/api/projects/{project['id']}/models")
    start_p = time.time()
    s, after, _ = call("GET", f"/api/images/{other['id']}/prediction?outlines=true")
    after_s = round(time.time() - start_p, 2)
    log(f"prediction AFTER training (model v{models[0]['version']}): {after['instances']} cells, mean entropy {after['meanEntropy']:.4f}, {after_s} s; regions {after['regions'][:1]}")
    s, nxt, _ = call("GET", f"/api/projects/{project['id']}/next-image")
    log(f"next image to annotate: {nxt['image']['name']} (mean entropy {nxt['meanEntropy']:.4f})")
    server.terminate(); server.wait()
    print(json.dumps({"job_state": j["state"], "attempts": j["attempts"], "epochs": j["progress"]["epoch"], "epoch_events": events["epoch"],
                      "preview_events": events["preview"], "prediction_during": during, "prediction_after_s": after_s,
                      "instances_after": after["instances"], "model_metrics": models[0]["metrics"], "next_image": nxt["image"]["name"]}))

if __name__ == "__main__":
    main()
