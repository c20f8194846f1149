#!/usr/bin/env python3
"""End-to-end test of the browser client in headless Chromium (Debian's chromium + chromium-driver, Selenium).

Starts `cellscribe serve` on an empty data folder and, through the page only: creates a project, uploads two
fixture images, draws scribbles with pointer events, trains briefly, waits for the prediction overlay, steps to
the next suggested image, exports a ROI zip and a cells CSV and checks their content, and checks that a bad
upload shows the server's message. Then runs the client's unit tests (unit.html) in the same browser, and on a
second server with accounts (made with `cellscribe users add`): signs in through the page (a wrong password
shows the server's sentence), creates a project, makes an API token in the token dialog and uses it, makes a
second user a viewer in the members dialog, signs out; the second user signs in, sees that project read-only,
creates their own, and the first user's token still lists only hers.
Screenshots and timings go to ARTIFACTS (default .build/e2e-artifacts). Exits non-zero on any failure.

Usage: run_e2e.py CELLSCRIBE_BINARY [ARTIFACTS]; E2E_BUDGET sets the training budget in seconds (default 20).
"""
import functools, http.server, io, json, os, socketserver, subprocess, sys, tempfile, threading, time, urllib.error, urllib.request, zipfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait as SeleniumWait


def WebDriverWait(driver, seconds):
    """A wait that re-reads elements the page replaced meanwhile (the gallery re-renders its list) instead of failing."""
    return SeleniumWait(driver, seconds, ignored_exceptions=(StaleElementReferenceException,))

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "dsb")
IMAGES = [os.path.join(FIXTURES, "train", "images", "c53326fe.png"), os.path.join(FIXTURES, "heldout", "images", "9586e48a.png")]
# Nuclei and background of c53326fe.png (256x256), image coordinates: short strokes on bright nuclei and across
# empty areas.
NUCLEI = [(120, 160), (45, 122), (205, 44), (186, 214), (163, 134), (33, 40), (96, 100)]
BACKGROUND = [((8, 190), (40, 240)), ((60, 20), (100, 30)), ((225, 130), (250, 165)), ((140, 60), (170, 70))]


def main():
    binary = sys.argv[1]
    artifacts = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, ".build", "e2e-artifacts"))
    os.makedirs(artifacts, exist_ok=True)
    data = tempfile.mkdtemp(prefix="cellscribe-e2e-")
    port = int(os.environ.get("E2E_PORT", "18282"))
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([binary, "serve", "--data", data, "--port", str(port), "--log-level", "warning"])
    timings = {}
    try:
        wait_for(lambda: urllib.request.urlopen(base + "/api/health", timeout=1).status == 200, 60, "the server to start")
        options = webdriver.ChromeOptions()
        options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900", "--disable-gpu"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
        try:
            run_page(driver, base, artifacts, timings)
            run_unit_tests(driver, artifacts, timings)
            run_accounts(driver, binary, port + 1, artifacts, timings)
        finally:
            driver.quit()
    finally:
        server.terminate()
        server.wait()
    with open(os.path.join(artifacts, "timings.json"), "w") as f:
        json.dump(timings, f, indent=1)
    print(json.dumps(timings))
    print(f"end-to-end test passed; screenshots in {artifacts}")


def wait_for(condition, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if condition():
                return
        except Exception:
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def saved_version(state):
    """N of "saved (vN)", else None."""
    if not state.startswith("saved (v"):
        return None
    return int(state[len("saved (v"):-1])


def text(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def run_page(driver, base, artifacts, timings):
    start = time.time()
    driver.get(base + "/")
    wait = WebDriverWait(driver, 30)
    wait.until(lambda d: d.find_element(By.ID, "project-dialog").get_attribute("open") is not None)
    timings["page_load_s"] = round(time.time() - start, 3)
    driver.save_screenshot(os.path.join(artifacts, "01-new-project.png"))

    # Create a project through the dialog.
    driver.find_element(By.ID, "project-name").send_keys("e2e nuclei")
    driver.find_element(By.ID, "create-project").click()
    wait.until(lambda d: "Drop images" in text(d, "status"))

    # A bad upload shows the server's sentence.
    bad = os.path.join(tempfile.mkdtemp(), "notes.tif")
    with open(bad, "wb") as f:
        f.write(b"this is not an image")
    driver.find_element(By.ID, "file-input").send_keys(bad)
    wait.until(lambda d: "error" in d.find_element(By.ID, "status").get_attribute("class"))
    message = text(driver, "status")
    assert "notes.tif" in message, f"the error names the file: {message!r}"

    # Upload two images at once.
    driver.find_element(By.ID, "file-input").send_keys("\n".join(IMAGES))
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#gallery li")) == 2)
    wait.until(lambda d: "saved (v0)" in text(d, "save-state"))
    first_id = driver.find_element(By.CSS_SELECTOR, "#gallery li.selected").get_attribute("data-id")
    time.sleep(0.5)
    driver.save_screenshot(os.path.join(artifacts, "02-uploaded.png"))

    # Scribble: nuclei with class 1, background with B, through real pointer events on the canvas.
    canvas = driver.find_element(By.ID, "viewer")
    size = canvas.size
    scale = min(size["width"] / 256, size["height"] / 256) * 0.95

    def offset(x, y):
        return int((x - 128) * scale), int((y - 128) * scale)

    def stroke(points):
        actions = ActionChains(driver)
        actions.move_to_element_with_offset(canvas, *offset(*points[0])).click_and_hold()
        for point in points[1:]:
            actions.move_to_element_with_offset(canvas, *offset(*point))
        actions.release().perform()

    driver.find_element(By.CSS_SELECTOR, '#brushes button[data-value="1"]').click()
    for x, y in NUCLEI:
        stroke([(x - 2, y), (x + 2, y)])
    canvas.send_keys("b")
    for a, b in BACKGROUND:
        stroke([a, b])
    wait.until(lambda d: (saved_version(text(d, "save-state")) or 0) >= 1)
    scribbles = json.load(urllib.request.urlopen(f"{base}/api/images/{first_id}"))["scribbles"]
    assert scribbles["foregroundPixels"] > 0 and scribbles["backgroundPixels"] > 0, f"scribbles saved: {scribbles}"
    driver.save_screenshot(os.path.join(artifacts, "03-scribbled.png"))

    # Undo the last stroke and redo it: the saved version moves on, the pixels come back.
    before = saved_version(text(driver, "save-state"))
    driver.find_element(By.ID, "undo").click()
    driver.find_element(By.ID, "redo").click()
    wait.until(lambda d: (saved_version(text(d, "save-state")) or 0) > before)
    again = json.load(urllib.request.urlopen(f"{base}/api/images/{first_id}"))["scribbles"]
    assert again["backgroundPixels"] == scribbles["backgroundPixels"], f"undo + redo restores: {again} vs {scribbles}"

    # Train briefly and wait for the prediction overlay.
    budget = driver.find_element(By.ID, "budget")
    budget.clear()
    budget.send_keys(os.environ.get("E2E_BUDGET", "20"))
    start = time.time()
    driver.find_element(By.ID, "train").click()
    WebDriverWait(driver, 240).until(lambda d: "cells" in text(d, "prediction-info"))
    timings["train_click_to_first_overlay_s"] = round(time.time() - start, 2)
    time.sleep(1)
    driver.save_screenshot(os.path.join(artifacts, "04-first-prediction.png"))
    WebDriverWait(driver, 240).until(lambda d: "job finished" in text(d, "job-status") or "job stopped" in text(d, "job-status"))
    timings["train_click_to_finished_s"] = round(time.time() - start, 2)
    WebDriverWait(driver, 60).until(lambda d: "(model)" in text(d, "prediction-info"))
    driver.find_element(By.ID, "show-entropy").click()
    time.sleep(1)
    driver.save_screenshot(os.path.join(artifacts, "05-trained-with-uncertainty.png"))
    timings["prediction"] = text(driver, "prediction-info")

    # Exports: the ROI zip holds one ROI per cell; the CSV one row per cell.
    rois = urllib.request.urlopen(driver.find_element(By.ID, "export-rois").get_attribute("href")).read()
    names = zipfile.ZipFile(io.BytesIO(rois)).namelist()
    assert names and all(n.endswith(".roi") for n in names), f"ROI zip entries: {names[:5]}"
    csv = urllib.request.urlopen(driver.find_element(By.ID, "export-csv").get_attribute("href")).read().decode()
    assert csv.startswith("label,area,centroid_y,centroid_x,mean_nuclei"), csv[:80]
    assert len(csv.strip().split("\n")) == len(names) + 1, f"{len(names)} ROIs but CSV rows: {len(csv.strip().splitlines()) - 1}"
    timings["exported_cells"] = len(names)

    # The next suggested image is the other one.
    start = time.time()
    driver.find_element(By.ID, "next-image").click()
    wait = WebDriverWait(driver, 120)
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#gallery li.selected").get_attribute("data-id") != first_id)
    wait.until(lambda d: "cells" in text(d, "prediction-info"))
    timings["next_image_s"] = round(time.time() - start, 2)
    time.sleep(1)
    driver.save_screenshot(os.path.join(artifacts, "06-next-image.png"))


def run_accounts(driver, binary, port, artifacts, timings):
    """The sign-in page, the header's account controls and the token dialog on a server with accounts."""
    data = tempfile.mkdtemp(prefix="cellscribe-e2e-accounts-")
    password = "ada's long passphrase"
    for name, flags in (("ada", ["--admin"]), ("bob", [])):
        subprocess.run([binary, "users", "add", name, *flags, "--data", data], input=password + "\n", text=True,
                       check=True, capture_output=True, timeout=60)
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([binary, "serve", "--data", data, "--port", str(port), "--log-level", "warning"])
    try:
        wait_for(lambda: urllib.request.urlopen(base + "/api/health", timeout=1).status == 200, 60, "the server to start")
        start = time.time()
        driver.get(base + "/")
        wait = WebDriverWait(driver, 30)
        wait.until(lambda d: d.find_element(By.ID, "login-dialog").get_attribute("open") is not None)
        driver.save_screenshot(os.path.join(artifacts, "20-sign-in.png"))
        driver.find_element(By.ID, "login-name").send_keys("ada")
        driver.find_element(By.ID, "login-password").send_keys("not the password")
        driver.find_element(By.ID, "login-submit").click()
        wait.until(lambda d: "wrong user name or password" in text(d, "login-error"))
        field = driver.find_element(By.ID, "login-password")
        field.clear()
        field.send_keys(password)
        driver.find_element(By.ID, "login-submit").click()
        # Signed in: the dialog closes, the header names the user, and the page goes on (no project yet).
        wait.until(lambda d: d.find_element(By.ID, "project-dialog").get_attribute("open") is not None)
        timings["sign_in_s"] = round(time.time() - start, 3)
        assert text(driver, "account-name") == "ada"
        cookies = {c["name"]: c for c in driver.get_cookies()}
        session = cookies["cellscribe_session"]
        assert session["httpOnly"] and session.get("sameSite") == "Strict", session
        assert driver.execute_script("return document.cookie") == "", "the session cookie is readable by scripts"
        driver.find_element(By.ID, "project-name").send_keys("ada's project")
        driver.find_element(By.ID, "create-project").click()
        wait.until(lambda d: "Drop images" in text(d, "status"))
        # An API token from the dialog works for a script.
        driver.find_element(By.ID, "tokens-button").click()
        driver.find_element(By.ID, "token-name").send_keys("e2e script")
        driver.find_element(By.ID, "create-token").click()
        wait.until(lambda d: d.find_element(By.ID, "new-token-value").get_attribute("value").startswith("csk_"))
        token = driver.find_element(By.ID, "new-token-value").get_attribute("value")
        wait.until(lambda d: "e2e script" in text(d, "token-list"))
        driver.save_screenshot(os.path.join(artifacts, "21-tokens.png"))
        request = urllib.request.Request(base + "/api/projects", headers={"Authorization": "Bearer " + token})
        assert [p["name"] for p in json.load(urllib.request.urlopen(request))] == ["ada's project"]
        driver.find_element(By.CSS_SELECTOR, "#tokens-dialog form[method=dialog] button").click()
        # Ada makes bob a viewer of her project in the members dialog.
        assert text(driver, "role") == "(owner)"
        driver.find_element(By.ID, "members-button").click()
        wait.until(lambda d: "ada" in text(d, "member-list"))
        driver.find_element(By.ID, "member-name").send_keys("bob")
        driver.find_element(By.CSS_SELECTOR, "#member-role option[value=viewer]").click()
        driver.find_element(By.ID, "add-member").click()
        wait.until(lambda d: "bob" in text(d, "member-list"))
        driver.find_element(By.CSS_SELECTOR, "#history summary").click()
        wait.until(lambda d: "project.create" in text(d, "audit-list"))
        driver.save_screenshot(os.path.join(artifacts, "22-members.png"))
        driver.find_element(By.CSS_SELECTOR, "#members-dialog form[method=dialog] button").click()
        sign_out(driver, wait, base)
        # Bob sees ada's project as a viewer (nothing to change there), then makes his own.
        sign_in(driver, wait, "bob", password)
        wait.until(lambda d: text(d, "role") == "(viewer)")
        assert project_names(driver) == ["ada's project"], project_names(driver)
        assert not driver.find_element(By.ID, "train").is_enabled(), "a viewer can start training"
        driver.find_element(By.ID, "new-project").click()
        driver.find_element(By.ID, "project-name").send_keys("bob's project")
        driver.find_element(By.ID, "create-project").click()
        wait.until(lambda d: text(d, "role") == "(owner)" and "bob's project" in project_names(d))
        driver.save_screenshot(os.path.join(artifacts, "23-second-user.png"))
        # Ada still sees only her own project.
        assert [p["name"] for p in json.load(urllib.request.urlopen(request))] == ["ada's project"]
        time.sleep(4)  # the page saves where the user is every 3 s
        sign_out(driver, wait, base)
        # Signing in again from a fresh address reopens where bob left off (his project, not the first one).
        driver.get(base + "/")
        sign_in(driver, wait, "bob", password)
        wait.until(lambda d: d.find_element(By.ID, "project-select").get_attribute("value")
                   and text(d, "role") == "(owner)")
        selected = driver.find_element(By.CSS_SELECTOR, "#project-select option:checked").text
        assert selected == "bob's project", selected
        sign_out(driver, wait, base)
    finally:
        server.terminate()
        server.wait()


def sign_in(driver, wait, name, password):
    wait.until(lambda d: d.find_element(By.ID, "login-dialog").get_attribute("open") is not None)
    driver.find_element(By.ID, "login-name").send_keys(name)
    driver.find_element(By.ID, "login-password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()
    wait.until(lambda d: text(d, "account-name") == name)


def sign_out(driver, wait, base):
    """Signing out returns to the sign-in dialog, and the API then refuses a request without credentials."""
    driver.find_element(By.ID, "sign-out").click()
    wait.until(lambda d: d.find_element(By.ID, "login-dialog").get_attribute("open") is not None)
    try:
        urllib.request.urlopen(base + "/api/projects")
        raise AssertionError("the API answered without credentials")
    except urllib.error.HTTPError as error:
        assert error.code == 401


def project_names(driver):
    return [option.text for option in driver.find_elements(By.CSS_SELECTOR, "#project-select option")]


def run_unit_tests(driver, artifacts, timings):
    class Handler(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript"}

        def log_message(self, *args):
            pass

    handler = functools.partial(Handler, directory=ROOT)
    with socketserver.TCPServer(("127.0.0.1", 0), handler) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        driver.get(f"http://127.0.0.1:{httpd.server_address[1]}/Tests/e2e/unit.html")
        WebDriverWait(driver, 30).until(lambda d: d.title != "running")
        title = driver.title
        httpd.shutdown()
    assert title.startswith("PASS"), title
    timings["unit_tests"] = title


if __name__ == "__main__":
    main()
