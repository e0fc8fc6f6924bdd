"""Empty, named signature fields on the signature lines of a PDF."""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from pyhanko.sign.fields import (
    SigFieldSpec,
    append_signature_field,
    enumerate_sig_fields,
)

from ..errors import Location, SigningError
from ..german import ascii_fold
from ._pdf import incremental_writer, read_pdf, write_atomically

DEFAULT_FIELD_NAME = "IKZ-Geschaeftsstelle"

DEFAULT_FIELD_LABEL = "IKZ-Geschäftsstelle"

FIELD_PREFIX = "Unterschrift_"

FIELD_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,120}$")

Box = tuple[float, float, float, float]
"""A rectangle in PDF points: (x0, y0, x1, y1)."""


# signature fields


@dataclass(frozen=True)
class FieldSpec:
    """An empty signature field to create."""

    name: str
    """The field's name (`field_name_for`)."""
    page: int
    """0-based page."""
    box: Box
    """The field's rectangle in PDF points."""
    label: str
    """The human label, stored as the tooltip (/TU)."""
    label_box: Box | None = None
    """Where the label's line is printed (`locate_text`): the field's `Form` element follows the
    paragraph shown there in the reading order; None puts it at the end of the document."""




def field_name_for(label: str, taken: Collection[str] = (), prefix: str = FIELD_PREFIX) -> str:
    """A valid, unique field name for a human label.

    "Mörfelden-Walldorf" → "Unterschrift_Moerfelden-Walldorf". Only ASCII
    letters, digits, "_" and "-" are kept (a dot would make a hierarchical
    field name). When the name is in `taken`, "_2", "_3", … is appended.
    """
    text = ascii_fold(label)
    text = re.sub(r"[^A-Za-z0-9-]+", "_", text).strip("_-")
    base = (prefix + text)[:100] if text else prefix.rstrip("_-") or "Unterschrift"
    base = base.rstrip("_-") or "Unterschrift"
    taken_folded = {t.casefold() for t in taken}
    name, counter = base, 2
    while name.casefold() in taken_folded:
        name = f"{base}_{counter}"
        counter += 1
    return name


def label_from_name(name: str) -> str:
    if name == DEFAULT_FIELD_NAME:
        return DEFAULT_FIELD_LABEL
    text = name[len(FIELD_PREFIX):] if name.startswith(FIELD_PREFIX) else name
    return text.replace("_", " ")


def add_signature_fields(pdf_in: Path, pdf_out: Path, fields: Sequence[FieldSpec]) -> None:
    """Add all empty signature fields in ONE incremental update.

    The human label is stored as the field's tooltip (/TU) and read back by
    `verify`. Raises SigningError for invalid or duplicate names and pages
    that do not exist.
    """
    pdf_in, pdf_out = Path(pdf_in), Path(pdf_out)
    data = read_pdf(pdf_in)
    writer = incremental_writer(data, pdf_in)
    where = Location(file=pdf_in)
    existing = {name for name, _value, _ref in enumerate_sig_fields(writer.prev)}
    page_count = int(writer.prev.root["/Pages"]["/Count"])
    seen: set[str] = set()
    for spec in fields:
        if not FIELD_NAME_RE.match(spec.name):
            raise SigningError(
                f"Ungültiger Feldname »{spec.name}«: erlaubt sind nur Buchstaben A–Z ohne Umlaute, "
                "Ziffern, »_« und »-« (field_name_for erzeugt solche Namen).",
                where,
            )
        if spec.name.casefold() in seen or spec.name in existing:
            raise SigningError(f"Das Unterschriftsfeld »{spec.name}« gibt es schon.", where)
        seen.add(spec.name.casefold())
        if not 0 <= spec.page < page_count:
            raise SigningError(
                f"Das Unterschriftsfeld »{spec.label}« soll auf Seite {spec.page + 1} stehen, "
                f"das Dokument hat aber nur {page_count} Seite(n).",
                where,
            )
        llx, lly, urx, ury = spec.box
        if urx <= llx or ury <= lly:
            raise SigningError(
                f"Das Unterschriftsfeld »{spec.label}« hat keine Fläche (Box {spec.box}).", where
            )
    if not fields:
        write_atomically(pdf_out, data)
        return
    for spec in fields:
        append_signature_field(
            writer,
            SigFieldSpec(
                sig_field_name=spec.name,
                on_page=spec.page,
                box=tuple(float(v) for v in spec.box),
                readable_field_name=spec.label,
            ),
        )
    out = io.BytesIO()
    writer.write(out)
    write_atomically(pdf_out, _tagged(out.getvalue(), pdf_in, fields))


def _tagged(data: bytes, source: Path, fields: Sequence[FieldSpec]) -> bytes:
    """The PDF with each new field's widget tagged for PDF/UA (`tagging.tag_widgets`): a /Form element
    after the paragraph printed at the field's label box. The file is not signed yet, so it is written anew."""
    import pikepdf

    from ..tagging import label_anchors, tag_widgets

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/StructTreeRoot" not in pdf.Root:
            return data
        by_name: dict[str, pikepdf.Dictionary] = {}
        for acro_field in pdf.Root.AcroForm.Fields:
            by_name[str(acro_field.get("/T", ""))] = acro_field
        widgets: list[tuple[pikepdf.Dictionary, str]] = []
        for spec in fields:
            found = by_name.get(spec.name)
            if found is None:
                continue
            kids = found.get("/Kids")
            widgets.append((kids[0] if kids else found, spec.label))
        anchors = label_anchors(pdf, [(spec.label, spec.page, spec.label_box) for spec in fields
                                      if spec.label_box is not None])
        tag_widgets(pdf, widgets, anchors)
        out = io.BytesIO()
        pdf.save(out, fix_metadata_version=False, stream_decode_level=pikepdf.StreamDecodeLevel.none,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return out.getvalue()


# finding text (signature lines)


def locate_text(pdf: Path, needles: Sequence[str]) -> dict[str, tuple[int, Box]]:
    """Find text lines in a PDF: needle → (0-based page, box in PDF points).

    Uses ``pdftotext -bbox-layout`` (poppler-utils). A needle matches the
    first line (in reading order) that contains it, compared with
    whitespace collapsed and case folded; the box is the union of the words
    covering the needle, in PDF user space (origin bottom left). Needles not
    found are missing from the result. Page rotation is not considered.
    """
    import defusedxml.ElementTree as SafeET

    pdf = Path(pdf)
    if not pdf.is_file():
        raise SigningError(f"Die PDF-Datei »{pdf.name}« wurde nicht gefunden.", Location(file=pdf))
    data, offsets = _text_copy(pdf)
    try:
        result = subprocess.run(
            ["pdftotext", "-bbox-layout", "-enc", "UTF-8", "-", "-"],
            input=data, capture_output=True, check=False, timeout=120,
        )
    except FileNotFoundError:
        raise SigningError(
            "Das Programm »pdftotext« fehlt. Installieren Sie das Paket poppler-utils."
        ) from None
    if result.returncode != 0:
        raise SigningError(
            f"Der Text der PDF-Datei »{pdf.name}« kann nicht gelesen werden "
            f"({result.stderr.decode('utf-8', 'replace').strip()[:200]}).",
            Location(file=pdf),
        )
    wanted = {needle: _fold(needle) for needle in needles}
    found: dict[str, tuple[int, Box]] = {}
    root = SafeET.fromstring(result.stdout)
    for page_index, page in enumerate(el for el in root.iter() if _tag(el) == "page"):
        height = float(page.get("height", "0"))
        dx, dy = offsets[page_index] if page_index < len(offsets) else (0.0, 0.0)
        for line in (el for el in page.iter() if _tag(el) == "line"):
            words = [w for w in line if _tag(w) == "word" and (w.text or "").strip()]
            if not words:
                continue
            texts = [_fold(w.text or "") for w in words]
            joined, starts = "", []
            for text in texts:
                if joined:
                    joined += " "
                starts.append(len(joined))
                joined += text
            for needle, folded in wanted.items():
                if needle in found or not folded:
                    continue
                pos = joined.find(folded)
                if pos < 0:
                    continue
                end = pos + len(folded)
                covering = [
                    w for w, s, t in zip(words, starts, texts) if s < end and s + len(t) > pos
                ]
                x0 = min(float(w.get("xMin")) for w in covering)
                x1 = max(float(w.get("xMax")) for w in covering)
                y0 = min(float(w.get("yMin")) for w in covering)
                y1 = max(float(w.get("yMax")) for w in covering)
                found[needle] = (
                    page_index,
                    (x0 + dx, height - y1 + dy, x1 + dx, height - y0 + dy),
                )
    return found


def box_above(text_box: Box, *, height: float = 50.0, width: float | None = None, gap: float = 2.0) -> Box:
    """A signature field box standing on the top edge of a located text line."""
    llx, _lly, urx, ury = text_box
    right = llx + width if width is not None else max(urx, llx + 150.0)
    return (llx, ury + gap, right, ury + gap + height)


def _tag(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _text_copy(pdf: Path) -> tuple[bytes, list[tuple[float, float]]]:
    """The PDF as handed to pdftotext, and the lower-left corner of each page's crop box (pdftotext
    measures from it).

    The copy lacks the PDF/A output intent: with it poppler builds a colour transformation from the
    ICC profile for every page (about 0.07 s each, for text that has no colour to manage); without it
    the whole document takes a few milliseconds.
    """
    import pikepdf

    try:
        with pikepdf.open(pdf) as doc:
            offsets = []
            for page in doc.pages:
                box = [float(v) for v in page.cropbox]
                offsets.append((min(box[0], box[2]), min(box[1], box[3])))
            if "/OutputIntents" in doc.Root:
                del doc.Root.OutputIntents
            out = io.BytesIO()
            doc.save(out)
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        raise SigningError(f"»{pdf.name}« ist keine lesbare PDF-Datei ({exc}).", Location(file=pdf)) from None
    return out.getvalue(), offsets


def is_visible(field_obj) -> bool:
    rect = widget(field_obj).get("/Rect")
    if rect is None:
        return False
    llx, lly, urx, ury = (float(v) for v in rect)
    return abs(urx - llx) > 0 and abs(ury - lly) > 0


def widget(field_obj):
    if "/Rect" in field_obj:
        return field_obj
    kids = field_obj.get("/Kids")
    if kids:
        return kids[0].get_object()
    return field_obj


def field_label(field_obj, name: str) -> str:
    tooltip = field_obj.get("/TU")
    return str(tooltip) if tooltip else label_from_name(name)
