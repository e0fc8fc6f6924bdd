"""WordprocessingML built by the code: runs, paragraphs, long texts, pictures, the participation table.

Everything is built as elements with lxml's ElementMaker (`W`) on python-docx's parser, so the
elements are python-docx's own classes (``CT_P``, ``CT_R``, …). Values go in as element text and
attribute values; lxml escapes them. docxtpl's paragraph tag ``{{p … }}`` takes WordprocessingML
text, as its Subdoc hands it over, so `WordXml` serialises its elements at that boundary and only
there. A picture is a run of its own: ``{{ diagramm }}`` renders a token, and `Pictures.place`
puts the drawing in its place, splitting the run as an element tree (no markup spliced into text).

Styles are found by their display name (»List Bullet«, »IKZ Beteiligungstabelle«),
the name Word and LibreOffice show, never by a hard-coded style ID: an office
suite that saves a template rewrites the IDs (LibreOffice turns »IKZMatrix«
into »IKZBeteiligungstabelle«) but keeps the names. `CODE_STYLES` lists every
style the code applies and a template must bring; `check` reports any a template lacks.
Two more are added to a document that lacks them: »IKZ Zeilenkopf« (the participation table's
row headers) and »Hyperlink« (addresses made links, `links`).
"""

from __future__ import annotations

import copy
import io
import re
import secrets
import struct
import zlib
from collections.abc import Callable, Iterable, Sequence

from docx.oxml.ns import nsmap, qn
from docx.oxml.parser import oxml_parser
from docx.shared import Cm, Twips
from lxml import etree
from lxml.builder import ElementMaker

from .figures import IndentedText, ParticipationTable
from .german import SOFT_HYPHEN, hyphenate
from .markup import RichText

__all__ = [
    "CODE_STYLES",
    "PRESERVE",
    "STYLE_HYPERLINK",
    "STYLE_LIST_BULLET",
    "STYLE_LIST_BULLET_2",
    "STYLE_LIST_CONTINUE",
    "STYLE_MATRIX",
    "STYLE_NOTE",
    "STYLE_ROW_HEADER",
    "STYLE_TABLE",
    "W",
    "W_NS",
    "Picture",
    "Pictures",
    "StyleMap",
    "WordXml",
    "attrs",
    "drop_empty_paragraphs",
    "heading_style",
    "is_empty_paragraph",
    "participation_table",
    "rich_paragraphs",
    "run",
    "split_run",
    "toc_style",
    "val",
]

W_NS = nsmap["w"]
PRESERVE = {qn("xml:space"): "preserve"}
"""``xml:space="preserve"`` for a ``w:t`` whose spaces at either end count."""


def _leave_out(element, item) -> None:
    """ElementMaker's handler for None: an optional child given as None is left out."""


W = ElementMaker(namespace=W_NS, nsmap={"w": W_NS}, makeelement=oxml_parser.makeelement,
                 typemap={type(None): _leave_out})
"""Elements in the w: namespace: ``W.p(W.pPr(W.jc(val("center"))), run("Text"))``. Children that
are None are left out, strings become text."""


def attrs(**values: object) -> dict[str, str]:
    """Attributes in the w: namespace for an element of `W`: ``W.tcW(attrs(w=1900, type="dxa"))``."""
    return {qn(f"w:{name}"): str(value) for name, value in values.items()}


def val(value: object) -> dict[str, str]:
    """The attribute ``w:val``."""
    return attrs(val=value)


STYLE_LIST_BULLET = "List Bullet"
STYLE_LIST_BULLET_2 = "List Bullet 2"
STYLE_LIST_CONTINUE = "List Continue"
STYLE_MATRIX = "IKZ Beteiligungstabelle"
STYLE_NOTE = "IKZ Hinweis"
STYLE_TABLE = "IKZ Tabelle"
STYLE_ROW_HEADER = "IKZ Zeilenkopf"
"""Paragraph style of the participation table's row headers (the Kommunen, SUMME): created by the
code when a template lacks it, as the matrix style; `tagging` makes its cells header cells (TH)."""
STYLE_HYPERLINK = "Hyperlink"
"""Character style of the links made from addresses (`links`); created when a template lacks it."""


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
"""Every style a template must bring for the content the code injects: (display name, style type)."""


class StyleMap:
    """A document's styles by display name (case-insensitive, as Word treats them)."""

    def __init__(self, styles_element: etree._Element) -> None:
        self._element = styles_element
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

    def pstyle(self, name: str):
        """A new ``w:pStyle`` for the paragraph style `name`; None when the document lacks it."""
        sid = self.id(name)
        return W.pStyle(val(sid)) if sid else None

    def tblstyle(self, name: str):
        """A new ``w:tblStyle`` for the table style `name`; None when the document lacks it."""
        sid = self.id(name, "table")
        return W.tblStyle(val(sid)) if sid else None

    def ensure(self, name: str, kind: str, style_id: str, *, based_on: str | None = None, custom: bool = True,
               run_properties: Sequence = ()) -> str:
        """The ID of the style `name`; added to the document first when it lacks one (based on the
        style with ID `based_on`, with `run_properties`)."""
        existing = self.id(name, kind)
        if existing is not None:
            return existing
        taken = {el.get(qn("w:styleId")) for el in self._element.findall(qn("w:style"))}
        while style_id in taken:  # the ID held by a style of another name
            style_id += "1"
        self._element.append(W.style(
            attrs(type=kind, **({"customStyle": 1} if custom else {}), styleId=style_id),
            W.name(val(name)),
            W.basedOn(val(based_on)) if based_on else None,
            W.rPr(*run_properties) if run_properties else None,
        ))
        self._ids[(name.casefold(), kind)] = style_id
        return style_id


def run(text: str, *, bold: bool = False, size: int | None = None):
    """One run of text, optionally bold and in a size (half-points)."""
    props = [W.b(), W.bCs()] if bold else []
    if size:
        props += [W.sz(val(size)), W.szCs(val(size))]
    return W.r(W.rPr(*props) if props else None, W.t(text, PRESERVE))


class WordXml:
    """Paragraphs and tables for ``{{p … }}``, built when the template first shows them.

    Jinja's autoescape leaves it alone (``__html__``); docxtpl puts it where
    the tag's paragraph was.
    """

    def __init__(self, build: Callable[[], Iterable]):
        self._build = build
        self._elements: list | None = None

    @property
    def elements(self) -> list:
        """The body elements (``w:p``, ``w:tbl``)."""
        if self._elements is None:
            self._elements = list(self._build())
        return self._elements

    def __html__(self) -> str:
        return "".join(etree.tostring(el, encoding="unicode") for el in self.elements)

    def __str__(self) -> str:
        return self.__html__()

    def __bool__(self) -> bool:
        return True


def rich_paragraphs(rt: RichText, styles: StyleMap) -> list:
    """Paragraphs for a RichText: normal paragraphs, bullets (List Bullet,
    List Bullet 2) and bold runs. An IndentedText is set under a list item
    (List Continue, bullets one level deeper)."""
    out = []
    indent = isinstance(rt, IndentedText)
    for block in rt.blocks:
        runs = [run(r.text, bold=r.bold) for r in block.runs]
        if indent and not block.bullet and STYLE_LIST_CONTINUE in styles:
            out.append(W.p(W.pPr(styles.pstyle(STYLE_LIST_CONTINUE)), *runs))
            continue
        if block.bullet:
            style = STYLE_LIST_BULLET_2 if (block.level or indent) else STYLE_LIST_BULLET
            if style not in styles:
                style = STYLE_LIST_BULLET if STYLE_LIST_BULLET in styles else ""
            if style:
                out.append(W.p(W.pPr(styles.pstyle(style)), *runs))
            else:  # template without a list style: keep it a list visually
                out.append(W.p(W.pPr(W.ind(attrs(left=357, hanging=357))), W.r(W.t("–"), W.tab()), *runs))
        else:
            out.append(W.p(*runs))
    return out


# ---------------------------------------------------------------------------
# runs split as element trees (pictures, links)


def split_run(t, start: int, end: int):
    """Split the run holding the ``w:t`` `t` so that ``t.text[start:end]`` is a run of its own, with
    the same run properties; the text before and after stays in runs before and after it. Returns
    the new run."""
    r = t.getparent()
    text = t.text or ""
    rpr = r.find(qn("w:rPr"))

    def new_run(*children):
        return W.r(copy.deepcopy(rpr) if rpr is not None else None, *children)

    following = list(t.itersiblings())
    middle = new_run(W.t(text[start:end], PRESERVE))
    after = new_run(W.t(text[end:], PRESERVE) if text[end:] else None, *following)
    r.addnext(middle)
    if len(after) > (rpr is not None):
        middle.addnext(after)
    if text[:start]:
        t.text = text[:start]
        t.set(qn("xml:space"), "preserve")
    else:
        r.remove(t)
        if len(r) == (rpr is not None):
            r.getparent().remove(r)
    return middle


class Picture:
    """A PNG a template shows with ``{{ name }}``, with alternative text. Rendered, it is a token in the
    text; `Pictures.place` puts the drawing there. The PNG is drawn when it is first placed."""

    def __init__(self, token: str, draw, width_cm: float, alt: str, name: str, path: str):
        self.token = token
        self._draw = draw  # bytes, or a callable drawing the PNG when it is first needed
        self.width = Cm(width_cm)
        self.alt = alt
        self.name = name
        self.path = path  # the context path, for messages
        self.shown = 0  # how often the template showed it
        self.placed = 0

    @property
    def png(self) -> bytes:
        if callable(self._draw):
            self._draw = self._draw()
        return self._draw

    def inline(self, part):
        """A new ``wp:inline`` of the picture in `part` (its image part added once), named and described."""
        inline = part.new_pic_inline(io.BytesIO(self.png), self.width, None)
        for pr in (inline.docPr, *inline.xpath(".//pic:cNvPr")):
            pr.set("name", self.name)
            pr.set("descr", self.alt)
        return inline

    def __html__(self) -> str:
        self.shown += 1
        return self.token

    def __str__(self) -> str:
        return self.__html__()

    def __bool__(self) -> bool:
        return True


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


BLANK_PNG = b"".join((
    b"\x89PNG\r\n\x1a\n",
    _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)),  # 1 × 1, 8-bit grey
    _png_chunk(b"IDAT", zlib.compress(b"\x00\xff")),  # one row: no filter, white
    _png_chunk(b"IEND", b""),
))
"""A white PNG of one pixel: what `Pictures(draw=False)` places instead of each drawing."""


class Pictures:
    """The pictures of one rendering: each gets a token of this rendering (a nonce between two
    private-use characters, which no workbook text brings), numbered across kinds as Word names
    pictures (»Diagramm 1«, »Zeitplan 2«). With `draw=False` (a trial rendering, which checks the
    template, not the drawing), every picture is `BLANK_PNG` and nothing is drawn."""

    def __init__(self, *, draw: bool = True) -> None:
        self._drawing = draw
        self._nonce = secrets.token_hex(8)
        self._token = re.compile("\ue000" + self._nonce + r":\d+\ue001")
        self._pictures: dict[str, Picture] = {}

    def add(self, draw, width_cm: float, alt: str, kind: str, path: str = "") -> Picture:
        """A picture of `kind` (»Diagramm«) drawn by `draw` (bytes or a callable returning PNG bytes)."""
        number = len(self._pictures) + 1
        token = f"\ue000{self._nonce}:{number}\ue001"
        picture = Picture(token, draw if self._drawing else BLANK_PNG, width_cm, alt, f"{kind} {number}", path)
        self._pictures[token] = picture
        return picture

    def _first_token(self, body) -> tuple[etree._Element, re.Match[str]] | None:
        """The first ``w:t`` holding a token of this rendering, and the token."""
        for t in body.iter(qn("w:t")):
            if t.text and (m := self._token.search(t.text)):
                return t, m
        return None

    def place(self, document) -> list[Picture]:
        """Put each shown picture where its token stands in the document's body, as a run of its
        own. Returns the pictures shown that could not be placed (a token outside the body's
        paragraphs, e.g. in a header, or a picture given to ``{{p … }}``)."""
        if not any(p.shown for p in self._pictures.values()):
            return []
        body = document.element.body
        while (found := self._first_token(body)) is not None:
            t, m = found
            picture = self._pictures[m.group(0)]
            r = split_run(t, m.start(), m.end())
            r.remove(r.find(qn("w:t")))
            r.add_drawing(picture.inline(document.part))
            picture.placed += 1
        return [p for p in self._pictures.values() if p.placed < p.shown]


# ---------------------------------------------------------------------------
# the participation table

_FILL_HEADER = "D5DEE8"
_FILL_VERTRETEN = "BDD7EE"
_FILL_BETEILIGT = "E3EEF8"
_FILL_FOLGE = "C5E0B4"
_FILL_UNZUSTAENDIG = "BFBFBF"
_FILL_SUMME = "EDEDED"
_LEGEND_FILLS = {"vertreten": _FILL_VERTRETEN, "beteiligt": _FILL_BETEILIGT, "keine": None,
                 "folgeprojekt": _FILL_FOLGE, "unzustaendig": _FILL_UNZUSTAENDIG}

_ROWS_WITH_LEGEND = 3
"""Data rows of the participation table that stay on the page of its legend."""
_KEY_COLUMNS = 3
"""Columns of the key of abbreviated headers."""


def _cell(width: int, paragraphs: Sequence = (), *, fill: str | None = None, span: int = 1,
          vmerge: str | None = None, valign: str = "center"):
    """A table cell of `width` twips: shaded with `fill`, spanning `span` grid columns, starting
    (»restart«) or continuing (»continue«) a vertical merge; an empty paragraph when none is given."""
    return W.tc(
        W.tcPr(
            W.tcW(attrs(w=width, type="dxa")),
            W.gridSpan(val(span)) if span > 1 else None,
            W.vMerge(val("restart")) if vmerge == "restart" else W.vMerge() if vmerge == "continue" else None,
            W.shd(attrs(val="clear", color="auto", fill=fill)) if fill else None,
            W.vAlign(val(valign)),
        ),
        *(paragraphs or [W.p()]),
    )


def _row(*cells, header: bool = False):
    """A table row that never breaks across pages; `header`: repeated on every page (Word's
    »Überschrift wiederholen«, which LibreOffice tags as header cells)."""
    return W.tr(W.trPr(W.cantSplit(), W.tblHeader() if header else None), *cells)


def _matrix_paragraph(text: str, style: str | None, *, bold: bool = False, size: int | None = None,
                      align: str = "center", keep_next: bool = False):
    """A paragraph of the participation table in the paragraph style with ID `style`; soft hyphens
    (U+00AD) become Word's optional hyphens."""
    runs = []
    for i, piece in enumerate(text.split(SOFT_HYPHEN)):
        if i:
            runs.append(W.r(W.softHyphen()))
        if piece:
            runs.append(run(piece, bold=bold, size=size))
    return W.p(W.pPr(W.pStyle(val(style)) if style else None, W.keepNext() if keep_next else None,
                     W.jc(val(align))), *runs)


def _section_paragraph(sect_pr):
    """An empty paragraph ending a section with the properties `sect_pr`."""
    return W.p(W.pPr(W.spacing(attrs(before=0, after=0)), sect_pr))


def _sect_copies(document):
    """(portrait, landscape) copies of the document's last section, and the text width of each."""
    sect = document.element.body.find(qn("w:sectPr"))
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
    landscape.insert(0, W.type(val("nextPage")))
    mar = portrait.find(qn("w:pgMar"))
    left = int(mar.get(qn("w:left"), 1418))
    right = int(mar.get(qn("w:right"), 1134))
    return portrait, landscape, (w - left - right), (max(w, h) - left - right)


def _title(text: str, *, after: int, bold: bool = True, size: int = 22):
    """A centred line above the table, kept with it."""
    return W.p(W.pPr(W.keepNext(), W.spacing(attrs(after=after)), W.jc(val("center"))),
               run(text, bold=bold, size=size))


def _fill(cell) -> str | None:
    if cell.unzustaendig:
        return _FILL_UNZUSTAENDIG
    if cell.beteiligt and cell.folgeprojekt:
        return _FILL_FOLGE
    if cell.vertreten:
        return _FILL_VERTRETEN
    if cell.beteiligt:
        return _FILL_BETEILIGT
    return None


def _header_rows(table: ParticipationTable, matrix: str | None, first: int, leaf_w: int, size: int) -> list:
    """The header row, or two when projects have follow-up columns (merged cells: the project over
    its follow-ups, »Kommune« and single columns over both rows); repeated on every page."""
    two_rows = table.has_subcolumns and not table.abbreviated

    def head(text: str, *, size: int = size, bold: bool = True, align: str = "center"):
        return [_matrix_paragraph(text, matrix, bold=bold, size=size, align=align)]

    cells = [_cell(first, head("Kommune", align="left"), fill=_FILL_HEADER,
                   vmerge="restart" if two_rows else None, valign="bottom")]
    for g in table.groups:
        span = len(g.columns)
        if two_rows and span == 1:
            cells.append(_cell(leaf_w, head(hyphenate(g.titel)), fill=_FILL_HEADER, vmerge="restart",
                               valign="bottom"))
        elif table.abbreviated:
            cells += [_cell(leaf_w, head(c.label), fill=_FILL_HEADER, valign="bottom") for c in g.columns]
        else:
            cells.append(_cell(leaf_w * span, head(hyphenate(g.titel)), fill=_FILL_HEADER, span=span,
                               valign="bottom"))
    rows = [_row(*cells, header=True)]
    if two_rows:
        cells = [_cell(first, fill=_FILL_HEADER, vmerge="continue")]
        for g in table.groups:
            if len(g.columns) == 1:
                cells.append(_cell(leaf_w, fill=_FILL_HEADER, vmerge="continue"))
                continue
            for c in g.columns:
                cells.append(_cell(leaf_w, head(hyphenate(c.label), size=size - 1, bold=False),
                                   fill=_FILL_FOLGE if c.folgeprojekt else _FILL_HEADER, valign="bottom"))
        rows.append(_row(*cells, header=True))
    return rows


def _body_rows(table: ParticipationTable, matrix: str | None, row_header: str | None, first: int,
               leaf_w: int) -> list:
    """A row per Kommune (its name a row header) and the SUMME row. The last rows keep with the SUMME
    row, key and legend, so that these never stand alone on a page: the rows move along, under the
    repeated header row."""
    rows = []
    together = len(table.rows) - _ROWS_WITH_LEGEND
    for n, r in enumerate(table.rows):
        keep = n >= together
        rows.append(_row(
            _cell(first, [_matrix_paragraph(r.kommune, row_header, align="left", keep_next=keep)]),
            *(_cell(leaf_w, [_matrix_paragraph(c.text, matrix, keep_next=keep)], fill=_fill(c)) for c in r.cells),
        ))
    rows.append(_row(
        _cell(first, [_matrix_paragraph("SUMME", row_header, bold=True, align="left", keep_next=True)],
              fill=_FILL_SUMME),
        *(_cell(leaf_w, [_matrix_paragraph(str(s), matrix, bold=True, keep_next=True)], fill=_FILL_SUMME)
          for s in table.sums),
    ))
    return rows


def _layout_table(width: int, columns: Sequence[int], rows: Sequence, caption: str, margins: dict[str, int]):
    """A table without header row or column (Word and LibreOffice: a layout table), no banding."""
    return W.tbl(
        W.tblPr(
            W.tblW(attrs(w=width, type="dxa")),
            W.tblLayout(attrs(type="fixed")),
            W.tblCellMar(*(W(side, attrs(w=margins[side], type="dxa")) for side in ("top", "left", "bottom", "right"))),
            W.tblLook(attrs(val="0000", firstRow=0, lastRow=0, firstColumn=0, lastColumn=0, noHBand=1, noVBand=1)),
            W.tblCaption(val(caption)),
        ),
        W.tblGrid(*(W.gridCol(attrs(w=w)) for w in columns)),
        *rows,
    )


def _key(table: ParticipationTable, note: str | None, total: int) -> list:
    """»Spalten:« and the abbreviations with their titles, a borderless table of three columns, kept
    with the legend."""
    def note_p(*runs, spacing):
        return W.p(W.pPr(W.pStyle(val(note)) if note else None, W.keepNext(), W.spacing(attrs(**spacing))), *runs)

    per_col = -(-len(table.key) // _KEY_COLUMNS)
    col_w = min(total, 13500) // _KEY_COLUMNS
    rows = []
    for r in range(per_col):
        cells = []
        for c in range(_KEY_COLUMNS):
            i = c * per_col + r
            entry = [run(table.key[i][0] + " = ", bold=True), run(table.key[i][1])] if i < len(table.key) else []
            cells.append(W.tc(W.tcPr(W.tcW(attrs(w=col_w, type="dxa"))), note_p(*entry, spacing={"after": 0})))
        rows.append(_row(*cells))
    return [
        note_p(run("Spalten:", bold=True), spacing={"before": 120, "after": 0}),
        _layout_table(col_w * _KEY_COLUMNS, [col_w] * _KEY_COLUMNS, rows, "Spalten",
                      {"top": 0, "left": 0, "bottom": 0, "right": 85}),
    ]


def _legend(table: ParticipationTable, matrix: str | None, note: str | None, total: int) -> list:
    """»Legende« and a table of samples (a shaded cell with its text) and what they mean."""
    width = min(total, 9000)
    rows = []
    for n, (kind, sample, text) in enumerate(table.legend):
        keep = n < len(table.legend) - 1
        fill = _LEGEND_FILLS.get(kind)
        sample_cell = W.tc(
            W.tcPr(
                W.tcW(attrs(w=700, type="dxa")),
                W.tcBorders(*(W(side, attrs(val="single", sz=4, space=0, color="8C8C8C"))
                              for side in ("top", "left", "bottom", "right"))),
                W.shd(attrs(val="clear", color="auto", fill=fill)) if fill else None,
                W.vAlign(val("center")),
            ),
            _matrix_paragraph(sample, matrix, keep_next=keep),
        )
        text_cell = W.tc(
            W.tcPr(W.tcW(attrs(w=width - 700, type="dxa")), W.vAlign(val("center"))),
            W.p(W.pPr(W.pStyle(val(note)) if note else None, W.keepNext() if keep else None,
                      W.spacing(attrs(after=0))), run(text)),
        )
        rows.append(_row(sample_cell, text_cell))
    return [
        W.p(W.pPr(W.keepNext(), W.spacing(attrs(before=160, after=60))), run("Legende", bold=True, size=17)),
        _layout_table(width, [700, width - 700], rows, "Legende", {"top": 20, "left": 85, "bottom": 20, "right": 85}),
    ]


def participation_table(document, table: ParticipationTable, styles: StyleMap) -> list:
    """The Beteiligungstabelle with title, key and legend, in a landscape section when it is wide: body
    elements of `document`. Paragraphs use the template's »IKZ Beteiligungstabelle«, »IKZ Zeilenkopf«
    (added when missing) and »IKZ Hinweis«, the table »IKZ Tabelle«."""
    matrix = styles.id(STYLE_MATRIX)
    note = styles.id(STYLE_NOTE)
    row_header = styles.ensure(STYLE_ROW_HEADER, "paragraph", "IKZZeilenkopf", based_on=matrix)

    portrait, landscape, portrait_width, landscape_width = _sect_copies(document)
    width = landscape_width if table.landscape else portrait_width
    n = len(table.columns)
    first = 1900 if n < 12 else 1700
    leaf_w = max(300, (width - first) // max(n, 1))
    total = first + leaf_w * n
    head_size = 14 if n >= 10 else 15

    out = [_section_paragraph(portrait)] if table.landscape else []
    out += [
        _title(table.titel, after=0),
        _title(table.untertitel, after=0),
        _title(table.stand, after=120, bold=False, size=18),
        W.tbl(
            W.tblPr(
                styles.tblstyle(STYLE_TABLE),
                W.tblW(attrs(w=total, type="dxa")),
                W.jc(val("center")),
                W.tblLayout(attrs(type="fixed")),
                W.tblLook(attrs(val="04A0", firstRow=1, lastRow=0, firstColumn=1, lastColumn=0, noHBand=0,
                                noVBand=1)),
                W.tblCaption(val(table.untertitel)),
                W.tblDescription(val(table.alt)),
            ),
            W.tblGrid(*(W.gridCol(attrs(w=w)) for w in [first] + [leaf_w] * n)),
            *_header_rows(table, matrix, first, leaf_w, head_size),
            *_body_rows(table, matrix, row_header, first, leaf_w),
        ),
    ]
    if table.key:
        out += _key(table, note, total)
    out += _legend(table, matrix, note, total)
    out.append(_section_paragraph(landscape) if table.landscape else W.p(W.pPr(W.spacing(attrs(after=0)))))
    return out


# ---------------------------------------------------------------------------
# empty paragraphs

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
            npr = nxt.get_or_add_pPr()
            if npr.spacing is None and npr.find(qn("w:sectPr")) is None:
                npr.spacing_before = Twips(240)  # python-docx puts w:spacing in its place in w:pPr
        body.remove(p)
        removed += 1
    return removed
