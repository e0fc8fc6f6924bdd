"""Rendered Word documents, read back with python-docx: content, not bytes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from pipeline import render as r
from pipeline.errors import TemplateError
from pipeline.kinds import DocumentRef, document_kind, documents_for
from pipeline.render import check_template, check_templates, render, render_all
from tests.factories import (
    SUMS_2025,
    TABLE_2025,
    context_of,
    data_2025,
    expected_cell,
    make_data,
)
from tests.helpers_pdf import pdftotext

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
NASTY_TITLE = "Lärm & <Öl> {{ projekt.id }} {% if %} Straße"
NASTY_TEXT = "\nZeile mit & und < und > und {{ x }} und {% for %} – Größe"


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> Path:
    """The committed templates; rebuilt into a temp folder if missing."""
    return TEMPLATES


@pytest.fixture(scope="module")
def rendered_2025(tmp_path_factory, templates):
    out = tmp_path_factory.mktemp("out2025")
    return render_all(data_2025(), templates, out)


@pytest.fixture(scope="module")
def rendered_sets(tmp_path_factory, templates, rendered_2025):
    """Rendered documents of several workbooks (for the LibreOffice test)."""
    sets = {"2025": rendered_2025}
    for name, data in (("ein-projekt", make_data(n_projects=1)), ("zwoelf-projekte", make_data(n_projects=12)),
                       ("sonderzeichen", make_data(n_projects=2, titel=NASTY_TITLE, extra_text=NASTY_TEXT)),
                       ("ohne-texte", make_data(n_projects=3, texts=False, reports=False))):
        sets[name] = render_all(data, templates, tmp_path_factory.mktemp(name))
    return sets


def _doc(docs, kind, projekt=None):
    for d in docs:
        if d.kind == kind and d.projekt == projekt:
            return d.path
    raise AssertionError(f"{kind} {projekt} nicht erzeugt")


def _all_paragraphs(document):
    """Paragraphs of the body including those in tables (recursively)."""
    def walk(container):
        for block in container.iter_inner_content():
            if isinstance(block, docx.text.paragraph.Paragraph):
                yield block
            else:
                for row in block.rows:
                    seen = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:
                            continue
                        seen.add(id(cell._tc))
                        yield from walk(cell)
    yield from walk(document)


def _text(document) -> str:
    return "\n".join(p.text for p in _all_paragraphs(document))


def _style_id(paragraph) -> str:
    pPr = paragraph._p.pPr
    if pPr is None or pPr.pStyle is None:
        return "Normal"
    return pPr.pStyle.val


# --- the participation table -----------------------------------------------------


def _participation_table(document):
    for table in document.tables:
        first_col = [row.cells[0].text for row in table.rows]
        if "SUMME" in first_col:
            return table
    raise AssertionError("Beteiligungstabelle fehlt")


def test_participation_table_equals_the_seed(rendered_2025):
    document = docx.Document(_doc(rendered_2025, "jahresbericht"))
    table = _participation_table(document)
    rows = table.rows
    # two header rows: project titles (sub-columns merged under them), then the sub-columns
    head1 = [c.text.replace("\u00ad", "") for c in rows[0].cells]
    head2 = [c.text.replace("\u00ad", "") for c in rows[1].cells]
    assert head1[0] == "Kommune"
    assert head1[1:] == ["Beschaffung Feuerwehrbedarf, Organisation Instandhaltung",
                         "Reinigung kommunaler Liegenschaften", "Reinigung kommunaler Liegenschaften",
                         "Umsetzung Hinweisgeberschutzgesetz", "Smart Cities / Smart Region",
                         "Smart Cities / Smart Region", "Hitzeaktionsplanung", "Archivwesen",
                         "Prüfung elektrischer Anlagen (Vergabeverfahren)"]
    assert head2[2:4] == ["Prüfprojekt", "Pilotprojekt IKZ-Umsetzung"]
    assert head2[5:7] == ["Prüfprojekt", "Umsetzungsprojekt KI-Systeme"]
    for header_row in rows[:2]:
        assert header_row._tr.trPr.find(qn("w:tblHeader")) is not None
    body = rows[2:-1]
    assert [row.cells[0].text for row in body] == list(TABLE_2025)
    for row in body:
        kommune = row.cells[0].text
        cells = row.cells[1:]
        assert len(cells) == 9
        assert [c.text for c in cells] == [expected_cell(code) for code in TABLE_2025[kommune]], kommune
        for cell, code in zip(cells, TABLE_2025[kommune]):
            shd = cell._tc.tcPr.find(qn("w:shd"))
            fill = shd.get(qn("w:fill")) if shd is not None else None
            assert (fill == "BFBFBF") == (code == "0"), (kommune, code)
    summe = [c.text for c in rows[-1].cells]
    assert summe == ["SUMME"] + [str(s) for s in SUMS_2025]
    # the legend explains the shading
    text = _text(document)
    assert "keine Aufgabenzuständigkeit" in text
    assert "(PL) = Projektleitung, (PG) = Projektgruppe, (LKG) = Lenkungsgruppe" in text


def test_wide_table_gets_a_landscape_section(rendered_sets):
    def orientations(path):
        document = docx.Document(path)
        return [s.orientation for s in document.sections]

    wide = orientations(_doc(rendered_sets["2025"], "jahresbericht"))
    assert wide.count(docx.enum.section.WD_ORIENT.LANDSCAPE) == 1
    assert wide[-1] == docx.enum.section.WD_ORIENT.PORTRAIT
    narrow = orientations(_doc(rendered_sets["ein-projekt"], "jahresbericht"))
    assert docx.enum.section.WD_ORIENT.LANDSCAPE not in narrow


def test_twelve_projects_get_abbreviated_headers_with_a_key(rendered_sets):
    document = docx.Document(_doc(rendered_sets["zwoelf-projekte"], "jahresbericht"))
    table = _participation_table(document)
    assert len(table.columns) == 1 + 12 + 4
    header = [c.text for c in table.rows[0].cells]
    assert header[1:4] == ["1", "2", "3"]
    assert "3a" in header
    text = _text(document)
    assert "3a = Projekt 3: Umsetzung 3" in text
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_one_project_renders(rendered_sets):
    docs = rendered_sets["ein-projekt"]
    kinds = sorted(d.kind for d in docs)
    assert kinds == ["jahresbericht", "projektauftrag", "schlussbericht", "zwischenbericht"]
    document = docx.Document(_doc(docs, "jahresbericht"))
    table = _participation_table(document)
    assert len(table.columns) == 2


# --- Projektauftrag ----------------------------------------------------------------


def test_each_projektauftrag_has_one_signature_line_per_participant(rendered_2025):
    data = data_2025()
    aufträge = [d for d in rendered_2025 if d.kind == "projektauftrag"]
    assert len(aufträge) == 10
    for d in aufträge:
        project = data.projekt(d.projekt)
        expected = [f"Unterschrift {data.kommune(p.kommune).name}" for p in project.participants]
        document = docx.Document(d.path)
        captions = [p.text for p in _all_paragraphs(document) if p.text.startswith("Unterschrift ")]
        assert sorted(captions) == sorted(expected), d.projekt
        assert len(set(captions)) == len(captions)
        # each signature block sits in one table row that must not split across pages
        for table in document.tables:
            for row in table.rows:
                if any(p.text.startswith("Unterschrift ") for c in row.cells for p in c.paragraphs):
                    assert row._tr.trPr.find(qn("w:cantSplit")) is not None
                    texts = [p.text for c in row.cells for p in c.paragraphs]
                    assert "Ort, Datum" in texts
                    assert any(t.rstrip().endswith(", den") for t in texts)  # the date follows once signed


def test_signer_is_addressed_by_name_or_office(rendered_2025):
    document = docx.Document(_doc(rendered_2025, "projektauftrag", "FEUERWEHR"))
    text = _text(document)
    assert "Bürgermeister Peter Burger, Stadt Gernsheim" in text
    assert "Der Bürgermeister / Die Bürgermeisterin der Stadt Raunheim" in text
    assert "Landrat Thomas Will, Kreis Groß-Gerau" in text


def test_projektauftrag_sections_and_timeline(rendered_2025):
    document = docx.Document(_doc(rendered_2025, "projektauftrag", "ARCHIV"))
    headings = [p.text for p in document.paragraphs if _style_id(p).startswith("Heading")]
    assert headings == ["Ausgangslage", "Arbeitsabschnitte und Zeitplan", "Projektorganisation",
                        "Beteiligte Kommunen", "Projektleitung und Projektgruppe", "Rolle der IKZ-Lenkungsgruppe",
                        "Auftragserteilung"]
    text = _text(document)
    assert "11 der 14 Städte und Gemeinden und der Kreis Groß-Gerau" in text
    assert "erledigt am 1.7.2025" in text and "bis 30.6.2026" in text
    assert "Stadt Rüsselsheim am Main" in text
    pictures = document.inline_shapes
    assert len(pictures) == 1
    descr = pictures[0]._inline.docPr.get("descr")
    assert descr.startswith("Zeitplan des Projekts „Archivwesen“")


def test_markup_becomes_bullets_and_bold_runs(rendered_sets):
    document = docx.Document(_doc(rendered_sets["ein-projekt"], "projektauftrag", "P01"))
    paragraphs = list(_all_paragraphs(document))
    by_text = {p.text: p for p in paragraphs}
    assert _style_id(by_text["die Organisation,"]) == "ListBullet"
    assert _style_id(by_text["Unterpunkt"]) == "ListBullet2"
    assert _style_id(by_text["Die Projektgruppe prüft"]) == "Normal"
    second = by_text["Zweiter Absatz mit fettem Text."]
    bold = [run.text for run in second.runs if run.bold]
    assert bold == ["fettem Text"]
    text = _text(document)
    assert "**" not in text and "None" not in text
    # the list style really is a numbered (bullet) list in the template
    numbering = document.part.numbering_part.element
    assert numbering.xpath('.//w:lvl[w:numFmt/@w:val="bullet"]')
    style = document.styles.element.get_by_id("ListBullet")
    assert style.find(qn("w:pPr")).find(qn("w:numPr")) is not None


# --- literal values ---------------------------------------------------------------


def test_special_characters_appear_literally(rendered_sets):
    docs = rendered_sets["sonderzeichen"]
    for d in docs:
        with zipfile.ZipFile(d.path) as z:
            assert z.testzip() is None
        document = docx.Document(d.path)
        text = _text(document)
        if d.kind != "jahresbericht" and d.projekt == "P01":
            assert NASTY_TITLE in text, d.path.name
            assert "Zeile mit & und < und > und {{ x }} und {% for %} – Größe" in text
        assert "None" not in text
        assert "&amp;" not in text and "&lt;" not in text
    annual = docx.Document(_doc(docs, "jahresbericht"))
    assert NASTY_TITLE in _text(annual)


def test_line_breaks_in_values_render_as_breaks(tmp_path, templates):
    data = make_data(n_projects=1, titel="Erste Zeile\nZweite Zeile")
    docs = render_all(data, templates, tmp_path)
    document = docx.Document(_doc(docs, "projektauftrag", "P01"))
    assert any(p.text == "Erste Zeile\nZweite Zeile" for p in _all_paragraphs(document))


# --- empty sections, structure, properties ----------------------------------------


def test_empty_optional_sections_are_left_out(rendered_sets):
    for d in rendered_sets["ohne-texte"]:
        document = docx.Document(d.path)
        headings = [p for p in _all_paragraphs(document) if _style_id(p).startswith("Heading")]
        assert all(h.text.strip() for h in headings), d.path.name
        titles = [h.text for h in headings]
        for absent in ("Ausgangslage", "Ziele des Projekts", "Projektgegenstand", "Ist-Analyse",
                       "Sachstand der aktuellen IKZ-Projekte und -Umsetzungsmaßnahmen", "Ausblick"):
            assert absent not in titles, (d.path.name, absent)
        text = _text(document)
        assert "None" not in text
        assert "{{" not in text and "{%" not in text
    # …but the annual report keeps its fixed structure
    annual = docx.Document(_doc(rendered_sets["ohne-texte"], "jahresbericht"))
    titles = [p.text for p in annual.paragraphs if _style_id(p).startswith("Heading")]
    assert titles[0] == "Überblick über die kreisweiten IKZ-Projekte und -Umsetzungsmaßnahmen"
    assert "Beispiel für standardisierten Projektablauf" in titles


def test_annual_report_has_the_structure_of_the_seed(rendered_2025):
    document = docx.Document(_doc(rendered_2025, "jahresbericht"))
    headings = [(int(_style_id(p)[-1]), p.text) for p in document.paragraphs if _style_id(p).startswith("Heading")]
    assert headings == [
        (1, "Überblick über die kreisweiten IKZ-Projekte und -Umsetzungsmaßnahmen"),
        (2, "Sachstand der aktuellen IKZ-Projekte und -Umsetzungsmaßnahmen"),
        (3, "Beschaffung von Feuerwehrbedarf, Organisation der Instandhaltung"),
        (3, "Organisation der Reinigung kommunaler Liegenschaften"),
        (3, "Umsetzung des Hinweisgeberschutzgesetzes"),
        (3, "Smart Cities / Smart Region"),
        (3, "Hitzeaktionsplanung"),
        (3, "Archivwesen"),
        (2, "Beispiel für standardisierten Projektablauf"),
        (1, "IKZ-unterstützende Maßnahmen"),
        (2, "Steuerung des IKZ-Prozesses"),
        (2, "Organisation von Fortbildungen für Projektmanagement"),
        (2, "Kontinuierliche IKZ-Arbeitsgruppen"),
        (2, "Informationsmanagement"),
        (2, "Weitere IKZ-fördernde Aktivitäten"),
        (2, "Ausblick"),
    ]
    text = _text(document)
    for expected in (
        "12. Zwischenbericht zum Sachstand des kreisweiten Prozesses der interkommunalen Zusammenarbeit im Kreis "
        "Groß-Gerau",
        "(Stand: Oktober 2025)",
        "Marion Götz – c/o Stadt Raunheim",
        "m.goetz@raunheim.de – 06142 / 402-216",
        "im Berichtszeitraum (November 2024 – Oktober 2025) abgeschlossen",
        "Hitzeaktionsplanung (14 Kreiskommunen)",
        "Archivwesen (12 Kreiskommunen)",
        "Beschaffungswesen (Basis-Projekt)",
        "IKZ-Jahresberichte 2013 – 2024",
        "Standesamtswesen (hier bestehen einzelne lokale Formen der Zusammenarbeit)",
        "IKZ-Fördermittel in Höhe von 150.000 Euro",
        "Drei gewinnt",
        "Beteiligung der 15 Kreiskommunen",
        "Erteilung des Projektauftrags durch die Dienststellenleitungen der beteiligten Kommunen",
        "Soweit im Zwischenbericht der Projektgruppe die IKZ-Vorteilhaftigkeit festgestellt wird",
        "Peter Burger, Gernsheim",
        "Marion Götz, c/o Stadt Raunheim",
        "Grundlagen des Projektmanagements",
        "Groß-Gerauer Echo",
        "„Kostensenkung durch IKZ-Projekte“",
        "E-Government-Stammgruppe",
        "im Jahr 2026 weitere kreisweite IKZ-Projekte",
    ):
        assert expected in text, expected
    # the list of Arbeitsabschnitte sits where the Projektablauf text announces it
    paragraphs = [p.text for p in document.paragraphs]
    announce = next(i for i, t in enumerate(paragraphs) if t.endswith("folgende Arbeitsabschnitte:"))
    assert paragraphs[announce + 1].startswith("I.\tErteilung des Projektauftrags")


def test_table_of_contents_and_settings(rendered_2025):
    path = _doc(rendered_2025, "jahresbericht")
    document = docx.Document(path)
    body = document.element.body
    instr = [el.text for el in body.iter(qn("w:instrText"))]
    assert any(re.match(r'\s*TOC \\o "1-3" \\h \\z \\u', t or "") for t in instr)
    toc = [p.text for p in document.paragraphs if _style_id(p).startswith("TOC") and _style_id(p) != "TOCHeading"]
    assert toc[0] == "1. Überblick über die kreisweiten IKZ-Projekte und -Umsetzungsmaßnahmen\t"
    assert "1.1 Sachstand der aktuellen IKZ-Projekte und -Umsetzungsmaßnahmen\t" in toc
    assert "a) Beschaffung von Feuerwehrbedarf, Organisation der Instandhaltung\t" in toc
    assert toc[-1] == "2.6 Ausblick\t"
    # every TOC entry links to a bookmark on its heading (the other links are addresses, `links`)
    anchors = {h.get(qn("w:anchor")) for h in body.iter(qn("w:hyperlink")) if h.get(qn("r:id")) is None}
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert anchors and anchors <= bookmarks
    with zipfile.ZipFile(path) as z:
        settings = z.read("word/settings.xml").decode()
        styles = z.read("word/styles.xml").decode()
    assert '<w:updateFields w:val="true"/>' in settings
    assert re.search(r'<w:rPrDefault><w:rPr>.*<w:lang w:val="de-DE"', styles)
    # headings are Word's built-in Heading 1–3 (Überschrift 1–3)
    names = {s.style_id: s.name for s in document.styles}
    assert names["Heading1"] == "Heading 1" and names["Heading3"] == "Heading 3"


def test_header_footer_and_page_numbers(rendered_2025):
    document = docx.Document(_doc(rendered_2025, "projektauftrag", "HITZE"))
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "Projektauftrag – Hitzeaktionsplanung"
    instr = " ".join(el.text for el in section.footer._element.iter(qn("w:instrText")))
    assert "PAGE" in instr and "NUMPAGES" in instr
    assert section.footer.paragraphs[0].text.startswith("Seite ")
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7


def test_core_properties(rendered_2025):
    document = docx.Document(_doc(rendered_2025, "projektauftrag", "HITZE"))
    cp = document.core_properties
    assert cp.title == "Projektauftrag „Hitzeaktionsplanung“"
    assert cp.author == "IKZ-Lenkungsgruppe im Kreis Groß-Gerau"
    assert cp.subject == "Interkommunale Zusammenarbeit (IKZ) im Kreis Groß-Gerau"
    assert cp.language == "de-DE"
    annual = docx.Document(_doc(rendered_2025, "jahresbericht"))
    assert annual.core_properties.title.startswith("12. Zwischenbericht zum Sachstand")


def test_pictures_have_alternative_text(rendered_2025):
    document = docx.Document(_doc(rendered_2025, "jahresbericht"))
    descrs = [el.get("descr") for el in document.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert len(descrs) >= 2
    assert all(d for d in descrs)
    assert any(d.startswith("Balkendiagramm: Zahl der beteiligten Kreiskommunen") and "Archivwesen: 12" in d
               for d in descrs)
    assert any(d.startswith("Ablaufdiagramm des standardisierten IKZ-Projektablaufs") for d in descrs)


def test_file_names(rendered_2025, tmp_path, templates):
    names = sorted(str(d.path.relative_to(d.path.parent.parent)) for d in rendered_2025)
    assert "projektauftrag/projektauftrag-FEUERWEHR.docx" in names
    assert "schlussbericht/schlussbericht-SMART-REGION.docx" in names
    assert "jahresbericht/jahresbericht-2025.docx" in names
    # IDs with umlauts, separators and case-only differences
    import dataclasses

    base = make_data(n_projects=3, texts=False, reports=False, follow_ups=False)
    renamed = []
    for p, new_id in zip(base.projekte, ["LÄRM/ÖL", "lärm-öl", "Ärger"]):
        parts = tuple(dataclasses.replace(x, projekt=new_id) for x in p.participations)
        renamed.append(dataclasses.replace(p, id=new_id, participations=parts))
    data = dataclasses.replace(base, projekte=tuple(renamed) + base.projekte[3:])
    docs = render_all(data, templates, tmp_path)
    files = [d.path.name for d in docs if d.kind == "projektauftrag"]
    assert len(files) == len({f.lower() for f in files}) == 3
    for f in files:
        assert f.isascii() and re.fullmatch(r"projektauftrag-[A-Za-z0-9-]+\.docx", f), f
    assert any(f.startswith("projektauftrag-Aerger-") for f in files)
    assert all(d.path.parent.parent == tmp_path for d in docs)


# --- broken templates ----------------------------------------------------------


def _add_paragraph(src: Path, dst: Path, text: str) -> Path:
    document = docx.Document(src)
    document.add_paragraph(text)
    document.save(dst)
    return dst


def test_unknown_variable_fails_before_anything_is_written(tmp_path, templates):
    broken = tmp_path / "vorlagen"
    shutil.copytree(templates, broken)
    _add_paragraph(templates / "projektauftrag.docx", broken / "projektauftrag.docx",
                   "Hinweis: {{ projekt.gibtsnicht }} bitte beachten")
    out = tmp_path / "ausgabe"
    with pytest.raises(TemplateError) as info:
        render_all(data_2025(), broken, out)
    message = str(info.value)
    assert "projektauftrag.docx" in message
    assert "projekt.gibtsnicht" in message
    assert "Hinweis:" in message  # the surrounding text, so staff find the spot
    assert not out.exists() or not any(out.rglob("*.docx"))

    # single document: top-level unknown variable, file not created
    _add_paragraph(templates / "schlussbericht.docx", broken / "schlussbericht.docx", "{{ unbekannt }}")
    data = data_2025()
    target = tmp_path / "einzeln.docx"
    with pytest.raises(TemplateError) as info:
        render(broken / "schlussbericht.docx", context_of(data, "schlussbericht", data.projekt("HITZE")), target,
               doc_title="t", doc_subject="s", doc_author="a")
    assert "schlussbericht.docx" in str(info.value) and "»unbekannt«" in str(info.value)
    assert not target.exists()


def test_check_template_reports_syntax_errors_with_context(tmp_path, templates):
    data = data_2025()
    ctx = context_of(data, "projektauftrag", data.projekt("HITZE"))
    assert check_template(templates / "projektauftrag.docx", ctx) == []
    bad = _add_paragraph(templates / "projektauftrag.docx", tmp_path / "kaputt.docx",
                         "Die Leitung hat {{ projekt.titel } übernommen")
    problems = check_template(bad, ctx)
    assert len(problems) == 1
    assert "kaputt.docx" in problems[0]
    assert "Die Leitung hat" in problems[0]
    unclosed = _add_paragraph(templates / "projektauftrag.docx", tmp_path / "offen.docx", "{%p if projekt.id %}")
    problems = check_template(unclosed, ctx)
    assert problems and "offen.docx" in problems[0] and "endif" in problems[0]
    unknown = _add_paragraph(templates / "projektauftrag.docx", tmp_path / "unbekannt.docx",
                             "{% for u in unterschriften %}{{ u.telefon }}{% endfor %}")
    problems = check_template(unknown, ctx)
    assert problems == [p for p in problems if "»u.telefon«" in p]
    assert len(problems) == 1


def test_check_templates_accepts_the_committed_templates(templates, monkeypatch):
    def never(*_):
        raise AssertionError("the trial rendering drew a picture")

    # the trial rendering checks the templates, not the drawing: it places blank pictures
    for name in ("draw_bar_chart", "draw_timeline", "draw_process"):
        monkeypatch.setattr(r, name, never)
    assert check_templates(data_2025(), templates) == []
    assert check_templates(make_data(n_projects=1), templates) == []


def test_missing_template_is_named(tmp_path, templates):
    partial = tmp_path / "vorlagen"
    shutil.copytree(templates, partial)
    (partial / "jahresbericht.docx").unlink()
    with pytest.raises(TemplateError, match="jahresbericht.docx"):
        render_all(data_2025(), partial, tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --- LibreOffice -------------------------------------------------------------------


@pytest.mark.slow  # LibreOffice
def test_every_document_opens_in_libreoffice(rendered_sets, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) ist nicht installiert: sudo apt-get install libreoffice-writer-nogui"
    docs = [d.path for docs in rendered_sets.values() for d in docs]
    # the same file name can occur in two sets: give each a unique name
    inputs = tmp_path / "in"
    inputs.mkdir()
    files = []
    for i, path in enumerate(docs):
        target = inputs / f"{i:03d}-{path.name}"
        shutil.copy(path, target)
        files.append(target)
    outdir = tmp_path / "pdf"
    profile = tmp_path / f"lo-profile-{uuid.uuid4().hex}"
    from pipeline.convert import prepare_profile

    prepare_profile(profile)
    env = dict(os.environ, HOME=str(tmp_path))
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", "pdf",
         "--outdir", str(outdir), *map(str, files)],
        capture_output=True, text=True, timeout=600, env=env,
    )
    missing = [f.name for f in files if not (outdir / (f.stem + ".pdf")).is_file()]
    assert not missing, f"nicht konvertiert: {missing}\n{result.stdout}\n{result.stderr}"
    for f in files:
        pdf = outdir / (f.stem + ".pdf")
        assert pdf.stat().st_size > 1000
        assert pdf.read_bytes().startswith(b"%PDF")
    annual = next(outdir / (f.stem + ".pdf") for f in files if f.name.endswith("jahresbericht-2025.docx"))
    text = pdftotext(annual, "-layout")
    assert "SUMME" in text and "Inhalt" in text
    assert "Unterschrift" not in text


def test_render_all_atomic_replaces_the_folder_or_leaves_it(tmp_path, templates):
    out = tmp_path / "word"
    docs = r.render_all_atomic(make_data(n_projects=2), templates, out)
    assert all(d.path.is_file() and out in d.path.parents for d in docs)
    stale = out / "projektauftrag" / "projektauftrag-ALT.docx"
    stale.write_bytes(b"alt")
    docs = r.render_all_atomic(make_data(n_projects=1), templates, out)
    assert not stale.exists()
    before = sorted(p.relative_to(out) for p in out.rglob("*.docx"))
    broken = tmp_path / "vorlagen"
    shutil.copytree(templates, broken)
    _add_paragraph(templates / "jahresbericht.docx", broken / "jahresbericht.docx", "{{ bericht.gibtsnicht }}")
    with pytest.raises(TemplateError, match="bericht.gibtsnicht"):
        r.render_all_atomic(make_data(n_projects=3), broken, out)
    assert sorted(p.relative_to(out) for p in out.rglob("*.docx")) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".word")] == []
    with pytest.raises(TemplateError, match="jahresbericht.docx.*bericht.gibtsnicht"):
        r.require_templates(make_data(n_projects=1), broken)
    r.require_templates(make_data(n_projects=1), templates)


def test_render_document_writes_one_file(tmp_path, templates):
    data = data_2025()
    out = tmp_path / "a.docx"
    out.write_bytes(r.document_bytes(data, DocumentRef("projektauftrag", "ARCHIV"), templates))
    document = docx.Document(out)
    assert document.core_properties.title == "Projektauftrag „Archivwesen“"
    assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]


def test_section_two_is_left_out_when_it_has_no_content(tmp_path, templates):
    import dataclasses
    from types import MappingProxyType

    data = dataclasses.replace(make_data(n_projects=2, texts=False, reports=False), lenkungsgruppe=(),
                               fortbildungen=(), arbeitsgruppen=(), presse=(), initiativen=(), foerdermittel=(),
                               texte=MappingProxyType({}))
    docs = render_all(data, templates, tmp_path)
    document = docx.Document(_doc(docs, "jahresbericht"))
    titles = [p.text for p in document.paragraphs if _style_id(p).startswith("Heading")]
    assert "IKZ-unterstützende Maßnahmen" not in titles
    assert titles == ["Überblick über die kreisweiten IKZ-Projekte und -Umsetzungsmaßnahmen",
                      "Beispiel für standardisierten Projektablauf"]
    assert "None" not in _text(document)


def test_only_documents_with_a_chart_or_the_participation_table_draw():
    """`draws` decides whether a run loads matplotlib and the hyphenation patterns before its workers fork."""
    data = data_2025()
    drawing = {(ref.kind, ref.project) for ref in documents_for(data)
               if r.draws(document_kind(ref.kind).build(data, data.projekt(ref.project) if ref.project else None))}
    # the annual report (charts, participation table) and the one Projektauftrag with Arbeitsabschnitte (Zeitplan)
    assert drawing == {("jahresbericht", None), ("projektauftrag", "ARCHIV")}
