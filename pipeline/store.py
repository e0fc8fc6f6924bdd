"""The outputs folder: lock, staging, atomic replacement, reuse of unchanged files, manifest."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Iterator

from .digest import sha256_file
from .edition import EditionRecord
from .errors import Location, OutputError

MANIFEST = "manifest.json"
LOCK = ".lock"
VERSAND = "versand"
"""Folder in a run folder with what `versand` prepared; replaced with the run folder by every run."""
ARCHIVE = "ruecklauf"
"""Folder in the outputs, beside the run folders, where signed copies are kept for good: by a run (a
delivered PDF signed in place) and by the Rücklauf (every returned copy with a signature)."""


@dataclass(frozen=True)
class ManifestEntry:
    """One produced file and what it was made from."""

    kind: str  # projektauftrag, zwischenbericht, schlussbericht, jahresbericht, ratsmappe, gesamtmappe
    title: str
    path: str  # relative to the run folder
    sha256: str
    key: str  # digest of the inputs it was made from
    project: str | None = None
    kommune: str | None = None
    docx: str | None = None
    docx_sha256: str | None = None
    pages: int | None = None
    signature: str | None = None  # e.g. "signiert (Demonstrationszertifikat)"
    signature_fields: tuple[str, ...] = ()
    template: str | None = None
    template_sha256: str | None = None
    documents: tuple[str, ...] = ()  # for bundles: paths of the contained documents
    docx_key: str | None = None  # cache key of the .docx it was made from (.ikz/cache)
    pdf_key: str | None = None  # cache key of the unsigned PDF it was made from
    edition: str | None = None  # documents of a signed kind: the edition digest (edition.py)
    reused: bool = False


@dataclass(frozen=True)
class Manifest:
    """What a run produced: written as manifest.json into the run folder."""

    workbook: str
    workbook_sha256: str
    created: str
    code_version: str
    certificate: str | None
    demo_certificate: bool
    entries: tuple[ManifestEntry, ...] = ()
    warnings: tuple[str, ...] = ()
    inputs: dict = field(default_factory=dict)
    """Digests of everything the outputs were made from (`uptodate.fingerprint`)."""
    stats: dict = field(default_factory=dict)
    """Size and modification time (ns) of each delivered file as written (PDFs, bundles, .docx), by path:
    the no-change check compares these instead of hashing hundreds of megabytes (a PDF a council signed
    in place has grown)."""
    editions: tuple[EditionRecord, ...] = ()
    """Every edition of a signed document issued for this workbook, over all runs (edition.py)."""

    def to_json(self) -> str:
        data = asdict(self)
        for e in data["entries"]:
            e.pop("reused", None)
        return json.dumps(data, indent=2, ensure_ascii=False)

    @classmethod
    def load(cls, path: Path) -> "Manifest | None":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            entries = tuple(ManifestEntry(**{**e, "signature_fields": tuple(e.get("signature_fields", ())),
                                              "documents": tuple(e.get("documents", ()))}) for e in data.pop("entries"))
            data["warnings"] = tuple(data.get("warnings", ()))
            data["editions"] = tuple(EditionRecord.from_json(e) for e in data.get("editions", ()))
            return cls(**data, entries=entries)
        except (OSError, ValueError, TypeError, KeyError):
            return None


@dataclass(frozen=True)
class RunResult:
    """What a run produced, for the CLI's summary (also for a run found current by `uptodate`)."""

    folder: Path
    manifest: Manifest
    built: int
    reused: int
    bundles_built: int
    bundles_reused: int
    warnings: tuple
    """The workbook's warnings (Problems; their text when read back from a manifest)."""
    demo_certificate: bool
    seconds: float
    kept: tuple[Path, ...] = ()
    """Copies of delivered PDFs that were signed since the last run, kept in outputs/ruecklauf/."""
    stages: dict | None = None
    """Where the time went, per stage (schedule.Timings.as_dict()); None for a run found current."""


class OutputStore:
    """A run folder such as outputs/ikz-2025 that is only ever replaced as a whole."""

    def __init__(self, root: Path, name: str):
        self.root = Path(root)
        self.name = name
        self.final = self.root / name
        self.old = self.root / f".{name}.alt"
        self.staging = self.root / f".{name}.neu"
        self._lock_fh: IO[str] | None = None

    # -- locking -------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self, wait: float = 0.0) -> Iterator[None]:
        """Hold an exclusive lock on the outputs folder for this run folder."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f".{self.name}{LOCK}"
        fh = open(path, "a+")
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    owner = fh.read().strip()
                    fh.close()
                    raise OutputError(
                        "Ein anderer Lauf erzeugt gerade Dokumente in diesem Ordner"
                        + (f" (Prozess {owner})" if owner else "")
                        + ". Bitte warten, bis er fertig ist, und dann erneut starten.",
                        Location(self.final),
                    ) from None
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._lock_fh = fh
        try:
            self.recover()
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()
            self._lock_fh = None

    # -- staging and replacement ---------------------------------------------
    def recover(self) -> None:
        """Repair what an interrupted replacement left behind; drop stale staging."""
        if not self.final.exists() and self.old.exists():
            os.replace(self.old, self.final)
        if self.old.exists():
            shutil.rmtree(self.old, ignore_errors=True)
        if self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)

    def begin(self) -> Path:
        self.recover()
        self.staging.mkdir(parents=True)
        return self.staging

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def commit(self) -> Path:
        """Replace the previous run folder by the staging folder."""
        if self.final.exists():
            os.replace(self.final, self.old)
        os.replace(self.staging, self.final)
        shutil.rmtree(self.old, ignore_errors=True)
        _fsync_dir(self.root)
        return self.final

    def previous_manifest(self) -> Manifest | None:
        return Manifest.load(self.final / MANIFEST)

    def reuse(self, relpath: str, expected_sha: str | None = None) -> bool:
        """Hard-link (or copy) an unchanged file from the previous run into staging."""
        src = self.final / relpath
        if not src.is_file():
            return False
        if expected_sha is not None and sha256_file(src) != expected_sha:
            return False
        dst = self.staging / relpath
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
        return True


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def check_free_space(path: Path, needed: int) -> None:
    """Fail early with a clear message when the disk is (nearly) full."""
    usage = shutil.disk_usage(path if path.exists() else path.parent)
    if usage.free < needed:
        raise OutputError(
            f"Auf dem Datenträger ist zu wenig Platz frei ({usage.free // (1024 * 1024)} MB, "
            f"benötigt etwa {needed // (1024 * 1024)} MB). Bitte Platz schaffen und erneut starten.",
            Location(path),
        )
