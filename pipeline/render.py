"""Render the Word documents from the templates with docxtpl.

Public API:

* ``render(template, context, out, *, doc_title, doc_subject, doc_author)`` –
  one document; the template is checked against the context first (Jinja
  syntax, every variable and attribute it uses), and nothing is written
  unless rendering succeeded;
* ``render_all(data, templates_dir, out_dir)`` – every document of a
  workbook; all of them are rendered in memory before the first file is
  written, so a broken template leaves ``out_dir`` untouched;
* ``check_template(path, sample_context)`` / ``check_templates(data, dir)`` –
  German problem descriptions for ``python -m pipeline check``.

Rendering uses a Jinja environment with autoescape and strict undefined
variables. Values from the workbook are escaped, so ``&``, ``<`` or ``{{ }}``
appear literally. Long texts (`markup.RichText`) become real Word paragraphs
(style Normal), list items (List Bullet / List Bullet 2, i.e. the template's
bullet numbering) and bold runs. The participation table is built as real
WordprocessingML (merged header cells, shading, repeating header rows, a
landscape section when it is wide). Charts are drawn with matplotlib and
carry alternative text (``wp:docPr/@descr``).
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import io
import os
import re
import shutil
import tempfile
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm
from docxtpl import DocxTemplate
from jinja2 import nodes
from jinja2.exceptions import TemplateAssertionError, TemplateSyntaxError, UndefinedError

from . import context as ctxmod
from .context import BarChart, ParticipationTable, ProcessChart, Timeline
from .errors import TemplateError
from .fsutil import write_atomic
from .kinds import DOCUMENT_KINDS, DocumentKind, DocumentRef, document_kind, documents_for
from .german import MONATE_KURZ, buchstaben
from .markup import RichText
from .model import IKZData

__all__ = [
    "RenderedDocument",
    "check_template",
    "check_templates",
    "render",
    "render_all",
    "render_all_atomic",
    "render_bytes",
    "render_context",
    "document_bytes",
    "require_templates",
]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = nsdecls("w")

@dataclass(frozen=True)
class RenderedDocument:
    """One written .docx: its kind, the project (None for the annual report)
    and the path."""

    kind: str
    projekt: str | None
    path: Path

    @property
    def project(self) -> str | None:
        """Alias of `projekt` (the project ID)."""
        return self.projekt


# ---------------------------------------------------------------------------
# Jinja environment


class _Undefined(jinja2.StrictUndefined):
    """StrictUndefined whose message names the full path (``projekt.foo``)."""

    @property
    def _undefined_message(self) -> str:  # type: ignore[override]
        return f"unbekannte Variable »{_undefined_path(self)}«"


def _undefined_path(u: jinja2.Undefined) -> str:
    name = u._undefined_name
    obj = u._undefined_obj
    if obj is jinja2.utils.missing or obj is None:
        return str(name)
    base = getattr(obj, "_path", None)
    if base:
        return f"{base}.{name}"
    return str(name)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(autoescape=True, undefined=_Undefined)


class _Node(dict):
    """A context dict that knows its path, for error messages."""

    __slots__ = ("_path",)

    def __init__(self, items, path: str):
        super().__init__(items)
        self._path = path


# ---------------------------------------------------------------------------
# WordprocessingML snippets


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _run_xml(text: str, bold: bool = False, size: int | None = None) -> str:
    props = ""
    if bold or size:
        props = "<w:rPr>" + ("<w:b/><w:bCs/>" if bold else "")
        if size:
            props += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
        props += "</w:rPr>"
    return f'<w:r>{props}<w:t xml:space="preserve">{_esc(text)}</w:t></w:r>'


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


def rich_xml(rt: RichText, styles: set[str]) -> str:
    """Paragraphs for a RichText: normal paragraphs, bullets (List Bullet,
    List Bullet 2) and bold runs. An IndentedText is set under a list item
    (List Continue, bullets one level deeper)."""
    out = []
    indent = isinstance(rt, ctxmod.IndentedText)
    for block in rt.blocks:
        runs = "".join(_run_xml(r.text, r.bold) for r in block.runs)
        if indent and not block.bullet and "ListContinue" in styles:
            out.append(f'<w:p><w:pPr><w:pStyle w:val="ListContinue"/></w:pPr>{runs}</w:p>')
            continue
        if block.bullet:
            style = "ListBullet2" if (block.level or indent) else "ListBullet"
            if style not in styles:
                style = "ListBullet" if "ListBullet" in styles else ""
            if style:
                out.append(f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{runs}</w:p>')
            else:  # template without a list style: keep it a list visually
                out.append(f'<w:p><w:pPr><w:ind w:left="357" w:hanging="357"/></w:pPr>'
                           f'{_run_xml("–	")}{runs}</w:p>')
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


# ---------------------------------------------------------------------------
# charts (matplotlib)

_CHART_COLOR = "#1F3A5F"
_CHART_LIGHT = "#7FA0C4"


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    family = "Liberation Sans" if "Liberation Sans" in names else "DejaVu Sans"
    plt.rcParams.update({
        "font.family": family,
        "font.size": 9,
        "axes.edgecolor": "#595959",
        "axes.labelcolor": "#262626",
        "xtick.color": "#404040",
        "ytick.color": "#404040",
        "svg.hashsalt": "ikz",
    })
    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=200, metadata={"Software": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buf.getvalue()


def _finish_axes(fig, ax) -> bytes:
    """The house style of value axes: no top/right frame, light vertical grid; return PNG bytes."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#D9D9D9", linewidth=0.6)
    ax.set_axisbelow(True)
    fig.tight_layout()
    return _png(fig)


def draw_bar_chart(chart: BarChart) -> bytes:
    plt = _plt()
    n = len(chart.values)
    labels = ["\n".join(textwrap.wrap(label, 42)) or label for label in chart.labels]
    height = 0.9 + 0.42 * n + 0.1 * sum(label.count("\n") for label in labels)
    fig, ax = plt.subplots(figsize=(6.3, height))
    ys = list(range(n))[::-1]
    colors = [_CHART_LIGHT if " – " in label else _CHART_COLOR for label in chart.labels]
    ax.barh(ys, chart.values, color=colors, height=0.62)
    ax.set_yticks(ys)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlim(0, max(chart.maximum, max(chart.values, default=0)) + 1)
    ax.set_xlabel(chart.xlabel, fontsize=8)
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    for y, v in zip(ys, chart.values):
        ax.text(v + 0.15, y, str(v), va="center", fontsize=8, color="#262626")
    return _finish_axes(fig, ax)


def draw_timeline(chart: Timeline) -> bytes:
    plt = _plt()
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    steps = chart.steps
    n = len(steps)
    fig, ax = plt.subplots(figsize=(6.3, 0.8 + 0.32 * n))
    ys = list(range(n))[::-1]
    for y, s in zip(ys, steps):
        start = mdates.date2num(s.start)
        end = mdates.date2num(s.ende)
        color = _CHART_COLOR if s.erledigt else _CHART_LIGHT
        if s.phase or end - start < 1:
            ax.plot([end], [y], marker="D", markersize=7, color=color, zorder=3)
        else:
            ax.barh(y, end - start, left=start, height=0.5, color=color)
    ax.set_yticks(ys)
    ax.set_yticklabels([f"{s.nummer}  {s.label}" for s in steps], fontsize=7.5)
    if chart.heute is not None:
        x = mdates.date2num(chart.heute)
        lo = min(mdates.date2num(s.start) for s in steps)
        hi = max(mdates.date2num(s.ende) for s in steps)
        if lo <= x <= hi:
            ax.axvline(x, color="#C00000", linestyle="--", linewidth=0.8)
            ax.text(x, n - 0.4, " Stand", color="#C00000", fontsize=7, va="bottom")
    ax.xaxis_date()
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(FuncFormatter(
        lambda x, _: f"{MONATE_KURZ[mdates.num2date(x).month - 1]} {mdates.num2date(x).year}"))
    ax.tick_params(axis="x", labelsize=7.5)
    return _finish_axes(fig, ax)


def draw_process(chart: ProcessChart) -> bytes:
    plt = _plt()
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    n = len(chart.stufen)
    fig, ax = plt.subplots(figsize=(6.3, 1.9))
    ax.set_xlim(0, n)
    ax.set_ylim(0, 1)
    ax.axis("off")
    for i, (nummer, text, milestone) in enumerate(chart.stufen):
        x0 = i + 0.06
        w = 0.88
        face = _CHART_COLOR if milestone else "#E4EBF3"
        fg = "white" if milestone else "#1F3A5F"
        ax.add_patch(FancyBboxPatch((x0, 0.14), w, 0.72, boxstyle="round,pad=0.0,rounding_size=0.06",
                                    facecolor=face, edgecolor=_CHART_COLOR, linewidth=0.8))
        ax.text(i + 0.5, 0.7, nummer, ha="center", va="center", color=fg, fontsize=11, fontweight="bold")
        ax.text(i + 0.5, 0.4, text, ha="center", va="center", color=fg, fontsize=7.5, linespacing=1.3)
        if i < n - 1:
            ax.add_patch(FancyArrowPatch((x0 + w, 0.5), (x0 + 1.0 + 0.0, 0.5), arrowstyle="-|>",
                                         mutation_scale=8, color="#595959", linewidth=0.8))
    fig.tight_layout(pad=0.2)
    return _png(fig)


# ---------------------------------------------------------------------------
# the participation table as WordprocessingML

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


def _matrix_p(text: str, *, bold: bool = False, size: int | None = None, align: str = "center",
              hyphenate: bool = False) -> str:
    if hyphenate:
        text = ctxmod.hyphenate(text)
    pieces = text.split("\u00ad")
    runs = []
    for i, piece in enumerate(pieces):
        if i:
            runs.append("<w:r><w:softHyphen/></w:r>")
        if piece:
            runs.append(_run_xml(piece, bold, size))
    return (f'<w:p><w:pPr><w:pStyle w:val="IKZMatrix"/><w:jc w:val="{align}"/></w:pPr>'
            f"{''.join(runs)}</w:p>")


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


def table_xml(tpl: DocxTemplate, table: ParticipationTable) -> str:
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
               f"{_run_xml(table.titel, True, 22)}</w:p>")
    out.append(f'<w:p><w:pPr><w:keepNext/><w:spacing w:after="0"/><w:jc w:val="center"/></w:pPr>'
               f"{_run_xml(table.untertitel, True, 22)}</w:p>")
    out.append(f'<w:p><w:pPr><w:keepNext/><w:spacing w:after="120"/><w:jc w:val="center"/></w:pPr>'
               f"{_run_xml(table.stand, False, 18)}</w:p>")

    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in [first] + [leaf_w] * n)
    caption = _esc(table.untertitel)
    descr = _esc(table.alt)
    rows = []
    # header row 1
    cells = [_cell(first, _matrix_p("Kommune", bold=True, size=head_size, align="left"), fill=_FILL_HEADER,
                   vmerge="restart" if two_rows else None, valign="bottom")]
    for g in table.groups:
        span = len(g.columns)
        if two_rows and span == 1:
            cells.append(_cell(leaf_w, _matrix_p(g.titel, bold=True, size=head_size, hyphenate=True),
                               fill=_FILL_HEADER, vmerge="restart", valign="bottom"))
        elif table.abbreviated:
            for c in g.columns:
                cells.append(_cell(leaf_w, _matrix_p(c.label, bold=True, size=head_size), fill=_FILL_HEADER,
                                   valign="bottom"))
        else:
            cells.append(_cell(leaf_w * span, _matrix_p(g.titel, bold=True, size=head_size, hyphenate=True),
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
                    cells.append(_cell(leaf_w, _matrix_p(c.label, size=head_size - 1, hyphenate=True),
                                       fill=fill, valign="bottom"))
        rows.append(f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{''.join(cells)}</w:tr>")
    # data rows
    for r in table.rows:
        cells = [_cell(first, _matrix_p(r.kommune, align="left"))]
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
            cells.append(_cell(leaf_w, _matrix_p(cell.text), fill=fill))
        rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>")
    # SUMME
    cells = [_cell(first, _matrix_p("SUMME", bold=True, align="left"), fill=_FILL_SUMME)]
    for s in table.sums:
        cells.append(_cell(leaf_w, _matrix_p(str(s), bold=True), fill=_FILL_SUMME))
    rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>")

    out.append(
        f'<w:tbl><w:tblPr><w:tblStyle w:val="IKZTabelle"/><w:tblW w:w="{total}" w:type="dxa"/>'
        '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="1"/>'
        f'<w:tblCaption w:val="{caption}"/><w:tblDescription w:val="{descr}"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )
    # key of abbreviated headers
    if table.key:
        out.append(f'<w:p><w:pPr><w:pStyle w:val="IKZHinweis"/><w:keepNext/><w:spacing w:before="120"/>'
                   f"</w:pPr>{_run_xml('Spalten:', True)}</w:p>")
        for label, titel in table.key:
            out.append(f'<w:p><w:pPr><w:pStyle w:val="IKZHinweis"/></w:pPr>'
                       f"{_run_xml(label + ' = ', True)}{_run_xml(titel)}</w:p>")
    # legend
    fills = {"vertreten": _FILL_VERTRETEN, "beteiligt": _FILL_BETEILIGT, "keine": None,
             "folgeprojekt": _FILL_FOLGE, "unzustaendig": _FILL_UNZUSTAENDIG}
    legend_rows = []
    for kind, sample, text in table.legend:
        sample_cell = (
            '<w:tc><w:tcPr><w:tcW w:w="700" w:type="dxa"/><w:tcBorders>'
            + "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="8C8C8C"/>'
                      for s in ("top", "left", "bottom", "right"))
            + "</w:tcBorders>"
            + (f'<w:shd w:val="clear" w:color="auto" w:fill="{fills[kind]}"/>' if fills.get(kind) else "")
            + f'<w:vAlign w:val="center"/></w:tcPr>{_matrix_p(sample)}</w:tc>'
        )
        text_cell = (f'<w:tc><w:tcPr><w:tcW w:w="{min(total, 9000) - 700}" w:type="dxa"/>'
                     f'<w:vAlign w:val="center"/></w:tcPr>'
                     f'<w:p><w:pPr><w:pStyle w:val="IKZHinweis"/><w:spacing w:after="0"/></w:pPr>'
                     f"{_run_xml(text)}</w:p></w:tc>")
        legend_rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{sample_cell}{text_cell}</w:tr>")
    out.append('<w:p><w:pPr><w:keepNext/><w:spacing w:before="160" w:after="60"/></w:pPr>'
               f"{_run_xml('Legende', True, 17)}</w:p>")
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


# ---------------------------------------------------------------------------
# materializing the context for one template


def _materialize(value, tpl: DocxTemplate, styles: set[str], path: str, images: list[int]):
    if isinstance(value, RichText):
        return WordXml(rich_xml(value, styles)) if value else ""
    if isinstance(value, ParticipationTable):
        return WordXml(table_xml(tpl, value)) if value else ""
    if isinstance(value, BarChart):
        if not value:
            return ""
        images[0] += 1
        return Picture(tpl, lambda v=value: draw_bar_chart(v), 16.0, value.alt, f"Diagramm {images[0]}")
    if isinstance(value, Timeline):
        if not value:
            return ""
        images[0] += 1
        return Picture(tpl, lambda v=value: draw_timeline(v), 16.0, value.alt, f"Zeitplan {images[0]}")
    if isinstance(value, ProcessChart):
        if not value:
            return ""
        images[0] += 1
        return Picture(tpl, lambda v=value: draw_process(v), 16.0, value.alt, f"Ablauf {images[0]}")
    if isinstance(value, Mapping):
        return _Node({k: _materialize(v, tpl, styles, f"{path}.{k}" if path else str(k), images)
                      for k, v in value.items()}, path)
    if isinstance(value, (list, tuple)):
        return [_materialize(v, tpl, styles, f"{path}[]", images) for v in value]
    if value is None:
        return ""
    return value


def _template_styles(tpl: DocxTemplate) -> set[str]:
    root = tpl.docx.styles.element
    return {el.get(qn("w:styleId")) for el in root.findall(qn("w:style"))}


# ---------------------------------------------------------------------------
# template sources, syntax check, variable check


def _sources(tpl: DocxTemplate) -> list[tuple[str, str]]:
    """(where, Jinja source) of the body, headers and footers; one paragraph
    per line, so line numbers point to paragraphs."""
    tpl.init_docx()
    result = [("Text", tpl.patch_xml(tpl.get_xml()))]
    for uri, label in ((tpl.HEADER_URI, "Kopfzeile"), (tpl.FOOTER_URI, "Fußzeile")):
        for _, part in tpl.get_headers_footers(uri):
            result.append((label, tpl.patch_xml(tpl.get_part_xml(part))))
    return [(where, re.sub(r"<w:p([ >])", r"\n<w:p\1", src)) for where, src in result]


def _line_text(source: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    lines = source.splitlines()
    if not 0 < lineno <= len(lines):
        return ""
    text = re.sub(r"<[^>]+>", "", lines[lineno - 1])
    text = html.unescape(text).strip()
    if len(text) > 90:
        tag = min((i for i in (text.find("{{"), text.find("{%")) if i >= 0), default=0)
        start = max(0, tag - 40)
        text = ("…" if start else "") + text[start:start + 90] + ("…" if start + 90 < len(text) else "")
    return text


_SYNTAX_DE = (
    (re.compile(r"Encountered unknown tag '(end(\w+))'"), "»{0}« ohne passendes »{1}« davor"),
    (re.compile(r"Encountered unknown tag '(\w+)'"), "unbekannter Befehl »{0}«"),
    (re.compile(r"Unexpected end of template"), "die Vorlage endet, bevor alle Blöcke geschlossen sind "
                                                "(fehlt ein {{% endif %}} oder {{% endfor %}}?)"),
    (re.compile(r"unexpected end of template"), "die Vorlage endet mitten in einem Ausdruck"),
    (re.compile(r"unexpected '(.+?)'"), "unerwartetes Zeichen »{0}«"),
    (re.compile(r"expected token '(.+?)', got '(.+?)'"), "erwartet »{0}«, gefunden »{1}«"),
    (re.compile(r"No filter named '(.+?)'"), "unbekannter Filter »{0}«"),
    (re.compile(r"No test named '(.+?)'"), "unbekannter Test »{0}«"),
    (re.compile(r"unexpected char '(.+?)'"), "unerwartetes Zeichen »{0}«"),
    (re.compile(r"expected name or number"), "nach dem Punkt fehlt ein Name"),
)
_BLOCK_TAG = re.compile(r"{%-?\s*(\w+)")
_BLOCKS = {"if", "for", "with", "macro", "call", "filter", "block", "set"}


def _unclosed_block_line(source: str) -> int | None:
    """Line of the innermost block tag that is never closed (for the message
    "Vorlage endet, bevor alle Blöcke geschlossen sind")."""
    stack: list[tuple[str, int]] = []
    for lineno, line in enumerate(source.splitlines(), start=1):
        for m in _BLOCK_TAG.finditer(line):
            tag = m.group(1)
            if tag in _BLOCKS:
                if tag == "set" and "=" in line[m.end(): line.find("%}", m.end())]:
                    continue  # {% set x = … %} has no end tag
                stack.append((tag, lineno))
            elif tag.startswith("end") and stack and stack[-1][0] == tag[3:]:
                stack.pop()
    return stack[-1][1] if stack else None



def _syntax_message(exc: Exception) -> str:
    msg = getattr(exc, "message", None) or str(exc)
    for pattern, german in _SYNTAX_DE:
        m = pattern.search(msg)
        if m:
            return german.format(*m.groups())
    return msg


class _Unknown:
    """A value the static check cannot follow (loop over an empty list, …)."""


_UNKNOWN = _Unknown()
_GLOBALS = {"range", "dict", "lipsum", "cycler", "joiner", "namespace", "loop", "true", "false", "none",
            "True", "False", "None"}


class _VariableCheck:
    """Walk the Jinja AST and resolve every variable and attribute against
    the (materialized or raw) sample context."""

    def __init__(self, context: Mapping, source: str):
        self.context = context
        self.source = source
        self.problems: list[tuple[str, int | None]] = []
        self._seen: set[str] = set()

    def report(self, path: str, node: nodes.Node) -> None:
        if path not in self._seen:
            self._seen.add(path)
            self.problems.append((path, getattr(node, "lineno", None)))

    def resolve(self, node: nodes.Node, scope: dict):
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name], node.name
            if node.name in self.context:
                return self.context[node.name], node.name
            if node.name in _GLOBALS:
                return _UNKNOWN, node.name
            self.report(node.name, node)
            return _UNKNOWN, node.name
        if isinstance(node, (nodes.Getattr, nodes.Getitem)):
            if isinstance(node, nodes.Getattr):
                attr = node.attr
            elif isinstance(node.arg, nodes.Const):
                attr = node.arg.value
            else:
                self.visit(node.arg, scope)
                base, path = self.resolve(node.node, scope)
                return _UNKNOWN, f"{path}[]"
            base, path = self.resolve(node.node, scope)
            full = f"{path}.{attr}"
            if base is _UNKNOWN:
                return _UNKNOWN, full
            if isinstance(base, Mapping):
                if attr in base:
                    return base[attr], full
                self.report(full, node)
                return _UNKNOWN, full
            if isinstance(attr, str) and hasattr(base, attr):
                return getattr(base, attr), full
            if isinstance(attr, int) and isinstance(base, (list, tuple)):
                return (base[attr] if -len(base) <= attr < len(base) else _UNKNOWN), full
            self.report(full, node)
            return _UNKNOWN, full
        self.visit(node, scope)
        return _UNKNOWN, "?"

    def _bind(self, target: nodes.Node, value, scope: dict) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = value
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self._bind(item, _UNKNOWN, scope)

    def visit(self, node: nodes.Node, scope: dict) -> None:
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            if isinstance(node, nodes.Name) and node.ctx == "store":
                return
            self.resolve(node, scope)
            return
        if isinstance(node, nodes.Test) and node.name in ("defined", "undefined"):
            return  # {% if x is defined %} guards an optional value on purpose
        if isinstance(node, nodes.For):
            iterable, _ = self.resolve(node.iter, scope)
            inner = dict(scope)
            if isinstance(iterable, (list, tuple)) and iterable:
                element = iterable[0]
            else:
                element = _UNKNOWN
            self._bind(node.target, element, inner)
            inner["loop"] = _UNKNOWN
            if node.test is not None:
                self.visit(node.test, inner)
            for child in node.body:
                self.visit(child, inner)
            for child in node.else_:
                self.visit(child, scope)
            return
        if isinstance(node, nodes.Assign):
            self.visit(node.node, scope)
            self._bind(node.target, _UNKNOWN, scope)
            return
        if isinstance(node, (nodes.Macro, nodes.CallBlock)):
            inner = dict(scope)
            for arg in getattr(node, "args", []):
                self._bind(arg, _UNKNOWN, inner)
            inner["caller"] = _UNKNOWN
            inner["varargs"] = _UNKNOWN
            inner["kwargs"] = _UNKNOWN
            if isinstance(node, nodes.Macro):
                scope[node.name] = _UNKNOWN
            for child in node.body:
                self.visit(child, inner)
            if isinstance(node, nodes.CallBlock):
                self.visit(node.call, scope)
            return
        if isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values):
                self.visit(value, scope)
                self._bind(target, _UNKNOWN, inner)
            for child in node.body:
                self.visit(child, inner)
            return
        for child in node.iter_child_nodes():
            self.visit(child, scope)


def _check_sources(name: str, tpl: DocxTemplate, context: Mapping, env: jinja2.Environment) -> list[str]:
    problems: list[str] = []
    for where, source in _sources(tpl):
        loc = "" if where == "Text" else f" ({where})"
        try:
            ast = env.parse(source)
        except TemplateSyntaxError as exc:
            lineno = exc.lineno
            if "end of template" in (exc.message or ""):
                lineno = _unclosed_block_line(source) or lineno
            snippet = _line_text(source, lineno)
            problems.append(
                f"Vorlage »{name}«{loc}: Fehler in einem Platzhalter: {_syntax_message(exc)}"
                + (f" – bei »{snippet}«" if snippet else "")
                + ". Bitte die Klammern {{ }} bzw. {% %} und die Schreibweise prüfen."
            )
            continue
        try:
            env.from_string(source)
        except (TemplateAssertionError, TemplateSyntaxError) as exc:
            snippet = _line_text(source, getattr(exc, "lineno", None))
            problems.append(
                f"Vorlage »{name}«{loc}: {_syntax_message(exc)}" + (f" – bei »{snippet}«" if snippet else "") + "."
            )
            continue
        check = _VariableCheck(context, source)
        for child in ast.body:
            check.visit(child, {})
        for path, lineno in check.problems:
            snippet = _line_text(source, lineno)
            problems.append(
                f"Vorlage »{name}«{loc}: unbekannte Variable »{path}«"
                + (f" – bei »{snippet}«" if snippet else "")
                + ". Diese Angabe gibt es in den Daten nicht; bitte den Platzhalter korrigieren oder entfernen."
            )
    return problems


# ---------------------------------------------------------------------------
# post-processing of the rendered document


def _heading_level(p) -> int | None:
    pPr = p.find(qn("w:pPr"))
    if pPr is None:
        return None
    ps = pPr.find(qn("w:pStyle"))
    if ps is None:
        return None
    m = re.fullmatch(r"Heading([1-3])", ps.get(qn("w:val"), ""))
    return int(m.group(1)) if m else None


def _numbered_levels(doc) -> set[int]:
    levels = set()
    styles = doc.styles.element
    for lvl in (1, 2, 3):
        el = styles.get_by_id(f"Heading{lvl}")
        if el is not None and el.find(f"{{{W_NS}}}pPr/{{{W_NS}}}numPr") is not None:
            levels.add(lvl)
    return levels


def fill_toc(doc) -> int:
    """Fill the cached result of the TOC field with the real headings (with
    bookmarks, hyperlinks and PAGEREF fields for the page numbers). Returns
    the number of entries. Word updates the page numbers on opening
    (w:updateFields), the PDF stage updates the index in LibreOffice."""
    body = doc.element.body
    instr = None
    for el in body.iter(qn("w:instrText")):
        if re.match(r"\s*TOC\b", el.text or ""):
            instr = el
            break
    if instr is None:
        return 0
    begin_p = instr.getparent().getparent()
    if begin_p.tag != qn("w:p") or begin_p.getparent() is not body:
        return 0
    # the paragraph holding the matching end fldChar
    paragraphs = list(body.iterchildren(qn("w:p")))
    depth = 0
    end_p = None
    started = False
    for p in paragraphs[paragraphs.index(begin_p):]:
        for fc in p.iter(qn("w:fldChar")):
            kind = fc.get(qn("w:fldCharType"))
            if kind == "begin":
                depth += 1
                started = True
            elif kind == "end":
                depth -= 1
        if started and depth == 0:
            end_p = p
            break
    if end_p is None:
        return 0

    numbered = _numbered_levels(doc)
    counters = [0, 0, 0]
    entries = []
    existing = [int(b.get(qn("w:id"))) for b in body.iter(qn("w:bookmarkStart")) if (b.get(qn("w:id")) or "").isdigit()]
    next_id = max(existing, default=0) + 1
    for p in body.iterchildren(qn("w:p")):
        level = _heading_level(p)
        if level is None:
            continue
        text = "".join(t.text or "" for t in p.iter(qn("w:t"))).strip()
        if not text:
            continue
        counters[level - 1] += 1
        for i in range(level, 3):
            counters[i] = 0
        if level in numbered:
            number = {1: f"{counters[0]}.", 2: f"{counters[0]}.{counters[1]}",
                      3: f"{buchstaben(counters[2])})"}[level]
        else:
            number = ""
        name = f"_Toc{next_id:09d}"
        pPr = p.find(qn("w:pPr"))
        start = parse_xml(f'<w:bookmarkStart {W} w:id="{next_id}" w:name="{name}"/>')
        if pPr is not None:
            pPr.addnext(start)
        else:
            p.insert(0, start)
        p.append(parse_xml(f'<w:bookmarkEnd {W} w:id="{next_id}"/>'))
        next_id += 1
        entries.append((level, f"{number} {text}".strip(), name))
    if not entries:
        return 0

    instr_text = _esc(instr.text or ' TOC \\o "1-3" \\h \\z \\u ')
    new = []
    for i, (level, text, name) in enumerate(entries):
        begin = ""
        if i == 0:
            begin = ('<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
                     f'<w:r><w:instrText xml:space="preserve">{instr_text}</w:instrText></w:r>'
                     '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
        end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if i == len(entries) - 1 else ""
        new.append(parse_xml(
            f'<w:p {W}><w:pPr><w:pStyle w:val="TOC{level}"/></w:pPr>{begin}'
            f'<w:hyperlink w:anchor="{name}" w:history="1">{_run_xml(text)}<w:r><w:tab/></w:r>'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> PAGEREF {name} \\h </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t></w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            f"</w:hyperlink>{end}</w:p>"
        ))
    idx = paragraphs.index(begin_p)
    old = paragraphs[idx: paragraphs.index(end_p) + 1]
    anchor = old[0]
    for p in new:
        anchor.addprevious(p)
    for p in old:
        body.remove(p)
    return len(entries)


def _timestamp() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)


def _set_properties(doc, title: str, subject: str, author: str, keywords: str) -> None:
    cp = doc.core_properties
    cp.title = title
    cp.subject = subject
    cp.author = author
    cp.last_modified_by = author
    cp.language = "de-DE"
    cp.keywords = keywords
    cp.comments = ""
    cp.category = ""
    cp.revision = 1
    now = _timestamp()
    cp.created = now
    cp.modified = now


def _check_xml_chars(text: str) -> str:
    return ctxmod.clean(text)


# ---------------------------------------------------------------------------
# rendering


def _load(template: Path) -> DocxTemplate:
    template = Path(template)
    if not template.is_file():
        raise TemplateError(f"Die Vorlage »{template.name}« fehlt (erwartet: {template}).")
    try:
        tpl = DocxTemplate(str(template))
        tpl.init_docx()
    except Exception as exc:  # not a zip, not a docx, …
        raise TemplateError(f"Die Vorlage »{template.name}« ist kein lesbares Word-Dokument (.docx): {exc}") from exc
    return tpl


def render_bytes(template: Path, context: Mapping, *, doc_title: str, doc_subject: str, doc_author: str,
                 keywords: str = "") -> bytes:
    """Render `template` with `context` into .docx bytes (nothing is written).

    Raises TemplateError naming the template and the problem (syntax error,
    unknown variable) before rendering anything.
    """
    template = Path(template)
    tpl = _load(template)
    env = _environment()
    problems = _check_sources(template.name, tpl, context, env)
    if problems:
        raise TemplateError(" ".join(problems) if len(problems) == 1 else
                            f"{len(problems)} Probleme in der Vorlage »{template.name}«: " + " | ".join(problems))
    styles = _template_styles(tpl)
    materialized = _materialize(context, tpl, styles, "", [0])
    try:
        tpl.render(materialized, env, autoescape=True)
    except UndefinedError as exc:
        raise TemplateError(f"Vorlage »{template.name}«: {exc}") from exc
    except TemplateSyntaxError as exc:
        snippet = " ".join(getattr(exc, "docx_context", []) or [])
        raise TemplateError(f"Vorlage »{template.name}«: Fehler in einem Platzhalter: {_syntax_message(exc)}"
                            + (f" – bei »{snippet.strip()[:90]}«" if snippet.strip() else "")) from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"Vorlage »{template.name}«: {exc}") from exc
    except Exception as exc:  # lxml errors on broken structure, …
        raise TemplateError(f"Vorlage »{template.name}« konnte nicht verarbeitet werden: {exc}") from exc
    doc = tpl.docx
    fill_toc(doc)
    _set_properties(doc, _check_xml_chars(doc_title), _check_xml_chars(doc_subject), _check_xml_chars(doc_author),
                    _check_xml_chars(keywords))
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def render(template: Path, context: Mapping, out: Path, *, doc_title: str, doc_subject: str,
           doc_author: str) -> Path:
    """Render one document and write it to `out` (atomically). The template
    is checked first; on any problem a TemplateError is raised and `out` is
    not touched."""
    data = render_bytes(template, context, doc_title=doc_title, doc_subject=doc_subject, doc_author=doc_author,
                        keywords=f"IKZ; {context.get('dokument', {}).get('art', '')}".strip("; "))
    out = Path(out)
    write_atomic(out, data)
    return out


def _doc_properties(ctx: Mapping) -> tuple[str, str, str]:
    d = ctx.get("dokument", {})
    return d.get("titel", ""), d.get("betreff", ""), d.get("autor", "")


def render_context(template: Path, context: Mapping, kind: DocumentKind) -> bytes:
    """One document of `kind` as .docx bytes, from a context built by the kind's builder."""
    title, subject, author = _doc_properties(context)
    return render_bytes(template, context, doc_title=title, doc_subject=subject, doc_author=author,
                        keywords=f"IKZ; {kind.title}")


def document_bytes(data: IKZData, ref: DocumentRef, templates_dir: Path) -> bytes:
    """One document of the workbook as .docx bytes (context, checks, render)."""
    kind = document_kind(ref.kind)
    project = data.projekt(ref.project) if ref.project else None
    return render_context(Path(templates_dir) / kind.template, kind.build(data, project), kind)


def _render_in_memory(data: IKZData, templates_dir: Path, out_dir: Path) -> list[tuple[RenderedDocument, bytes]]:
    templates_dir = Path(templates_dir)
    refs = documents_for(data)
    for name in dict.fromkeys(ref.kind for ref in refs):
        path = templates_dir / document_kind(name).template
        if not path.is_file():
            raise TemplateError(f"Die Vorlage »{path.name}« fehlt (erwartet: {path}).")
    rendered: list[tuple[RenderedDocument, bytes]] = []
    for ref in refs:
        kind = document_kind(ref.kind)
        stem = kind.stem(data, data.projekt(ref.project) if ref.project else None)
        path = Path(out_dir) / kind.name / f"{stem}.docx"
        rendered.append((RenderedDocument(ref.kind, ref.project, path), document_bytes(data, ref, templates_dir)))
    return rendered


def render_all(data: IKZData, templates_dir: Path, out_dir: Path) -> list[RenderedDocument]:
    """Render every document of the workbook into `out_dir`/<kind>/<file>.docx.

    All documents are rendered in memory first; only when every one
    succeeded are the files written. A TemplateError (missing template,
    syntax error, unknown variable) therefore leaves `out_dir` untouched.
    """
    rendered = _render_in_memory(data, templates_dir, out_dir)
    for doc, blob in rendered:
        write_atomic(doc.path, blob)
    return [doc for doc, _ in rendered]


def render_all_atomic(data: IKZData, templates_dir: Path, out_dir: Path) -> list[RenderedDocument]:
    """Like `render_all`, but `out_dir` is replaced as a whole: the documents
    are written into a sibling staging folder that takes the place of
    `out_dir` only when everything was written. Old files of documents that
    no longer exist disappear; on an error `out_dir` stays as it was."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.neu-", dir=out_dir.parent))
    try:
        rendered = _render_in_memory(data, templates_dir, staging)
        for doc, blob in rendered:
            write_atomic(doc.path, blob)
        old = None
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.alt-", dir=out_dir.parent))
            old.rmdir()
            os.replace(out_dir, old)
        os.replace(staging, out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [RenderedDocument(d.kind, d.projekt, out_dir / d.path.relative_to(staging)) for d, _ in rendered]


def require_templates(data: IKZData, templates_dir: Path) -> None:
    """Raise one TemplateError listing every problem of the templates (missing
    file, Jinja syntax, unknown variables) – before anything is rendered."""
    problems = check_templates(data, templates_dir)
    if problems:
        raise TemplateError(
            problems[0] if len(problems) == 1
            else f"{len(problems)} Probleme in den Word-Vorlagen:\n" + "\n".join(f"- {p}" for p in problems)
        )


# ---------------------------------------------------------------------------
# checks for ``python -m pipeline check``


def check_template(path: Path, sample_context: Mapping) -> list[str]:
    """German descriptions of everything wrong with one template: Jinja syntax
    errors and unknown variables (with the template's name and the text
    around the problem), and errors of a trial rendering in memory."""
    path = Path(path)
    try:
        tpl = _load(path)
    except TemplateError as exc:
        return [str(exc)]
    env = _environment()
    problems = _check_sources(path.name, tpl, sample_context, env)
    if problems:
        return problems
    try:
        render_bytes(path, sample_context, doc_title="Probe", doc_subject="Probe", doc_author="Probe")
    except TemplateError as exc:
        return [str(exc)]
    return []


def check_templates(data: IKZData, templates_dir: Path) -> list[str]:
    """Check all four templates against contexts built from `data`."""
    problems: list[str] = []
    for kind in DOCUMENT_KINDS:
        path = Path(templates_dir) / kind.template
        if not path.is_file():
            problems.append(f"Die Vorlage »{path.name}« fehlt (erwartet: {path}).")
            continue
        project = kind.sample_project(data)
        if kind.name != "jahresbericht" and project is None:
            continue
        problems.extend(check_template(path, kind.build(data, project)))
    return problems
