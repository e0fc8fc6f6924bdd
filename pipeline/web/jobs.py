"""Runs started from the browser: handed to the long-lived run worker (runner.py), one at a time.

The server keeps the state of the current run (step, item, counts, since when, by whom) in memory for
the live progress and records every run in the database (who, when, result). A run that another
server instance on the same folders has started is seen through the database; the outputs' lock
keeps two runs from ever writing the same run folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .db import Database, now_iso

RUNNING = "läuft"
DONE = "fertig"
FAILED = "fehlgeschlagen"


@dataclass
class Job:
    id: int
    workbook: str  # the workbook's stem
    user: str
    started: str
    started_mono: float = field(default_factory=time.monotonic)
    status: str = RUNNING
    step: str = "Warten auf den Hintergrundprozess"
    item: str = ""
    done: int = -1
    total: int = 0
    summary: dict | None = None
    message: str = ""
    problems: list = field(default_factory=list)
    finished_mono: float | None = None

    def as_dict(self) -> dict:
        end = self.finished_mono or time.monotonic()
        return {"id": self.id, "workbook": self.workbook, "user": self.user, "started": self.started,
                "status": self.status, "step": self.step, "item": self.item, "done": self.done + 1,
                "total": self.total, "elapsed": round(end - self.started_mono, 1), "summary": self.summary,
                "message": self.message, "problems": self.problems}


class BusyError(Exception):
    """A German message: a run is already in progress."""


class Runner:
    """The run worker process and the runs handed to it."""

    def __init__(self, db: Database, log=None):
        self.db = db
        self.log = log or sys.stderr
        self.lock = threading.Lock()
        self.current: Job | None = None
        self.last: dict[str, Job] = {}
        self.proc: subprocess.Popen | None = None
        self.ready = threading.Event()
        self._changed = threading.Condition(self.lock)
        self._mark_stale()

    # -- the worker process -----------------------------------------------------
    def start(self) -> None:
        env = dict(os.environ)
        self.ready.clear()
        self.proc = subprocess.Popen([sys.executable, "-m", "pipeline.web.runner"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8",
                                     bufsize=1, env=env)
        threading.Thread(target=self._read, args=(self.proc,), daemon=True, name="ikz-runner-reader").start()

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            try:
                if proc.stdin is not None:
                    proc.stdin.close()
                proc.wait(timeout=5)
            except Exception:  # noqa: BLE001
                proc.kill()

    def _read(self, proc: subprocess.Popen) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            self._handle(msg)
        # the worker is gone: a run in progress failed; start a new worker for the next one
        with self.lock:
            job = self.current
        if job is not None and self.proc is proc:
            self._handle({"job": job.id, "event": "error", "problems": [],
                          "message": "Der Hintergrundprozess des Laufs ist unerwartet beendet worden. "
                                     "Bisherige Ausgaben sind unverändert. Bitte erneut starten."})
        if self.proc is proc:
            self.proc = None  # the next run starts a new worker (never a loop of restarts)

    def _handle(self, msg: dict) -> None:
        event = msg.get("event")
        if event == "ready":
            self.ready.set()
            return
        with self.lock:
            job = self.current
            if job is None or msg.get("job") != job.id:
                return
            if event == "progress":
                job.step, job.item = msg.get("step", ""), msg.get("item", "")
                job.done, job.total = int(msg.get("done", -1)), int(msg.get("total", 0))
                self._changed.notify_all()
                return
        if event not in ("done", "error"):
            return
        # recorded first, so that every page shows the run as finished once the job is no longer current
        if event == "done":
            s = msg.get("summary") or {}
            self.db.execute("UPDATE runs SET finished = ?, status = ?, summary = ?, built = ? WHERE id = ?",
                            (now_iso(), DONE, json.dumps(s, ensure_ascii=False), json.dumps(s.get("new", [])), job.id))
            self.db.audit(job.user, None, "Lauf beendet",
                          f"{job.workbook}: {s.get('built', 0)} Dokumente und {s.get('bundles_built', 0)} Mappen neu")
        else:
            self.db.execute("UPDATE runs SET finished = ?, status = ?, summary = ? WHERE id = ?",
                            (now_iso(), FAILED, msg.get("message", ""), job.id))
            self.db.audit(job.user, None, "Lauf fehlgeschlagen", f"{job.workbook}: {msg.get('message', '')}")
        with self.lock:
            job.finished_mono = time.monotonic()
            if event == "done":
                job.status, job.summary = DONE, msg.get("summary")
            else:
                job.status, job.message, job.problems = FAILED, msg.get("message", ""), msg.get("problems", [])
            self.current = None
            self.last[job.workbook] = job
            self._changed.notify_all()

    # -- runs ---------------------------------------------------------------------
    def _mark_stale(self) -> None:
        """Runs recorded as running by a server process that is gone did not finish."""
        for row in self.db.query("SELECT id, summary FROM runs WHERE status = ?", (RUNNING,)):
            pid = _pid_of(row["summary"])
            if pid is None or not _alive(pid):
                self.db.execute("UPDATE runs SET status = ?, finished = ?, summary = ? WHERE id = ?",
                                (FAILED, now_iso(), "Der Server wurde während des Laufs beendet.", row["id"]))

    def running_elsewhere(self, workbook: str) -> dict | None:
        """A run of this workbook that another server instance on the same folders is doing."""
        for row in self.db.query("SELECT * FROM runs WHERE status = ? AND workbook = ?", (RUNNING, workbook)):
            pid = _pid_of(row["summary"])
            if pid is not None and pid != os.getpid() and _alive(pid):
                return {"user": row["user"], "started": row["started"]}
        return None

    def submit(self, *, workbook: Path, user: str, outputs: Path, templates: Path, state: Path,
               config: Path | None, passphrase: str | None, force: bool, jobs: int) -> Job:
        stem = workbook.stem
        with self.lock:
            if self.current is not None:
                c = self.current
                where = "für diese Arbeitsmappe" if c.workbook == stem else f"für die Arbeitsmappe »{c.workbook}«"
                raise BusyError(f"Es läuft schon ein Lauf {where}, gestartet von {c.user} um "
                                f"{c.started[11:16]} Uhr. Bitte warten, bis er fertig ist.")
            other = self.running_elsewhere(stem)
            if other is not None:
                raise BusyError(f"Es läuft schon ein Lauf für diese Arbeitsmappe (auf einem anderen Server), "
                                f"gestartet von {other['user']} um {other['started'][11:16]} Uhr.")
            if self.proc is None or self.proc.poll() is not None:
                self.start()
            proc = self.proc
            assert proc is not None and proc.stdin is not None
            started = now_iso()
            jid = self.db.execute("INSERT INTO runs (workbook, user, started, status, summary) VALUES (?, ?, ?, ?, ?)",
                                  (stem, user, started, RUNNING, json.dumps({"pid": os.getpid()})))
            job = Job(id=jid, workbook=stem, user=user, started=started)
            self.current = job
            line: str | None = json.dumps({"job": jid, "workbook": str(workbook), "outputs": str(outputs),
                               "templates": str(templates), "state": str(state),
                               "config": str(config) if config else None, "passphrase": passphrase,
                               "force": force, "jobs": jobs}, ensure_ascii=False)
            passphrase = None
            try:
                proc.stdin.write(f"{line}\n")
                proc.stdin.flush()
            except OSError:
                self.current = None
                raise BusyError("Der Hintergrundprozess antwortet nicht; bitte in einer Minute erneut versuchen.")
            finally:
                line = None
        self.db.audit(user, None, "Lauf gestartet", stem)
        return job

    def job_for(self, workbook: str) -> Job | None:
        with self.lock:
            if self.current is not None and self.current.workbook == workbook:
                return self.current
            return self.last.get(workbook)

    def wait_change(self, timeout: float) -> None:
        with self._changed:
            self._changed.wait(timeout)


def _pid_of(summary: str) -> int | None:
    try:
        return int(json.loads(summary).get("pid"))
    except (ValueError, TypeError, AttributeError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
