"""The table of contents a rendered document gets (`toc.fill_toc`) and its page numbers
(`toc.set_page_numbers`), checked as structure: entries in the TOC styles, each a link to a bookmark
on its heading, a PAGEREF field for its page, one TOC field around them all."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from pipeline.toc import fill_toc, set_page_numbers
from pipeline.wordml import PRESERVE, StyleMap, W, attrs, heading_style, toc_style

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TOC_INSTRUCTION = ' TOC \\o "1-3" \\h \\z \\u '
HEADINGS = [(1, "Überblick & <Ziele>"), (2, "Sachstand"), (3, "Feuerwehr"), (3, "Reinigung"), (1, "Ausblick")]


def text(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def toc_field():
    """The TOC field as Word leaves it in a template: begin, instruction, separate, a placeholder, end."""
    return [W.p(W.r(W.fldChar(attrs(fldCharType="begin"))), W.r(W.instrText(TOC_INSTRUCTION, PRESERVE)),
                W.r(W.fldChar(attrs(fldCharType="separate")))),
            W.p(W.r(W.t("Das Inhaltsverzeichnis wird beim Öffnen aktualisiert."))),
            W.p(W.r(W.fldChar(attrs(fldCharType="end"))))]


def document_with(headings, *, in_content_control: bool = False):
    """The annual report's template emptied, with a TOC field (in the body, or in a content control as
    LibreOffice saves it), the headings, a normal paragraph and an empty heading."""
    document = docx.Document(str(TEMPLATES / "jahresbericht.docx"))
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    styles = StyleMap.of(document)
    field = toc_field()
    if in_content_control:
        field = [W.sdt(W.sdtPr(), W.sdtContent(*field))]
    blocks = [*field, W.p(W.r(W.t("Bestehende Marke"))), W.p(W.bookmarkStart(attrs(id=7, name="_vorhanden")))]
    for level, heading in headings:
        blocks.append(W.p(W.pPr(W.pStyle(attrs(val=styles.id(heading_style(level))))), W.r(W.t(heading))))
        blocks.append(W.p(W.r(W.t("Ein Absatz Text."))))
    blocks.append(W.p(W.pPr(W.pStyle(attrs(val=styles.id(heading_style(2)))))))  # empty: no entry
    for block in blocks:
        body.sectPr.addprevious(block)
    return document


def toc_paragraphs(document):
    styles = StyleMap.of(document)
    ids = {styles.id(toc_style(level)): level for level in (1, 2, 3)}
    return [(ids[p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val"))], p)
            for p in document.element.body.iter(qn("w:p"))
            if p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") is not None
            and p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) in ids]


def headings_of(document):
    styles = StyleMap.of(document)
    ids = {styles.id(heading_style(level)) for level in (1, 2, 3)}
    return [p for p in document.element.body.iter(qn("w:p"))
            if p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") is not None
            and p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) in ids and text(p)]


@pytest.mark.parametrize("in_content_control", [False, True])
def test_entries_replace_the_field_result_in_the_toc_styles(in_content_control):
    document = document_with(HEADINGS, in_content_control=in_content_control)
    assert fill_toc(document) == 5
    entries = toc_paragraphs(document)
    assert [level for level, _ in entries] == [1, 2, 3, 3, 1]
    # numbered as the template's heading styles number them (1., 1.1, a))
    assert [text(p) for _, p in entries] == ["1. Überblick & <Ziele>", "1.1 Sachstand", "a) Feuerwehr",
                                             "b) Reinigung", "2. Ausblick"]
    assert "Das Inhaltsverzeichnis wird" not in "".join(text(p) for p in document.element.body.iter(qn("w:p")))
    if in_content_control:
        assert all(p.getparent().tag == qn("w:sdtContent") for _, p in entries)


def test_each_entry_links_to_a_bookmark_on_its_heading():
    document = document_with(HEADINGS)
    fill_toc(document)
    headings = headings_of(document)
    assert [text(h) for h in headings] == [heading for _, heading in HEADINGS]
    for (_, entry), heading in zip(toc_paragraphs(document), headings):
        link = entry.find(qn("w:hyperlink"))
        anchor = link.get(qn("w:anchor"))
        assert link.get(qn("w:history")) == "1"
        start = heading.find(qn("w:bookmarkStart"))
        end = heading.find(qn("w:bookmarkEnd"))
        assert start.get(qn("w:name")) == anchor and end.get(qn("w:id")) == start.get(qn("w:id"))
        assert text(link).endswith(text(heading))
        assert link.find(f"{qn('w:r')}/{qn('w:tab')}") is not None  # the tab before the page number
    ids = [b.get(qn("w:id")) for b in document.element.body.iter(qn("w:bookmarkStart"))]
    assert len(ids) == len(set(ids)) and "7" in ids  # new bookmarks after the existing one


def test_entries_hold_one_toc_field_and_a_pageref_field_each():
    document = document_with(HEADINGS)
    fill_toc(document)
    entries = [p for _, p in toc_paragraphs(document)]
    marks = [(fc.get(qn("w:fldCharType")), fc.get(qn("w:dirty")))
             for p in entries for fc in p.iter(qn("w:fldChar"))]
    depth = 0
    for kind, _ in marks:  # properly nested: never closed before it was opened
        depth += {"begin": 1, "end": -1}.get(kind, 0)
        assert depth >= 0
    assert depth == 0
    first = entries[0].findall(f"{qn('w:r')}/{qn('w:fldChar')}")
    assert first[0].get(qn("w:fldCharType")) == "begin" and first[0].get(qn("w:dirty")) == "true"
    assert entries[0].find(f"{qn('w:r')}/{qn('w:instrText')}").text == TOC_INSTRUCTION
    assert entries[-1].findall(qn("w:r"))[-1].find(qn("w:fldChar")).get(qn("w:fldCharType")) == "end"
    for entry in entries:
        anchor = entry.find(qn("w:hyperlink")).get(qn("w:anchor"))
        pageref = [i.text for i in entry.find(qn("w:hyperlink")).iter(qn("w:instrText"))]
        assert pageref == [f" PAGEREF {anchor} \\h "]


def test_no_heading_no_entries():
    document = document_with([])
    assert fill_toc(document) == 0
    assert toc_paragraphs(document) == []


def test_a_document_without_toc_field_is_left_alone():
    document = docx.Document(str(TEMPLATES / "projektauftrag.docx"))
    before = etree.tostring(document.element.body)
    assert fill_toc(document) == 0
    assert etree.tostring(document.element.body) == before


def _saved(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _page_numbers(blob: bytes) -> list[str]:
    """The result of each entry's PAGEREF field: the text after its »separate« mark."""
    numbers = []
    for _, entry in toc_paragraphs(docx.Document(io.BytesIO(blob))):
        runs = entry.find(qn("w:hyperlink")).findall(qn("w:r"))
        separate = next(i for i, r in enumerate(runs)
                        if r.find(qn("w:fldChar")) is not None
                        and r.find(qn("w:fldChar")).get(qn("w:fldCharType")) == "separate")
        numbers.append(text(runs[separate + 1]))
    return numbers


def test_page_numbers_are_filled_in_and_the_field_no_longer_dirty():
    document = document_with(HEADINGS)
    fill_toc(document)
    blob = set_page_numbers(_saved(document), [2, 3, 3, 4, 7])
    assert _page_numbers(blob) == ["2", "3", "3", "4", "7"]
    result = docx.Document(io.BytesIO(blob))
    assert all(fc.get(qn("w:dirty")) is None for fc in result.element.body.iter(qn("w:fldChar")))


def test_page_numbers_of_another_count_change_nothing():
    document = document_with(HEADINGS)
    fill_toc(document)
    blob = _saved(document)
    assert set_page_numbers(blob, [2, 3]) == blob
