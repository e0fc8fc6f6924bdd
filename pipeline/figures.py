"""The rendering layer's types: what a template context hands the renderer to draw, beyond text.

The content modules build these from the model; `render` turns them into Word
XML (`wordml`) or pictures (`charts`). They hold German text already formatted
and no workbook objects, so their canonical form is a build key (`digest`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .markup import RichText

__all__ = [
    "BarChart",
    "IndentedText",
    "ParticipationTable",
    "ProcessChart",
    "TableCell",
    "TableColumn",
    "TableGroup",
    "TableRow",
    "Timeline",
    "TimelineStep",
]


@dataclass(frozen=True)
class IndentedText(RichText):
    """A RichText shown indented under a list item (List Continue; its
    bullets become second-level bullets)."""


@dataclass(frozen=True)
class TableColumn:
    """One leaf column of the participation table (a project or a follow-up)."""

    projekt: str
    label: str  # header of the leaf column (second header row or abbreviation)
    titel: str  # full title, for the key
    folgeprojekt: bool = False


@dataclass(frozen=True)
class TableGroup:
    """A project column with its follow-up sub-columns."""

    projekt: str
    titel: str
    columns: tuple[TableColumn, ...]


@dataclass(frozen=True)
class TableCell:
    text: str
    beteiligt: bool = False
    vertreten: bool = False  # with a role in the Projektgruppe (PL/PG)
    unzustaendig: bool = False  # keine Aufgabenzuständigkeit (shaded grey)
    folgeprojekt: bool = False


@dataclass(frozen=True)
class TableRow:
    kommune: str
    cells: tuple[TableCell, ...]


@dataclass(frozen=True)
class ParticipationTable:
    """The Beteiligungstabelle: rows = Kommunen, columns from the data."""

    titel: str
    untertitel: str
    stand: str
    groups: tuple[TableGroup, ...]
    rows: tuple[TableRow, ...]
    sums: tuple[int, ...]
    landscape: bool
    abbreviated: bool
    legend: tuple[tuple[str, str, str], ...]  # (kind, sample text, explanation)
    alt: str

    @property
    def columns(self) -> tuple[TableColumn, ...]:
        return tuple(c for g in self.groups for c in g.columns)

    @property
    def has_subcolumns(self) -> bool:
        return any(len(g.columns) > 1 for g in self.groups)

    @property
    def key(self) -> tuple[tuple[str, str], ...]:
        """Abbreviation → full title (only when headers are abbreviated)."""
        if not self.abbreviated:
            return ()
        return tuple((c.label, c.titel) for c in self.columns)

    def __bool__(self) -> bool:
        return bool(self.groups)


@dataclass(frozen=True)
class BarChart:
    """Horizontal bar chart (e.g. Kommunen per project)."""

    titel: str
    labels: tuple[str, ...]
    values: tuple[int, ...]
    maximum: int
    xlabel: str
    alt: str

    def __bool__(self) -> bool:
        return bool(self.values)


@dataclass(frozen=True)
class TimelineStep:
    nummer: str
    label: str
    start: dt.date
    ende: dt.date
    phase: bool
    erledigt: bool


@dataclass(frozen=True)
class Timeline:
    """Zeitplan of a project's Arbeitsabschnitte."""

    titel: str
    steps: tuple[TimelineStep, ...]
    heute: dt.date | None
    alt: str

    def __bool__(self) -> bool:
        return len(self.steps) >= 2


@dataclass(frozen=True)
class ProcessChart:
    """The standard process I → 1–4 → II → 5–7 → III as a flow picture."""

    stufen: tuple[tuple[str, str, bool], ...]  # (number(s), short text, is milestone)
    alt: str

    def __bool__(self) -> bool:
        return bool(self.stufen)
