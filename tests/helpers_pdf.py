"""Test helpers: sample .docx files, a shared LibreOffice conversion, PDF inspection."""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NullObject

TEXT = (
    "Die Kommunen prüfen gemeinsam, ob die Zusammenarbeit im Bereich der Ordnungsbehörden "
    "wirtschaftlicher ist. Größere Einheiten können Aufgaben häufig günstiger erfüllen. "
)


@dataclass(frozen=True)
class SampleDoc:
    stem: str
    title: str
    author: str
    subject: str
    headings: tuple[tuple[int, str], ...]  # (level, text) in document order
    toc: bool
    footer: str


def _add_toc_field(doc: Any) -> None:
    """An ordinary Word TOC field whose cached result is just a placeholder."""
    paragraph = doc.add_paragraph()

    def fld_char(kind: str) -> None:
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    fld_char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = ' TOC \\o "1-3" \\h \\z \\u '
    run._r.append(instr)
    fld_char("separate")
    paragraph.add_run("Bitte Inhaltsverzeichnis aktualisieren")
    fld_char("end")


def _set_language(doc: Any, lang: str) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    element = rpr.find(qn("w:lang"))
    if element is None:
        element = OxmlElement("w:lang")
        rpr.append(element)
    element.set(qn("w:val"), lang)


def make_docx(path: Path, sample: SampleDoc, paragraphs_per_section: int = 3) -> Path:
    """A4 .docx with title, optional TOC, headings, umlaut text, a table and a footer."""
    doc = Document()
    _set_language(doc, "de-DE")
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.footer.paragraphs[0].text = sample.footer
    props = doc.core_properties
    props.title, props.author, props.subject = sample.title, sample.author, sample.subject
    doc.add_paragraph(sample.title, style="Title")
    if sample.toc:
        _add_toc_field(doc)
    for level, text in sample.headings:
        doc.add_heading(text, level=level)
        for _ in range(paragraphs_per_section):
            doc.add_paragraph(TEXT * 3)
    table = doc.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    for r in range(3):
        for c in range(3):
            table.cell(r, c).text = f"Zeile {r + 1}, Spalte {c + 1}: Maß {r * c} €"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


SAMPLES = (
    SampleDoc(
        stem="beschlussvorlage",
        title="Beschlussvorlage Gemeinsames Ordnungsamt",
        author="Kreis Groß-Gerau",
        subject="IKZ Ordnungsbehörden",
        headings=(
            (1, "Sachverhalt und Ausgangslage"),
            (2, "Bisherige Aufgabenerfüllung"),
            (2, "Kostenübersicht der Kommunen"),
            (1, "Vorschlag zur Zusammenarbeit"),
            (2, "Organisation"),
            (2, "Finanzielle Auswirkungen"),
            (1, "Beschlussvorschlag"),
        ),
        toc=True,
        footer="Beschlussvorlage – Fußzeile",
    ),
    SampleDoc(
        stem="vereinbarung",
        title="Öffentlich-rechtliche Vereinbarung",
        author="Stadt Raunheim",
        subject="Vereinbarung über die Zusammenarbeit",
        headings=((1, "§ 1 Gegenstand"), (1, "§ 2 Aufgaben"), (2, "Zuständigkeiten"), (1, "§ 3 Kosten")),
        toc=False,
        footer="Vereinbarung – Fußzeile",
    ),
    SampleDoc(
        stem="anlage",
        title="Anlage Einwohnerzahlen",
        author="Kreis Groß-Gerau",
        subject="Anlage",
        headings=((1, "Übersicht"), (2, "Quellen")),
        toc=False,
        footer="Anlage – Fußzeile",
    ),
)


@dataclass(frozen=True)
class Converted:
    docx: dict[str, Path]  # stem → docx
    pdf: dict[str, Path]  # stem → pdf (good documents only)
    corrupt: Path
    error: Exception | None


_CACHE: dict[str, Converted] = {}


def make_never_ending_docx(path: Path) -> Path:
    """A valid .docx that LibreOffice never finishes: its picture is linked to a named pipe (FIFO)
    beside it that nobody writes to, so LibreOffice waits in open() until it is killed."""
    import os
    import zipfile

    from PIL import Image

    fifo = path.with_name(path.stem + "-bild.png")
    os.mkfifo(fifo)
    doc = Document()
    doc.add_paragraph("Vor dem Bild")
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "steelblue").save(picture, "PNG")
    doc.add_picture(picture, width=Mm(30))
    doc.add_paragraph("Nach dem Bild")
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    rels = parts["word/_rels/document.xml.rels"].decode()
    media = re.search(r'Target="(media/[^"]+)"', rels).group(1)
    parts["word/_rels/document.xml.rels"] = rels.replace(
        f'Target="{media}"', f'Target="{fifo.as_uri()}" TargetMode="External"').encode()
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"r:embed=", b"r:link=")
    del parts[f"word/{media}"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def converted_samples(base: Path) -> Converted:
    """Convert SAMPLES plus one corrupt .docx in a single convert_all call (cached per session)."""
    from pipeline.convert import convert_all

    if "samples" in _CACHE:
        return _CACHE["samples"]
    src = base / "docx"
    docx = {s.stem: make_docx(src / f"{s.stem}.docx", s) for s in SAMPLES}
    corrupt = src / "x.docx"
    corrupt.write_bytes(bytes(range(256)) * 40)
    error: Exception | None = None
    pdf: dict[str, Path] = {}
    try:
        result = convert_all([*docx.values(), corrupt], base / "pdf", jobs=2)
    except Exception as exc:  # noqa: BLE001 - inspected by the tests
        error = exc
        result = getattr(exc, "converted", {})
    for stem, path in docx.items():
        if path in result:
            pdf[stem] = result[path]
    _CACHE["samples"] = Converted(docx=docx, pdf=pdf, corrupt=corrupt, error=error)
    return _CACHE["samples"]


def sample(stem: str) -> SampleDoc:
    return next(s for s in SAMPLES if s.stem == stem)


def plain_pdf(path: Path, pages: int = 2, text: str = "Fremdes Dokument") -> Path:
    """A PDF that is neither PDF/A nor tagged and uses base-14 Helvetica (not embedded)."""
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for number in range(1, pages + 1):
        canvas.setFont("Helvetica", 12)
        canvas.drawString(72, 720, f"{text} {number}")
        canvas.showPage()
    canvas.save()
    path.write_bytes(buffer.getvalue())
    return path


# --- inspection ------------------------------------------------------------


def page_index(reader: PdfReader, ref: Any) -> int:
    """0-based index of the page that `ref` (IndirectObject or page dict) refers to."""
    target = ref.get_object() if hasattr(ref, "get_object") else ref
    for i, page in enumerate(reader.pages):
        if page.indirect_reference is not None and page.indirect_reference.idnum == getattr(
            getattr(target, "indirect_reference", None), "idnum", None
        ):
            return i
    raise AssertionError(f"reference {ref!r} is not a page")


def link_targets(reader: PdfReader, page_no: int) -> list[tuple[list[float], int]]:
    """(rect, target page index) for every /Link on a page (0-based), /Dest or /A /GoTo."""
    page = reader.pages[page_no]
    found = []
    for annot_ref in page.get("/Annots", []) or []:
        annot = annot_ref.get_object()
        if annot.get("/Subtype") != "/Link":
            continue
        dest = annot.get("/Dest")
        if dest is None and "/A" in annot:
            action = annot["/A"].get_object()
            assert action.get("/S") == "/GoTo", action
            dest = action["/D"]
        if isinstance(dest, str):
            dest = _named(reader, dest)
        dest = dest.get_object() if hasattr(dest, "get_object") else dest
        found.append(([float(v) for v in annot["/Rect"]], page_index(reader, dest[0])))
    return found


def _named(reader: PdfReader, name: str) -> ArrayObject:
    dest = reader.named_destinations[name]
    return ArrayObject([dest.page])


def outline_tree(reader: PdfReader, items: list[Any] | None = None) -> list[tuple[str, int, list[Any]]]:
    """[(title, page index, children), ...]"""
    if items is None:
        items = reader.outline
    tree: list[tuple[str, int, list[Any]]] = []
    for item in items:
        if isinstance(item, list):
            title, page, _ = tree[-1]
            tree[-1] = (title, page, outline_tree(reader, item))
        else:
            tree.append((str(item.title), reader.get_destination_page_number(item), []))
    return tree


def flatten(tree: list[tuple[str, int, list[Any]]]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for title, page, children in tree:
        out.append((title, page))
        out.extend(flatten(children))
    return out


def xmp_text(reader: PdfReader) -> str:
    return reader.root_object["/Metadata"].get_object().get_data().decode("utf-8")


def pdffonts_embedded(path: Path) -> list[tuple[str, str]]:
    """(font name, emb column) for every font pdffonts lists."""
    run = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = []
    for line in run.stdout.splitlines()[2:]:
        tokens = line.split()
        if len(tokens) >= 6:
            rows.append((tokens[0], tokens[-5]))
    return rows


def pdftotext(path: Path, *options: str) -> str:
    """poppler's `pdftotext OPTIONS path -`. It reads a copy of the file without the PDF/A output intent:
    with the intent poppler builds a colour transformation from the ICC profile for every page (1.4 s of
    the 1.5 s a Mappe of the sample takes), which changes no character of the text."""
    import io

    import pikepdf

    with pikepdf.open(path) as pdf:
        if "/OutputIntents" in pdf.Root:
            del pdf.Root.OutputIntents
        copy = io.BytesIO()
        pdf.save(copy)
    return subprocess.run(["pdftotext", *options, "-", "-"], input=copy.getvalue(), capture_output=True,
                          check=True).stdout.decode("utf-8")


def page_texts(path: Path) -> list[str]:
    """Text of every page (pdftotext -layout), index 0 = page 1."""
    pages = len(PdfReader(path).pages)
    return pdftotext(path, "-layout").split("\f")[:pages]


def word_boxes(path: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) on a 1-based page, y from the top (pdftotext -bbox)."""
    text = pdftotext(path, "-bbox", "-f", str(page), "-l", str(page))
    pattern = re.compile(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [(m[5], float(m[1]), float(m[2]), float(m[3]), float(m[4])) for m in pattern.finditer(text)]


def structure_problems(reader: PdfReader) -> list[str]:
    """Consistency of the structure tree: parents, pages, MCIDs vs. ParentTree, OBJRs."""
    problems: list[str] = []
    root = reader.root_object["/StructTreeRoot"].get_object()
    page_ids = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    parent_tree: dict[int, Any] = {}

    def walk_numbers(node: Any) -> None:
        node = node.get_object()
        nums = node.get("/Nums", [])
        for i in range(0, len(nums), 2):
            parent_tree[int(nums[i])] = nums[i + 1]
        for kid in node.get("/Kids", []):
            walk_numbers(kid)

    walk_numbers(root["/ParentTree"])
    if "/ParentTreeNextKey" in root and parent_tree and max(parent_tree) >= int(root["/ParentTreeNextKey"]):
        problems.append("ParentTreeNextKey too small")

    annots_on_page: dict[int, set[int]] = {}
    for i, page in enumerate(reader.pages):
        annots_on_page[i] = {a.idnum for a in page.get("/Annots", []) or [] if isinstance(a, IndirectObject)}

    mcids_seen = 0
    stack: list[tuple[IndirectObject, Any]] = [(k, root.indirect_reference) for k in _as_list(root.get("/K"))]
    seen: set[int] = set()
    while stack:
        ref, parent = stack.pop()
        if not isinstance(ref, IndirectObject):
            problems.append(f"direct structure element below {parent}")
            continue
        if ref.idnum in seen:
            problems.append(f"element {ref.idnum} reached twice")
            continue
        seen.add(ref.idnum)
        elem = ref.get_object()
        p = elem.get("/P")
        if not isinstance(p, IndirectObject) or p.idnum != parent.idnum:
            problems.append(f"element {ref.idnum} ({elem.get('/S')}) has wrong /P")
        pg = elem.get("/Pg")
        if pg is not None and pg.idnum not in page_ids:
            problems.append(f"element {ref.idnum} /Pg is not a page")
        for kid in _as_list(elem.get("/K")):
            obj = kid.get_object() if isinstance(kid, IndirectObject) else kid
            if isinstance(obj, int):
                if pg is None:
                    problems.append(f"MCID without /Pg in {ref.idnum}")
                    continue
                mcids_seen += 1
                key = reader.pages[page_ids[pg.idnum]].get("/StructParents")
                entry = parent_tree.get(int(key)) if key is not None else None
                array = entry.get_object() if entry is not None else None
                if not isinstance(array, ArrayObject) or int(obj) >= len(array):
                    problems.append(f"MCID {obj} of {ref.idnum} not in ParentTree")
                elif getattr(array[int(obj)], "idnum", None) != ref.idnum:
                    problems.append(f"ParentTree[{key}][{obj}] is not element {ref.idnum}")
            elif isinstance(obj, DictionaryObject) and obj.get("/Type") == "/OBJR":
                target = obj.get("/Obj")
                obj_pg = obj.get("/Pg", pg)
                if obj_pg is None or target.idnum not in annots_on_page.get(page_ids.get(obj_pg.idnum, -1), set()):
                    # XObjects are fine too; only annotations are checked here
                    if target.get_object().get("/Type") == "/Annot":
                        problems.append(f"OBJR of {ref.idnum} points to an annotation not on its page")
                        continue
                sp = target.get_object().get("/StructParent")
                if sp is not None:
                    # LibreOffice makes two Link elements (text, page number) for one
                    # TOC annotation; the annotation can only point to one of them
                    owner = parent_tree.get(int(sp))
                    owner_obj = owner.get_object() if owner is not None else None
                    if owner_obj is None or owner_obj.get("/S") != elem.get("/S") or not any(
                        isinstance(k.get_object() if isinstance(k, IndirectObject) else k, DictionaryObject)
                        and (k.get_object() if isinstance(k, IndirectObject) else k).get("/Obj") == target
                        for k in _as_list(owner_obj.get("/K"))
                    ):
                        problems.append(f"ParentTree[{sp}] is not a Link element of annotation {target}")
            elif isinstance(obj, DictionaryObject) and obj.get("/Type") == "/MCR":
                mcids_seen += 1
            elif isinstance(obj, DictionaryObject) and "/S" in obj:
                stack.append((kid, ref))
            elif obj is None or isinstance(obj, NullObject):
                continue
            else:
                problems.append(f"unexpected kid {obj!r} in {ref.idnum}")
    if mcids_seen == 0:
        problems.append("no marked content referenced at all")
    return problems


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    obj = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(obj, ArrayObject):
        return list(obj)
    return [value]


def parent_tree_problems(path: Path) -> list[str]:
    """The ParentTree seen from the pages (read with pikepdf, independent of the bundle code):

    * every page whose content marks MCIDs has /StructParents, and its key is in the ParentTree;
    * every MCID of such a page has an entry there, and every entry of a page's array is a
      structure element that claims this MCID on this page (as a number with its /Pg, or as
      an MCR with its own or the element's /Pg);
    * every annotation's /StructParent key leads to an element with an OBJR for it;
    * /ParentTreeNextKey is above every key.
    """
    import pikepdf

    problems: list[str] = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root.StructTreeRoot
        tree: dict[int, Any] = {}
        stack = [root.ParentTree]
        while stack:
            node = stack.pop()
            nums = node.get("/Nums")
            if nums is not None:
                for i in range(0, len(nums), 2):
                    if int(nums[i]) in tree:
                        problems.append(f"ParentTree key {int(nums[i])} twice")
                    tree[int(nums[i])] = nums[i + 1]
            stack.extend(node.get("/Kids", []))
        if tree and max(tree) >= int(root.get("/ParentTreeNextKey", 0)):
            problems.append("ParentTreeNextKey too small")

        def same(a: Any, b: Any) -> bool:
            return a is not None and b is not None and a.objgen == b.objgen

        def claims(elem: Any, page: Any, mcid: int) -> bool:
            kids = elem.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            for kid in kids:
                if isinstance(kid, int) and int(kid) == mcid and same(elem.get("/Pg"), page):
                    return True
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR" and int(kid.MCID) == mcid:
                    if same(kid.get("/Pg", elem.get("/Pg")), page):
                        return True
            return False

        for number, page in enumerate(pdf.pages, start=1):
            mcids = []
            for operands, _ in pikepdf.parse_content_stream(page, "BDC"):
                props = operands[1] if len(operands) > 1 else None
                if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                    mcids.append(int(props.MCID))
            key = page.obj.get("/StructParents")
            if mcids:
                if key is None:
                    problems.append(f"page {number}: MCIDs but no /StructParents")
                    continue
                if int(key) not in tree:
                    problems.append(f"page {number}: /StructParents {int(key)} not in the ParentTree")
                    continue
                array = tree[int(key)]
                for mcid in mcids:
                    if mcid >= len(array) or not isinstance(array[mcid], pikepdf.Dictionary):
                        problems.append(f"page {number}: MCID {mcid} has no element in the ParentTree")
            if key is not None and int(key) in tree:
                array = tree[int(key)]
                if not isinstance(array, pikepdf.Array):
                    problems.append(f"page {number}: ParentTree entry {int(key)} is no array")
                    continue
                for mcid, elem in enumerate(array):
                    if elem is None or not isinstance(elem, pikepdf.Dictionary):
                        continue
                    if not claims(elem, page.obj, mcid):
                        problems.append(f"page {number}: ParentTree[{int(key)}][{mcid}] ({elem.get('/S')}) "
                                        "does not claim that MCID on this page")
            for annot in page.obj.get("/Annots", []):
                sp = annot.get("/StructParent")
                if sp is None:
                    continue
                elem = tree.get(int(sp))
                kids = elem.get("/K") if isinstance(elem, pikepdf.Dictionary) else None
                kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
                if not any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR" and same(k.get("/Obj"), annot)
                           for k in kids):
                    problems.append(f"page {number}: annotation's /StructParent {int(sp)} is not its element")
    return problems


def qpdf_check(path: Path) -> str:
    """`qpdf --check`: its report; raises if qpdf finds errors or warnings (exit status 2 or 3)."""
    run = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def figure_alts(path: Path) -> list[str]:
    """The /Alt texts of every /Figure element in the structure tree, in tree order (pikepdf)."""
    import pikepdf

    alts: list[str] = []
    with pikepdf.open(path) as pdf:
        stack = [pdf.Root.StructTreeRoot.get("/K")]
        seen: set[tuple[int, int]] = set()
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(reversed(list(node)))
                continue
            if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
                continue
            if node.is_indirect:
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            if node.S == "/Figure":
                alts.append(str(node.get("/Alt", "")))
            stack.append(node.get("/K"))
    return alts
