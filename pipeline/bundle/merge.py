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
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    Fit,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from .. import __version__
from ..convert import read_pdfa_id
from ..errors import BundleError, Location
from .layout import Front, register_fonts, render_front, render_stamps
from .spec import BundleDocument, BundleEntry, BundleResult, BundleSpec

PRODUCER = f"IKZ-Dokumentenpipeline {__version__} (pypdf, ReportLab)"


def _indirect(writer: PdfWriter, obj: PdfObject) -> IndirectObject:
    """Add `obj` to `writer` as an indirect object. pypdf has no public call for this;
    its internal ``PdfWriter._add_object`` (pypdf 5–7, pinned in pyproject.toml) is used
    here and nowhere else."""
    return writer._add_object(obj)  # noqa: SLF001


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
        self.root_ref = _indirect(writer, self.root)
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
        ref = _indirect(self.writer, elem)
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

    def add_front(self, front: Front, page_refs: list[IndirectObject],
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
            self.parent_tree.append((key, _indirect(self.writer, array)))

    def add_document(self, reader: PdfReader, title: str, page_refs: list[IndirectObject]) -> None:
        """Clone the structure of `reader` (its pages are already in the writer)."""
        writer = self.writer
        source_root = reader.root_object["/StructTreeRoot"].get_object()
        # "/P" is not cloned: it would drag in the source's StructTreeRoot; it is set below.
        kids = [kid.clone(writer, False, ["/P"]) for kid in _as_list(source_root.get("/K"))]
        kids = [k if isinstance(k, IndirectObject) else _indirect(writer, k) for k in kids]
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
        self.root[NameObject("/ParentTree")] = _indirect(self.writer, parent_tree)
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
    register_fonts()
    readers: list[PdfReader] = []
    for doc in spec.documents:
        reader = _open(doc)
        if any(r is reader for r in readers):  # the same file twice: each copy needs its own objects
            reader = _open_uncached(doc)
        readers.append(reader)
    sizes = [len(r.pages) for r in readers]
    moment = dt.datetime.now().astimezone().replace(microsecond=0)
    day = spec.date or moment.date()

    front_pdf, front, first_pages, total = render_front(spec, sizes, day)
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
        ref = _indirect(writer, annot)
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
    stamps = PdfReader(io.BytesIO(render_stamps([(g[0], g[1]) for g in geometry])))
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
    writer.root_object[NameObject("/Metadata")] = _indirect(writer, metadata)
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
