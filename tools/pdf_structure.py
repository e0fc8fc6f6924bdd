"""The structure tree of a tagged PDF in reading order, as a screen reader meets it.

    python -m tools.pdf_structure outputs/ikz-2025/pdf/jahresbericht-2025.pdf [--max-text 80]

Each line is one structure element, indented by depth: its standard role (the
custom role in brackets when a RoleMap maps it), its attributes that matter to
assistive technology (Scope, ColSpan, RowSpan, Alt, ActualText, Lang, Title) and
the text of its marked content; a form field or link shows its annotation's type,
its tooltip (/TU) or description (/Contents), a web link its address (URI) and its page. `walk` gives the same
as records for the tests.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pypdf import PdfReader

__all__ = ["Element", "marked_text", "walk", "dump"]


@dataclass
class Element:
    """One structure element, or one annotation reference (role »OBJR«)."""

    role: str  # standard role after the RoleMap
    custom: str | None  # the role as written, when the RoleMap mapped it
    depth: int
    attributes: dict[str, object] = field(default_factory=dict)
    text: str = ""  # the text of its own marked content (not its children's)
    page: int | None = None  # 1-based
    annotation: dict[str, object] | None = None  # for OBJR: Subtype, TU, Contents, FT, T, URI
    children: list["Element"] = field(default_factory=list)

    def all_text(self) -> str:
        return " ".join(t for t in [self.text, *(c.all_text() for c in self.children)] if t).strip()

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()


def marked_text(path: Path) -> dict[tuple[int, int], str]:
    """Text per (page index, MCID), decoded through the fonts (pypdf's text extraction)."""
    reader = PdfReader(str(path))
    texts: dict[tuple[int, int], list[str]] = defaultdict(list)
    for index, page in enumerate(reader.pages):
        stack: list[int | None] = []

        def before(op, args, cm, tm, stack=stack):
            if op == b"BDC":
                props = args[1] if len(args) > 1 else None
                mcid = None
                if isinstance(props, dict) and "/MCID" in props:
                    mcid = int(props["/MCID"])
                elif props is not None and hasattr(props, "get_object"):
                    obj = props.get_object()
                    if isinstance(obj, dict) and "/MCID" in obj:
                        mcid = int(obj["/MCID"])
                stack.append(mcid)
            elif op == b"BMC":
                stack.append(None)
            elif op == b"EMC" and stack:
                stack.pop()

        def text(t, cm, tm, font, size, stack=stack, index=index):
            current = next((m for m in reversed(stack) if m is not None), None)
            if current is not None and t:
                texts[(index, current)].append(t)

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return {key: " ".join("".join(parts).split()) for key, parts in texts.items()}


def _attributes(node: pikepdf.Dictionary) -> dict[str, object]:
    found: dict[str, object] = {}
    attrs = node.get("/A")
    items = attrs if isinstance(attrs, pikepdf.Array) else [attrs] if attrs is not None else []
    for item in items:
        if isinstance(item, pikepdf.Dictionary):
            for key, value in item.items():
                if key in ("/Scope", "/ColSpan", "/RowSpan", "/Headers", "/Placement", "/ListNumbering"):
                    found[key[1:]] = _plain(value)
    for key in ("/Alt", "/ActualText", "/Lang", "/T", "/E", "/ID"):
        if key in node:
            found[key[1:]] = _plain(node[key])
    return found


def _plain(value):
    if isinstance(value, pikepdf.Name):
        return str(value)[1:]
    if isinstance(value, pikepdf.String):
        return str(value)
    if isinstance(value, pikepdf.Array):
        return [_plain(v) for v in value]
    try:
        return int(value)
    except (TypeError, ValueError):
        return str(value)


def walk(path: Path) -> list[Element]:
    """The structure tree's top elements (below StructTreeRoot), children in reading order."""
    texts = marked_text(path)
    with pikepdf.open(path) as pdf:
        page_index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return []
        role_map = root.get("/RoleMap") or pikepdf.Dictionary()

        def standard(role: str) -> tuple[str, str | None]:
            seen = set()
            custom = role
            while f"/{role}" in role_map and role not in seen:
                seen.add(role)
                role = str(role_map[f"/{role}"])[1:]
            return role, (custom if custom != role else None)

        def page_of(node, inherited):
            pg = node.get("/Pg") if isinstance(node, pikepdf.Dictionary) else None
            return page_index.get(pg.objgen) if pg is not None else inherited

        def visit(node, depth: int, inherited_page: int | None) -> list[Element]:
            if isinstance(node, pikepdf.Array):
                out = []
                for item in node:
                    out.extend(visit(item, depth, inherited_page))
                return out
            if isinstance(node, int) or (isinstance(node, pikepdf.Object) and node._type_code == pikepdf.ObjectType.integer):
                return [("mcid", inherited_page, int(node))]  # type: ignore[list-item]
            if not isinstance(node, pikepdf.Dictionary):
                return []
            node_type = node.get("/Type")
            if node_type == pikepdf.Name.MCR:
                return [("mcid", page_of(node, inherited_page), int(node.MCID))]  # type: ignore[list-item]
            if node_type == pikepdf.Name.OBJR:
                annot = node.get("/Obj")
                info: dict[str, object] = {}
                if isinstance(annot, pikepdf.Dictionary):
                    for key in ("/Subtype", "/TU", "/Contents", "/FT", "/T"):
                        value = annot.get(key)
                        if value is None and key in ("/TU", "/FT", "/T") and "/Parent" in annot:
                            value = annot.Parent.get(key)
                        if value is not None:
                            info[key[1:]] = _plain(value)
                    action = annot.get("/A")
                    if isinstance(action, pikepdf.Dictionary) and "/URI" in action:
                        info["URI"] = _plain(action.URI)
                    pg = annot.get("/P")
                    page = page_index.get(pg.objgen) if pg is not None else page_of(node, inherited_page)
                else:
                    page = page_of(node, inherited_page)
                return [Element("OBJR", None, depth, page=None if page is None else page + 1, annotation=info)]
            if "/S" not in node:
                return []
            role, custom = standard(str(node.S)[1:])
            page = page_of(node, inherited_page)
            element = Element(role, custom, depth, _attributes(node), page=None if page is None else page + 1)
            own_text = []
            for kid in visit(node.get("/K", pikepdf.Array()), depth + 1, page):
                if isinstance(kid, tuple):
                    _, kid_page, mcid = kid
                    if kid_page is not None:
                        own_text.append(texts.get((kid_page, mcid), ""))
                else:
                    element.children.append(kid)
            element.text = " ".join(t for t in own_text if t).strip()
            return [element]

        return [e for e in visit(root.get("/K", pikepdf.Array()), 0, None) if isinstance(e, Element)]


def dump(path: Path, max_text: int = 80) -> str:
    """The structure tree as indented lines (see the module docstring)."""
    lines = []
    for top in walk(path):
        for element in top.iter():
            label = element.role + (f" [{element.custom}]" if element.custom else "")
            parts = ["  " * element.depth + label]
            if element.attributes:
                parts.append(" ".join(f"{k}={v!r}" for k, v in element.attributes.items()))
            if element.annotation is not None:
                parts.append(" ".join(f"{k}={v!r}" for k, v in element.annotation.items()))
                parts.append(f"(Seite {element.page})")
            if element.text:
                text = element.text if len(element.text) <= max_text else element.text[: max_text - 1] + "…"
                parts.append(f"»{text}«")
            lines.append(" ".join(parts))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", type=Path, nargs="+")
    parser.add_argument("--max-text", type=int, default=80)
    args = parser.parse_args(argv)
    for path in args.pdf:
        if len(args.pdf) > 1:
            print(f"== {path}")
        print(dump(path, args.max_text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
