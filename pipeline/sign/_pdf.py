"""Small PDF and time helpers shared by the signing modules."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError

from ..errors import Location, OutputError, SigningError
from ..fsutil import write_atomic

# helpers


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def read_pdf(path: Path) -> bytes:
    where = Location(file=path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SigningError(f"Die PDF-Datei »{path.name}« wurde nicht gefunden ({path}).", where) from None
    except OSError as exc:
        raise SigningError(
            f"Die PDF-Datei »{path.name}« kann nicht gelesen werden ({exc.strerror}).", where
        ) from None
    if not data.lstrip()[:5] == b"%PDF-":
        raise SigningError(f"»{path.name}« ist keine PDF-Datei.", where)
    return data


def incremental_writer(data: bytes, path: Path) -> IncrementalPdfFileWriter:
    where = Location(file=path)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise SigningError(f"»{path.name}« ist keine lesbare PDF-Datei ({exc}).", where) from None
    if writer.prev.encrypted:
        raise SigningError(
            f"»{path.name}« ist verschlüsselt; verschlüsselte PDF-Dateien werden nicht unterschrieben.",
            where,
        )
    return writer


def write_atomically(path: Path, data: bytes, mode: int | None = None) -> None:
    """`fsutil.write_atomic`, with a German message when the disk refuses."""
    try:
        write_atomic(path, data, mode)
    except OSError as exc:
        raise OutputError(
            f"»{Path(path).name}« kann nicht geschrieben werden ({exc.strerror or exc}). "
            "Ist die Datei geöffnet oder der Datenträger voll?",
            Location(file=Path(path)),
        ) from None
