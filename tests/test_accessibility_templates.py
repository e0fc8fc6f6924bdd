"""`check` and the run warn when a template brings what cannot be tagged: a table without header row,
a skipped heading level (a picture without alternative text is checked on a built template)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from pipeline.template_check import accessibility_warnings, template_accessibility
from tests.helpers_docx import edited_templates
from tests.test_run import SAMPLE, cli


def test_the_project_templates_bring_nothing_untaggable():
    assert accessibility_warnings(Path(__file__).resolve().parent.parent / "templates") == []


def test_table_without_header_row_is_named_with_template_and_place(tmp_path):
    # the Arbeitsabschnitte table loses its repeated header row
    templates = edited_templates(tmp_path / "t", "projektauftrag.docx", b"<w:tblHeader/>", b"", count=1)
    warnings = [str(w) for w in accessibility_warnings(templates)]
    assert len(warnings) == 1
    assert warnings[0].startswith("Warnung: projektauftrag.docx: Tabelle 2 (»Nr.")
    assert "keine Kopfzeile" in warnings[0]
    result = cli("check", SAMPLE, "--templates", templates)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "projektauftrag.docx: Tabelle 2" in result.stdout


def test_skipped_heading_level_and_picture_without_alt_text(tmp_path):
    templates = edited_templates(tmp_path / "t", "projektauftrag.docx",
                                 b'<w:pStyle w:val="Heading2"/>', b'<w:pStyle w:val="Heading3"/>', count=1)
    warnings = [str(w) for w in template_accessibility(templates / "projektauftrag.docx")]
    assert any("Überschrift 3 »Strategisches Ziel« folgt auf Überschrift 1" in w for w in warnings), warnings

    # a picture whose alternative text is empty
    import io

    import matplotlib
    from docx import Document
    from docx.shared import Cm

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    plt.figure(figsize=(1, 1)).savefig(buf, format="png")
    doc = Document()
    doc.add_paragraph("Vor dem Bild")
    doc.add_picture(io.BytesIO(buf.getvalue()), width=Cm(2))
    path = tmp_path / "bild.docx"
    doc.save(path)
    with zipfile.ZipFile(path) as z:
        assert b'descr=""' in z.read("word/document.xml") or b"descr=" not in z.read("word/document.xml")
    warnings = [str(w) for w in template_accessibility(path)]
    assert any("ohne Alternativtext (bei »nach »Vor dem Bild«" in w for w in warnings), warnings
