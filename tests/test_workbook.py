"""Reader: hostile and broken files give a precise German message, never a traceback."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest

from pipeline.errors import Severity, ValidationError, WorkbookError
from pipeline.validate import load
from pipeline.workbook import read_workbook
from tests.wb import make_workbook, minimal_rows


def _errors(exc: ValidationError) -> list[str]:
    return [str(p) for p in exc.problems if p.severity is Severity.ERROR]


def test_minimal_workbook_reads(tmp_path):
    data, warnings = load(make_workbook(tmp_path / "m.xlsx"))
    assert [p.id for p in data.projekte] == ["REINIGUNG", "REINIGUNG-PILOT"]
    assert data.projekt("REINIGUNG-PILOT").parent == "REINIGUNG"
    assert data.bericht.von == dt.date(2024, 11, 1)
    assert len(data.projekt("REINIGUNG").participants) == 4


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "leer"),
        (b"hello, this is not excel", "keine Excel-Arbeitsmappe"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Kennwort"),
    ],
)
def test_unreadable_files(tmp_path, content, expected):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    assert expected in str(info.value)
    assert "x.xlsx" in str(info.value)


def test_missing_file_and_lock_file(tmp_path):
    with pytest.raises(WorkbookError, match="gibt es nicht"):
        read_workbook(tmp_path / "fehlt.xlsx")
    lock = tmp_path / "~$ikz.xlsx"
    lock.write_bytes(b"\0" * 165)
    with pytest.raises(WorkbookError, match="Sperrdatei"):
        read_workbook(lock)


def test_lock_file_beside_workbook_warns(tmp_path):
    path = make_workbook(tmp_path / "ikz.xlsx")
    (tmp_path / "~$ikz.xlsx").write_bytes(b"\0" * 165)
    _, warnings = load(path)
    assert any("in Excel geöffnet" in str(w) for w in warnings)


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "z.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(WorkbookError, match="keine Excel-Arbeitsmappe"):
        read_workbook(path)


def test_zip_bomb_rejected(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<x/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (400 * 1024 * 1024))
    with pytest.raises(WorkbookError, match="(Zip-Bombe|zu groß)"):
        read_workbook(path)


def test_truncated_file(tmp_path):
    good = make_workbook(tmp_path / "g.xlsx").read_bytes()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(good[: len(good) // 2])
    with pytest.raises(WorkbookError) as info:
        read_workbook(bad)
    assert "bad.xlsx" in str(info.value)


def _edit(path, fn):
    wb = openpyxl.load_workbook(path)
    fn(wb)
    wb.save(path)
    return path


def test_missing_sheet_and_renamed_header_and_extra_column(tmp_path):
    path = make_workbook(tmp_path / "m.xlsx")

    def change(wb):
        del wb["Presse"]
        wb["Kommunen"]["F1"] = "Leitung der Dienststelle"  # renamed header
        wb["Projekte"]["Z1"] = "Notizen"  # extra column
    _edit(path, change)
    with pytest.raises(ValidationError) as info:
        load(path)
    text = "\n".join(str(p) for p in info.value.problems)
    assert "Das Blatt »Presse« fehlt" in text
    assert "Kommunen!F1 (Dienststellenleitung): Die Spalte »Dienststellenleitung« fehlt" in text
    assert "umbenannt" in text and "Leitung der Dienststelle" in text
    assert "Projekte!Z1 (Notizen): Zusätzliche Spalte" in text


def test_empty_rows_in_the_middle_are_skipped(tmp_path):
    rows = minimal_rows()
    path = make_workbook(tmp_path / "m.xlsx", rows)

    def change(wb):
        ws = wb["Beteiligung"]
        ws.insert_rows(4, amount=3)
    _edit(path, change)
    data, _ = load(path)
    assert len(data.projekt("REINIGUNG").participations) == 4


def test_merged_cells_reported(tmp_path):
    path = _edit(make_workbook(tmp_path / "m.xlsx"), lambda wb: wb["Beteiligung"].merge_cells("C2:C3"))
    with pytest.raises(ValidationError) as info:
        load(path)
    assert any("Beteiligung!C2:C3" in e and "Verbundene Zellen" in e for e in _errors(info.value))


def test_formula_with_and_without_cached_value(tmp_path):
    # openpyxl writes formulas without cached values, as a script would.
    path = _edit(make_workbook(tmp_path / "m.xlsx"), lambda wb: wb["Fortbildungen"].__setitem__("C2", "=50+2"))
    with pytest.raises(ValidationError) as info:
        load(path)
    assert any("Fortbildungen!C2 (Teilnehmende)" in e and "Formel ohne gespeicherten Wert" in e and "=50+2" in e
               for e in _errors(info.value))


def test_formula_cached_value_is_used(tmp_path):
    """A formula saved by Excel has a cached value: the reader takes it, evaluates nothing."""
    import re

    src = make_workbook(tmp_path / "m.xlsx")
    index = openpyxl.load_workbook(src).sheetnames.index("Fortbildungen") + 1
    out = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == f"xl/worksheets/sheet{index}.xml":
                # As Excel stores it: <c r="C2"><f>50+3</f><v>52</v></c> (cached value deliberately differs)
                data = re.sub(rb'<c r="C2"([^>]*)><v>52</v></c>', rb'<c r="C2"\1><f>50+3</f><v>52</v></c>', data)
                assert b"<f>50+3</f>" in data
            zout.writestr(item, data)
    data, _ = load(out)
    assert data.fortbildungen[0].teilnehmende == 52


def test_special_characters_are_kept_literally(tmp_path):
    rows = minimal_rows()
    rows["Projekte"][0]["titel"] = "Reinigung & Pflege <Gebäude> {{ x }} {% if %} – Größe"
    rows["Projekttexte"][0]["text"] = "Absatz eins.\n" + "x" * 30_000
    data, _ = load(make_workbook(tmp_path / "m.xlsx", rows))
    assert data.projekt("REINIGUNG").titel == "Reinigung & Pflege <Gebäude> {{ x }} {% if %} – Größe"
    # 30.000 characters in a long text cell are read completely, not cut.
    assert len(data.projekt("REINIGUNG").text("Ausgangslage").blocks[1].text) == 30_000
    # ... but a short text column has a limit: a precise error, not a silent cut.
    rows["Projekte"][0]["titel"] = "y" * 30_000
    with pytest.raises(ValidationError) as info:
        load(make_workbook(tmp_path / "m2.xlsx", rows))
    assert any("Projekte!B2 (Titel)" in e and "30000 Zeichen zu lang" in e and "bis 500 Zeichen" in e for e in _errors(info.value))


def test_control_characters_reported(tmp_path):
    rows = minimal_rows()
    rows["Projekte"][0]["titel"] = "Reinigung_x0007_kommunal"  # how Excel stores a BEL character
    path = make_workbook(tmp_path / "m.xlsx", rows)
    with pytest.raises(ValidationError) as info:
        load(path)
    assert any("Projekte!B2 (Titel)" in e and "Steuerzeichen" in e for e in _errors(info.value))
