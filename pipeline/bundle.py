"""Merge PDFs into one bundle (Mappe) with cover, linked index, bookmarks and page stamps.

The bundle stays PDF/A-2b when all documents are (as produced by
pipeline.convert): XMP with pdfaid, the OutputIntent, a file /ID, Info and XMP
in sync, only embedded fonts (cover, index and stamps are drawn by ReportLab
with an embedded TrueType font). It stays tagged as well: the structure trees
of the documents are merged below one /Document element (each document becomes
a /Part with its title), cover and index get their own structure elements, the
page stamps are marked as pagination artifacts.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    FloatObject,
    Fit,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .german import datum_lang
from . import __version__
from .convert import read_pdfa_id
from .errors import BundleError, Location

__all__ = [
    "BundleDocument",
    "BundleEntry",
    "BundleResult",
    "BundleSpec",
    "build_bundle",
]

PRODUCER = f"IKZ-Dokumentenpipeline {__version__} (pypdf, ReportLab)"

# (regular, bold); the first pair that exists is used. Debian packages:
# fonts-liberation2, fonts-liberation, fonts-dejavu-core.
_FONT_CANDIDATES = (
    (
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
)
_FONT = "IkzSans"
_FONT_BOLD = "IkzSans-Bold"


# layout (points); A4 portrait for cover and index
_PAGE_W, _PAGE_H = A4
_LEFT = 25 * mm
_RIGHT = _PAGE_W - 20 * mm
_TOP = _PAGE_H - 20 * mm
_INDEX_BOTTOM = 25 * mm
_STAMP_SIZE = 8
_STAMP_RIGHT_MARGIN = 20 * mm
_STAMP_BASELINE = 7 * mm

_BLACK = (0, 0, 0)
_DARK = (0.2, 0.2, 0.2)
_GREY = (0.4, 0.4, 0.4)
_RULE = (0.6, 0.6, 0.6)
_LIGHT_RULE = (0.8, 0.8, 0.8)


@dataclass(frozen=True)
class BundleDocument:
    """One document of a bundle: its title in index and bookmarks, the PDF, its kind."""

    title: str
    pdf: Path
    kind: str  # e.g. "Beschlussvorlage", "Vereinbarung", "Anlage"


@dataclass(frozen=True)
class BundleSpec:
    """What goes into a bundle and onto its cover."""

    title: str
    subtitle: str
    addressee: str | None  # may contain line breaks
    cover_lines: tuple[str, ...]
    documents: tuple[BundleDocument, ...]
    author: str
    subject: str
    keywords: tuple[str, ...]
    lang: str = "de-DE"
    date: dt.date | None = None  # shown on the cover; None → today


class BundleEntry(NamedTuple):
    """Where a document starts in the bundle (1-based page numbers)."""

    title: str
    first_page: int
    page_count: int


@dataclass(frozen=True)
class BundleResult:
    path: Path
    pages: int
    entries: tuple[BundleEntry, ...]
    pdfa_part: int | None = None  # declared PDF/A part (conformance B), None if not PDF/A
    tagged: bool = False




# ---------------------------------------------------------------------------
# fonts


def _register_fonts() -> None:
    registered = pdfmetrics.getRegisteredFontNames()
    if _FONT in registered and _FONT_BOLD in registered:
        return
    for regular, bold in _FONT_CANDIDATES:
        if os.path.exists(regular) and os.path.exists(bold):
            pdfmetrics.registerFont(TTFont(_FONT, regular))
            pdfmetrics.registerFont(TTFont(_FONT_BOLD, bold))
            return
    raise BundleError(
        "Keine einbettbare Schrift gefunden (Liberation Sans oder DejaVu Sans). "
        "Bitte installieren: sudo apt-get install fonts-liberation2"
    )


# ---------------------------------------------------------------------------
# cover and index (ReportLab), with marked content for the structure tree


@dataclass
class _Tag:
    page: int  # index of the front page
    mcid: int
    role: str  # structure type, e.g. "H1", "P", "Link"
    group: str  # "cover", "index" or "entry"
    entry: int | None = None  # document index for "entry" tags


@dataclass
class _Row:
    number: str
    title_lines: list[str]
    kind_lines: list[str]
    height: float


@dataclass
class _LinkBox:
    page: int  # front page index
    rect: tuple[float, float, float, float]
    entry: int
    mcid: int


class _Front:
    """Draws cover and index pages and records marked-content sequences."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, initialFontName=_FONT, pageCompression=1)
        self.page = 0
        self.mcid = 0
        self.tags: list[_Tag] = []
        self.links: list[_LinkBox] = []

    def begin(self, role: str, group: str, entry: int | None = None) -> int:
        mcid = self.mcid
        self.mcid += 1
        self.tags.append(_Tag(self.page, mcid, role, group, entry))
        self.canvas.addLiteral(f"/{role} <</MCID {mcid}>> BDC")
        return mcid

    def end(self) -> None:
        self.canvas.addLiteral("EMC")

    def artifact_begin(self) -> None:
        self.canvas.addLiteral("/Artifact BMC")

    def next_page(self) -> None:
        self.canvas.showPage()
        self.page += 1
        self.mcid = 0

    def text(self, x: float, y: float, text: str, font: str, size: float,
             color: tuple[float, float, float] = _BLACK, align: str = "left") -> None:
        c = self.canvas
        c.setFont(font, size)
        c.setFillColorRGB(*color)
        if align == "right":
            c.drawRightString(x, y, text)
        else:
            c.drawString(x, y, text)

    def rule(self, y: float, color: tuple[float, float, float] = _RULE, width: float = 0.5,
             x0: float = _LEFT, x1: float = _RIGHT) -> None:
        c = self.canvas
        self.artifact_begin()
        c.setStrokeColorRGB(*color)
        c.setLineWidth(width)
        c.line(x0, y, x1, y)
        self.end()


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of `text` fitting `width`; all but the last end with a space.

    The trailing space is invisible but keeps word boundaries in extracted text
    and for screen readers (each line is drawn separately).
    """
    lines: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        lines.extend(simpleSplit(paragraph, font, size, width) or [""])
    return [line + " " for line in lines[:-1]] + lines[-1:]


_NUMBER_W = 12 * mm
_PAGE_COL_W = 18 * mm
_TITLE_SIZE = 11
_TITLE_LEADING = 14
_KIND_SIZE = 9
_KIND_LEADING = 11.5
_ROW_PAD = 5


def _index_rows(spec: BundleSpec) -> list[_Row]:
    width = _RIGHT - _LEFT - _NUMBER_W - _PAGE_COL_W
    rows = []
    for i, doc in enumerate(spec.documents, start=1):
        title_lines = _wrap(doc.title, _FONT_BOLD, _TITLE_SIZE, width)
        kind_lines = _wrap(doc.kind, _FONT, _KIND_SIZE, width) if doc.kind else []
        height = 2 * _ROW_PAD + len(title_lines) * _TITLE_LEADING + len(kind_lines) * _KIND_LEADING
        rows.append(_Row(f"{i}.", title_lines, kind_lines, height))
    return rows


_INDEX_FIRST_TOP = _TOP - 22 * mm  # baseline of the table header, below heading and bundle title
_INDEX_ROWS_TOP = _INDEX_FIRST_TOP - 5  # the header's rule; the first row starts here


def _paginate(rows: list[_Row]) -> list[list[int]]:
    """Row indexes per index page."""
    pages: list[list[int]] = [[]]
    y = _INDEX_ROWS_TOP
    for i, row in enumerate(rows):
        if y - row.height < _INDEX_BOTTOM and pages[-1]:
            pages.append([])
            y = _INDEX_ROWS_TOP
        pages[-1].append(i)
        y -= row.height
    return pages


def _draw_cover(front: _Front, spec: BundleSpec, total_pages: int, day: dt.date) -> None:
    width = _RIGHT - _LEFT
    # letterhead: author left, date right
    y = _TOP - 4
    front.begin("P", "cover")
    for line in _wrap(spec.author, _FONT_BOLD, 11, width * 0.65):
        front.text(_LEFT, y, line, _FONT_BOLD, 11, _DARK)
        y -= 14
    front.end()
    front.begin("P", "cover")
    front.text(_RIGHT, _TOP - 4, datum_lang(day), _FONT, 10, _DARK, align="right")
    front.end()
    front.rule(min(y, _TOP - 14) - 2, _RULE, 0.75)

    # address field (DIN 5008: 45 mm from the top edge)
    if spec.addressee:
        y = _PAGE_H - 50 * mm
        front.begin("P", "cover")
        for line in _wrap(spec.addressee, _FONT, 11, 85 * mm):
            front.text(_LEFT, y, line, _FONT, 11)
            y -= 14
        front.end()

    # title block
    y = _PAGE_H - 105 * mm
    front.begin("H1", "cover")
    for line in _wrap(spec.title, _FONT_BOLD, 20, width):
        front.text(_LEFT, y, line, _FONT_BOLD, 20)
        y -= 25
    front.end()
    if spec.subtitle:
        y -= 2
        front.begin("P", "cover")
        for line in _wrap(spec.subtitle, _FONT, 13, width):
            front.text(_LEFT, y, line, _FONT, 13, _DARK)
            y -= 17
        front.end()
    y -= 4
    front.rule(y, _RULE, 0.75)
    y -= 24
    for cover_line in spec.cover_lines:
        front.begin("P", "cover")
        for line in _wrap(cover_line, _FONT, 11, width):
            front.text(_LEFT, y, line, _FONT, 11)
            y -= 15
        front.end()
        y -= 4

    # summary at the bottom (left out if many cover lines already fill the page)
    n = len(spec.documents)
    summary = f"Diese Mappe enthält {n} {'Dokument' if n == 1 else 'Dokumente'} mit insgesamt {total_pages} Seiten."
    if y > 40 * mm + 10:
        front.rule(40 * mm, _RULE, 0.75)
        front.begin("P", "cover")
        front.text(_LEFT, 40 * mm - 14, summary, _FONT, 9, _GREY)
        front.end()


def _draw_index(front: _Front, spec: BundleSpec, rows: list[_Row], pages: list[list[int]],
                first_pages: list[int]) -> None:
    for page_no, row_ids in enumerate(pages):
        front.next_page()
        front.begin("H1" if page_no == 0 else "P", "index")
        front.text(_LEFT, _TOP - 12, "Inhalt" if page_no == 0 else "Inhalt (Fortsetzung)", _FONT_BOLD, 16)
        front.end()
        front.begin("P", "index")
        front.text(_LEFT, _TOP - 30, spec.title, _FONT, 10, _GREY)
        front.end()

        y = _INDEX_FIRST_TOP
        front.artifact_begin()
        front.text(_LEFT, y, "Nr.", _FONT_BOLD, 9, _GREY)
        front.text(_LEFT + _NUMBER_W, y, "Dokument", _FONT_BOLD, 9, _GREY)
        front.text(_RIGHT, y, "Seite", _FONT_BOLD, 9, _GREY, align="right")
        front.end()
        front.rule(_INDEX_ROWS_TOP, _RULE, 0.75)
        y = _INDEX_ROWS_TOP
        for i in row_ids:
            row = rows[i]
            top = y
            baseline = top - _ROW_PAD - _TITLE_SIZE
            mcid = front.begin("Link", "entry", i)
            front.text(_LEFT, baseline, row.number + " ", _FONT, _TITLE_SIZE)
            line_y = baseline
            for line in row.title_lines[:-1] + [row.title_lines[-1] + " "]:
                front.text(_LEFT + _NUMBER_W, line_y, line, _FONT_BOLD, _TITLE_SIZE)
                line_y -= _TITLE_LEADING
            line_y += _TITLE_LEADING - _KIND_LEADING - 1
            for line in row.kind_lines:
                front.text(_LEFT + _NUMBER_W, line_y, line + " ", _FONT, _KIND_SIZE, _GREY)
                line_y -= _KIND_LEADING
            front.text(_RIGHT, baseline, str(first_pages[i]), _FONT, _TITLE_SIZE, align="right")
            front.end()
            bottom = top - row.height
            front.rule(bottom, _LIGHT_RULE, 0.5)
            front.links.append(_LinkBox(front.page, (_LEFT, bottom, _RIGHT, top), i, mcid))
            y = bottom


def _render_front(spec: BundleSpec, sizes: list[int], day: dt.date) -> tuple[bytes, _Front, list[int], int]:
    """Cover + index as PDF bytes; returns (pdf, front, first_pages, total_pages)."""
    rows = _index_rows(spec)
    pages = _paginate(rows)
    front_count = 1 + len(pages)
    first_pages: list[int] = []
    page = front_count + 1
    for size in sizes:
        first_pages.append(page)
        page += size
    total = front_count + sum(sizes)
    front = _Front()
    _draw_cover(front, spec, total, day)
    _draw_index(front, spec, rows, pages, first_pages)
    front.canvas.showPage()
    front.canvas.save()
    return front.buffer.getvalue(), front, first_pages, total


def _render_stamps(sizes: list[tuple[float, float]]) -> bytes:
    """One page per bundle page (visual size w×h) with "Seite N von M" as artifact."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, initialFontName=_FONT, pageCompression=1)
    total = len(sizes)
    for number, (width, height) in enumerate(sizes, start=1):
        canvas.setPageSize((width, height))
        canvas.addLiteral("/Artifact <</Type /Pagination /Subtype /Footer>> BDC")
        canvas.setFont(_FONT, _STAMP_SIZE)
        canvas.setFillColorRGB(*_GREY)
        canvas.drawRightString(width - _STAMP_RIGHT_MARGIN, _STAMP_BASELINE, f"Seite {number} von {total}")
        canvas.addLiteral("EMC")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# helpers for PDF objects


def _as_list(value: Any) -> list[Any]:
    if value is None or isinstance(value, NullObject):
        return []
    if isinstance(value, IndirectObject):
        resolved = value.get_object()
        if isinstance(resolved, ArrayObject):
            return list(resolved)
        return [value]
    if isinstance(value, ArrayObject):
        return list(value)
    return [value]


def _number_tree(node: Any, depth: int = 0) -> Iterator[tuple[int, PdfObject]]:
    if node is None or depth > 64:
        return
    node = node.get_object()
    if not isinstance(node, DictionaryObject):
        return
    nums = node.get("/Nums")
    if nums is not None:
        nums = nums.get_object()
        for i in range(0, len(nums) - 1, 2):
            yield int(nums[i]), nums[i + 1]
    for kid in node.get("/Kids", []) or []:
        yield from _number_tree(kid, depth + 1)


def _visual_size(page: Any) -> tuple[float, float, float, float, float, float, int]:
    box = page.cropbox
    x0, y0 = float(box.left), float(box.bottom)
    w, h = float(box.width), float(box.height)
    rotation = int(page.get("/Rotate", 0) or 0) % 360
    vw, vh = (w, h) if rotation in (0, 180) else (h, w)
    return vw, vh, x0, y0, w, h, rotation


def _stamp_matrix(x0: float, y0: float, w: float, h: float, rotation: int) -> tuple[float, ...]:
    """Maps the stamp's visual coordinates into the page's user space."""
    if rotation == 90:
        return (0, 1, -1, 0, x0 + w, y0)
    if rotation == 180:
        return (-1, 0, 0, -1, x0 + w, y0 + h)
    if rotation == 270:
        return (0, -1, 1, 0, x0, y0 + h)
    return (1, 0, 0, 1, x0, y0)


def _pdf_date(moment: dt.datetime) -> str:
    offset = moment.strftime("%z") or "+0000"
    return moment.strftime("D:%Y%m%d%H%M%S") + f"{offset[0]}{offset[1:3]}'{offset[3:5]}'"


def _xmp(spec: BundleSpec, moment: dt.datetime, pdfa: tuple[int, str] | None) -> bytes:
    iso = moment.isoformat()
    keywords = ", ".join(spec.keywords)
    parts = [
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>',
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    ]
    if pdfa is not None:
        parts += [
            '  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">',
            f"   <pdfaid:part>{pdfa[0]}</pdfaid:part>",
            f"   <pdfaid:conformance>{pdfa[1]}</pdfaid:conformance>",
            "  </rdf:Description>",
        ]
    parts += [
        '  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "   <dc:format>application/pdf</dc:format>",
        f'   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(spec.title)}</rdf:li></rdf:Alt></dc:title>',
    ]
    if spec.author:
        parts.append(f"   <dc:creator><rdf:Seq><rdf:li>{escape(spec.author)}</rdf:li></rdf:Seq></dc:creator>")
    if spec.subject:
        parts.append(
            f'   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(spec.subject)}</rdf:li></rdf:Alt></dc:description>'
        )
    if spec.keywords:
        items = "".join(f"<rdf:li>{escape(k)}</rdf:li>" for k in spec.keywords)
        parts.append(f"   <dc:subject><rdf:Bag>{items}</rdf:Bag></dc:subject>")
    if spec.lang:
        parts.append(f"   <dc:language><rdf:Bag><rdf:li>{escape(spec.lang)}</rdf:li></rdf:Bag></dc:language>")
    parts += [
        "  </rdf:Description>",
        '  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">',
        f"   <pdf:Producer>{escape(PRODUCER)}</pdf:Producer>",
    ]
    if keywords:
        parts.append(f"   <pdf:Keywords>{escape(keywords)}</pdf:Keywords>")
    parts += [
        "  </rdf:Description>",
        '  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">',
        f"   <xmp:CreatorTool>{escape(PRODUCER)}</xmp:CreatorTool>",
        f"   <xmp:CreateDate>{iso}</xmp:CreateDate>",
        f"   <xmp:ModifyDate>{iso}</xmp:ModifyDate>",
        f"   <xmp:MetadataDate>{iso}</xmp:MetadataDate>",
        "  </rdf:Description>",
        " </rdf:RDF>",
        "</x:xmpmeta>",
    ]
    padding = (" " * 99 + "\n") * 20  # room for in-place updates, as usual for XMP
    return ("\n".join(parts) + "\n" + padding + '<?xpacket end="w"?>').encode("utf-8")


_SUBSET_TAG = re.compile(r"^([A-Z]{6})\+(.+)$")


def _font_dicts(writer: PdfWriter) -> Iterator[DictionaryObject]:
    """Every font dictionary used by the pages (also inside form XObjects), once."""
    seen: set[int] = set()
    stack: list[Any] = [page.get("/Resources") for page in writer.pages]
    while stack:
        resources = stack.pop()
        if resources is None:
            continue
        if isinstance(resources, IndirectObject):
            if resources.idnum in seen:
                continue
            seen.add(resources.idnum)
        resources = resources.get_object()
        if not isinstance(resources, DictionaryObject):
            continue
        fonts = resources.get("/Font")
        for ref in (fonts.get_object().values() if fonts is not None else ()):
            font = ref.get_object()
            key = ref.idnum if isinstance(ref, IndirectObject) else id(font)
            if key in seen or not isinstance(font, DictionaryObject):
                continue
            seen.add(key)
            yield font
            if "/Resources" in font:  # Type 3
                stack.append(font.raw_get("/Resources"))
        xobjects = resources.get("/XObject")
        for ref in (xobjects.get_object().values() if xobjects is not None else ()):
            xobject = ref.get_object()
            if isinstance(ref, IndirectObject):
                if ref.idnum in seen:
                    continue
                seen.add(ref.idnum)
            if isinstance(xobject, DictionaryObject) and "/Resources" in xobject:
                stack.append(xobject.raw_get("/Resources"))


def _unique_subset_tags(writer: PdfWriter) -> None:
    """Give every embedded font subset its own tag ("ABCDEF+Name").

    Each source PDF numbers its subsets from AAAAAA, so the bundle would
    contain different subsets with the same name, which the PDF specification
    forbids and which makes some printers and viewers use the wrong glyphs.
    """
    used: set[str] = set()
    counter = 0

    def fresh() -> str:
        nonlocal counter
        while True:
            n, letters = counter, []
            counter += 1
            for _ in range(6):
                n, r = divmod(n, 26)
                letters.append(chr(ord("A") + r))
            tag = "".join(reversed(letters))
            if tag not in used:
                return tag

    def rename(obj: DictionaryObject, key: str, old: str, new: str) -> None:
        value = obj.get(key)
        if value is not None and str(value).startswith("/" + old + "+"):
            obj[NameObject(key)] = NameObject("/" + new + str(value)[len(old) + 1 :])

    for font in _font_dicts(writer):
        base = str(font.get("/BaseFont", ""))[1:]
        match = _SUBSET_TAG.match(base)
        if not match:
            continue
        tag = match.group(1)
        if tag not in used:
            used.add(tag)
            continue
        new = fresh()
        used.add(new)
        rename(font, "/BaseFont", tag, new)
        descendants = [d.get_object() for d in _as_list(font.get("/DescendantFonts"))]
        for target in [font, *descendants]:
            if target is not font:
                rename(target, "/BaseFont", tag, new)
            descriptor = target.get("/FontDescriptor")
            if descriptor is not None:
                rename(descriptor.get_object(), "/FontName", tag, new)


# ---------------------------------------------------------------------------
# structure tree


class _Structure:
    """Builds the merged structure tree of the bundle."""

    def __init__(self, writer: PdfWriter, title: str, lang: str):
        self.writer = writer
        self.root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
        self.root_ref = writer._add_object(self.root)  # noqa: SLF001 - pypdf has no public add_object
        self.parent_tree: list[tuple[int, PdfObject]] = []
        self.next_key = 0
        self.role_map = DictionaryObject()
        self.class_map = DictionaryObject()
        self.document, self.document_ref = self.element("Document", self.root_ref, title=title)
        if lang:
            self.document[NameObject("/Lang")] = TextStringObject(lang)
        self.root[NameObject("/K")] = ArrayObject([self.document_ref])

    def element(self, role: str, parent: IndirectObject, *, title: str | None = None,
                page: IndirectObject | None = None) -> tuple[DictionaryObject, IndirectObject]:
        elem = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/StructElem"),
                NameObject("/S"): NameObject("/" + role),
                NameObject("/P"): parent,
                NameObject("/K"): ArrayObject(),
            }
        )
        if title:
            elem[NameObject("/T")] = TextStringObject(title)
        if page is not None:
            elem[NameObject("/Pg")] = page
        ref = self.writer._add_object(elem)  # noqa: SLF001
        parent_obj = parent.get_object()
        kids = parent_obj.get("/K")
        if not isinstance(kids, ArrayObject):
            kids = ArrayObject(_as_list(kids))
            parent_obj[NameObject("/K")] = kids
        kids.append(ref)
        return elem, ref

    def key(self) -> int:
        key = self.next_key
        self.next_key += 1
        return key

    def add_front(self, front: _Front, page_refs: list[IndirectObject],
                  annot_refs: dict[int, IndirectObject], titles: list[str]) -> None:
        cover, cover_ref = self.element("Sect", self.document_ref, title="Deckblatt")
        index, index_ref = self.element("Sect", self.document_ref, title="Inhalt")
        toc, toc_ref = None, None
        per_page: dict[int, dict[int, IndirectObject]] = {}
        for tag in front.tags:
            page_ref = page_refs[tag.page]
            if tag.group == "cover":
                _, ref = self.element(tag.role, cover_ref, page=page_ref)
            elif tag.group == "index":
                _, ref = self.element(tag.role, index_ref, page=page_ref)
            else:
                if toc_ref is None:
                    toc, toc_ref = self.element("TOC", index_ref)
                _, item_ref = self.element("TOCI", toc_ref)
                link, ref = self.element("Link", item_ref, page=page_ref, title=titles[tag.entry or 0])
                annot = annot_refs.get(tag.entry or 0)
                if annot is not None:
                    link["/K"].append(
                        DictionaryObject(
                            {
                                NameObject("/Type"): NameObject("/OBJR"),
                                NameObject("/Obj"): annot,
                                NameObject("/Pg"): page_ref,
                            }
                        )
                    )
                    annot_key = self.key()
                    annot.get_object()[NameObject("/StructParent")] = NumberObject(annot_key)
                    self.parent_tree.append((annot_key, ref))
            obj = ref.get_object()
            kids = obj["/K"]
            kids.insert(0, NumberObject(tag.mcid))
            per_page.setdefault(tag.page, {})[tag.mcid] = ref
        for page, mcids in sorted(per_page.items()):
            key = self.key()
            page_ref = page_refs[page]
            page_ref.get_object()[NameObject("/StructParents")] = NumberObject(key)
            array = ArrayObject(mcids.get(i, NullObject()) for i in range(max(mcids) + 1))
            self.parent_tree.append((key, self.writer._add_object(array)))  # noqa: SLF001

    def add_document(self, reader: PdfReader, title: str, page_refs: list[IndirectObject]) -> None:
        """Clone the structure of `reader` (its pages are already in the writer)."""
        writer = self.writer
        source_root = reader.root_object["/StructTreeRoot"].get_object()
        # "/P" is not cloned: it would drag in the source's StructTreeRoot; it is set below.
        kids = [kid.clone(writer, False, ["/P"]) for kid in _as_list(source_root.get("/K"))]
        kids = [k if isinstance(k, IndirectObject) else writer._add_object(k) for k in kids]  # noqa: SLF001
        if len(kids) == 1 and kids[0].get_object().get("/S") == "/Document":
            part_ref = kids[0]
            part = part_ref.get_object()
            part[NameObject("/S")] = NameObject("/Part")
            part[NameObject("/T")] = TextStringObject(title)
            part[NameObject("/P")] = self.document_ref
            self.document["/K"].append(part_ref)
        else:
            part, part_ref = self.element("Part", self.document_ref, title=title)
            for kid in kids:
                part["/K"].append(kid)
        self._set_parents(part_ref)

        offset = self.next_key
        highest = -1
        for key, value in _number_tree(source_root.get("/ParentTree")):
            self.parent_tree.append((key + offset, value.clone(writer, False, ["/P"])))
            highest = max(highest, key)
        next_key = source_root.get("/ParentTreeNextKey")
        self.next_key = offset + max(highest + 1, int(next_key) if next_key is not None else 0)

        seen: set[int] = set()
        for page_ref, source_page in zip(page_refs, reader.pages):
            page = page_ref.get_object()
            # pypdf drops /StructParents when it copies a page; restore it, shifted
            key = source_page.get("/StructParents")
            if key is not None:
                page[NameObject("/StructParents")] = NumberObject(int(key) + offset)
            for annot in _as_list(page.get("/Annots")):
                self._shift(annot.get_object(), "/StructParent", offset)
            self._shift_xobjects(page.get("/Resources"), offset, seen, 0)

        for name, value in (source_root.get("/RoleMap") or {}).items():
            if name not in self.role_map:
                self.role_map[NameObject(name)] = value.clone(writer) if hasattr(value, "clone") else value
        class_map = source_root.get("/ClassMap")
        if class_map is not None:
            for name, value in class_map.get_object().items():
                if name not in self.class_map:
                    self.class_map[NameObject(name)] = value.clone(writer)

    @staticmethod
    def _shift(obj: Any, key: str, offset: int) -> None:
        if isinstance(obj, DictionaryObject) and key in obj:
            obj[NameObject(key)] = NumberObject(int(obj[key]) + offset)

    def _shift_xobjects(self, resources: Any, offset: int, seen: set[int], depth: int) -> None:
        if resources is None or depth > 8:
            return
        resources = resources.get_object()
        if not isinstance(resources, DictionaryObject):
            return
        xobjects = resources.get("/XObject")
        if xobjects is None:
            return
        for ref in xobjects.get_object().values():
            if not isinstance(ref, IndirectObject) or ref.idnum in seen:
                continue
            seen.add(ref.idnum)
            xobject = ref.get_object()
            self._shift(xobject, "/StructParents", offset)
            self._shift(xobject, "/StructParent", offset)
            self._shift_xobjects(xobject.get("/Resources"), offset, seen, depth + 1)

    def _set_parents(self, top: IndirectObject) -> None:
        stack = [top]
        seen = {top.idnum}
        while stack:
            parent_ref = stack.pop()
            parent = parent_ref.get_object()
            for kid in _as_list(parent.get("/K")):
                if not isinstance(kid, IndirectObject) or kid.idnum in seen:
                    continue
                obj = kid.get_object()
                if isinstance(obj, DictionaryObject) and "/S" in obj:
                    obj[NameObject("/P")] = parent_ref
                    seen.add(kid.idnum)
                    stack.append(kid)

    def finish(self) -> None:
        nums = ArrayObject()
        for key, value in sorted(self.parent_tree, key=lambda item: item[0]):
            nums.append(NumberObject(key))
            nums.append(value)
        parent_tree = DictionaryObject({NameObject("/Nums"): nums})
        self.root[NameObject("/ParentTree")] = self.writer._add_object(parent_tree)  # noqa: SLF001
        self.root[NameObject("/ParentTreeNextKey")] = NumberObject(self.next_key)
        if self.role_map:
            self.root[NameObject("/RoleMap")] = self.role_map
        if self.class_map:
            self.root[NameObject("/ClassMap")] = self.class_map


# ---------------------------------------------------------------------------
# bundle


# Parsed member PDFs, per process: a document that is in many bundles (the annual
# report is in every council bundle) is parsed once. Keyed by path, size and mtime.
_READERS: dict[tuple[str, int, int], PdfReader] = {}
_READER_CACHE_LIMIT = 256


def _open(doc: BundleDocument) -> PdfReader:
    path = Path(doc.pdf)
    try:
        st = path.stat()
        cache_key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    except OSError:
        cache_key = None
    if cache_key in _READERS:
        return _READERS[cache_key]
    reader = _open_uncached(doc)
    if cache_key is not None:
        if len(_READERS) >= _READER_CACHE_LIMIT:
            _READERS.pop(next(iter(_READERS)))
        _READERS[cache_key] = reader
    return reader


def _open_uncached(doc: BundleDocument) -> PdfReader:
    path = Path(doc.pdf)
    where = Location(file=path)
    if not path.is_file():
        raise BundleError(f"Die PDF-Datei »{path.name}« für »{doc.title}« fehlt ({path}).", where)
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            raise BundleError(
                f"Die PDF-Datei »{path.name}« für »{doc.title}« ist verschlüsselt und kann nicht in die Mappe übernommen werden.",
                where,
            )
        count = len(reader.pages)
        for page in reader.pages:
            _ = page.mediabox
        _ = reader.root_object
    except BundleError:
        raise
    except (PdfReadError, PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BundleError(
            f"Die PDF-Datei »{path.name}« für »{doc.title}« ist beschädigt oder keine PDF-Datei ({exc}).", where
        ) from exc
    if count == 0:
        raise BundleError(f"Die PDF-Datei »{path.name}« für »{doc.title}« hat keine Seiten.", where)
    return reader


def _copy_outline(writer: PdfWriter, reader: PdfReader, items: list[Any], parent: IndirectObject,
                  offset: int, depth: int = 0) -> None:
    last: IndirectObject | None = None
    for item in items:
        if isinstance(item, list):
            if last is not None and depth < 16:
                _copy_outline(writer, reader, item, last, offset, depth + 1)
            continue
        try:
            number = reader.get_destination_page_number(item)
        except Exception:  # noqa: BLE001 - broken destinations are skipped, not fatal
            number = None
        if number is None or number < 0:
            last = None
            continue
        fit = _fit_of(item)
        last = writer.add_outline_item(
            title=str(item.title or ""), page_number=offset + number, parent=parent, fit=fit, is_open=False
        )


def _num(value: Any) -> float | None:
    if value is None or isinstance(value, NullObject):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _fit_of(item: Any) -> Fit:
    kind = item.get("/Type")
    if kind == "/XYZ":
        return Fit.xyz(left=_num(item.get("/Left")), top=_num(item.get("/Top")), zoom=_num(item.get("/Zoom")))
    if kind == "/FitH":
        return Fit.fit_horizontally(top=_num(item.get("/Top")))
    if kind == "/FitBH":
        return Fit.fit_box_horizontally(top=_num(item.get("/Top")))
    return Fit.fit()


def build_bundle(spec: BundleSpec, out: Path) -> BundleResult:
    """Write the bundle for `spec` to `out` (atomically) and describe it."""
    out = Path(out)
    if not spec.documents:
        raise BundleError(f"Die Mappe »{spec.title}« enthält keine Dokumente.")
    _register_fonts()
    readers: list[PdfReader] = []
    for doc in spec.documents:
        reader = _open(doc)
        if any(r is reader for r in readers):  # the same file twice: each copy needs its own objects
            reader = _open_uncached(doc)
        readers.append(reader)
    sizes = [len(r.pages) for r in readers]
    moment = dt.datetime.now().astimezone().replace(microsecond=0)
    day = spec.date or moment.date()

    front_pdf, front, first_pages, total = _render_front(spec, sizes, day)
    front_reader = PdfReader(io.BytesIO(front_pdf))
    front_count = len(front_reader.pages)

    writer = PdfWriter()
    writer.append(front_reader, import_outline=False)
    starts: list[int] = []
    for doc, reader in zip(spec.documents, readers):
        starts.append(len(writer.pages))
        try:
            writer.append(reader, import_outline=False)
        except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BundleError(
                f"Die PDF-Datei »{Path(doc.pdf).name}« für »{doc.title}« ist beschädigt ({exc}).",
                Location(file=Path(doc.pdf)),
            ) from exc
    if len(writer.pages) != total:
        raise BundleError(f"Interner Fehler: {len(writer.pages)} statt {total} Seiten in der Mappe »{spec.title}«.")
    page_refs = [page.indirect_reference for page in writer.pages]

    # index links (/Link with /GoTo to the first page of each document)
    annot_refs: dict[int, IndirectObject] = {}
    for box in front.links:
        page = writer.pages[box.page]
        target = page_refs[starts[box.entry]]
        annot = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject(FloatObject(round(v, 2)) for v in box.rect),
                NameObject("/Border"): ArrayObject([NumberObject(0)] * 3),
                NameObject("/F"): NumberObject(4),  # print (PDF/A)
                NameObject("/P"): page.indirect_reference,
                NameObject("/Contents"): TextStringObject(
                    f"{spec.documents[box.entry].title}, Seite {first_pages[box.entry]}"
                ),
                NameObject("/A"): DictionaryObject(
                    {
                        NameObject("/S"): NameObject("/GoTo"),
                        NameObject("/D"): ArrayObject([target, NameObject("/Fit")]),
                    }
                ),
            }
        )
        ref = writer._add_object(annot)  # noqa: SLF001
        annots = page.get("/Annots")
        if annots is None:
            page[NameObject("/Annots")] = ArrayObject([ref])
        else:
            annots.get_object().append(ref)
        page[NameObject("/Tabs")] = NameObject("/S")
        annot_refs[box.entry] = ref

    # bookmarks: one per document, its own bookmarks below
    for doc, reader, start in zip(spec.documents, readers, starts):
        item = writer.add_outline_item(title=doc.title, page_number=start, fit=Fit.fit(), is_open=False)
        try:
            outline = reader.outline
        except Exception:  # noqa: BLE001 - a broken outline only loses the sub-bookmarks
            outline = []
        _copy_outline(writer, reader, list(outline), item, start)

    # structure tree (only if every document is tagged)
    tagged = all(
        "/StructTreeRoot" in r.root_object
        and bool((r.root_object.get("/MarkInfo") or DictionaryObject()).get_object().get("/Marked", False))
        for r in readers
    )
    if tagged:
        structure = _Structure(writer, spec.title, spec.lang)
        structure.add_front(front, page_refs[:front_count], annot_refs, [d.title for d in spec.documents])
        for doc, reader, start, size in zip(spec.documents, readers, starts, sizes):
            try:
                structure.add_document(reader, doc.title, page_refs[start : start + size])
            except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
                raise BundleError(
                    f"Die Struktur (Tags) der PDF-Datei »{Path(doc.pdf).name}« für »{doc.title}« ist beschädigt ({exc}).",
                    Location(file=Path(doc.pdf)),
                ) from exc
        structure.finish()
        writer.root_object[NameObject("/StructTreeRoot")] = structure.root_ref
        writer.root_object[NameObject("/MarkInfo")] = DictionaryObject(
            {NameObject("/Marked"): BooleanObject(True)}
        )

    # page stamps "Seite N von M"
    geometry = [_visual_size(page) for page in writer.pages]
    stamps = PdfReader(io.BytesIO(_render_stamps([(g[0], g[1]) for g in geometry])))
    for page, stamp, (_, _, x0, y0, w, h, rotation) in zip(writer.pages, stamps.pages, geometry):
        page.merge_transformed_page(stamp, Transformation(_stamp_matrix(x0, y0, w, h, rotation)))

    _unique_subset_tags(writer)

    # PDF/A: claimed only if every document claims it; the highest part of them
    # (PDF/A-1 content is valid PDF/A-2), conformance B (the merged structure is
    # not checked against the stricter level A)
    parts = [read_pdfa_id(_xmp_of(r))[0] for r in readers]
    pdfa: tuple[int, str] | None = None
    intents = next((r.root_object["/OutputIntents"] for r in readers if "/OutputIntents" in r.root_object), None)
    if intents is not None and all(part is not None for part in parts):
        pdfa = (max(part for part in parts if part is not None), "B")
    if intents is not None:
        writer.root_object[NameObject("/OutputIntents")] = intents.clone(writer)

    metadata = StreamObject()
    metadata[NameObject("/Type")] = NameObject("/Metadata")
    metadata[NameObject("/Subtype")] = NameObject("/XML")
    metadata.set_data(_xmp(spec, moment, pdfa))  # unfiltered, as PDF/A requires
    writer.root_object[NameObject("/Metadata")] = writer._add_object(metadata)  # noqa: SLF001
    info = {
        "/Title": spec.title,
        "/Producer": PRODUCER,
        "/Creator": PRODUCER,
        "/CreationDate": _pdf_date(moment),
        "/ModDate": _pdf_date(moment),
    }
    if spec.author:
        info["/Author"] = spec.author
    if spec.subject:
        info["/Subject"] = spec.subject
    if spec.keywords:
        info["/Keywords"] = ", ".join(spec.keywords)
    writer.metadata = info
    if spec.lang:
        writer.root_object[NameObject("/Lang")] = TextStringObject(spec.lang)
    writer.root_object[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)}
    )
    writer.root_object[NameObject("/PageMode")] = NameObject("/UseOutlines")
    writer.pdf_header = "%PDF-1.7"
    writer.generate_file_identifiers()

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as handle:
            writer.write(handle)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BundleError(f"Die Mappe »{out.name}« konnte nicht geschrieben werden: {exc}", Location(file=out)) from exc
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        # pypdf reads lazily: a broken object of a source may only show up now
        tmp.unlink(missing_ok=True)
        names = ", ".join(f"»{Path(d.pdf).name}«" for d in spec.documents)
        raise BundleError(
            f"Die Mappe »{out.name}« konnte nicht geschrieben werden, eine der PDF-Dateien ist beschädigt "
            f"({names}): {exc}",
            Location(file=out),
        ) from exc

    entries = tuple(
        BundleEntry(doc.title, first, size) for doc, first, size in zip(spec.documents, first_pages, sizes)
    )
    return BundleResult(path=out, pages=total, entries=entries, pdfa_part=pdfa[0] if pdfa else None, tagged=tagged)


def _xmp_of(reader: PdfReader) -> bytes | None:
    metadata = reader.root_object.get("/Metadata")
    if metadata is None:
        return None
    try:
        return metadata.get_object().get_data()
    except Exception:  # noqa: BLE001
        return None
