"""Write workbooks from the schema: the blank one staff start from, or one filled with rows."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from . import (
    kinds,  # noqa: F401 (registers the signed kinds' columns in the schema)
    markup,
    schema,
)
from .fsutil import write_atomic

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

_HEADER_FILL = "1F4E79"
_TABLE_ROWS = 200  # rows prepared with drop-downs and formats in a blank workbook


def _anleitung(ws) -> None:
    """A short step-by-step that prints on one or two pages; each column explains itself
    (input hint when a cell is selected), so the sheet lists the sheets, not every column."""
    from openpyxl.styles import Alignment, Font

    ws.column_dimensions["A"].width = 4
    ws.column_dimensions["B"].width = 90

    def text_row(row: int, text: str) -> None:
        ws.cell(row=row, column=2, value=text).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=row, column=1).alignment = Alignment(vertical="top")
        ws.row_dimensions[row].height = 15 * max(1, -(-len(text) // 85))  # wrapped lines stay readable
    steps = (
        "Blatt »Bericht«: Nummer, Berichtszeitraum, Stand und Herausgeber des Jahresberichts eintragen (eine Zeile).",
        "Blatt »Kommunen«: je Stadt, Gemeinde und den Kreis eine Zeile, mit Amtsbezeichnung und Dienststellenleitung.",
        "Blatt »Projekte«: alle Projekte mit Projekt-ID; »Im Jahresbericht« = ja für die Projekte des Berichtsjahres.",
        "Blatt »Beteiligung«: je Projekt und Kommune eine Zeile (beteiligt, nicht beteiligt, keine Aufgabenzuständigkeit).",
        "Die übrigen Blätter nach Bedarf: Projekttexte, Arbeitsabschnitte, Projektberichte, Fördermittel, "
        "Lenkungsgruppe, Fortbildungen, Arbeitsgruppen, Initiativen, Presse, Berichtstexte.",
        "Speichern und Excel schließen.",
        "Prüfen: make check WORKBOOK=\"inputs/<diese Datei>.xlsx\" – meldet jeden Fehler mit Blatt und Zelle.",
        "Erzeugen: make report WORKBOOK=\"inputs/<diese Datei>.xlsx\" – Word, PDF und die Mappen in outputs/.",
    )
    tips = (
        "Jede Spalte erklärt sich selbst: Zelle anklicken, der Hinweis erscheint. Pflichtfelder stehen im Hinweis.",
        "Auswahlfelder haben eine Liste (Pfeil an der Zelle). Daten als Datum eingeben (z. B. 31.10.2025), nicht als Text.",
        "Lange Texte: " + markup.MARKUP_HELP,
    )
    ws.cell(row=1, column=1, value="IKZ-Arbeitsmappe – Anleitung").font = Font(size=14, bold=True)
    text_row(2, "Aus dieser Arbeitsmappe entstehen alle Dokumente des IKZ-Prozesses: Projektaufträge, "
             "Berichte der Projektgruppen, der Jahresbericht und die Mappen für die Gremien.")
    ws.cell(row=4, column=1, value="So geht es").font = Font(bold=True, size=12)
    row = 5
    for n, text in enumerate(steps, start=1):
        ws.cell(row=row, column=1, value=f"{n}.")
        text_row(row, text)
        row += 1
    row += 1
    ws.cell(row=row, column=1, value="Gut zu wissen").font = Font(bold=True, size=12)
    row += 1
    for text in tips:
        ws.cell(row=row, column=1, value="–")
        text_row(row, text)
        row += 1
    row += 1
    ws.cell(row=row, column=1, value="Die Blätter").font = Font(bold=True, size=12)
    row += 1
    for sheet_def in schema.sheets():
        ws.cell(row=row, column=1, value="–")
        text_row(row, f"{sheet_def.name}: {sheet_def.description}")
        row += 1
    _print_setup(ws, landscape=False)


def _print_setup(ws, *, landscape: bool) -> None:
    """Printed, a sheet is as wide as one page: nothing is cut off."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def build_workbook(rows: Mapping[str, Sequence[Mapping[str, object]]] | None = None):
    """Return an openpyxl Workbook laid out from the schema, optionally filled."""
    from openpyxl import Workbook
    from openpyxl.utils import quote_sheetname

    rows = rows or {}
    wb = Workbook()
    _anleitung(wb.active)
    wb.active.title = "Anleitung"
    vocab_ranges = _lists_sheet(wb)
    refs = {
        schema.Type.KOMMUNE: f"{quote_sheetname('Kommunen')}!$A$2:$A${_TABLE_ROWS + 1}",
        schema.Type.PROJEKT: f"{quote_sheetname('Projekte')}!$A$2:$A${_TABLE_ROWS + 1}",
    }
    for sheet_def in schema.sheets():
        ws = wb.create_sheet(sheet_def.name)
        _data_sheet(ws, sheet_def, list(rows.get(sheet_def.name, ())), vocab_ranges, refs)
    return wb


def _lists_sheet(wb: Workbook) -> dict[tuple[str, ...], str]:
    """The hidden sheet »Listen« with the closed vocabularies, one per column: drop-downs refer to it.
    Returns each vocabulary's cell range."""
    from openpyxl.utils import get_column_letter

    lists = wb.create_sheet("Listen")
    vocab_ranges: dict[tuple[str, ...], str] = {}
    col_no = 0
    for sheet_def in schema.sheets():
        for col in sheet_def.columns:
            if col.choices and col.choices not in vocab_ranges:
                col_no += 1
                letter = get_column_letter(col_no)
                for i, choice in enumerate(col.choices, start=1):
                    lists.cell(row=i, column=col_no, value=choice)
                vocab_ranges[col.choices] = f"Listen!${letter}$1:${letter}${len(col.choices)}"
    lists.sheet_state = "hidden"
    return vocab_ranges


def _data_sheet(ws: Worksheet, sheet_def: schema.Sheet, data: list[Mapping[str, object]],
                vocab_ranges: dict[tuple[str, ...], str], refs: dict[schema.Type, str]) -> None:
    """A schema sheet: the header row, the `data` rows, date formats and a validation with its input hint
    for each column (over the rows prepared for a blank workbook), an Excel table, frozen header, print
    setup."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    _header_row(ws, sheet_def)
    _fill_rows(ws, sheet_def, data)
    last_row = max(len(data) + 1, 2)
    n_rows = 1 if sheet_def.single_row else _TABLE_ROWS
    for c, col in enumerate(sheet_def.columns, start=1):
        letter = get_column_letter(c)
        area = f"{letter}2:{letter}{max(last_row, n_rows + 1)}"
        if col.type is schema.Type.DATE:
            for r in range(2, max(last_row, n_rows + 1) + 1):
                ws.cell(row=r, column=c).number_format = "DD.MM.YYYY"
        dv = _validation(col, vocab_ranges, refs)
        ws.add_data_validation(dv)
        dv.add(area)
    ref = f"A1:{get_column_letter(len(sheet_def.columns))}{last_row}"
    table = Table(displayName=sheet_def.table, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "B2" if len(sheet_def.columns) > 4 else "A2"
    ws.row_dimensions[1].height = 32
    _print_setup(ws, landscape=len(sheet_def.columns) > 4)
    ws.print_title_rows = "1:1"


def _header_row(ws: Worksheet, sheet_def: schema.Sheet) -> None:
    """Row 1: the columns' headers, white on dark blue, and the columns' widths."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for c, col in enumerate(sheet_def.columns, start=1):
        cell = ws.cell(row=1, column=c, value=col.header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = col.width


def _fill_rows(ws: Worksheet, sheet_def: schema.Sheet, data: list[Mapping[str, object]]) -> None:
    """The `data` rows from row 2 on (a ja/nein column as »ja« or »nein«, long texts wrapped); KeyError for
    a field the sheet does not have."""
    from openpyxl.styles import Alignment

    for r, values in enumerate(data, start=2):
        unknown = set(values) - {c.field for c in sheet_def.columns}
        if unknown:
            raise KeyError(f"{sheet_def.name}: unknown fields {sorted(unknown)}")
        for c, col in enumerate(sheet_def.columns, start=1):
            value = values.get(col.field)
            if col.type is schema.Type.BOOL and isinstance(value, bool):
                value = "ja" if value else "nein"
            cell = ws.cell(row=r, column=c, value=value)
            if col.type is schema.Type.LONGTEXT:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.alignment = Alignment(vertical="top")


def _validation(col: schema.Column, vocab_ranges: dict[tuple[str, ...], str],
                refs: dict[schema.Type, str]) -> DataValidation:
    """The column's data validation: a drop-down for a vocabulary, a Kommune or a Projekt-ID, else by its
    type (date, whole number, number, text length). Excel warns (it does not refuse) and shows the column's
    hint when a cell is selected."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if col.choices:
        dv = DataValidation(type="list", formula1="=" + vocab_ranges[col.choices], allow_blank=True)
        dv.error = "Bitte einen Wert aus der Liste wählen: " + ", ".join(col.choices)
    elif col.type in refs:
        dv = DataValidation(type="list", formula1="=" + refs[col.type], allow_blank=True)
        dv.error = "Bitte einen Eintrag aus der Liste wählen (" + col.allowed() + ")."
    elif col.type is schema.Type.DATE:
        dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
        dv.error = "Bitte ein Datum eingeben, z. B. 31.10.2025."
    elif col.type in (schema.Type.INT, schema.Type.YEAR):
        lo, hi = (1990, 2100) if col.type is schema.Type.YEAR else (0, 100_000_000)
        dv = DataValidation(type="whole", operator="between", formula1=str(lo), formula2=str(hi), allow_blank=True)
        dv.error = "Bitte " + col.allowed() + " eingeben."
    elif col.type in (schema.Type.DECIMAL, schema.Type.PERCENT):
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error = "Bitte " + col.allowed() + " eingeben."
    else:
        dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(col.max_length), allow_blank=True)
        dv.error = f"Höchstens {col.max_length} Zeichen."
    dv.errorTitle = col.header
    dv.showErrorMessage = True
    dv.errorStyle = "warning"
    dv.promptTitle = col.header[:32]
    dv.prompt = ((("Pflichtfeld. " if col.required else "") + col.hint) or col.allowed())[:250]
    dv.showInputMessage = True
    return dv


def save_atomic(wb, path: Path) -> None:
    """Save a workbook without ever leaving a half-written file."""
    buf = io.BytesIO()
    wb.save(buf)
    write_atomic(Path(path), buf.getvalue())


def write_workbook(path: Path, rows: Mapping[str, Sequence[Mapping[str, object]]] | None = None) -> Path:
    """Write a schema workbook (blank when rows is None) to path."""
    save_atomic(build_workbook(rows), Path(path))
    return Path(path)


def workbook_markdown() -> str:
    """The workbook section of the README, generated from the schema."""
    out = []
    for sheet_def in schema.sheets():
        out.append(f"### Blatt »{sheet_def.name}«\n\n{sheet_def.description}\n")
        out.append("| Spalte | Typ | Pflicht | Bedeutung / erlaubte Werte |\n|---|---|---|---|")
        for col in sheet_def.columns:
            text = col.hint
            if col.choices and col.type is not schema.Type.BOOL:
                text += " – erlaubt: " + ", ".join(col.choices)
            out.append(f"| {col.header} | {col.type.value} | {'ja' if col.required else ''} | {text.replace('|', '/')} |")
        out.append("")
    return "\n".join(out)


