"""The small text convention of long workbook cells, parsed in this one place.

Convention (documented for staff in the Anleitung sheet and the README):

* every line of a cell is a paragraph (Alt+Enter in Excel starts a new line);
  empty lines are ignored;
* a line starting with ``- `` is a bullet; two leading spaces before the ``-``
  make it a second-level bullet;
* ``**text**`` marks bold text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_BULLET = re.compile(r"^(?P<indent>[ \t]*)[-–•]\s+(?P<text>.*)$")

MARKUP_HELP = (
    "Jede Zeile ist ein Absatz (in Excel neue Zeile mit Alt+Enter). "
    "Zeilen, die mit »- « beginnen, werden Aufzählungspunkte (mit zwei Leerzeichen davor: zweite Ebene). "
    "**Text** wird fett gedruckt."
)


@dataclass(frozen=True)
class Run:
    """A stretch of text with one formatting."""

    text: str
    bold: bool = False


@dataclass(frozen=True)
class Block:
    """A paragraph or bullet item made of runs."""

    runs: tuple[Run, ...]
    bullet: bool = False
    level: int = 0

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class RichText:
    """Parsed content of a long text cell."""

    blocks: tuple[Block, ...]
    source: str = ""

    def __bool__(self) -> bool:
        return bool(self.blocks)

    @property
    def plain(self) -> str:
        return "\n".join(b.text for b in self.blocks)


def parse_runs(line: str) -> tuple[Run, ...]:
    """Split one line into plain and bold runs."""
    runs: list[Run] = []
    pos = 0
    for m in _BOLD.finditer(line):
        if m.start() > pos:
            runs.append(Run(line[pos : m.start()]))
        runs.append(Run(m.group(1), bold=True))
        pos = m.end()
    if pos < len(line):
        runs.append(Run(line[pos:]))
    return tuple(r for r in runs if r.text)


def parse(text: str | None) -> RichText:
    """Parse a cell's text into paragraphs, bullets and bold runs."""
    if not text:
        return RichText((), "")
    blocks: list[Block] = []
    for raw in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not raw.strip():
            continue
        m = _BULLET.match(raw)
        if m:
            indent = len(m.group("indent").expandtabs(2))
            runs = parse_runs(m.group("text").strip())
            blocks.append(Block(runs, bullet=True, level=1 if indent >= 2 else 0))
        else:
            blocks.append(Block(parse_runs(raw.strip())))
    return RichText(tuple(b for b in blocks if b.runs), str(text))
