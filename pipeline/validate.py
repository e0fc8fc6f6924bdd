"""Turn raw workbook rows into the domain model; collect every problem, raise once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import markup, period, schema
from .errors import Location, Problem, Severity, ValidationError
from .german import ascii_fold, datum
from .kinds import signature_columns
from .model import (
    Funding,
    IKZData,
    Initiative,
    Kommune,
    Milestone,
    Participation,
    PressItem,
    Project,
    ProjectReport,
    ReportSettings,
    SteeringMember,
    Training,
    WorkingGroup,
)
from .workbook import RawRow, RawWorkbook

# Control characters, raw or as Excel stores them in XML (_x0007_).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]|_x00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F])_")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_URL = re.compile(r"^https?://[^\s]+$")
_DATE_TEXT = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")
_TRUE = {"ja", "j", "x", "true", "wahr", "1"}
_FALSE = {"nein", "n", "false", "falsch", "0"}


class _Collector:
    """Collects problems while converting cells."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[Problem] = []
        self.rejected: dict[str, dict[str, int]] = {}
        self.references: dict[int, int] = {}

    def add(self, row: RawRow | None, field_name: str | None, message: str, *, value=None, allowed=None,
            severity=Severity.ERROR, sheet: str | None = None, suggestion: str | None = None) -> None:
        if row is not None and field_name is not None:
            loc = row.location(self.path, field_name)
        elif row is not None:
            loc = Location(self.path, row.sheet, f"{row.row}:{row.row}")
        else:
            loc = Location(self.path, sheet)
        self.problems.append(Problem(loc, message, severity, value, allowed, suggestion))

    def warn(self, row, field_name, message, **kw) -> None:
        self.add(row, field_name, message, severity=Severity.WARNING, **kw)

    def root_cause(self, what: str, value: object, row: RawRow | None = None) -> None:
        """Remember that a problem already reported – the latest one, or the first in `row` – is why
        `value` (a Kommune or Projekt-ID) is unknown: references to it are counted, not reported."""
        index = len(self.problems) - 1
        if row is not None:
            index = next((i for i, p in enumerate(self.problems) if p.location.sheet == row.sheet
                          and p.severity is Severity.ERROR and _row_of(p.location) == row.row), -1)
        if index >= 0:
            self.rejected.setdefault(what, {})[str(value)] = index

    def referenced(self, what: str, value: object) -> bool:
        """True (and counted) if `value` is unknown because of a problem already reported."""
        index = self.rejected.get(what, {}).get(str(value))
        if index is None:
            return False
        self.references[index] = self.references.get(index, 0) + 1
        return True

    def finish(self) -> None:
        """Name the number of references on each root problem."""
        for index, n in self.references.items():
            p = self.problems[index]
            more = "ein Verweis darauf" if n == 1 else f"{n} Verweise darauf"
            self.problems[index] = dataclasses.replace(
                p, message=f"{p.message} Dazu {more} in anderen Zeilen und Blättern (nicht einzeln aufgeführt).")


def _similar(value: str, known) -> str | None:
    """The known name `value` was most likely meant to be (»Buttelborn« → »Büttelborn«), or None."""
    import difflib

    folded = {ascii_fold(k).casefold(): k for k in known}
    match = difflib.get_close_matches(ascii_fold(value).casefold(), list(folded), n=1, cutoff=0.8)
    return folded[match[0]] if match else None


def _has_errors(c: _Collector, sheet: str) -> bool:
    return any(p.location.sheet == sheet and p.severity is Severity.ERROR for p in c.problems)


def _row_of(loc: Location) -> int | None:
    digits = re.sub(r"[^0-9:]", "", str(loc.cell or "")).split(":")[0]
    return int(digits) if digits else None


_Values = dict[str, Any]
"""A row's cells converted by their columns' types, by field name (None where empty or rejected)."""

_Rows = list[tuple[RawRow, _Values]]
"""The converted rows of one sheet, each with its raw row (for the cell locations of problems)."""

_TEXT_TYPES = (schema.Type.TEXT, schema.Type.LONGTEXT, schema.Type.ID, schema.Type.EMAIL, schema.Type.URL,
               schema.Type.KOMMUNE, schema.Type.PROJEKT)
_NUMBER_TYPES = (schema.Type.INT, schema.Type.YEAR, schema.Type.DECIMAL, schema.Type.PERCENT)


def _convert(c: _Collector, row: RawRow, col: schema.Column) -> object:
    """Convert one cell by its column type; report problems; return value or None."""
    raw = row.cells[col.field].value
    if raw is None:
        if col.required:
            c.add(row, col.field, "Pflichtfeld ist leer.", allowed=col.allowed())
        return None
    if isinstance(raw, str) and not _clean_text(c, row, col, raw):
        return None
    t = col.type
    if t in _TEXT_TYPES:
        return _convert_text(c, row, col, raw)
    if t is schema.Type.BOOL:
        return _convert_bool(c, row, col, raw)
    if t is schema.Type.CHOICE:
        return _convert_choice(c, row, col, raw)
    if t is schema.Type.DATE:
        return _convert_date(c, row, col, raw)
    if t in _NUMBER_TYPES:
        return _convert_number(c, row, col, raw)
    raise AssertionError(t)  # pragma: no cover - schema and converter out of sync


def _clean_text(c: _Collector, row: RawRow, col: schema.Column, raw: str) -> bool:
    """True when a text cell (of any column type) has no control characters and fits the column's
    length; else the problem is reported."""
    text = raw.strip()
    if _CONTROL.search(text):
        c.add(row, col.field, "Die Zelle enthält unsichtbare Steuerzeichen (z. B. aus einer Kopie aus einem anderen Programm). "
              "Bitte den Text neu eintippen.", value=_CONTROL.sub("�", text))
        return False
    if len(text) > col.max_length:
        c.add(row, col.field, f"Der Text ist mit {len(text)} Zeichen zu lang.", value=text, allowed=col.allowed())
        return False
    return True


def _convert_text(c: _Collector, row: RawRow, col: schema.Column, raw: object) -> str | None:
    """A text column (also Kennung, E-Mail, Internetadresse, Kommune, Projekt-ID): a number is read as
    its text, a date is refused, the special types are checked against their patterns."""
    t = col.type
    if isinstance(raw, (dt.datetime, dt.date)):
        c.add(row, col.field, "Hier wird Text erwartet, die Zelle enthält ein Datum.", value=raw, allowed=col.allowed())
        return None
    text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw).strip()
    if t is schema.Type.ID and not _ID.match(text):
        c.add(row, col.field, "Ungültige Kennung.", value=text, allowed=col.allowed() + " (höchstens 40 Zeichen, ohne Leerzeichen und Umlaute)")
        c.root_cause("Projekt-ID", text)
        return None
    if t is schema.Type.EMAIL and not _EMAIL.match(text):
        c.add(row, col.field, "Keine gültige E-Mail-Adresse.", value=text, allowed=col.allowed())
        return None
    if t is schema.Type.URL and not _URL.match(text):
        c.add(row, col.field, "Keine gültige Internetadresse.", value=text, allowed=col.allowed())
        return None
    return text


def _convert_bool(c: _Collector, row: RawRow, col: schema.Column, raw: object) -> bool | None:
    """A ja/nein column: Excel's TRUE/FALSE, or one of the words for yes and no."""
    if isinstance(raw, bool):
        return raw
    key = str(raw).strip().casefold()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    c.add(row, col.field, "Unbekannter Wert.", value=raw, allowed=col.allowed())
    return None


def _convert_choice(c: _Collector, row: RawRow, col: schema.Column, raw: object) -> str | None:
    """A drop-down column: one of its choices, in any case, returned as the choice is spelt."""
    text = str(raw).strip()
    for choice in col.choices:
        if text.casefold() == choice.casefold():
            return choice
    c.add(row, col.field, "Wert ist nicht in der Auswahlliste.", value=raw, allowed=col.allowed())
    return None


def _convert_date(c: _Collector, row: RawRow, col: schema.Column, raw: object) -> dt.date | None:
    """A date column: an Excel date, or a date typed as text (read, with a warning)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        m = _DATE_TEXT.match(raw)
        if m:
            try:
                value = dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                c.add(row, col.field, "Dieses Datum gibt es nicht.", value=raw, allowed=col.allowed())
                return None
            c.warn(row, col.field, f"Datum als Text eingegeben; gelesen als {datum(value)}. "
                   "Bitte die Zelle als Datum formatieren.", value=raw)
            return value
    c.add(row, col.field, "Kein Datum.", value=raw, allowed=col.allowed())
    return None


def _convert_number(c: _Collector, row: RawRow, col: schema.Column, raw: object) -> int | float | None:
    """A number column (Ganzzahl, Jahr, Zahl, Prozent): a number, or digits typed as text; whole where the
    column counts, a plausible year, never negative."""
    t = col.type
    number: object = raw
    if isinstance(raw, bool) or isinstance(raw, (dt.date, dt.datetime)):
        number = None
    elif isinstance(raw, str):
        s = raw.strip().replace("\u00a0", " ")
        if re.fullmatch(r"-?\d+", s):
            number = int(s)
        else:
            number = None
    if not isinstance(number, (int, float)):
        c.add(row, col.field, "Keine Zahl.", value=raw, allowed=col.allowed())
        return None
    if t in (schema.Type.INT, schema.Type.YEAR):
        if isinstance(number, float) and not number.is_integer():
            c.add(row, col.field, "Keine ganze Zahl.", value=raw, allowed=col.allowed())
            return None
        number = int(number)
        if t is schema.Type.YEAR and not 1990 <= number <= 2100:
            c.add(row, col.field, "Unplausible Jahreszahl.", value=raw, allowed=col.allowed())
            return None
    if number < 0:
        c.add(row, col.field, "Negative Werte sind nicht erlaubt.", value=raw, allowed="0 oder mehr")
        return None
    return number


def _convert_rows(c: _Collector, raw: RawWorkbook, sheet_name: str) -> _Rows:
    """The rows of a sheet, each cell converted (`_convert`); rows that repeat a key of the sheet reported."""
    sheet_def = schema.sheet(sheet_name)
    out = []
    for row in raw.rows.get(sheet_name, ()):
        values: _Values = {col.field: _convert(c, row, col) for col in sheet_def.columns}
        out.append((row, values))
    # Uniqueness of key columns.
    for key in sheet_def.unique:
        seen: dict[tuple, RawRow] = {}
        for row, values in out:
            k = tuple((values[f].casefold() if isinstance(values[f], str) else values[f]) for f in key)
            if any(v is None for v in k):
                continue
            if k in seen:
                headers = " + ".join(sheet_def.column(f).header for f in key)
                c.add(row, key[-1], f"Doppelter Eintrag ({headers}); bereits in Zeile {seen[k].row}.",
                      value=" / ".join(str(values[f]) for f in key), allowed="jeden Wert nur einmal")
            else:
                seen[k] = row
    return out


def validate(raw: RawWorkbook, today: dt.date | None = None) -> tuple[IKZData, list[Problem]]:
    """Build the model; raise ValidationError with all problems if any is an error.

    Returns the data and the warnings. The sheets are checked one after the other (the problems are
    reported in this order): »Bericht« and »Kommunen«, »Projekte«, then the sheets that refer to
    projects and Kommunen, last the sheets of the annual report alone.
    """
    c = _Collector(raw.path)
    c.problems.extend(raw.problems)
    rows = {s.name: _convert_rows(c, raw, s.name) for s in schema.sheets()}

    bericht = _bericht(c, raw, rows["Bericht"])
    fields = period.values(bericht.nummer, bericht.von, bericht.bis, bericht.stand) if bericht else None
    kommunen = _kommunen(c, rows["Kommunen"])
    keys = {k.key for k in kommunen}
    proj_rows = [(row, v) for row, v in rows["Projekte"] if v["id"]]
    ids = {v["id"] for _, v in proj_rows}
    parents = _project_parents(c, proj_rows, ids, today)
    texts = _project_texts(c, fields, rows["Projekttexte"], ids)
    parts = _participations(c, rows["Beteiligung"], proj_rows, ids, keys)
    _check_follow_up_participants(c, parents, parts)
    miles = _milestones(c, rows["Arbeitsabschnitte"], ids)
    reports = _project_reports(c, rows["Projektberichte"], ids, texts)
    projekte = _projects(c, proj_rows, ids, kommunen, texts=texts, parts=parts, miles=miles, reports=reports)

    foerder = _funding(c, fields, rows["Fördermittel"], ids)
    lenkung = _steering_group(c, rows["Lenkungsgruppe"], keys)
    fortb = _trainings(c, rows["Fortbildungen"], kommunen)
    groups = _working_groups(c, fields, rows["Arbeitsgruppen"])
    inits = _initiatives(c, fields, rows["Initiativen"])
    presse = _press(c, fields, rows["Presse"])
    texte = _report_texts(c, fields, rows["Berichtstexte"])
    if bericht is not None:
        _check_period(c, bericht, rows)
    _check_report_sections(c, rows["Berichtstexte"], texte)

    c.finish()
    errors = [p for p in c.problems if p.severity is Severity.ERROR]
    if errors or bericht is None:
        if bericht is None and not errors:
            c.add(None, None, "Die Angaben zum Bericht fehlen.", sheet="Bericht", allowed="eine ausgefüllte Zeile")
        raise ValidationError(c.problems)

    data = IKZData(
        source=raw.path, sha256=raw.sha256, bericht=bericht, kommunen=tuple(kommunen), projekte=tuple(projekte),
        foerdermittel=tuple(foerder), lenkungsgruppe=tuple(lenkung), fortbildungen=tuple(fortb),
        arbeitsgruppen=tuple(groups), initiativen=tuple(inits), presse=tuple(presse),
        texte=MappingProxyType(texte))
    return data, [p for p in c.problems if p.severity is Severity.WARNING]


# --- the steps of `validate`, sheet by sheet, in the order it takes them -------------------------


def _bericht(c: _Collector, raw: RawWorkbook, brows: _Rows) -> ReportSettings | None:
    """The sheet »Bericht«: exactly one row, with a period that does not end before it begins and a Stand
    not before it. None when the sheet is missing or a setting is not there."""
    if raw.rows.get("Bericht") is None or "Bericht" not in raw.rows:
        return None
    if len(brows) != 1 and not any(p.location.sheet == "Bericht" for p in raw.problems):
        c.add(None, None, f"Das Blatt »Bericht« muss genau eine ausgefüllte Zeile haben, gefunden: {len(brows)}.",
              sheet="Bericht", allowed="genau eine Zeile")
    if not brows:
        return None
    row, v = brows[0]
    if v["von"] and v["bis"] and v["von"] > v["bis"]:
        c.add(row, "bis", "Der Berichtszeitraum endet vor seinem Beginn.", value=f"{datum(v['von'])} – {datum(v['bis'])}",
              allowed="»Zeitraum bis« nach »Zeitraum von«")
    if v["stand"] and v["von"] and v["stand"] < v["von"]:
        c.add(row, "stand", "Der Stand liegt vor dem Berichtszeitraum.", value=v["stand"], allowed="ein Datum ab »Zeitraum von«")
    required = ("nummer", "von", "bis", "stand", "herausgeber", "ansprechpartner")
    return ReportSettings(**v) if all(v[f] is not None for f in required) else None


def _rich(c: _Collector, fields: Mapping[str, str] | None, row: RawRow, field_name: str,
          text: str | None) -> markup.RichText:
    """A long text: the fields ({Berichtsnummer}, …) filled in (`fields` None: the report period is not
    known, the text is taken as it is), then parsed (markup). An unknown field is reported."""
    if text and fields is not None:
        text, unknown = period.fill(text, fields)
        for name in dict.fromkeys(unknown):
            c.add(row, field_name, f"Unbekanntes Feld »{{{name}}}«.", value=f"{{{name}}}",
                  allowed="die Felder " + ", ".join(f"{{{f}}}" for f in period.FIELDS)
                  + "; geschweifte Klammern als Text: {{ und }}")
    return markup.parse(text)


def _check_ref(c: _Collector, row: RawRow, field_name: str, value: str | None, known: Collection[str],
               what: str) -> bool:
    """True when `value` is one of the `known` Kommunen or Projekt-IDs (`what`). An unknown value is
    reported, with the name it was most likely meant to be, unless a problem already reported is why
    it is unknown (then it is counted there)."""
    if value is not None and value not in known and c.referenced(what, value):
        return False
    if value is not None and value not in known:
        close = [k for k in known if k.casefold() == str(value).casefold()]
        similar = _similar(str(value), known)
        hint = (f" Meinten Sie »{close[0]}«? (Groß-/Kleinschreibung beachten)" if close
                else f" Meinten Sie »{similar}«?" if similar else "")
        c.add(row, field_name, f"Unbekannte {what}.{hint}", value=value,
              allowed=f"eine {what} aus dem Blatt »{'Kommunen' if what == 'Kommune' else 'Projekte'}«")
        return False
    return value is not None


def _kommunen(c: _Collector, krows: _Rows) -> list[Kommune]:
    """The sheet »Kommunen«: every complete row, its Amt fitting its Art; then the sheet as a whole."""
    kommunen: list[Kommune] = []
    for row, v in krows:
        if any(v[f] is None for f in ("key", "name", "art", "region", "amt", "sitz", "gremium")):
            if v["key"] is not None:
                c.root_cause("Kommune", v["key"], row)
            continue
        if v["art"] == "Kreis" and v["amt"] and not v["amt"].startswith("Land"):
            c.add(row, "amt", "Ein Kreis wird von einem Landrat / einer Landrätin geleitet.", value=v["amt"],
                  allowed="»Landrat«, »Landrätin« oder »Landrat/Landrätin«")
        if v["art"] != "Kreis" and v["amt"] and v["amt"].startswith("Land"):
            c.add(row, "amt", "Eine Stadt oder Gemeinde wird von einem Bürgermeister / einer Bürgermeisterin geleitet.", value=v["amt"],
                  allowed="eine Amtsbezeichnung für Bürgermeister/innen")
        if not v["leitung"]:
            c.warn(row, "leitung", f"Keine Dienststellenleitung eingetragen; Dokumente sprechen das Amt an ({v['amt']}).")
        kommunen.append(Kommune(**v))
    _check_kommunen(c, kommunen)
    return kommunen


def _check_kommunen(c: _Collector, kommunen: list[Kommune]) -> None:
    """The Kommunen as a whole: which have no e-mail address (the Versand makes no draft for them), at
    least one Kommune, and exactly one Kreis."""
    no_address = [k.key for k in kommunen if not k.email]
    if no_address:
        where = Location(c.path, "Kommunen", None, schema.sheet("Kommunen").column("email").header)
        c.problems.append(Problem(where, (
            "Keine Kommune hat eine E-Mail-Adresse; »make versand« legt nur die Ordner an, ohne E-Mail-Entwürfe."
            if len(no_address) == len(kommunen) else
            f"Ohne E-Mail-Adresse: {', '.join(no_address)}. Für "
            + ("diese Kommune" if len(no_address) == 1 else "diese Kommunen")
            + " legt »make versand« nur den Ordner an, ohne E-Mail-Entwurf."), Severity.WARNING))
    n_kreis = sum(1 for k in kommunen if k.is_kreis)
    if not kommunen and not _has_errors(c, "Kommunen"):
        c.add(None, None, "Das Blatt »Kommunen« enthält keine Kommune; ohne Kommunen gibt es nichts zu berichten.",
              sheet="Kommunen", allowed="je Stadt, Gemeinde und Kreis eine Zeile")
    elif kommunen and n_kreis == 0:
        c.add(None, None, "Keine Kommune hat die Art »Kreis«. Sein Name erscheint in Titel, Deckblättern und "
              "Metadaten der Dokumente.", sheet="Kommunen", allowed="genau eine Zeile mit der Art »Kreis«")
    elif n_kreis > 1:
        c.warn(None, None, f"Es sollte genau eine Kommune der Art »Kreis« geben, gefunden: {n_kreis}.", sheet="Kommunen")


def _project_parents(c: _Collector, proj_rows: _Rows, ids: set[str],
                     today: dt.date | None) -> dict[str, tuple[RawRow, str]]:
    """The sheet »Projekte« row by row: a known parent (a follow-up is usually an Umsetzungs- or
    Pilotprojekt), a start before the end, no »laufend« project long past its end; then the chains of
    parents. Returns each follow-up project's row and parent, by Projekt-ID."""
    parents: dict[str, tuple[RawRow, str]] = {}
    for row, v in proj_rows:
        if v["parent"] is not None:
            if v["parent"] == v["id"]:
                c.add(row, "parent", "Ein Projekt kann nicht sein eigenes übergeordnetes Projekt sein.", value=v["parent"])
            elif _check_ref(c, row, "parent", v["parent"], ids, "Projekt-ID"):
                parents[v["id"]] = (row, v["parent"])
                if v["art"] not in ("Umsetzungsprojekt", "Pilotprojekt", "Vergabeverfahren", None):
                    c.warn(row, "art", "Ein Projekt mit übergeordnetem Projekt ist normalerweise ein Umsetzungs- oder Pilotprojekt.", value=v["art"])
        if v["start"] and v["ende"] and v["start"] > v["ende"]:
            c.add(row, "ende", "Das Projekt endet vor seinem Start.", value=f"{datum(v['start'])} – {datum(v['ende'])}",
                  allowed="ein Ende nach dem Start")
        if v["status"] == "laufend" and v["ende"] and today and v["ende"] < today - dt.timedelta(days=366):
            c.warn(row, "status", "Das Projekt ist als »laufend« markiert, sein Ende liegt aber über ein Jahr zurück.", value=v["status"])
    _check_parent_chains(c, parents)
    return parents


def _check_parent_chains(c: _Collector, parents: dict[str, tuple[RawRow, str]]) -> None:
    """No circle of parents; a parent with a parent of its own is shown as one level only (a warning)."""
    for pid, (row, parent) in parents.items():
        seen = {pid}
        cur = parent
        while cur in parents:
            if cur in seen:
                c.add(row, "parent", "Die übergeordneten Projekte bilden einen Kreis.", value=parent)
                break
            seen.add(cur)
            cur = parents[cur][1]
        else:
            if parent in parents:
                c.warn(row, "parent", "Das übergeordnete Projekt hat selbst ein übergeordnetes Projekt; der "
                       "Jahresbericht zeigt nur eine Ebene.", value=parent)


def _project_texts(c: _Collector, fields: Mapping[str, str] | None, trows: _Rows,
                   ids: set[str]) -> dict[str, dict[str, markup.RichText]]:
    """The sheet »Projekttexte«: each project's texts, by Textart."""
    texts: dict[str, dict[str, markup.RichText]] = defaultdict(dict)
    for row, v in trows:
        if _check_ref(c, row, "projekt", v["projekt"], ids, "Projekt-ID") and v["art"] and v["text"]:
            texts[v["projekt"]][v["art"]] = _rich(c, fields, row, "text", v["text"])
    return texts


def _participations(c: _Collector, brows: _Rows, proj_rows: _Rows, ids: set[str],
                    keys: set[str]) -> dict[str, list[Participation]]:
    """The sheet »Beteiligung«: each project's participations, a Kommune that takes no part without a role,
    a seat in the Lenkungsgruppe or a signature; then each project's leads."""
    signature_cols = signature_columns()  # »Unterzeichnet am«, and a column for each other signed kind
    parts: dict[str, list[Participation]] = defaultdict(list)
    part_rows: dict[str, _Rows] = {}  # rows of participating Kommunen, per project
    for row, v in brows:
        ok_p = _check_ref(c, row, "projekt", v["projekt"], ids, "Projekt-ID")
        ok_k = _check_ref(c, row, "kommune", v["kommune"], keys, "Kommune")
        if not (ok_p and ok_k and v["status"]):
            continue
        if v["status"] != "beteiligt":
            _check_not_participating(c, row, v, signature_cols)
        if v["status"] == "beteiligt":
            part_rows.setdefault(v["projekt"], []).append((row, v))
        parts[v["projekt"]].append(Participation(
            projekt=v["projekt"], kommune=v["kommune"], status=v["status"], rolle=v["rolle"], lkg=bool(v["lkg"]),
            vertreter=v["vertreter"], unterzeichnet=v["unterzeichnet"],
            signatures=MappingProxyType({col.field: v[col.field] for col in signature_cols
                                         if col.field != "unterzeichnet" and v[col.field]})))
    _check_project_leads(c, proj_rows, parts, part_rows)
    return parts


def _check_not_participating(c: _Collector, row: RawRow, v: _Values, signature_cols: Sequence[schema.Column]) -> None:
    """A Kommune »nicht beteiligt« or without »Aufgabenzuständigkeit« has no role, no seat in the
    Lenkungsgruppe, no signature, and sends no one."""
    label = "Eine nicht beteiligte Kommune" if v["status"] == "nicht beteiligt" else "Eine Kommune ohne Aufgabenzuständigkeit"
    if v["rolle"]:
        c.add(row, "rolle", f"{label} kann keine Rolle in der Projektgruppe haben.", value=v["rolle"],
              allowed="Rolle leer lassen oder Beteiligung »beteiligt«")
    if v["lkg"]:
        c.add(row, "lkg", f"{label} kann nicht über die Lenkungsgruppe vertreten sein.", value="ja",
              allowed="»nein« oder Beteiligung »beteiligt«")
    for col in signature_cols:
        if v[col.field]:
            c.add(row, col.field, f"{label} unterschreibt nicht (Spalte »{col.header}«).", value=v[col.field],
                  allowed="leer oder Beteiligung »beteiligt«")
    if v["vertreter"]:
        c.warn(row, "vertreter", f"{label} entsendet niemanden; der Eintrag wird nicht verwendet.", value=v["vertreter"])


def _check_project_leads(c: _Collector, proj_rows: _Rows, parts: dict[str, list[Participation]],
                         part_rows: dict[str, _Rows]) -> None:
    """A project of the annual report, planned or running, has a Projektleitung (PL); no more than two
    Kommunen lead one."""
    relevant = {v["id"] for _, v in proj_rows if v["aktuell"] or v["status"] in ("geplant", "laufend")}
    for pid, plist in parts.items():
        beteiligt = part_rows.get(pid, [])
        if pid in relevant and beteiligt and not any(p.rolle == "PL" for p in plist if p.beteiligt):
            row, v = beteiligt[0]
            c.warn(row, "rolle", f"Für das Projekt »{pid}« ist keine Projektleitung eingetragen: bei einer "
                   "beteiligten Kommune »PL« wählen.", value=v["rolle"], allowed="PL bei einer Kommune")
        leaders = [(row, v) for row, v in beteiligt if v["rolle"] == "PL"]
        if len(leaders) > 2:
            row, v = leaders[2]
            c.warn(row, "rolle", f"Mehr als zwei Kommunen leiten das Projekt »{pid}« (PL).", value=v["rolle"])


def _check_follow_up_participants(c: _Collector, parents: dict[str, tuple[RawRow, str]],
                                  parts: dict[str, list[Participation]]) -> None:
    """Follow-up participants should take part in (or at least be responsible for) the parent task."""
    for pid, (row, parent) in parents.items():
        parent_parts = {p.kommune: p for p in parts.get(parent, [])}
        for p in parts.get(pid, []):
            pp = parent_parts.get(p.kommune)
            if p.beteiligt and pp is not None and pp.unzustaendig:
                c.add(row, "parent", f"{p.kommune} ist für das übergeordnete Projekt »keine Aufgabenzuständigkeit«, "
                      "nimmt aber am Folgeprojekt teil.", value=pid)


def _milestones(c: _Collector, arows: _Rows, ids: set[str]) -> dict[str, list[Milestone]]:
    """The sheet »Arbeitsabschnitte«: each project's milestones in the order of the standard process,
    planned in that order."""
    order = list(schema.ARBEITSABSCHNITTE)
    miles: dict[str, list[Milestone]] = defaultdict(list)
    mile_rows: dict[str, _Rows] = defaultdict(list)
    for row, v in arows:
        if _check_ref(c, row, "projekt", v["projekt"], ids, "Projekt-ID") and v["abschnitt"]:
            miles[v["projekt"]].append(Milestone(v["abschnitt"], v["geplant"], v["erledigt"], v["bemerkung"]))
            mile_rows[v["projekt"]].append((row, v))
    for pid, mrows in mile_rows.items():
        mrows.sort(key=lambda rv: order.index(rv[1]["abschnitt"]))
        last = None
        for row, v in mrows:
            if v["geplant"]:
                if last and v["geplant"] < last[1]:
                    c.add(row, "geplant", f"Der Abschnitt {v['abschnitt']} ist vor Abschnitt {last[0]} geplant.",
                          value=v["geplant"], allowed=f"ein Datum ab {datum(last[1])}")
                last = (v["abschnitt"], v["geplant"])
        miles[pid].sort(key=lambda m: order.index(m.abschnitt))
    return miles


def _project_reports(c: _Collector, rows: _Rows, ids: set[str],
                     texts: dict[str, dict[str, markup.RichText]]) -> dict[str, list[ProjectReport]]:
    """The sheet »Projektberichte«: each project's reports; a Zwischenbericht needs its Fazit, and the
    texts a report shows are named when missing."""
    reports: dict[str, list[ProjectReport]] = defaultdict(list)
    for row, v in rows:
        if not (_check_ref(c, row, "projekt", v["projekt"], ids, "Projekt-ID") and v["art"]):
            continue
        if v["art"] == "Zwischenbericht" and not v["votum"]:
            c.add(row, "votum", "Ein Zwischenbericht braucht das Fazit der Projektgruppe.", allowed=", ".join(schema.VOTEN))
        needed = ("Ist-Analyse", "Vorteile") if v["art"] == "Zwischenbericht" else ("Soll-Konzeption", "Ergebnis")
        missing = [art for art in needed if art not in texts.get(v["projekt"], {})]
        if missing:
            arten = " und ".join(f"»{art}«" for art in missing)
            c.warn(None, None, f"Für den {v['art']} des Projekts »{v['projekt']}« fehlen Zeilen mit der Textart "
                   f"{arten}; diese Abschnitte entfallen." if len(missing) > 1 else
                   f"Für den {v['art']} des Projekts »{v['projekt']}« fehlt die Zeile mit der Textart {arten}; "
                   "der Abschnitt entfällt.", sheet="Projekttexte")
        reports[v["projekt"]].append(ProjectReport(v["projekt"], v["art"], v["datum"], v["votum"]))
    return reports


def _projects(c: _Collector, proj_rows: _Rows, ids: set[str], kommunen: list[Kommune], *,
              texts: dict[str, dict[str, markup.RichText]], parts: dict[str, list[Participation]],
              miles: dict[str, list[Milestone]], reports: dict[str, list[ProjectReport]]) -> list[Project]:
    """Every complete project with its texts, participations, milestones and reports; a project of the
    annual report has a row in »Beteiligung« for every Kommune and, when completed, its end date. Then
    the projects as a whole."""
    projekte: list[Project] = []
    for row, v in proj_rows:
        if any(v[f] is None for f in ("titel", "art", "status", "aktuell")):
            continue
        pid = v["id"]
        if v["aktuell"]:
            have = {p.kommune for p in parts.get(pid, [])}
            lacking = [k.key for k in kommunen if k.key not in have]
            if lacking and parts.get(pid):
                c.warn(None, None, f"Für das Projekt »{pid}« des Jahresberichts fehlen Zeilen für: "
                       + ", ".join(lacking) + " (gelten als nicht beteiligt).", sheet="Beteiligung")
            if not parts.get(pid):
                c.warn(None, None, f"Das Projekt »{pid}« steht im Jahresbericht, hat aber keine Zeilen.",
                       sheet="Beteiligung")
        if v["status"] in ("abgeschlossen", "abgeschlossen ohne Kooperation", "extern vergeben") and not v["ende"] \
                and v["aktuell"]:
            c.warn(row, "ende", "Das Projekt ist abgeschlossen, aber ohne Enddatum. Im Jahresbericht steht es deshalb "
                   "nicht unter »im Berichtszeitraum abgeschlossen«, sondern unter den früher umgesetzten Projekten.",
                   allowed="das Datum des Abschlusses")
        projekte.append(Project(
            id=pid, titel=v["titel"], kurztitel=v["kurztitel"] or v["titel"], art=v["art"], status=v["status"],
            parent=v["parent"] if v["parent"] in ids else None, start=v["start"], ende=v["ende"], aktuell=v["aktuell"],
            zusatz=v["zusatz"], einsparung=v["einsparung"],
            texts=MappingProxyType(dict(texts.get(pid, {}))),
            participations=tuple(parts.get(pid, ())), milestones=tuple(miles.get(pid, ())),
            reports=tuple(reports.get(pid, ()))))
    _check_projects(c, proj_rows, kommunen, projekte)
    return projekte


def _check_projects(c: _Collector, proj_rows: _Rows, kommunen: list[Kommune], projekte: list[Project]) -> None:
    """The projects as a whole: at least one in the annual report; no two IDs that differ only in case."""
    if kommunen and not any(p.aktuell for p in projekte) and not _has_errors(c, "Projekte"):
        c.add(None, None, "Kein Projekt ist im Blatt »Projekte« für den Jahresbericht markiert; der Jahresbericht "
              "hätte keinen Inhalt.", sheet="Projekte",
              allowed="mindestens ein Projekt mit »ja« in der Spalte »Im Jahresbericht«")
    casefold_ids: dict[str, str] = {}
    for row, v in proj_rows:
        other = casefold_ids.setdefault(v["id"].casefold(), v["id"])
        if other != v["id"]:
            c.add(row, "id", f"Die Projekt-ID unterscheidet sich von »{other}« nur in der Groß-/Kleinschreibung; "
                  "das ergäbe gleiche Dateinamen.", value=v["id"], allowed="eindeutige Kennungen")


def _funding(c: _Collector, fields: Mapping[str, str] | None, rows: _Rows, ids: set[str]) -> list[Funding]:
    """The sheet »Fördermittel«: every complete row (its project, if any, known)."""
    foerder: list[Funding] = []
    for row, v in rows:
        _check_ref(c, row, "projekt", v["projekt"], ids, "Projekt-ID")
        if all(v[f] is not None for f in ("zweck", "geber", "betrag", "jahr", "status")):
            foerder.append(Funding(v["projekt"] if v["projekt"] in ids else None, v["zweck"], v["geber"], v["betrag"],
                                   v["jahr"], v["status"], _rich(c, fields, row, "text", v["text"]), v["datum"]))
    return foerder


def _steering_group(c: _Collector, rows: _Rows, keys: set[str]) -> list[SteeringMember]:
    """The sheet »Lenkungsgruppe«: every complete row of a known Kommune."""
    lenkung: list[SteeringMember] = []
    for row, v in rows:
        if _check_ref(c, row, "kommune", v["kommune"], keys, "Kommune") and v["funktion"] and v["name"]:
            lenkung.append(SteeringMember(**v))
    return lenkung


def _trainings(c: _Collector, rows: _Rows, kommunen: list[Kommune]) -> list[Training]:
    """The sheet »Fortbildungen«: every complete row, with no more Kommunen than there are."""
    fortb: list[Training] = []
    for row, v in rows:
        if v["kommunen"] is not None and kommunen and v["kommunen"] > len(kommunen):
            c.add(row, "kommunen", f"Mehr Kommunen als im Blatt »Kommunen« ({len(kommunen)}).", value=v["kommunen"],
                  allowed=f"höchstens {len(kommunen)}")
        if all(v[f] is not None for f in ("thema", "teilnehmende", "kommunen")):
            fortb.append(Training(**v))
    return fortb


def _working_groups(c: _Collector, fields: Mapping[str, str] | None, rows: _Rows) -> list[WorkingGroup]:
    """The sheet »Arbeitsgruppen«: every row with a name and a text."""
    return [WorkingGroup(v["name"], v["seit"], v["turnus"], _rich(c, fields, row, "text", v["text"]))
            for row, v in rows if v["name"] and v["text"]]


def _initiatives(c: _Collector, fields: Mapping[str, str] | None, rows: _Rows) -> list[Initiative]:
    """The sheet »Initiativen«: every row with a name, those taking part and a text."""
    return [Initiative(v["name"], v["beteiligte"], v["seit"], _rich(c, fields, row, "text", v["text"]))
            for row, v in rows if v["name"] and v["beteiligte"] and v["text"]]


def _press(c: _Collector, fields: Mapping[str, str] | None, rows: _Rows) -> list[PressItem]:
    """The sheet »Presse«: every row with a medium, a kind and a title."""
    return [PressItem(v["datum"], v["medium"], v["art"], v["titel"], _rich(c, fields, row, "text", v["text"]), v["link"])
            for row, v in rows if v["medium"] and v["art"] and v["titel"]]


def _report_texts(c: _Collector, fields: Mapping[str, str] | None, rows: _Rows) -> dict[str, markup.RichText]:
    """The sheet »Berichtstexte«: the annual report's texts, by Abschnitt."""
    return {v["abschnitt"]: _rich(c, fields, row, "text", v["text"])
            for row, v in rows if v["abschnitt"] and v["text"]}


def _check_report_sections(c: _Collector, rows: _Rows, texte: dict[str, markup.RichText]) -> None:
    """A section of the annual report without its text is left out (a warning, once the sheet has rows)."""
    for abschnitt in schema.BERICHT_ABSCHNITTE:
        if rows and abschnitt not in texte:
            c.warn(None, None, f"Kein Text für den Abschnitt »{abschnitt}«; er entfällt im Jahresbericht.", sheet="Berichtstexte")


def _check_period(c: _Collector, bericht: ReportSettings, rows: dict[str, _Rows]) -> None:
    """Warn where the workbook contradicts its report period: texts that name another report number or
    period, and dated entries the annual report leaves out because they fall outside the period (a
    workbook copied from last year without »neues-jahr« carries both)."""
    span = f"{datum(bericht.von)} – {datum(bericht.bis)}"
    for row, v in rows["Berichtstexte"]:
        for s in period.stale(v["text"] or "", bericht.nummer, bericht.von, bericht.bis):
            c.warn(row, "text", f"Der Text nennt »{s.found}«, aber {s.reason}.", suggestion=s.suggestion)

    def outside(d: dt.date | None) -> bool:
        return d is not None and not bericht.von <= d <= bericht.bis

    for row, v in rows["Presse"]:
        if outside(v["datum"]):
            c.warn(row, "datum", "Das Datum liegt außerhalb des Berichtszeitraums; der Jahresbericht lässt den "
                   "Eintrag weg (stammt er aus einem früheren Jahr, die Zeile löschen).", value=v["datum"],
                   allowed=f"ein Datum im Berichtszeitraum {span}")
    for row, v in rows["Fördermittel"]:
        if outside(v["datum"]) or (v["datum"] is None and v["jahr"] and v["status"] != "Verwendungsnachweis geführt"
                                   and not bericht.von.year <= v["jahr"] <= bericht.bis.year):
            field_name, value = ("datum", v["datum"]) if v["datum"] else ("jahr", v["jahr"])
            c.warn(row, field_name, "Liegt außerhalb des Berichtszeitraums; der Jahresbericht lässt den Eintrag weg, "
                   "denn er schreibt »im Berichtszeitraum … bewilligt/beantragt/nachgewiesen« (stammt er aus einem "
                   "früheren Jahr, die Zeile löschen).", value=value, allowed=f"ein Datum im Berichtszeitraum {span}")
    for row, v in rows["Projekte"]:
        if v["aktuell"] and v["ende"] and v["ende"] < bericht.von and v["status"] != "laufend":
            c.warn(row, "aktuell", "Das Projekt endete vor dem Berichtszeitraum, steht aber im Jahresbericht.",
                   value=f"Ende {datum(v['ende'])}", allowed=f"»nein« für Projekte, die vor dem {datum(bericht.von)} endeten",
                   suggestion="nein")
    for row, v in rows["Projektberichte"]:
        if v["datum"] is not None and v["datum"] < bericht.von:
            c.warn(row, "datum", f"Der {v['art'] or 'Bericht'} liegt vor dem Berichtszeitraum; er wird nicht mehr "
                   "erzeugt und nicht in die Mappen gelegt (wurde er im Vorjahr verschickt, die Zeile löschen).",
                   value=v["datum"], allowed=f"ein Datum ab {datum(bericht.von)}")
        elif v["datum"] is None and v["projekt"]:
            c.warn(row, "datum", f"Ohne Datum wird der {v['art'] or 'Bericht'} in jedem Jahr wieder erzeugt und "
                   "verschickt.", allowed="das Datum des Berichts")


def load(path: Path | str, today: dt.date | None = None) -> tuple[IKZData, list[Problem]]:
    """Read and validate a workbook; raise WorkbookError or ValidationError."""
    from .workbook import read_workbook

    return validate(read_workbook(path), today=today or dt.date.today())
