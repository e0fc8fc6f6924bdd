"""Accessibility checks of delivered files, for the tests.

`pdfua_findings` runs the independent checker (the `pdfua` package: the machine-checkable
subset of PDF/UA-1, built on pikepdf). `matterhorn_findings` checks what that subset leaves
out, after the failure conditions of the Matterhorn Protocol 1.1 that a machine can decide
(numbers in brackets; docs/BARRIEREFREIHEIT.md lists them all). `docx_findings` checks a
.docx against the rules of Word's accessibility checker. Each returns readable findings; a
conforming file has none.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pikepdf
from lxml import etree
from pikepdf import Array, Dictionary, Name

from pipeline.convert import read_pdfa_id

PDFUA_NS = "http://www.aiim.org/pdfua/ns/id/"
GENERIC_ALT = re.compile(r"^\s*(grafik|bild|abbildung|image|picture|diagramm|foto)\s*\d*\s*$", re.I)

# pdfua 0.1.3's empty-heading rule (UA-14-001) raises on every heading whose /K is an array (as
# LibreOffice writes them): `getattr(array, "is_integer")` raises ValueError, not AttributeError.
# The same condition (Matterhorn 14-001) is checked by `matterhorn_findings`.
KNOWN_CHECKER_FAULTS = {"UA-14-001"}


def pdfua_findings(path: Path) -> list[str]:
    from pdfua import Severity, validate

    report = validate(str(path))
    found = [f"{f.rule_id} {f.severity.name} {f.location.describe()}: {f.message}"
             for f in report.findings if f.severity >= Severity.WARNING]
    for outcome in report.outcomes:
        if outcome.skipped_reason and outcome.rule_id not in KNOWN_CHECKER_FAULTS:
            found.append(f"{outcome.rule_id} nicht geprüft: {outcome.skipped_reason}")
    return found


def _kids(element) -> list:
    kids = element.get("/K") if isinstance(element, Dictionary) else None
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _number_tree(node) -> dict[int, object]:
    out: dict[int, object] = {}
    nums = node.get("/Nums")
    if isinstance(nums, Array):
        for i in range(0, len(nums) - 1, 2):
            out[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids", ()):
        out.update(_number_tree(kid))
    return out


def _text_of(element, texts) -> bool:
    for kid in _kids(element):
        if isinstance(kid, int):
            return True
        if isinstance(kid, Dictionary) and (kid.get("/Type") in (Name.MCR, Name.OBJR) or _text_of(kid, texts)):
            return True
    return False


def matterhorn_findings(path: Path) -> list[str]:
    """Failure conditions of the Matterhorn Protocol 1.1 that pdfua 0.1.3 does not check."""
    found: list[str] = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        metadata = root.get("/Metadata")
        xmp = metadata.read_bytes() if isinstance(metadata, pikepdf.Stream) else b""
        part, _ = read_pdfa_id(xmp)
        if part != 2:
            found.append("06-001: keine PDF/A-2-Kennung im XMP")
        tree = etree.fromstring(xmp[xmp.find(b"<x:xmpmeta"):xmp.rfind(b"</x:xmpmeta>") + 12])
        ua = tree.find(f".//{{{PDFUA_NS}}}part")
        ua_value = ua.text if ua is not None else next(
            (d.get(f"{{{PDFUA_NS}}}part") for d in tree.iter() if d.get(f"{{{PDFUA_NS}}}part")), None)
        if (ua_value or "").strip() != "1":
            found.append("06-002: kein pdfuaid:part 1 im XMP")
        # the URI as text, or as rdf:resource (as pyHanko writes it when it updates the XMP while signing)
        uris = {(e.text or e.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}resource") or "").strip()
                for e in tree.iter("{http://www.aiim.org/pdfa/ns/schema#}namespaceURI")}
        if PDFUA_NS not in uris:
            found.append("PDF/A-2 6.6.2.3: pdfuaid ohne Erweiterungsschema")
        if not tree.findall(".//{http://purl.org/dc/elements/1.1/}title"):
            found.append("06-004: kein dc:title")
        prefs = root.get("/ViewerPreferences")
        if not (isinstance(prefs, Dictionary) and bool(prefs.get("/DisplayDocTitle", False))):
            found.append("07-002: DisplayDocTitle fehlt")
        if not str(root.get("/Lang", "")).strip():
            found.append("11-006: keine Sprache im Katalog")
        mark = root.get("/MarkInfo")
        if not (isinstance(mark, Dictionary) and bool(mark.get("/Marked", False))):
            found.append("01-002: MarkInfo/Marked fehlt")
        structure = root.get("/StructTreeRoot")
        if not isinstance(structure, Dictionary):
            return found + ["01-001: kein Strukturbaum"]
        role_map = structure.get("/RoleMap") or Dictionary()
        parent_tree = _number_tree(structure.ParentTree) if "/ParentTree" in structure else {}

        def role(element) -> str:
            r = str(element.get("/S", ""))
            for _ in range(5):
                mapped = role_map.get(r)
                if not isinstance(mapped, Name):
                    break
                r = str(mapped)
            return r

        # annotations: tagged, tab order (28-xxx)
        for number, page in enumerate(pdf.pages, 1):
            annots = [a for a in page.obj.get("/Annots", ()) if isinstance(a, Dictionary)]
            if annots and page.obj.get("/Tabs") != Name.S:
                found.append(f"28-010: Seite {number} mit Anmerkungen ohne /Tabs /S")
            for annot in annots:
                subtype = annot.get("/Subtype")
                if subtype == Name.Popup:
                    continue
                key = annot.get("/StructParent")
                element = parent_tree.get(int(key)) if key is not None else None
                if not isinstance(element, Dictionary):
                    found.append(f"28-002: Seite {number}: {subtype} ohne Strukturelement")
                    continue
                refs = [k for k in _kids(element) if isinstance(k, Dictionary) and k.get("/Type") == Name.OBJR
                        and k.get("/Obj") is not None and k.Obj.objgen == annot.objgen]
                if not refs:
                    found.append(f"28-002: Seite {number}: {subtype} nicht als OBJR in seinem Element")
                expected = {Name.Widget: "/Form", Name.Link: "/Link"}.get(subtype, "/Annot")
                if role(element) != expected:
                    found.append(f"28-004: Seite {number}: {subtype} in {role(element)} statt {expected}")
                if subtype == Name.Widget:
                    field = annot if "/FT" in annot else annot.get("/Parent", annot)
                    if not str(field.get("/TU", "")).strip():
                        found.append(f"28-005: Seite {number}: Formularfeld ohne /TU")
                if subtype == Name.Link and not str(annot.get("/Contents", "")).strip():
                    found.append(f"28-011: Seite {number}: Link ohne /Contents")

        # the structure tree
        heading_levels: list[int] = []
        stack = [(k, None) for k in reversed(_kids(structure))]
        while stack:
            element, parent_role = stack.pop()
            if not isinstance(element, Dictionary) or element.get("/Type") in (Name.MCR, Name.OBJR) \
                    or "/S" not in element:
                continue
            r = role(element)
            if r in ("/TR",) and parent_role not in ("/Table", "/THead", "/TBody", "/TFoot"):
                found.append(f"09-004: TR in {parent_role}")
            if r in ("/TH", "/TD") and parent_role != "/TR":
                found.append(f"09-005: {r} in {parent_role}")
            if r == "/LI" and parent_role != "/L":
                found.append(f"09-006: LI in {parent_role}")
            if r == "/LBody" and parent_role != "/LI":
                found.append(f"09-007: LBody in {parent_role}")
            if re.fullmatch(r"/H[1-6]", r):
                level = int(r[2])
                if not _text_of(element, None):
                    found.append(f"14-001: leere Überschrift {r}")
                if heading_levels and level > heading_levels[-1] + 1:
                    found.append(f"14-003: Überschrift {r} nach H{heading_levels[-1]}")
                heading_levels.append(level)
            if r in ("/Part", "/Document") and parent_role is not None:
                heading_levels = []  # each member of a Mappe starts its own outline
            if r == "/Figure":
                alt = str(element.get("/Alt", element.get("/ActualText", "")))
                if not alt.strip() or GENERIC_ALT.match(alt):
                    found.append(f"13-004: Abbildung ohne aussagekräftigen Alternativtext ({alt!r})")
                if not _text_of(element, None):
                    found.append("13-004: Abbildung ohne Inhalt")
            if r == "/Table":
                found.extend(_table_findings(element, role))
            stack.extend((k, r) for k in reversed(_kids(element)))

        # every marked-content sequence with an MCID belongs to a structure element (01-007)
        for number, page in enumerate(pdf.pages, 1):
            key = page.obj.get("/StructParents")
            parents = parent_tree.get(int(key)) if key is not None else None
            for operands, operator in pikepdf.parse_content_stream(page, "BDC"):
                props = operands[1] if len(operands) > 1 else None
                if isinstance(props, Dictionary) and "/MCID" in props:
                    mcid = int(props.MCID)
                    if not isinstance(parents, Array) or mcid >= len(parents) \
                            or not isinstance(parents[mcid], Dictionary):
                        found.append(f"01-007: Seite {number}: MCID {mcid} ohne Strukturelement")
    return found


def _cells(row, role):
    return [c for c in _kids(row) if isinstance(c, Dictionary) and role(c) in ("/TH", "/TD")]


def _attr(cell, key: str, default=None):
    attrs = cell.get("/A")
    for item in (list(attrs) if isinstance(attrs, Array) else [attrs] if attrs is not None else []):
        if isinstance(item, Dictionary) and key in item:
            return item[key]
    return default


def _table_findings(table, role) -> list[str]:
    found = []
    rows = []
    for kid in _kids(table):
        if isinstance(kid, Dictionary) and role(kid) == "/TR":
            rows.append(kid)
        elif isinstance(kid, Dictionary) and role(kid) in ("/THead", "/TBody", "/TFoot"):
            rows.extend(k for k in _kids(kid) if isinstance(k, Dictionary) and role(k) == "/TR")
    headers = 0
    widths = []
    carried: dict[int, int] = {}  # column → rows still covered by a RowSpan from above
    for row in rows:
        column = 0
        width = 0
        for cell in _cells(row, role):
            while carried.get(column, 0) > 0:
                carried[column] -= 1
                column += 1
                width += 1
            span = int(_attr(cell, "/ColSpan", 1))
            rowspan = int(_attr(cell, "/RowSpan", 1))
            if role(cell) == "/TH":
                headers += 1
                scope = _attr(cell, "/Scope")
                if scope not in (Name.Row, Name.Column, Name.Both) and _attr(cell, "/Headers") is None:
                    found.append("15-003: TH ohne /Scope")
            for c in range(column, column + span):
                if rowspan > 1:
                    carried[c] = rowspan - 1
            column += span
            width += span
        while carried.get(column, 0) > 0:
            carried[column] -= 1
            column += 1
            width += 1
        widths.append(width)
    if headers == 0:
        found.append("15-003: Tabelle ohne Kopfzellen")
    if len(set(widths)) > 1:
        found.append(f"15-004: unregelmäßiges Tabellenraster (Spalten je Zeile: {widths})")
    return found


# -- .docx -------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def docx_findings(path: Path) -> list[str]:
    """The rules of Word's accessibility checker (and our layout convention) for one .docx."""
    from pipeline.tagging import HEADER_CELL_STYLES
    from pipeline.wordml import is_empty_paragraph

    found = []
    with zipfile.ZipFile(path) as z:
        doc = etree.fromstring(z.read("word/document.xml"))
        styles = etree.fromstring(z.read("word/styles.xml"))
        core = etree.fromstring(z.read("docProps/core.xml"))
    names = {s.get(_w("styleId")): (s.find(_w("name")).get(_w("val")) if s.find(_w("name")) is not None else "")
             for s in styles.iter(_w("style"))}
    title = core.find("{http://purl.org/dc/elements/1.1/}title")
    if title is None or not (title.text or "").strip():
        found.append("Dokumenttitel fehlt")
    lang = styles.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}/{_w('lang')}")
    if lang is None or lang.get(_w("val")) != "de-DE":
        found.append("Sprache de-DE fehlt in den Standardformaten")
    for pr in doc.iter(f"{{{WP}}}docPr"):
        descr = pr.get("descr", "")
        if not descr.strip() or GENERIC_ALT.match(descr):
            found.append(f"Bild ohne Alternativtext ({pr.get('name')!r})")
    header_styles = {s.casefold() for s in HEADER_CELL_STYLES}

    def style_of(p) -> str:
        ps = p.find(f"{_w('pPr')}/{_w('pStyle')}")
        return names.get(ps.get(_w("val")), "") if ps is not None else ""

    for n, table in enumerate(doc.iter(_w("tbl")), 1):
        rows = table.findall(_w("tr"))
        look = table.find(f"{_w('tblPr')}/{_w('tblLook')}")
        first_row = look is None or look.get(_w("firstRow"), "1") in ("1", "true")
        first_col = look is not None and look.get(_w("firstColumn"), "0") in ("1", "true")
        header_row = bool(rows) and rows[0].find(f"{_w('trPr')}/{_w('tblHeader')}") is not None
        first_cells = [r.find(_w("tc")) for r in rows]
        header_col = first_col and all(
            c is not None and all(style_of(p).casefold() in header_styles for p in c.iter(_w("p"))
                                  if not is_empty_paragraph(p)) for c in first_cells)
        layout = not first_row and not first_col
        if not (header_row or header_col or layout):
            found.append(f"Tabelle {n} ohne Kopfzeile (und nicht als Layouttabelle ohne Kopfzeile/erste Spalte)")
    body = doc.find(_w("body"))
    for p in body.iterchildren(_w("p")):
        if is_empty_paragraph(p) and p.find(f"{_w('pPr')}/{_w('sectPr')}") is None:
            prev, nxt = p.getprevious(), p.getnext()
            if not (prev is not None and nxt is not None and prev.tag == _w("tbl") and nxt.tag == _w("tbl")):
                found.append("leerer Absatz als Abstand")
    levels = []
    for p in doc.iter(_w("p")):
        match = re.fullmatch(r"heading (\d)", style_of(p).casefold())
        if not match:
            continue
        level = int(match[1])
        if is_empty_paragraph(p):
            found.append(f"leere Überschrift {level}")
        if levels and level > levels[-1] + 1:
            found.append(f"Überschrift {level} nach Überschrift {levels[-1]}")
        levels.append(level)
    return found
