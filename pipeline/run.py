"""Wire the stages into one run: workbook → documents → PDFs → bundles → signatures.

The stages never call each other; this module passes their typed results on.
A run is incremental (every output records the digest of what it was made
from and is reused when that is unchanged), atomic (it writes into a staging
folder that replaces the previous outputs only when everything succeeded)
and locked (a second run on the same outputs waits or stops).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .cache import DEFAULT_LIMIT, BuildCache
from .digest import sha256_file
from .edition import EditionRecord, EditionStamp
from .fsutil import write_atomic
from .kinds import document_kind
from .plan import (
    BundlePlan,
    DocumentPlan,
    Plan,
    SigningSettings,
    make_plan,
    plan_bundles,
)
from .store import (
    ARCHIVE,
    Manifest,
    ManifestEntry,
    OutputStore,
    RunResult,
    check_free_space,
)
from .tracking import Reads
from .work import BuildBundle, FinishDocument, TaskResult

if TYPE_CHECKING:  # types only: the signing libraries load only when something is signed
    from .errors import Problem
    from .model import IKZData
    from .schedule import Timings
    from .sign.config import SigningConfig

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
    signing: SigningConfig | None = None  # None → demonstration certificate
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
    from .schedule import Timings
    from .validate import load

    progress = progress or _noop
    timings = Timings()
    started = timings.started
    if not options.allow_open:
        from .workbook import require_closed

        require_closed(Path(options.workbook))
    progress("Arbeitsmappe prüfen", Path(options.workbook).name, 0, 1)
    data, warnings = load(options.workbook)
    from .template_check import accessibility_warnings

    warnings = [*warnings, *accessibility_warnings(Path(options.templates))]  # templates that cannot be tagged
    timings.mark("workbook", 0.0)

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
        kept = _keep_signed_copies(store, previous, Path(options.outputs) / ARCHIVE / store.name)
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
            result = _build(_BuildInputs(
                options=options, data=data, warnings=warnings, plan=plan, store=store, staging=staging,
                previous=prev_by_path, cache=cache, config=config, settings=settings, code=code,
                progress=progress, timings=timings, changed=changed, made_from=made_from,
                history=previous.editions if previous is not None else ()))
            progress("Ausgaben übernehmen", str(store.final), 0, 1)
            store.commit()
        except BaseException:
            store.abort()
            raise
        finally:
            cache.finish()
    return dataclasses.replace(result, folder=store.final, seconds=time.monotonic() - started,
                               kept=tuple(copy for _, copy in kept), stages=timings.as_dict())


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


@dataclass(frozen=True)
class _BuildInputs:
    """What `run` hands to `_build`: the checked workbook, the plan, where the outputs go, what the
    previous run left."""

    options: Options
    data: IKZData
    warnings: list[Problem]
    """The workbook's and the templates' warnings (for the manifest and the summary)."""
    plan: Plan
    store: OutputStore
    staging: Path
    """The staging folder the run writes into (it replaces the outputs when everything succeeded)."""
    previous: dict[str, ManifestEntry]
    """The previous run's manifest entries by path (none with --force)."""
    cache: BuildCache
    config: SigningConfig | _DemoConfig
    settings: SigningSettings
    code: str
    """The code version (part of every key)."""
    progress: Progress
    timings: Timings
    changed: Collection[str] = frozenset()
    """Delivered PDFs signed in place since the previous run (a copy is kept; the file stays current)."""
    made_from: dict[str, object] = dataclasses.field(default_factory=dict)
    """The fingerprint of everything the outputs are made from (`uptodate.fingerprint`)."""
    history: tuple[EditionRecord, ...] = ()
    """The editions issued by earlier runs."""


class _Delivery:
    """The outputs of one run as they come together: what was reused and what the workers delivered
    (manifest entries), and the worker tasks handed out for it. `schedule.run_stages` calls
    `finish_task`, `bundle_tasks` and `on_result`."""

    def __init__(self, b: _BuildInputs):
        self.b = b
        self.entries: dict[str, ManifestEntry] = {}
        """Manifest entries by path: reused and delivered documents and bundles."""
        self.final: dict[str, DocumentPlan] = {}
        """Every document by pdf_rel, with the keys it ends up with."""
        self.by_rel: dict[str, DocumentPlan] = {}
        """The documents handed to the workers, with their final keys."""
        self.bundles: list[BundlePlan] = []
        self.bundles_todo: dict[str, BundlePlan] = {}
        """The bundles handed to the workers, by path."""

    def finish_task(self, doc: DocumentPlan) -> FinishDocument:
        """The worker task that finishes and signs `doc` from its cached .docx and PDF."""
        b = self.b
        self.by_rel[doc.pdf_rel] = doc
        return FinishDocument(rel=doc.pdf_rel, cache_docx=b.cache.path(doc.docx_key, ".docx"),
                              cache_pdf=b.cache.path(doc.pdf_key, ".pdf"), out_docx=b.staging / doc.docx_rel,
                              out_pdf=b.staging / doc.pdf_rel, signers=doc.signers, reason=doc.reason,
                              location=b.settings.location, contact=b.settings.contact,
                              edition=EditionStamp(doc.edition, doc.ref.kind, doc.ref.project)
                              if doc.edition else None)

    def bundle_tasks(self, todo_final: dict[str, DocumentPlan]) -> list[BuildBundle]:
        """Once every document's keys are known (`todo_final`: the rebuilt ones): the bundles, each reused
        when its key is unchanged, else a worker task that builds and signs it."""
        from . import bundle

        b = self.b
        self.final.update(todo_final)
        self.bundles.extend(plan_bundles(b.data, [self.final[d.pdf_rel] for d in b.plan.documents], b.settings, b.code))
        tasks = []
        for bp in self.bundles:
            prev = b.previous.get(bp.path)
            if prev is not None and prev.key == bp.key and b.store.reuse(bp.path, prev.sha256):
                self.entries[bp.path] = dataclasses.replace(prev, reused=True)
                continue
            spec = bundle.BundleSpec(**dict(bp.cover), documents=tuple(  # type: ignore[arg-type]
                bundle.BundleDocument(m.title, b.cache.path(m.pdf_key, ".pdf"), m.label) for m in bp.members))
            self.bundles_todo[bp.path] = bp
            tasks.append(BuildBundle(rel=bp.path, spec=spec, out=b.staging / bp.path, reason=bp.reason,
                                     location=b.settings.location, contact=b.settings.contact))
        return tasks

    def on_result(self, res: TaskResult) -> None:
        """The manifest entry of a document or bundle a worker delivered."""
        config = self.b.config
        if res.rel in self.bundles_todo:
            bp = self.bundles_todo[res.rel]
            self.entries[res.rel] = ManifestEntry(kind=bp.kind, title=bp.title, path=res.rel, sha256=res.sha256,
                                                  key=bp.key, kommune=bp.kommune, pages=res.pages,
                                                  signature=_sig_label(config),
                                                  documents=tuple(m.pdf_rel for m in bp.members))
            return
        doc = self.by_rel[res.rel]
        self.entries[res.rel] = ManifestEntry(
            kind=doc.ref.kind, title=doc.title, path=res.rel, sha256=res.sha256, key=doc.signed_key,
            project=doc.ref.project, docx=doc.docx_rel, docx_sha256=res.docx_sha256, pages=res.pages,
            signature=_sig_label(config), signature_fields=res.fields,
            template=f"templates/{doc.template.name}", template_sha256=doc.template_sha256,
            docx_key=doc.docx_key, pdf_key=doc.pdf_key, edition=doc.edition)


def _build(b: _BuildInputs) -> RunResult:
    """Reuse what is unchanged, build the rest (the overlapped stages) and write the manifest into the
    staging folder."""
    delivery = _Delivery(b)
    todo = _reuse_unchanged(b, delivery)
    _build_changed(b, todo, delivery)
    return _write_manifest(b, todo, delivery)


def _reuse_unchanged(b: _BuildInputs, delivery: _Delivery) -> list[DocumentPlan]:
    """Step 1: reuse what is unchanged: same signed key (what its template read is unchanged), the files
    as recorded, and its unsigned PDF at hand for the bundles. Returns the rest, to be rebuilt."""
    todo: list[DocumentPlan] = []
    for doc in b.plan.documents:
        prev = b.previous.get(doc.pdf_rel)
        signed_since = doc.pdf_rel in b.changed  # still current: keep the copy with the new signatures
        if (prev is not None and prev.key == doc.signed_key and prev.pdf_key and prev.docx_key
                and b.cache.get(prev.pdf_key, ".pdf") is not None
                and b.store.reuse(doc.pdf_rel, None if signed_since else prev.sha256)
                and b.store.reuse(doc.docx_rel, prev.docx_sha256)):
            sha = sha256_file(b.staging / doc.pdf_rel) if signed_since else prev.sha256
            delivery.entries[doc.pdf_rel] = dataclasses.replace(prev, sha256=sha, reused=True)
            delivery.final[doc.pdf_rel] = dataclasses.replace(doc, docx_key=prev.docx_key, pdf_key=prev.pdf_key)
        else:
            todo.append(doc)
    return todo


def _build_changed(b: _BuildInputs, todo: list[DocumentPlan], delivery: _Delivery) -> None:
    """Steps 2–5: render, convert, finish and sign the documents that changed, and build and sign the
    bundles, all overlapped (schedule.py). --force renders and converts everything again."""
    from .schedule import STEP, Work, run_stages

    known: dict[str, Reads] = {}
    for doc in todo:
        reads = None if b.options.force or b.cache.get(doc.docx_key, ".docx") is None else _cached_reads(b.cache, doc.docx_key)
        if reads is not None:
            known[doc.docx_key] = reads

    # the checked signing configuration, loaded once (before the workers fork, when documents change)
    signing = functools.cache(lambda: _signing(b.config))

    def prepare() -> None:
        if todo:
            from . import render
            from .work import preload, preload_delivery

            b.progress("Vorlagen prüfen", str(b.options.templates), 0, 1)
            # without a trial rendering: every document is checked as it is rendered
            render.require_templates(b.data, Path(b.options.templates), trial=False)
            # matplotlib and the hyphenation patterns cost a second to load: here once when several workers
            # draw, else in the one worker that does (a run that changed only Projektaufträge loads neither)
            drawing = {doc.docx_key for doc in todo  # a content is rendered once, however many documents show it
                       if doc.docx_key not in known and render.draws(b.plan.contexts[doc.docx_key])}
            if len(drawing) > 1:
                preload()
            if b.options.jobs > 1:
                preload_delivery()
            signing()
        b.progress(STEP, f"{len(todo)} Dokumente und die Mappen", -1, 1)

    def required(doc: DocumentPlan) -> tuple[str, ...]:
        kind = document_kind(doc.ref.kind)
        return kind.required(b.data, b.data.projekt(doc.ref.project) if doc.ref.project else None)

    work = Work(plan=b.plan, todo=todo, known=known, cache=b.cache, force=b.options.force,
                finish_task=delivery.finish_task, bundle_tasks=delivery.bundle_tasks,
                expected_bundles=len(plan_bundles(b.data, b.plan.documents, b.settings, b.code)), required=required)
    run_stages(work, jobs=b.options.jobs, timeout=b.options.timeout, scratch=b.cache.scratch("convert"),
               prepare=prepare, signing=signing, progress=b.progress, on_result=delivery.on_result,
               timings=b.timings)


def _write_manifest(b: _BuildInputs, todo: list[DocumentPlan], delivery: _Delivery) -> RunResult:
    """The run's manifest, written into the staging folder, and the counts for the summary."""
    documents = [delivery.final[d.pdf_rel] for d in b.plan.documents]
    built = len(todo)
    reused = len(documents) - built
    bundles, bundles_todo = delivery.bundles, delivery.bundles_todo
    b_built, b_reused = len(bundles_todo), len(bundles) - len(bundles_todo)
    entries = delivery.entries
    config = b.config

    created = dt.datetime.now().astimezone()
    manifest = Manifest(
        workbook=str(b.options.workbook), workbook_sha256=b.data.sha256,
        created=created.isoformat(timespec="seconds"),
        code_version=b.code, certificate=str(config.pkcs12), demo_certificate=bool(config.demo),
        entries=tuple(entries[k] for k in [d.pdf_rel for d in documents] + [bp.path for bp in bundles]),
        warnings=tuple(str(w) for w in b.warnings), inputs=b.made_from or {},
        stats=_stats(b.staging, [e for e in entries.values()]),
        editions=_editions(b.history, documents, created.date()))
    (b.staging / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    return RunResult(b.staging, manifest, built, reused, b_built, b_reused, tuple(b.warnings), bool(config.demo), 0.0)


def _editions(previous: tuple[EditionRecord, ...], documents: list[DocumentPlan],
              today: dt.date) -> tuple[EditionRecord, ...]:
    """Every edition issued for this workbook: those of earlier runs (kept, so that a copy of an older
    edition can say what changed a year later) and the new ones of this run."""
    known = {e.digest for e in previous}
    new = {}
    for doc in documents:
        if doc.edition and doc.edition not in known and doc.edition not in new:
            new[doc.edition] = EditionRecord(digest=doc.edition, kind=doc.ref.kind, project=doc.ref.project,
                                             title=doc.title, issued=today.isoformat(),
                                             content=doc.edition_content or {})
    return previous + tuple(new.values())


def _stat(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _stats(staging: Path, entries: list[ManifestEntry]) -> dict[str, list[int]]:
    """Size and modification time of every delivered file (PDF, bundle, .docx): a later run that changes
    nothing compares these instead of reading every file again (uptodate.py). The files keep them when
    the staging folder becomes the run folder."""
    paths = [e.path for e in entries] + [e.docx for e in entries if e.docx]
    return {rel: _stat(staging / rel) for rel in paths}


def _sig_label(config) -> str:
    return "signiert (Demonstrationszertifikat)" if config.demo else "signiert"
