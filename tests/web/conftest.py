"""A real server (python -m pipeline serve, in its own process) on a project folder made for the tests,
and a real headless Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"

ADMIN = ("verwalterin", "Verwalten-Passwort-1")
EDITOR = ("sachbearbeiterin", "Bearbeiten-Passwort-2")
READER = ("leser", "Lesen-Passwort-3")
YEAR = dt.date.today().year
"""The year the sample is uploaded as (a new workbook »ikz-<this year>«): offered on every date."""
NAME = f"ikz-{YEAR}"
RUN_TIMEOUT = 600_000  # ms: a first run on a slow machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for key in ("IKZ_SIGNATUR_ZERTIFIKAT", "IKZ_SIGNATUR_PASSWORT", "IKZ_WEB_TRACEBACK"):
        env.pop(key, None)
    env.update(extra)
    return env


def make_project(folder: Path, *, sample: bool = False) -> Path:
    """A project folder as on the server: templates/, inputs/ (empty, or with the sample)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "templates", folder / "templates")
    (folder / "inputs").mkdir()
    if sample:
        shutil.copyfile(ROOT / "inputs" / "ikz-2025.xlsx", folder / "inputs" / "ikz-2025.xlsx")
    return folder


class Server:
    """`python -m pipeline serve` on a free port; its terminal output is kept (self.output)."""

    def __init__(self, root: Path, *extra: str, env: dict | None = None):
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        self._ready = threading.Event()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "serve", "--ordner", str(root), "--port", str(self.port), *extra],
            cwd=root, env=env or clean_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, encoding="utf-8")
        threading.Thread(target=self._read, daemon=True).start()
        if not self._ready.wait(60) or self.proc.poll() is not None or not self._accepts():
            self.stop()
            raise AssertionError("Der Server ist nicht gestartet:\n" + self.output)

    def _accepts(self, seconds: float = 30) -> bool:
        """The port takes connections (uvicorn binds it right after the start line)."""
        import time

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return True
            except OSError:
                time.sleep(0.05)
        return False

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)
            if "im Browser:" in line:
                self._ready.set()
        self._ready.set()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    @property
    def setup_link(self) -> str | None:
        m = re.search(r"(http://\S+/einrichten/\S+)", self.output)
        return m.group(1) if m else None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def add_user(root: Path, name: str, role: str, password: str) -> subprocess.CompletedProcess:
    """`python -m pipeline benutzer anlegen` with the password on standard input (not a terminal)."""
    return subprocess.run([sys.executable, "-m", "pipeline", "benutzer", "--ordner", str(root), "anlegen", name,
                           "--rolle", role], input=password + "\n", capture_output=True, text=True, env=clean_env(),
                          cwd=root, timeout=120)


@pytest.fixture(scope="package")
def browser():
    """Headless Chromium for the tests of this package. Playwright's synchronous API keeps its event loop running
    in this thread while it is open, so it is closed when the tests leave the package (code in other
    tests that calls pyHanko's synchronous API directly would meet a running loop)."""
    from playwright.sync_api import sync_playwright

    # Under libfaketime (`faketime DATE make test`, docs/DEVELOPING.md) Playwright's driver (node) dies at start
    # with the library preloaded: the driver, and the browser it starts, run on the real clock. The server and the
    # pipeline, which the date is about, stay on the fake one.
    preload = os.environ.pop("LD_PRELOAD", None) if "FAKETIME" in os.environ else None
    try:
        playwright = sync_playwright().start()
    finally:
        if preload is not None:
            os.environ["LD_PRELOAD"] = preload
    try:
        b = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="package")
def project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("buero"))


@pytest.fixture(scope="package")
def server(project, browser):
    """The office's server on a fresh folder; the first user made through the printed link, the others
    with `benutzer anlegen`."""
    s = Server(project)
    try:
        link = s.setup_link
        assert link, s.output
        page = browser.new_page()
        page.goto(link)
        page.get_by_label("Benutzername").fill(ADMIN[0])
        page.get_by_label("Passwort (mindestens 10 Zeichen)").fill(ADMIN[1])
        page.get_by_label("Passwort wiederholen").fill(ADMIN[1])
        page.get_by_role("button", name="Benutzer anlegen").click()
        page.get_by_text(f"Willkommen, {ADMIN[0]}").wait_for()
        page.close()
        for name, role, pw in ((EDITOR[0], "bearbeiten", EDITOR[1]), (READER[0], "lesen", READER[1])):
            result = add_user(project, name, role, pw)
            assert result.returncode == 0, result.stdout + result.stderr
        s.first_link = link
        yield s
    finally:
        s.stop()
    assert "Traceback" not in s.output, s.output


def login(context_or_browser, server: Server, user: tuple[str, str]):
    """A new page in a new browser context, logged in as `user`."""
    context = context_or_browser.new_context(base_url=server.url, accept_downloads=True)
    page = context.new_page()
    page.goto("/anmelden")
    page.get_by_label("Benutzername").fill(user[0])
    page.get_by_label("Passwort").fill(user[1])
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_text(f"Angemeldet: {user[0]}").wait_for()
    return page


@pytest.fixture
def admin_page(browser, server):
    page = login(browser, server, ADMIN)
    yield page
    page.context.close()


@pytest.fixture
def editor_page(browser, server):
    page = login(browser, server, EDITOR)
    yield page
    page.context.close()


@pytest.fixture
def reader_page(browser, server):
    page = login(browser, server, READER)
    yield page
    page.context.close()


def sample_workbook() -> Path:
    return ROOT / "inputs" / "ikz-2025.xlsx"


def workbook_with_unknown_kommune(folder: Path) -> Path:
    """A small workbook whose sheet »Beteiligung« names »Rauheim« (a typo of Raunheim)."""
    sys.path.insert(0, str(ROOT))
    from tests.wb import make_workbook, minimal_rows

    rows = minimal_rows()
    rows["Beteiligung"][1]["kommune"] = "Rauheim"
    return make_workbook(folder / "vertippt.xlsx", rows)


@pytest.fixture(scope="package")
def report(server, browser):
    """A finished run of the sample, started in the browser; the page as it was at the end."""
    page = login(browser, server, EDITOR)
    upload_sample(page)
    page.goto(f"/m/{NAME}/erzeugen")
    page.get_by_role("button", name="Dokumente erzeugen").click()
    expect(page.get_by_text("Fertig in")).to_be_visible(timeout=RUN_TIMEOUT)
    yield page
    page.context.close()




def upload_as(page, year: int, path: Path) -> None:
    """Upload `path` as a new version of »ikz-<year>« (a new workbook if there is none)."""
    page.goto("/arbeitsmappe")
    name = f"ikz-{year}"
    existing = page.get_by_role("option", name=f"{name} (neue Version)").count()
    page.get_by_label("Gehört zu").select_option(name if existing else f"neu-{year}")
    page.get_by_label(re.compile("Excel-Datei")).set_input_files(str(path))
    page.get_by_role("button", name="Hochladen und prüfen").click()
    page.locator("#ergebnis").wait_for()


def upload_sample(page) -> None:
    """The sample as workbook NAME, unless it is there already."""
    page.goto("/arbeitsmappe")
    if page.get_by_role("option", name=f"{NAME} (neue Version)").count():
        return
    page.get_by_label("Gehört zu").select_option(f"neu-{YEAR}")
    page.get_by_label(re.compile("Excel-Datei")).set_input_files(str(sample_workbook()))
    page.get_by_role("button", name="Hochladen und prüfen").click()
    page.locator("#ergebnis").wait_for()
