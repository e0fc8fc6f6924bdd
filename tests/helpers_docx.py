"""Reading a .docx back as a person sees it: text, tables, headers, footers, pictures."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")


def _paragraph_text(p) -> str:
    out = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}sym"):
        if el.tag == f"{W}t":
            out.append(el.text or "")
        elif el.tag == f"{W}tab":
            out.append("\t")
        elif el.tag == f"{W}br":
            out.append("\n")
    return "".join(out)


def _cell(tc) -> str:
    """A table cell's text, with its shading (the participation table's grey and blue cells)."""
    text = "\n".join(_paragraph_text(p) for p in tc.iter(f"{W}p"))
    shd = tc.find(f"{W}tcPr/{W}shd")
    fill = shd.get(f"{W}fill") if shd is not None else None
    return f"{text} [{fill}]" if fill and fill != "auto" else text


def _blocks(parent, out: list[str]) -> None:
    for el in parent:
        if el.tag == f"{W}p":
            out.append(_paragraph_text(el))
        elif el.tag == f"{W}tbl":
            for tr in el.iter(f"{W}tr"):
                out.append(" | ".join(_cell(tc) for tc in tr.findall(f"{W}tc")))
        else:
            _blocks(el, out)


def docx_content(path: Path) -> dict[str, object]:
    """What a reader of the document sees, part by part: paragraph texts in order (a table row
    as its cells, with their shading, joined by »|«) of the body, headers, footers and notes, and the digest of each
    embedded picture. Independent of ids, timestamps and other bytes no reader sees."""
    content: dict[str, object] = {}
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if _PARTS.match(name):
                root = etree.fromstring(z.read(name))
                lines: list[str] = []
                _blocks(root, lines)
                content[name] = lines
            elif name.startswith("word/media/"):
                content[name] = hashlib.sha256(z.read(name)).hexdigest()
    return content


def edited_templates(target: Path, template: str, old: bytes, new: bytes, count: int = -1) -> Path:
    """A copy of the project's templates in `target` where `template`'s body has `old` replaced by
    `new` (`count` times, all by default); `old` must be there."""
    import shutil

    source = Path(__file__).resolve().parent.parent / "templates"
    shutil.copytree(source, target)
    with zipfile.ZipFile(source / template) as zin, zipfile.ZipFile(target / template, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                assert old in data, (template, old)
                data = data.replace(old, new, count)
            zout.writestr(item, data)
    return target
