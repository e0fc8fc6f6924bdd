"""Regenerate the workbook section of README.md from the schema."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.blank import workbook_markdown

README = Path(__file__).resolve().parent.parent / "README.md"


def main() -> int:
    text = README.read_text(encoding="utf-8")
    new = re.sub(r"(<!-- arbeitsmappe:start -->\n).*?(<!-- arbeitsmappe:ende -->)",
                 lambda m: m.group(1) + workbook_markdown() + "\n" + m.group(2), text, flags=re.S)
    README.write_text(new, encoding="utf-8")
    print("README.md: Abschnitt »Die Arbeitsmappe« aktualisiert.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
