#!/usr/bin/env python3
"""Browser-client benchmark on a large image (the client issue's "pan and zoom smoothly on 4096x4096").

Makes a synthetic 4096x4096 8-bit image of blurred disks, starts `cellscribe serve`, uploads it, opens the page in
headless Chromium (Debian's chromium + chromium-driver, Selenium) and measures: time until the first view is drawn,
then 40 wheel zoom steps and 40 drag pans, reporting frames per second while interacting and the tile requests'
latency (Resource Timing). Prints one JSON line.

Usage: client_big_image.py CELLSCRIBE_BINARY [--size 4096] [--port 18383]
"""
import argparse, json, os, random, struct, subprocess, sys, tempfile, time, urllib.request, uuid, zlib

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def synthetic_png(side, path):
    """Grey disks of radius 6-14 on a dark background, 8-bit PNG."""
    random.seed(7)
    rows = [bytearray(side) for _ in range(side)]
    for _ in range(side * side // 900):
        cx, cy, r = random.randrange(side), random.randrange(side), random.randint(6, 14)
        v = random.randint(120, 250)
        for y in range(max(0, cy - r), min(side, cy + r + 1)):
            row = rows[y]
            for x in range(max(0, cx - r), min(side, cx + r + 1)):
                if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
                    row[x] = v
    raw = b"".join(b"\x00" + bytes(row) for row in rows)
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary"); ap.add_argument("--size", type=int, default=4096); ap.add_argument("--port", type=int, default=18383)
    a = ap.parse_args()
    base = f"http://127.0.0.1:{a.port}"
    folder = tempfile.mkdtemp(prefix="cellscribe-big-")
    image_path = os.path.join(folder, "big.png")
    synthetic_png(a.size, image_path)
    server = subprocess.Popen([a.binary, "serve", "--data", os.path.join(folder, "data"), "--port", str(a.port), "--log-level", "warning"])
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/api/health", timeout=1); break
            except Exception:
                time.sleep(0.1)
        request = urllib.request.Request(base + "/api/projects", data=json.dumps({"name": "big", "channels": ["grey"]}).encode(), method="POST")
        project = json.load(urllib.request.urlopen(request))["id"]
        upload = urllib.request.Request(f"{base}/api/projects/{project}/images?name=big.png", data=open(image_path, "rb").read(), method="POST")
        image = json.load(urllib.request.urlopen(upload))["images"][0]["id"]
        options = webdriver.ChromeOptions()
        options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
        try:
            start = time.time()
            driver.get(f"{base}/#{project}/{image}")
            WebDriverWait(driver, 120).until(lambda d: "big.png" in d.find_element(By.ID, "status").text)
            WebDriverWait(driver, 120).until(lambda d: d.execute_script(
                "return performance.getEntriesByType('resource').filter(e => e.name.includes('/tiles/')).length") > 0)
            time.sleep(0.5)
            first_view = time.time() - start
            driver.execute_script("""
                window.__frames = 0; window.__counting = true;
                const tick = () => { if (!window.__counting) return; window.__frames += 1; requestAnimationFrame(tick); };
                requestAnimationFrame(tick);""")
            canvas = driver.find_element(By.ID, "viewer")
            t0 = time.time()
            for _ in range(40):
                driver.execute_script("""arguments[0].dispatchEvent(new WheelEvent('wheel', {deltaY: -120, clientX: 700, clientY: 400, bubbles: true, cancelable: true}));""", canvas)
                time.sleep(0.025)
            canvas.send_keys("p")
            for _ in range(40):
                ActionChains(driver).move_to_element_with_offset(canvas, 0, 0).click_and_hold().move_by_offset(-40, -25).release().perform()
            elapsed = time.time() - t0
            frames = driver.execute_script("window.__counting = false; return window.__frames;")
            time.sleep(2)
            durations = sorted(driver.execute_script(
                "return performance.getEntriesByType('resource').filter(e => e.name.includes('/tiles/')).map(e => e.duration)"))
        finally:
            driver.quit()
        p = lambda q: round(durations[min(len(durations) - 1, int(q * len(durations)))], 1) if durations else None
        print(json.dumps({"image": f"{a.size}x{a.size}", "first_view_s": round(first_view, 2),
                          "interaction_s": round(elapsed, 2), "frames_per_second": round(frames / elapsed, 1),
                          "tile_requests": len(durations), "tile_ms_p50": p(0.5), "tile_ms_p99": p(0.99)}))
    finally:
        server.terminate(); server.wait()


if __name__ == "__main__":
    main()
