"""Cover, linked index and page stamps of a bundle, drawn with ReportLab (embedded TrueType fonts,
marked content for the structure tree)."""

from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ..errors import BundleError
from ..german import datum_lang
from .spec import BundleSpec

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
_STAMP_TOP = 5 * mm  # the box's top edge below the page's top edge (above the documents' headers)
_STAMP_PAD = 1.6 * mm
_STAMP_FILL = (0.93, 0.93, 0.93)

_BLACK = (0, 0, 0)
_DARK = (0.2, 0.2, 0.2)
_GREY = (0.4, 0.4, 0.4)
_RULE = (0.6, 0.6, 0.6)
_LIGHT_RULE = (0.8, 0.8, 0.8)


# ---------------------------------------------------------------------------
# fonts


def register_fonts() -> None:
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


class Front:
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


def _draw_cover(front: Front, spec: BundleSpec, total_pages: int, day: dt.date) -> None:
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


def _draw_index(front: Front, spec: BundleSpec, rows: list[_Row], pages: list[list[int]],
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
        front.text(_RIGHT, y, "Mappe · Seite", _FONT_BOLD, 9, _GREY, align="right")
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


def render_front(spec: BundleSpec, sizes: list[int], day: dt.date) -> tuple[bytes, Front, list[int], int]:
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
    front = Front()
    _draw_cover(front, spec, total, day)
    _draw_index(front, spec, rows, pages, first_pages)
    front.canvas.showPage()
    front.canvas.save()
    return front.buffer.getvalue(), front, first_pages, total


def stamp_text(number: int, total: int) -> str:
    """The bundle's page number as printed on every page: »Mappe · Seite 22 von 69«."""
    return f"Mappe · Seite {number} von {total}"


def render_stamps(sizes: list[tuple[float, float]]) -> bytes:
    """One page per bundle page (visual size w×h) with the bundle's page number as artifact.

    The number sits in a grey box at the top right, labelled »Mappe«, so it cannot be
    mistaken for a document's own »Seite 1 von 5« in its footer: one number to go by
    (the index and the cover count the same pages), the document's own stays its own.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, initialFontName=_FONT, pageCompression=1)
    total = len(sizes)
    for number, (width, height) in enumerate(sizes, start=1):
        canvas.setPageSize((width, height))
        text = stamp_text(number, total)
        box_w = stringWidth(text, _FONT_BOLD, _STAMP_SIZE) + 2 * _STAMP_PAD
        box_h = _STAMP_SIZE + 2 * _STAMP_PAD
        right, top = width - _STAMP_RIGHT_MARGIN, height - _STAMP_TOP
        canvas.addLiteral("/Artifact <</Type /Pagination /Subtype /Header>> BDC")
        canvas.setFillColorRGB(*_STAMP_FILL)
        canvas.setStrokeColorRGB(*_RULE)
        canvas.setLineWidth(0.5)
        canvas.roundRect(right - box_w, top - box_h, box_w, box_h, 1.2 * mm, stroke=1, fill=1)
        canvas.setFont(_FONT_BOLD, _STAMP_SIZE)
        canvas.setFillColorRGB(*_BLACK)
        canvas.drawRightString(right - _STAMP_PAD, top - box_h + _STAMP_PAD + 1.5, text)
        canvas.addLiteral("EMC")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
