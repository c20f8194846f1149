#!/usr/bin/env python3
"""Accounts and access over real sockets, against a live `cellscribe serve` (standard library + openssl's CLI).

1. A data folder without accounts is refused on a non-loopback address (exit status and message).
2. `cellscribe users add` takes a password from standard input and from --password-file; the database keeps
   only bcrypt hashes (read with sqlite3).
3. With --tls-cert/--tls-key (a self-signed certificate made here): HTTPS only; unauthenticated requests get
   401; sign-in sets a `__Host-` cookie with Secure, HttpOnly and SameSite=Strict; the session needs its CSRF
   token to change anything; an API token works without one; a forged Host gets 421 and another origin 403.
4. On 0.0.0.0 with accounts and no TLS the server starts and warns; every request must authenticate.
5. The server's log, at trace level, holds no password, token or cookie secret.

Usage: access_test.py CELLSCRIBE_BINARY
"""
import http.client, json, os, socket, sqlite3, ssl, subprocess, sys, tempfile, time

PASSWORDS = {"ada": "ada's long passphrase", "bob": "bob's long passphrase"}


def main():
    binary = sys.argv[1]
    work = tempfile.mkdtemp(prefix="cellscribe-access-")
    data = os.path.join(work, "data")
    port = int(os.environ.get("ACCESS_PORT", "18390"))

    # 1. No accounts: a non-loopback address is refused.
    refused = subprocess.run([binary, "serve", "--data", data, "--host", "0.0.0.0", "--port", str(port)],
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "needs accounts" in refused.stderr, refused
    print("non-loopback without accounts: refused:", refused.stderr.strip().splitlines()[-1][:120])

    # 2. Accounts from the command line: a password on standard input, one from a file.
    added = subprocess.run([binary, "users", "add", "ada", "--admin", "--data", data],
                           input=PASSWORDS["ada"] + "\n", capture_output=True, text=True, timeout=60)
    assert added.returncode == 0, added
    password_file = os.path.join(work, "bob.password")
    with open(password_file, "w") as f:
        f.write(PASSWORDS["bob"] + "\n")
    os.chmod(password_file, 0o600)
    subprocess.run([binary, "users", "add", "bob", "--password-file", password_file, "--data", data], check=True,
                   timeout=60)
    listed = json.loads(subprocess.run([binary, "users", "list", "--json", "--data", data], check=True,
                                       capture_output=True, text=True, timeout=60).stdout)
    assert [(u["name"], u["isAdmin"]) for u in listed] == [("ada", True), ("bob", False)], listed
    with sqlite3.connect(os.path.join(data, "cellscribe.sqlite")) as db:
        rows = db.execute("SELECT name, passwordHash FROM user ORDER BY name").fetchall()
        dump = "\n".join(db.iterdump())
    assert all(h.startswith("$2b$12$") and len(h) == 60 for _, h in rows), rows
    assert not any(p in dump for p in PASSWORDS.values()), "a password is in the database"
    print("users: 2 accounts, bcrypt cost 12 hashes only")

    # 3. TLS with a self-signed certificate for localhost.
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost", "-days", "2", "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=120)
    log_path = os.path.join(work, "server.log")
    secrets = list(PASSWORDS.values())
    with open(log_path, "w") as log:
        server = subprocess.Popen([binary, "serve", "--data", data, "--port", str(port), "--log-level", "trace",
                                   "--tls-cert", cert, "--tls-key", key], stdout=log, stderr=subprocess.STDOUT)
        try:
            context = ssl.create_default_context(cafile=cert)
            connect = lambda: http.client.HTTPSConnection("localhost", port, context=context, timeout=30)
            wait_until_up(lambda: request(connect, "GET", "/api/health")[0] == 200)
            secrets += check_tls_server(connect, port)
        finally:
            server.terminate()
            server.wait(timeout=60)

    # 4. Any address with accounts but without TLS: starts, warns, and still wants credentials.
    with open(log_path, "a") as log:
        server = subprocess.Popen([binary, "serve", "--data", data, "--host", "0.0.0.0", "--port", str(port),
                                   "--log-level", "trace"], stdout=log, stderr=subprocess.STDOUT)
        try:
            connect = lambda: http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            wait_until_up(lambda: request(connect, "GET", "/api/health")[0] == 200)
            assert request(connect, "GET", "/api/projects")[0] == 401
            status, body, headers = request(connect, "POST", "/api/login", {"name": "bob", "password": PASSWORDS["bob"]})
            assert status == 200 and "Secure" not in headers["set-cookie"], headers
            secrets.append(headers["set-cookie"].split(";")[0].split("=", 1)[1])
        finally:
            server.terminate()
            server.wait(timeout=60)

    # 5. Nothing secret in the log.
    log_text = open(log_path).read()
    assert "without TLS" in log_text, "no warning about plain HTTP on a network address"
    assert "signed in" in log_text
    leaked = [s[:6] + "..." for s in secrets if s in log_text]
    assert not leaked, f"secrets in the server log: {leaked}"
    print(f"log: {len(log_text.splitlines())} lines at trace level, none holds one of {len(secrets)} secrets")
    print("access test passed")


def check_tls_server(connect, port):
    """The checks of part 3; returns the secrets it saw (for the log check)."""
    assert request(connect, "GET", "/api/projects")[0] == 401
    # Plain HTTP to the TLS port gets no HTTP answer.
    try:
        plain = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        plain.request("GET", "/api/health")
        plain.getresponse()
        raise AssertionError("plain HTTP was answered on the TLS port")
    except (http.client.HTTPException, ConnectionError, socket.timeout, OSError):
        pass
    status, body, _ = request(connect, "POST", "/api/login", {"name": "ada", "password": "not the password"})
    assert status == 401 and "not the password" not in json.dumps(body), body
    status, session, headers = request(connect, "POST", "/api/login", {"name": "ada", "password": PASSWORDS["ada"]})
    assert status == 200, session
    cookie_line = headers["set-cookie"]
    for attribute in ("__Host-cellscribe_session=", "Secure", "HttpOnly", "SameSite=Strict", "Path=/"):
        assert attribute in cookie_line, cookie_line
    cookie = cookie_line.split(";")[0]
    csrf = session["csrfToken"]
    create = {"name": "over tls", "channels": ["nuclei"]}
    assert request(connect, "POST", "/api/projects", create, {"Cookie": cookie})[0] == 403
    assert request(connect, "POST", "/api/projects", create, {"Cookie": cookie, "X-CSRF-Token": csrf})[0] == 201
    status, made, _ = request(connect, "POST", "/api/tokens", {"name": "script", "expiresInDays": 1},
                              {"Cookie": cookie, "X-CSRF-Token": csrf})
    assert status == 201 and made["token"].startswith("csk_"), made
    bearer = {"Authorization": "Bearer " + made["token"]}
    status, projects, _ = request(connect, "GET", "/api/projects", headers=bearer)
    assert status == 200 and [p["name"] for p in projects] == ["over tls"], projects
    assert request(connect, "POST", "/api/projects", create, bearer)[0] == 201
    assert request(connect, "GET", "/api/projects", headers={**bearer, "Host": "evil.example"})[0] == 421
    origin = {"Cookie": cookie, "X-CSRF-Token": csrf, "Origin": "https://evil.example"}
    assert request(connect, "POST", "/api/projects", create, origin)[0] == 403
    same = {"Cookie": cookie, "X-CSRF-Token": csrf, "Origin": f"https://localhost:{port}"}
    assert request(connect, "POST", "/api/projects", create, same)[0] == 201
    status, users, _ = request(connect, "GET", "/api/users", headers=bearer)
    assert status == 200 and "$2b$" not in json.dumps(users), users
    print("TLS: 401 without credentials, __Host- cookie Secure HttpOnly SameSite=Strict, CSRF required, "
          "bearer token works, forged Host 421, other origin 403")
    return [made["token"], cookie.split("=", 1)[1], csrf]


def request(connect, method, path, body=None, headers=None):
    """(status, JSON body or None, lower-cased headers) over a fresh connection."""
    headers = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    connection = connect()
    try:
        if "Host" in headers:
            connection.putrequest(method, path, skip_host=True)
            for name, value in headers.items():
                connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(data or b"")))
            connection.endheaders(data)
        else:
            connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        return response.status, (json.loads(payload) if payload else None), {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


def wait_until_up(probe, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if probe():
                return
        except Exception:
            pass
        time.sleep(0.1)
    raise AssertionError("the server did not start")


if __name__ == "__main__":
    main()
