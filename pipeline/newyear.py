"""A new year from last year's workbook: the next report, with nothing of last year carried as this year's.

`roll_over` copies the workbook (every sheet, format, drop-down and table stays
as staff know it) and changes what belongs to a year:

* »Bericht«: the next Berichtsnummer; the period, the Stand moved by a year;
* »Berichtstexte«: a report number or period written out (»12. Zwischenbericht«,
  »November 2024 bis Oktober 2025«) becomes its field (»{Berichtsnummer}.
  Zwischenbericht«, »{Berichtszeitraum}«), which the program fills in;
* »Presse«, »Fördermittel«, »Projektberichte«: the rows of last year's period
  go (they were reported or delivered);
* »Projekte«: a project that ended by the end of last year's period leaves the
  annual report (»Im Jahresbericht« = nein).

Kommunen, projects, participations (with »Unterzeichnet am«), milestones and
texts stay. What staff must look at is returned as a checklist, by sheet and
cell. The previous workbook is never changed, the target never overwritten.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import period, schema
from .errors import InputError, Location
from .fsutil import write_atomic
from .german import datum

if TYPE_CHECKING:
    from openpyxl import Workbook

    from .model import IKZData, ReportSettings
    from .workbook import RawWorkbook

__all__ = ["NewYear", "NewYearError", "Review", "roll_over"]


class NewYearError(InputError):
    """The new workbook cannot be written (it exists already)."""


@dataclass(frozen=True)
class Review:
    """One thing staff must look at in the new workbook."""

    sheet: str
    cell: str | None
    text: str

    def __str__(self) -> str:
        return f"{self.sheet}{'!' + self.cell if self.cell else ''}: {self.text}"


@dataclass(frozen=True)
class NewYear:
    """What `roll_over` wrote."""

    path: Path
    nummer: int
    von: dt.date
    bis: dt.date
    stand: dt.date
    removed: dict[str, int] = field(default_factory=dict)
    """Rows taken out, by sheet."""
    fields: int = 0
    """Texts in which a report number or period was turned into a field."""
    review: tuple[Review, ...] = ()
    """The checklist."""


def _next_year(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year + 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year + 1, day=28)


def roll_over(previous: Path, target: Path) -> NewYear:
    """Write next year's workbook `target` from `previous` (see the module docstring). Raises
    NewYearError when `target` exists, and the workbook's own errors (ValidationError) when `previous`
    cannot be read."""
    from openpyxl import load_workbook

    from .validate import load
    from .workbook import read_workbook

    previous, target = Path(previous), Path(target)
    if target.exists():
        raise NewYearError(f"{target} gibt es schon; nichts wurde verändert. Einen anderen Namen wählen.",
                           Location(target))
    data, _ = load(previous)
    old = data.bericht
    von, bis, stand = old.bis + dt.timedelta(days=1), _next_year(old.bis), _next_year(old.stand)
    nummer = old.nummer + 1
    raw = read_workbook(previous)
    wb = load_workbook(previous)
    review: list[Review] = []

    review.append(_next_report(wb, raw, nummer, von, bis, stand))
    changed = _fields_in_texts(wb, raw, old, nummer, von, bis, review)
    removed = _drop_last_period(wb, raw, old, review)
    _leave_annual_report(wb, raw, old, review)
    review.extend(_reminders(data, bis))

    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomic(target, buffer.getvalue())
    load(target)  # the new workbook reads as a workbook; its warnings are for `check`
    return NewYear(path=target, nummer=nummer, von=von, bis=bis, stand=stand, removed=removed, fields=changed,
                   review=tuple(review))


def _next_report(wb: Workbook, raw: RawWorkbook, nummer: int, von: dt.date, bis: dt.date, stand: dt.date) -> Review:
    """»Bericht«: the next Berichtsnummer, the period and the Stand. Returns the reminder to set the Stand."""
    (bericht,) = raw.rows["Bericht"]
    for name, value in (("nummer", nummer), ("von", von), ("bis", bis), ("stand", stand)):
        ws = wb["Bericht"]
        ws[bericht.cells[name].coordinate].value = value
    return Review("Bericht", bericht.cells["stand"].coordinate,
                  f"Stand {datum(stand)} angenommen; vor dem Erzeugen auf das tatsächliche Datum setzen.")


def _fields_in_texts(wb: Workbook, raw: RawWorkbook, old: ReportSettings, nummer: int, von: dt.date, bis: dt.date,
                     review: list[Review]) -> int:
    """»Berichtstexte«: a report number or period written out becomes its field; a text that names a year
    of the old period or later is listed in `review`. Returns the number of texts changed."""
    changed = 0
    for row in raw.rows.get("Berichtstexte", ()):
        cell = row.cells["text"]
        if not isinstance(cell.value, str):
            continue
        text, found = period.replace_stale(cell.value, nummer, von, bis)
        if found:
            wb["Berichtstexte"][cell.coordinate].value = text
            changed += 1
        years = sorted({y for y in re.findall(r"\b(20\d\d)\b", _without_fields(text)) if int(y) >= old.von.year})
        if years:
            abschnitt = row.cells["abschnitt"].value
            review.append(Review("Berichtstexte", cell.coordinate,
                                 f"»{abschnitt}« nennt {' und '.join(years)}: für {bis.year} noch richtig?"))
    return changed


def _drop_last_period(wb: Workbook, raw: RawWorkbook, old: ReportSettings, review: list[Review]) -> dict[str, int]:
    """»Presse«, »Projektberichte«, »Fördermittel«: the rows of last year's period go (a Fördermittel only
    applied for is listed in `review`, as are press items without a date). Returns the rows taken out,
    by sheet."""
    removed: dict[str, int] = {}
    sheets: list[tuple[str, Callable[[dict], bool], Callable[[dict], str | None]]] = [
        ("Presse", lambda v: _until(v["datum"], old.bis), lambda v: None),
        ("Projektberichte", lambda v: v["datum"] is None or _until(v["datum"], old.bis), lambda v: None),
        ("Fördermittel",
         lambda v: _until(v["datum"], old.bis) or (v["datum"] is None and _year(v["jahr"]) <= old.bis.year),
         lambda v: (f"»{v['zweck']}« war im Vorjahr beantragt: wenn inzwischen bewilligt, eine Zeile mit Status "
                    "»bewilligt« und Datum anlegen.") if v["status"] == "beantragt" else None),
    ]
    for sheet, gone, note in sheets:
        count = _drop_rows(wb, raw, sheet, gone, note, review)
        if count:
            removed[sheet] = count
    undated = [r.cells["titel"].coordinate for r in raw.rows.get("Presse", ())
               if r.cells["datum"].value is None and r.cells["titel"].value]
    if undated:
        review.append(Review("Presse", ", ".join(undated),
                             f"{'Ein Eintrag' if len(undated) == 1 else f'{len(undated)} Einträge'} ohne Datum "
                             "(jeder steht jedes Jahr im Bericht): noch gewünscht? Neue Presse mit Datum eintragen."))
    return removed


def _drop_rows(wb: Workbook, raw: RawWorkbook, sheet: str, gone: Callable[[dict], bool],
               note: Callable[[dict], str | None], review: list[Review]) -> int:
    """Take the rows that are `gone` out of `sheet` (the others move up); what `note` says about a row
    that goes is listed in `review`. Returns the number of rows taken out."""
    rows = raw.rows.get(sheet, ())
    values = [{k: c.value for k, c in r.cells.items()} for r in rows]
    keep = [v for v in values if not gone(v)]
    for v in values:
        if gone(v) and (text := note(v)):
            review.append(Review(sheet, None, text))
    if len(keep) < len(values):
        _rewrite(wb[sheet], schema.sheet(sheet), keep, max(r.row for r in rows))
    return len(values) - len(keep)


def _leave_annual_report(wb: Workbook, raw: RawWorkbook, old: ReportSettings, review: list[Review]) -> None:
    """»Projekte«: a project that ended by the end of last year's period leaves the annual report; a
    completed project without an end date is listed in `review`."""
    for row in raw.rows.get("Projekte", ()):
        ende, aktuell = row.cells["ende"].value, row.cells["aktuell"].value
        in_report = str(aktuell).strip().casefold() in ("ja", "true", "1", "x") or aktuell is True
        if in_report and _until(ende, old.bis) and row.cells["status"].value != "laufend":
            wb["Projekte"][row.cells["aktuell"].coordinate].value = "nein"
            review.append(Review("Projekte", row.cells["aktuell"].coordinate,
                                 f"»{row.cells['id'].value}« endete {datum(_as_date(ende))}: nicht mehr im "
                                 "Jahresbericht (»Im Jahresbericht« = nein)."))
        elif in_report and ende is None and row.cells["status"].value in (
                "abgeschlossen", "abgeschlossen ohne Kooperation", "extern vergeben"):
            review.append(Review("Projekte", row.cells["ende"].coordinate,
                                 f"»{row.cells['id'].value}« ist abgeschlossen, aber ohne "
                                 f"{schema.sheet('Projekte').column('ende').header}: "
                                 "eintragen, damit der Jahresbericht es richtig einordnet."))


def _reminders(data: IKZData, bis: dt.date) -> list[Review]:
    """What staff update for every new year: the Sachstand of running projects, the Fortbildungen, the
    Lenkungsgruppe."""
    review = []
    for p in data.projekte:
        if p.status in ("laufend", "geplant") and p.aktuell:
            review.append(Review("Projekttexte", None, f"»{p.id}«: Sachstand für {bis.year} fortschreiben."))
    if data.fortbildungen:
        review.append(Review("Fortbildungen", None, "Teilnehmende und Kommunen für das neue Jahr prüfen."))
    if data.lenkungsgruppe:
        review.append(Review("Lenkungsgruppe", None, "Besetzung im neuen Berichtszeitraum prüfen."))
    return review


def _until(value: object, end: dt.date) -> bool:
    """True for a date (or date and time) on or before `end`."""
    return isinstance(value, (dt.date, dt.datetime)) and _as_date(value) <= end


def _without_fields(text: str) -> str:
    return re.sub(r"\{[^{}]*\}", "", text)


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _year(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _rewrite(ws, sheet: schema.Sheet, rows: list[dict], last_row: int) -> None:
    """Write `rows` as the sheet's data from row 2 on, clear the rows after them up to `last_row`, and fit
    the sheet's Excel table to them. Formats and drop-downs of the cells stay."""
    from openpyxl.utils import get_column_letter

    headers = {str(c.value).strip(): c.column for c in ws[1] if c.value}
    columns = [(col.field, headers[col.header]) for col in sheet.columns if col.header in headers]
    for r in range(2, last_row + 1):
        values = rows[r - 2] if r - 2 < len(rows) else {}
        for name, c in columns:
            ws.cell(row=r, column=c).value = values.get(name)
    if sheet.table in ws.tables:
        table = ws.tables[sheet.table]
        last = get_column_letter(max(c for _, c in columns))
        table.ref = f"A1:{last}{max(2, len(rows) + 1)}"
