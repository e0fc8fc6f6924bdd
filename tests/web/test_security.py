"""Security of the web application, tested with raw HTTP requests against a real server process:
CSRF, sessions, path traversal, upload limits and content checks, ZIP bombs, login lockout, the signing
passphrase, two server instances on the same folders, headers, error pages."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from tests import pki

from .conftest import ADMIN, EDITOR, NAME, YEAR, Server, add_user, clean_env, free_port, make_project, sample_workbook

pytestmark = pytest.mark.slow  # a real server, Chromium, LibreOffice runs


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def open_client(server: Server, user: tuple[str, str] | None = None, **kw) -> httpx.Client:
    """An HTTP client with its own cookies, logged in as `user`."""
    c = httpx.Client(base_url=server.url, timeout=120, **kw)
    if user is not None:
        page = c.get("/anmelden")
        r = c.post("/anmelden", data={"csrf": csrf_of(page.text), "name": user[0], "passwort": user[1]})
        assert r.status_code == 303, r.text
    return c


@contextlib.contextmanager
def client(server: Server, user: tuple[str, str] | None = None, **kw):
    c = open_client(server, user, **kw)
    try:
        yield c
    finally:
        c.close()


def create_first_user(server: Server, user=ADMIN) -> None:
    with httpx.Client(timeout=60) as c:
        page = c.get(server.setup_link)
        r = c.post(server.setup_link, data={"csrf": csrf_of(page.text), "name": user[0], "passwort": user[1],
                                            "passwort2": user[1]})
        assert r.status_code == 303, r.text


def german_page(response: httpx.Response, status: int, text: str) -> None:
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert text in response.text, response.text[:2000]
    assert '<html lang="de">' in response.text
    assert "Traceback" not in response.text and "File \"" not in response.text


def uploaded_files(project: Path) -> list[str]:
    folder = project / "daten" / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def upload_workbook(c: httpx.Client, target: str, content: bytes, name: str = "mappe.xlsx") -> httpx.Response:
    csrf = csrf_of(c.get("/arbeitsmappe").text)
    return c.post("/arbeitsmappe/hochladen", data={"csrf": csrf, "ziel": target},
                  files={"datei": (name, content, XLSX)})


def finished(c: httpx.Client, name: str, seconds: float = 900) -> dict:
    """The run's state once it is no longer running (the server answers each request when it changes)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = c.get(f"/m/{name}/erzeugen/stand?warten=1", headers={"accept": "application/json"}).json()
        if state["status"] != "läuft":
            return state
    raise AssertionError("Der Lauf ist nicht fertig geworden.")


# -- CSRF, sessions ------------------------------------------------------------------

def test_missing_or_wrong_csrf_token_changes_nothing(server, project):
    with client(server, EDITOR) as c:
        before = uploaded_files(project)
        for data in ({"ziel": f"neu-{YEAR + 2}"}, {"ziel": f"neu-{YEAR + 2}", "csrf": "falsch"}):
            r = c.post("/arbeitsmappe/hochladen", data=data,
                       files={"datei": ("x.xlsx", sample_workbook().read_bytes(), XLSX)})
            german_page(r, 403, "Sicherheitsprüfung")
        assert uploaded_files(project) == before
        assert not (project / "inputs" / f"ikz-{YEAR + 2}.xlsx").exists()
        # a token of another session does not count either
        with client(server, ADMIN) as other:
            foreign = csrf_of(other.get("/benutzer").text)
        r = c.post("/abmelden", data={"csrf": foreign})
        german_page(r, 403, "Sicherheitsprüfung")
        assert c.get("/").status_code == 200  # still logged in


def test_cross_site_form_is_refused(server):
    with client(server, EDITOR) as c:
        csrf = csrf_of(c.get("/").text)
        r = c.post("/abmelden", data={"csrf": csrf}, headers={"origin": "https://angreifer.example"})
        german_page(r, 403, "von einer anderen Adresse")


def test_session_is_over_after_logout(server):
    c = open_client(server, EDITOR)
    cookie = c.cookies.get("ikz_sitzung")
    csrf = csrf_of(c.get("/").text)
    assert c.post("/abmelden", data={"csrf": csrf}).status_code == 303
    with httpx.Client(base_url=server.url, cookies={"ikz_sitzung": cookie}) as stale:
        r = stale.get("/arbeitsmappe")
        assert r.status_code == 303 and r.headers["location"].startswith("/anmelden")
        r = stale.post("/m/x/erzeugen", data={"csrf": csrf})
        german_page(r, 403, "Sitzung ist abgelaufen oder beendet")
    c.close()


def test_login_gives_a_new_session(server):
    with httpx.Client(base_url=server.url) as c:
        page = c.get("/anmelden")
        before = c.cookies.get("ikz_sitzung")
        set_cookie = page.headers["set-cookie"]
        assert "HttpOnly" in set_cookie and "SameSite=strict" in set_cookie
        c.post("/anmelden", data={"csrf": csrf_of(page.text), "name": EDITOR[0], "passwort": EDITOR[1]})
        after = c.cookies.get("ikz_sitzung")
        assert after and after != before
    with httpx.Client(base_url=server.url, cookies={"ikz_sitzung": before}) as fixated:
        assert fixated.get("/").status_code == 303  # the session from before the login is not logged in


def test_login_lockout_after_repeated_failures(server, project):
    assert add_user(project, "sperrprobe", "lesen", "Richtiges-Passwort-9").returncode == 0
    with httpx.Client(base_url=server.url) as c:
        for _ in range(5):
            page = c.get("/anmelden")
            r = c.post("/anmelden", data={"csrf": csrf_of(page.text), "name": "sperrprobe", "passwort": "falsch-123"})
            german_page(r, 401, "Benutzername oder Passwort ist falsch.")
        page = c.get("/anmelden")
        r = c.post("/anmelden", data={"csrf": csrf_of(page.text), "name": "sperrprobe",
                                      "passwort": "Richtiges-Passwort-9"})
        german_page(r, 401, "Zu viele fehlgeschlagene Anmeldungen")
    with client(server, ADMIN) as admin:
        log = admin.get("/verlauf").text
    assert log.count("Anmeldung fehlgeschlagen") >= 6


# -- paths, uploads --------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/m/..%2F..%2Fetc%2Fpasswd/pruefen", "/m/%2e%2e/ergebnisse", "/m/..%2Finputs%2Fikz-2025/erzeugen",
    f"/m/{NAME}/datei/999/pdf", f"/m/{NAME}/datei/0/..%2F..%2F..%2Fetc%2Fpasswd", f"/m/{NAME}/datei/-1/pdf",
    "/arbeitsmappe/version/0", "/arbeitsmappe/version/..%2F..%2Fikz-web.sqlite3", "/vorlagen/datei/99",
    "/static/..%2F..%2Fweb%2Fapp.py", "/static/%2e%2e/%2e%2e/cli.py", f"/m/{NAME}/versand/0/..%2F..",
])
def test_path_traversal_in_download_ids(server, path):
    with client(server, EDITOR) as c:
        r = c.get(path)
    assert r.status_code == 404, (path, r.status_code, r.text[:300])
    assert "root:" not in r.text and "import " not in r.text and "SQLite" not in r.text
    assert '<html lang="de">' in r.text


def test_upload_name_is_only_displayed(server, project):
    with client(server, EDITOR) as c:
        r = upload_workbook(c, f"neu-{YEAR + 3}", sample_workbook().read_bytes(), name="../../../etc/ikz-web.sqlite3")
        assert r.status_code == 303
        page = c.get("/arbeitsmappe").text
    assert "ikz-web.sqlite3" in page and "../" not in page
    assert all(re.fullmatch(r"\d{6}\.(xlsx|docx|pdf|txt)", n) for n in uploaded_files(project))
    assert not (project / "etc").exists() and not (project.parent / "etc").exists()


def test_oversized_upload_is_refused(server, project):
    before = uploaded_files(project)
    big = b"PK\x03\x04" + b"\0" * (21 * 1024 * 1024)
    with client(server, EDITOR) as c:
        r = upload_workbook(c, f"neu-{YEAR + 4}", big)
    german_page(r, 413, "Die Datei ist zu groß (höchstens 20 MB).")
    assert uploaded_files(project) == before
    assert not list((project / "daten" / "tmp").glob("*.part"))


def test_zip_bomb_disguised_as_xlsx_is_refused(server, project, tmp_path):
    bomb = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(250):
                member.write(b"\0" * (1024 * 1024))
    assert bomb.stat().st_size < 2 * 1024 * 1024
    before = uploaded_files(project)
    with client(server, EDITOR) as c:
        r = upload_workbook(c, f"neu-{YEAR + 4}", bomb.read_bytes())
    german_page(r, 400, "sie wird nicht angenommen")
    assert uploaded_files(project) == before


def test_other_files_disguised_as_xlsx_or_pdf_are_refused(server, project):
    before = uploaded_files(project)
    with client(server, EDITOR) as c:
        r = upload_workbook(c, f"neu-{YEAR + 4}", b"Name;Wert\nA;1\n", name="tabelle.xlsx")
        german_page(r, 400, "Das ist keine Excel-Arbeitsmappe (.xlsx)")
        docx = io.BytesIO()
        with zipfile.ZipFile(docx, "w") as zf:
            zf.writestr("[Content_Types].xml", "<Types/>")
            zf.writestr("word/document.xml", "<document/>")
        r = upload_workbook(c, f"neu-{YEAR + 4}", docx.getvalue(), name="brief.xlsx")
        german_page(r, 400, "Das ist keine Excel-Arbeitsmappe (.xlsx)")
        csrf = csrf_of(c.get("/signatur").text)
        r = c.post("/signatur", data={"csrf": csrf},
                   files={"datei": ("vertrag.pdf", b"<html>kein PDF</html>", "application/pdf")})
        german_page(r, 400, "Das ist keine PDF-Datei")
    assert uploaded_files(project) == before


def test_request_too_large_for_the_server_is_refused_before_reading(server):
    """A request that announces more than the server takes is answered before its body is read."""
    import socket

    with client(server, EDITOR) as c:
        cookie = c.cookies.get("ikz_sitzung")
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as s:
        s.sendall((f"POST /signatur HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nCookie: ikz_sitzung={cookie}\r\n"
                   f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {500 * 1024 * 1024}\r\n\r\n").encode())
        answer = b""
        while b"</html>" not in answer:
            chunk = s.recv(65536)
            if not chunk:
                break
            answer += chunk
    text = answer.decode("utf-8", "replace")
    assert text.startswith("HTTP/1.1 413"), text[:200]
    assert "Die Anfrage ist zu groß" in text and "Traceback" not in text


# -- headers, error pages, start -------------------------------------------------------

def test_headers_forbid_inline_scripts_and_foreign_resources(server):
    with client(server, EDITOR) as c:
        r = c.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "server" not in r.headers
    assert "<script>" not in r.text and " on" not in re.sub(r"<[^>]*>", "", "") and "onclick" not in r.text
    assert not re.search(r'(src|href)="(https?:)?//', r.text)


def test_error_pages_are_german_without_traceback(server):
    with client(server, EDITOR) as c:
        german_page(c.get("/gibt-es-nicht"), 404, "Diese Seite oder Datei gibt es nicht.")
        german_page(c.post("/m/x/pruefen", data={}), 405, "Diese Aktion ist hier nicht möglich.")
        r = c.get("/m/gibt-es-nicht/erzeugen/stand", headers={"accept": "application/json"})
        assert r.status_code == 404 and "fehler" in r.json()


def test_other_host_than_loopback_needs_tls(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pipeline", "serve", "--ordner", str(make_project(tmp_path / "p")),
                             "--host", "0.0.0.0", "--port", str(free_port())], capture_output=True, text=True,
                            env=clean_env(), timeout=60)
    assert result.returncode == 2
    assert "startet die Anwendung nur mit TLS" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


# -- the signing passphrase --------------------------------------------------------------

PASSPHRASE = "Kreis-GG-Zertifikat-Passwort-7431"


@pytest.fixture(scope="module")
def certified(tmp_path_factory):
    """A server whose signing certificate is protected by a passphrase (ikz-signatur.toml), with a small workbook
    (three documents, five Mappen: what is signed matters here, not how much)."""
    from tests.wb import make_workbook

    root = make_project(tmp_path_factory.mktemp("zertifikat"))
    make_workbook(root / "inputs" / "ikz-2025.xlsx")
    ca = pki.make_ca(root.parent, cn="Kreis-CA")
    pki.make_p12(ca, root / "buero.p12", "IKZ-Geschäftsstelle Test", PASSPHRASE.encode(), key_type="rsa")
    (root / "ikz-signatur.toml").write_text('zertifikat = "buero.p12"\n', encoding="utf-8")
    server = Server(root)
    create_first_user(server)
    yield server
    server.stop()


def test_passphrase_is_asked_checked_and_never_stored(certified):
    root = certified.root
    with client(certified, ADMIN) as c:
        page = c.get("/m/ikz-2025/erzeugen").text
        assert "Passwort des Zertifikats »buero.p12«" in page
        r = c.post("/m/ikz-2025/erzeugen", data={"csrf": csrf_of(page), "passwort": "falsches-Passwort"})
        assert r.status_code == 303
        state = finished(c, "ikz-2025")
        assert state["status"] == "fehlgeschlagen"
        assert "Passwort" in state["message"] and "falsch" in state["message"], state["message"]
        assert not (root / "outputs" / "ikz-2025").exists()  # nothing else happened
        page = c.get("/m/ikz-2025/erzeugen").text
        assert "Der Lauf ist fehlgeschlagen" in page
        r = c.post("/m/ikz-2025/erzeugen", data={"csrf": csrf_of(page), "passwort": PASSPHRASE})
        state = finished(c, "ikz-2025")
        assert state["status"] == "fertig", state
    out = subprocess.run(["pdfsig", str(root / "outputs" / "ikz-2025" / "mappen" / "gesamtmappe.pdf")],
                         capture_output=True, text=True).stdout
    assert "Signer Certificate Common Name: IKZ-Geschäftsstelle Test" in out
    certified.stop()
    secret = PASSPHRASE.encode()
    needles = [secret, PASSPHRASE.encode("utf-16-le"), PASSPHRASE[::-1].encode()]
    for path in root.rglob("*"):
        if path.is_file() and path.suffix != ".p12":
            data = path.read_bytes()
            assert not any(n in data for n in needles), f"Passwort gefunden in {path}"
    assert PASSPHRASE not in certified.output


# -- two server instances on the same folders --------------------------------------------

def test_a_second_instance_on_the_same_folders_corrupts_nothing(tmp_path):
    root = make_project(tmp_path / "gemeinsam", sample=True)
    first = Server(root)
    try:
        create_first_user(first)
        second = Server(root)
        try:
            assert second.setup_link is None  # the users are shared: no second first user
            a, b = open_client(first, ADMIN), open_client(second, ADMIN)
            r = a.post("/m/ikz-2025/erzeugen", data={"csrf": csrf_of(a.get("/m/ikz-2025/erzeugen").text)})
            assert finished(a, "ikz-2025")["status"] == "fertig"
            # a forced run on the first; while it holds the outputs, the second is refused
            r = a.post("/m/ikz-2025/erzeugen", data={"csrf": csrf_of(a.get("/").text), "alles": "ja"})
            assert r.status_code == 303
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                state = a.get("/m/ikz-2025/erzeugen/stand?warten=1").json()
                if state["step"] == "Dokumente und Mappen erzeugen" or state["status"] != "läuft":
                    break
            assert state["status"] == "läuft", state
            page = b.get("/m/ikz-2025/erzeugen")
            assert "läuft auf einem anderen Server" in page.text
            r = b.post("/m/ikz-2025/erzeugen", data={"csrf": csrf_of(page.text)})
            assert r.status_code == 409 and "Es läuft schon ein Lauf für diese Arbeitsmappe" in r.text
            r = b.post("/m/ikz-2025/versand", data={"csrf": csrf_of(page.text)})
            german_page(r, 400, "Ein anderer Lauf erzeugt gerade Dokumente in diesem Ordner")
            assert finished(a, "ikz-2025")["status"] == "fertig"
            a.close(), b.close()
        finally:
            second.stop()
    finally:
        first.stop()
    from pipeline.digest import sha256_file
    from pipeline.store import Manifest

    run = root / "outputs" / "ikz-2025"
    manifest = Manifest.load(run / "manifest.json")
    assert len(manifest.entries) == 31
    for e in manifest.entries:
        assert sha256_file(run / e.path) == e.sha256, e.path
    assert not (run / "versand").exists()
    assert sorted(p.name for p in (root / "outputs").iterdir() if p.name.startswith(".") and p.is_dir()) == []
    assert "Traceback" not in first.output + second.output


# -- make serve on a fresh clone -------------------------------------------------------------

def test_make_serve_on_a_fresh_clone_prints_the_link_that_creates_the_first_user(tmp_path):
    import os
    import shutil
    import signal

    from tests.helpers_run import shell_env

    from .conftest import ROOT

    clone = tmp_path / "klon"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    for name in subprocess.run(["git", "ls-files", "--modified", "--others", "--exclude-standard"], cwd=ROOT,
                               capture_output=True, text=True).stdout.split():
        if (ROOT / name).is_file():  # uncommitted work of the developer running this: as if committed
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
    (clone / ".venv").symlink_to(ROOT / ".venv")
    os.utime(clone / "pyproject.toml", (0, 0))  # the shared .venv is up to date: make need not install
    port = free_port()
    env = shell_env()  # as typed in a shell on the server: the clone's own code, no outer make's variables
    proc = subprocess.Popen(["make", "serve", f"ARGS=--port {port}"], cwd=clone, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True, stdin=subprocess.DEVNULL)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "im Browser:" in line:
                break
        link = re.search(r"(http://\S+/einrichten/\S+)", "".join(lines))
        assert link, "".join(lines)
        assert link.group(1).startswith(f"http://127.0.0.1:{port}/")
        deadline = time.monotonic() + 30
        while True:
            try:
                c = httpx.Client(timeout=30)
                page = c.get(link.group(1))
                break
            except httpx.ConnectError:
                c.close()
                assert time.monotonic() < deadline
                time.sleep(0.1)
        r = c.post(link.group(1), data={"csrf": csrf_of(page.text), "name": "chefin", "passwort": "Chefin-Passwort-1",
                                        "passwort2": "Chefin-Passwort-1"}, follow_redirects=True)
        assert r.status_code == 200 and "Angemeldet: <strong>chefin</strong> (Verwalten)" in r.text
        assert c.get(link.group(1)).status_code == 404  # once only
        c.close()
        assert (clone / "daten" / "ikz-web.sqlite3").is_file()
        status = subprocess.run(["git", "status", "--porcelain", "--ignored", "daten"], cwd=clone, capture_output=True,
                                text=True).stdout
        assert status.startswith("!!"), status  # the data folder is ignored by git: never committed
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    subprocess.run(["make", "clean"], cwd=clone, env=env, check=True, capture_output=True)
    assert (clone / "daten" / "ikz-web.sqlite3").is_file()  # make clean never touches the data folder
