"""WordprocessingML built by the code, checked as structure: the participation table (header rows
repeated, merged cells, row headers, shading, caption), long texts, pictures (a run of their own,
alternative text) and runs split as elements.

The builders get a python-docx Document of a committed template; what they return is read as
elements, the way Word and LibreOffice read it. The pictures go through docxtpl and python-docx.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm
from docxtpl import DocxTemplate
from lxml import etree

from pipeline.charts import draw_bar_chart
from pipeline.errors import TemplateError
from pipeline.figures import (
    BarChart,
    IndentedText,
    ParticipationTable,
    TableCell,
    TableColumn,
    TableGroup,
    TableRow,
)
from pipeline.markup import parse
from pipeline.render import render_bytes
from pipeline.wordml import (
    BLANK_PNG,
    PRESERVE,
    STYLE_LIST_BULLET,
    STYLE_LIST_BULLET_2,
    STYLE_LIST_CONTINUE,
    STYLE_MATRIX,
    STYLE_NOTE,
    STYLE_ROW_HEADER,
    STYLE_TABLE,
    W_NS,
    Pictures,
    StyleMap,
    W,
    WordXml,
    participation_table,
    rich_paragraphs,
    split_run,
)
from tests.factories import context_of, make_data

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}"

NASTY = "Stadt A & B <Süd> \"Nord\" {{ x }}"


def text(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def wval(element, path: str, attr: str = "w:val") -> str | None:
    """The attribute of the first element at `path` (w: tags, slash-separated) below `element`."""
    found = element.find("/".join(qn(p) for p in path.split("/")))
    return None if found is None else found.get(qn(attr))


def has(element, path: str) -> bool:
    return element.find("/".join(qn(p) for p in path.split("/"))) is not None


@pytest.fixture
def document():
    return docx.Document(str(TEMPLATES / "jahresbericht.docx"))


@pytest.fixture
def styles(document):
    return StyleMap.of(document)


def small_table(**changes) -> ParticipationTable:
    """Two projects, the second with a follow-up column; four Kommunen; every kind of cell."""
    groups = (
        TableGroup("FW", "Feuerwehr\u00adbedarf & <Instandhaltung>", (TableColumn("FW", "FW", "Feuerwehrbedarf"),)),
        TableGroup("RE", "Reinigung", (TableColumn("RE", "Prüfprojekt", "Reinigung"),
                                       TableColumn("RE-P", "Pilotprojekt", "Reinigung – Pilot", folgeprojekt=True))),
    )
    rows = (
        TableRow(NASTY, (TableCell("X (PL)", beteiligt=True, vertreten=True), TableCell("X", beteiligt=True),
                         TableCell("X", beteiligt=True, folgeprojekt=True))),
        TableRow("Gemeinde B", (TableCell(""), TableCell("", unzustaendig=True), TableCell(""))),
        TableRow("Gemeinde C", (TableCell("X", beteiligt=True), TableCell(""), TableCell(""))),
        TableRow("Kreis", (TableCell("X (PG)", beteiligt=True, vertreten=True), TableCell(""), TableCell(""))),
    )
    values = dict(
        titel="Beteiligung der Kommunen", untertitel="an den Projekten & Maßnahmen", stand="(Stand: 31.10.2025)",
        groups=groups, rows=rows, sums=(3, 1, 1), landscape=False, abbreviated=False,
        legend=(("vertreten", "X (PL)", "beteiligt, in der Projektgruppe"), ("beteiligt", "X", "beteiligt"),
                ("keine", "", "nicht beteiligt"), ("folgeprojekt", "X", "Teilnahme am Pilotprojekt"),
                ("unzustaendig", "", "keine Aufgabenzuständigkeit")),
        alt="Tabelle der Beteiligung: 4 Kommunen, 3 Spalten & mehr",
    )
    values.update(changes)
    return ParticipationTable(**values)


def the_table(elements):
    """The participation table itself: the one with a repeated header row."""
    return next(el for el in elements if el.tag == qn("w:tbl") and el.find(f".//{qn('w:tblHeader')}") is not None)


def rows_of(tbl):
    return tbl.findall(qn("w:tr"))


def cells_of(tr):
    return tr.findall(qn("w:tc"))


def span(tc) -> int:
    return int(wval(tc, "w:tcPr/w:gridSpan") or 1)


def fill(tc) -> str | None:
    return wval(tc, "w:tcPr/w:shd", "w:fill")


# --- the participation table -----------------------------------------------------------------


def test_table_comes_with_title_legend_and_a_closing_paragraph(document, styles):
    elements = participation_table(document, small_table(), styles)
    assert [el.tag.split("}")[1] for el in elements] == ["p", "p", "p", "tbl", "p", "tbl", "p"]
    assert [text(p) for p in elements[:3]] == ["Beteiligung der Kommunen", "an den Projekten & Maßnahmen",
                                               "(Stand: 31.10.2025)"]
    assert all(has(p, "w:pPr/w:keepNext") for p in elements[:3])  # the title stays with the table
    assert text(elements[4]) == "Legende"
    assert not has(elements[-1], "w:pPr/w:sectPr")  # portrait: no section of its own
    assert text(elements[-1]) == ""


def test_table_properties_name_style_caption_and_description(document, styles):
    tbl = the_table(participation_table(document, small_table(), styles))
    assert wval(tbl, "w:tblPr/w:tblStyle") == styles.id(STYLE_TABLE, "table")
    assert wval(tbl, "w:tblPr/w:tblCaption") == "an den Projekten & Maßnahmen"
    assert wval(tbl, "w:tblPr/w:tblDescription") == "Tabelle der Beteiligung: 4 Kommunen, 3 Spalten & mehr"
    look = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblLook')}")
    assert look.get(qn("w:firstRow")) == "1" and look.get(qn("w:firstColumn")) == "1"
    assert wval(tbl, "w:tblPr/w:tblLayout", "w:type") == "fixed"


def test_grid_is_regular_and_as_wide_as_the_table(document, styles):
    tbl = the_table(participation_table(document, small_table(), styles))
    grid = [int(c.get(qn("w:w"))) for c in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
    assert len(grid) == 1 + 3  # Kommune and three leaf columns
    assert sum(grid) == int(wval(tbl, "w:tblPr/w:tblW", "w:w"))
    for tr in rows_of(tbl):
        assert sum(span(tc) for tc in cells_of(tr)) == len(grid)
        widths = [int(wval(tc, "w:tcPr/w:tcW", "w:w")) for tc in cells_of(tr)]
        assert sum(widths) == sum(grid)


def test_two_header_rows_repeat_and_merge_their_cells(document, styles):
    tbl = the_table(participation_table(document, small_table(), styles))
    rows = rows_of(tbl)
    assert [has(tr, "w:trPr/w:tblHeader") for tr in rows] == [True, True] + [False] * 5
    head1, head2 = cells_of(rows[0]), cells_of(rows[1])
    # »Kommune« and the single-column project span both rows (vertical merge)
    assert text(head1[0]) == "Kommune" and wval(head1[0], "w:tcPr/w:vMerge") == "restart"
    assert has(head2[0], "w:tcPr/w:vMerge") and wval(head2[0], "w:tcPr/w:vMerge") is None  # continues
    assert text(head1[1]) == "Feuerwehrbedarf & <Instandhaltung>"
    assert wval(head1[1], "w:tcPr/w:vMerge") == "restart" and wval(head2[1], "w:tcPr/w:vMerge") is None
    assert text(head2[0]) == text(head2[1]) == ""
    # the project with a follow-up spans its two leaf columns; the leaves are named in the second row
    assert text(head1[2]) == "Reinigung" and span(head1[2]) == 2
    assert [text(tc) for tc in head2[2:]] == ["Prüfprojekt", "Pilotprojekt"]
    assert [fill(tc) for tc in head2[2:]] == ["D5DEE8", "C5E0B4"]  # the follow-up's header in green
    assert all(has(r, "w:rPr/w:b") for r in head1[2].iter(qn("w:r")) if text(r))
    assert not any(has(r, "w:rPr/w:b") for tc in head2[2:] for r in tc.iter(qn("w:r")))


def test_one_header_row_when_no_project_has_a_follow_up(document, styles):
    table = small_table(groups=small_table().groups[:1],
                        rows=tuple(TableRow(r.kommune, r.cells[:1]) for r in small_table().rows), sums=(3,))
    tbl = the_table(participation_table(document, table, styles))
    rows = rows_of(tbl)
    assert [has(tr, "w:trPr/w:tblHeader") for tr in rows] == [True] + [False] * 5
    assert not any(has(tc, "w:tcPr/w:vMerge") for tr in rows for tc in cells_of(tr))
    assert [text(tc) for tc in cells_of(rows[0])] == ["Kommune", "Feuerwehrbedarf & <Instandhaltung>"]


def test_soft_hyphens_become_optional_hyphens(document, styles):
    tbl = the_table(participation_table(document, small_table(), styles))
    header = cells_of(rows_of(tbl)[0])[1]
    paragraph = header.find(qn("w:p"))
    kinds = [("-" if r.find(qn("w:softHyphen")) is not None else text(r)) for r in paragraph.findall(qn("w:r"))]
    # the one typed in the workbook, and the syllable breaks of long words (german.hyphenate)
    assert kinds[:3] == ["Feuerwehr", "-", "bedarf & <In"]
    assert "".join(kinds) == "Feuerwehr-bedarf & <In-stand-hal-tung>"
    assert "\u00ad" not in text(tbl)


def test_rows_are_kommunen_with_row_headers_and_the_sum(document, styles):
    tbl = the_table(participation_table(document, small_table(), styles))
    body = rows_of(tbl)[2:]
    row_header = styles.id(STYLE_ROW_HEADER)
    assert row_header  # added to the document, which lacked it
    assert [text(cells_of(tr)[0]) for tr in body] == [NASTY, "Gemeinde B", "Gemeinde C", "Kreis", "SUMME"]
    for tr in body:
        first, *others = cells_of(tr)
        assert wval(first, "w:p/w:pPr/w:pStyle") == row_header
        assert all(wval(tc, "w:p/w:pPr/w:pStyle") == styles.id(STYLE_MATRIX) for tc in others)
    assert [text(tc) for tc in cells_of(body[0])[1:]] == ["X (PL)", "X", "X"]
    assert [text(tc) for tc in cells_of(body[-1])] == ["SUMME", "3", "1", "1"]
    assert all(has(r, "w:rPr/w:b") for tc in cells_of(body[-1]) for r in tc.iter(qn("w:r")))


def test_row_header_style_is_added_based_on_the_matrix_style(document, styles):
    participation_table(document, small_table(), styles)
    added = [s for s in document.styles.element.findall(qn("w:style"))
             if wval(s, "w:name") == STYLE_ROW_HEADER]
    assert len(added) == 1
    assert added[0].get(qn("w:type")) == "paragraph"
    assert wval(added[0], "w:basedOn") == styles.id(STYLE_MATRIX)
    participation_table(document, small_table(), styles)  # a second table adds no second style
    assert len([s for s in document.styles.element.findall(qn("w:style"))
                if wval(s, "w:name") == STYLE_ROW_HEADER]) == 1


def test_cells_are_shaded_by_what_they_mean(document, styles):
    tbl = the_table(participation_table(document, small_table(), styles))
    body = rows_of(tbl)[2:]
    assert [fill(tc) for tc in cells_of(body[0])[1:]] == ["BDD7EE", "E3EEF8", "C5E0B4"]  # role, member, follow-up
    assert [fill(tc) for tc in cells_of(body[1])[1:]] == [None, "BFBFBF", None]  # not a member, not responsible
    assert {fill(tc) for tc in cells_of(body[-1])} == {"EDEDED"}


def test_last_rows_keep_with_the_sum_and_the_legend(document, styles):
    tbl = the_table(participation_table(document, small_table(), styles))
    body = rows_of(tbl)[2:]
    keep = [all(has(p, "w:pPr/w:keepNext") for p in tr.iter(qn("w:p"))) for tr in body]
    assert keep == [False, True, True, True, True]
    assert all(has(tr, "w:trPr/w:cantSplit") for tr in rows_of(tbl))


def test_legend_is_a_layout_table_of_samples(document, styles):
    elements = participation_table(document, small_table(), styles)
    legend = elements[5]
    look = legend.find(f"{qn('w:tblPr')}/{qn('w:tblLook')}")
    assert look.get(qn("w:firstRow")) == "0" and look.get(qn("w:firstColumn")) == "0"
    assert wval(legend, "w:tblPr/w:tblCaption") == "Legende"
    assert legend.find(f".//{qn('w:tblHeader')}") is None
    rows = [cells_of(tr) for tr in rows_of(legend)]
    assert [(text(a), text(b)) for a, b in rows] == [
        ("X (PL)", "beteiligt, in der Projektgruppe"), ("X", "beteiligt"), ("", "nicht beteiligt"),
        ("X", "Teilnahme am Pilotprojekt"), ("", "keine Aufgabenzuständigkeit")]
    assert [fill(a) for a, _ in rows] == ["BDD7EE", "E3EEF8", None, "C5E0B4", "BFBFBF"]
    assert all(has(a, "w:tcPr/w:tcBorders/w:top") for a, _ in rows)
    assert all(wval(b, "w:p/w:pPr/w:pStyle") == styles.id(STYLE_NOTE) for _, b in rows)


def test_wide_table_has_a_landscape_section_and_a_key(document, styles):
    table = context_of(make_data(n_projects=12), "jahresbericht")["beteiligung"]
    assert table.landscape and table.abbreviated
    elements = participation_table(document, table, styles)
    before, after = elements[0].find(f".//{qn('w:sectPr')}"), elements[-1].find(f".//{qn('w:sectPr')}")
    assert before is not None and after is not None
    # the text before ends a portrait section; the table's own section is landscape and starts a page
    assert wval(before, "w:pgSz", "w:orient") != "landscape" and before.find(qn("w:titlePg")) is None
    size = after.find(qn("w:pgSz"))
    assert size.get(qn("w:orient")) == "landscape" and int(size.get(qn("w:w"))) > int(size.get(qn("w:h")))
    assert wval(after, "w:type") == "nextPage"
    tbl = the_table(elements)
    rows = rows_of(tbl)
    assert [has(tr, "w:trPr/w:tblHeader") for tr in rows].count(True) == 1  # abbreviations: one header row
    assert [text(tc) for tc in cells_of(rows[0])[1:]] == [c.label for c in table.columns]
    assert all(span(tc) == 1 for tr in rows for tc in cells_of(tr))
    # the key: »Spalten:« and every abbreviation with its title, in a layout table of three columns
    i = next(i for i, el in enumerate(elements) if text(el) == "Spalten:")
    key = elements[i + 1]
    assert wval(key, "w:tblPr/w:tblCaption") == "Spalten"
    assert len(key.find(qn("w:tblGrid"))) == 3
    entries = {text(tc) for tc in key.iter(qn("w:tc"))} - {""}
    assert entries == {f"{label} = {titel}" for label, titel in table.key}


def test_values_are_element_text_and_survive_serialisation(document, styles):
    wordxml = WordXml(lambda: participation_table(document, small_table(), styles))
    markup = wordxml.__html__()
    assert "Stadt A &amp; B &lt;Süd&gt;" in markup
    parsed = etree.fromstring(f'<w:body xmlns:w="{W_NS}">{markup}</w:body>')
    assert [text(cells_of(tr)[0]) for tr in rows_of(the_table(list(parsed)))][2] == NASTY
    assert wval(the_table(list(parsed)), "w:tblPr/w:tblDescription") == small_table().alt


def test_wordxml_builds_once_when_first_shown():
    calls = []

    def build():
        calls.append(1)
        return [W.p(W.r(W.t("eins")))]

    wordxml = WordXml(build)
    assert bool(wordxml) and calls == []
    assert wordxml.__html__() == wordxml.__html__()
    assert calls == [1]


# --- long texts ------------------------------------------------------------------------------


def test_long_text_becomes_paragraphs_bullets_and_bold_runs(styles):
    paragraphs = rich_paragraphs(parse(f"Erster **fetter** Absatz\n- Punkt & <eins>\n  - Unterpunkt\n{NASTY}"), styles)
    assert [text(p) for p in paragraphs] == ["Erster fetter Absatz", "Punkt & <eins>", "Unterpunkt", NASTY]
    assert [wval(p, "w:pPr/w:pStyle") for p in paragraphs] == [
        None, styles.id(STYLE_LIST_BULLET), styles.id(STYLE_LIST_BULLET_2), None]
    runs = paragraphs[0].findall(qn("w:r"))
    assert [(text(r), has(r, "w:rPr/w:b")) for r in runs] == [("Erster ", False), ("fetter", True), (" Absatz", False)]
    assert all(r.find(qn("w:t")).get(qn("xml:space")) == "preserve" for r in runs)


def test_indented_text_continues_the_list_item(styles):
    rt = parse("Bericht im Tageblatt\n- erster Punkt")
    paragraphs = rich_paragraphs(IndentedText(rt.blocks, rt.source), styles)
    assert [wval(p, "w:pPr/w:pStyle") for p in paragraphs] == [styles.id(STYLE_LIST_CONTINUE),
                                                              styles.id(STYLE_LIST_BULLET_2)]


def test_bullets_without_a_list_style_stay_a_list_visually():
    bare = StyleMap(W.styles())
    paragraph, = rich_paragraphs(parse("- Punkt"), bare)
    assert wval(paragraph, "w:pPr/w:ind", "w:hanging") == "357"
    first = paragraph.find(qn("w:r"))
    assert text(first) == "–" and first.find(qn("w:tab")) is not None
    assert text(paragraph) == "–Punkt"


# --- runs split as elements ------------------------------------------------------------------


def _run(*children, bold=True):
    return W.r(W.rPr(W.b()) if bold else None, *children)


def test_split_run_keeps_properties_and_order():
    t = W.t("Vorher MITTE nachher", PRESERVE)
    paragraph = W.p(_run(t, W.br(), W.t("zweite Zeile")))
    middle = split_run(t, 7, 12)
    runs = paragraph.findall(qn("w:r"))
    assert [text(r) for r in runs] == ["Vorher ", "MITTE", " nachherzweite Zeile"]
    assert runs[1] is middle
    assert all(has(r, "w:rPr/w:b") for r in runs)
    assert runs[2].find(qn("w:br")) is not None  # what followed the text stays after it, in order
    assert [c.tag for c in runs[2]][1:] == [qn("w:t"), qn("w:br"), qn("w:t")]


@pytest.mark.parametrize("source,start,end,texts", [("MITTE nachher", 0, 5, ["MITTE", " nachher"]),
                                                   ("Davor, MITTE", 7, 12, ["Davor, ", "MITTE"]),
                                                   ("MITTE", 0, 5, ["MITTE"])])
def test_split_run_at_an_end_leaves_no_empty_run(source, start, end, texts):
    t = W.t(source, PRESERVE)
    paragraph = W.p(_run(t, bold=False))
    split_run(t, start, end)
    assert [text(r) for r in paragraph.findall(qn("w:r"))] == texts
    assert all(len(r) for r in paragraph.findall(qn("w:r")))


# --- pictures --------------------------------------------------------------------------------

CHART = BarChart("Beteiligung", ("Projekt A & B", "Projekt C"), (3, 5), 6, "Kommunen",
                 "Balkendiagramm: Projekt A & B: 3, Projekt C: 5.")


@pytest.fixture(scope="module")
def png() -> bytes:
    return draw_bar_chart(CHART)


def _template(tmp_path, body: str, header: str = "") -> Path:
    document = docx.Document()
    paragraph = document.add_paragraph(body)
    paragraph.runs[0].bold = True
    if header:
        document.sections[0].header.paragraphs[0].text = header
    path = tmp_path / "vorlage.docx"
    document.save(str(path))
    return path


def _rendered(tpl: DocxTemplate):
    buf = io.BytesIO()
    tpl.save(buf)
    return docx.Document(io.BytesIO(buf.getvalue()))


def test_picture_is_a_run_of_its_own_with_alternative_text(tmp_path, png):
    tpl = DocxTemplate(str(_template(tmp_path, "Vorher {{ bild }} nachher")))
    pictures = Pictures()
    picture = pictures.add(png, 5.0, CHART.alt, "Diagramm", "bild")
    tpl.render({"bild": picture}, autoescape=True)
    assert pictures.place(tpl.docx) == []
    document = _rendered(tpl)
    paragraph = document.paragraphs[0]
    assert [r.text for r in paragraph.runs] == ["Vorher ", "", " nachher"]
    assert all(r.bold for r in paragraph.runs)  # the text around keeps its formatting
    drawing_run = paragraph.runs[1]._r
    inline = drawing_run.find(f"{qn('w:drawing')}/{WP}inline")
    assert inline is not None
    assert inline.find(f"{WP}docPr").get("descr") == "Balkendiagramm: Projekt A & B: 3, Projekt C: 5."
    assert inline.find(f"{WP}docPr").get("name") == "Diagramm 1"
    assert inline.find(f".//{PIC}cNvPr").get("descr") == CHART.alt
    shape, = document.inline_shapes
    assert shape.width == Cm(5.0)
    assert shape._inline.graphic.graphicData.pic.blipFill.blip.embed
    blob = document.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
    assert blob == png
    assert not any("\ue000" in p.text or "\ue001" in p.text for p in document.paragraphs)


def test_picture_shown_twice_is_placed_twice_with_one_image(tmp_path, png):
    tpl = DocxTemplate(str(_template(tmp_path, "{{ bild }} und {{ bild }}")))
    pictures = Pictures()
    tpl.render({"bild": pictures.add(png, 4.0, CHART.alt, "Diagramm", "bild")}, autoescape=True)
    assert pictures.place(tpl.docx) == []
    document = _rendered(tpl)
    assert len(document.inline_shapes) == 2
    assert [r.text for r in document.paragraphs[0].runs] == ["", " und ", ""]
    assert len([p for p in document.part.package.iter_parts() if p.partname.startswith("/word/media/")]) == 1


def test_picture_is_drawn_only_when_the_template_shows_it(tmp_path):
    drawn = []
    tpl = DocxTemplate(str(_template(tmp_path, "Ohne Bild")))
    pictures = Pictures()
    picture = pictures.add(lambda: drawn.append(1) or b"", 4.0, "Alt", "Zeitplan", "zeitplan")
    tpl.render({"zeitplan": picture}, autoescape=True)
    assert pictures.place(tpl.docx) == []
    assert drawn == []


def test_a_trial_rendering_places_a_blank_picture_and_draws_nothing(tmp_path):
    drawn = []
    tpl = DocxTemplate(str(_template(tmp_path, "Vorher {{ bild }} nachher")))
    pictures = Pictures(draw=False)
    tpl.render({"bild": pictures.add(lambda: drawn.append(1) or b"", 16.0, "Alt", "Diagramm", "bild")},
               autoescape=True)
    assert pictures.place(tpl.docx) == []
    assert drawn == []
    document = _rendered(tpl)
    shape, = document.inline_shapes
    assert shape.width == Cm(16.0) and shape.height == Cm(16.0)  # python-docx read the PNG: 1 × 1 pixel
    assert document.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob == BLANK_PNG


def test_picture_in_a_header_is_refused_with_its_name(tmp_path):
    template = _template(tmp_path, "Text", header="{{ diagramm }}")
    with pytest.raises(TemplateError) as exc:
        render_bytes(template, {"diagramm": CHART}, doc_title="T", doc_subject="S", doc_author="A")
    assert "{{ diagramm }}" in str(exc.value) and "Kopf- oder Fußzeile" in str(exc.value)
