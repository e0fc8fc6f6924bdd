"""The blank workbook from `new-workbook` and the README section come from the schema."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl

from pipeline import schema
from pipeline.blank import workbook_markdown, write_workbook
from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_new_workbook_layout(tmp_path, capsys):
    path = tmp_path / "neu.xlsx"
    assert main(["new-workbook", str(path)]) == 0
    assert "Leere Arbeitsmappe angelegt" in capsys.readouterr().out
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Anleitung"
    assert wb["Listen"].sheet_state == "hidden"
    for sheet_def in schema.sheets():
        ws = wb[sheet_def.name]
        assert [c.value for c in ws[1]][: len(sheet_def.columns)] == [c.header for c in sheet_def.columns]
        assert ws.freeze_panes in ("A2", "B2")
        assert sheet_def.table in ws.tables
        validations = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
        for i, col in enumerate(sheet_def.columns, start=1):
            dv = validations[f"{openpyxl.utils.get_column_letter(i)}2"]
            assert dv.prompt, col.header  # every column has an input hint
            if col.choices:
                assert dv.type == "list" and dv.formula1.startswith("=Listen!")
            if col.type is schema.Type.KOMMUNE:
                assert dv.type == "list" and "Kommunen" in dv.formula1
            if col.type is schema.Type.PROJEKT:
                assert dv.type == "list" and "Projekte" in dv.formula1
            if col.type is schema.Type.DATE:
                assert dv.type == "date"
    # The vocabularies behind the drop-downs are the schema's.
    listen = wb["Listen"]
    columns = [[c.value for c in col if c.value is not None] for col in listen.iter_cols()]
    assert list(schema.PROJEKT_STATUS) in columns
    assert list(schema.BETEILIGUNG_STATUS) in columns


def test_new_workbook_refuses_to_overwrite(tmp_path, capsys):
    path = tmp_path / "neu.xlsx"
    path.write_text("wichtig")
    assert main(["new-workbook", str(path)]) == 2
    assert path.read_text() == "wichtig"
    assert "gibt es schon" in capsys.readouterr().err


def test_readme_workbook_section_matches_schema():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- arbeitsmappe:start -->\n(.*?)<!-- arbeitsmappe:ende -->", readme, re.S)
    assert m, "README.md lacks the generated workbook section"
    assert m.group(1).strip() == workbook_markdown().strip(), (
        "The workbook section of README.md is out of date: run `python -m tools.readme`")


def test_blank_workbook_prints_readably(tmp_path):
    """Printed (LibreOffice Calc, as staff print it), the Anleitung takes at most three pages and no sheet
    is cut off: every sheet is one page wide."""
    import subprocess

    import openpyxl
    from pypdf import PdfReader

    path = write_workbook(tmp_path / "neu.xlsx")
    wb = openpyxl.load_workbook(path)
    for name in wb.sheetnames:
        if name != "Anleitung":
            del wb[name]
    wb.save(tmp_path / "anleitung.xlsx")
    from pipeline.convert import prepare_profile

    prepare_profile(tmp_path / "profil")
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profil'}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path / "pdf"), str(tmp_path / "anleitung.xlsx"), str(path)],
                   capture_output=True, timeout=300, check=True)
    anleitung = PdfReader(tmp_path / "pdf" / "anleitung.pdf")
    assert 1 <= len(anleitung.pages) <= 3
    text = "".join(p.extract_text() for p in anleitung.pages)
    assert "So geht es" in text and "make check" in text and "make report" in text
    whole = PdfReader(tmp_path / "pdf" / "neu.pdf")
    visible = [ws for ws in openpyxl.load_workbook(path).worksheets if ws.sheet_state == "visible"]
    assert len(whole.pages) <= len(visible) + 2  # one page per (empty) sheet, not 40 with cut-off text
