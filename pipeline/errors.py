"""Exceptions and problem records; every problem carries where it happened."""

from __future__ import annotations

import enum
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

    def __str__(self) -> str:
        text = f"{self.severity.value}: {self.location}: {self.message}" if str(self.location) else f"{self.severity.value}: {self.message}"
        if self.value is not None and self.value != "":
            shown = str(self.value)
            if len(shown) > 60:
                shown = shown[:57] + "…"
            shown = shown.replace("\n", "⏎")
            text += f" Gefunden: »{shown}«."
        if self.allowed:
            text += f" Erlaubt: {self.allowed}."
        return text


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
