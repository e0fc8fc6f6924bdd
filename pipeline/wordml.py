"""WordprocessingML built by the code: runs, paragraphs, long texts, pictures, the participation table.

Styles are found by their display name (»List Bullet«, »IKZ Beteiligungstabelle«),
the name Word and LibreOffice show, never by a hard-coded style ID: an office
suite that saves a template rewrites the IDs (LibreOffice turns »IKZMatrix«
into »IKZBeteiligungstabelle«) but keeps the names. `CODE_STYLES` lists every
style the code applies; `check` reports any a template lacks.
"""

from __future__ import annotations

import copy
import html
import io
import re

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm
from docxtpl import DocxTemplate

from .figures import IndentedText, ParticipationTable
from .german import hyphenate
from .markup import RichText

__all__ = [
    "CODE_STYLES",
    "STYLE_LIST_BULLET",
    "STYLE_LIST_BULLET_2",
    "STYLE_LIST_CONTINUE",
    "STYLE_MATRIX",
    "STYLE_NOTE",
    "STYLE_TABLE",
    "Picture",
    "StyleMap",
    "WordXml",
    "heading_style",
    "rich_xml",
    "table_xml",
    "toc_style",
]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = nsdecls("w")

STYLE_LIST_BULLET = "List Bullet"
STYLE_LIST_BULLET_2 = "List Bullet 2"
STYLE_LIST_CONTINUE = "List Continue"
STYLE_MATRIX = "IKZ Beteiligungstabelle"
STYLE_NOTE = "IKZ Hinweis"
STYLE_TABLE = "IKZ Tabelle"
STYLE_ROW_HEADER = "IKZ Zeilenkopf"
"""Paragraph style of the participation table's row headers (the Kommunen, SUMME): created by the
code when a template lacks it, as the matrix style; `tagging` makes its cells header cells (TH)."""


def heading_style(level: int) -> str:
    """Display name of the heading style of `level` (Word: »heading 1«, LibreOffice: »Heading 1«)."""
    return f"heading {level}"


def toc_style(level: int) -> str:
    """Display name of the table-of-contents style of `level`."""
    return f"toc {level}"


CODE_STYLES: tuple[tuple[str, str], ...] = (
    (STYLE_LIST_BULLET, "paragraph"),
    (STYLE_LIST_BULLET_2, "paragraph"),
    (STYLE_LIST_CONTINUE, "paragraph"),
    (STYLE_MATRIX, "paragraph"),
    (STYLE_NOTE, "paragraph"),
    (STYLE_TABLE, "table"),
    *((heading_style(i), "paragraph") for i in (1, 2, 3)),
    *((toc_style(i), "paragraph") for i in (1, 2, 3)),
)
"""Every style the code applies to content it injects: (display name, style type)."""


class StyleMap:
    """A document's styles by display name (case-insensitive, as Word treats them)."""

    def __init__(self, styles_element):
        self._ids: dict[tuple[str, str], str] = {}
        for el in styles_element.findall(qn("w:style")):
            name_el = el.find(qn("w:name"))
            style_id = el.get(qn("w:styleId"))
            if name_el is None or not style_id:
                continue
            key = (name_el.get(qn("w:val"), "").casefold(), el.get(qn("w:type"), "paragraph"))
            self._ids.setdefault(key, style_id)

    @classmethod
    def of(cls, document) -> "StyleMap":
        """The style map of a python-docx Document."""
        return cls(document.styles.element)

    def id(self, name: str, kind: str = "paragraph") -> str | None:
        """The style ID of the style called `name`, or None."""
        return self._ids.get((name.casefold(), kind))

    def __contains__(self, name: str) -> bool:
        return self.id(name) is not None or self.id(name, "table") is not None

    def missing(self, wanted=CODE_STYLES) -> list[str]:
        """Display names of the styles in `wanted` that the document lacks."""
        return [name for name, kind in wanted if self.id(name, kind) is None]

    def pstyle(self, name: str) -> str:
        """``<w:pStyle>`` for the paragraph style `name`; "" when the document lacks it."""
        sid = self.id(name)
        return f'<w:pStyle w:val="{_attr(sid)}"/>' if sid else ""

    def tblstyle(self, name: str) -> str:
        """``<w:tblStyle>`` for the table style `name`; "" when the document lacks it."""
        sid = self.id(name, "table")
        return f'<w:tblStyle w:val="{_attr(sid)}"/>' if sid else ""


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def esc(text: str) -> str:
    """`text` escaped for XML character data."""
    return html.escape(text, quote=False)


def run_xml(text: str, bold: bool = False, size: int | None = None) -> str:
    """One run of text, optionally bold and in a size (half-points)."""
    props = ""
    if bold or size:
        props = "<w:rPr>" + ("<w:b/><w:bCs/>" if bold else "")
        if size:
            props += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
        props += "</w:rPr>"
    return f'<w:r>{props}<w:t xml:space="preserve">{esc(text)}</w:t></w:r>'


class WordXml:
    """Ready WordprocessingML for ``{{p … }}`` (paragraphs, tables).

    Jinja's autoescape leaves it alone (``__html__``); docxtpl puts it where
    the tag's paragraph was.
    """

    def __init__(self, xml: str):
        self.xml = xml

    def __html__(self) -> str:
        return self.xml

    def __str__(self) -> str:
        return self.xml

    def __bool__(self) -> bool:
        return bool(self.xml)


def rich_xml(rt: RichText, styles: StyleMap) -> str:
    """Paragraphs for a RichText: normal paragraphs, bullets (List Bullet,
    List Bullet 2) and bold runs. An IndentedText is set under a list item
    (List Continue, bullets one level deeper)."""
    out = []
    indent = isinstance(rt, IndentedText)
    for block in rt.blocks:
        runs = "".join(run_xml(r.text, r.bold) for r in block.runs)
        if indent and not block.bullet and STYLE_LIST_CONTINUE in styles:
            out.append(f"<w:p><w:pPr>{styles.pstyle(STYLE_LIST_CONTINUE)}</w:pPr>{runs}</w:p>")
            continue
        if block.bullet:
            style = STYLE_LIST_BULLET_2 if (block.level or indent) else STYLE_LIST_BULLET
            if style not in styles:
                style = STYLE_LIST_BULLET if STYLE_LIST_BULLET in styles else ""
            if style:
                out.append(f"<w:p><w:pPr>{styles.pstyle(style)}</w:pPr>{runs}</w:p>")
            else:  # template without a list style: keep it a list visually
                out.append(f'<w:p><w:pPr><w:ind w:left="357" w:hanging="357"/></w:pPr>'
                           f'{run_xml("–	")}{runs}</w:p>')
        else:
            out.append(f"<w:p>{runs}</w:p>")
    return "".join(out)


class Picture:
    """A PNG inserted inline by ``{{ picture }}``, with alternative text."""

    def __init__(self, tpl: DocxTemplate, draw, width_cm: float, alt: str, name: str):
        self.tpl = tpl
        self._draw = draw  # bytes, or a callable drawing the PNG when it is first needed
        self.width = Cm(width_cm)
        self.alt = alt
        self.name = name

    @property
    def png(self) -> bytes:
        if callable(self._draw):
            self._draw = self._draw()
        return self._draw

    def _xml(self) -> str:
        part = self.tpl.current_rendering_part
        inline = part.new_pic_inline(io.BytesIO(self.png), self.width, None)
        for el in inline.iter():
            if el.tag.endswith("}docPr") or el.tag.endswith("}cNvPr"):
                el.set("descr", self.alt)
                el.set("name", self.name)
        xml = inline.xml
        return (
            "</w:t></w:r><w:r><w:drawing>%s</w:drawing></w:r><w:r>"
            '<w:t xml:space="preserve">' % xml
        )

    def __html__(self) -> str:
        return self._xml()

    def __str__(self) -> str:
        return self._xml()

    def __bool__(self) -> bool:
        return True


_FILL_HEADER = "D5DEE8"
_FILL_VERTRETEN = "BDD7EE"
_FILL_BETEILIGT = "E3EEF8"
_FILL_FOLGE = "C5E0B4"
_FILL_UNZUSTAENDIG = "BFBFBF"
_FILL_SUMME = "EDEDED"

PORTRAIT_TEXT_WIDTH = 9354  # twips, from the templates' A4 margins


def _cell(width: int, paragraphs: str, *, fill: str | None = None, span: int = 1, vmerge: str | None = None,
          valign: str = "center") -> str:
    pr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        pr += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        pr += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        pr += "<w:vMerge/>"
    if fill:
        pr += f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
    pr += f'<w:vAlign w:val="{valign}"/>'
    return f"<w:tc><w:tcPr>{pr}</w:tcPr>{paragraphs or '<w:p/>'}</w:tc>"


_ROWS_WITH_LEGEND = 3
"""Data rows of the participation table that stay on the page of its legend."""
_KEY_COLUMNS = 3
"""Columns of the key of abbreviated headers."""


def _matrix_paragraph(text: str, *, bold: bool = False, size: int | None = None, align: str = "center",
                      pstyle: str = "", keep_next: bool = False) -> str:
    """A paragraph of the participation table; soft hyphens (U+00AD) become Word's optional hyphens."""
    pieces = text.split("\u00ad")
    runs = []
    for i, piece in enumerate(pieces):
        if i:
            runs.append("<w:r><w:softHyphen/></w:r>")
        if piece:
            runs.append(run_xml(piece, bold, size))
    keep = "<w:keepNext/>" if keep_next else ""
    return (f'<w:p><w:pPr>{pstyle}{keep}<w:jc w:val="{align}"/></w:pPr>'
            f"{''.join(runs)}</w:p>")


def _row_header_style(tpl: DocxTemplate, styles: StyleMap) -> str:
    """``<w:pStyle>`` of »IKZ Zeilenkopf«; the style is added to the document (looking like the matrix
    style) when the template lacks it."""
    if styles.id(STYLE_ROW_HEADER) is None:
        from docx.oxml import OxmlElement

        element = tpl.docx.styles.element
        style = OxmlElement("w:style")
        style.set(qn("w:type"), "paragraph")
        style.set(qn("w:customStyle"), "1")
        style.set(qn("w:styleId"), "IKZZeilenkopf")
        name = OxmlElement("w:name")
        name.set(qn("w:val"), STYLE_ROW_HEADER)
        style.append(name)
        base = styles.id(STYLE_MATRIX)
        if base:
            based_on = OxmlElement("w:basedOn")
            based_on.set(qn("w:val"), base)
            style.append(based_on)
        element.append(style)
        styles._ids[(STYLE_ROW_HEADER.casefold(), "paragraph")] = "IKZZeilenkopf"
    return styles.pstyle(STYLE_ROW_HEADER)


def _section_paragraph(sectpr) -> str:
    xml = sectpr.xml if hasattr(sectpr, "xml") else sectpr
    xml = re.sub(r"<\?xml[^>]*\?>", "", xml)
    return f'<w:p><w:pPr><w:spacing w:before="0" w:after="0"/>{xml}</w:pPr></w:p>'


def _sect_copies(tpl: DocxTemplate):
    """(portrait, landscape) copies of the document's last section."""
    body = tpl.docx.element.body
    sect = body.find(qn("w:sectPr"))
    portrait = copy.deepcopy(sect)
    for tag in ("w:titlePg", "w:pgNumType"):
        for el in portrait.findall(qn(tag)):
            portrait.remove(el)
    landscape = copy.deepcopy(portrait)
    pgsz = landscape.find(qn("w:pgSz"))
    w, h = int(pgsz.get(qn("w:w"))), int(pgsz.get(qn("w:h")))
    pgsz.set(qn("w:w"), str(max(w, h)))
    pgsz.set(qn("w:h"), str(min(w, h)))
    pgsz.set(qn("w:orient"), "landscape")
    for el in landscape.findall(qn("w:type")):
        landscape.remove(el)
    landscape.insert(0, parse_xml(f'<w:type {W} w:val="nextPage"/>'))
    mar = portrait.find(qn("w:pgMar"))
    left = int(mar.get(qn("w:left"), 1418))
    right = int(mar.get(qn("w:right"), 1134))
    return portrait, landscape, (w - left - right), (max(w, h) - left - right)


def _strip_ns(xml: str) -> str:
    """Remove namespace declarations from a serialized element (the snippet is
    embedded in the document, which declares them)."""
    return re.sub(r'\sxmlns(:\w+)?="[^"]*"', "", xml)


def table_xml(tpl: DocxTemplate, table: ParticipationTable, styles: StyleMap) -> str:
    """The Beteiligungstabelle with title, key and legend, in a landscape section when it is wide.
    Paragraphs use the template's »IKZ Beteiligungstabelle« and »IKZ Hinweis«, the table »IKZ Tabelle«."""
    matrix = styles.pstyle(STYLE_MATRIX)
    note = styles.pstyle(STYLE_NOTE)

    row_header = _row_header_style(tpl, styles)

    def _matrix_p(text: str, **kw) -> str:
        return _matrix_paragraph(text, pstyle=matrix, **kw)

    def _row_header_p(text: str, **kw) -> str:
        return _matrix_paragraph(text, pstyle=row_header, **kw)

    portrait, landscape, portrait_width, landscape_width = _sect_copies(tpl)
    width = landscape_width if table.landscape else portrait_width
    leaves = table.columns
    n = len(leaves)
    first = 1900 if n < 12 else 1700
    leaf_w = max(300, (width - first) // max(n, 1))
    total = first + leaf_w * n
    many = n >= 10
    head_size = 14 if many else 15
    two_rows = table.has_subcolumns and not table.abbreviated

    out = []
    if table.landscape:
        out.append(_section_paragraph(_strip_ns(portrait.xml)))
    out.append(f'<w:p><w:pPr><w:keepNext/><w:spacing w:after="0"/><w:jc w:val="center"/></w:pPr>'
               f"{run_xml(table.titel, True, 22)}</w:p>")
    out.append(f'<w:p><w:pPr><w:keepNext/><w:spacing w:after="0"/><w:jc w:val="center"/></w:pPr>'
               f"{run_xml(table.untertitel, True, 22)}</w:p>")
    out.append(f'<w:p><w:pPr><w:keepNext/><w:spacing w:after="120"/><w:jc w:val="center"/></w:pPr>'
               f"{run_xml(table.stand, False, 18)}</w:p>")

    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in [first] + [leaf_w] * n)
    caption = esc(table.untertitel)
    descr = esc(table.alt)
    rows = []
    # header row 1
    cells = [_cell(first, _matrix_p("Kommune", bold=True, size=head_size, align="left"), fill=_FILL_HEADER,
                   vmerge="restart" if two_rows else None, valign="bottom")]
    for g in table.groups:
        span = len(g.columns)
        if two_rows and span == 1:
            cells.append(_cell(leaf_w, _matrix_p(hyphenate(g.titel), bold=True, size=head_size),
                               fill=_FILL_HEADER, vmerge="restart", valign="bottom"))
        elif table.abbreviated:
            for c in g.columns:
                cells.append(_cell(leaf_w, _matrix_p(c.label, bold=True, size=head_size), fill=_FILL_HEADER,
                                   valign="bottom"))
        else:
            cells.append(_cell(leaf_w * span, _matrix_p(hyphenate(g.titel), bold=True, size=head_size),
                               fill=_FILL_HEADER, span=span, valign="bottom"))
    rows.append(f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{''.join(cells)}</w:tr>")
    if two_rows:
        cells = [_cell(first, "<w:p/>", fill=_FILL_HEADER, vmerge="continue")]
        for g in table.groups:
            if len(g.columns) == 1:
                cells.append(_cell(leaf_w, "<w:p/>", fill=_FILL_HEADER, vmerge="continue"))
            else:
                for c in g.columns:
                    fill = _FILL_FOLGE if c.folgeprojekt else _FILL_HEADER
                    cells.append(_cell(leaf_w, _matrix_p(hyphenate(c.label), size=head_size - 1),
                                       fill=fill, valign="bottom"))
        rows.append(f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{''.join(cells)}</w:tr>")
    # data rows; the last ones keep with the SUMME row, key and legend, so that these never
    # stand alone on a page: the rows move along, under the repeated header row
    together = len(table.rows) - _ROWS_WITH_LEGEND
    for n, r in enumerate(table.rows):
        keep = n >= together
        cells = [_cell(first, _row_header_p(r.kommune, align="left", keep_next=keep))]
        for cell in r.cells:
            if cell.unzustaendig:
                fill = _FILL_UNZUSTAENDIG
            elif cell.beteiligt and cell.folgeprojekt:
                fill = _FILL_FOLGE
            elif cell.vertreten:
                fill = _FILL_VERTRETEN
            elif cell.beteiligt:
                fill = _FILL_BETEILIGT
            else:
                fill = None
            cells.append(_cell(leaf_w, _matrix_p(cell.text, keep_next=keep), fill=fill))
        rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>")
    # SUMME
    cells = [_cell(first, _row_header_p("SUMME", bold=True, align="left", keep_next=True), fill=_FILL_SUMME)]
    for s in table.sums:
        cells.append(_cell(leaf_w, _matrix_p(str(s), bold=True, keep_next=True), fill=_FILL_SUMME))
    rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>")

    out.append(
        f'<w:tbl><w:tblPr>{styles.tblstyle(STYLE_TABLE)}<w:tblW w:w="{total}" w:type="dxa"/>'
        '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="1"/>'
        f'<w:tblCaption w:val="{caption}"/><w:tblDescription w:val="{descr}"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )
    # key of abbreviated headers: a borderless table of three columns, kept with the legend
    if table.key:
        out.append(f'<w:p><w:pPr>{note}<w:keepNext/><w:spacing w:before="120" w:after="0"/>'
                   f"</w:pPr>{run_xml('Spalten:', True)}</w:p>")
        per_col = -(-len(table.key) // _KEY_COLUMNS)
        col_w = min(total, 13500) // _KEY_COLUMNS
        key_grid = f'<w:gridCol w:w="{col_w}"/>' * _KEY_COLUMNS
        key_rows = []
        for r in range(per_col):
            key_cells = []
            for c in range(_KEY_COLUMNS):
                i = c * per_col + r
                para = (f'<w:p><w:pPr>{note}<w:keepNext/><w:spacing w:after="0"/></w:pPr>'
                        + (run_xml(table.key[i][0] + " = ", True) + run_xml(table.key[i][1])
                           if i < len(table.key) else "") + "</w:p>")
                key_cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{col_w}" w:type="dxa"/></w:tcPr>{para}</w:tc>')
            key_rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(key_cells)}</w:tr>")
        out.append(
            f'<w:tbl><w:tblPr><w:tblW w:w="{col_w * _KEY_COLUMNS}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
            '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
            '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
            '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
            'w:noHBand="1" w:noVBand="1"/><w:tblCaption w:val="Spalten"/></w:tblPr>'
            f"<w:tblGrid>{key_grid}</w:tblGrid>"
            f"{''.join(key_rows)}</w:tbl>")
    # legend
    fills = {"vertreten": _FILL_VERTRETEN, "beteiligt": _FILL_BETEILIGT, "keine": None,
             "folgeprojekt": _FILL_FOLGE, "unzustaendig": _FILL_UNZUSTAENDIG}
    legend_rows = []
    for n, (kind, sample, text) in enumerate(table.legend):
        keep = "<w:keepNext/>" if n < len(table.legend) - 1 else ""
        sample_cell = (
            '<w:tc><w:tcPr><w:tcW w:w="700" w:type="dxa"/><w:tcBorders>'
            + "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="8C8C8C"/>'
                      for s in ("top", "left", "bottom", "right"))
            + "</w:tcBorders>"
            + (f'<w:shd w:val="clear" w:color="auto" w:fill="{fills[kind]}"/>' if fills.get(kind) else "")
            + f'<w:vAlign w:val="center"/></w:tcPr>{_matrix_p(sample, keep_next=bool(keep))}</w:tc>'
        )
        text_cell = (f'<w:tc><w:tcPr><w:tcW w:w="{min(total, 9000) - 700}" w:type="dxa"/>'
                     f'<w:vAlign w:val="center"/></w:tcPr>'
                     f'<w:p><w:pPr>{note}{keep}<w:spacing w:after="0"/></w:pPr>'
                     f"{run_xml(text)}</w:p></w:tc>")
        legend_rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{sample_cell}{text_cell}</w:tr>")
    out.append('<w:p><w:pPr><w:keepNext/><w:spacing w:before="160" w:after="60"/></w:pPr>'
               f"{run_xml('Legende', True, 17)}</w:p>")
    out.append(
        f'<w:tbl><w:tblPr><w:tblW w:w="{min(total, 9000)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:top w:w="20" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="20" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="1" w:noVBand="1"/>'
        '<w:tblCaption w:val="Legende"/></w:tblPr>'
        f'<w:tblGrid><w:gridCol w:w="700"/><w:gridCol w:w="{min(total, 9000) - 700}"/></w:tblGrid>'
        f"{''.join(legend_rows)}</w:tbl>"
    )
    if table.landscape:
        out.append(_section_paragraph(_strip_ns(landscape.xml)))
    else:
        out.append('<w:p><w:pPr><w:spacing w:after="0"/></w:pPr></w:p>')
    return "".join(out)


_CONTENT_TAGS = ("w:t", "w:drawing", "w:pict", "w:object", "w:fldChar", "w:instrText", "w:fldSimple", "w:sym",
                 "w:footnoteReference", "w:endnoteReference", "w:bookmarkStart")


def is_empty_paragraph(p) -> bool:
    """A paragraph without text, picture, field or bookmark (only its properties)."""
    if any(p.find(".//" + qn(tag)) is not None for tag in _CONTENT_TAGS if tag != "w:t"):
        return False
    return not "".join(t.text or "" for t in p.iter(qn("w:t"))).strip()


def drop_empty_paragraphs(document) -> int:
    """Remove empty paragraphs of the body that only make space (Word's accessibility rules: no empty
    paragraphs for layout; PDF/UA: no empty elements). Kept: a paragraph carrying a section break,
    and one between two tables (Word would join them). The space an empty paragraph after a table
    made is kept as spacing before the next paragraph. Returns the number removed."""
    body = document.element.body
    removed = 0
    for p in list(body.iterchildren(qn("w:p"))):
        ppr = p.find(qn("w:pPr"))
        if ppr is not None and ppr.find(qn("w:sectPr")) is not None:
            continue
        if not is_empty_paragraph(p):
            continue
        prev, nxt = p.getprevious(), p.getnext()
        if prev is not None and nxt is not None and prev.tag == qn("w:tbl") and nxt.tag == qn("w:tbl"):
            continue
        if nxt is not None and nxt.tag == qn("w:p") and prev is not None and prev.tag == qn("w:tbl"):
            npr = nxt.find(qn("w:pPr"))
            if npr is None:
                from docx.oxml import OxmlElement

                npr = OxmlElement("w:pPr")
                nxt.insert(0, npr)
            if npr.find(qn("w:spacing")) is None and npr.find(qn("w:sectPr")) is None:
                from docx.oxml import OxmlElement

                spacing = OxmlElement("w:spacing")
                spacing.set(qn("w:before"), "240")
                # w:spacing's place in w:pPr: after pStyle, keepNext, keepLines, pageBreakBefore, …
                anchor = None
                for tag in ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
                            "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
                            "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                            "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                            "w:snapToGrid"):
                    found = npr.find(qn(tag))
                    if found is not None:
                        anchor = found
                if anchor is None:
                    npr.insert(0, spacing)
                else:
                    anchor.addnext(spacing)
        body.remove(p)
        removed += 1
    return removed
