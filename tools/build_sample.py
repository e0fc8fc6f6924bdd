"""Build inputs/ikz-2025.xlsx from tools/sample_data.py (the data of the 12th annual report)."""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.blank import write_workbook
from pipeline.validate import load
from tools.sample_data import SAMPLE

TARGET = Path(__file__).resolve().parent.parent / "inputs" / "ikz-2025.xlsx"


def main(argv: list[str] | None = None) -> int:
    target = Path(argv[0]) if argv else TARGET
    write_workbook(target, SAMPLE)
    data, warnings = load(target)
    print(f"{target}: {len(data.kommunen)} Kommunen, {len(data.projekte)} Projekte, {len(warnings)} Warnungen")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
