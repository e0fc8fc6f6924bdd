"""Web and e-mail addresses written as text become links.

A workbook text names »https://www.example.de« or »info@example.de« as plain text; in the
rendered document every such address in the body becomes a ``w:hyperlink`` with an external
relationship (``mailto:`` for an e-mail address), in the »Hyperlink« character style. LibreOffice
exports these as PDF Link annotations with a ``Link`` structure element holding an ``OBJR`` and the
link's text as /Contents (PDF/UA-1, Matterhorn 28-002 … 28-011).

Left as they are: text already inside a link or a field (the table of contents, page numbers),
headers and footers (artifacts in the PDF, where a link could not be tagged), and an address split
over runs of different formatting (Word's own link dialog makes that one a link).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from .wordml import STYLE_HYPERLINK, StyleMap, W, split_run, val

__all__ = ["ADDRESS", "link_addresses", "target"]

ADDRESS = re.compile(
    r"(?P<url>(?<![\w@/.-])(?:https?://|www\.)[^\s<>\"»«“”„]+)"
    r"|(?P<email>(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-]))"
)
"""A web address (with its scheme or starting »www.«) or an e-mail address in running text."""

_TRAILING = ".,;:!?'’"
"""Punctuation that ends a sentence after an address rather than belonging to it."""



def _hyperlink_look() -> list:
    """The run properties of the »Hyperlink« style for a template that lacks one: Word's blue, underlined."""
    return [W.color(val("0563C1")), W.u(val("single"))]


def _trim(url: str) -> str:
    """`url` without the sentence punctuation and unbalanced closing brackets after it."""
    while url:
        if url[-1] in _TRAILING:
            url = url[:-1]
        elif url[-1] == ")" and url.count(")") > url.count("("):
            url = url[:-1]
        elif url[-1] == "]" and url.count("]") > url.count("["):
            url = url[:-1]
        else:
            break
    return url


def _spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, target) of each address in `text`."""
    found = []
    for m in ADDRESS.finditer(text):
        if m.group("url"):
            address = _trim(m.group("url"))
            if address.rstrip("/") in ("http:", "https:", "www") or address == "www.":
                continue
        else:
            address = m.group("email")
        found.append((m.start(), m.start() + len(address), target(address)))
    return found


def target(address: str) -> str:
    """The link target of an address as written: ``mailto:`` for an e-mail address, ``https://`` before
    a web address written without its scheme; characters outside ASCII percent-encoded."""
    if "@" in address and not re.match(r"(?i)https?://|www\.", address):
        return "mailto:" + quote(address, safe="@+!$&'*=")
    if address.lower().startswith("www."):
        address = "https://" + address
    return quote(address, safe="!#$%&'()*+,/:;=?@[]~")


def _addresses_outside_links_and_fields(body):
    """(``w:t``, its addresses) for the body's texts holding addresses that are neither in a link nor in
    a field, in document order."""
    depth = 0  # complex fields (begin … end) may span paragraphs: the table of contents does
    for el in body.iter(qn("w:fldChar"), qn("w:t")):
        if el.tag == qn("w:fldChar"):
            kind = el.get(qn("w:fldCharType"))
            depth += 1 if kind == "begin" else -1 if kind == "end" else 0
            continue
        if depth > 0 or not el.text or not (spans := _spans(el.text)):
            continue
        if any(a.tag in (qn("w:hyperlink"), qn("w:fldSimple")) for a in el.iterancestors()):
            continue
        yield el, spans


def link_addresses(document, styles: StyleMap) -> int:
    """Make every web and e-mail address in the body's text a link. Returns the number of links made."""
    found = list(_addresses_outside_links_and_fields(document.element.body))
    if not found:
        return 0
    style = styles.ensure(STYLE_HYPERLINK, "character", "Hyperlink", custom=False, run_properties=_hyperlink_look())
    made = 0
    for t, spans in found:
        for start, end, address in reversed(spans):  # from the end: the earlier offsets stay valid
            r = split_run(t, start, end)
            link = W.hyperlink({qn("w:history"): "1"})
            r.addprevious(link)
            link.append(r)
            # set once the link is in the document, so that r:id uses the document's r: prefix
            link.set(qn("r:id"), document.part.relate_to(address, RT.HYPERLINK, is_external=True))
            r.get_or_add_rPr().style = style
            made += 1
    return made
