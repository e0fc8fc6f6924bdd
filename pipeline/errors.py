"""Exceptions and problem records; every problem carries where it happened."""

from __future__ import annotations

import datetime as dt
import enum
import errno
from dataclasses import dataclass
from pathlib import Path


class Severity(enum.Enum):
    """How bad a problem is: errors stop the run, warnings are reported."""

    ERROR = "Fehler"
    WARNING = "Warnung"


@dataclass(frozen=True)
class Location:
    """Where a problem is: file › sheet!cell (column)."""

    file: Path | None = None
    sheet: str | None = None
    cell: str | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file is not None:
            parts.append(Path(self.file).name)
        if self.sheet is not None:
            where = self.sheet + (f"!{self.cell}" if self.cell else "")
            if self.column:
                where += f" ({self.column})"
            parts.append(where)
        elif self.column:
            parts.append(f"({self.column})")
        return " › ".join(parts)


@dataclass(frozen=True)
class Problem:
    """One finding: where, what was found, what is wrong, what is allowed."""

    location: Location
    message: str
    severity: Severity = Severity.ERROR
    value: object = None
    allowed: str | None = None
    suggestion: str | None = None
    """What to write instead, when the program knows (»{Berichtsnummer}. Zwischenbericht«)."""

    @property
    def shown_value(self) -> str:
        """The value as staff typed it; a date as the documents write dates (3.12.2026)."""
        if isinstance(self.value, (dt.date, dt.datetime)):
            from .german import datum

            return datum(self.value if not isinstance(self.value, dt.datetime) else self.value.date())
        return "" if self.value is None else str(self.value)

    def __str__(self) -> str:
        text = f"{self.severity.value}: {self.location}: {self.message}" if str(self.location) else f"{self.severity.value}: {self.message}"
        if self.value is not None and self.value != "":
            shown = self.shown_value
            if len(shown) > 60:
                shown = shown[:57] + "…"
            shown = shown.replace("\n", "⏎")
            text += f" Gefunden: »{shown}«."
        if self.allowed:
            text += f" Erlaubt: {self.allowed}."
        if self.suggestion:
            text += f" Vorschlag: »{self.suggestion}«."
        return text


@dataclass(frozen=True)
class ProblemGroup:
    """Problems of one kind (same sheet, column and message): shown as one line with their cells."""

    first: Problem
    cells: tuple[str, ...]
    """The cells of all of them, in order (empty when they have none)."""

    @property
    def count(self) -> int:
        return max(1, len(self.cells))

    def __str__(self) -> str:
        if len(self.cells) <= 1:
            return str(self.first)
        loc = self.first.location
        where = Location(loc.file, loc.sheet, None, loc.column)
        shown = ", ".join(self.cells[:_SHOWN]) + (f" und {len(self.cells) - _SHOWN} weitere" if len(self.cells) > _SHOWN else "")
        text = f"{self.first.severity.value}: {where}: {self.first.message} {len(self.cells)}-mal: {shown}."
        if self.first.allowed:
            text += f" Erlaubt: {self.first.allowed}."
        if self.first.suggestion:
            text += f" Vorschlag: »{self.first.suggestion}«."
        return text


_SHOWN = 5
"""Cells named in a group's line before »und N weitere«."""


def group_problems(problems: list[Problem]) -> list[ProblemGroup]:
    """Problems of the same kind (sheet, column, message, allowed, suggestion) together, in the order of
    their first occurrence; the values found differ per cell and are left out of a group's line."""
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        key = (p.severity, p.location.file, p.location.sheet, p.location.column, p.message, p.allowed, p.suggestion)
        groups.setdefault(key, []).append(p)
    return [ProblemGroup(ps[0], tuple(p.location.cell for p in ps if p.location.cell)) if len(ps) > 1
            else ProblemGroup(ps[0], (ps[0].location.cell,) if ps[0].location.cell else ())
            for ps in groups.values()]


class PipelineError(Exception):
    """Base of all errors this package raises on purpose; message is German."""

    def __init__(self, message: str, location: Location | None = None):
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is not None and str(self.location):
            return f"{self.location}: {self.message}"
        return self.message


class InputError(PipelineError):
    """A problem with what the user gave: the workbook or a template (exit status 1, not 3)."""


class WorkbookError(InputError):
    """The workbook cannot be read at all (missing, not xlsx, encrypted, too big)."""


class ValidationError(InputError):
    """The workbook was read but has errors; carries all problems at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity is Severity.ERROR]
        super().__init__(f"{len(errors)} Fehler in der Arbeitsmappe")


class TemplateError(InputError):
    """A Word template is broken or uses variables the data does not provide."""


class ConversionError(PipelineError):
    """LibreOffice could not convert a document."""


class BundleError(PipelineError):
    """A PDF bundle could not be assembled."""


class SigningError(PipelineError):
    """A PDF could not be signed (certificate, passphrase, ...)."""


class OutputError(PipelineError):
    """The outputs folder cannot be written (locked, disk full, ...)."""


DISK_FULL = ("Auf dem Datenträger ist kein Platz mehr frei. Die bisherigen Ausgaben sind unverändert. "
             "Bitte Platz schaffen und erneut starten.")


def environment_error(exc: BaseException) -> PipelineError | None:
    """The German error for a failure of the machine that staff can act on (a full disk), or None. One
    place for the CLI and the web: a disk that fills up in the middle of a run reads like the check before."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError(DISK_FULL)
    return None


NO_OUTPUTS = "Die Arbeitsmappe hat Fehler; es wurden keine Dokumente erzeugt. Bisherige Ausgaben sind unverändert."


@dataclass(frozen=True)
class Failure:
    """A failure of a library call as staff read it: the one place that maps exceptions to German, for the
    command line (which adds its exit code) and the web pages."""

    message: str
    """One German sentence or more; no traceback."""
    input_error: bool
    """True: what staff gave is wrong (the workbook, a template, a signature); False: a tool or the machine."""
    problems: tuple[Problem, ...] = ()
    """For a workbook with errors: every problem."""
    expected: bool = True
    """False for an error the program did not foresee (a bug: the message asks to report it)."""


def failure(exc: BaseException) -> Failure:
    """The German account of `exc`."""
    if isinstance(exc, ValidationError):
        return Failure(NO_OUTPUTS, True, tuple(exc.problems))
    if isinstance(exc, PipelineError):
        return Failure(str(exc), isinstance(exc, InputError))
    known = environment_error(exc)
    if known is not None:
        return Failure(str(known), False)
    if isinstance(exc, MemoryError):
        return Failure("Nicht genug Arbeitsspeicher für diesen Schritt. Bisherige Ausgaben sind unverändert.", False)
    return Failure(f"Unerwarteter Fehler ({type(exc).__name__}): {exc}.", False, expected=False)
