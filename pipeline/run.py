"""Wire the stages into one run: workbook → documents → PDFs → bundles → signatures.

The stages never call each other; this module passes their typed results on.
A run is incremental (every output records the digest of what it was made
from and is reused when that is unchanged), atomic (it writes into a staging
folder that replaces the previous outputs only when everything succeeded)
and locked (a second run on the same outputs waits or stops).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .cache import DEFAULT_LIMIT, BuildCache
from .digest import sha256_file
from .fsutil import write_atomic
from .kinds import document_kind
from .plan import BundlePlan, DocumentPlan, Plan, SigningSettings, make_plan, plan_bundles
from .store import Manifest, ManifestEntry, OutputStore, RunResult, check_free_space
from .tracking import Reads

Progress = Callable[[str, str, int, int], None]
"""progress(step, item, done, total): called by the run; the CLI draws it. `item` is the one just
finished as the `done`-th (0-based) of `total`, or, with done = -1, a description of the step starting."""

from .uptodate import code_version, fingerprint  # noqa: E402 (re-exported: run.code_version)


@dataclass(frozen=True)
class Options:
    """What a run does and where."""

    workbook: Path
    outputs: Path = Path("outputs")
    templates: Path = Path("templates")
    state: Path = Path(".ikz")
    jobs: int = os.cpu_count() or 1
    force: bool = False
    signing: object | None = None  # sign.SigningConfig; None → demonstration certificate
    timeout: float = 600.0
    wait: float = 0.0  # seconds to wait for another run's lock
    cache_limit: int = DEFAULT_LIMIT  # bytes kept in the shared cache of intermediates
    allow_open: bool = False  # go on although Excel has the workbook open (its last saved state is used)
    config_file: Path | None = None  # the signing configuration file, if any (part of the outputs' fingerprint)


def _noop(step: str, item: str, done: int, total: int) -> None:
    pass


def run(options: Options, progress: Progress | None = None) -> RunResult:
    """Validate, render, convert, bundle and sign; replace the outputs atomically."""
    from .convert import converter_identity
    from .validate import load

    progress = progress or _noop
    started = time.monotonic()
    if not options.allow_open:
        from .workbook import require_closed

        require_closed(Path(options.workbook))
    progress("Arbeitsmappe prüfen", Path(options.workbook).name, 0, 1)
    data, warnings = load(options.workbook)

    config = (options.signing if options.signing is not None
              else _demo_config(Path(options.state), data.bericht.herausgeber))
    # The certificate's identity is part of every signed output's key; reading the
    # file is enough (pyHanko is only loaded when something has to be signed).
    settings = SigningSettings(
        certificate_sha256=sha256_file(config.pkcs12) if Path(config.pkcs12).is_file() else "-",
        timestamp_url=getattr(config, "timestamp_url", None),
        location=data.bericht.dienststelle or data.bericht.herausgeber, contact=data.bericht.email)
    code = code_version()
    store = OutputStore(Path(options.outputs), Path(options.workbook).stem)
    cache = BuildCache(Path(options.state) / "cache", options.cache_limit)
    with store.locked(wait=options.wait):
        check_free_space(Path(options.outputs), 200 * 1024 * 1024)
        previous = store.previous_manifest()
        # Signed in place since the last run (a Dienststellenleitung signed its field): never lost.
        kept = _keep_signed_copies(store, previous, Path(options.outputs) / RUECKLAUF / store.name)
        changed = {rel for rel, _ in kept}
        prev_by_path = ({} if options.force or previous is None else
                        {e.path: e for e in previous.entries})

        def reads_for(rel: str) -> Reads | None:
            prev = prev_by_path.get(rel)
            return _cached_reads(cache, prev.docx_key) if prev is not None and prev.docx_key else None

        converter = converter_identity()
        made_from = fingerprint(Path(options.workbook), Path(options.templates), options.config_file,
                             Path(config.pkcs12), converter, code)
        plan = make_plan(data, Path(options.templates), code, converter, settings, reads_for)
        staging = store.begin()
        try:
            result = _build(options, data, warnings, plan, store, staging, prev_by_path, cache, config, settings,
                            code, progress, changed, made_from)
            progress("Ausgaben übernehmen", str(store.final), 0, 1)
            store.commit()
        except BaseException:
            store.abort()
            raise
        finally:
            cache.finish()
    return dataclasses.replace(result, folder=store.final, seconds=time.monotonic() - started,
                               kept=tuple(copy for _, copy in kept))


class _DemoConfig:
    """Stands in for the demonstration certificate until something must be signed."""

    def __init__(self, state: Path, organisation: str):
        from .naming import slug

        self.organisation = organisation
        self.directory = state / "demo" / slug(organisation, fallback="ikz")
        self.pkcs12 = self.directory / "demo-signatur.p12"
        self.demo = True
        self._real = None

    def real(self):
        if self._real is None:
            from . import sign

            self._real = sign.ensure_demo_certificate(self.directory, self.organisation)
        return self._real


def _demo_config(state: Path, organisation: str) -> _DemoConfig:
    """The demonstration certificate of the workbook's Herausgeber (one folder each in state/demo)."""
    demo = _DemoConfig(state, organisation)
    if not demo.pkcs12.is_file():
        demo.real()  # first run: create it now, so its identity enters the keys
    return demo


def _signing(config):
    """The real SigningConfig, checked (passphrase, validity, timestamp service) before the first signature."""
    from . import sign

    real = config.real() if isinstance(config, _DemoConfig) else config
    sign.load_signer(real)
    # One request before the workers start: a dead service is reported once, after one timeout;
    # its answer is inherited by the workers (pyHanko's size estimate), so each signature costs one request.
    sign.check_service(real)
    return real


def _cached_reads(cache: BuildCache, docx_key: str) -> Reads | None:
    """The context paths the template read when the cached .docx `docx_key` was rendered."""
    path = cache.get(docx_key, ".reads.json")
    if path is None:
        return None
    try:
        return Reads.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return None


RUECKLAUF = "ruecklauf"
"""Folder in the outputs (beside the run folders) where signed copies are kept."""


def _keep_signed_copies(store, previous, folder: Path) -> list[tuple[str, Path]]:
    """Copy every delivered PDF that changed since the run that made it (a council signed it in
    the outputs folder) to `folder`, once per content. Returns (path in the run folder, copy)."""
    if previous is None:
        return []
    kept = []
    for entry in previous.entries:
        current = store.final / entry.path
        if not entry.path.startswith("pdf/") or not current.is_file():
            continue
        digest = sha256_file(current)
        if digest == entry.sha256:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        copy = next((p for p in folder.glob(f"{current.stem}-*.pdf") if sha256_file(p) == digest), None)
        if copy is None:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            copy = write_atomic(folder / f"{current.stem}-{stamp}.pdf", current.read_bytes())
        kept.append((entry.path, copy))
    return kept


def _build(options, data, warnings, plan: Plan, store, staging, prev_by_path, cache: BuildCache, config,
           settings: SigningSettings, code, progress, changed: set[str] = frozenset(),
           made_from: dict | None = None) -> RunResult:
    entries: dict[str, ManifestEntry] = {}
    force = options.force
    final: dict[str, DocumentPlan] = {}  # by pdf_rel, with the keys it ends up with

    # 1. Reuse what is unchanged: same signed key (what its template read is unchanged), the
    #    files as recorded, and its unsigned PDF at hand for the bundles. The rest is rebuilt.
    todo: list[DocumentPlan] = []
    for doc in plan.documents:
        prev = prev_by_path.get(doc.pdf_rel)
        signed_since = doc.pdf_rel in changed  # still current: keep the copy with the new signatures
        if (prev is not None and prev.key == doc.signed_key and prev.pdf_key and prev.docx_key
                and cache.get(prev.pdf_key, ".pdf") is not None
                and store.reuse(doc.pdf_rel, None if signed_since else prev.sha256)
                and store.reuse(doc.docx_rel, prev.docx_sha256)):
            sha = sha256_file(staging / doc.pdf_rel) if signed_since else prev.sha256
            entries[doc.pdf_rel] = dataclasses.replace(prev, sha256=sha, reused=True)
            final[doc.pdf_rel] = dataclasses.replace(doc, docx_key=prev.docx_key, pdf_key=prev.pdf_key)
        else:
            todo.append(doc)

    # 2. Render the documents that changed, from the contexts their keys were made from, logging
    #    what each template reads. --force renders and converts everything again, ignoring the cache.
    if todo:
        from . import render

        progress("Vorlagen prüfen", str(options.templates), 0, 1)
        from .template_check import PassedChecks

        render.require_templates(data, Path(options.templates), PassedChecks(cache, code, reuse=not force))
    to_convert: list[DocumentPlan] = []
    known: dict[str, Reads] = {}
    for doc in todo:
        reads = None if force or cache.get(doc.docx_key, ".docx") is None else _cached_reads(cache, doc.docx_key)
        if reads is not None:
            known[doc.docx_key] = reads
    to_render = list({d.docx_key: d for d in todo if d.docx_key not in known}.values())
    for i, (doc, blob, reads) in enumerate(_render_all(to_render, plan, options.jobs)):
        progress("Word-Dokumente erzeugen", doc.stem, i, len(to_render))
        cache.write(doc.docx_key, ".docx", blob)
        cache.write(doc.docx_key, ".reads.json", reads.to_json().encode("utf-8"))
        known[doc.docx_key] = reads
    for doc in todo:
        final[doc.pdf_rel] = plan.with_reads(doc, known[doc.docx_key])
        if force or cache.get(doc.pdf_key, ".pdf") is None:
            to_convert.append(doc)
    todo = [final[d.pdf_rel] for d in todo]
    documents = [final[d.pdf_rel] for d in plan.documents]

    # 3. Convert in as few LibreOffice starts as possible, in parallel batches.
    if to_convert:
        from . import convert

        progress("PDF erzeugen (LibreOffice)", f"{len(to_convert)} Dokumente", -1, len(to_convert))
        conv_dir = cache.scratch("convert")
        shutil.rmtree(conv_dir, ignore_errors=True)
        inputs = conv_dir / "in"
        inputs.mkdir(parents=True)
        links: dict[Path, DocumentPlan] = {}
        for doc in to_convert:
            link = inputs / f"{doc.stem}.docx"
            shutil.copyfile(cache.path(doc.docx_key, ".docx"), link)
            links[link] = doc
        try:
            converted = 0

            def converted_one(docx: Path) -> None:
                nonlocal converted
                progress("PDF erzeugen (LibreOffice)", docx.stem, converted, len(to_convert))
                converted += 1

            pdfs = convert.convert_all(list(links), conv_dir / "out", jobs=options.jobs, timeout=options.timeout,
                                       on_progress=converted_one)
            for link, pdf in pdfs.items():
                cache.put(links[link].pdf_key, ".pdf", pdf)
        finally:
            shutil.rmtree(conv_dir, ignore_errors=True)

    # 4. Signature fields (Projektauftrag) and the office's signature on each standalone PDF,
    # 5. bundles: one per Kreiskommune and one complete bundle, then signed.
    # Both are CPU-bound pure Python (pypdf, pyHanko): spread over `jobs` processes.
    tasks: list[FinishDocument | BuildBundle] = [
        FinishDocument(rel=doc.pdf_rel, cache_docx=cache.path(doc.docx_key, ".docx"),
                       cache_pdf=cache.path(doc.pdf_key, ".pdf"), out_docx=staging / doc.docx_rel,
                       out_pdf=staging / doc.pdf_rel, signers=doc.signers, reason=doc.reason,
                       location=settings.location, contact=settings.contact)
        for doc in todo]
    built = len(todo)
    reused = len(documents) - built
    b_built = b_reused = 0
    bundles_todo: dict[str, BundlePlan] = {}
    bundles = plan_bundles(data, documents, settings, code)
    for bp in bundles:
        prev = prev_by_path.get(bp.path)
        if prev is not None and prev.key == bp.key and store.reuse(bp.path, prev.sha256):
            entries[bp.path] = dataclasses.replace(prev, reused=True)
            b_reused += 1
            continue
        from . import bundle

        spec = bundle.BundleSpec(**dict(bp.cover), documents=tuple(
            bundle.BundleDocument(m.title, cache.path(m.pdf_key, ".pdf"), m.label) for m in bp.members))
        bundles_todo[bp.path] = bp
        tasks.append(BuildBundle(rel=bp.path, spec=spec, out=staging / bp.path, reason=bp.reason,
                                 location=settings.location, contact=settings.contact))
        b_built += 1

    if tasks:
        signing = _signing(config)
        progress("PDF signieren und Mappen bilden", f"{len(todo)} Dokumente, {b_built} Mappen", -1, len(tasks))
        by_rel = {d.pdf_rel: d for d in todo}
        results = _run_tasks(tasks, signing, options.jobs)
        with contextlib.closing(results):  # on any error the workers stop before staging is removed
            for i, res in enumerate(results):
                progress("PDF signieren und Mappen bilden", res.rel, i, len(tasks))
                if res.rel in by_rel:
                    doc = by_rel[res.rel]
                    entries[res.rel] = ManifestEntry(
                        kind=doc.ref.kind, title=doc.title, path=res.rel, sha256=res.sha256, key=doc.signed_key,
                        project=doc.ref.project, docx=doc.docx_rel, docx_sha256=res.docx_sha256, pages=res.pages,
                        signature=_sig_label(config), signature_fields=res.fields,
                        template=f"templates/{doc.template.name}", template_sha256=doc.template_sha256,
                        docx_key=doc.docx_key, pdf_key=doc.pdf_key)
                else:
                    bp = bundles_todo[res.rel]
                    entries[res.rel] = ManifestEntry(kind=bp.kind, title=bp.title, path=res.rel, sha256=res.sha256,
                                                     key=bp.key, kommune=bp.kommune, pages=res.pages,
                                                     signature=_sig_label(config),
                                                     documents=tuple(m.pdf_rel for m in bp.members))

    manifest = Manifest(
        workbook=str(options.workbook), workbook_sha256=data.sha256,
        created=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        code_version=code, certificate=str(config.pkcs12), demo_certificate=bool(config.demo),
        entries=tuple(entries[k] for k in [d.pdf_rel for d in documents] + [b.path for b in bundles]),
        warnings=tuple(str(w) for w in warnings), inputs=made_from or {},
        stats={b.path: _stat(staging / b.path) for b in bundles})
    (staging / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    return RunResult(staging, manifest, built, reused, b_built, b_reused, tuple(warnings), bool(config.demo), 0.0)


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


@dataclass(frozen=True)
class BuildBundle:
    """Worker task: build one bundle and sign it."""

    rel: str
    """Path of the bundle in the run folder."""
    spec: object
    """bundle.BundleSpec: cover, index and documents."""
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


_RENDERING: tuple[list[DocumentPlan], Plan] | None = None
"""What the render workers render (set before they are forked, so nothing large is pickled)."""


def _render_all(docs: list[DocumentPlan], plan: Plan, jobs: int):
    """Render `docs` (in worker processes when more than one job is allowed); yield (doc, .docx bytes,
    Reads) in the order of `docs`. Rendering is pure Python (docxtpl, matplotlib), so it uses every core."""
    global _RENDERING
    if jobs <= 1 or len(docs) <= 1:
        for doc in docs:
            yield (doc, *_render_one(doc, plan))
        return
    import concurrent.futures as cf
    import multiprocessing

    _RENDERING = (docs, plan)
    try:
        with cf.ProcessPoolExecutor(max_workers=min(jobs, len(docs)),
                                    mp_context=multiprocessing.get_context("fork")) as pool:
            for doc, (blob, reads_json) in zip(docs, pool.map(_render_index, range(len(docs)))):
                yield doc, blob, Reads.from_json(reads_json)
    finally:
        _RENDERING = None


def _render_index(index: int) -> tuple[bytes, str]:
    """Worker: render document `index` of `_RENDERING`."""
    assert _RENDERING is not None
    docs, plan = _RENDERING
    blob, reads = _render_one(docs[index], plan)
    return blob, reads.to_json()


def _render_one(doc: DocumentPlan, plan: Plan) -> tuple[bytes, Reads]:
    from . import render

    reads = Reads()
    blob = render.render_context(doc.template, plan.contexts[doc.docx_key], document_kind(doc.ref.kind), reads)
    return blob, reads


def _run_tasks(tasks: list[FinishDocument | BuildBundle], signing, jobs: int):
    """Run finishing tasks, in worker processes when more than one job is allowed; yield TaskResults.

    The first failure stops the rest: tasks not started are cancelled, and the
    workers, which share a stop event, give up before their next step or
    timestamp request (or while waiting for one). The error raised is the
    first real one, never a task's »cancelled because another failed«.
    """
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield _finish(task, signing)
        return
    import concurrent.futures as cf
    import multiprocessing

    from .sign import SigningCancelled

    # Largest first (the complete bundle) so the workers finish together.
    order = sorted(tasks, key=lambda t: -len(t.spec.documents) if isinstance(t, BuildBundle) else 0)
    ctx = multiprocessing.get_context("fork")
    stop = ctx.Event()
    pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_start_worker, initargs=(stop,))
    try:
        futures = [pool.submit(_finish, task, signing) for task in order]
        cancelled: BaseException | None = None
        for future in cf.as_completed(futures):
            if future.cancelled():
                continue
            error = future.exception()
            if error is None:
                if cancelled is None:
                    yield future.result()
                continue
            stop.set()
            for f in futures:
                f.cancel()
            if not isinstance(error, SigningCancelled):
                raise error
            cancelled = cancelled or error  # another task failed first: wait for its error
        if cancelled is not None:
            raise cancelled
    except BaseException:
        stop.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start_worker(stop) -> None:
    """Pool initializer: the worker's signing gives up once `stop` is set (by any failed task)."""
    from . import sign

    sign.cancel_on(stop)


def _finish(task: FinishDocument | BuildBundle, signing) -> TaskResult:
    """Worker: finish one standalone document or build one bundle; sign it."""
    from . import sign

    sign.raise_if_cancelled()  # another task failed: do not start

    if isinstance(task, FinishDocument):
        from .convert import pdf_info

        from .convert import outline_pages
        from .toc import set_page_numbers

        task.out_pdf.parent.mkdir(parents=True, exist_ok=True)
        # the delivered .docx shows the table of contents with the PDF's page numbers
        write_atomic(task.out_docx, set_page_numbers(task.cache_docx.read_bytes(), outline_pages(task.cache_pdf)))
        source = task.cache_pdf
        fields: tuple[str, ...] = ()
        if task.signers:
            specs = _signature_fields(task.signers, source)
            sign.add_signature_fields(source, task.out_pdf, specs)
            fields = tuple(sp.label for sp in specs)
            source = task.out_pdf
        sign.sign_pdf(source, task.out_pdf, signing, reason=task.reason, location=task.location, contact=task.contact)
        return TaskResult(task.rel, sha256_file(task.out_pdf), pdf_info(task.cache_pdf).pages,
                          docx_sha256=sha256_file(task.out_docx), fields=fields)
    from . import bundle

    task.out.parent.mkdir(parents=True, exist_ok=True)
    res = bundle.build_bundle(task.spec, task.out)
    sign.sign_pdf(task.out, task.out, signing, reason=task.reason, location=task.location, contact=task.contact)
    return TaskResult(task.rel, sha256_file(task.out), res.pages)


def _stat(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _sig_label(config) -> str:
    return "signiert (Demonstrationszertifikat)" if config.demo else "signiert"


def _signature_fields(participants: tuple[tuple[str, str], ...], pdf: Path):
    """One empty field per participating Dienststellenleitung, on that person's signature line."""
    from . import sign
    from .errors import ConversionError

    needles = [line for _, line in participants]
    found = sign.locate_text(pdf, needles)
    specs, taken = [], []
    for (key, _), needle in zip(participants, needles):
        if needle not in found:
            raise ConversionError(f"Die Unterschriftszeile »{needle}« wurde im PDF nicht gefunden; "
                                  "wurde die Vorlage projektauftrag.docx verändert?")
        page, box = found[needle]
        name = sign.field_name_for(key, taken)
        taken.append(name)
        specs.append(sign.FieldSpec(name, page, sign.box_above(box, width=200), needle))
    return specs
