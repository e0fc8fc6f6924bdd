"""Verification results as text a person reads: per field, per file, per document."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .verification import FieldStatus, VerifyReport


def field_line(f: FieldStatus) -> str:
    """»Unterschrift Stadt Gernsheim: Unterschrieben von …, unversehrt; …«."""
    return f"{f.label}: {f.status}"


def file_lines(report: VerifyReport, name: str, *, every_field: bool) -> list[str]:
    """The lines for one file: a heading, then its fields.

    With `every_field` every field gets a line; otherwise only the signed ones,
    and the empty fields are counted on one line.
    """
    lines = [name + (f" – {report.title}" if report.title else "")]
    if not report.fields:
        lines.append("  keine Signatur")
        return lines
    for f in report.fields:
        if f.signed or every_field:
            lines.append("  " + field_line(f))
    if report.persons:
        lines.append("  " + persons_line(report.persons))
    return lines


def persons_line(persons: Sequence[FieldStatus]) -> str:
    """»3 von 14 unterschrieben; es fehlen: …; UNGÜLTIG: …«."""
    valid = [f for f in persons if f.signed and f.intact]
    missing = [_short(f) for f in persons if not f.signed]
    broken = [_short(f) for f in persons if f.broken]
    line = f"{len(valid)} von {len(persons)} unterschrieben"
    if missing:
        line += "; es fehlen: " + ", ".join(missing)
    if broken:
        line += "; UNGÜLTIG: " + ", ".join(broken)
    return line


def problem_lines(report: VerifyReport, name: str) -> list[str]:
    """Only what is wrong with one file (broken signatures), for the short listing."""
    return [f"UNGÜLTIG  {name}: {f.label}: {f.problem}" for f in report.fields if f.broken]


def office_line(reports: Iterable[VerifyReport]) -> str:
    """One line on the office's own signatures over all files."""
    reports = list(reports)
    office = [r.office for r in reports]
    signed = [f for f in office if f is not None]
    intact = [f for f in signed if f.intact]
    line = f"Signatur der Geschäftsstelle: {len(intact)} von {len(reports)} Dateien unversehrt signiert"
    trusted = [f for f in intact if f.trusted]
    if intact and len(trusted) == len(intact):
        line += ", vertrauenswürdig"
    elif intact:
        problems = sorted({f.trust_problem for f in intact if not f.trusted})
        line += "; nicht vertrauenswürdig: " + "; ".join(problems)
    stamps = sorted({f.timestamp.authority for f in intact if f.timestamp is not None})
    if stamps:
        line += "; Zeitstempel von " + ", ".join(stamps)
    return line + "."


def _short(f: FieldStatus) -> str:
    return f.label.removeprefix("Unterschrift ").strip()
