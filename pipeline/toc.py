"""The table of contents of a rendered document: entries, bookmarks and PAGEREF fields.

Headings and TOC entries are found and written by style display name
(»heading 1«, »toc 1«), so a template saved by another office suite works.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence

from docx.oxml.ns import qn

from .german import buchstaben
from .wordml import PRESERVE, W_NS, StyleMap, W, attrs, heading_style, run, toc_style

__all__ = ["fill_toc", "set_page_numbers"]

def _heading_level(p, levels: dict[str, int]) -> int | None:
    """1–3 for a paragraph in one of the heading styles (style ID → level), else None."""
    pPr = p.find(qn("w:pPr"))
    if pPr is None:
        return None
    ps = pPr.find(qn("w:pStyle"))
    if ps is None:
        return None
    return levels.get(ps.get(qn("w:val"), ""))


def _numbered_levels(doc, levels: dict[str, int]) -> set[int]:
    """Heading levels whose style carries numbering (1., 1.1, a))."""
    numbered = set()
    styles = doc.styles.element
    for style_id, lvl in levels.items():
        el = styles.get_by_id(style_id)
        if el is not None and el.find(f"{{{W_NS}}}pPr/{{{W_NS}}}numPr") is not None:
            numbered.add(lvl)
    return numbered


def _field(instruction: str, *result) -> list:
    """The runs of a complex field: begin, instruction, separate, `result` (runs), end."""
    return [W.r(W.fldChar(attrs(fldCharType="begin"))),
            W.r(W.instrText(instruction, PRESERVE)),
            W.r(W.fldChar(attrs(fldCharType="separate"))),
            *result,
            W.r(W.fldChar(attrs(fldCharType="end")))]


def _entry(styles: StyleMap, level: int, text: str, bookmark: str, *, first: bool, last: bool, instr_text: str):
    """One paragraph of the table of contents: a link to the heading's `bookmark` with its text, a tab
    and a PAGEREF field for its page. The first entry begins the TOC field (marked for updating),
    the last ends it."""
    begin = []
    if first:
        begin = [W.r(W.fldChar(attrs(fldCharType="begin", dirty="true"))),
                 W.r(W.instrText(instr_text, PRESERVE)),
                 W.r(W.fldChar(attrs(fldCharType="separate")))]
    return W.p(
        W.pPr(styles.pstyle(toc_style(level))),
        *begin,
        W.hyperlink(attrs(anchor=bookmark, history=1),
                    run(text),
                    W.r(W.tab()),
                    *_field(f" PAGEREF {bookmark} \\h ", W.r(W.t()))),
        W.r(W.fldChar(attrs(fldCharType="end"))) if last else None,
    )


def fill_toc(doc) -> int:
    """Fill the cached result of the TOC field with the real headings (with
    bookmarks, hyperlinks and PAGEREF fields for the page numbers). Returns
    the number of entries. Word updates the page numbers on opening
    (w:updateFields), the PDF stage updates the index in LibreOffice."""
    field = _toc_field(doc.element.body)
    if field is None:
        return 0
    instr, container, paragraphs = field
    styles = StyleMap.of(doc)
    entries = _bookmark_headings(doc, styles)
    if not entries:
        return 0
    instr_text = instr.text or ' TOC \\o "1-3" \\h \\z \\u '
    new = [_entry(styles, level, text, name, first=i == 0, last=i == len(entries) - 1, instr_text=instr_text)
           for i, (level, text, name) in enumerate(entries)]
    anchor = paragraphs[0]
    for p in new:
        anchor.addprevious(p)
    for p in paragraphs:
        container.remove(p)
    return len(entries)


def _toc_field(body):
    """The TOC field's instruction, the element holding its paragraphs (Word keeps the field in the body,
    LibreOffice inside a content control, w:sdt) and the paragraphs from its begin to its end; None when
    the document has no complete TOC field."""
    instr = next((el for el in body.iter(qn("w:instrText")) if re.match(r"\s*TOC\b", el.text or "")), None)
    if instr is None:
        return None
    begin_p = instr.getparent().getparent()
    container = begin_p.getparent()
    if begin_p.tag != qn("w:p") or container is None or container.tag not in (qn("w:body"), qn("w:sdtContent")):
        return None
    paragraphs = list(container.iterchildren(qn("w:p")))
    start = paragraphs.index(begin_p)
    depth, started = 0, False
    for end, p in enumerate(paragraphs[start:], start=start):
        for fc in p.iter(qn("w:fldChar")):
            kind = fc.get(qn("w:fldCharType"))
            if kind == "begin":
                depth, started = depth + 1, True
            elif kind == "end":
                depth -= 1
        if started and depth == 0:  # the paragraph holding the matching end fldChar
            return instr, container, paragraphs[start:end + 1]
    return None


def _bookmark_headings(doc, styles: StyleMap) -> list[tuple[int, str, str]]:
    """A bookmark around every heading of levels 1–3 with text; (level, numbered text, bookmark name) each."""
    body = doc.element.body
    levels = {sid: lvl for lvl in (1, 2, 3) if (sid := styles.id(heading_style(lvl))) is not None}
    numbered = _numbered_levels(doc, levels)
    counters = [0, 0, 0]
    entries = []
    existing = [int(b.get(qn("w:id"))) for b in body.iter(qn("w:bookmarkStart")) if (b.get(qn("w:id")) or "").isdigit()]
    next_id = max(existing, default=0) + 1
    for p in body.iterchildren(qn("w:p")):
        level = _heading_level(p, levels)
        text = "".join(t.text or "" for t in p.iter(qn("w:t"))).strip() if level is not None else ""
        if level is None or not text:
            continue
        counters[level - 1] += 1
        for i in range(level, 3):
            counters[i] = 0
        number = ({1: f"{counters[0]}.", 2: f"{counters[0]}.{counters[1]}", 3: f"{buchstaben(counters[2])})"}[level]
                  if level in numbered else "")
        name = f"_Toc{next_id:09d}"
        pPr = p.find(qn("w:pPr"))
        start = W.bookmarkStart(attrs(id=next_id, name=name))
        if pPr is not None:
            pPr.addnext(start)
        else:
            p.insert(0, start)
        p.append(W.bookmarkEnd(attrs(id=next_id)))
        next_id += 1
        entries.append((level, f"{number} {text}".strip(), name))
    return entries


_PAGEREF = re.compile(r"\s*PAGEREF\s+(_Toc\w+)")


def set_page_numbers(docx: bytes, pages: Sequence[int]) -> bytes:
    """The .docx with the page numbers of its table of contents filled in: the n-th entry gets
    ``pages[n]`` (from the PDF's bookmarks, see `convert.outline_pages`), so Word and LibreOffice
    show the same numbers as the PDF without updating fields. Unchanged when the counts differ."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(docx)) as zin:
        root = etree.fromstring(zin.read("word/document.xml"))
        results = []
        for instr in root.iter(qn("w:instrText")):
            if not _PAGEREF.match(instr.text or ""):
                continue
            # the field's result: the first w:t after its »separate« mark
            result = next((t for sibling in instr.getparent().itersiblings()
                           if (t := sibling.find(qn("w:t"))) is not None), None)
            if result is None:
                return docx
            results.append(result)
        if not results or len(results) != len(pages):
            return docx
        for result, page in zip(results, pages):
            result.text = str(page)
        for fld in root.iter(qn("w:fldChar")):
            fld.attrib.pop(qn("w:dirty"), None)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                if item.filename == "word/document.xml":
                    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                zout.writestr(item, data)
    return out.getvalue()
