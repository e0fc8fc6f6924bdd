"""Uploaded files: checked by content, stored by id, never overwritten.

A file is stored as ``<data>/uploads/<id>.<ext>``; the name it was uploaded under is only kept in
the database for display. Nothing ever builds a path from what a user sent.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .db import Database, now_iso

MB = 1024 * 1024

ZIP_MAX_MEMBERS = 2_000
ZIP_MAX_UNPACKED = 200 * MB
ZIP_MAX_RATIO = 100
"""ZIP-bomb guard for .xlsx and .docx: entries, total unpacked size, and the compression ratio of a large entry."""

KINDS = {
    # kind: (extension, what it must be, German name)
    "arbeitsmappe": (".xlsx", "xl/workbook.xml", "Excel-Arbeitsmappe (.xlsx)"),
    "vorlage": (".docx", "word/document.xml", "Word-Vorlage (.docx)"),
    "vorlage-text": (".txt", None, "Textvorlage (.txt, UTF-8)"),
    "ruecklauf": (".pdf", None, "PDF-Datei"),
    "signatur": (".pdf", None, "PDF-Datei"),
}


class UploadError(Exception):
    """A German message: why the file was not accepted (nothing was stored)."""


@dataclass(frozen=True)
class Stored:
    id: int
    path: Path
    name: str
    sha256: str
    size: int


def display_name(name: str | None) -> str:
    """The uploaded file's name, for display only: its last part, printable, at most 120 characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[:120] or "unbenannt"


async def receive(upload, limit: int, scratch: Path) -> tuple[Path, str, int]:
    """Copy an uploaded part into a scratch file, at most `limit` bytes. Returns (file, sha256, size)."""
    scratch.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=scratch, suffix=".part")
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := await upload.read(1024 * 1024):
                size += len(chunk)
                if size > limit:
                    raise UploadError(f"Die Datei ist zu groß (höchstens {limit // MB} MB).")
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        os.unlink(name)
        raise
    if size == 0:
        os.unlink(name)
        raise UploadError("Die Datei ist leer.")
    return Path(name), digest.hexdigest(), size


async def receive_checked(upload, limit: int, scratch: Path, kind: str) -> tuple[Path, str, int]:
    """`receive`, then `check_content`; the scratch file is removed when the content is not what `kind`
    needs. Returns (file, sha256, size)."""
    path, sha, size = await receive(upload, limit, scratch)
    try:
        check_content(path, kind)
    except UploadError:
        path.unlink(missing_ok=True)
        raise
    return path, sha, size


def check_content(path: Path, kind: str) -> None:
    """The file is what it claims by its content (not its name); raises UploadError otherwise."""
    ext, member, label = KINDS[kind]
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if ext == ".txt":
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise UploadError(f"Das ist keine {label}: Die Datei ist nicht als UTF-8 gespeichert "
                              "(im Editor »Speichern unter« mit der Codierung UTF-8).") from None
        if "\x00" in text:
            raise UploadError(f"Das ist keine {label}: Die Datei enthält Binärdaten.")
        return
    if ext == ".pdf":
        if not head.startswith(b"%PDF-"):
            raise UploadError(f"Das ist keine PDF-Datei (erwartet: {label}; der Inhalt beginnt nicht mit »%PDF-«).")
        return
    if not head.startswith(b"PK\x03\x04"):
        raise UploadError(f"Das ist keine {label}: Die Datei ist kein Office-Dokument (kein ZIP-Container).")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > ZIP_MAX_MEMBERS:
                raise UploadError(f"Die Datei enthält zu viele Teile ({len(infos)}, höchstens {ZIP_MAX_MEMBERS}); "
                                  "sie wird nicht angenommen.")
            total = 0
            for info in infos:
                total += info.file_size
                ratio = info.file_size / info.compress_size if info.compress_size else float("inf")
                if info.file_size > MB and ratio > ZIP_MAX_RATIO:
                    raise UploadError("Die Datei ist ungewöhnlich stark komprimiert (ZIP-Bombe?); "
                                      "sie wird nicht angenommen.")
            if total > ZIP_MAX_UNPACKED:
                raise UploadError(f"Die Datei ist entpackt zu groß ({total // MB} MB, höchstens "
                                  f"{ZIP_MAX_UNPACKED // MB} MB); sie wird nicht angenommen.")
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        raise UploadError(f"Das ist keine {label}: Der ZIP-Container ist beschädigt.") from None
    if "[Content_Types].xml" not in names or member not in names:
        raise UploadError(f"Das ist keine {label} (der Inhalt passt nicht; z. B. ein anderes Office-Format).")


def store(db: Database, data: Path, scratch_file: Path, *, kind: str, target: str, name: str, sha256: str,
          size: int, user: str, note: str = "") -> Stored:
    """Move a checked scratch file to ``uploads/<id><ext>`` and record it. Never overwrites."""
    ext = KINDS[kind][0]
    folder = data / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    with db.connect() as con:
        uid = con.execute(
            "INSERT INTO uploads (kind, target, name, stored, sha256, size, user, at, note) VALUES (?, ?, ?, '', ?, ?, ?, ?, ?)",
            (kind, target, display_name(name), sha256, size, user, now_iso(), note)).lastrowid
        stored = f"{uid:06d}{ext}"
        dest = folder / stored
        if dest.exists():
            raise UploadError("Interner Fehler: Die Ablage ist nicht leer.")
        os.link(scratch_file, dest)  # fails rather than replaces an existing file
        os.unlink(scratch_file)
        con.execute("UPDATE uploads SET stored = ? WHERE id = ?", (stored, uid))
    os.chmod(dest, 0o440)
    return Stored(uid, dest, display_name(name), sha256, size)


def store_bytes(db: Database, data: Path, content: bytes, **kw) -> Stored:
    """Record a file the server itself keeps (e.g. the state of a workbook before it is replaced)."""
    scratch = data / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=scratch, suffix=".part")
    with os.fdopen(fd, "wb") as out:
        out.write(content)
    return store(db, data, Path(name), sha256=hashlib.sha256(content).hexdigest(), size=len(content), **kw)


def path_of(data: Path, row) -> Path:
    """The stored file of an upload row (its name was made by `store`, never by a user)."""
    stored = row["stored"]
    if not stored or "/" in stored or stored.startswith("."):
        raise UploadError("Diese Datei gibt es nicht.")
    return data / "uploads" / stored
