"""PDF/UA-1 (ISO 14289-1): what LibreOffice's tagged export leaves to us, and tagging what we add.

LibreOffice 7.4 exports with ``PDFUACompliance`` a tagged PDF with /Lang, DisplayDocTitle,
headers and footers as artifacts and `TH` (with /Scope /Column) for the cells of repeated
header rows. This module finishes the job on the exported file (`finish_export`) and tags
the annotations the pipeline adds later (`tag_widgets`, `tag_widget_incremental`):

* **Header cells.** A cell whose paragraphs are all in a header-cell style (»IKZ
  Tabellenkopf«, LibreOffice's »Table Heading«) is a `TH` too. A `TH` in a row of
  header cells gets /Scope /Column, a `TH` in a row with data cells /Scope /Row (LibreOffice
  writes /Column for every `TH`).
* **Layout tables.** A table without any header cell is a layout table (the signature
  blocks, the legend of the participation table): it is re-tagged as `Div` elements, so
  that assistive technology reads its paragraphs in order and does not announce a data
  table without headers (Matterhorn 15-003). `check` warns about a table in a template
  that has no header row unless it is in a layout table style (`template_check`).
* **Empty elements.** Paragraphs that mark no content (LibreOffice writes a `P` for an
  empty paragraph, e.g. an empty table cell) are removed; table cells stay, so that the
  table's grid stays regular.
* **Tab order** /Tabs /S on every page with annotations (Matterhorn 28-010 … 28-011).
* **Identification.** ``pdfuaid:part`` 1 in the XMP next to the PDF/A identification, with
  the PDF/A extension schema that PDF/A-2 requires for a schema outside its predefined set.

Widgets (signature fields) get a `Form` element holding an object reference (`OBJR`) at
their place in the reading order: after the paragraph that carries their label
(»Unterschrift Stadt Raunheim«), or at the end of the document for the office's signature;
the widget's /StructParent points to it through the ParentTree.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, String

__all__ = [
    "HEADER_CELL_STYLES",
    "PDFUA_NS",
    "add_pdfua_identification",
    "finish_export",
    "mcid_origins",
    "set_tabs",
]

HEADER_CELL_STYLES = ("IKZ Tabellenkopf", "IKZ Zeilenkopf", "Table Heading", "Tabellen Überschrift")
"""Paragraph styles that make a table cell a header cell (compared case-insensitively)."""

PDFUA_NS = "http://www.aiim.org/pdfua/ns/id/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_PDFA_EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
_PDFA_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
_PDFA_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"

_TABLE_PARTS = ("/THead", "/TBody", "/TFoot")
_CELLS = ("/TD", "/TH")
_KEEP_EMPTY = {"/TD", "/TH", "/TR", "/Table", "/THead", "/TBody", "/TFoot", "/Document", "/Part",
               "/Sect", "/Art", "/Form", "/Link", "/Annot"}


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


_HEADER_STYLES = {_fold(style) for style in HEADER_CELL_STYLES}


def _kids(element: Dictionary) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    if isinstance(kids, Array):
        return list(kids)
    return [kids]


def _elements(element: Dictionary) -> Iterator[Dictionary]:
    for kid in _kids(element):
        if isinstance(kid, Dictionary) and kid.get("/Type") not in (Name.MCR, Name.OBJR) and "/S" in kid:
            yield kid


def _role(element: Dictionary, role_map: Dictionary) -> str:
    """The element's standard role (RoleMap applied, at most a few steps)."""
    role = str(element.get("/S", ""))
    for _ in range(5):
        mapped = role_map.get(role)
        if not isinstance(mapped, Name):
            break
        role = str(mapped)
    return role


def _marks_content(element: Dictionary) -> bool:
    for kid in _kids(element):
        if isinstance(kid, int) or (isinstance(kid, pikepdf.Object) and kid._type_code == pikepdf.ObjectType.integer):
            return True
        if isinstance(kid, Dictionary):
            if kid.get("/Type") in (Name.MCR, Name.OBJR):
                return True
            if "/S" in kid and _marks_content(kid):
                return True
    return False


def _set_scope(cell: Dictionary, scope: str) -> None:
    """Put /Scope into the cell's Table attributes (replacing LibreOffice's)."""
    attrs = cell.get("/A")
    items = list(attrs) if isinstance(attrs, Array) else [attrs] if attrs is not None else []
    for item in items:
        if isinstance(item, Dictionary) and item.get("/O") == Name.Table:
            item["/Scope"] = Name("/" + scope)
            return
    items.append(Dictionary(O=Name.Table, Scope=Name("/" + scope)))
    cell["/A"] = Array(items)


def _rows(table: Dictionary, role_map: Dictionary) -> list[Dictionary]:
    rows = []
    for kid in _elements(table):
        role = _role(kid, role_map)
        if role == "/TR":
            rows.append(kid)
        elif role in _TABLE_PARTS:
            rows.extend(k for k in _elements(kid) if _role(k, role_map) == "/TR")
    return rows


def _is_header_style(element: Dictionary) -> bool:
    return _fold(str(element.get("/S", ""))[1:]) in _HEADER_STYLES


def _fix_table(table: Dictionary, role_map: Dictionary) -> None:
    rows = _rows(table, role_map)
    grid = [[c for c in _elements(row) if _role(c, role_map) in _CELLS] for row in rows]
    for cells in grid:
        for cell in cells:
            paragraphs = list(_elements(cell))
            if _role(cell, role_map) == "/TD" and paragraphs and all(_is_header_style(p) for p in paragraphs):
                cell["/S"] = Name.TH
    if not any(_role(c, role_map) == "/TH" for cells in grid for c in cells):
        # a layout table: its paragraphs in order, no table semantics
        for element in [table, *(k for k in _elements(table) if _role(k, role_map) in _TABLE_PARTS), *rows,
                        *(c for cells in grid for c in cells)]:
            element["/S"] = Name.Div
            if "/A" in element:
                del element["/A"]
        return
    for cells in grid:
        all_headers = all(_role(c, role_map) == "/TH" for c in cells)
        for cell in cells:
            if _role(cell, role_map) == "/TH":
                _set_scope(cell, "Column" if all_headers else "Row")


def _prune_empty(element: Dictionary, role_map: Dictionary) -> bool:
    """Remove descendants that mark no content; True when `element` itself is empty and removable."""
    kids = _kids(element)
    kept = []
    changed = False
    for kid in kids:
        if isinstance(kid, Dictionary) and "/S" in kid and kid.get("/Type") not in (Name.MCR, Name.OBJR):
            if _prune_empty(kid, role_map):
                changed = True
                continue
        kept.append(kid)
    if changed:
        element["/K"] = Array(kept) if len(kept) != 1 else kept[0]
        if not kept:
            del element["/K"]
    role = _role(element, role_map)
    return not kept and role not in _KEEP_EMPTY and str(element.get("/S")) not in _KEEP_EMPTY


def _content_pages(element: Dictionary, pages: dict[tuple[int, int], int], mcid_pages: dict[int, int],
                   out: list) -> None:
    """Reading order: ('figure', element) for an empty Figure, ('page', index) for content."""
    page = element.get("/Pg")
    index = pages.get(page.objgen) if isinstance(page, Dictionary) else None
    if element.get("/S") == Name.Figure and "/K" not in element:
        out.append(("figure", element))
        return
    for kid in _kids(element):
        if isinstance(kid, int) and index is not None:
            out.append(("page", index))
        elif isinstance(kid, Dictionary):
            if kid.get("/Type") == Name.MCR:
                kid_page = kid.get("/Pg")
                kid_index = pages.get(kid_page.objgen) if isinstance(kid_page, Dictionary) else index
                if kid_index is not None:
                    out.append(("page", kid_index))
            elif "/S" in kid:
                _content_pages(kid, pages, mcid_pages, out)


def _figures_from_artifacts(pdf: pikepdf.Pdf, root: Dictionary, role_map: Dictionary) -> None:
    """LibreOffice 7.4 writes an inline picture (a chart, the process picture) as an empty `Figure`
    element (with its /Alt) and paints the image inside a plain ``/Artifact BMC``. The image is made
    the Figure's content: on the page of the content next to the Figure in reading order, the
    n-th plain artifact that paints an image and no text becomes the n-th empty Figure's marked content."""
    pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    order: list = []
    for top in _elements(root):
        _content_pages(top, pages, {}, order)
    pending: dict[int, list[Dictionary]] = {}
    for i, (kind, value) in enumerate(order):
        if kind != "figure":
            continue
        after = next((v for k, v in order[i + 1:] if k == "page"), None)
        before = next((v for k, v in reversed(order[:i]) if k == "page"), None)
        page_index = after if after is not None else before
        if page_index is not None:
            pending.setdefault(page_index, []).append(value)
    if not pending:
        return
    tree = dict(_parent_tree_entries(root.ParentTree)) if isinstance(root.get("/ParentTree"), Dictionary) else {}
    for page_index, figures in pending.items():
        page = pdf.pages[page_index]
        ops = list(pikepdf.parse_content_stream(page))
        xobjects = page.obj.get("/Resources", Dictionary()).get("/XObject", Dictionary())
        spans = []  # (begin, end) of plain artifacts painting an image and no text
        stack: list[tuple[int, bool]] = []
        images: list[bool] = []
        for n, (operands, operator) in enumerate(ops):
            op = str(operator)
            if op in ("BMC", "BDC"):
                stack.append((n, op == "BMC" and len(operands) == 1 and operands[0] == Name.Artifact))
                images.append(False)
            elif op == "EMC" and stack:
                start, plain = stack.pop()
                painted = images.pop()
                if plain and painted is True and not stack:
                    spans.append((start, n))
                if images and painted:
                    images[-1] = images[-1] or painted
            elif op in ("Tj", "TJ", "'", '"') and images:
                images[-1] = None  # type: ignore[call-overload]
            elif op == "Do" and images and images[-1] is not None:
                xobject = xobjects.get(str(operands[0]))
                if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == Name.Image:
                    images[-1] = True
        if len(spans) != len(figures) or "/StructParents" not in page.obj:
            continue
        parents = tree.get(int(page.obj.StructParents))
        if not isinstance(parents, Array):
            continue
        for (start, end), figure in zip(spans, figures):
            mcid = len(parents)
            ops[start] = pikepdf.ContentStreamInstruction(
                [Name.Figure, Dictionary(MCID=mcid)], pikepdf.Operator("BDC"))
            parents.append(figure)
            figure["/K"] = mcid
            figure["/Pg"] = page.obj
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))


def set_tabs(pdf: pikepdf.Pdf) -> None:
    """/Tabs /S on every page that has annotations."""
    for page in pdf.pages:
        if len(page.obj.get("/Annots", ())) and page.obj.get("/Tabs") != Name.S:
            page.obj["/Tabs"] = Name.S


def finish_export(pdf: pikepdf.Pdf) -> None:
    """LibreOffice's tagged export made PDF/UA-1: header cells and their scope, layout tables,
    empty elements, tab order, identification (see the module docstring)."""
    root = pdf.Root.get("/StructTreeRoot")
    if isinstance(root, Dictionary):
        role_map = root.get("/RoleMap") or Dictionary()
        stack = list(_elements(root))
        tables = []
        while stack:
            element = stack.pop()
            if _role(element, role_map) == "/Table":
                tables.append(element)
            stack.extend(_elements(element))
        for table in tables:
            _fix_table(table, role_map)
        _figures_from_artifacts(pdf, root, role_map)
        for top in _elements(root):
            _prune_empty(top, role_map)
    set_tabs(pdf)
    if not pdf.Root.get("/ViewerPreferences"):
        pdf.Root["/ViewerPreferences"] = Dictionary()
    pdf.Root.ViewerPreferences["/DisplayDocTitle"] = True
    add_pdfua_identification(pdf)


# -- XMP ---------------------------------------------------------------------

def _xmp_tree(pdf: pikepdf.Pdf):
    from lxml import etree

    metadata = pdf.Root.get("/Metadata")
    data = metadata.read_bytes() if isinstance(metadata, pikepdf.Stream) else b""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    start, end = data.find(b"<x:xmpmeta"), data.rfind(b"</x:xmpmeta>")
    if start < 0 or end < 0:
        return None
    return etree.fromstring(data[start:end + len(b"</x:xmpmeta>")], parser)


def add_pdfua_identification(pdf: pikepdf.Pdf) -> None:
    """``pdfuaid:part`` = 1 in the XMP, and the PDF/A extension schema describing it.

    The packet is changed, not replaced: every other description stays (the PDF/A
    identification, Dublin Core, other extension schemas). An existing
    ``pdfaExtension:schemas`` bag gets the pdfuaid schema added once.
    """
    from lxml import etree

    tree = _xmp_tree(pdf)
    if tree is None:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["pdfuaid:part"] = "1"
        tree = _xmp_tree(pdf)
        if tree is None:  # pragma: no cover - pikepdf always writes a packet
            return
    rdf = tree.find(f"{{{_RDF}}}RDF")
    if rdf is None:  # pragma: no cover - not an XMP packet
        return
    part = tree.find(f".//{{{PDFUA_NS}}}part")
    if part is None:
        part_attr = next((d for d in rdf if d.get(f"{{{PDFUA_NS}}}part") is not None), None)
        if part_attr is None:
            desc = etree.SubElement(rdf, f"{{{_RDF}}}Description", nsmap={"pdfuaid": PDFUA_NS})
            desc.set(f"{{{_RDF}}}about", "")
            etree.SubElement(desc, f"{{{PDFUA_NS}}}part").text = "1"
    else:
        part.text = "1"
    described = any(
        (el.text or "").strip() == PDFUA_NS for el in tree.iter(f"{{{_PDFA_SCHEMA}}}namespaceURI"))
    if not described:
        bag = tree.find(f".//{{{_PDFA_EXTENSION}}}schemas/{{{_RDF}}}Bag")
        if bag is None:
            desc = etree.SubElement(rdf, f"{{{_RDF}}}Description", nsmap={
                "pdfaExtension": _PDFA_EXTENSION, "pdfaSchema": _PDFA_SCHEMA, "pdfaProperty": _PDFA_PROPERTY})
            desc.set(f"{{{_RDF}}}about", "")
            schemas = etree.SubElement(desc, f"{{{_PDFA_EXTENSION}}}schemas")
            bag = etree.SubElement(schemas, f"{{{_RDF}}}Bag")
        li = etree.SubElement(bag, f"{{{_RDF}}}li")
        li.set(f"{{{_RDF}}}parseType", "Resource")
        for name, value in (("schema", "PDF/UA Universal Accessibility Schema"),
                            ("namespaceURI", PDFUA_NS), ("prefix", "pdfuaid")):
            etree.SubElement(li, f"{{{_PDFA_SCHEMA}}}{name}").text = value
        props = etree.SubElement(li, f"{{{_PDFA_SCHEMA}}}property")
        seq = etree.SubElement(props, f"{{{_RDF}}}Seq")
        prop = etree.SubElement(seq, f"{{{_RDF}}}li")
        prop.set(f"{{{_RDF}}}parseType", "Resource")
        for name, value in (("name", "part"), ("valueType", "Integer"), ("category", "internal"),
                            ("description", "Indicates, which part of ISO 14289 standard is followed")):
            etree.SubElement(prop, f"{{{_PDFA_PROPERTY}}}{name}").text = value
    body = etree.tostring(tree, encoding="utf-8")
    packet = (b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' + body
              + b"\n" + b" " * 2000 + b'\n<?xpacket end="w"?>')
    metadata = pdf.Root.get("/Metadata")
    if isinstance(metadata, pikepdf.Stream):
        metadata.write(packet)
    else:
        pdf.Root["/Metadata"] = pdf.make_stream(packet, Type=Name.Metadata, Subtype=Name.XML)


# -- marked content positions ----------------------------------------------------

_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _times(m: _Matrix, n: _Matrix) -> _Matrix:
    """The matrix product m × n (PDF order: m is applied first)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _numbers(operands, count: int) -> tuple[float, ...] | None:
    try:
        values = tuple(float(v) for v in operands[:count])
    except (TypeError, ValueError):
        return None
    return values if len(values) == count else None


def mcid_origins(page: pikepdf.Page) -> dict[int, tuple[float, float]]:
    """Where each marked-content sequence on `page` starts showing text: MCID → (x, y) in default user
    space, the origin of its first text-showing operator. Read with qpdf's content stream parser, tracking
    the graphics state's matrix (q, Q, cm) and the text matrices (BT, Tm, Td, TD, T*, TL, ', ")."""
    origins: dict[int, tuple[float, float]] = {}
    ctm, saved = _IDENTITY, []
    tm = tlm = _IDENTITY
    leading = 0.0
    marks: list[int | None] = []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            saved.append(ctm)
        elif op == "Q":
            ctm = saved.pop() if saved else _IDENTITY
        elif op == "cm" and (m := _numbers(operands, 6)):
            ctm = _times(m, ctm)
        elif op == "BT":
            tm = tlm = _IDENTITY
        elif op == "Tm" and (m := _numbers(operands, 6)):
            tm = tlm = m
        elif op in ("Td", "TD") and (m := _numbers(operands, 2)):
            tm = tlm = _times((1.0, 0.0, 0.0, 1.0, m[0], m[1]), tlm)
            if op == "TD":
                leading = -m[1]
        elif op == "TL" and (m := _numbers(operands, 1)):
            leading = m[0]
        elif op in ("T*", "'", '"'):
            tm = tlm = _times((1.0, 0.0, 0.0, 1.0, 0.0, -leading), tlm)
        elif op == "BDC":
            props = operands[1] if len(operands) > 1 else None
            mcid = props.get("/MCID") if isinstance(props, Dictionary) else None
            marks.append(int(mcid) if mcid is not None else None)
        elif op == "BMC":
            marks.append(None)
        elif op == "EMC":
            if marks:
                marks.pop()
        if op in ("Tj", "TJ", "'", '"'):
            current = next((m for m in reversed(marks) if m is not None), None)
            if current is not None and current not in origins:
                at = _times(tm, ctm)
                origins[current] = (at[4], at[5])
    return origins


# -- widgets -----------------------------------------------------------------

def _parent_tree_entries(tree: Dictionary) -> Iterator[tuple[int, Any]]:
    nums = tree.get("/Nums")
    if isinstance(nums, Array):
        for i in range(0, len(nums) - 1, 2):
            yield int(nums[i]), nums[i + 1]
    for kid in tree.get("/Kids", ()):
        if isinstance(kid, Dictionary):
            yield from _parent_tree_entries(kid)


def _next_key(root: Dictionary) -> int:
    declared = root.get("/ParentTreeNextKey")
    highest = max((key for key, _ in _parent_tree_entries(root.ParentTree)), default=-1) \
        if isinstance(root.get("/ParentTree"), Dictionary) else -1
    return max(highest + 1, int(declared) if declared is not None else 0)


def _add_parent_tree_entry(pdf: pikepdf.Pdf, root: Dictionary, key: int, value: Dictionary) -> None:
    tree = root.get("/ParentTree")
    if not isinstance(tree, Dictionary):
        tree = pdf.make_indirect(Dictionary(Nums=Array()))
        root["/ParentTree"] = tree
    if "/Kids" in tree:
        tree.Kids.append(pdf.make_indirect(Dictionary(Nums=Array([key, value]), Limits=Array([key, key]))))
    else:
        tree.Nums.extend([key, value])
    root["/ParentTreeNextKey"] = key + 1


def _document_element(pdf: pikepdf.Pdf, root: Dictionary) -> Dictionary:
    tops = list(_elements(root))
    if len(tops) == 1:
        return tops[0]
    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root, K=Array(tops)))
    for top in tops:
        top["/P"] = document
    root["/K"] = Array([document])
    return document


def _insert_after(parent: Dictionary, anchor: Dictionary | None, element: Dictionary) -> None:
    kids = _kids(parent)
    position = len(kids)
    if anchor is not None:
        for i, kid in enumerate(kids):
            if isinstance(kid, Dictionary) and kid.is_indirect and anchor.is_indirect and kid.objgen == anchor.objgen:
                position = i + 1
                break
    kids.insert(position, element)
    parent["/K"] = Array(kids)


def tag_widgets(pdf: pikepdf.Pdf, widgets: Sequence[tuple[Dictionary, str]], anchors: dict[str, Dictionary]) -> None:
    """Each widget (with its label) in a `Form` element holding its `OBJR`: after the structure
    element `anchors[label]` when given, else at the end of the document. Sets /StructParent,
    the ParentTree entry, /TU where missing and /Tabs /S on the widgets' pages."""
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, Dictionary):
        return
    key = _next_key(root)
    for widget, label in widgets:
        page = widget.get("/P")
        field = widget if "/FT" in widget or "/Parent" not in widget else widget.Parent
        if "/TU" not in field:
            field["/TU"] = String(label)
        anchor = anchors.get(label)
        parent = anchor.get("/P") if anchor is not None else None
        if not isinstance(parent, Dictionary):
            parent, anchor = _document_element(pdf, root), None
        objr = Dictionary(Type=Name.OBJR, Obj=widget)
        if isinstance(page, Dictionary):
            objr["/Pg"] = page
        form = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Form, P=parent, K=objr,
                                            Alt=String(label)))
        if isinstance(page, Dictionary):
            form["/Pg"] = page
        _insert_after(parent, anchor, form)
        widget["/StructParent"] = key
        _add_parent_tree_entry(pdf, root, key, form)
        key += 1
    set_tabs(pdf)


def label_anchors(pdf: pikepdf.Pdf, labels: Sequence[tuple[str, int, tuple[float, float, float, float]]]
                  ) -> dict[str, Dictionary]:
    """For each (label, 0-based page, box of the label's line in PDF points): the structure element of the
    marked content that starts the line, i.e. the sequence whose text begins on the line's baseline, at or
    left of the box. Labels whose line starts no tagged text are left out."""
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, Dictionary) or not isinstance(root.get("/ParentTree"), Dictionary):
        return {}
    tree = dict(_parent_tree_entries(root.ParentTree))
    origins: dict[int, dict[int, tuple[float, float]]] = {}
    found: dict[str, Dictionary] = {}
    for label, page_index, (x0, y0, _x1, y1) in labels:
        page = pdf.pages[page_index]
        parents = tree.get(int(page.obj.get("/StructParents", -1)))
        if not isinstance(parents, Array):
            continue
        if page_index not in origins:
            origins[page_index] = mcid_origins(page)
        on_line = [(x, mcid) for mcid, (x, y) in origins[page_index].items()
                   if y0 - 1.0 <= y <= y1 + 1.0 and x <= x0 + 1.0 and mcid < len(parents)]
        if on_line:
            element = parents[max(on_line)[1]]
            if isinstance(element, Dictionary):
                found[label] = element
    return found


def tag_widget_incremental(writer, field_name: str, label: str) -> None:
    """`tag_widgets` for a field about to be signed, in pyHanko's incremental update: its widget in a
    `Form` element at the end of the document, /StructParent, the ParentTree entry, /Tabs /S on its
    page. Nothing happens for an untagged file or a widget that is tagged already."""
    from pyhanko.pdf_utils import generic

    found = _untagged_widget(writer, field_name)
    if found is None:
        return
    tree, widget_ref, widget = found
    document_ref = _single_document(tree)
    if document_ref is None:
        return  # several top elements: leave the structure as it is (not produced by this pipeline)
    parent_tree = tree.get_object()["/ParentTree"] if "/ParentTree" in tree else None
    declared = int(tree.get("/ParentTreeNextKey", 0))
    key = max(declared, _highest_parent_tree_key(parent_tree) + 1 if parent_tree is not None else 0)
    page_ref = widget.raw_get("/P") if "/P" in widget else None
    form_ref = _add_form_element(writer, document_ref, widget_ref, page_ref, label)
    widget[generic.NameObject("/StructParent")] = generic.NumberObject(key)
    if "/TU" not in widget:
        widget[generic.NameObject("/TU")] = generic.TextStringObject(label)
    writer.update_container(widget)
    _register_in_parent_tree(writer, tree, parent_tree, key, form_ref)
    if page_ref is not None:
        page = page_ref.get_object()
        page[generic.NameObject("/Tabs")] = generic.NameObject("/S")
        writer.update_container(page)


def _untagged_widget(writer, field_name: str):
    """(structure tree root, widget reference, widget) of the field `field_name` when the file is tagged and
    the widget is not yet; else None."""
    from pyhanko.pdf_utils import generic
    from pyhanko.sign.fields import enumerate_sig_fields

    root = writer.root
    tree_ref = root.raw_get("/StructTreeRoot") if "/StructTreeRoot" in root else None
    if not isinstance(tree_ref, generic.IndirectObject):
        return None
    widget_ref = next((ref for name, _value, ref in enumerate_sig_fields(writer) if name == field_name), None)
    if widget_ref is None:
        return None
    widget = widget_ref.get_object()
    if "/Kids" in widget:
        widget_ref = widget.raw_get("/Kids")[0]
        widget = widget_ref.get_object()
    if "/StructParent" in widget:
        return None
    return tree_ref.get_object(), widget_ref, widget


def _highest_parent_tree_key(node) -> int:
    """The largest key of a ParentTree (number tree), -1 when it is empty. A number tree's keys are sorted:
    the largest is the last of the rightmost leaf, so only one path is read, not the whole tree (a Mappe's
    tree has an entry per page and per annotation)."""
    for _depth in range(64):
        nums = node.get("/Nums")
        if nums is not None and len(nums) >= 2:
            return int(nums[len(nums) - 2])
        kids = node.get("/Kids")
        if not kids:
            return -1
        node = kids[len(kids) - 1].get_object()
    return -1


def _single_document(tree):
    """The reference of the structure tree's one top element (this pipeline's /Document), or None."""
    from pyhanko.pdf_utils import generic

    tops = tree["/K"]
    top_raw = tree.raw_get("/K")
    if isinstance(tops, generic.ArrayObject):
        document_ref = tops.raw_get(0) if len(tops) == 1 else None
    else:
        document_ref = top_raw if isinstance(top_raw, generic.IndirectObject) else None
    return document_ref if isinstance(document_ref, generic.IndirectObject) else None


def _add_form_element(writer, document_ref, widget_ref, page_ref, label: str):
    """A /Form element with the widget's OBJR, appended to the document's kids; returns its reference."""
    from pyhanko.pdf_utils import generic

    document = document_ref.get_object()
    objr = generic.DictionaryObject({generic.NameObject("/Type"): generic.NameObject("/OBJR"),
                                     generic.NameObject("/Obj"): widget_ref})
    form = generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/StructElem"),
        generic.NameObject("/S"): generic.NameObject("/Form"),
        generic.NameObject("/P"): document_ref,
        generic.NameObject("/K"): objr,
        generic.NameObject("/Alt"): generic.TextStringObject(label),
    })
    if page_ref is not None:
        objr[generic.NameObject("/Pg")] = page_ref
        form[generic.NameObject("/Pg")] = page_ref
    form_ref = writer.add_object(form)
    kids = document.get("/K") if "/K" in document else None
    if isinstance(kids, generic.ArrayObject):
        kids.append(form_ref)
        writer.update_container(kids)
    else:
        new_kids = generic.ArrayObject([document.raw_get("/K")] if kids is not None else [])
        new_kids.append(form_ref)
        document[generic.NameObject("/K")] = new_kids
    writer.update_container(document)
    return form_ref


def _register_in_parent_tree(writer, tree, parent_tree, key: int, form_ref) -> None:
    """`key` → the Form element in the ParentTree (made when there is none), and the tree's next key."""
    from pyhanko.pdf_utils import generic

    if parent_tree is None:
        parent_tree = generic.DictionaryObject({generic.NameObject("/Nums"): generic.ArrayObject()})
        tree[generic.NameObject("/ParentTree")] = writer.add_object(parent_tree)
    if "/Kids" in parent_tree:
        leaf = writer.add_object(generic.DictionaryObject({
            generic.NameObject("/Nums"): generic.ArrayObject([generic.NumberObject(key), form_ref]),
            generic.NameObject("/Limits"): generic.ArrayObject([generic.NumberObject(key), generic.NumberObject(key)]),
        }))
        parent_tree["/Kids"].append(leaf)
        writer.update_container(parent_tree["/Kids"])
    else:
        parent_tree["/Nums"].extend([generic.NumberObject(key), form_ref])
        writer.update_container(parent_tree["/Nums"])
    writer.update_container(parent_tree)
    tree[generic.NameObject("/ParentTreeNextKey")] = generic.NumberObject(key + 1)
    writer.update_container(tree)
