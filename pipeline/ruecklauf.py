"""Rücklauf: which returned PDFs are which issued Projektauftrag, and who has signed.

Staff drop whatever came back into one folder, under any names: one copy signed
by several councils in turn, each council's own copy, or both. A returned file
is matched to an issued document through the office's signed revision: the
bytes the office signature covers are exactly the file the run delivered. So a
renamed copy is still found, a copy of an older edition is recognised as such
(same title, other bytes), and a foreign file has no office signature at all.

All copies of one Projektauftrag are combined per signature field. Nothing here
changes the workbook; `workbook_copy` writes a new file beside it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, Location
from .sign.verification import FieldStatus, VerifyReport, verify
from .store import Manifest, ManifestEntry

CURRENT = "aktuelle Ausgabe"
OLDER = "ältere Ausgabe"
FOREIGN = "fremde Datei"
DAMAGED = "Signatur der Geschäftsstelle ungültig"


class RuecklaufError(InputError):
    """The Rücklauf cannot start: no run to compare with, or no folder."""


@dataclass(frozen=True)
class Issued:
    """A PDF the last run delivered, with the digest of what the office signed."""

    entry: ManifestEntry
    """Its manifest entry (kind, title, project, path)."""
    digest: str
    """sha256 of the bytes the office signature covers."""
    report: VerifyReport
    """The file as it lies in the outputs now (it may carry signatures made there)."""


@dataclass(frozen=True)
class Returned:
    """One returned file and what it turned out to be."""

    file: Path
    report: VerifyReport
    match: str
    """`CURRENT`, `OLDER`, `FOREIGN` or `DAMAGED`."""
    issued: Issued | None = None
    """The issued document it is (for `OLDER`: the current edition of the same document)."""

    def describe(self) -> str:
        if self.match == CURRENT:
            return f"{self.issued.entry.title} ({CURRENT})"
        if self.match == OLDER:
            office = self.report.office
            when = f" vom {office.signing_time:%d.%m.%Y}" if office and office.signing_time else ""
            return (f"{OLDER}{when} von »{self.issued.entry.title}«; ihre Unterschriften zählen nicht, "
                    "die aktuelle Ausgabe muss unterschrieben werden")
        if self.match == DAMAGED:
            return f"{DAMAGED}: {self.report.office.problem}"
        return f"{FOREIGN} (keine Signatur der Geschäftsstelle zu einem ausgegebenen Dokument)"


@dataclass(frozen=True)
class Signature:
    """The best signature found for one field over all copies."""

    status: FieldStatus
    file: Path


@dataclass(frozen=True)
class ProjectState:
    """All copies of one Projektauftrag combined."""

    issued: Issued
    fields: tuple[tuple[str, Signature | None], ...]
    """Field label → the valid signature found for it (None: missing)."""
    invalid: tuple[tuple[str, Path], ...] = ()
    """Fields for which only invalid signatures were found."""

    @property
    def project(self) -> str:
        return self.issued.entry.project or self.issued.entry.title

    @property
    def signed(self) -> list[str]:
        return [label for label, s in self.fields if s is not None]

    @property
    def missing(self) -> list[str]:
        return [label for label, s in self.fields if s is None]

    def line(self) -> str:
        text = f"{self.project}: {len(self.signed)} von {len(self.fields)} unterschrieben"
        if self.missing:
            text += "; es fehlen: " + ", ".join(_short(m) for m in self.missing)
        if self.invalid:
            text += "; UNGÜLTIG: " + ", ".join(_short(label) for label, _ in self.invalid)
        return text


@dataclass(frozen=True)
class Ruecklauf:
    """The result: every returned file and every Projektauftrag."""

    files: tuple[Returned, ...]
    projects: tuple[ProjectState, ...]
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """No invalid signature among the counted copies."""
        return not any(p.invalid for p in self.projects) and not any(r.match == DAMAGED for r in self.files)


def issued_documents(run_folder: Path, roots: Sequence[Path], demo_roots: Sequence[Path]) -> list[Issued]:
    """The signed PDFs of the last run in `run_folder` (from its manifest)."""
    manifest = Manifest.load(run_folder / "manifest.json")
    if manifest is None:
        raise RuecklaufError(
            f"Im Ausgabeordner {run_folder}/ gibt es keine Übersicht (manifest.json) eines Laufs. "
            "Zuerst »make report« ausführen: der Rücklauf vergleicht mit den ausgegebenen Dokumenten.",
            Location(file=run_folder),
        )
    issued = []
    for entry in manifest.entries:
        path = run_folder / entry.path
        if not entry.path.endswith(".pdf") or not path.is_file():
            continue
        report = verify(path, roots, demo_roots)
        digest = _office_digest(path, report)
        if digest is not None:
            issued.append(Issued(entry=entry, digest=digest, report=report))
    return issued


def collect(folders: Sequence[Path], issued: Sequence[Issued], roots: Sequence[Path],
            demo_roots: Sequence[Path]) -> Ruecklauf:
    """Match every PDF below `folders` and combine the signatures per Projektauftrag."""
    by_digest = {i.digest: i for i in issued}
    by_title = {i.report.title: i for i in issued if i.report.title}
    files: list[Returned] = []
    seen: set[str] = set()
    for folder in folders:
        for path in sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() == ".pdf" and p.is_file()):
            content = hashlib.sha256(path.read_bytes()).hexdigest()
            if content in seen:  # the same copy twice (e.g. also kept by the run)
                continue
            seen.add(content)
            files.append(_match(path, by_digest, by_title, roots, demo_roots))

    projects = []
    for doc in issued:
        if not doc.report.persons:
            continue
        copies = [(doc.report, doc.report.file)] + [
            (r.report, r.file) for r in files if r.match == CURRENT and r.issued is doc
        ]
        projects.append(_combine(doc, copies))
    return Ruecklauf(files=tuple(files), projects=tuple(projects))


def _match(path: Path, by_digest, by_title, roots, demo_roots) -> Returned:
    try:
        report = verify(path, roots, demo_roots)
    except InputError:
        raise
    except Exception:
        return Returned(file=path, report=VerifyReport(file=path, fields=()), match=FOREIGN)
    office = report.office
    if office is None:
        return Returned(file=path, report=report, match=FOREIGN)
    digest = _office_digest(path, report)
    if digest in by_digest:
        if not office.intact:
            return Returned(file=path, report=report, match=DAMAGED, issued=by_digest[digest])
        return Returned(file=path, report=report, match=CURRENT, issued=by_digest[digest])
    if report.title in by_title:
        if not office.intact:
            return Returned(file=path, report=report, match=DAMAGED, issued=by_title[report.title])
        return Returned(file=path, report=report, match=OLDER, issued=by_title[report.title])
    return Returned(file=path, report=report, match=FOREIGN)


def _combine(doc: Issued, copies: list[tuple[VerifyReport, Path]]) -> ProjectState:
    best: dict[str, Signature] = {}
    invalid: dict[str, Path] = {}
    for report, file in copies:
        for f in report.persons:
            if not f.signed:
                continue
            if not f.intact:
                invalid.setdefault(f.label, file)
                continue
            known = best.get(f.label)
            if known is None or (f.signing_time and known.status.signing_time
                                 and f.signing_time < known.status.signing_time):
                best[f.label] = Signature(status=f, file=file)
    labels = [f.label for f in doc.report.persons]
    return ProjectState(
        issued=doc,
        fields=tuple((label, best.get(label)) for label in labels),
        invalid=tuple((label, file) for label, file in invalid.items() if label not in best),
    )


def _office_digest(path: Path, report: VerifyReport) -> str | None:
    """sha256 of the revision the office signed (the file as the run delivered it)."""
    office = report.office
    if office is None or office.covered_length is None:
        return None
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read(office.covered_length)).hexdigest()


def _short(label: str) -> str:
    return label.removeprefix("Unterschrift ").strip()


# Writing the results


def overview_rows(result: Ruecklauf, kommune_of: dict[str, str]) -> list[list]:
    """One row per Projektauftrag and field: the Rücklauf overview's data."""
    rows = []
    for state in result.projects:
        for label, sig in state.fields:
            invalid = dict(state.invalid).get(label)
            status = "unterschrieben" if sig else ("UNGÜLTIG" if invalid else "fehlt")
            f = sig.status if sig else None
            rows.append([
                state.project, state.issued.entry.title, kommune_of.get(label, _short(label)), status,
                f.signing_time.astimezone().date() if f and f.signing_time else None,
                f.signer if f else None, f.organisation if f else None,
                ("ja" if f.trusted else "nein") if f else None,
                str(sig.file if sig else invalid or ""),
            ])
    return rows


OVERVIEW_HEADERS = ["Projekt-ID", "Dokument", "Kommune", "Stand", "Unterzeichnet am", "Unterzeichnet von",
                    "Organisation (Zertifikat)", "Zertifikat vertrauenswürdig", "Datei"]


def write_overview(path: Path, result: Ruecklauf, kommune_of: dict[str, str]) -> Path:
    """The Rücklauf overview as .xlsx (an Excel table, one row per project and Kommune)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.table import Table, TableStyleInfo

    from .fsutil import write_atomic

    wb = Workbook()
    ws = wb.active
    ws.title = "Rücklauf"
    ws.append(OVERVIEW_HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    rows = overview_rows(result, kommune_of)
    for row in rows:
        ws.append(row)
    for row in ws.iter_rows(min_row=2, min_col=5, max_col=5):
        row[0].number_format = "DD.MM.YYYY"
    for letter, width in zip("ABCDEFGHI", (16, 50, 26, 15, 16, 24, 30, 14, 60)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    if rows:
        table = Table(displayName="tblRuecklauf", ref=f"A1:I{len(rows) + 1}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(table)
    import io

    buffer = io.BytesIO()
    wb.save(buffer)
    return write_atomic(path, buffer.getvalue())


def workbook_copy(workbook: Path, result: Ruecklauf, kommune_key_of: dict[str, str], today: dt.date) -> tuple[Path, int]:
    """A new copy of the workbook with »Unterzeichnet am« filled where it is empty and a valid
    signature was found. The original is never touched. Returns (copy, cells filled)."""
    import io

    from openpyxl import load_workbook

    from . import schema
    from .fsutil import write_atomic
    from .workbook import read_workbook

    raw = read_workbook(workbook)
    found: dict[tuple[str, str], dt.date] = {}
    for state in result.projects:
        for label, sig in state.fields:
            key = kommune_key_of.get(label)
            if sig is not None and key and sig.status.signing_time and state.issued.entry.project:
                found[(state.issued.entry.project, key)] = sig.status.signing_time.astimezone().date()
    sheet = schema.sheet("Beteiligung")
    wb = load_workbook(workbook)
    ws = wb[sheet.name]
    filled = 0
    for row in raw.rows.get(sheet.name, ()):
        projekt, kommune = row.cells.get("projekt"), row.cells.get("kommune")
        target = row.cells.get("unterzeichnet")
        if not projekt or not kommune or target is None or not target.coordinate or target.value not in (None, ""):
            continue
        date = found.get((str(projekt.value).strip(), str(kommune.value).strip()))
        if date is not None:
            ws[target.coordinate].value = date
            ws[target.coordinate].number_format = "DD.MM.YYYY"
            filled += 1
    copy = _free_name(workbook.with_name(f"{workbook.stem}-ruecklauf-{today:%Y-%m-%d}.xlsx"))
    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomic(copy, buffer.getvalue())
    return copy, filled


def _free_name(path: Path) -> Path:
    n = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate
