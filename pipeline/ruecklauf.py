"""Rücklauf: which returned PDFs are which issued document, and who has signed.

Staff drop whatever came back into one folder, under any names: one copy signed
by several councils in turn, each council's own copy, or both. A returned file
is recognised by the edition stamp in the revision the office signed
(`edition.py`): the digest of what the councils agree to. A signature counts
on any copy of the current edition, whenever and however that copy was issued
(a run with ``--force``, a renewed office certificate, a timestamp service, the
workbook copy with »Unterzeichnet am«, last year's run). A copy of another
edition of the same document is an older edition, and the Rücklauf names what
changed since. A file without an office signature is foreign.

What counts is gathered from everywhere a signature may lie: the folder staff
name, the copies kept in ``outputs/ruecklauf/`` (earlier Rücklauf runs archive
every signed copy there, and a run keeps files signed in place), and issued
files in the run folders that were signed in place. So the Rücklauf and
``verify --arbeitsmappe`` count the same, with the same function (`collect`).

The count per document follows its kind's `SigningRule`: every participating
Dienststellenleitung, signed either in a copy or, as recorded in the workbook,
with »Unterzeichnet am«. By default only documents still in their signature
round are listed. Nothing here changes the workbook; `workbook_copy` writes a
new file beside it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .digest import sha256_bytes, sha256_file
from .edition import EditionRecord, changes, read_stamp
from .errors import InputError, Location
from .fsutil import write_atomic
from .german import datum
from .kinds import SigningRule, document_kind
from .model import IKZData, Kommune, Project
from .sign.verification import FieldStatus, VerifyReport, verify
from .store import ARCHIVE, MANIFEST, Manifest, ManifestEntry

CURRENT = "aktuelle Ausgabe"
OLDER = "ältere Ausgabe"
OTHER = "nicht zur Unterschrift"
FOREIGN = "fremde Datei"
DAMAGED = "Signatur der Geschäftsstelle ungültig"

INBOX = "eingang"
"""Subfolder of a workbook's archive with the copies the Rücklauf archived."""
OVERVIEW = "Ruecklauf.xlsx"
"""The overview for staff in a workbook's archive (`write_overview`)."""
SUMMARY = "stand.json"
"""The last evaluation's lines per project, beside the overview (`write_summary`): what the web overview shows,
whichever front end evaluated."""


class RuecklaufError(InputError):
    """The Rücklauf cannot start: no run to compare with, or no folder."""


@dataclass(frozen=True)
class Target:
    """A document of a signed kind that the workbook's last run issued: what a signature must be on."""

    entry: ManifestEntry
    """Its manifest entry (kind, title, project, path, edition)."""
    project: Project
    """The project, as the workbook says now."""
    rule: SigningRule
    """Its kind's signing rule."""

    @property
    def edition(self) -> str | None:
        return self.entry.edition

    @property
    def open(self) -> bool:
        """The document is in its signature round."""
        return self.rule.round_open(self.project)


@dataclass(frozen=True)
class Returned:
    """One PDF and what it turned out to be."""

    file: Path
    report: VerifyReport
    match: str
    """`CURRENT`, `OLDER`, `OTHER`, `FOREIGN` or `DAMAGED`."""
    target: Target | None = None
    """The document it is a copy of (for `OLDER`: the current edition of the same document)."""
    title: str = ""
    """For `OTHER`: what it is."""
    issued: str | None = None
    """For `OLDER`: when its edition was issued (ISO date), when known."""
    changed: tuple[str, ...] = ()
    """For `OLDER`: what changed since its edition, when known."""

    @property
    def counts(self) -> bool:
        """Its signatures count for a document open for signing."""
        return self.match == CURRENT and self.target is not None

    def describe(self) -> str:
        if self.match in (CURRENT, OLDER):
            assert self.target is not None  # a current or older edition is one of a document of the run
        if self.match == CURRENT and self.target is not None:
            return f"{self.target.entry.title} ({CURRENT})"
        if self.match == OLDER and self.target is not None:
            when = f" vom {datum(dt.date.fromisoformat(self.issued))}" if self.issued else ""
            what = (f"; seitdem geändert: {', '.join(self.changed)}" if self.changed else
                    "; was sich seitdem geändert hat, ist nicht mehr bekannt" if not self.issued else "")
            return (f"{OLDER}{when} von »{self.target.entry.title}«{what}. Ihre Unterschriften zählen nicht; "
                    "die aktuelle Ausgabe muss unterschrieben werden")
        if self.match == OTHER:
            return f"{self.title or self.report.title or 'Dokument der Geschäftsstelle'} ({OTHER})"
        if self.match == DAMAGED and self.report.office is not None:
            return f"{DAMAGED}: {self.report.office.problem}"
        return f"{FOREIGN} (keine Signatur der Geschäftsstelle zu einem ausgegebenen Dokument)"


@dataclass(frozen=True)
class SignerState:
    """One Dienststellenleitung of one document: signed, recorded, invalid or missing."""

    kommune: Kommune
    label: str
    """The signature line (and field label): »Unterschrift Stadt Raunheim«."""
    signature: FieldStatus | None = None
    """The earliest valid signature found in any copy of the current edition."""
    file: Path | None = None
    """The copy that holds `signature` (or, when only invalid ones were found, one of them)."""
    recorded: dt.date | None = None
    """»Unterzeichnet am« in the workbook."""
    invalid: bool = False
    """Only invalid signatures were found for this field."""

    @property
    def signed(self) -> bool:
        return self.signature is not None or self.recorded is not None

    @property
    def state(self) -> str:
        if self.signature is not None:
            return "unterschrieben"
        if self.recorded is not None:
            return "unterschrieben (laut Arbeitsmappe)"
        return "UNGÜLTIG" if self.invalid else "fehlt"

    @property
    def date(self) -> dt.date | None:
        if self.signature is not None and self.signature.signing_time is not None:
            return self.signature.signing_time.astimezone().date()
        return self.recorded


@dataclass(frozen=True)
class ProjectState:
    """All copies of one document combined."""

    target: Target
    signers: tuple[SignerState, ...]

    @property
    def project(self) -> str:
        return self.target.project.id

    @property
    def signed(self) -> list[SignerState]:
        return [s for s in self.signers if s.signed]

    @property
    def missing(self) -> list[SignerState]:
        return [s for s in self.signers if not s.signed]

    @property
    def invalid(self) -> list[SignerState]:
        return [s for s in self.signers if s.invalid and not s.signed]

    def line(self) -> str:
        text = f"{self.project}: {len(self.signed)} von {len(self.signers)} unterschrieben"
        if self.missing:
            text += "; es fehlen: " + ", ".join(s.kommune.name for s in self.missing)
        if self.invalid:
            text += "; UNGÜLTIG: " + ", ".join(s.kommune.name for s in self.invalid)
        if not self.target.open:
            text += " (nicht mehr zur Unterschrift offen)"
        return text


@dataclass(frozen=True)
class Ruecklauf:
    """The result: the files looked at, and every listed document."""

    files: tuple[Returned, ...]
    """The files of the folders staff named, in order."""
    counted: int
    """How many other copies (archived, signed in place) were counted too."""
    projects: tuple[ProjectState, ...]
    """The documents listed: by default those open for signing."""
    hidden: int = 0
    """Documents not listed because they are no longer open for signing."""
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """No invalid signature: neither in a file staff handed in nor among the counted copies."""
        return (not any(p.invalid for p in self.projects)
                and not any(r.match == DAMAGED or not r.report.ok for r in self.files))


# ---------------------------------------------------------------------------
# what was issued


def load_run(run_folder: Path) -> Manifest:
    """The manifest of the workbook's last run; RuecklaufError when there is none."""
    manifest = Manifest.load(run_folder / MANIFEST)
    if manifest is None:
        raise RuecklaufError(
            f"Im Ausgabeordner {run_folder}/ gibt es keine Übersicht (manifest.json) eines Laufs. "
            "Zuerst »make report« ausführen: der Rücklauf vergleicht mit den ausgegebenen Dokumenten.",
            Location(file=run_folder),
        )
    return manifest


def targets(data: IKZData, manifest: Manifest) -> list[Target]:
    """The documents of a signed kind in the run, with the workbook's projects."""
    found = []
    for entry in manifest.entries:
        rule = _rule(entry.kind)
        if rule is None or entry.project is None:
            continue
        try:
            project = data.projekt(entry.project)
        except KeyError:
            continue
        found.append(Target(entry=entry, project=project, rule=rule))
    return found


def _rule(kind: str) -> SigningRule | None:
    try:
        return document_kind(kind).signing
    except ValueError:
        return None


def edition_records(outputs: Path) -> dict[str, EditionRecord]:
    """Every edition any run in `outputs` issued, by digest (to say what changed since a year later)."""
    records: dict[str, EditionRecord] = {}
    for path in sorted(Path(outputs).glob(f"*/{MANIFEST}")):
        manifest = Manifest.load(path)
        if manifest is not None:
            for record in manifest.editions:
                records.setdefault(record.digest, record)
    return records


def kept_copies(outputs: Path) -> list[Path]:
    """Where collected signatures lie besides a returned folder: every copy kept in the archive (any
    workbook: an edition may outlive its year), and every issued PDF of a signed kind that changed since
    its run (a council signed it in place)."""
    outputs = Path(outputs)
    found = sorted(p for p in (outputs / ARCHIVE).rglob("*") if p.suffix.lower() == ".pdf" and p.is_file())
    for path in sorted(outputs.glob(f"*/{MANIFEST}")):
        manifest = Manifest.load(path)
        for entry in manifest.entries if manifest is not None else ():
            pdf = path.parent / entry.path
            if _rule(entry.kind) is not None and pdf.is_file() and sha256_file(pdf) != entry.sha256:
                found.append(pdf)
    return found


# ---------------------------------------------------------------------------
# matching and combining


@dataclass
class _Matcher:
    """Recognises files as copies of the run's documents."""

    targets: Sequence[Target]
    records: dict[str, EditionRecord]
    roots: Sequence[Path]
    demo_roots: Sequence[Path]
    run_folder: Path
    _legacy: dict[str, Target] | None = None

    def __post_init__(self):
        self.by_edition = {t.edition: t for t in self.targets if t.edition}
        self.by_document = {(t.entry.kind, t.entry.project): t for t in self.targets}
        self.by_title = {t.entry.title: t for t in self.targets}

    def match(self, path: Path) -> Returned:
        try:
            report = verify(path, self.roots, self.demo_roots)
        except Exception:
            return Returned(file=path, report=VerifyReport(file=path, fields=()), match=FOREIGN)
        office = report.office
        if office is None:
            return Returned(file=path, report=report, match=FOREIGN)
        stamp = read_stamp(path, office.covered_length)
        if stamp is None:  # issued before editions were stamped: the office's revision, byte for byte
            target = self.legacy().get(_revision_digest(path, office.covered_length))
            if not office.intact:
                return Returned(file=path, report=report, match=DAMAGED, target=target)
            if target is not None:
                return Returned(file=path, report=report, match=CURRENT, target=target)
            if report.title in self.by_title:
                return Returned(file=path, report=report, match=OLDER, target=self.by_title[report.title])
            return Returned(file=path, report=report, match=OTHER, title=report.title)
        if not office.intact:
            return Returned(file=path, report=report, match=DAMAGED, target=self.by_edition.get(stamp.digest))
        if stamp.digest in self.by_edition:
            return Returned(file=path, report=report, match=CURRENT, target=self.by_edition[stamp.digest])
        current = self.by_document.get((stamp.kind, stamp.project))
        if current is None:
            return Returned(file=path, report=report, match=OTHER, title=report.title)
        old, new = self.records.get(stamp.digest), self.records.get(current.edition or "")
        return Returned(file=path, report=report, match=OLDER, target=current,
                        issued=old.issued if old else None,
                        changed=tuple(changes(old.content, new.content, current.rule.labels)) if old and new else ())

    def legacy(self) -> dict[str, Target]:
        """The office's revision digest of each target as it lies in the run folder (files issued before
        editions were stamped are recognised by it)."""
        if self._legacy is None:
            self._legacy = {}
            for t in self.targets:
                pdf = self.run_folder / t.entry.path
                if pdf.is_file():
                    office = verify(pdf, self.roots, self.demo_roots).office
                    if office is not None:
                        self._legacy[_revision_digest(pdf, office.covered_length)] = t
        return self._legacy


def _revision_digest(path: Path, length: int | None) -> str:
    data = Path(path).read_bytes()
    return sha256_bytes(data[:length] if length is not None else data)


def collect(data: IKZData, run_folder: Path, folders: Sequence[Path], roots: Sequence[Path],
            demo_roots: Sequence[Path] = (), *, outputs: Path | None = None, every: bool = False) -> Ruecklauf:
    """Match every PDF below `folders`, count it together with the copies kept in `outputs` (default: the
    run folder's parent), and combine the signatures per document. `every`: list the documents no
    longer open for signing too."""
    run_folder = Path(run_folder)
    outputs = Path(outputs) if outputs is not None else run_folder.parent
    manifest = load_run(run_folder)
    matcher = _Matcher(targets(data, manifest), edition_records(outputs), roots, demo_roots, run_folder)
    seen: set[str] = set()

    def fresh(paths: Iterable[Path]) -> list[Path]:
        new = []
        for path in paths:
            digest = sha256_file(path)
            if digest not in seen:  # the same copy twice (e.g. also archived)
                seen.add(digest)
                new.append(path)
        return new

    files = [matcher.match(p) for folder in folders for p in fresh(
        sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() == ".pdf" and p.is_file()))]
    others = [r for r in (matcher.match(p) for p in fresh(kept_copies(outputs))) if r.counts]
    copies = [r for r in files if r.counts] + others
    listed = [t for t in matcher.targets if every or t.open]
    projects = tuple(_combine(data, t, [r for r in copies if r.target is t]) for t in listed)
    return Ruecklauf(files=tuple(files), counted=len(others), projects=projects,
                     hidden=len(matcher.targets) - len(listed))


def _combine(data: IKZData, target: Target, copies: Sequence[Returned]) -> ProjectState:
    from .content.kommunen import signature_line

    best: dict[str, tuple[FieldStatus, Path]] = {}
    invalid: dict[str, Path] = {}
    for copy in copies:
        for f in copy.report.persons:
            if not f.signed:
                continue
            if not f.intact:
                invalid.setdefault(f.label, copy.file)
                continue
            known = best.get(f.label)
            if known is None or (f.signing_time and known[0].signing_time and f.signing_time < known[0].signing_time):
                best[f.label] = (f, copy.file)
    states = []
    for part in target.rule.signers(target.project):
        kommune = data.kommune(part.kommune)
        label = signature_line(kommune)
        found = best.get(label)
        states.append(SignerState(
            kommune=kommune, label=label, signature=found[0] if found else None,
            file=found[1] if found else invalid.get(label), recorded=target.rule.recorded(part),
            invalid=found is None and label in invalid))
    return ProjectState(target=target, signers=tuple(states))


def archive(result: Ruecklauf, folder: Path) -> list[Path]:
    """Keep a copy of every handed-in file that is a copy of an issued document and carries a
    signature of a Dienststellenleitung, in `folder` (once per content, never overwritten): what was
    collected keeps counting when the inbox is cleared. Returns the new copies."""
    folder = Path(folder)
    present = {sha256_file(p) for p in folder.glob("*.pdf")} if folder.is_dir() else set()
    made = []
    for r in result.files:
        if r.match not in (CURRENT, OLDER) or not any(f.signed for f in r.report.persons):
            continue
        content = r.file.read_bytes()
        digest = sha256_bytes(content)
        if digest in present:
            continue
        present.add(digest)
        made.append(write_atomic(_free_name(folder / f"{r.file.stem}-{digest[:8]}.pdf"), content))
    return made


# ---------------------------------------------------------------------------
# writing the results


OVERVIEW_HEADERS = ["Projekt-ID", "Dokument", "Kommune", "Stand", "Unterzeichnet am", "Unterzeichnet von",
                    "Organisation (Zertifikat)", "Zertifikat vertrauenswürdig", "Datei"]


def overview_rows(result: Ruecklauf) -> list[list]:
    """One row per listed document and Dienststellenleitung: the Rücklauf overview's data."""
    rows = []
    for state in result.projects:
        for s in state.signers:
            f = s.signature
            rows.append([
                state.project, state.target.entry.title, s.kommune.name, s.state, s.date,
                f.signer if f else None, f.organisation if f else None,
                ("ja" if f.trusted else "nein") if f else None,
                str(s.file or ""),
            ])
    return rows


def write_overview(path: Path, result: Ruecklauf) -> Path:
    """The Rücklauf overview as .xlsx (an Excel table, one row per document and Kommune)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.table import Table, TableStyleInfo

    wb = Workbook()
    ws = wb.active
    ws.title = "Rücklauf"
    ws.append(OVERVIEW_HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    rows = overview_rows(result)
    for row in rows:
        ws.append(row)
    for row in ws.iter_rows(min_row=2, min_col=5, max_col=5):
        row[0].number_format = "DD.MM.YYYY"
    for letter, width in zip("ABCDEFGHI", (16, 50, 26, 30, 16, 24, 30, 14, 60)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    if rows:
        table = Table(displayName="tblRuecklauf", ref=f"A1:I{len(rows) + 1}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(table)
    buffer = io.BytesIO()
    wb.save(buffer)
    return write_atomic(path, buffer.getvalue())


@dataclass(frozen=True)
class Summary:
    """The state of the signatures after the last evaluation (`make ruecklauf` or the web page)."""

    at: dt.datetime
    """When it was evaluated (local time, with its offset)."""
    lines: tuple[str, ...]
    """One line per project open for signing, as the Rücklauf prints it (»KI-SYSTEME: 1 von 12 unterschrieben; …«)."""


def write_summary(path: Path, result: Ruecklauf) -> Path:
    """Record `result`'s lines per project with the time (JSON), for the web overview."""
    import json

    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    lines = [state.line() for state in result.projects]
    return write_atomic(path, json.dumps({"at": now, "lines": lines}, ensure_ascii=False, indent=1).encode("utf-8"))


def read_summary(path: Path) -> Summary | None:
    """The summary `write_summary` recorded; None when there is none or it cannot be read."""
    import json

    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return Summary(dt.datetime.fromisoformat(raw["at"]), tuple(str(line) for line in raw["lines"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record(folder: Path, result: Ruecklauf) -> Path:
    """The overview and the summary of `result` in a workbook's archive `folder`, as both front ends keep them;
    returns the overview's path."""
    write_summary(folder / SUMMARY, result)
    return write_overview(folder / OVERVIEW, result)


def workbook_copy(workbook: Path, result: Ruecklauf, today: dt.date) -> tuple[Path, int]:
    """A new copy of the workbook with »Unterzeichnet am« filled where it is empty and a valid
    signature was found. The original is never touched. Returns (copy, cells filled)."""
    from openpyxl import load_workbook

    from . import schema
    from .workbook import read_workbook

    raw = read_workbook(workbook)
    found: dict[tuple[str, str, str], dt.date] = {}  # (column, project, Kommune) → date of the signature
    for state in result.projects:
        for s in state.signers:
            if s.signature is not None and s.recorded is None and s.date is not None:
                found[(state.target.rule.column.field, state.project, s.kommune.key)] = s.date
    sheet = schema.sheet(schema.SIGNATURES_SHEET)
    wb = load_workbook(workbook)
    ws = wb[sheet.name]
    filled = 0
    for row in raw.rows.get(sheet.name, ()):
        projekt, kommune = row.cells.get("projekt"), row.cells.get("kommune")
        if not projekt or not kommune:
            continue
        for column in {key[0] for key in found}:
            target = row.cells.get(column)
            if target is None or not target.coordinate or target.value not in (None, ""):
                continue  # the column is not in this workbook, or a date is recorded already
            date = found.get((column, str(projekt.value).strip(), str(kommune.value).strip()))
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
