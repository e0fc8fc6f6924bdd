"""The Word templates in templates/ are the source staff edit: they must fit the code, in any office suite.

* every placeholder of every registered kind's template is provided by the context,
  and what the template must show is there;
* a template lacking a style the code applies is reported by name;
* a template saved again by LibreOffice (as staff do after changing a sentence)
  still yields equivalent documents: same text, same tables and cells, the same
  styles applied, page counts within one page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx.oxml.ns import qn
from lxml import etree

from pipeline.convert import convert_all
from pipeline.kinds import DOCUMENT_KINDS, documents_for
from pipeline.render import check_templates, render_all
from pipeline.template_check import check_sources, load_template
from pipeline.templating import environment
from pipeline.wordml import CODE_STYLES
from tests.factories import context_of, data_2025, make_data
from tests.helpers_docx import edited_templates

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_every_registered_kind_has_a_template_whose_placeholders_the_context_provides():
    data = data_2025()
    for kind in DOCUMENT_KINDS:
        path = TEMPLATES / kind.template
        assert path.is_file(), path
        tpl = load_template(path)
        context = context_of(data, kind.name, kind.sample_project(data))
        assert check_sources(path.name, tpl, context, environment()) == [], kind.name
    assert check_templates(data, TEMPLATES) == []


def _texts(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p"))


def test_documents_show_what_their_kind_requires(tmp_path):
    data = data_2025()
    docs = render_all(data, TEMPLATES, tmp_path)
    assert {d.kind for d in docs} == {"projektauftrag", "schlussbericht", "jahresbericht"}
    for doc in docs:
        text = _texts(doc.path)
        kind = next(k for k in DOCUMENT_KINDS if k.name == doc.kind)
        for needed in kind.required_text:
            assert needed in text, (doc.path.name, needed)
        if doc.kind == "projektauftrag":
            project = data.projekt(doc.projekt)
            assert project.titel in text
            for p in project.participants:
                assert text.count(f"Unterschrift {data.kommune(p.kommune).name}") == 1, (doc.path.name, p.kommune)


def _rename_style(src: Path, dst: Path, name: str, new_name: str) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/styles.xml":
                data = data.replace(f'w:val="{name}"'.encode(), f'w:val="{new_name}"'.encode())
            zout.writestr(item, data)
    return dst


def test_missing_style_is_reported_with_template_and_style(tmp_path):
    broken = tmp_path / "vorlagen"
    shutil.copytree(TEMPLATES, broken)
    _rename_style(TEMPLATES / "jahresbericht.docx", broken / "jahresbericht.docx", "IKZ Beteiligungstabelle", "Umbenannt")
    problems = check_templates(make_data(n_projects=2), broken)
    assert len(problems) == 1
    assert "»jahresbericht.docx«" in problems[0] and "»IKZ Beteiligungstabelle«" in problems[0]


def test_missing_signature_line_is_reported(tmp_path):
    broken = edited_templates(tmp_path / "vorlagen", "projektauftrag.docx", b"{{ u.beschriftung }}",
                              b"{{ u.kommune }}")
    data = make_data(n_projects=1)
    problems = check_templates(data, broken)
    project = next(k for k in DOCUMENT_KINDS if k.name == "projektauftrag").sample_project(data)
    assert len(problems) == len(project.participants), problems[-2:]
    first = data.kommune(project.participants[0].kommune)
    assert f"»projektauftrag.docx« fehlt »Unterschrift {first.name}«" in problems[0]


# --------------------------------------------------------------------------- LibreOffice round trip


def _style_names(root) -> dict[str, str]:
    return {el.get(qn("w:styleId")): el.find(qn("w:name")).get(qn("w:val")).casefold()
            for el in root.findall(qn("w:style")) if el.find(qn("w:name")) is not None}


def _structure(path: Path) -> dict[str, list]:
    """Every non-empty paragraph with the display name of its style, every table with its
    style and cells, and the header/footer texts: what the reader sees and how it is set."""
    with zipfile.ZipFile(path) as z:
        names = _style_names(etree.fromstring(z.read("word/styles.xml")))
        body = etree.fromstring(z.read("word/document.xml"))
        margins = sorted(
            "".join(t.text or "" for t in etree.fromstring(z.read(n)).iter(f"{W}t"))
            for n in z.namelist() if n.startswith(("word/header", "word/footer")) and n.endswith(".xml"))
    paragraphs, tables = [], []
    for p in body.iter(f"{W}p"):
        text = "".join(t.text or "" for t in p.iter(f"{W}t")).strip()
        if not text:
            continue
        style = p.find(f"{W}pPr/{W}pStyle")
        paragraphs.append((names.get(style.get(qn("w:val")), "?") if style is not None else "normal", text))
    for tbl in body.iter(f"{W}tbl"):
        style = tbl.find(f"{W}tblPr/{W}tblStyle")
        rows = [["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in tr.findall(f"{W}tc")]
                for tr in tbl.findall(f"{W}tr")]
        tables.append((names.get(style.get(qn("w:val")), "?") if style is not None else "", rows))
    # page fields keep whatever number the last office suite cached: compare the text around them
    return dict(paragraphs=paragraphs, tables=tables, margins=[re.sub(r"\d+", "#", m) for m in margins if m])


@pytest.fixture(scope="module")
def resaved_templates(tmp_path_factory) -> Path:
    """The templates opened and saved again by LibreOffice (soffice --convert-to docx)."""
    work = tmp_path_factory.mktemp("resave")
    profile = work / "profile"
    out = work / "vorlagen"
    from pipeline.convert import prepare_profile

    prepare_profile(profile)
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "docx",
         "--outdir", str(out), *sorted(str(p) for p in TEMPLATES.glob("*.docx"))],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.glob("*.docx")) == sorted(k.template for k in DOCUMENT_KINDS)
    # LibreOffice rewrote the style IDs (the reason the code goes by display names)
    with zipfile.ZipFile(out / "jahresbericht.docx") as z:
        assert b'w:styleId="IKZMatrix"' not in z.read("word/styles.xml")
    return out


@pytest.mark.slow  # LibreOffice
def test_templates_saved_by_libreoffice_give_equivalent_documents(tmp_path, resaved_templates):
    data = data_2025()
    assert check_templates(data, resaved_templates) == []
    original = {d.path.name: d.path for d in render_all(data, TEMPLATES, tmp_path / "original")}
    resaved = {d.path.name: d.path for d in render_all(data, resaved_templates, tmp_path / "libreoffice")}
    assert original.keys() == resaved.keys() and len(original) == len(documents_for(data))
    for name in original:
        a, b = _structure(original[name]), _structure(resaved[name])
        assert a["tables"] == b["tables"], name
        assert a["paragraphs"] == b["paragraphs"], name
        assert a["margins"] == b["margins"], name
    annual = _structure(resaved["jahresbericht-2025.docx"])
    matrix = next(rows for style, rows in annual["tables"] if style == "ikz tabelle" and rows[0][0] == "Kommune")
    assert matrix[-1][0] == "SUMME"
    assert any(style == "ikz beteiligungstabelle" for style, _ in annual["paragraphs"])
    assert sum(1 for style, _ in annual["paragraphs"] if style.startswith("toc ")) >= 5

    # page counts within one page: the annual report and one document of each other kind
    sample = ["jahresbericht-2025.docx"] + [
        next(n for n in original if n.startswith(prefix)) for prefix in ("projektauftrag-", "schlussbericht-")]
    pdfs_a = convert_all([original[n] for n in sample], tmp_path / "pdf-a", jobs=2)
    pdfs_b = convert_all([resaved[n] for n in sample], tmp_path / "pdf-b", jobs=2)
    from pypdf import PdfReader

    for n in sample:
        pages_a = len(PdfReader(pdfs_a[original[n]]).pages)
        pages_b = len(PdfReader(pdfs_b[resaved[n]]).pages)
        assert abs(pages_a - pages_b) <= 1, (n, pages_a, pages_b)


def test_code_styles_exist_in_every_shipped_template():
    from pipeline.wordml import StyleMap

    for kind in DOCUMENT_KINDS:
        tpl = load_template(TEMPLATES / kind.template)
        assert StyleMap.of(tpl.docx).missing(CODE_STYLES) == [], kind.template
