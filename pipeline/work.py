"""What the worker processes of a run do: render a document, finish a document, build a bundle.

Tasks and results are typed records. The workers are forked from the run's
process after it has loaded the templates' libraries and the signing key, so
they inherit both; what a render task needs (the plan with every context) is
set before the fork (`set_rendering`), so only an index travels to the worker.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .digest import sha256_file
from .edition import EditionStamp
from .fsutil import write_atomic
from .kinds import document_kind
from .plan import DocumentPlan, Plan
from .tracking import Reads

if TYPE_CHECKING:  # the bundle package (pikepdf, ReportLab) loads only when a run delivers (preload_delivery)
    from .bundle.spec import BundleSpec


@dataclass(frozen=True)
class FinishDocument:
    """Worker task: deliver one document (.docx copied, PDF with signature fields, signed)."""

    rel: str
    """Path of the signed PDF in the run folder."""
    cache_docx: Path
    """The rendered .docx in the cache."""
    cache_pdf: Path
    """The unsigned PDF in the cache."""
    out_docx: Path
    """Where the .docx goes (staging)."""
    out_pdf: Path
    """Where the signed PDF goes (staging)."""
    signers: tuple[tuple[str, str], ...]
    """(Kommune, signature line) for each empty signature field."""
    reason: str
    """Reason of the office's signature."""
    location: str
    """Location of the office's signature."""
    contact: str | None
    """Contact of the office's signature."""
    edition: EditionStamp | None = None
    """The edition written into the XMP before the office signs (documents of a signed kind)."""


@dataclass(frozen=True)
class BuildBundle:
    """Worker task: build one bundle and sign it."""

    rel: str
    """Path of the bundle in the run folder."""
    spec: BundleSpec
    """Cover, index and documents."""
    out: Path
    """Where the signed bundle goes (staging)."""
    reason: str
    """Reason of the office's signature."""
    location: str
    """Location of the office's signature."""
    contact: str | None
    """Contact of the office's signature."""


@dataclass(frozen=True)
class TaskResult:
    """What a worker reports back for the manifest."""

    rel: str
    """The task's path in the run folder."""
    sha256: str
    """Digest of the signed file."""
    pages: int
    """Number of pages."""
    docx_sha256: str | None = None
    """Digest of the delivered .docx (documents only)."""
    fields: tuple[str, ...] = ()
    """Labels of the empty signature fields (Projektauftrag only)."""
    build_seconds: float = 0.0
    """Time spent before signing: the bundle's merge, or a document's .docx copy and signature fields."""
    sign_seconds: float = 0.0
    """Time spent signing."""


@dataclass(frozen=True)
class Rendered:
    """What a render worker returns."""

    blob: bytes
    """The .docx."""
    reads_json: str
    """The context paths the template read (tracking.Reads as JSON)."""
    seconds: float
    """Time the rendering took."""
    problems: tuple[str, ...] = ()
    """Text the program needs that the document lacks (German, naming the template)."""


_RENDERING: tuple[list[DocumentPlan], Plan, dict[str, tuple[str, ...]]] | None = None
"""What the render workers render (set before they are forked, so nothing large is pickled)."""


def set_rendering(docs: list[DocumentPlan] | None, plan: Plan | None,
                  required: dict[str, tuple[str, ...]] | None = None) -> None:
    """Make `docs` renderable by index in workers forked from now on (None: forget them); `required`:
    by docx_key, the text each document must show."""
    global _RENDERING
    _RENDERING = None if docs is None or plan is None else (docs, plan, required or {})


def render_index(index: int) -> Rendered:
    """Worker: render document `index` of those set with `set_rendering`."""
    assert _RENDERING is not None
    docs, plan, required = _RENDERING
    return render_one(docs[index], plan, required.get(docs[index].docx_key, ()))


def render_one(doc: DocumentPlan, plan: Plan, required: tuple[str, ...] = ()) -> Rendered:
    """Render one document and check that it shows the text in `required` (a run checks its templates
    without a trial rendering: every document is checked here instead)."""
    from . import render
    from .template_check import missing_text

    started = time.perf_counter()
    reads = Reads()
    blob = render.render_context(doc.template, plan.contexts[doc.docx_key], document_kind(doc.ref.kind), reads)
    return Rendered(blob, reads.to_json(), time.perf_counter() - started,
                    tuple(missing_text(doc.template.name, blob, required)))


def preload() -> None:
    """Load what rendering needs (matplotlib, the hyphenation patterns) in this process, once, so that
    the workers forked from it inherit it instead of each loading it again."""
    from . import charts, german

    charts.preload()
    german.hyphenate("Silbentrennung")


def preload_delivery() -> None:
    """Load what finishing documents and building bundles needs (pypdf, pikepdf, ReportLab and the bundle
    package) in this process, once, so that the workers forked from it inherit it instead of each importing
    it again (about 0.3 s of CPU per worker)."""
    import pikepdf  # noqa: F401
    import pyhanko.pdf_utils.metadata.xmp_xml  # noqa: F401
    import pypdf  # noqa: F401
    import pypdf.filters  # noqa: F401

    from . import bundle  # noqa: F401


def start_worker(stop) -> None:
    """Pool initializer: the worker's signing gives up once `stop` is set (by any failed task)."""
    from . import sign

    sign.cancel_on(stop)


def finish(task: FinishDocument | BuildBundle, signing) -> TaskResult:
    """Worker: finish one standalone document or build one bundle; sign it."""
    from . import sign

    sign.raise_if_cancelled()  # another task failed: do not start
    started = time.perf_counter()
    if isinstance(task, FinishDocument):
        from .convert import outline_pages, page_count
        from .toc import set_page_numbers

        task.out_pdf.parent.mkdir(parents=True, exist_ok=True)
        # the delivered .docx shows the table of contents with the PDF's page numbers
        write_atomic(task.out_docx, set_page_numbers(task.cache_docx.read_bytes(), outline_pages(task.cache_pdf)))
        source = task.cache_pdf
        fields: tuple[str, ...] = ()
        if task.edition is not None:
            from .edition import stamp

            stamp(source, task.out_pdf, task.edition)
            source = task.out_pdf
        if task.signers:
            specs = _signature_fields(task.signers, source)
            sign.add_signature_fields(source, task.out_pdf, specs)
            fields = tuple(sp.label for sp in specs)
            source = task.out_pdf
        built = time.perf_counter()
        sign.sign_pdf(source, task.out_pdf, signing, reason=task.reason, location=task.location, contact=task.contact)
        signed = time.perf_counter()
        return TaskResult(task.rel, sha256_file(task.out_pdf), page_count(task.cache_pdf),
                          docx_sha256=sha256_file(task.out_docx), fields=fields,
                          build_seconds=built - started, sign_seconds=signed - built)
    from . import bundle

    task.out.parent.mkdir(parents=True, exist_ok=True)
    res = bundle.build_bundle(task.spec, task.out)
    built = time.perf_counter()
    sign.sign_pdf(task.out, task.out, signing, reason=task.reason, location=task.location, contact=task.contact)
    return TaskResult(task.rel, sha256_file(task.out), res.pages, build_seconds=built - started,
                      sign_seconds=time.perf_counter() - built)


def _signature_fields(participants: tuple[tuple[str, str], ...], pdf: Path):
    """One empty field per participating Dienststellenleitung, on that person's signature line."""
    from . import sign
    from .errors import ConversionError

    needles = [line for _, line in participants]
    found = sign.locate_text(pdf, needles)
    specs: list = []
    taken: list[str] = []
    for (key, _), needle in zip(participants, needles):
        if needle not in found:
            raise ConversionError(f"Die Unterschriftszeile »{needle}« wurde im PDF nicht gefunden; "
                                  "wurde die Vorlage projektauftrag.docx verändert?")
        page, box = found[needle]
        name = sign.field_name_for(key, taken)
        taken.append(name)
        specs.append(sign.FieldSpec(name, page, sign.box_above(box, width=200), needle, label_box=box))
    return specs
