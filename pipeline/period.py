"""The report period in free texts: fields the program fills in, and words that contradict it.

Texts in the workbook (»Berichtstexte«, project texts, …) may name the report
number and period as fields: ``{Berichtsnummer}``, ``{Berichtszeitraum}`` and
the others in `FIELDS`. The program fills them in, so a text written once stays
right next year. ``{{`` and ``}}`` stand for a literal brace.

A text that names them literally (»Der vorliegende 12. Zwischenbericht …«,
»November 2024 bis Oktober 2025«) is right for one year only. `stale` finds
what contradicts the »Bericht« sheet and proposes the field; `check` warns
with it, and a new year (`newyear`) writes the field instead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .german import MONATE, datum, monat_jahr

FIELDS: dict[str, str] = {
    "Berichtsnummer": "die laufende Nummer des Berichts, z. B. 13",
    "Berichtsjahr": "das Jahr, in dem der Berichtszeitraum endet, z. B. 2026",
    "Vorjahr": "das Jahr davor, z. B. 2025",
    "Folgejahr": "das Jahr danach, z. B. 2027",
    "Berichtszeitraum": "z. B. »November 2025 bis Oktober 2026«",
    "Zeitraum von": "der erste Tag des Berichtszeitraums, z. B. 1.11.2025",
    "Zeitraum bis": "der letzte Tag des Berichtszeitraums, z. B. 31.10.2026",
    "Stand": "Monat und Jahr des Stands, z. B. »Oktober 2026«",
}
"""The fields a text may contain, with what they become (for the Anleitung and messages)."""

_FIELD = re.compile(r"\{\{|\}\}|\{([^{}\n]{1,40})\}")


def values(nummer: int, von: dt.date, bis: dt.date, stand: dt.date) -> dict[str, str]:
    """What each field of `FIELDS` becomes for a report."""
    return {
        "Berichtsnummer": str(nummer),
        "Berichtsjahr": str(bis.year),
        "Vorjahr": str(bis.year - 1),
        "Folgejahr": str(bis.year + 1),
        "Berichtszeitraum": f"{monat_jahr(von)} bis {monat_jahr(bis)}",
        "Zeitraum von": datum(von),
        "Zeitraum bis": datum(bis),
        "Stand": monat_jahr(stand),
    }


def fill(text: str, fields: Mapping[str, str]) -> tuple[str, list[str]]:
    """`text` with each ``{Field}`` replaced and ``{{``/``}}`` turned into braces; also the names in braces
    that are no field (they stay as written)."""
    unknown: list[str] = []

    def replace(m: re.Match) -> str:
        if m.group(0) == "{{":
            return "{"
        if m.group(0) == "}}":
            return "}"
        name = m.group(1).strip()
        if name in fields:
            return fields[name]
        unknown.append(name)
        return m.group(0)

    return _FIELD.sub(replace, text), unknown


def has_fields(text: str) -> bool:
    return any(m.group(1) for m in _FIELD.finditer(text))


@dataclass(frozen=True)
class Stale:
    """A part of a text that contradicts the report's number or period."""

    start: int
    end: int
    found: str
    """What the text says, e.g. »12. Zwischenbericht«."""
    suggestion: str
    """What to write instead, with a field: »{Berichtsnummer}. Zwischenbericht«."""
    reason: str
    """Why it is stale, e.g. »dies ist der 13. Bericht«."""


_MONTH = "|".join(MONATE)
_NUMBER = re.compile(r"\b(\d{1,3})\.(\s+(?:IKZ-)?(?:Zwischenbericht|Jahresbericht|Jahr des))")
_MONTHS = re.compile(rf"\b({_MONTH})\s+(\d{{4}})(\s*(?:bis|–|-)\s*)({_MONTH})\s+(\d{{4}})\b")
_DATES = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})(\s*(?:bis|–|-)\s*)(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_YEAR = re.compile(r"\b(Berichtsjahr(?:es)?\s+)(\d{4})\b")


def stale(text: str, nummer: int, von: dt.date, bis: dt.date) -> list[Stale]:
    """Every report number, period or report year in `text` that contradicts the report (written without
    a field). A text that refers to an older report on purpose (»im 11. Zwischenbericht«) is found too:
    the warning asks, it does not change anything."""
    found: list[Stale] = []
    period = f"{monat_jahr(von)} bis {monat_jahr(bis)}"
    for m in _NUMBER.finditer(text):
        if int(m.group(1)) != nummer:
            found.append(Stale(m.start(), m.end(), m.group(0), "{Berichtsnummer}." + m.group(2),
                               f"dies ist der {nummer}. Bericht"))
    for m in _MONTHS.finditer(text):
        said = (MONATE.index(m.group(1)) + 1, int(m.group(2)), MONATE.index(m.group(4)) + 1, int(m.group(5)))
        if said != (von.month, von.year, bis.month, bis.year):
            found.append(Stale(m.start(), m.end(), m.group(0), "{Berichtszeitraum}",
                               f"der Berichtszeitraum ist {period}"))
    for m in _DATES.finditer(text):
        try:
            start = dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            end = dt.date(int(m.group(7)), int(m.group(6)), int(m.group(5)))
        except ValueError:
            continue
        if (start, end) != (von, bis) and _overlaps_report_years(start, end, von, bis):
            found.append(Stale(m.start(), m.end(), m.group(0), "{Zeitraum von}" + m.group(4) + "{Zeitraum bis}",
                               f"der Berichtszeitraum ist {datum(von)} – {datum(bis)}"))
    for m in _YEAR.finditer(text):
        if int(m.group(2)) != bis.year:
            found.append(Stale(m.start(), m.end(), m.group(0), m.group(1) + "{Berichtsjahr}",
                               f"das Berichtsjahr ist {bis.year}"))
    return sorted(found, key=lambda s: s.start)


def _overlaps_report_years(start: dt.date, end: dt.date, von: dt.date, bis: dt.date) -> bool:
    """A date range that looks like a report period: about a year long, ending near the report's end
    (an Ausschreibung »1.9.2025 – 31.8.2027« is not one)."""
    return 330 <= (end - start).days <= 400 and abs(end.year - bis.year) <= 2


def replace_stale(text: str, nummer: int, von: dt.date, bis: dt.date) -> tuple[str, list[Stale]]:
    """`text` with every stale part replaced by its field (for a new year)."""
    found = stale(text, nummer, von, bis)
    for s in reversed(found):
        text = text[:s.start] + s.suggestion + text[s.end:]
    return text, found


def escape(text: str) -> str:
    """`text` as a cell that shows it literally (braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")
