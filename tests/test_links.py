"""Web and e-mail addresses in a document's text become links (`links.link_addresses`), read back with
python-docx: the link's text, its external relationship, the text around it and its formatting."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from pipeline.kinds import document_kind
from pipeline.links import link_addresses, target
from pipeline.render import render_context
from pipeline.wordml import PRESERVE, STYLE_HYPERLINK, StyleMap, W, attrs
from tests.factories import context_of, data_2025

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def emptied(template: str = "jahresbericht.docx"):
    document = docx.Document(str(TEMPLATES / template)) if template else docx.Document()
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def with_paragraphs(document, *paragraphs):
    for p in paragraphs:
        document.element.body.sectPr.addprevious(p)
    return document


def reread(document):
    buf = io.BytesIO()
    document.save(buf)
    return docx.Document(io.BytesIO(buf.getvalue()))


def links_of(document) -> list[tuple[str, str]]:
    """(text, address) of every link in the body's paragraphs, tables included."""
    found = []
    for p in document.element.body.iter(qn("w:p")):
        paragraph = docx.text.paragraph.Paragraph(p, document._body)
        found += [(h.text, h.address) for h in paragraph.hyperlinks]
    return found


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


@pytest.mark.parametrize("written,expected", [
    ("https://ikz.imkreisgg.de", "https://ikz.imkreisgg.de"),
    ("http://example.org/a?b=1&c=2#teil", "http://example.org/a?b=1&c=2#teil"),
    ("www.example.de/berichte", "https://www.example.de/berichte"),
    ("m.goetz@raunheim.de", "mailto:m.goetz@raunheim.de"),
    ("https://www.example.de/Straße", "https://www.example.de/Stra%C3%9Fe"),
    ("bürgerbüro@example.de", "mailto:b%C3%BCrgerb%C3%BCro@example.de"),
])
def test_target_of_an_address(written, expected):
    assert target(written) == expected


def test_addresses_in_running_text_become_links_and_the_text_stays():
    document = with_paragraphs(emptied(), *(W.p(W.r(W.t(text, PRESERVE))) for text in (
        "Alle Berichte unter https://ikz.example.de/berichte?jahr=2025.",
        "Kontakt: info@stadt-a.example.de, Telefon 06142 / 402-216",
        "(siehe www.example.de) und https://example.org/seite_(neu), ferner x@y.example.",
    )))
    assert link_addresses(document, StyleMap.of(document)) == 5
    document = reread(document)
    assert texts(document) == ["Alle Berichte unter https://ikz.example.de/berichte?jahr=2025.",
                               "Kontakt: info@stadt-a.example.de, Telefon 06142 / 402-216",
                               "(siehe www.example.de) und https://example.org/seite_(neu), ferner x@y.example."]
    assert links_of(document) == [
        ("https://ikz.example.de/berichte?jahr=2025", "https://ikz.example.de/berichte?jahr=2025"),
        ("info@stadt-a.example.de", "mailto:info@stadt-a.example.de"),
        ("www.example.de", "https://www.example.de"),
        ("https://example.org/seite_(neu)", "https://example.org/seite_(neu)"),
        ("x@y.example", "mailto:x@y.example"),
    ]


def test_each_link_has_an_external_hyperlink_relationship():
    document = with_paragraphs(emptied(), W.p(W.r(W.t("https://a.example.de und https://a.example.de"))))
    link_addresses(document, StyleMap.of(document))
    document = reread(document)
    ids = [h.get(qn("r:id")) for h in document.element.body.iter(qn("w:hyperlink"))]
    assert len(ids) == 2 and len(set(ids)) == 1  # one relationship per address
    rel = document.part.rels[ids[0]]
    assert rel.is_external and rel.reltype == RT.HYPERLINK and rel.target_ref == "https://a.example.de"


def test_link_keeps_the_runs_formatting_in_the_hyperlink_style():
    document = with_paragraphs(emptied(), W.p(W.r(W.rPr(W.b()), W.t("Mail an info@example.de bitte", PRESERVE))))
    styles = StyleMap.of(document)
    link_addresses(document, styles)
    paragraph = reread(document).paragraphs[0]
    link, = paragraph.hyperlinks
    run, = link.runs
    assert run.bold and run.style.name == STYLE_HYPERLINK
    assert run.style.font.underline  # the template's Hyperlink style: underlined
    assert [(r.text, r.bold) for r in paragraph.runs] == [("Mail an ", True), (" bitte", True)]


def test_hyperlink_style_is_added_when_the_template_lacks_it():
    document = with_paragraphs(emptied(""), W.p(W.r(W.t("www.example.de"))))
    styles = StyleMap.of(document)
    assert styles.id(STYLE_HYPERLINK, "character") is None
    link_addresses(document, styles)
    run, = reread(document).paragraphs[0].hyperlinks[0].runs
    assert run.style.name == STYLE_HYPERLINK
    assert run.style.font.underline and str(run.style.font.color.rgb) == "0563C1"


def test_links_fields_and_other_text_are_left_alone():
    existing = W.hyperlink(attrs(anchor="_Toc1"), W.r(W.t("https://schon.example.de")))
    field = [W.r(W.fldChar(attrs(fldCharType="begin"))), W.r(W.instrText(" HYPERLINK \"https://f.example.de\" ")),
             W.r(W.fldChar(attrs(fldCharType="separate"))), W.r(W.t("https://f.example.de")),
             W.r(W.fldChar(attrs(fldCharType="end")))]
    document = with_paragraphs(emptied(), W.p(existing), W.p(*field),
                               W.p(W.r(W.t("Version 1.2.3, a@b, https://, name@host und www."))))
    assert link_addresses(document, StyleMap.of(document)) == 0
    assert len(list(document.element.body.iter(qn("w:hyperlink")))) == 1
    assert not [r for r in document.part.rels.values() if r.reltype == RT.HYPERLINK]


def test_addresses_in_tables_become_links():
    document = with_paragraphs(emptied(), W.tbl(W.tblPr(), W.tblGrid(W.gridCol(attrs(w=5000))),
                                                 W.tr(W.tc(W.p(W.r(W.t("post@example.de")))))))
    assert link_addresses(document, StyleMap.of(document)) == 1
    assert links_of(reread(document)) == [("post@example.de", "mailto:post@example.de")]


def test_workbook_addresses_are_links_in_the_annual_report():
    """The sample's Einleitung names the website, the contact lines the e-mail address: both links."""
    data = data_2025()
    blob = render_context(TEMPLATES / "jahresbericht.docx", context_of(data, "jahresbericht"),
                          document_kind("jahresbericht"))
    document = docx.Document(io.BytesIO(blob))
    links = links_of(document)
    assert ("m.goetz@raunheim.de", "mailto:m.goetz@raunheim.de") in links
    assert ("https://ikz.imkreisgg.de", "https://ikz.imkreisgg.de") in links
    contact = next(p for p in document.paragraphs if "m.goetz@raunheim.de" in p.text)
    assert contact.text == "m.goetz@raunheim.de – 06142 / 402-216"
    # the table of contents keeps its internal links, without a relationship
    toc = [h for h in document.element.body.iter(qn("w:hyperlink")) if h.get(qn("w:anchor"))]
    assert toc and all(h.get(qn("r:id")) is None for h in toc)
