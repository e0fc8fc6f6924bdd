"""Merge PDFs into one bundle (Mappe) with cover, linked index, bookmarks and page stamps.

The object work is done by qpdf through pikepdf. The bundle stays PDF/A-2b when
all documents are (as produced by pipeline.convert): XMP with pdfaid, the
OutputIntent, a file /ID, Info and XMP in sync, only embedded fonts (cover,
index and stamps are drawn by ReportLab with an embedded TrueType font). It
stays tagged as well: the structure trees of the documents are merged below one
/Document element (each document becomes a /Part with its title), cover and
index get their own structure elements, the page stamps are marked as
pagination artifacts.

Why a working file: copying a document's pages and structure tree into a PDF
is qpdf's work per object (the structure tree is most of the objects), and a
council's bundle repeats the annual report and the project documents that the
other bundles hold too. So every member document is copied once per process
into one working file (`Bundler`), with its own fixed range of ParentTree keys,
its subset tags made unique, its named destinations made explicit and a stamp
slot on each page. A bundle is then only what differs between bundles: the page
tree, cover and index, bookmarks, the /Document element above the members'
/Part elements, the ParentTree's root, the stamps' content and the metadata.
qpdf writes what the catalog reaches, nothing else of the working file. (pikepdf
copies stream data at once, so a source is closed right after it is copied in.)
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Page, Pdf, String

from .. import __version__
from ..convert import read_pdfa_id
from ..errors import BundleError, Location
from ..tagging import add_pdfua_identification, set_tabs
from .layout import Front, register_fonts, render_front, render_stamps
from .spec import BundleDocument, BundleEntry, BundleResult, BundleSpec

PRODUCER = f"IKZ-Dokumentenpipeline {__version__} (pikepdf, ReportLab)"

# The working file is started afresh before a bundle once it holds about this many
# objects (members' objects plus what earlier bundles left behind), about 1.5 KiB
# each in qpdf: some 450 MiB, enough for every document of a Kreis with 150 projects.
WORKING_FILE_OBJECTS = 300_000

_XMP_SKELETON = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
    ' xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
    ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">\n'
    '  <rdf:Description rdf:about=""/>\n'
    ' </rdf:RDF>\n'
    '</x:xmpmeta>\n'
    '<?xpacket end="w"?>'
).encode("utf-8")
_STAMP = "IkzMappenstempel"  # name of the stamp XObject in each page's resources
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
_PDF_ERRORS = (pikepdf.PdfError, ValueError, KeyError, TypeError, AttributeError, IndexError)

# ---------------------------------------------------------------------------
# helpers for PDF objects


def _items(value: Any) -> list[Any]:
    """The elements of an array, a single object as a list of one, nothing as []."""
    if value is None:
        return []
    if isinstance(value, Array):
        return list(value)
    return [value]


def _number_tree(node: Any, depth: int = 0) -> Iterator[tuple[int, Any]]:
    if depth > 64 or not isinstance(node, Dictionary):
        return
    nums = node.get("/Nums")
    if isinstance(nums, Array):
        for i in range(0, len(nums) - 1, 2):
            yield int(nums[i]), nums[i + 1]
    for kid in _items(node.get("/Kids")):
        yield from _number_tree(kid, depth + 1)


def _visual_size(page: Dictionary) -> tuple[float, float, float, float, float, float, int]:
    box = page.get("/CropBox") or page.get("/MediaBox") or Array([0, 0, 595.28, 841.89])
    x0, y0, x1, y1 = (float(v) for v in box)
    x0, x1 = min(x0, x1), max(x0, x1)
    y0, y1 = min(y0, y1), max(y0, y1)
    w, h = x1 - x0, y1 - y0
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


def _push_inherited(page: Dictionary) -> None:
    """Put what a page inherits from its /Pages ancestors onto the page itself
    (in the opened source, in memory): the copy leaves the source's page tree behind."""
    missing = [key for key in _INHERITED if key not in page]
    node = page.get("/Parent")
    depth = 0
    while missing and isinstance(node, Dictionary) and depth < 64:
        for key in [k for k in missing if k in node]:
            page[key] = node[key]
            missing.remove(key)
        node = node.get("/Parent")
        depth += 1


class _NamedDestinations:
    """Resolves named destinations of a source (/Names /Dests and the older /Dests)."""

    def __init__(self, pdf: Pdf):
        self.pdf = pdf
        self._tree: Any = False

    def resolve(self, name: Any) -> Array | None:
        if self._tree is False:
            names = self.pdf.Root.get("/Names")
            dests = names.get("/Dests") if isinstance(names, Dictionary) else None
            self._tree = pikepdf.NameTree(dests) if isinstance(dests, Dictionary) else None
        value = None
        key = str(name)
        if self._tree is not None and key in self._tree:
            value = self._tree[key]
        legacy = self.pdf.Root.get("/Dests")
        if value is None and isinstance(legacy, Dictionary):
            value = legacy.get("/" + key.lstrip("/"))
        if isinstance(value, Dictionary):
            value = value.get("/D")
        return value if isinstance(value, Array) else None


def _explicit(holder: Dictionary, named: _NamedDestinations) -> None:
    """Replace a named destination of a link or an outline item by the explicit one:
    the bundle has no name tree (the members' names would collide)."""
    dest = holder.get("/Dest")
    if isinstance(dest, (String, Name)):
        resolved = named.resolve(dest)
        if resolved is not None:
            holder["/Dest"] = resolved
        else:
            del holder["/Dest"]
    action = holder.get("/A")
    if isinstance(action, Dictionary) and action.get("/S") == Name.GoTo:
        target = action.get("/D")
        if isinstance(target, (String, Name)):
            resolved = named.resolve(target)
            if resolved is not None:
                action["/D"] = resolved


def _outline_items(first: Any, limit: int = 100_000) -> Iterator[Dictionary]:
    """An outline level: the item `first` and its /Next siblings (loops are cut)."""
    seen: set[tuple[int, int]] = set()
    item = first
    while isinstance(item, Dictionary) and len(seen) < limit:
        if item.is_indirect:
            if item.objgen in seen:
                return
            seen.add(item.objgen)
        yield item
        item = item.get("/Next")


def _visible(items: Sequence[Dictionary]) -> int:
    """Items shown when their parent is open: each item, and below it if it is open."""
    total = 0
    for item in items:
        count = int(item.get("/Count", 0) or 0)
        total += 1 + max(count, 0)
    return total


def _tag_letters(n: int) -> str:
    letters = []
    for _ in range(6):
        n, r = divmod(n, 26)
        letters.append(chr(ord("A") + r))
    return "".join(reversed(letters))


class _SubsetTags:
    """Gives every embedded font subset in the working file its own tag ("ABCDEF+Name").

    Each source PDF numbers its subsets from AAAAAA (ReportLab too), so a bundle would
    contain different subsets with the same name, which the PDF specification forbids
    and which makes some printers and viewers use the wrong glyphs.
    """

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.counter = 0

    def fresh(self) -> str:
        while True:
            tag = _tag_letters(self.counter)
            self.counter += 1
            if tag not in self.used:
                self.used.add(tag)
                return tag

    def claim(self, font: Dictionary) -> None:
        base = str(font.get("/BaseFont", ""))[1:]
        tag, plus, _ = base.partition("+")
        if not plus or len(tag) != 6 or not tag.isalpha() or not tag.isupper():
            return
        if tag not in self.used:
            self.used.add(tag)
            return
        new = self.fresh()
        targets = [font, *(d for d in _items(font.get("/DescendantFonts")) if isinstance(d, Dictionary))]
        for target in targets:
            for obj, key in ((target, "/BaseFont"), (target.get("/FontDescriptor"), "/FontName")):
                if isinstance(obj, Dictionary):
                    value = str(obj.get(key, ""))
                    if value.startswith("/" + tag + "+"):
                        obj[key] = Name("/" + new + value[len(tag) + 1:])


def _walk_resources(resources: Any, tags: _SubsetTags, offset: int, seen: set[tuple[int, int]],
                    depth: int = 0) -> None:
    """Fonts get unique subset tags; form XObjects' structure keys move by `offset`."""
    if depth > 8 or not isinstance(resources, Dictionary):
        return
    if resources.is_indirect:
        if resources.objgen in seen:
            return
        seen.add(resources.objgen)
    fonts = resources.get("/Font")
    if isinstance(fonts, Dictionary):
        for _, font in fonts.items():
            if not isinstance(font, Dictionary):
                continue
            if font.is_indirect:
                if font.objgen in seen:
                    continue
                seen.add(font.objgen)
            tags.claim(font)
            if "/Resources" in font:  # Type 3
                _walk_resources(font.get("/Resources"), tags, offset, seen, depth + 1)
    xobjects = resources.get("/XObject")
    if isinstance(xobjects, Dictionary):
        for _, xobject in xobjects.items():
            if not isinstance(xobject, pikepdf.Stream) or not xobject.is_indirect or xobject.objgen in seen:
                continue
            seen.add(xobject.objgen)
            for key in ("/StructParents", "/StructParent"):
                if key in xobject:
                    xobject[key] = int(xobject[key]) + offset
            _walk_resources(xobject.get("/Resources"), tags, offset, seen, depth + 1)


# ---------------------------------------------------------------------------
# member documents in the working file


@dataclass(eq=False)
class _Member:
    """One copy of a source document in the working file."""

    pages: list[Dictionary]
    slots: list[pikepdf.Stream]  # per page: the XObject its stamp is drawn into
    geometry: list[tuple[float, float, float, float, float, float, int]]
    tagged: bool
    part: Dictionary | None  # becomes the member's /Part below the bundle's /Document
    parent_tree: Dictionary | None  # number-tree leaf with the member's keys (its own range)
    first_key: int
    role_map: list[tuple[str, Any]]
    class_map: list[tuple[str, Any]]
    outline: list[Dictionary]  # the top level of the member's own bookmarks
    outline_visible: int
    pdfa_part: int | None
    output_intents: Array | None
    objects: int


def _open_source(doc: BundleDocument) -> Pdf:
    path = Path(doc.pdf)
    where = Location(file=path)
    if not path.is_file():
        raise BundleError(f"Die PDF-Datei »{path.name}« für »{doc.title}« fehlt ({path}).", where)
    try:
        source = pikepdf.open(path)
    except pikepdf.PasswordError as exc:
        raise BundleError(
            f"Die PDF-Datei »{path.name}« für »{doc.title}« ist verschlüsselt und kann nicht in die Mappe übernommen werden.",
            where,
        ) from exc
    except (*_PDF_ERRORS, OSError) as exc:
        raise BundleError(
            f"Die PDF-Datei »{path.name}« für »{doc.title}« ist beschädigt oder keine PDF-Datei ({exc}).", where
        ) from exc
    try:
        if source.is_encrypted:
            raise BundleError(
                f"Die PDF-Datei »{path.name}« für »{doc.title}« ist verschlüsselt und kann nicht in die Mappe übernommen werden.",
                where,
            )
        try:
            count = len(source.pages)
        except _PDF_ERRORS as exc:
            raise BundleError(
                f"Die PDF-Datei »{path.name}« für »{doc.title}« ist beschädigt oder keine PDF-Datei ({exc}).", where
            ) from exc
        if count == 0:
            raise BundleError(f"Die PDF-Datei »{path.name}« für »{doc.title}« hat keine Seiten.", where)
    except BundleError:
        source.close()
        raise
    return source


def _is_tagged(source: Pdf) -> bool:
    root = source.Root
    mark = root.get("/MarkInfo")
    return (
        isinstance(root.get("/StructTreeRoot"), Dictionary)
        and isinstance(mark, Dictionary)
        and bool(mark.get("/Marked", False))
    )


def _pdfa_part(source: Pdf) -> int | None:
    metadata = source.Root.get("/Metadata")
    if not isinstance(metadata, pikepdf.Stream):
        return None
    try:
        return read_pdfa_id(metadata.read_bytes())[0]
    except _PDF_ERRORS:
        return None


# ---------------------------------------------------------------------------
# the working file


@dataclass
class _FrontPages:
    """Cover and index of a bundle, copied into the working file."""

    layout: Front  # what was drawn where: the index's links, the marked content to tag
    pages: list[Dictionary]
    geometry: list[tuple[float, float, float, float, float, float, int]]
    slots: list[pikepdf.Stream]  # per page: the XObject its stamp is drawn into
    first_pages: list[int]  # the page each member document starts on (1-based)
    total: int  # pages of the whole bundle


def _pdfa_claim(members: list[_Member]) -> tuple[tuple[int, str] | None, Array | None]:
    """The bundle's PDF/A claim and output intents. PDF/A is claimed only if every document claims it:
    the highest part of them (PDF/A-1 content is valid PDF/A-2), conformance B (the merged structure is
    not checked against the stricter level A)."""
    parts = [m.pdfa_part for m in members]
    intents = next((m.output_intents for m in members if m.output_intents is not None), None)
    pdfa: tuple[int, str] | None = None
    if intents is not None and all(part is not None for part in parts):
        pdfa = (max(part for part in parts if part is not None), "B")
    return pdfa, intents


def _struct_element(pdf: Pdf, role: str, parent: Dictionary, kids: list[Any], *, title: str | None = None,
                    page: Dictionary | None = None) -> tuple[Dictionary, list[Any]]:
    """A new structure element `role` below `parent`, appended to the parent's `kids`; returns it with
    the list of its own kids (set as its /K once complete)."""
    elem = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + role), P=parent))
    if title:
        elem["/T"] = String(title)
    if page is not None:
        elem["/Pg"] = page
    kids.append(elem)
    return elem, []


def _member_parts(spec: BundleSpec, members: list[_Member], document: Dictionary,
                  document_kids: list[Any]) -> tuple[list[Dictionary], dict[str, Any], dict[str, Any]]:
    """Each tagged member's /Part below the bundle's /Document (titled as in the index), appended to
    `document_kids`. Returns the members' ParentTree leaves and their role and class maps merged (the
    first member's entry wins)."""
    role_map: dict[str, Any] = {}
    class_map: dict[str, Any] = {}
    leaves = []
    for doc, member in zip(spec.documents, members):
        part = member.part
        if part is None:
            continue
        part["/P"] = document
        part["/T"] = String(doc.title)
        document_kids.append(part)
        if member.parent_tree is not None:
            leaves.append(member.parent_tree)
        for name, value in member.role_map:
            role_map.setdefault(name, value)
        for name, value in member.class_map:
            class_map.setdefault(name, value)
    return leaves, role_map, class_map


class Bundler:
    """Builds bundles in one working file; each member document is copied into it once.

    Not thread-safe; meant to live in one process (see `build_bundle`). The working
    file starts afresh when it has grown past `max_objects` and after any error.
    """

    def __init__(self, max_objects: int = WORKING_FILE_OBJECTS):
        self.max_objects = max_objects
        self._start()

    def _start(self) -> None:
        self.pdf = pikepdf.new()
        self.members: dict[tuple[str, int, int], list[_Member]] = {}
        self.next_key = 0  # first ParentTree key of the next member copied in
        self.tags = _SubsetTags()
        self.objects = 0
        self._wrappers: dict[str, tuple[pikepdf.Stream, pikepdf.Stream]] = {}

    def close(self) -> None:
        self.pdf.close()
        self.members = {}

    def reset(self) -> None:
        self.close()
        self._start()

    # -- members ----------------------------------------------------------------

    def _members_for(self, documents: Sequence[BundleDocument]) -> list[_Member]:
        """The copies for a bundle's documents; a document listed twice needs a second copy."""
        taken: dict[tuple[str, int, int], int] = {}
        result = []
        for doc in documents:
            path = Path(doc.pdf)
            try:
                st = path.stat()
            except OSError:
                raise BundleError(
                    f"Die PDF-Datei »{path.name}« für »{doc.title}« fehlt ({path}).", Location(file=path)
                ) from None
            key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
            n = taken.get(key, 0)
            taken[key] = n + 1
            copies = self.members.setdefault(key, [])
            while len(copies) <= n:
                copies.append(self._copy_in(doc))
            result.append(copies[n])
        return result

    def _wrapper(self, name: str) -> tuple[pikepdf.Stream, pikepdf.Stream]:
        """Content streams put before and after a page's own: q … Q /stamp Do."""
        if name not in self._wrappers:
            self._wrappers[name] = (
                self.pdf.make_stream(b"q\n"),
                # the stamp is page furniture: painted inside an artifact (PDF/UA-1 7.1)
                self.pdf.make_stream(b"\nQ\n/Artifact BMC /" + name.encode("ascii") + b" Do EMC\n"),
            )
        return self._wrappers[name]

    def _add_slot(self, page: Dictionary, geometry: tuple[float, ...]) -> pikepdf.Stream:
        """Give the page an empty form XObject drawn over its content; each bundle
        writes the page's stamp into it."""
        vw, vh, x0, y0, w, h, rotation = geometry
        slot = self.pdf.make_stream(b"")
        slot["/Type"] = Name.XObject
        slot["/Subtype"] = Name.Form
        slot["/BBox"] = Array([0, 0, vw, vh])
        slot["/Matrix"] = Array(_stamp_matrix(x0, y0, w, h, rotation))
        resources = page.get("/Resources")
        resources = Dictionary(resources) if isinstance(resources, Dictionary) else Dictionary()
        xobjects = resources.get("/XObject")
        xobjects = Dictionary(xobjects) if isinstance(xobjects, Dictionary) else Dictionary()
        name, n = _STAMP, 1
        while "/" + name in xobjects:
            n += 1
            name = f"{_STAMP}{n}"
        xobjects["/" + name] = slot
        resources["/XObject"] = xobjects
        page["/Resources"] = resources
        before, after = self._wrapper(name)
        page["/Contents"] = Array([before, *_items(page.get("/Contents")), after])
        return slot

    def _copy_in(self, doc: BundleDocument) -> _Member:
        path = Path(doc.pdf)
        # pikepdf copies objects with their stream data at once: the source can be closed
        with _open_source(doc) as source:
            try:
                return self._copy_source(source)
            except BundleError:
                raise
            except _PDF_ERRORS as exc:
                raise BundleError(
                    f"Die PDF-Datei »{path.name}« für »{doc.title}« ist beschädigt ({exc}).", Location(file=path)
                ) from exc

    def _copy_source(self, source: Pdf) -> _Member:
        pdf = self.pdf
        root = source.Root
        named = _NamedDestinations(source)
        source_pages = [page.obj for page in source.pages]
        for page in source_pages:
            _push_inherited(page)
            for annot in _items(page.get("/Annots")):
                if isinstance(annot, Dictionary):
                    _explicit(annot, named)
        outlines = root.get("/Outlines")
        top: list[Dictionary] = []
        if isinstance(outlines, Dictionary):
            stack = list(_outline_items(outlines.get("/First")))
            top = list(stack)
            seen: set[tuple[int, int]] = set()
            while stack:
                item = stack.pop()
                if item.is_indirect:
                    if item.objgen in seen:
                        continue
                    seen.add(item.objgen)
                _explicit(item, named)
                stack.extend(_outline_items(item.get("/First")))

        # pages first (each on its own: qpdf copies a page only as the top object), then
        # the rest in one go; references to the source's pages land on the copies
        pages = [pdf.copy_foreign(page) for page in source_pages]
        tagged = _is_tagged(source)
        intents = root.get("/OutputIntents")
        holder = Dictionary(Outline=Array(top))
        if tagged:
            holder["/Structure"] = root.StructTreeRoot
        if isinstance(intents, Array):
            holder["/Intents"] = intents
        copied = pdf.copy_foreign(source.make_indirect(holder))

        offset = self.next_key
        part, leaf, role_map, class_map = None, None, [], []
        key_count = 0
        if tagged:
            structure = copied.Structure
            part, leaf, key_count = self._copy_structure(structure, offset)
            role_map = list((structure.get("/RoleMap") or Dictionary()).items())
            class_map = list((structure.get("/ClassMap") or Dictionary()).items())

        seen_resources: set[tuple[int, int]] = set()
        geometry = []
        slots = []
        for page in pages:
            if tagged and "/StructParents" in page:
                page["/StructParents"] = int(page.StructParents) + offset
            for annot in _items(page.get("/Annots")):
                if tagged and isinstance(annot, Dictionary) and "/StructParent" in annot:
                    annot["/StructParent"] = int(annot.StructParent) + offset
            _walk_resources(page.get("/Resources"), self.tags, offset if tagged else 0, seen_resources)
            size = _visual_size(page)
            geometry.append(size)
            slots.append(self._add_slot(page, size))
        self.next_key = offset + key_count

        outline = list(_outline_items(copied.Outline[0])) if len(copied.Outline) else []
        intents_copy = copied.get("/Intents")
        objects = int(source.trailer.get("/Size", 0) or 0) + 3 * len(pages)
        self.objects += objects
        return _Member(
            pages=pages, slots=slots, geometry=geometry, tagged=tagged, part=part,
            parent_tree=leaf, first_key=offset, role_map=role_map, class_map=class_map,
            outline=outline, outline_visible=_visible(outline), pdfa_part=_pdfa_part(source),
            output_intents=pdf.make_indirect(intents_copy) if isinstance(intents_copy, Array) else None,
            objects=objects,
        )

    def _copy_structure(self, structure: Dictionary, offset: int) -> tuple[Dictionary, Dictionary | None, int]:
        """The copied structure tree: its top element as the member's /Part, its ParentTree
        as a number-tree leaf with keys from `offset`; returns (part, leaf, keys used)."""
        pdf = self.pdf
        kids = [kid if kid.is_indirect else pdf.make_indirect(kid)
                for kid in _items(structure.get("/K")) if isinstance(kid, Dictionary)]
        if len(kids) == 1 and kids[0].get("/S") == Name.Document:
            part = kids[0]
            part["/S"] = Name.Part
        else:
            part = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Part, K=Array(kids)))
            for kid in kids:
                kid["/P"] = part
        entries = sorted(_number_tree(structure.get("/ParentTree")), key=lambda item: item[0])
        highest = entries[-1][0] if entries else -1
        declared = structure.get("/ParentTreeNextKey")
        count = max(highest + 1, int(declared) if declared is not None else 0)
        leaf = None
        if entries:
            nums: list[Any] = []
            for key, value in entries:
                nums.append(key + offset)
                nums.append(value)
            leaf = pdf.make_indirect(Dictionary(
                Nums=Array(nums), Limits=Array([entries[0][0] + offset, highest + offset])))
        return part, leaf, count

    # -- a bundle ----------------------------------------------------------------

    def build(self, spec: BundleSpec, out: Path) -> BundleResult:
        """Write the bundle for `spec` to `out` (atomically) and describe it."""
        out = Path(out)
        if not spec.documents:
            raise BundleError(f"Die Mappe »{spec.title}« enthält keine Dokumente.")
        register_fonts()
        if self.objects > self.max_objects:
            self.reset()
        try:
            return self._build(spec, out)
        except BaseException:
            self.reset()  # a failed bundle may leave the working file half changed
            raise

    def _build(self, spec: BundleSpec, out: Path) -> BundleResult:
        """Make the working file this bundle (page tree, cover and index, links, bookmarks, structure
        tree, stamps, metadata) and write it."""
        pdf = self.pdf
        members = self._members_for(spec.documents)
        sizes = [len(m.pages) for m in members]
        moment = dt.datetime.now().astimezone().replace(microsecond=0)
        front = self._front(spec, sizes, moment.date() if spec.date is None else spec.date)
        self.objects += 10 * len(front.pages) + 2 * len(members)  # cover, index, links, bookmarks

        all_pages = front.pages + [page for m in members for page in m.pages]
        if len(all_pages) != front.total:
            raise BundleError(f"Interner Fehler: {len(all_pages)} statt {front.total} Seiten in der Mappe »{spec.title}«.")
        starts = [first - 1 for first in front.first_pages]

        # the page tree holds exactly this bundle's pages
        del pdf.pages[:]
        pdf.pages.extend(Page(page) for page in all_pages)

        catalog = pdf.Root
        for key in list(catalog.keys()):
            if key not in ("/Type", "/Pages"):
                del catalog[key]

        annots = self._links(spec, front.layout, all_pages, starts, front.first_pages)
        catalog["/Outlines"] = self._outline(spec, members, all_pages, starts)

        tagged = all(m.tagged for m in members)
        if tagged:
            catalog["/StructTreeRoot"] = self._structure(spec, front.layout, members, front.pages, annots)
            catalog["/MarkInfo"] = Dictionary(Marked=True)

        self._stamp(spec, front.geometry + [g for m in members for g in m.geometry],
                    front.slots + [s for m in members for s in m.slots])

        pdfa, intents = _pdfa_claim(members)
        if intents is not None:
            catalog["/OutputIntents"] = intents
        if spec.lang:
            catalog["/Lang"] = String(spec.lang)
        catalog["/ViewerPreferences"] = Dictionary(DisplayDocTitle=True)
        catalog["/PageMode"] = Name.UseOutlines
        self._metadata(spec, moment, pdfa, tagged)
        set_tabs(pdf)  # the members' links and the index's

        self._write(spec, out)
        entries = tuple(
            BundleEntry(doc.title, first, size) for doc, first, size in zip(spec.documents, front.first_pages, sizes)
        )
        return BundleResult(path=out, pages=front.total, entries=entries, pdfa_part=pdfa[0] if pdfa else None,
                            tagged=tagged)

    def _front(self, spec: BundleSpec, sizes: list[int], day: dt.date) -> _FrontPages:
        """Cover and index, drawn by ReportLab, copied into the working file, each page with a stamp slot."""
        pdf = self.pdf
        front_bytes, layout, first_pages, total = render_front(spec, sizes, day)
        with pikepdf.open(io.BytesIO(front_bytes)) as front_source:
            pages = [pdf.copy_foreign(page.obj) for page in front_source.pages]
        seen: set[tuple[int, int]] = set()
        geometry = []
        slots = []
        for page in pages:
            _walk_resources(page.get("/Resources"), self.tags, 0, seen)
            size = _visual_size(page)
            geometry.append(size)
            slots.append(self._add_slot(page, size))
        return _FrontPages(layout=layout, pages=pages, geometry=geometry, slots=slots, first_pages=first_pages,
                           total=total)

    def _stamp(self, spec: BundleSpec, geometry: list[tuple[float, float, float, float, float, float, int]],
               slots: list[pikepdf.Stream]) -> None:
        """The page stamps »Mappe · Seite N von M«, drawn by ReportLab, into each page's slot."""
        pdf = self.pdf
        with pikepdf.open(io.BytesIO(render_stamps([(g[0], g[1]) for g in geometry]))) as stamps:
            stamp_pages = [page.obj for page in stamps.pages]
            if len(stamp_pages) != len(slots):  # a slot left out would show an earlier bundle's stamp
                raise BundleError(f"Interner Fehler: {len(stamp_pages)} Seitenstempel für {len(slots)} Seiten "
                                  f"in der Mappe »{spec.title}«.")
            resources = pdf.copy_foreign(stamps.make_indirect(Array([page.Resources for page in stamp_pages])))
            for slot, stamp, res in zip(slots, stamp_pages, resources):
                slot.write(stamp.Contents.read_bytes())
                slot["/Resources"] = res
        for font in self._fonts(resources):
            self.tags.claim(font)

    def _write(self, spec: BundleSpec, out: Path) -> None:
        """Save the working file's bundle to `out`, atomically; German errors for a full disk or a source
        whose streams turn out broken (qpdf reads stream data only now)."""
        pdf = self.pdf
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        try:
            with tmp.open("wb") as handle:
                pdf.save(
                    handle,
                    min_version="1.7",
                    fix_metadata_version=False,
                    # /ID: qpdf's MD5 of the time, the output and the Info entries (the bundle's
                    # title and creation time); deterministic_id (an MD5 of the whole output) would
                    # cost a fifth of the saving time
                    # streams are copied as they are (no decoding and compressing again)
                    stream_decode_level=pikepdf.StreamDecodeLevel.none,
                    # no object streams: they would halve the file (PDF/A-2 allows them), but
                    # pyHanko then takes about 15 % longer to sign (it parses them in Python),
                    # more than the whole merge costs; PDF/A-1 forbids them anyway
                    object_stream_mode=pikepdf.ObjectStreamMode.disable,
                )
            os.replace(tmp, out)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise BundleError(f"Die Mappe »{out.name}« konnte nicht geschrieben werden: {exc}", Location(file=out)) from exc
        except _PDF_ERRORS as exc:
            # qpdf reads stream data only now: a broken stream of a source shows up here
            tmp.unlink(missing_ok=True)
            names = ", ".join(f"»{Path(d.pdf).name}«" for d in spec.documents)
            raise BundleError(
                f"Die Mappe »{out.name}« konnte nicht geschrieben werden, eine der PDF-Dateien ist beschädigt "
                f"({names}): {exc}",
                Location(file=out),
            ) from exc

    @staticmethod
    def _fonts(resources: Array) -> Iterator[Dictionary]:
        seen: set[tuple[int, int]] = set()
        for res in resources:
            fonts = res.get("/Font") if isinstance(res, Dictionary) else None
            for _, font in (fonts.items() if isinstance(fonts, Dictionary) else ()):
                if isinstance(font, Dictionary) and font.is_indirect and font.objgen not in seen:
                    seen.add(font.objgen)
                    yield font

    def _links(self, spec: BundleSpec, front: Front, pages: list[Dictionary], starts: list[int],
               first_pages: list[int]) -> dict[int, Dictionary]:
        """Index links (/Link with /GoTo to the first page of each document)."""
        pdf = self.pdf
        annots: dict[int, Dictionary] = {}
        per_page: dict[int, list[Dictionary]] = {}
        for box in front.links:
            page = pages[box.page]
            annot = pdf.make_indirect(Dictionary(
                Type=Name.Annot,
                Subtype=Name.Link,
                Rect=Array([round(v, 2) for v in box.rect]),
                Border=Array([0, 0, 0]),
                F=4,  # print (PDF/A)
                P=page,
                Contents=String(f"{spec.documents[box.entry].title}, Seite {first_pages[box.entry]}"),
                A=Dictionary(S=Name.GoTo, D=Array([pages[starts[box.entry]], Name.Fit])),
            ))
            per_page.setdefault(box.page, []).append(annot)
            annots[box.entry] = annot
        for index, page_annots in per_page.items():
            page = pages[index]
            page["/Annots"] = Array([*_items(page.get("/Annots")), *page_annots])
            page["/Tabs"] = Name.S
        return annots

    def _outline(self, spec: BundleSpec, members: list[_Member], pages: list[Dictionary],
                 starts: list[int]) -> Dictionary:
        """Bookmarks: one per document (closed), its own bookmarks below."""
        pdf = self.pdf
        root = pdf.make_indirect(Dictionary(Type=Name.Outlines))
        items = []
        for doc, member, start in zip(spec.documents, members, starts):
            item = pdf.make_indirect(Dictionary(
                Title=String(doc.title), Parent=root, Dest=Array([pages[start], Name.Fit])))
            if member.outline:
                item["/First"] = member.outline[0]
                item["/Last"] = member.outline[-1]
                item["/Count"] = -member.outline_visible
                for child in member.outline:
                    child["/Parent"] = item
            items.append(item)
        for prev, nxt in zip(items, items[1:]):
            prev["/Next"] = nxt
            nxt["/Prev"] = prev
        root["/First"] = items[0]
        root["/Last"] = items[-1]
        root["/Count"] = len(items)
        return root

    def _structure(self, spec: BundleSpec, front: Front, members: list[_Member],
                   front_pages: list[Dictionary], annots: dict[int, Dictionary]) -> Dictionary:
        """The bundle's structure tree: /Document with cover, index and one /Part per member."""
        pdf = self.pdf
        root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root, T=String(spec.title)))
        if spec.lang:
            document["/Lang"] = String(spec.lang)
        root["/K"] = Array([document])
        document_kids: list[Any] = []
        nums, key = self._front_structure(spec, front, document, document_kids, front_pages, annots)
        leaves, role_map, class_map = _member_parts(spec, members, document, document_kids)
        document["/K"] = Array(document_kids)
        leaves.sort(key=lambda leaf: int(leaf.Limits[0]))
        if nums:
            leaves.append(pdf.make_indirect(Dictionary(Nums=Array(nums), Limits=Array([self.next_key, key - 1]))))
        root["/ParentTree"] = pdf.make_indirect(Dictionary(Kids=Array(leaves)))
        root["/ParentTreeNextKey"] = key
        if role_map:
            root["/RoleMap"] = Dictionary(role_map)
        if class_map:
            root["/ClassMap"] = Dictionary(class_map)
        return root

    def _front_structure(self, spec: BundleSpec, front: Front, document: Dictionary, document_kids: list[Any],
                         front_pages: list[Dictionary], annots: dict[int, Dictionary]) -> tuple[list[Any], int]:
        """The structure elements of cover and index (a /Sect each; the index's entries a /TOC of /TOCI
        with a /Link to its annotation) appended to `document_kids`. Returns the ParentTree entries of
        the front pages and the index's links (keys after every member's range in the working file) and
        the next free key."""
        pdf = self.pdf
        key = self.next_key
        nums: list[Any] = []
        cover, cover_kids = _struct_element(pdf, "Sect", document, document_kids, title="Deckblatt")
        index, index_kids = _struct_element(pdf, "Sect", document, document_kids, title="Inhalt")
        toc: Dictionary | None = None
        toc_kids: list[Any] = []
        children: list[tuple[Dictionary, list[Any]]] = [(cover, cover_kids), (index, index_kids)]
        per_page: dict[int, dict[int, Dictionary]] = {}
        for tag in front.tags:
            page = front_pages[tag.page]
            if tag.group in ("cover", "index"):
                parent, parent_kids = (cover, cover_kids) if tag.group == "cover" else (index, index_kids)
                elem, kids = _struct_element(pdf, tag.role, parent, parent_kids, page=page)
            else:
                if toc is None:
                    toc, toc_kids = _struct_element(pdf, "TOC", index, index_kids)
                    children.append((toc, toc_kids))
                item, item_kids = _struct_element(pdf, "TOCI", toc, toc_kids)
                children.append((item, item_kids))
                entry = tag.entry or 0
                elem, kids = _struct_element(pdf, "Link", item, item_kids, page=page, title=spec.documents[entry].title)
                annot = annots.get(entry)
                if annot is not None:
                    kids.append(Dictionary(Type=Name.OBJR, Obj=annot, Pg=page))
                    annot["/StructParent"] = key
                    nums += [key, elem]
                    key += 1
            kids.insert(0, tag.mcid)
            children.append((elem, kids))
            per_page.setdefault(tag.page, {})[tag.mcid] = elem
        for index_no, mcids in sorted(per_page.items()):
            front_pages[index_no]["/StructParents"] = key
            nums += [key, Array([mcids.get(i) for i in range(max(mcids) + 1)])]
            key += 1
        for elem, kids in children:
            elem["/K"] = Array(kids)
        return nums, key

    def _metadata(self, spec: BundleSpec, moment: dt.datetime, pdfa: tuple[int, str] | None,
                  tagged: bool = True) -> None:
        """XMP (with the PDF/A identification) and the Info dictionary, kept in sync by pikepdf."""
        pdf = self.pdf
        pdf.trailer["/Info"] = pdf.make_indirect(Dictionary())
        # namespaces declared once at the top, not on every property
        pdf.Root["/Metadata"] = pdf.make_stream(_XMP_SKELETON, Type=Name.Metadata, Subtype=Name.XML)
        iso = moment.isoformat()
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=True) as meta:
            if pdfa is not None:
                meta["pdfaid:part"] = str(pdfa[0])
                meta["pdfaid:conformance"] = pdfa[1]
            meta["dc:format"] = "application/pdf"
            meta["dc:title"] = spec.title
            if spec.author:
                meta["dc:creator"] = [spec.author]
            if spec.subject:
                meta["dc:description"] = spec.subject
            if spec.keywords:
                meta["dc:subject"] = list(spec.keywords)
                meta["pdf:Keywords"] = ", ".join(spec.keywords)
            if spec.lang:
                meta["dc:language"] = [spec.lang]
            meta["pdf:Producer"] = PRODUCER
            meta["xmp:CreatorTool"] = PRODUCER
            meta["xmp:CreateDate"] = iso
            meta["xmp:ModifyDate"] = iso
            meta["xmp:MetadataDate"] = iso
        if tagged:
            add_pdfua_identification(pdf)


# ---------------------------------------------------------------------------
# one working file per process

_BUNDLER: Bundler | None = None
_BUNDLER_PID = 0


def build_bundle(spec: BundleSpec, out: Path) -> BundleResult:
    """Write the bundle for `spec` to `out` (atomically) and describe it.

    The process keeps one `Bundler`: a document that is in many bundles (the annual
    report is in every council bundle) is copied once per process. A forked worker
    starts its own.
    """
    global _BUNDLER, _BUNDLER_PID
    if _BUNDLER is None or _BUNDLER_PID != os.getpid():
        _BUNDLER = Bundler()
        _BUNDLER_PID = os.getpid()
    return _BUNDLER.build(spec, out)
