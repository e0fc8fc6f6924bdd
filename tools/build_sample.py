"""Build inputs/ikz-2025.xlsx from tools/sample_data.py (the data of the 12th annual report).

Never destroys what staff typed: when the workbook on disk holds other data than
the sample (someone edited it), nothing is written unless ``--force`` is given,
and then the edited workbook is kept as a backup beside it.

    python -m tools.build_sample [ZIEL.xlsx] [--force]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from pipeline.blank import write_workbook
from pipeline.fsutil import backup
from pipeline.validate import load
from pipeline.workbook import read_workbook
from tools.sample_data import SAMPLE

TARGET = Path(__file__).resolve().parent.parent / "inputs" / "ikz-2025.xlsx"


def _cells(path: Path) -> dict:
    raw = read_workbook(path)
    return {sheet: [{k: c.value for k, c in row.cells.items()} for row in rows] for sheet, rows in raw.rows.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.build_sample", description=__doc__.splitlines()[0])
    parser.add_argument("target", nargs="?", type=Path, default=TARGET)
    parser.add_argument("--force", action="store_true", help="auch eine geänderte Arbeitsmappe ersetzen (mit Sicherungskopie)")
    args = parser.parse_args(argv)
    target: Path = args.target
    with tempfile.TemporaryDirectory() as tmp:
        fresh = write_workbook(Path(tmp) / target.name, SAMPLE)
        same = target.exists() and _cells(target) == _cells(fresh)
        if target.exists() and not same:
            if not args.force:
                print(f"Fehler: {target} enthält andere Daten als die Beispieldaten (wurde sie bearbeitet?). "
                      "Nichts wurde verändert. Mit »make sample ARGS=--force« ersetzen; die bisherige Datei bleibt "
                      "dann als Sicherungskopie erhalten.", file=sys.stderr)
                return 1
            print(f"Sicherungskopie der bisherigen Datei: {backup(target)}")
        if not same:
            write_workbook(target, SAMPLE)
    data, warnings = load(target)
    print(f"{target}: {len(data.kommunen)} Kommunen, {len(data.projekte)} Projekte, {len(warnings)} Warnungen")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
