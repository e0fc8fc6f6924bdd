"""Time of the bundle step alone: every Mappe of a finished run built again, in one process.

Usage: python tools/bench_bundles.py RUN_FOLDER [--state .ikz] [--rounds 3] [--out DIR]

RUN_FOLDER is a run's outputs folder with its manifest.json (e.g. outputs/ikz-2025);
the members' unsigned PDFs come from the state's cache (``<state>/cache/<pdf_key>.pdf``),
as in ``make report``. Each round runs in a fresh process, like a worker of the
pipeline, and builds every bundle of the manifest once (largest first, as run.py
orders them), without signing. Printed: milliseconds per bundled document (wall
and CPU time; the CPU time is steadier on a shared machine), per page, and the
process's peak memory.

The script uses whatever ``pipeline`` comes first on the path, so another checkout's
merge is measured with ``PYTHONPATH=/path/to/checkout python tools/bench_bundles.py …``.
Cover and index texts are simpler than the pipeline's (the manifest does not keep them);
they cost the same.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _specs(run_folder: Path, state: Path):
    from pipeline.bundle import BundleDocument, BundleSpec

    manifest = json.loads((run_folder / "manifest.json").read_text(encoding="utf-8"))
    by_path = {e["path"]: e for e in manifest["entries"]}
    specs = []
    for e in manifest["entries"]:
        if not e.get("documents"):
            continue
        documents = tuple(
            BundleDocument(by_path[d]["title"], state / "cache" / f"{by_path[d]['pdf_key']}.pdf",
                           by_path[d]["kind"].capitalize())
            for d in e["documents"])
        specs.append(BundleSpec(
            title=e["title"], subtitle="Unterlagen für die Sitzung", addressee=f"An die Vertretung\n{e.get('kommune') or ''}",
            cover_lines=("Berichtszeitraum 1.11.2024 – 31.10.2025",), documents=documents,
            author="IKZ-Lenkungsgruppe", subject="Benchmark", keywords=("IKZ",), date=dt.date(2026, 11, 25)))
    specs.sort(key=lambda s: -len(s.documents))
    return specs


def _one_pass(run_folder: Path, state: Path, out: Path) -> dict:
    from pipeline.bundle import build_bundle

    specs = _specs(run_folder, state)
    wall, cpu = time.perf_counter(), time.process_time()
    pages = 0
    for i, spec in enumerate(specs):
        pages += build_bundle(spec, out / f"mappe-{i}.pdf").pages
    return dict(wall=time.perf_counter() - wall, cpu=time.process_time() - cpu, bundles=len(specs),
                members=sum(len(s.documents) for s in specs), pages=pages,
                bytes=sum(p.stat().st_size for p in out.glob("mappe-*.pdf")),
                peak_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_folder", type=Path)
    parser.add_argument("--state", type=Path, default=Path(".ikz"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="keep the bundles here (default: a temporary folder)")
    parser.add_argument("--one-pass", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-bundles-"))
    out.mkdir(parents=True, exist_ok=True)
    if args.one_pass:
        print(json.dumps(_one_pass(args.run_folder.resolve(), args.state.resolve(), out)))
        return 0

    results = []
    for _ in range(args.rounds):
        run = subprocess.run(
            [sys.executable, __file__, str(args.run_folder), "--state", str(args.state), "--out", str(out), "--one-pass"],
            capture_output=True, text=True, env=os.environ.copy())
        if run.returncode != 0:
            print(run.stdout + run.stderr, file=sys.stderr)
            return 1
        results.append(json.loads(run.stdout.strip().splitlines()[-1]))
    import pipeline.bundle

    r0 = results[0]
    wall = [r["wall"] * 1000 / r["members"] for r in results]
    cpu = [r["cpu"] * 1000 / r["members"] for r in results]
    print(f"code: {Path(pipeline.bundle.__file__).parent}")
    print(f"{r0['bundles']} Mappen, {r0['members']} Dokumente darin, {r0['pages']} Seiten, "
          f"{r0['bytes'] / 2**20:.1f} MiB")
    print(f"je Dokument in einer Mappe: {statistics.median(wall):.2f} ms (Wanduhr, Median von {len(wall)}; "
          f"{min(wall):.2f}–{max(wall):.2f}), CPU {statistics.median(cpu):.2f} ms")
    print(f"je Seite: {statistics.median(r['wall'] * 1000 / r['pages'] for r in results):.3f} ms; "
          f"Spitzenspeicher des Prozesses: {max(r['peak_mib'] for r in results):.0f} MiB")
    if args.out is None:
        for path in out.glob("*.pdf"):
            path.unlink()
        out.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
