"""Editions of a signed document: identified by what a council agrees to, not by the file's bytes.

A Projektauftrag goes out, councils sign it over weeks, and meanwhile the
office runs the pipeline again: with ``--force``, a renewed certificate, a
timestamp service, a new LibreOffice, or a workbook in which »Unterzeichnet
am« was filled in. Each of those makes a new file whose bytes differ, but
whose content does not. A signature made on any file of the same content
must keep counting.

So each issued document of a signed kind carries, inside the revision the
office signs (its XMP metadata), the *edition digest*: the digest of what
the document shows, that is the part of its template context the template
read (`tracking`), without what the kind's `SigningRule` declares as
presentation (how far signing has come, the date of the data, the chart's
»today« mark), plus the wording of its template. The office's signature,
timestamp, converter and code version are not part of it.

The content of every edition is kept in the manifest (`EditionRecord`), so
that a returned copy of an older edition can say what changed since, a year
later too (`changes`).
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .digest import canonical, key_of, sha256_bytes

__all__ = [
    "EditionRecord",
    "EditionStamp",
    "changes",
    "content",
    "digest_of",
    "read_stamp",
    "stamp",
    "template_wording",
]

NAMESPACE = "urn:ikz-dokumente:ausgabe:1.0/"
"""XMP namespace of the edition properties (declared as a PDF/A extension schema)."""
PREFIX = "ikz"

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_X = "adobe:ns:meta/"
_EXT = "http://www.aiim.org/pdfa/ns/extension/"
_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"

_PROPERTIES = (
    ("Ausgabe", "Digest des Inhalts, dem die Unterzeichnenden zustimmen (ohne Stand der Unterschriften)"),
    ("Dokumentart", "Art des Dokuments, z. B. projektauftrag"),
    ("Projekt", "Projekt-ID des Dokuments"),
)

TEMPLATE_KEY = "vorlage"
"""Key of the template's wording in an edition's content."""
VALUES_KEY = "werte"
"""Key of the context values in an edition's content."""


@dataclass(frozen=True)
class EditionStamp:
    """What the office writes into the XMP of an issued document of a signed kind."""

    digest: str
    """The edition digest (`digest_of`)."""
    kind: str
    """The document kind, e.g. ``projektauftrag``."""
    project: str | None
    """The Projekt-ID, or None for a document about the whole process."""


@dataclass(frozen=True)
class EditionRecord:
    """One edition a run issued, as kept in the manifest."""

    digest: str
    """The edition digest."""
    kind: str
    """The document kind."""
    project: str | None
    """The Projekt-ID."""
    title: str
    """The document's title when it was issued."""
    issued: str
    """Date of the run that first issued it (ISO)."""
    content: dict
    """What the digest covers (`content`), to name what changed in a later edition."""

    @classmethod
    def from_json(cls, data: Mapping) -> "EditionRecord":
        return cls(**{f.name: data[f.name] for f in dataclasses.fields(cls)})


# ---------------------------------------------------------------------------
# content and digest


def template_wording(template: Path) -> str:
    """Digest of the words of a Word template (body, headers, footers), not of its formatting: a new
    font or spacing keeps the edition, a changed sentence makes a new one."""
    from lxml import etree

    words: list[str] = []
    with zipfile.ZipFile(template) as zf:
        names = sorted(n for n in zf.namelist()
                       if n == "word/document.xml" or n.startswith(("word/header", "word/footer")))
        for name in names:
            root = etree.fromstring(zf.read(name), etree.XMLParser(resolve_entities=False, no_network=True))
            words.append(name)
            words.extend(t.text or "" for t in root.iter("{*}t"))
    return sha256_bytes("\x00".join(words).encode("utf-8"))


def content(projection: Sequence, presentation: Sequence[tuple[str, ...]], wording: str) -> dict:
    """What an edition covers: the context values the template read (`tracking.projection` as
    [[path, value], …]) with the `presentation` paths left out ("*" matches any list item), and
    the template's wording. Plain JSON data (`digest.canonical`)."""
    values: dict[str, object] = {}
    for path, value in projection:
        path = tuple(path)
        if any(_covers(pattern, path) for pattern in presentation):
            continue
        rest = [pattern[len(path):] for pattern in presentation if pattern[:len(path)] == path]
        values[".".join(path)] = canonical(_strip(value, rest))
    return {TEMPLATE_KEY: wording, VALUES_KEY: values}


def digest_of(kind: str, edition_content: dict) -> str:
    """The edition digest of a document of `kind` with `edition_content`."""
    return key_of("ausgabe", kind, edition_content)


def _covers(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    return len(pattern) <= len(path) and all(p == "*" or p == k for p, k in zip(pattern, path))


def _strip(value: object, patterns: list[tuple[str, ...]]) -> object:
    """`value` without what `patterns` (relative to it) point at."""
    patterns = [p for p in patterns if p]
    if not patterns:
        return value
    if isinstance(value, Mapping):
        return {k: _strip(v, [p[1:] for p in patterns if p[0] in ("*", k)])
                for k, v in value.items() if (k,) not in patterns and ("*",) not in patterns}
    if isinstance(value, (list, tuple)):
        inner = [p[1:] for p in patterns if p[0] == "*"]
        return [_strip(v, inner) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return {"__type__": type(value).__name__,
                **{k: _strip(v, [p[1:] for p in patterns if p[0] in ("*", k)])
                   for k, v in fields.items() if (k,) not in patterns}}
    return value


# ---------------------------------------------------------------------------
# what changed between two editions


_ITEM_NAMES = ("kommune", "name", "key", "titel", "nummer")
"""Keys that name an item of a list (a Kommune's row, an Arbeitsabschnitt), in this order."""


def changes(old: Mapping, new: Mapping, labels: Mapping[str, str]) -> list[str]:
    """German names of what differs between two editions' contents, e.g. ["Projektgegenstand",
    "Unterschrift Gemeinde Trebur"]. `labels` names context paths (»projekt.projektgegenstand«) or
    their first key (»beteiligte«); other paths are named after their last key."""
    found: list[str] = []
    if old.get(TEMPLATE_KEY) != new.get(TEMPLATE_KEY):
        found.append("Wortlaut der Vorlage")
    old_values, new_values = old.get(VALUES_KEY, {}), new.get(VALUES_KEY, {})
    for path in sorted(set(old_values) | set(new_values)):
        before, after = old_values.get(path), new_values.get(path)
        if before == after:
            continue
        label = _label(path, labels)
        items = _changed_items(before, after)
        found.extend(f"{label} {name}" for name in items) if items else found.append(label)
    return list(dict.fromkeys(found))


def _label(path: str, labels: Mapping[str, str]) -> str:
    """The name of the longest labelled prefix of `path`; else its last key, humanised."""
    keys = path.split(".")
    for n in range(len(keys), 0, -1):
        if ".".join(keys[:n]) in labels:
            return labels[".".join(keys[:n])]
    text = keys[-1].replace("_", " ")
    return text[:1].upper() + text[1:]


def _changed_items(before: object, after: object) -> list[str]:
    """For two lists of named items (canonical maps): the names of the items added, removed or changed."""
    old, new = _named(before), _named(after)
    if old is None or new is None:
        return []
    return [name for name in dict.fromkeys([*old, *new]) if old.get(name) != new.get(name)]


def _named(value: object) -> dict[str, object] | None:
    if not isinstance(value, list) or not value:
        return {} if value == [] else None
    named: dict[str, object] = {}
    for item in value:
        entries = dict(item.get("__map__", ())) if isinstance(item, dict) else {}
        name = next((entries[k] for k in _ITEM_NAMES if isinstance(entries.get(k), str) and entries[k]), None)
        if name is None or name in named:
            return None
        named[name] = item
    return named


# ---------------------------------------------------------------------------
# the stamp in the XMP metadata


def stamp(pdf_in: Path, pdf_out: Path, edition: EditionStamp) -> None:
    """Write `edition` into the XMP metadata of an unsigned PDF (with its PDF/A extension schema, so the
    file stays PDF/A); `pdf_out` may be `pdf_in`."""
    import pikepdf

    from .fsutil import write_atomic

    with pikepdf.open(pdf_in) as pdf:
        old = pdf.Root.get("/Metadata")
        xmp = _stamped_xmp(old.read_bytes() if old is not None else None, edition)
        pdf.Root.Metadata = pdf.make_stream(xmp, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
        buffer = io.BytesIO()
        pdf.save(buffer)
    write_atomic(Path(pdf_out), buffer.getvalue())


def read_stamp(pdf: Path, length: int | None = None) -> EditionStamp | None:
    """The edition stamp of `pdf` as of its first `length` bytes (the revision the office signed: what
    came later cannot change it), or None when there is none or the file cannot be read."""
    import pikepdf

    try:
        data = Path(pdf).read_bytes()
        if length is not None:
            data = data[:length]
        with pikepdf.open(io.BytesIO(data)) as doc:
            metadata = doc.Root.get("/Metadata")
            xmp = metadata.read_bytes() if metadata is not None else None
    except Exception:  # a foreign or broken file: simply no stamp
        return None
    return _read_xmp(xmp) if xmp else None


def _parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False, huge_tree=False)


def _read_xmp(xmp: bytes) -> EditionStamp | None:
    from lxml import etree

    try:
        root = etree.fromstring(xmp, _parser())
    except etree.XMLSyntaxError:
        return None
    values = {}
    for name, _ in _PROPERTIES:
        element = root.find(f".//{{{NAMESPACE}}}{name}")
        if element is not None and element.text:
            values[name] = element.text.strip()
        else:
            attribute = next((d.get(f"{{{NAMESPACE}}}{name}") for d in root.iter(f"{{{_RDF}}}Description")
                              if d.get(f"{{{NAMESPACE}}}{name}")), None)
            if attribute:
                values[name] = attribute.strip()
    if "Ausgabe" not in values or "Dokumentart" not in values:
        return None
    return EditionStamp(values["Ausgabe"], values["Dokumentart"], values.get("Projekt") or None)


def _stamped_xmp(xmp: bytes | None, edition: EditionStamp) -> bytes:
    from lxml import etree
    from lxml.builder import ElementMaker

    if xmp:
        root = etree.fromstring(xmp, _parser())
    else:
        root = etree.Element(f"{{{_X}}}xmpmeta", nsmap={"x": _X})
        etree.SubElement(root, f"{{{_RDF}}}RDF", nsmap={"rdf": _RDF})
    rdf = root if root.tag == f"{{{_RDF}}}RDF" else root.find(f".//{{{_RDF}}}RDF")
    for description in list(rdf.iterfind(f"{{{_RDF}}}Description")):  # an earlier stamp goes
        for element in list(description):
            if element.tag.startswith(f"{{{NAMESPACE}}}"):
                description.remove(element)
    R = ElementMaker(namespace=_RDF, nsmap={"rdf": _RDF})
    X = ElementMaker(namespace=NAMESPACE, nsmap={PREFIX: NAMESPACE})
    values = {"Ausgabe": edition.digest, "Dokumentart": edition.kind, "Projekt": edition.project or ""}
    rdf.append(R.Description({f"{{{_RDF}}}about": ""}, *(getattr(X, name)(values[name]) for name, _ in _PROPERTIES)))
    _declare_schema(rdf)
    text = etree.tostring(root, encoding="utf-8")
    # the XMP packet wrapper (with padding, so editors can update it in place)
    return (b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' + text + b"\n"
            + (b" " * 99 + b"\n") * 20 + b'<?xpacket end="w"?>')


def _declare_schema(rdf) -> None:
    """Declare the edition properties as a PDF/A extension schema, in the packet's one
    ``pdfaExtension:schemas`` bag (made when there is none)."""
    from lxml.builder import ElementMaker

    R = ElementMaker(namespace=_RDF, nsmap={"rdf": _RDF})
    E = ElementMaker(namespace=_EXT, nsmap={"pdfaExtension": _EXT})
    S = ElementMaker(namespace=_SCHEMA, nsmap={"pdfaSchema": _SCHEMA})
    P = ElementMaker(namespace=_PROPERTY, nsmap={"pdfaProperty": _PROPERTY})
    resource = {f"{{{_RDF}}}parseType": "Resource"}
    bag = rdf.find(f"{{{_RDF}}}Description/{{{_EXT}}}schemas/{{{_RDF}}}Bag")
    if bag is None:
        bag = R.Bag()
        rdf.append(R.Description({f"{{{_RDF}}}about": ""}, E.schemas(bag)))
    for li in list(bag):
        uri = li.find(f"{{{_SCHEMA}}}namespaceURI")
        if uri is not None and uri.text == NAMESPACE:
            bag.remove(li)
    bag.append(R.li(
        resource,
        S.schema("IKZ-Ausgabe eines zu unterschreibenden Dokuments"),
        S.namespaceURI(NAMESPACE),
        S.prefix(PREFIX),
        S.property(R.Seq(*(
            R.li(resource, P.name(name), P.valueType("Text"), P.category("internal"), P.description(text))
            for name, text in _PROPERTIES))),
    ))
