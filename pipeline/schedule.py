"""The stages of a run, overlapped: each document moves on as soon as what it needs is ready.

LibreOffice starts first (half as many processes as workers; each takes a few tenths of a second to come up) and the
templates are checked meanwhile. Then worker processes render the documents,
heaviest first; each rendered .docx goes straight to LibreOffice; each PDF that
comes back is finished and signed by a worker while others still convert; and
each bundle is built and signed as soon as the PDFs of all its members exist.
The first error stops everything still running; failed conversions are
collected and reported together once the others are done.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import gc
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from .cache import BuildCache
from .errors import TemplateError
from .kinds import document_kind
from .plan import DocumentPlan, Plan
from .template_check import templates_error
from .tracking import Reads
from .work import BuildBundle, FinishDocument, Rendered, TaskResult

if TYPE_CHECKING:
    from multiprocessing.synchronize import Event as EventType

    from .convert import Converter

STEP = "Dokumente und Mappen erzeugen"
"""The progress step of the overlapped stages."""

_POLL = 0.02  # seconds between looks at LibreOffice while workers are busy


@dataclass
class StageTime:
    """Where the time of one stage went (for `make bench`)."""

    busy: float = 0.0
    """Seconds of work summed over all processes (LibreOffice: from the start of a document to its PDF)."""
    first: float | None = None
    """Seconds after the start of the run when the stage began."""
    last: float | None = None
    """Seconds after the start of the run when its last item ended."""
    count: int = 0
    """Items done."""

    def add(self, busy: float, began: float, ended: float) -> None:
        self.busy += busy
        self.count += 1
        self.first = began if self.first is None else min(self.first, began)
        self.last = ended if self.last is None else max(self.last, ended)


@dataclass
class Timings:
    """Stage times of one run: workbook, prepare (template check, signing key), render, convert, finish
    (a document's .docx, signature fields and signature; its signing alone: »document signing«), bundle
    (merge and signature; the signing alone: »bundle signing«)."""

    started: float = field(default_factory=time.monotonic)
    stages: dict[str, StageTime] = field(default_factory=lambda: defaultdict(StageTime))

    def now(self) -> float:
        return time.monotonic() - self.started

    def add(self, stage: str, busy: float, ended: float | None = None) -> None:
        ended = self.now() if ended is None else ended
        self.stages[stage].add(busy, max(0.0, ended - busy), ended)

    def mark(self, stage: str, began: float, ended: float | None = None) -> None:
        """A stage done in this process from `began` (run seconds) until now."""
        ended = self.now() if ended is None else ended
        self.stages[stage].add(ended - began, began, ended)

    def as_dict(self) -> dict[str, dict]:
        return {name: {"busy": round(st.busy, 3), "first": None if st.first is None else round(st.first, 3),
                       "last": None if st.last is None else round(st.last, 3), "count": st.count}
                for name, st in self.stages.items()}


@dataclass
class Work:
    """What the overlapped stages are given by the run."""

    plan: Plan
    todo: list[DocumentPlan]
    """Documents to build (their .docx may be cached already)."""
    known: dict[str, Reads]
    """docx_key → what its template read, for the .docx already in the cache (none with --force)."""
    cache: BuildCache
    force: bool
    """Render and convert everything again."""
    finish_task: Callable[[DocumentPlan], FinishDocument]
    """The worker task that delivers a document."""
    bundle_tasks: Callable[[dict[str, DocumentPlan]], list[BuildBundle]]
    """Called once every document's keys are known (todo ones by pdf_rel): the bundles to build."""
    expected_bundles: int
    """How many bundles there will be at most (for the progress display before they are known)."""
    required: Callable[[DocumentPlan], tuple[str, ...]] = lambda doc: ()
    """The text a document must show (its kind's, and signature lines): checked on every rendering."""


def libreoffice_processes(jobs: int) -> int:
    """How many LibreOffice processes a run of `jobs` worker processes starts: half as many, at least one.

    Rendering, finishing and bundling are two to three times LibreOffice's work (`make bench`: the sample
    5.5 s against 2.2 s, Wetterau 35 s against 12 s), so half as many keep up with the workers. On two cores a
    second LibreOffice process made no run faster and cost its start-up and first document again (0.3-0.5 s
    of CPU per run; docs/BENCHMARK.md)."""
    return max(1, (jobs + 1) // 2)


@contextlib.contextmanager
def heap_frozen() -> Iterator[None]:
    """The objects of this process are frozen (`gc.freeze`) meanwhile: a process forked now never has its
    garbage collector walk what it inherits (the plan, the templates, matplotlib), only what it makes itself
    (two thirds of the workers' collection time, and fewer copied pages). Unfrozen afterwards, so a long-lived
    process (the web application's run worker) still frees what a run left behind."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class _Inline:
    """Runs a task at once in this process (one job): the same interface as the process pool."""

    def submit(self, fn, *args) -> cf.Future:
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - handed on like a worker's error
            future.set_exception(exc)
        return future


def run_stages(work: Work, *, jobs: int, timeout: float, scratch: Path, prepare: Callable[[], None],
               signing: Callable[[], object], progress: Callable[[str, str, int, int], None], on_result: Callable[[TaskResult], None],
               timings: Timings) -> dict[str, DocumentPlan]:
    """Render, convert, finish and bundle, overlapped; report every finished task to `on_result`.

    `prepare()` runs after LibreOffice has been started and before the worker
    processes are forked (the template check, loading the signing key);
    `signing()` gives the signing configuration handed to the workers (called
    when the first task is handed over). Returns the todo documents with their
    final keys, by pdf_rel.
    """
    from . import convert
    from . import work as worker

    final, queue, needs_pdf = _to_render(work)
    state = _State(work, progress, timings, len(queue), needs_pdf)
    converter = None
    if needs_pdf:
        shutil.rmtree(scratch, ignore_errors=True)
        (scratch / "in").mkdir(parents=True)
        converter = convert.Converter(scratch / "out", jobs=libreoffice_processes(jobs), timeout=timeout,
                                      expected=needs_pdf)
    pool = None
    stop = None
    try:
        began = timings.now()
        prepare()
        timings.mark("prepare", began)
        renders: dict[cf.Future, DocumentPlan] = {}  # renderings handed to the workers
        if jobs > 1:
            pool, stop = _start_workers(work, queue, jobs)
            submit: Callable[..., cf.Future] = pool.submit
            with heap_frozen():  # the workers fork at the first submission
                renders = {submit(worker.render_index, i): doc for i, doc in enumerate(queue)}
        else:
            submit = _Inline().submit

        state.submit = lambda task: submit(worker.finish, task, signing())
        for doc in list(final.values()):
            state.document_ready(doc, converter, scratch)
        if pool is None:
            state.render_here(queue, final, converter, scratch)
        if not renders:
            state.all_rendered(final, converter)
        state.follow(renders, final, converter, scratch, on_result, stop)
        state.raise_failures()
        return final
    except BaseException:
        if stop is not None:
            stop.set()
        raise
    finally:
        worker.set_rendering(None, None)
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if converter is not None:
            converter.shutdown()
        shutil.rmtree(scratch, ignore_errors=True)


def _to_render(work: Work) -> tuple[dict[str, DocumentPlan], list[DocumentPlan], int]:
    """What is to be rendered: a document whose .docx is cached has its final keys at once (returned by
    pdf_rel); the others are rendered once per content, those about the whole process first (the
    largest, and in every bundle). Also returns how many PDFs LibreOffice makes at most."""
    cache, plan = work.cache, work.plan
    final: dict[str, DocumentPlan] = {}
    to_render: dict[str, DocumentPlan] = {}  # by docx_key: documents with the same content are rendered once
    for doc in work.todo:
        reads = work.known.get(doc.docx_key)
        if reads is not None:
            final[doc.pdf_rel] = plan.with_reads(doc, reads)
        else:
            to_render.setdefault(doc.docx_key, doc)
    queue = sorted(to_render.values(), key=lambda d: document_kind(d.ref.kind).per_project)
    needs_pdf = len(queue) + sum(1 for d in final.values() if work.force or cache.get(d.pdf_key, ".pdf") is None)
    return final, queue, needs_pdf


def _start_workers(work: Work, queue: list[DocumentPlan], jobs: int) -> tuple[cf.ProcessPoolExecutor, EventType]:
    """`jobs` forked worker processes and the stop event they share. They inherit the documents to
    render; a rendering task names a document by its index in `queue`."""
    import multiprocessing

    from . import work as worker

    ctx = multiprocessing.get_context("fork")
    stop = ctx.Event()
    worker.set_rendering(queue, work.plan, {d.docx_key: work.required(d) for d in queue})
    pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=worker.start_worker,
                                  initargs=(stop,))
    return pool, stop


class _State:
    """Bookkeeping of the overlapped stages: which PDFs are awaited, which bundles wait for them."""

    def __init__(self, work: Work, progress, timings: Timings, renders: int, conversions: int):
        self.work = work
        self.progress = progress
        self.timings = timings
        self.submit: Callable[[object], cf.Future] | None = None
        self.tasks: dict[cf.Future, FinishDocument | BuildBundle] = {}
        self.converting: dict[Path, list[DocumentPlan]] = {}  # .docx handed to LibreOffice → its documents
        self.pending_pdfs: set[Path] = set()  # cache paths of PDFs not there yet
        self.bundles_waiting: list[tuple[BuildBundle, set[Path]]] = []
        self.bundles_known = False
        self.failed: list = []  # convert.Converted that failed
        self.problems: list[str] = []  # of the templates, found while rendering (each once)
        self.cancelled: BaseException | None = None
        self.counts = {"render": renders, "convert": conversions, "finish": len(work.todo),
                       "bundle": work.expected_bundles}
        self.done = dict.fromkeys(self.counts, 0)
        self.same_content: dict[str, list[DocumentPlan]] = defaultdict(list)  # docx_key → the todo documents
        for doc in work.todo:
            self.same_content[doc.docx_key].append(doc)

    # progress

    def step(self, what: str, label: str) -> None:
        self.done[what] += 1
        total = sum(max(self.counts[k], self.done[k]) for k in self.counts)
        self.progress(STEP, label, sum(self.done.values()) - 1, total)

    # stages

    def template_problem(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    def rendered(self, doc: DocumentPlan, result: Rendered, final, converter, scratch: Path,
                 began: float | None = None) -> None:
        for problem in result.problems:
            self.template_problem(problem)
        if result.problems:
            return  # not cached: the next run renders and checks it again
        cache = self.work.cache
        cache.write(doc.docx_key, ".docx", result.blob)
        cache.write(doc.docx_key, ".reads.json", result.reads_json.encode("utf-8"))
        if began is None:
            self.timings.add("render", result.seconds)
        else:
            self.timings.mark("render", began)
        self.step("render", f"Word: {doc.stem}")
        reads = Reads.from_json(result.reads_json)
        for other in self.same_content[doc.docx_key]:
            final[other.pdf_rel] = self.work.plan.with_reads(other, reads)
            self.document_ready(final[other.pdf_rel], converter, scratch, rendered=True)

    def render_here(self, queue: list[DocumentPlan], final: dict[str, DocumentPlan], converter: Converter | None,
                    scratch: Path) -> None:
        """One job: render the documents in this process, one by one, looking at LibreOffice in between."""
        from . import work as worker

        for doc in queue:
            began = self.timings.now()
            try:
                result = worker.render_one(doc, self.work.plan, self.work.required(doc))
            except TemplateError as exc:
                self.template_problem(str(exc))
            else:
                self.rendered(doc, result, final, converter, scratch, began)
            self.poll(converter)

    def follow(self, renders: dict[cf.Future, DocumentPlan], final: dict[str, DocumentPlan],
               converter: Converter | None, scratch: Path, on_result: Callable[[TaskResult], None],
               stop: EventType | None) -> None:
        """Move each document on as its rendering (`renders`, from the workers), its PDF (LibreOffice) or its
        task (finishing, a bundle) is done, until nothing is left."""
        while renders or self.tasks or (converter is not None and converter.busy):
            waiting = list(renders) + list(self.tasks)
            if waiting:
                done, _ = cf.wait(waiting, timeout=_POLL if converter is not None and converter.busy else None,
                                  return_when=cf.FIRST_COMPLETED)
            else:
                done = set()
                time.sleep(_POLL)
            for future in done:
                if future in renders:
                    doc = renders.pop(future)
                    if isinstance(future.exception(), TemplateError):
                        self.template_problem(str(future.exception()))
                    else:
                        self.rendered(doc, future.result(), final, converter, scratch)
                    if not renders:
                        self.all_rendered(final, converter)
                else:
                    self.task_done(future, on_result, stop)
            self.poll(converter)

    def document_ready(self, doc: DocumentPlan, converter, scratch: Path, rendered: bool = False) -> None:
        """`doc` has its final keys: convert it, or finish it when its PDF is cached."""
        if self.problems:
            return  # the run fails once every document is rendered
        cache = self.work.cache
        pdf = cache.path(doc.pdf_key, ".pdf")
        if not self.work.force and cache.get(doc.pdf_key, ".pdf") is not None:
            if rendered:
                self.counts["convert"] -= 1
            self._finish(doc)
            return
        if pdf in self.pending_pdfs:  # the same content is converted for another document already
            next(v for v in self.converting.values() if v[0].pdf_key == doc.pdf_key).append(doc)
            self.counts["convert"] -= 1
            return
        link = scratch / "in" / f"{doc.stem}.docx"
        shutil.copyfile(cache.path(doc.docx_key, ".docx"), link)
        self.converting[link] = [doc]
        self.pending_pdfs.add(pdf)
        converter.submit(link)

    def poll(self, converter) -> None:
        if converter is None:
            return
        for item in converter.poll():
            docs = self.converting.pop(item.docx)
            pdf = self.work.cache.path(docs[0].pdf_key, ".pdf")
            if item.pdf is None:
                self.failed.append(item)
                continue
            self.work.cache.put(docs[0].pdf_key, ".pdf", item.pdf)
            self.timings.add("convert", item.seconds)
            self.step("convert", f"PDF (LibreOffice): {docs[0].stem}")
            self.pending_pdfs.discard(pdf)
            for doc in docs:
                self._finish(doc)
            self._bundles_now_ready(pdf)

    def all_rendered(self, final, converter) -> None:
        """Every document has its keys: the bundles are known now. Raises one TemplateError for every
        problem of the templates found while rendering."""
        if self.problems:
            raise templates_error(self.problems)
        if self.bundles_known:
            return
        self.bundles_known = True
        if converter is not None:
            converter.close()
        bundles = self.work.bundle_tasks(final)
        self.counts["bundle"] = len(bundles)
        ready = []
        for task in bundles:
            missing = {d.pdf for d in task.spec.documents} & self.pending_pdfs
            if missing:
                self.bundles_waiting.append((task, missing))
            else:
                ready.append(task)
        self._start_largest_first(ready)

    def _bundles_now_ready(self, pdf: Path) -> None:
        still, ready = [], []
        for task, missing in self.bundles_waiting:
            missing.discard(pdf)
            if missing:
                still.append((task, missing))
            else:
                ready.append(task)
        self.bundles_waiting = still
        self._start_largest_first(ready)

    def _start_largest_first(self, bundles: list[BuildBundle]) -> None:
        """The largest bundle (the complete one) first, so that the workers finish together."""
        for task in sorted(bundles, key=lambda t: -len(t.spec.documents)):
            self._start(task)

    def _finish(self, doc: DocumentPlan) -> None:
        self._start(self.work.finish_task(doc))

    def _start(self, task) -> None:
        if self.failed or self.problems:
            return  # the run fails anyway
        assert self.submit is not None
        future = self.submit(task)
        self.tasks[future] = task

    def task_done(self, future: cf.Future, on_result, stop) -> None:
        from .sign import SigningCancelled

        task = self.tasks.pop(future)
        error = future.exception()
        if error is None:
            result = future.result()
            if isinstance(task, BuildBundle):
                self.timings.add("bundle", result.build_seconds + result.sign_seconds)
                self.timings.add("bundle signing", result.sign_seconds)
                self.step("bundle", f"Mappe: {Path(task.rel).name}")
            else:
                self.timings.add("finish", result.build_seconds + result.sign_seconds)
                self.timings.add("document signing", result.sign_seconds)
                self.step("finish", f"signiert: {Path(task.rel).name}")
            on_result(result)
            return
        if stop is not None:
            stop.set()
        for other in self.tasks:
            other.cancel()
        if isinstance(error, SigningCancelled):
            self.cancelled = self.cancelled or error  # another task failed first: wait for its error
            return
        raise error

    def raise_failures(self) -> None:
        from .convert import raise_failures

        if self.failed:
            raise_failures(self.failed)
        if self.cancelled is not None:
            raise self.cancelled
