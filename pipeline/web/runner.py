"""The run worker: one long-lived process that the web server starts once and hands runs to.

It loads the heavy libraries (docxtpl, matplotlib, pyHanko, openpyxl) once, at start, so a run from
the browser imports nothing again; it runs `pipeline.run.run` in its main thread (which forks the
render workers of a run from a process without other threads) under the outputs' lock.

Protocol: one JSON object per line. The server writes a job to stdin; the worker answers on stdout
with ``{"event": "progress", …}`` lines and one ``done`` or ``error`` line per job. The signing
passphrase arrives in the job line, lives in memory for that run, and is never written anywhere.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

RUN_NICENESS = 10
"""Scheduling priority of a run below the server's (pages first, the run gets what is left)."""


def _send(out, **message) -> None:
    out.write(json.dumps(message, ensure_ascii=False) + "\n")
    out.flush()


def preload() -> None:
    """Import everything a run needs, once."""
    import docxtpl  # noqa: F401
    import pyhanko.sign.signers  # noqa: F401

    from .. import render, run, schedule, sign, validate, work  # noqa: F401

    work.preload()
    work.preload_delivery()  # the bundle package among it


def summary(result) -> dict:
    """What the Erzeugen page shows after a run (the CLI's summary as data)."""
    from ..kinds import BUNDLE_KINDS, DOCUMENT_KINDS

    kinds: dict[str, int] = {}
    for e in result.manifest.entries:
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    return {
        "seconds": round(result.seconds, 1),
        "built": result.built, "reused": result.reused,
        "bundles_built": result.bundles_built, "bundles_reused": result.bundles_reused,
        "documents": [[k.label, k.plural, kinds.get(k.name, 0)] for k in DOCUMENT_KINDS],
        "bundles": [[k.label, k.plural, kinds.get(k.name, 0)] for k in BUNDLE_KINDS],
        "new": [Path(e.path).name for e in result.manifest.entries if not e.reused],
        "kept": [p.name for p in result.kept],
        "warnings": len(result.warnings),
        "demo": bool(result.demo_certificate),
    }


def do_job(job: dict, out) -> None:
    from .. import sign
    from ..run import Options, run
    from ..uptodate import current_outputs
    from ..workbook import excel_lock
    from .errors import german_message

    jid = job["job"]
    last: dict = {"at": 0.0, "step": None}

    def progress(step: str, item: str, done: int, total: int) -> None:
        now = time.monotonic()
        if step != last["step"] or now - last["at"] >= 0.1 or done + 1 >= total:
            last.update(at=now, step=step)
            _send(out, job=jid, event="progress", step=step, item=item, done=done, total=total)

    passphrase = job.pop("passphrase", None)
    try:
        workbook = Path(job["workbook"])
        config_file = Path(job["config"]) if job.get("config") else None
        signing = sign.load_config(config_file, os.environ)
        if signing is not None and passphrase:
            signing = signing.with_passphrase(passphrase)
        passphrase = None
        result = None
        if not job.get("force") and excel_lock(workbook) is None:
            result = current_outputs(workbook, Path(job["outputs"]), Path(job["templates"]), config_file)
        if result is None:
            options = Options(workbook=workbook, outputs=Path(job["outputs"]), templates=Path(job["templates"]),
                              state=Path(job["state"]), jobs=max(1, int(job.get("jobs") or 1)),
                              force=bool(job.get("force")), signing=signing, config_file=config_file)
            result = run(options, progress=progress)
        _send(out, job=jid, event="done", summary=summary(result))
    except BaseException as exc:  # noqa: BLE001 - every failure becomes one German message
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        message, problems = german_message(exc)
        _send(out, job=jid, event="error", message=message, problems=problems)
    finally:
        signing = None


def main() -> None:
    from ..cli import _quiet_libraries

    _quiet_libraries(False)
    try:
        # A run takes every core; the pages must stay quick meanwhile: the run (and the render workers and
        # LibreOffice it starts, which inherit this) yields to the server's requests.
        os.nice(RUN_NICENESS)
    except OSError:
        pass
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing but the protocol on the real stdout
    preload()
    _send(out, event="ready", pid=os.getpid())
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            job = json.loads(line)
        except ValueError:
            continue
        do_job(job, out)


if __name__ == "__main__":
    main()
