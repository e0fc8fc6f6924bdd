"""Benchmark of `make report` (issue 5, section 6) – a measurement, not a test.

Usage: python -m tools.bench [--quick] [--sizes sample,wetterau,stress] [-j N] [--budget MIN] [--profile] [--keep]

For every workload, in a fresh temporary outputs + state folder, with the real
pipeline (`pipeline.run.run`, one subprocess per scenario so that wall time and
peak memory include interpreter start-up and the LibreOffice children):

1. cold full run (empty state and outputs),
2. no-change run (the same workbook again),
3. one-project change (one project's Sachstand text edited in the workbook).

The floor is the bare cost of converting the same .docx files (taken from
``outputs/<workbook>/word``) with one ``soffice --headless --convert-to pdf``
call and a fresh user profile (made before the clock starts, without LibreOffice's
graphics self-test, as the pipeline's); the one-project change is compared with the
floor of just the documents it rebuilt.

Workloads: ``sample`` = inputs/ikz-2025.xlsx; ``wetterau`` = a large Kreis like
the Wetteraukreis (25 Kommunen + Kreis, 40 projects); ``stress`` = 100
Kommunen + Kreis, 150 projects. Without ``--sizes`` all three are planned, but
a workload whose estimated duration would push the whole benchmark past
``--budget`` minutes (default 15) is skipped with a note; sizes named with
``--sizes`` always run.

The pipeline code (pipeline/, tools/, templates/) is copied at the start and
every run uses that snapshot, so editing the code while the benchmark runs
does not invalidate it. Exit status 0 even when a target is missed (misses are
marked); 1 only when the pipeline itself failed, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_WORKBOOK = ROOT / "inputs" / "ikz-2025.xlsx"
SNAPSHOT_PARTS = ("pipeline", "tools", "templates")

# name → (description, generate() arguments or None for the sample workbook)
WORKLOADS: dict[str, tuple[str, tuple[int, int, int] | None]] = {
    "sample": ("inputs/ikz-2025.xlsx", None),
    "wetterau": ("Wetteraukreis-like: 25 Kommunen + Kreis, 40 projects", (25, 40, 11)),
    "stress": ("stress: 100 Kommunen + Kreis, 150 projects", (100, 150, 11)),
}
DEFAULT_SIZES = ("sample", "wetterau", "stress")

TARGET_RATIO = {"sample": 1.5, "wetterau": 2.0}  # cold full run: ≤ this × floor (issue 10)
TARGET_CHANGE_RATIO = 2.0  # one project text changed: ≤ 2 × floor of the changed docx …
TARGET_CHANGE_PER_MEMBER = 0.002  # … + 2 ms per document in the rebuilt bundles
TARGET_STRESS = 600.0  # seconds for the stress case, cold
TARGET_NOCHANGE = 0.3  # seconds, the whole `python -m pipeline report` command
TARGET_MEMORY = 1.5 * 1024**3  # bytes, all processes together
LINEAR_TOLERANCE = 1.25  # s/doc of a larger workload ≤ 1.25 × s/doc of the smallest one
CHANGE_NOTE = "Geändert für die Laufzeitmessung."

OK = "OK"
MISS = "MISSED ✗"


# ---------------------------------------------------------------------------
# memory: sampled RSS of a whole process tree (ru_maxrss only knows the
# largest single process, not two LibreOffice processes running side by side)


def _proc_table() -> dict[int, tuple[int, int]]:
    """pid → (ppid, rss in bytes) for every process we can read."""
    page = os.sysconf("SC_PAGE_SIZE")
    table: dict[int, tuple[int, int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                data = fh.read()
        except OSError:
            continue
        rest = data[data.rindex(b")") + 2:].split()
        # rest[0] is field 3 (state): ppid is field 4, rss (pages) field 24
        table[int(name)] = (int(rest[1]), int(rest[21]) * page)
    return table


def _pss(pid: int) -> int:
    """Proportional set size of a process in bytes (its private pages, plus each shared page divided by the
    number of processes sharing it), 0 when unreadable."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeSampler:
    """Peak of the summed RSS and of the summed PSS of a process and all its descendants, sampled.

    The RSS sum counts a page shared by forked workers (the pipeline forks its workers after loading
    the plan, matplotlib and pyHanko) once per process; the PSS sum counts it once in all, which is
    the memory the machine actually needs."""

    PSS_EVERY = 10  # samples: the kernel walks every page table for a PSS figure, so it is read every 0.5 s

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.peak_pss = 0
        self._samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> "TreeSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                table = _proc_table()
            except OSError:
                table = {}
            children: dict[int, list[int]] = {}
            for pid, (ppid, _) in table.items():
                children.setdefault(ppid, []).append(pid)
            total, pss, todo = 0, 0, [self.pid]
            with_pss = self._samples % self.PSS_EVERY == 0
            self._samples += 1
            while todo:
                pid = todo.pop()
                if pid in table:
                    total += table[pid][1]
                    pss += _pss(pid) if with_pss else 0
                todo.extend(children.get(pid, ()))
            self.peak = max(self.peak, total)
            self.peak_pss = max(self.peak_pss, pss)
            self._stop.wait(self.interval)


class CpuWatch:
    """CPU time used on the machine by processes other than the benchmark and its children.

    /proc/stat counts all CPU time; getrusage counts ours (children only once they have been
    reaped, which the benchmark's workers and the pipeline's LibreOffice processes are).
    """

    def __init__(self):
        self.start = self._sample()

    @staticmethod
    def _sample() -> tuple[float, float, float]:
        try:
            fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        except (OSError, ValueError, IndexError):
            return (0.0, 0.0, time.monotonic())
        tick = os.sysconf("SC_CLK_TCK")
        busy = (sum(fields[:8]) - fields[3] - fields[4]) / tick  # all but idle and iowait
        own = sum(getattr(resource.getrusage(who), attr) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                  for attr in ("ru_utime", "ru_stime"))
        return (busy, own, time.monotonic())

    def foreign(self) -> tuple[float, float]:
        """(CPU seconds used by other processes, their share of the machine's capacity) since start."""
        busy, own, now = self._sample()
        other = max(0.0, (busy - self.start[0]) - (own - self.start[1]))
        capacity = (now - self.start[2]) * (os.cpu_count() or 1)
        return other, (other / capacity if capacity > 0 else 0.0)


# ---------------------------------------------------------------------------
# worker: one scenario in its own process (runs inside the code snapshot)


def _maxrss_bytes() -> tuple[int, int]:
    """(own peak RSS, largest child's peak RSS) in bytes (Linux reports KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return own, children


# Pipeline functions timed inside a run: (label, module, attribute). Wrapped when their module is first
# imported (so the run imports exactly what it would import anyway); a missing one is simply not timed.
# Calls made in the pipeline's worker processes (-j > 1) are only seen as part of the step that waits for them.
TIMED: tuple[tuple[str, str, str], ...] = (
    ("templates check", "pipeline.render", "require_templates"),
)
NESTED = {"templates check"}  # part of the stage »prepare«
STAGES = ("workbook", "prepare", "render", "convert", "finish", "bundle")  # run.RunResult.stages, in order


def _instrument(timings: dict[str, float]) -> None:
    import functools
    import importlib.abc
    import inspect

    def wrap(label: str, fn):
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def gen_wrapper(*a, **kw):
                start = time.perf_counter()
                try:
                    yield from fn(*a, **kw)
                finally:
                    timings[label] = timings.get(label, 0.0) + time.perf_counter() - start
            return gen_wrapper

        @functools.wraps(fn)
        def wrapper(*a, **kw):
            start = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                timings[label] = timings.get(label, 0.0) + time.perf_counter() - start
        return wrapper

    def patch(module) -> None:
        for label, modname, attr in TIMED:
            fn = getattr(module, attr, None) if module.__name__ == modname else None
            if callable(fn) and not getattr(fn, "_bench", False):
                w = wrap(label, fn)
                w._bench = True
                setattr(module, attr, w)

    class Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name not in {m for _, m, _ in TIMED}:
                return None
            import importlib.machinery

            spec = importlib.machinery.PathFinder.find_spec(name, path)
            if spec is None or spec.loader is None:
                return spec
            original = spec.loader.exec_module

            def exec_module(module):
                original(module)
                patch(module)
            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, Finder())
    for _, modname, _ in TIMED:
        if modname in sys.modules:
            patch(sys.modules[modname])


def _worker_run(spec: dict) -> dict:
    timings: dict[str, float] = {}
    _instrument(timings)
    t0 = time.perf_counter()
    from pipeline.run import Options, run  # noqa: PLC0415 - timed on purpose

    t_import = time.perf_counter()
    steps: list[list] = []  # [step, start]

    def progress(step: str, item: str, done: int, total: int) -> None:
        if not steps or steps[-1][0] != step:
            steps.append([step, time.perf_counter()])

    kwargs = dict(workbook=Path(spec["workbook"]), outputs=Path(spec["outputs"]), templates=Path(spec["templates"]),
                  state=Path(spec["state"]))
    if spec.get("jobs"):
        kwargs["jobs"] = int(spec["jobs"])
    options = Options(**kwargs)
    if spec.get("profile"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        try:
            result = run(options, progress)
        finally:
            profiler.disable()
            profiler.dump_stats(spec["profile"])
    else:
        result = run(options, progress)
    t_end = time.perf_counter()

    breakdown: dict[str, float] = {"import pipeline.run": t_import - t0}
    marks = steps + [["", t_end]]
    if steps:
        breakdown["(vor erstem Fortschritt)"] = steps[0][1] - t_import
    for (step, start), (_, nxt) in zip(marks, marks[1:]):
        breakdown[step] = breakdown.get(step, 0.0) + (nxt - start)
    own, children = _maxrss_bytes()
    timed = {"import": t_import - t0}
    for label, _, _ in TIMED:
        if label in timings:
            timed[label] = timings[label]
    timed["other"] = (t_end - t0) - sum(v for k, v in timed.items() if k not in NESTED)
    return dict(
        timed=timed, folder=str(result.folder), built=result.built, reused=result.reused, bundles_built=result.bundles_built,
        bundles_reused=result.bundles_reused, seconds=result.seconds, inner=t_end - t0, breakdown=breakdown,
        entries=[dict(path=e.path, kind=e.kind, docx=e.docx, reused=e.reused, pages=e.pages, documents=list(e.documents))
                 for e in result.manifest.entries],
        code_version=result.manifest.code_version, rss_self=own, rss_children=children, stages=result.stages or {})


def _worker_floor(spec: dict) -> dict:
    docs = [Path(d) for d in spec["docs"]]
    outdir = Path(spec["outdir"])
    profile = Path(spec["profile_dir"])
    from pipeline.convert import prepare_profile

    # a profile that starts as the pipeline's LibreOffice processes do (without the graphics self-test), made
    # before the clock starts: the floor is the conversion, not the making of a profile
    prepare_profile(profile)
    cmd = [shutil.which("soffice") or "soffice", f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
           "--convert-to", "pdf", "--outdir", str(outdir), *map(str, docs)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=spec.get("timeout", 3600))
    seconds = time.perf_counter() - start
    made = [d for d in docs if (outdir / (d.stem + ".pdf")).is_file()]
    own, children = _maxrss_bytes()
    return dict(seconds=seconds, returncode=proc.returncode, converted=len(made), inputs=len(docs),
                stderr=proc.stderr.decode("utf-8", "replace")[-1500:], rss_self=own, rss_children=children)


def _worker_stats(spec: dict) -> dict:
    """How many documents and bundle members a workbook calls for (for the time estimate)."""
    from pipeline.plan import SigningSettings, make_plan
    from pipeline.validate import load

    data, _ = load(Path(spec["workbook"]))
    plan = make_plan(data, Path(spec["templates"]), "bench", "bench", SigningSettings("-", None, "-", None))
    members = sum(len(b.members) for b in plan.bundles)
    return dict(docx=len(plan.documents), bundle_members=members, rss_self=0, rss_children=0)


def worker_main(spec_path: str) -> int:
    started = time.time()
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    result = {"run": _worker_run, "floor": _worker_floor, "stats": _worker_stats}[spec["mode"]](spec)
    result["epoch_start"] = started
    result["epoch_end"] = time.time()
    Path(spec["result"]).write_text(json.dumps(result), encoding="utf-8")
    return 0


# ---------------------------------------------------------------------------
# parent: scenarios


@dataclass
class Measurement:
    label: str
    wall: float  # seconds, whole subprocess (what `make report` costs)
    rss_max: int  # largest single process (ru_maxrss), bytes
    rss_tree: int  # sampled peak of the summed RSS of the process tree, bytes
    data: dict = field(default_factory=dict)
    pss_tree: int = 0  # sampled peak of the summed PSS of the process tree, bytes (the memory target)

    @property
    def entries(self) -> list[dict]:
        return self.data.get("entries", [])

    @property
    def n_docs(self) -> int:  # manifest entries incl. bundles
        return len(self.entries)

    @property
    def n_docx(self) -> int:
        return sum(1 for e in self.entries if e.get("docx"))

    @property
    def rebuilt_docx(self) -> list[dict]:
        return [e for e in self.entries if e.get("docx") and not e.get("reused")]


class BenchFailure(Exception):
    pass


@dataclass
class Bench:
    """Where the benchmark works: the code snapshot and the temporary base folder."""

    base: Path
    code: Path  # snapshot with pipeline/, tools/, templates/
    jobs: int | None

    @property
    def templates(self) -> Path:
        return self.code / "templates"


def take_snapshot(target: Path) -> None:
    """Copy the code the runs use, so edits during the benchmark do not change it; precompile it."""
    for part in SNAPSHOT_PARTS:
        shutil.copytree(ROOT / part, target / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(target / "pipeline"), str(target / "tools")],
                   check=False, stdout=subprocess.DEVNULL)


def _spawn(bench: Bench, spec: dict, work: Path, label: str) -> Measurement:
    fd, spec_path = tempfile.mkstemp(prefix="spec-", suffix=".json", dir=work)
    os.close(fd)
    spec["result"] = spec_path + ".result"
    Path(spec_path).write_text(json.dumps(spec), encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(bench.code)  # the snapshot, ahead of the editable install of /work/main
    spawned = time.time()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "tools.bench", "--worker", spec_path], cwd=bench.code, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        with TreeSampler(proc.pid) as sampler:
            out, err = proc.communicate()
    except BaseException:
        # Ctrl-C / SIGTERM: let the pipeline clean up (it aborts its staging folder and kills LibreOffice on
        # KeyboardInterrupt), then make sure the worker is gone.
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        raise
    wall = time.perf_counter() - start
    finished = time.time()
    if proc.returncode != 0 or not Path(spec["result"]).is_file():
        text = (err or out).decode("utf-8", "replace").strip().splitlines()
        raise BenchFailure(f"{label}: worker exit status {proc.returncode}\n    " + "\n    ".join(text[-25:]))
    data = json.loads(Path(spec["result"]).read_text(encoding="utf-8"))
    data["startup"] = max(0.0, data["epoch_start"] - spawned)  # interpreter start, import tools.bench
    data["exit"] = max(0.0, finished - data["epoch_end"])  # interpreter shutdown
    return Measurement(label, wall, max(data["rss_self"], data["rss_children"]), sampler.peak, data, sampler.peak_pss)


def measure_run(bench: Bench, label: str, workbook: Path, outputs: Path, state: Path, work: Path,
                profile: Path | None = None) -> Measurement:
    # profiled runs use one job: work the pipeline hands to worker processes would be invisible to cProfile
    spec = dict(mode="run", workbook=str(workbook), outputs=str(outputs), state=str(state),
                templates=str(bench.templates), jobs=1 if profile else bench.jobs, profile=str(profile) if profile else None)
    return _spawn(bench, spec, work, label)


def measure_command(bench: Bench, label: str, workbook: Path, outputs: Path, state: Path,
                    template: Measurement) -> Measurement:
    """Time the real command `python -m pipeline report` (what a no-change `make report` costs: it decides
    from the manifest before importing the heavy parts, which the in-process worker cannot show)."""
    env = dict(os.environ, PYTHONPATH=str(bench.code))
    argv = [sys.executable, "-m", "pipeline", "report", str(workbook), "--outputs", str(outputs), "--state",
            str(state), "--templates", str(bench.templates)]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=bench.code, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    with TreeSampler(proc.pid) as sampler:
        out, err = proc.communicate()
    wall = time.perf_counter() - start
    text = out.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise BenchFailure(f"{label}: exit status {proc.returncode}\n    " + err.decode("utf-8", "replace")[-2000:])
    built = re.search(r"Dokumente: (\d+) neu erzeugt", text)
    bundles = re.search(r"Mappen: (\d+) neu erzeugt", text)
    data = dict(template.data, seconds=wall, built=int(built.group(1)) if built else -1,
                bundles_built=int(bundles.group(1)) if bundles else -1, timed={}, startup=0.0, exit=0.0,
                stages={}, entries=[dict(e, reused=True) for e in template.entries])
    return Measurement(label, wall, sampler.peak, sampler.peak, data, sampler.peak_pss)


def measure_floor(bench: Bench, label: str, docs: list[Path], work: Path) -> Measurement:
    base = Path(tempfile.mkdtemp(prefix="floor-", dir=work))
    spec = dict(mode="floor", docs=[str(d) for d in docs], outdir=str(base / "pdf"), profile_dir=str(base / "profile"))
    try:
        m = _spawn(bench, spec, work, label)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    if m.data["converted"] != m.data["inputs"]:
        print(f"  WARNING: the floor converted only {m.data['converted']} of {m.data['inputs']} documents "
              f"(soffice exit status {m.data['returncode']}): {m.data['stderr'].strip()[-300:]}")
    return m


def workload_stats(bench: Bench, workbook: Path, work: Path) -> dict | None:
    """{'docx': n, 'bundle_members': n} or None when the pipeline's planning API changed."""
    try:
        m = _spawn(bench, dict(mode="stats", workbook=str(workbook), templates=str(bench.templates)), work, "stats")
    except BenchFailure:
        return None
    return m.data


def modify_one_project(workbook: Path) -> str:
    """Edit one project's Sachstand (else Ausgangslage) text in place; return 'PROJECT (Textart)'."""
    from openpyxl import load_workbook

    from pipeline import schema

    sheet = schema.sheet("Projekttexte")
    headers = {f: sheet.column(f).header for f in ("projekt", "art", "text")}
    wb = load_workbook(workbook)
    ws = wb[sheet.name]
    row1 = [c.value for c in ws[1]]
    col = {f: row1.index(h) for f, h in headers.items()}
    for art in ("Sachstand", "Ausgangslage"):
        for row in ws.iter_rows(min_row=2):
            if row[col["art"]].value == art and row[col["projekt"]].value:
                cell = row[col["text"]]
                cell.value = f"{cell.value or ''}\n{CHANGE_NOTE}"
                wb.save(workbook)
                return f"{row[col['projekt']].value} ({art})"
    raise BenchFailure(f"{workbook.name}: no Sachstand/Ausgangslage row found in sheet Projekttexte")


def prepare_workbook(name: str, folder: Path) -> Path:
    _, args = WORKLOADS[name]
    folder.mkdir(parents=True, exist_ok=True)
    if args is None:
        target = folder / SAMPLE_WORKBOOK.name
        shutil.copyfile(SAMPLE_WORKBOOK, target)
        return target
    from pipeline.blank import write_workbook
    from tools.generate import generate

    target = folder / f"bench-{name}.xlsx"
    write_workbook(target, generate(*args))
    return target


@dataclass
class WorkloadResult:
    name: str
    cold: Measurement
    nochange: Measurement
    floor_all: Measurement
    change: Measurement
    floor_affected: Measurement | None
    changed: str
    stats: dict | None
    seconds: float  # whole workload incl. floors
    code_changed: bool = False
    foreign_cpu: tuple[float, float] = (0.0, 0.0)  # CPU seconds / share used by other processes meanwhile


def bench_workload(bench: Bench, name: str, work: Path, workbook: Path, stats: dict | None,
                   profile_dir: Path | None) -> WorkloadResult:
    started = time.perf_counter()
    watch = CpuWatch()
    outputs, state = work / "outputs", work / "state"
    say = lambda text: print(f"  [{name}] {text}", flush=True)  # noqa: E731

    say("cold full run …")
    cold = measure_run(bench, "cold", workbook, outputs, state, work)
    say(f"cold: {cold.wall:.1f} s, {cold.n_docx} docx, {cold.n_docs} documents; no-change run …")
    if profile_dir:  # profiled once, then measured without the profiler
        measure_run(bench, "no-change (profiled)", workbook, outputs, state, work, profile_dir / f"{name}-nochange.prof")
    nochange = measure_command(bench, "no-change", workbook, outputs, state, cold)
    say(f"no-change: {nochange.wall:.2f} s; floor (soffice --convert-to pdf, {cold.n_docx} docx) …")
    folder = outputs / workbook.stem
    docx_all = sorted((folder / "word").glob("*.docx"))
    floor_all = measure_floor(bench, "floor (all docx)", docx_all, work)
    changed = modify_one_project(workbook)
    say(f"floor: {floor_all.wall:.1f} s; one-project change ({changed}) …")
    if profile_dir:  # profile the same change on a copy, so the measured run below runs without the profiler
        copy = work / "profile-copy"
        for part in ("in", "outputs", "state"):
            shutil.copytree(work / part, copy / part, symlinks=True)
        measure_run(bench, "one-project change (profiled)", copy / "in" / workbook.name, copy / "outputs",
                    copy / "state", work, profile_dir / f"{name}-change.prof")
        shutil.rmtree(copy, ignore_errors=True)
    change = measure_run(bench, "one-project change", workbook, outputs, state, work)
    affected = [folder / e["docx"] for e in change.rebuilt_docx]
    floor_affected = None
    if affected:
        say(f"change: {change.wall:.1f} s, {len(affected)} docx + {change.data['bundles_built']} bundles rebuilt; "
            "floor of those docx …")
        floor_affected = measure_floor(bench, "floor (affected docx)", affected, work)
    codes = [m.data.get("code_version", "?") for m in (cold, nochange, change)]
    if len(set(codes)) > 1:
        say("WARNING: the pipeline's code version changed between the runs (" + " → ".join(codes)
            + "); documents were rebuilt for that reason and the figures are not valid.")
    foreign = watch.foreign()
    if foreign[1] > 0.05:
        say(f"WARNING: other processes used {foreign[0]:.0f} CPU-s ({foreign[1]:.0%} of the machine) meanwhile; "
            "the figures are distorted.")
    return WorkloadResult(name, cold, nochange, floor_all, change, floor_affected, changed, stats,
                          time.perf_counter() - started, len(set(codes)) > 1, foreign)


def estimate_seconds(prev: WorkloadResult, name: str, stats: dict | None) -> float | None:
    """Rough duration of the next workload, scaled from the previous one.

    Bundle building scales with the number of bundle members (a Ratsmappe per
    Kommune holds the annual report and the documents of its projects, so this
    grows like Kommunen × projects); everything else with the number of .docx.
    """
    if stats and prev.stats and prev.stats.get("docx") and prev.stats.get("bundle_members"):
        f_docx = stats["docx"] / prev.stats["docx"]
        f_bundle = stats["bundle_members"] / prev.stats["bundle_members"]
    elif WORKLOADS[prev.name][1] and WORKLOADS[name][1]:
        # the pipeline's planning API was not usable: scale by the generator's sizes instead
        (k0, p0, _), (k1, p1, _) = WORKLOADS[prev.name][1], WORKLOADS[name][1]
        f_docx = p1 / p0
        f_bundle = (k1 + 1) * p1 / ((k0 + 1) * p0)
    else:
        return None
    total = 0.0
    for m in (prev.cold, prev.nochange, prev.change):
        stages = m.data.get("stages") or {}
        busy = sum(st["busy"] for st in stages.values())
        share = stages.get("bundle", {}).get("busy", 0.0) / busy if busy else 0.0  # of the overlapped work
        bundles = m.wall * share
        total += bundles * f_bundle + (m.wall - bundles) * f_docx
    for m in (prev.floor_all, prev.floor_affected):
        if m is not None:
            total += m.wall * f_docx
    return total


# ---------------------------------------------------------------------------
# report


def _mib(n: int) -> str:
    return f"{n / 2**20:.0f} MiB"


def _s(x: float) -> str:
    return f"{x:.2f} s" if x < 10 else f"{x:.1f} s"


def _min(x: float) -> str:
    return f"{x / 60:.1f} min"


def machine() -> list[str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    except OSError:
        nproc = str(len(os.sched_getaffinity(0)))
    try:
        lo = subprocess.run([shutil.which("soffice") or "soffice", "--version"], capture_output=True, text=True,
                            timeout=60).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        lo = "LibreOffice not found"
    lines = [f"nproc:        {nproc}", f"CPU:          {cpu}", f"RAM:          {ram}", f"LibreOffice:  {lo}",
             f"Python:       {platform.python_version()}  ({platform.system()} {platform.release()})"]
    try:
        quota = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota and quota[0] != "max":
            lines.append(f"cgroup CPU:   {int(quota[0]) / int(quota[1]):g} CPUs")
    except (OSError, ValueError, IndexError):
        pass
    try:
        load = Path("/proc/loadavg").read_text().split()[:3]
        lines.append(f"load avg:     {' '.join(load)} (1/5/15 min; other load on the machine distorts the figures)")
    except OSError:
        pass
    return lines


def warm_up(bench: Bench) -> float:
    """One untimed conversion, so the first workload does not pay for a cold disk cache."""
    work = Path(tempfile.mkdtemp(prefix="warmup-", dir=bench.base))
    start = time.perf_counter()
    try:
        measure_floor(bench, "warm-up", [bench.templates / "projektauftrag.docx"], work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return time.perf_counter() - start


def print_table(results: list[WorkloadResult]) -> None:
    head = ("workload", "scenario", "wall", "in run", "docs", "docx", "rebuilt", "docs/s", "docx/s", "RSS max",
            "RSS tree", "PSS tree")
    rows = [head]
    for r in results:
        for m in (r.cold, r.nochange, r.change):
            d = m.data
            rows.append((r.name, m.label, _s(m.wall), _s(d["seconds"]), str(m.n_docs), str(m.n_docx),
                         f"{d['built']}+{d['bundles_built']}", f"{m.n_docs / m.wall:.2f}", f"{m.n_docx / m.wall:.2f}",
                         _mib(m.rss_max), _mib(m.rss_tree), _mib(m.pss_tree)))
        for m in (r.floor_all, r.floor_affected):
            if m is None:
                continue
            n = m.data["inputs"]
            rows.append((r.name, m.label, _s(m.wall), _s(m.data["seconds"]), "", str(n), "", "",
                         f"{n / m.wall:.2f}", _mib(m.rss_max), _mib(m.rss_tree), _mib(m.pss_tree)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    for j, row in enumerate(rows):
        print("  ".join(c.rjust(w) if i >= 2 else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip())
        if j == 0:
            print("  ".join("-" * w for w in widths))
    print()
    print("wall = whole process incl. Python start and exit (what `make report` costs); in run = RunResult.seconds;")
    print("docs = manifest entries incl. bundles; rebuilt = documents + bundles built (not reused);")
    print("RSS max = largest single process (ru_maxrss); RSS tree = sampled peak of the summed RSS of the process tree")
    print("(shared pages counted per process); PSS tree = the same for the proportional set size (a page shared by")
    print("n processes counts 1/n in each: the memory actually used, sampled every 0.5 s; the memory target's figure);")
    print("floor = one `soffice --headless --convert-to pdf` call, fresh profile (made untimed, without the self-test)")
    print("(plain PDF: no PDF/A, no index update – the pipeline's macro does both).")


def print_breakdown(results: list[WorkloadResult]) -> None:
    print("Where the time goes (seconds). The stages overlap: »busy« is the work summed over all processes")
    print("(LibreOffice: from a document's start to its PDF), [from–to] the wall-clock span since the run began.")
    print("finish = a document's .docx copy, signature fields and signature; bundle = merge and signature;")
    print("per bundled doc = bundle busy / documents in the rebuilt bundles.")
    for r in results:
        for m in (r.cold, r.nochange, r.change):
            stages = m.data.get("stages") or {}
            parts = [f"Python start {m.data['startup']:.2f}"]
            for k, v in m.data["timed"].items():
                if v >= 0.005 and k not in ("other",) and k not in NESTED:
                    parts.append(f"{k} {v:.2f}")
            for name in STAGES:
                st = stages.get(name)
                if st and st["count"]:
                    parts.append(f"{name} {st['busy']:.2f} [{st['first']:.2f}–{st['last']:.2f}] ×{st['count']}")
                    parts += [f"[{k} {v:.2f}]" for k, v in m.data["timed"].items() if k in NESTED and name == "prepare"]
            for name in ("document signing", "bundle signing"):
                st = stages.get(name)
                if st and st["count"]:
                    parts.append(f"({name} {st['busy']:.2f}, {st['busy'] / st['count'] * 1000:.0f} ms each)")
            members = _rebuilt_members(m)
            if members and stages.get("bundle"):
                parts.append(f"per bundled doc {stages['bundle']['busy'] / members * 1000:.1f} ms")
            parts.append(f"Python exit {m.data['exit']:.2f}")
            print(f"  {r.name:<9} {m.label:<19} " + " | ".join(parts))


def verdicts(results: list[WorkloadResult]) -> list[tuple[bool, str]]:
    out: list[tuple[bool, str]] = []
    for r in results:
        if r.code_changed:
            out.append((False, f"{r.name}: INVALID – the pipeline's code version changed between the runs"))
        if r.foreign_cpu[1] > 0.05:
            out.append((False, f"{r.name}: DISTORTED – other processes used {r.foreign_cpu[1]:.0%} of the CPU "
                               "while it ran; repeat on an otherwise idle machine"))
        ratio = r.cold.wall / r.floor_all.wall
        if r.name in TARGET_RATIO:
            out.append((ratio <= TARGET_RATIO[r.name],
                        f"{r.name}: cold full run {_s(r.cold.wall)} / floor {_s(r.floor_all.wall)} = {ratio:.2f} × "
                        f"(target ≤ {TARGET_RATIO[r.name]} ×)"))
        else:
            out.append((r.cold.wall <= TARGET_STRESS,
                        f"{r.name}: cold full run {_min(r.cold.wall)} (floor {_s(r.floor_all.wall)}, {ratio:.2f} ×; "
                        f"target ≤ {_min(TARGET_STRESS)})"))
        out.append((r.nochange.wall <= TARGET_NOCHANGE,
                    f"{r.name}: no-change run {_s(r.nochange.wall)}, the whole `python -m pipeline report` command "
                    f"(target ≤ {TARGET_NOCHANGE:g} s)"))
        if r.floor_affected is not None:
            n = r.floor_affected.data["inputs"]
            members = _rebuilt_members(r.change)
            allowed = TARGET_CHANGE_RATIO * r.floor_affected.wall + TARGET_CHANGE_PER_MEMBER * members
            out.append((r.change.wall <= allowed,
                        f"{r.name}: one-project change [{r.changed}] rebuilt {n} docx + {r.change.data['bundles_built']} "
                        f"bundles ({members} bundled documents) in {_s(r.change.wall)}; target ≤ "
                        f"{TARGET_CHANGE_RATIO:g} × floor of those docx {_s(r.floor_affected.wall)} + "
                        f"{TARGET_CHANGE_PER_MEMBER * 1000:g} ms × {members} = {_s(allowed)}"))
        else:
            out.append((False, f"{r.name}: one-project change rebuilt no document – the change was not detected"))
        peak = max(m.pss_tree for m in (r.cold, r.nochange, r.change))
        rss = max(m.rss_tree for m in (r.cold, r.nochange, r.change))
        out.append((peak <= TARGET_MEMORY, f"{r.name}: peak memory of all processes together {_mib(peak)} (PSS; "
                                           f"summed RSS {_mib(rss)}) (target ≤ {_mib(int(TARGET_MEMORY))})"))
    if len(results) >= 2:
        # units = documents + documents in bundles (what the work grows with); judged on the cold full run
        def units(r: WorkloadResult) -> int:
            return r.cold.n_docx + sum(len(e.get("documents") or ()) for e in r.cold.entries)

        ordered = sorted(results, key=units)
        per = []
        for r in ordered:
            finishing = (r.cold.data.get("stages") or {}).get("bundle", {}).get("busy")
            members = units(r) - r.cold.n_docx
            extra = (f", bundles {finishing / members * 1000:.1f} ms per bundled doc"
                     if members and finishing is not None else "")
            per.append((r.cold.wall / units(r),
                        f"{r.name} {r.cold.n_docx} docs + {members} bundled: {r.cold.wall / units(r) * 1000:.1f} ms/unit"
                        + extra))
        marg = []
        for a, b in zip(ordered, ordered[1:]):
            du = units(b) - units(a)
            if du > 0:
                marg.append(f"{a.name}→{b.name} {(b.cold.wall - a.cold.wall) / du * 1000:.1f} ms/unit")
        worst = max(p[0] for p in per[1:]) / per[0][0]
        out.append((worst <= LINEAR_TOLERANCE,
                    "linear growth (cold run; unit = a document or a document in a bundle): " + "; ".join(p[1] for p in per)
                    + f"; slope {', '.join(marg) or '–'}; largest/smallest ms/unit {worst:.2f} "
                    f"(target ≤ {LINEAR_TOLERANCE})"))
    else:
        out.append((True, "linear growth: not judged (needs at least two sizes, see --sizes)"))
    return out


def _rebuilt_members(m: Measurement) -> int:
    """Documents in the bundles a run rebuilt (the manifest lists each bundle's members)."""
    return sum(len(e.get("documents") or ()) for e in m.entries if not e.get("reused") and e.get("documents"))


def print_profiles(profile_dir: Path, top: int = 25) -> None:
    import pstats

    for path in sorted(profile_dir.glob("*.prof")):
        for key in ("cumulative", "tottime"):
            print(f"\ncProfile {path.stem}, top {top} by {key}:")
            stats = pstats.Stats(str(path), stream=sys.stdout)
            stats.strip_dirs().sort_stats(key).print_stats(top)


# ---------------------------------------------------------------------------


def _sigterm(signum, frame):  # noqa: ARG001
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        return worker_main(argv[1])
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only the sample workbook (inputs/ikz-2025.xlsx)")
    parser.add_argument("--sizes", default=None,
                        help=f"comma-separated workloads among {', '.join(WORKLOADS)}; they run regardless of the budget "
                        f"(default: {','.join(DEFAULT_SIZES)} within the budget)")
    parser.add_argument("--budget", type=float, default=15.0,
                        help="minutes; without --sizes, skip a workload estimated to end past it (default: %(default)g)")
    parser.add_argument("-j", "--jobs", type=int, default=None, help="parallel LibreOffice processes of the pipeline "
                        "(default: the pipeline's own default, the number of cores)")
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile the no-change and one-project-change runs (extra, unmeasured runs "
                        "with -j 1, so that work in worker processes is seen) and print the top functions")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders (outputs, state, workbooks)")
    parser.add_argument("--tmp", type=Path, default=None, help="folder for the temporary files (default: system temp)")
    args = parser.parse_args(argv)
    explicit = args.quick or args.sizes is not None
    sizes = ["sample"] if args.quick else [s.strip() for s in (args.sizes or ",".join(DEFAULT_SIZES)).split(",") if s.strip()]
    unknown = [s for s in sizes if s not in WORKLOADS]
    if unknown or not sizes:
        parser.error(f"unknown size(s) {', '.join(unknown)}; choose among {', '.join(WORKLOADS)}")
    if not SAMPLE_WORKBOOK.is_file():
        parser.error(f"{SAMPLE_WORKBOOK} is missing (make sample)")
    signal.signal(signal.SIGTERM, _sigterm)

    print("IKZ pipeline benchmark – `make report` (issue 5, section 6)")
    for line in machine():
        print("  " + line)
    print(f"  pipeline -j:  {args.jobs or os.cpu_count()}")
    print(f"  workloads:    {', '.join(f'{s} ({WORKLOADS[s][0]})' for s in sizes)}"
          + ("" if explicit else f" – within a budget of {args.budget:g} min"))
    print(flush=True)

    base = Path(tempfile.mkdtemp(prefix="ikz-bench-", dir=args.tmp))
    bench = Bench(base, base / "code", args.jobs)
    profile_dir = base / "profiles" if args.profile else None
    started = time.perf_counter()
    results: list[WorkloadResult] = []
    skipped: list[str] = []
    status = 0
    try:
        take_snapshot(bench.code)
        sys.path.insert(0, str(bench.code))  # workbooks are written and edited with the snapshot's schema, too
        print(f"LibreOffice warm-up (untimed): {warm_up(bench):.1f} s", flush=True)
        if profile_dir:
            profile_dir.mkdir()
        current, t_workload = "", time.perf_counter()
        try:
            for name in sizes:
                current = name
                t_workload = time.perf_counter()
                work = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=base))
                workbook = prepare_workbook(name, work / "in")
                stats = workload_stats(bench, workbook, work)
                if stats:
                    print(f"  [{name}] {stats['docx']} documents, {stats['bundle_members']} documents in bundles",
                          flush=True)
                estimate = estimate_seconds(results[-1], name, stats) if results else None
                if estimate is not None:
                    elapsed = time.perf_counter() - started
                    print(f"  [{name}] estimated duration {_min(estimate)} (scaled from {results[-1].name})", flush=True)
                    if not explicit and elapsed + estimate > args.budget * 60:
                        skipped.append(f"{name}: skipped – estimated {_min(estimate)}; after {_min(elapsed)} already "
                                       f"spent this exceeds the budget of {args.budget:g} min. Run it alone with "
                                       f"`make bench ARGS='--sizes {name}'`")
                        print(f"  [{name}] SKIPPED (budget {args.budget:g} min)", flush=True)
                        shutil.rmtree(work, ignore_errors=True)
                        continue
                try:
                    result = bench_workload(bench, name, work, workbook, stats, profile_dir)
                except BenchFailure as exc:
                    print(f"  [{name}] FAILED – the pipeline did not complete, no figures for this workload:\n    {exc}")
                    status = 1
                    continue
                results.append(result)
                print(f"  [{name}] done in {_min(result.seconds)}", flush=True)
                if not args.keep:
                    shutil.rmtree(work, ignore_errors=True)
        except KeyboardInterrupt:
            print(f"\nBenchmark interrupted during workload {current} "
                  f"(after {_min(time.perf_counter() - t_workload)} on it); figures of the finished workloads follow.",
                  flush=True)
            skipped.append(f"{current}: interrupted after {_min(time.perf_counter() - t_workload)} – no figures")
            status = 130
        print()
        if results:
            print_table(results)
            print()
            print_breakdown(results)
            if profile_dir:
                print_profiles(profile_dir)
            print()
            print("Targets:")
            for ok, text in verdicts(results):
                print(f"  {OK if ok else MISS:<9} {text}")
            versions = sorted({m.data.get("code_version", "?") for r in results for m in (r.cold, r.nochange, r.change)})
        for text in skipped:
            print(f"  {'SKIPPED':<9} {text}")
        if results:
            print(f"\ncode version(s) measured: {', '.join(versions)} (snapshot of {ROOT} taken at the start)")
        print(f"Benchmark total: {_min(time.perf_counter() - started)}" + (f"; files kept in {base}" if args.keep else ""))
    except KeyboardInterrupt:
        print("\nBenchmark interrupted.", file=sys.stderr)
        status = 130
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
