"""Read the .xlsx workbook into raw rows with their cell locations; no business rules.

The reader is careful with untrusted files: it checks the container before
openpyxl sees it (size, zip bombs, encrypted or legacy files), parses XML
through defusedxml (openpyxl uses it when installed), never evaluates
formulas (it takes Excel's cached values) and reports structural problems
(missing sheets or columns, merged cells, formulas without value) as
:class:`~pipeline.errors.Problem` records instead of failing on the first.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING

from . import (
    kinds,  # noqa: F401 (registers the signed kinds' columns in the schema)
    schema,
)
from .digest import sha256_file
from .errors import Location, Problem, Severity, WorkbookError

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_MEMBERS = 5_000
MAX_RATIO = 200
MAX_ROWS = 20_000
MAX_COLUMNS = 200

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class RawCell:
    """A cell's value as stored, with its coordinate (e.g. D14)."""

    value: object
    coordinate: str


@dataclass(frozen=True)
class RawRow:
    """One data row of a sheet: field name → cell."""

    sheet: str
    row: int
    cells: dict[str, RawCell]

    def location(self, file: Path, field_name: str) -> Location:
        col = schema.sheet(self.sheet).column(field_name)
        return Location(file, self.sheet, self.cells[field_name].coordinate, col.header)


@dataclass(frozen=True)
class RawWorkbook:
    """Everything read from the file, before validation."""

    path: Path
    sha256: str
    rows: dict[str, tuple[RawRow, ...]]
    problems: tuple[Problem, ...]


def _norm_header(text: object) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().casefold()


def excel_lock(path: Path) -> Path | None:
    """Excel's lock file beside the workbook (»~$name.xlsx«) while it is open, else None."""
    lock = Path(path).with_name("~$" + Path(path).name)
    return lock if lock.exists() else None


def require_closed(path: Path) -> None:
    """Stop before anything is done while Excel has the workbook open: unsaved changes would be missing."""
    lock = excel_lock(path)
    if lock is not None:
        raise WorkbookError(
            f"Die Arbeitsmappe ist gerade in Excel geöffnet (Sperrdatei »{lock.name}«). Bitte in Excel speichern "
            "und schließen, dann erneut starten. Ist Excel schon geschlossen, die Sperrdatei löschen, oder mit "
            "ARGS=--trotz-sperrdatei den zuletzt gespeicherten Stand verwenden.",
            Location(Path(path)),
        )


def _workbooks_nearby(path: Path) -> str:
    """Which workbooks there are where staff keep them (inputs/) and in the folder named."""
    folders = [f for f in dict.fromkeys((Path("inputs"), path.parent)) if f.is_dir()]
    for folder in folders:
        found = sorted(p.name for p in folder.glob("*.xlsx") if not p.name.startswith("~$"))
        if found:
            shown = ", ".join(found[:10]) + (f" und {len(found) - 10} weitere" if len(found) > 10 else "")
            return f"Arbeitsmappen in {folder.absolute()}: {shown}."
    return "Bitte den Pfad prüfen; Arbeitsmappen liegen üblicherweise im Ordner inputs/."


DAMAGED = ("Die Datei ist beschädigt oder keine Excel-Arbeitsmappe. "
           "Bitte in Excel öffnen und als »Excel-Arbeitsmappe (*.xlsx)« neu speichern.")


def check_container(path: Path) -> None:
    """Reject files that are not a plausible, harmless .xlsx before parsing them."""
    loc = Location(path)
    if path.name.startswith("~$"):
        raise WorkbookError(
            "Das ist die Sperrdatei, die Excel beim Öffnen anlegt, nicht die Arbeitsmappe. "
            f"Bitte die Datei ohne »~$« angeben: {path.name[2:]}",
            loc,
        )
    if not path.exists():
        raise WorkbookError(f"Die Arbeitsmappe gibt es nicht ({path.absolute()}). {_workbooks_nearby(path)}", loc)
    if path.is_dir():
        raise WorkbookError("Das ist ein Ordner, keine Arbeitsmappe.", loc)
    size = path.stat().st_size
    if size == 0:
        raise WorkbookError("Die Datei ist leer.", loc)
    if size > MAX_FILE_BYTES:
        raise WorkbookError(
            f"Die Datei ist mit {size // (1024 * 1024)} MB zu groß (höchstens {MAX_FILE_BYTES // (1024 * 1024)} MB).", loc
        )
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        raise WorkbookError(
            "Die Datei ist mit einem Kennwort geschützt oder im alten .xls-Format gespeichert. "
            "Bitte in Excel ohne Kennwort als »Excel-Arbeitsmappe (*.xlsx)« speichern.",
            loc,
        )
    if not zipfile.is_zipfile(path):
        raise WorkbookError(
            DAMAGED,
            loc,
        )
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise WorkbookError(f"Die Datei enthält ungewöhnlich viele Teile ({len(infos)}); sie wird nicht gelesen.", loc)
            total = 0
            for info in infos:
                total += info.file_size
                if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 10 * 1024 * 1024:
                    raise WorkbookError("Die Datei ist auffällig stark komprimiert (»Zip-Bombe«); sie wird nicht gelesen.", loc)
            if total > MAX_UNPACKED_BYTES:
                raise WorkbookError("Die Datei ist entpackt zu groß; sie wird nicht gelesen.", loc)
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                raise WorkbookError(
                    "Die Datei ist keine Excel-Arbeitsmappe (.xlsx). Bitte in Excel als »Excel-Arbeitsmappe (*.xlsx)« speichern.",
                    loc,
                )
    except zipfile.BadZipFile as exc:
        raise WorkbookError(DAMAGED, loc) from exc


def _has_formulas(path: Path) -> bool:
    """True when any worksheet of the file stores a formula (<f> element)."""
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with zf.open(name) as fh:
                    tail = b""
                    for chunk in iter(lambda: fh.read(1 << 16), b""):
                        if re.search(rb"<(?:\w+:)?f[ >/]", tail + chunk):
                            return True
                        tail = chunk[-16:]
    return False


def _load(path: Path, data_only: bool):
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path, data_only=data_only, keep_links=False, keep_vba=False)


def read_workbook(path: Path | str) -> RawWorkbook:
    """Read all schema sheets; raise WorkbookError only if the file is unreadable."""
    path = Path(path)
    check_container(path)
    digest = sha256_file(path)
    try:
        values_wb = _load(path, data_only=True)
        # A second pass that sees formulas is only needed when the file has any.
        formula_wb = _load(path, data_only=False) if _has_formulas(path) else values_wb
    except WorkbookError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on broken files; the detail is for --traceback
        raise WorkbookError(DAMAGED, Location(path)) from exc

    problems: list[Problem] = []
    lock = excel_lock(path)
    if lock is not None:
        problems.append(
            Problem(
                Location(path),
                "Die Arbeitsmappe ist offenbar gerade in Excel geöffnet (Sperrdatei »" + lock.name + "« gefunden). "
                "Gelesen wird der zuletzt gespeicherte Stand – ungespeicherte Änderungen fehlen.",
                Severity.WARNING,
            )
        )

    rows: dict[str, tuple[RawRow, ...]] = {}
    present = {_norm_header(n): n for n in values_wb.sheetnames}
    for sheet_def in schema.sheets():
        actual = present.get(_norm_header(sheet_def.name))
        if actual is None:
            close = get_close_matches(sheet_def.name, values_wb.sheetnames, n=1)
            hint = f" Gibt es ein umbenanntes Blatt »{close[0]}«?" if close else ""
            problems.append(
                Problem(Location(path, sheet_def.name), f"Das Blatt »{sheet_def.name}« fehlt.{hint}",
                        allowed="die Blätter einer mit »new-workbook« angelegten Arbeitsmappe")
            )
            rows[sheet_def.name] = ()
            continue
        rows[sheet_def.name] = _read_sheet(path, sheet_def, values_wb[actual], formula_wb[actual], problems)
    known = {_norm_header(s.name) for s in schema.sheets()} | {"anleitung", "listen"}
    for name in values_wb.sheetnames:
        if _norm_header(name) not in known:
            problems.append(Problem(Location(path, name), "Unbekanntes Blatt; es wird nicht gelesen.", Severity.WARNING))
    values_wb.close()
    if formula_wb is not values_wb:
        formula_wb.close()
    return RawWorkbook(path, digest, rows, tuple(problems))


@dataclass(frozen=True)
class _Header:
    """A sheet's header row (row 1) matched against the sheet's schema columns."""

    cells: dict[int, str]
    """Column index → header text, for every header cell that is not empty."""
    columns: dict[str, int]
    """Field name → column index, for the schema columns found."""
    missing: list[schema.Column]
    """Columns not found (the sheet is not read)."""
    absent: list[schema.Column]
    """Optional columns newer than the workbook: read as empty."""


def _read_sheet(path: Path, sheet_def: schema.Sheet, ws: Worksheet, fws: Worksheet,
                problems: list[Problem]) -> tuple[RawRow, ...]:
    """The data rows of one sheet (`ws` its values, `fws` its formulas); problems of its size, header row
    and cells are added to `problems`. Nothing is read from a sheet that is too large or lacks a column."""
    name = sheet_def.name
    if ws.max_row > MAX_ROWS + 1 or ws.max_column > MAX_COLUMNS:
        problems.append(
            Problem(
                Location(path, name),
                f"Das Blatt ist zu groß ({ws.max_row} Zeilen, {ws.max_column} Spalten).",
                allowed=f"höchstens {MAX_ROWS} Zeilen und {MAX_COLUMNS} Spalten",
            )
        )
        return ()
    header = _match_header(sheet_def, ws)
    _report_header(path, sheet_def, header, problems)
    if header.missing:
        return ()
    _report_merged_cells(path, name, ws, set(header.columns.values()), problems)
    return _data_rows(path, sheet_def, ws, fws, header, problems)


def _match_header(sheet_def: schema.Sheet, ws: Worksheet) -> _Header:
    """Map the schema's columns to the sheet's column indexes by their headers (spaces and case do not
    matter)."""
    cells: dict[int, str] = {}
    for idx in range(1, ws.max_column + 1):
        v = ws.cell(row=1, column=idx).value
        if v is not None and str(v).strip():
            cells[idx] = str(v)
    by_norm = {_norm_header(h): i for i, h in cells.items()}
    columns: dict[str, int] = {}
    missing: list[schema.Column] = []
    absent: list[schema.Column] = []
    for col in sheet_def.columns:
        at = by_norm.get(_norm_header(col.header))
        if at is None and col.may_be_absent:
            absent.append(col)
        elif at is None:
            missing.append(col)
        else:
            columns[col.field] = at
    return _Header(cells, columns, missing, absent)


def _report_header(path: Path, sheet_def: schema.Sheet, header: _Header, problems: list[Problem]) -> None:
    """Report the columns missing from the header row (naming the one that looks renamed), the optional
    columns the workbook is older than, and the columns the schema does not know."""
    from openpyxl.utils import get_column_letter

    name = sheet_def.name
    expected = {_norm_header(c.header) for c in sheet_def.columns}
    unknown = {i: h for i, h in header.cells.items() if _norm_header(h) not in expected}
    for col in header.missing:
        close = get_close_matches(col.header, list(unknown.values()), n=1, cutoff=0.5)
        where = None
        hint = ""
        if close:
            where = next(f"{get_column_letter(i)}1" for i, h in unknown.items() if h == close[0])
            hint = f" Die Spalte »{close[0]}« sieht umbenannt aus – bitte wieder »{col.header}« nennen."
        problems.append(
            Problem(
                Location(path, name, where, col.header),
                f"Die Spalte »{col.header}« fehlt in der Kopfzeile (Zeile 1).{hint}",
                value=close[0] if close else None,
                allowed=f"Spaltenüberschrift »{col.header}«",
            )
        )
    for col in header.absent:
        problems.append(
            Problem(
                Location(path, name, None, col.header),
                f"Die Spalte »{col.header}« fehlt (die Arbeitsmappe ist älter als diese Spalte); sie gilt als leer. "
                f"Zum Ergänzen die Überschrift »{col.header}« in Zeile 1 rechts neben die letzte Spalte schreiben.",
                Severity.WARNING,
            )
        )
    renamed = {m.header for m in header.missing}
    for i, h in unknown.items():
        if get_close_matches(h, list(renamed), n=1, cutoff=0.5):
            continue
        problems.append(
            Problem(
                Location(path, name, f"{get_column_letter(i)}1", h),
                "Zusätzliche Spalte; ihr Inhalt wird nicht verwendet.",
                Severity.WARNING,
            )
        )


def _report_merged_cells(path: Path, name: str, ws: Worksheet, used_cols: set[int], problems: list[Problem]) -> None:
    """Merged cells in the data area lose values silently: report them."""
    for rng in ws.merged_cells.ranges:
        if rng.max_row >= 2 and any(rng.min_col <= c <= rng.max_col for c in used_cols):
            problems.append(
                Problem(
                    Location(path, name, str(rng.coord)),
                    "Verbundene Zellen im Datenbereich. Bitte die Verbindung aufheben und jede Zelle einzeln füllen.",
                    allowed="keine verbundenen Zellen",
                )
            )


def _data_rows(path: Path, sheet_def: schema.Sheet, ws: Worksheet, fws: Worksheet, header: _Header,
               problems: list[Problem]) -> tuple[RawRow, ...]:
    """Every row below the header that is not empty (blank text counts as empty), with the schema's
    cells; a formula without a stored value is reported."""
    name = sheet_def.name
    result: list[RawRow] = []
    for r in range(2, ws.max_row + 1):
        cells: dict[str, RawCell] = {}
        empty = True
        for field_name, idx in header.columns.items():
            cell = ws.cell(row=r, column=idx)
            value = cell.value
            if isinstance(value, str) and not value.strip():
                value = None
            fcell = fws.cell(row=r, column=idx)
            if fcell.data_type == "f" and value is None:
                col = sheet_def.column(field_name)
                problems.append(
                    Problem(
                        Location(path, name, cell.coordinate, col.header),
                        "Die Zelle enthält eine Formel ohne gespeicherten Wert (die Datei wurde nicht mit Excel gespeichert). "
                        "Bitte die Arbeitsmappe in Excel öffnen und speichern oder den Wert direkt eintragen.",
                        value=str(fcell.value),
                    )
                )
                empty = False
            if value is not None:
                empty = False
            cells[field_name] = RawCell(value, cell.coordinate)
        for col in header.absent:
            cells[col.field] = RawCell(None, "")
        if not empty:
            result.append(RawRow(name, r, cells))
    return tuple(result)
