"""Benchmark of the web application (issue 17, section 6) – a measurement, not a test.

Usage: python -m tools.bench_web [--users 20] [--keep]   (make bench-web)

On a temporary copy of the project (templates + the sample workbook) it starts the real server
(`python -m pipeline serve` on a free loopback port) and measures:

1. memory of the idle server: PSS of the server process and of its run worker (which keeps the
   libraries imported), after start-up and after a first run;
2. a full run of the sample started from the browser's form on the warm server (»Alles neu erzeugen«:
   every document rendered, converted and signed again, every Mappe rebuilt), from the POST until the
   run reports done, against the floor: one bare ``soffice --headless --convert-to pdf`` of the same
   .docx files with a fresh profile, as ``make bench`` measures it;
3. page times (p50, p95, max) and errors for N simulated users (threads, each with its own session)
   browsing and downloading while such a run is in progress: Übersicht, Arbeitsmappe, Erzeugen and its
   live state, Ergebnisse, a PDF, a preview, Versand, Vorlagen. »Prüfen« runs the whole check on every
   visit and is reported on its own.

Every request loop is bounded (count and time) and goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Bench-Passwort-123"
TARGET_P95_MS = 300.0
TARGET_RATIO = 1.2
TARGET_IDLE_MIB = 300.0


def pss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def csrf_of(text: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', text).group(1)


class Server:
    def __init__(self, root: Path):
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--ordner", str(root), "--port",
                                      str(self.port)], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, stdin=subprocess.DEVNULL)
        self.lines = []
        for line in self.proc.stdout:
            self.lines.append(line)
            if "im Browser:" in line:
                break
        threading.Thread(target=lambda: [self.lines.append(x) for x in self.proc.stdout], daemon=True).start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/anmelden", timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise SystemExit("Der Server ist nicht gestartet:\n" + "".join(self.lines))

    def link(self) -> str:
        return re.search(r"(http://\S+/einrichten/\S+)", "".join(self.lines)).group(1)

    def memory(self) -> tuple[float, float]:
        """PSS of the server process and of its run worker (MiB)."""
        runner = [c for c in children(self.proc.pid)]
        return pss_mib(self.proc.pid), sum(pss_mib(c) for c in runner)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def login(server: Server, name: str) -> httpx.Client:
    c = httpx.Client(base_url=server.url, timeout=120)
    page = c.get("/anmelden")
    r = c.post("/anmelden", data={"csrf": csrf_of(page.text), "name": name, "passwort": PASSWORD})
    assert r.status_code == 303, r.text[:300]
    return c


def run(c: httpx.Client, name: str, force: bool) -> float:
    """POST the Erzeugen form; seconds until the run reports done."""
    page = c.get(f"/m/{name}/erzeugen").text
    start = time.perf_counter()
    r = c.post(f"/m/{name}/erzeugen", data={"csrf": csrf_of(page), **({"alles": "ja"} if force else {})})
    assert r.status_code == 303, r.text[:500]
    while True:
        state = c.get(f"/m/{name}/erzeugen/stand?warten=1").json()
        if state["status"] != "läuft":
            break
    seconds = time.perf_counter() - start
    assert state["status"] == "fertig", state
    return seconds


def floor(docx: list[Path], work: Path) -> float:
    profile, out = work / "floor-profile", work / "floor-pdf"
    cmd = [shutil.which("soffice") or "soffice", f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
           "--convert-to", "pdf", "--outdir", str(out), *map(str, docx)]
    start = time.perf_counter()
    subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=1800, check=True)
    seconds = time.perf_counter() - start
    assert len(list(out.glob("*.pdf"))) == len(docx)
    return seconds


def browse(c: httpx.Client, name: str, pdf: str, preview: str, stop: threading.Event, times: dict, errors: list,
           rounds: int, think: float, seed: int) -> None:
    import random

    pause = random.Random(seed)
    stop.wait(pause.uniform(0, think))  # people do not all click at the same moment
    pages = [("Übersicht", "/"), ("Arbeitsmappe", "/arbeitsmappe"), ("Erzeugen", f"/m/{name}/erzeugen"),
             ("Stand (live)", f"/m/{name}/erzeugen/stand"), ("Ergebnisse", f"/m/{name}/ergebnisse"),
             ("PDF herunterladen", pdf), ("Vorschau", preview), ("Versand", f"/m/{name}/versand"),
             ("Vorlagen", "/vorlagen")]
    try:
        for _ in range(rounds):
            for label, path in pages:
                if stop.is_set():
                    return
                start = time.perf_counter()
                try:
                    r = c.get(path)
                    ok = r.status_code == 200
                    _ = r.content
                except httpx.HTTPError:
                    ok = False
                times.setdefault(label, []).append((time.perf_counter() - start) * 1000)
                if not ok:
                    errors.append(f"{label}: {getattr(r, 'status_code', 'keine Antwort')}")
                if think:
                    stop.wait(pause.uniform(think / 2, think * 1.5))  # a person reads the page before the next click
    finally:
        c.close()


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_web", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=200, help="at most this many rounds of pages per user")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds a simulated user looks at a page before the next click (0: none)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-web-"))
    root = work / "projekt"
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / "inputs").mkdir(parents=True)
    shutil.copyfile(ROOT / "inputs" / "ikz-2025.xlsx", root / "inputs" / "ikz-2025.xlsx")
    name = "ikz-2025"
    server = Server(root)
    try:
        with httpx.Client(timeout=60) as c:
            page = c.get(server.link())
            c.post(server.link(), data={"csrf": csrf_of(page.text), "name": "bench", "passwort": PASSWORD,
                                        "passwort2": PASSWORD})
        time.sleep(5)  # the run worker loads its libraries
        idle_start = server.memory()
        admin = login(server, "bench")
        print("Erster Lauf (kalt: leerer Zwischenspeicher) …", flush=True)
        cold = run(admin, name, force=False)
        admin.post(f"/m/{name}/versand", data={"csrf": csrf_of(admin.get("/").text)})
        for path in (f"/m/{name}/pruefen", f"/m/{name}/ruecklauf", f"/m/{name}/ergebnisse", "/vorlagen"):
            admin.get(path)  # every page once: what the server process has loaded after a working day
        idle_after = server.memory()
        docx = sorted((root / "outputs" / name / "word").glob("*.docx"))
        print(f"Untergrenze: soffice --convert-to pdf für {len(docx)} .docx …", flush=True)
        floor_s = floor(docx, work)
        print("Voller Lauf aus dem Browser auf dem warmen Server (alles neu) …", flush=True)
        warm = run(admin, name, force=True)

        results = admin.get(f"/m/{name}/ergebnisse").text
        pdf = re.search(rf'href="(/m/{name}/datei/\d+/pdf)"', results).group(1)
        preview = re.search(rf'src="(/m/{name}/vorschau/\d+)"', results).group(1)
        admin.get(preview)
        print(f"{args.users} Benutzer blättern und laden herunter, während ein Lauf (alles neu) läuft …", flush=True)
        times: dict[str, list[float]] = {}
        errors: list[str] = []
        stop = threading.Event()
        users = [login(server, "bench") for _ in range(args.users)]  # logged in before the run starts
        threads = [threading.Thread(target=browse, args=(users[i], name, pdf, preview, stop, times, errors, args.rounds,
                                                         args.think, i)) for i in range(args.users)]
        page = admin.get(f"/m/{name}/erzeugen").text
        admin.post(f"/m/{name}/erzeugen", data={"csrf": csrf_of(page), "alles": "ja"})
        started = time.perf_counter()
        for t in threads:
            t.start()
        while admin.get(f"/m/{name}/erzeugen/stand?warten=1").json()["status"] == "läuft":
            pass
        under_load = time.perf_counter() - started
        stop.set()
        for t in threads:
            t.join(120)
        print("Derselbe volle Lauf mit der Kommandozeile (python -m pipeline report --force) …", flush=True)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipeline", "report", str(root / "inputs" / f"{name}.xlsx"), "--force",
                        "--outputs", str(root / "outputs"), "--state", str(root / ".ikz"), "--templates",
                        str(root / "templates")], cwd=root, check=True, capture_output=True, stdin=subprocess.DEVNULL)
        cli = time.perf_counter() - start
        check_times = []
        for _ in range(3):
            start = time.perf_counter()
            admin.get(f"/m/{name}/pruefen")
            check_times.append((time.perf_counter() - start) * 1000)
        admin.close()
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    everything = [t for v in times.values() for t in v]
    print()
    print(f"Speicher des Servers im Leerlauf (PSS): Server {idle_start[0]:.0f} MiB + Lauf-Prozess {idle_start[1]:.0f} MiB "
          f"= {sum(idle_start):.0f} MiB nach dem Start; Server {idle_after[0]:.0f} + Lauf-Prozess {idle_after[1]:.0f} "
          f"= {sum(idle_after):.0f} MiB nach einem Lauf, Versand, Prüfen und Rücklauf "
          f"(Ziel ≤ {TARGET_IDLE_MIB:.0f} MiB: {'erreicht' if sum(idle_after) <= TARGET_IDLE_MIB else 'verfehlt'})")
    print(f"Erster Lauf (kalt): {cold:.1f} s")
    print(f"Voller Lauf aus dem Browser, warmer Server: {warm:.1f} s; Untergrenze (soffice, {len(docx)} .docx): "
          f"{floor_s:.1f} s; Verhältnis {warm / floor_s:.2f} (Ziel ≤ {TARGET_RATIO}: "
          f"{'erreicht' if warm / floor_s <= TARGET_RATIO else 'verfehlt'})")
    print(f"Derselbe Lauf mit der Kommandozeile (neuer Prozess): {cli:.1f} s; aus dem Browser {warm:.1f} s")
    print(f"Seiten unter Last ({args.users} Benutzer, je etwa {args.think:g} s Lesezeit je Seite, während eines Laufs "
          f"von {under_load:.1f} s): "
          f"{len(everything)} Anfragen, {len(errors)} Fehler")
    print(f"  {'Seite':<20} {'Anzahl':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, values in list(times.items()) + [("alle", everything)]:
        print(f"  {label:<20} {len(values):>7} {pct(values, 50):>8.0f} {pct(values, 95):>8.0f} {max(values):>8.0f}")
    print(f"  p95 aller Seiten: {pct(everything, 95):.0f} ms (Ziel ≤ {TARGET_P95_MS:.0f} ms: "
          f"{'erreicht' if pct(everything, 95) <= TARGET_P95_MS and not errors else 'verfehlt'})")
    print(f"  Prüfen (ganze Prüfung je Aufruf, ohne Last): {statistics.median(check_times):.0f} ms")
    if errors:
        print("  Fehler: " + "; ".join(sorted(set(errors))[:10]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
