"""Turn raw workbook rows into the domain model; collect every problem, raise once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from pathlib import Path
from types import MappingProxyType

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


def _convert(c: _Collector, row: RawRow, col: schema.Column):
    """Convert one cell by its column type; report problems; return value or None."""
    raw = row.cells[col.field].value
    if raw is None:
        if col.required:
            c.add(row, col.field, "Pflichtfeld ist leer.", allowed=col.allowed())
        return None
    t = col.type
    if isinstance(raw, str):
        text = raw.strip()
        if _CONTROL.search(text):
            c.add(row, col.field, "Die Zelle enthält unsichtbare Steuerzeichen (z. B. aus einer Kopie aus einem anderen Programm). "
                  "Bitte den Text neu eintippen.", value=_CONTROL.sub("�", text))
            return None
        if len(text) > col.max_length:
            c.add(row, col.field, f"Der Text ist mit {len(text)} Zeichen zu lang.", value=text, allowed=col.allowed())
            return None
    if t in (schema.Type.TEXT, schema.Type.LONGTEXT, schema.Type.ID, schema.Type.EMAIL, schema.Type.URL,
             schema.Type.KOMMUNE, schema.Type.PROJEKT):
        if isinstance(raw, (dt.datetime, dt.date)):
            c.add(row, col.field, "Hier wird Text erwartet, die Zelle enthält ein Datum.", value=raw, allowed=col.allowed())
            return None
        text = str(raw).strip() if not isinstance(raw, float) or not raw.is_integer() else str(int(raw))
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
    if t in (schema.Type.CHOICE, schema.Type.BOOL):
        if t is schema.Type.BOOL:
            if isinstance(raw, bool):
                return raw
            key = str(raw).strip().casefold()
            if key in _TRUE:
                return True
            if key in _FALSE:
                return False
            c.add(row, col.field, "Unbekannter Wert.", value=raw, allowed=col.allowed())
            return None
        text = str(raw).strip()
        for choice in col.choices:
            if text.casefold() == choice.casefold():
                return choice
        c.add(row, col.field, "Wert ist nicht in der Auswahlliste.", value=raw, allowed=col.allowed())
        return None
    if t is schema.Type.DATE:
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
    if t in (schema.Type.INT, schema.Type.YEAR, schema.Type.DECIMAL, schema.Type.PERCENT):
        number = raw
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
    raise AssertionError(t)  # pragma: no cover - schema and converter out of sync


def _convert_rows(c: _Collector, raw: RawWorkbook, sheet_name: str) -> list[tuple[RawRow, dict]]:
    sheet_def = schema.sheet(sheet_name)
    out = []
    for row in raw.rows.get(sheet_name, ()):
        values = {col.field: _convert(c, row, col) for col in sheet_def.columns}
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

    Returns the data and the warnings.
    """
    c = _Collector(raw.path)
    c.problems.extend(raw.problems)
    rows = {s.name: _convert_rows(c, raw, s.name) for s in schema.sheets()}

    # --- Bericht ---------------------------------------------------------
    bericht = None
    if raw.rows.get("Bericht") is not None and "Bericht" in raw.rows:
        brows = rows["Bericht"]
        if len(brows) != 1 and not any(p.location.sheet == "Bericht" for p in raw.problems):
            c.add(None, None, f"Das Blatt »Bericht« muss genau eine ausgefüllte Zeile haben, gefunden: {len(brows)}.",
                  sheet="Bericht", allowed="genau eine Zeile")
        if brows:
            row, v = brows[0]
            if v["von"] and v["bis"] and v["von"] > v["bis"]:
                c.add(row, "bis", "Der Berichtszeitraum endet vor seinem Beginn.", value=f"{datum(v['von'])} – {datum(v['bis'])}",
                      allowed="»Zeitraum bis« nach »Zeitraum von«")
            if v["stand"] and v["von"] and v["stand"] < v["von"]:
                c.add(row, "stand", "Der Stand liegt vor dem Berichtszeitraum.", value=v["stand"], allowed="ein Datum ab »Zeitraum von«")
            required = [f for f in ("nummer", "von", "bis", "stand", "herausgeber", "ansprechpartner")]
            if all(v[f] is not None for f in required):
                bericht = ReportSettings(**v)

    fields = period.values(bericht.nummer, bericht.von, bericht.bis, bericht.stand) if bericht else None

    def rich(row: RawRow, field_name: str, text: str | None) -> markup.RichText:
        """A long text: the fields ({Berichtsnummer}, …) filled in, then parsed (markup)."""
        if text and fields is not None:
            text, unknown = period.fill(text, fields)
            for name in dict.fromkeys(unknown):
                c.add(row, field_name, f"Unbekanntes Feld »{{{name}}}«.", value=f"{{{name}}}",
                      allowed="die Felder " + ", ".join(f"{{{f}}}" for f in period.FIELDS)
                      + "; geschweifte Klammern als Text: {{ und }}")
        return markup.parse(text)

    # --- Kommunen --------------------------------------------------------
    kommunen: list[Kommune] = []
    for row, v in rows["Kommunen"]:
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
    keys = {k.key for k in kommunen}
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

    # --- Projekte ----------------------------------------------------------
    proj_rows = [(row, v) for row, v in rows["Projekte"] if v["id"]]
    ids = {v["id"] for _, v in proj_rows}

    def check_ref(row, field_name, value, known, what):
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

    parents = {}
    for row, v in proj_rows:
        if v["parent"] is not None:
            if v["parent"] == v["id"]:
                c.add(row, "parent", "Ein Projekt kann nicht sein eigenes übergeordnetes Projekt sein.", value=v["parent"])
            elif check_ref(row, "parent", v["parent"], ids, "Projekt-ID"):
                parents[v["id"]] = (row, v["parent"])
                if v["art"] not in ("Umsetzungsprojekt", "Pilotprojekt", "Vergabeverfahren", None):
                    c.warn(row, "art", "Ein Projekt mit übergeordnetem Projekt ist normalerweise ein Umsetzungs- oder Pilotprojekt.", value=v["art"])
        if v["start"] and v["ende"] and v["start"] > v["ende"]:
            c.add(row, "ende", "Das Projekt endet vor seinem Start.", value=f"{datum(v['start'])} – {datum(v['ende'])}",
                  allowed="ein Ende nach dem Start")
        if v["status"] == "laufend" and v["ende"] and today and v["ende"] < today - dt.timedelta(days=366):
            c.warn(row, "status", "Das Projekt ist als »laufend« markiert, sein Ende liegt aber über ein Jahr zurück.", value=v["status"])
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

    # --- Projekttexte -----------------------------------------------------------
    texts: dict[str, dict] = defaultdict(dict)
    for row, v in rows["Projekttexte"]:
        if check_ref(row, "projekt", v["projekt"], ids, "Projekt-ID") and v["art"] and v["text"]:
            texts[v["projekt"]][v["art"]] = rich(row, "text", v["text"])

    # --- Beteiligung ---------------------------------------------------------
    signature_cols = signature_columns()  # »Unterzeichnet am«, and a column for each other signed kind
    parts: dict[str, list[Participation]] = defaultdict(list)
    part_rows: dict[str, list[tuple[RawRow, dict]]] = {}  # rows of participating Kommunen, per project
    for row, v in rows["Beteiligung"]:
        ok_p = check_ref(row, "projekt", v["projekt"], ids, "Projekt-ID")
        ok_k = check_ref(row, "kommune", v["kommune"], keys, "Kommune")
        if not (ok_p and ok_k and v["status"]):
            continue
        if v["status"] != "beteiligt":
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
        if v["status"] == "beteiligt":
            part_rows.setdefault(v["projekt"], []).append((row, v))
        parts[v["projekt"]].append(Participation(
            projekt=v["projekt"], kommune=v["kommune"], status=v["status"], rolle=v["rolle"], lkg=bool(v["lkg"]),
            vertreter=v["vertreter"], unterzeichnet=v["unterzeichnet"],
            signatures=MappingProxyType({col.field: v[col.field] for col in signature_cols
                                         if col.field != "unterzeichnet" and v[col.field]})))
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

    # Follow-up participants should take part in (or at least be responsible for) the parent task.
    for pid, (row, parent) in parents.items():
        parent_parts = {p.kommune: p for p in parts.get(parent, [])}
        for p in parts.get(pid, []):
            pp = parent_parts.get(p.kommune)
            if p.beteiligt and pp is not None and pp.unzustaendig:
                c.add(row, "parent", f"{p.kommune} ist für das übergeordnete Projekt »keine Aufgabenzuständigkeit«, "
                      "nimmt aber am Folgeprojekt teil.", value=pid)

    # --- Arbeitsabschnitte -------------------------------------------------------
    order = list(schema.ARBEITSABSCHNITTE)
    miles: dict[str, list[Milestone]] = defaultdict(list)
    mile_rows: dict[str, list] = defaultdict(list)
    for row, v in rows["Arbeitsabschnitte"]:
        if check_ref(row, "projekt", v["projekt"], ids, "Projekt-ID") and v["abschnitt"]:
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

    # --- Projektberichte ---------------------------------------------------------
    reports: dict[str, list[ProjectReport]] = defaultdict(list)
    for row, v in rows["Projektberichte"]:
        if not (check_ref(row, "projekt", v["projekt"], ids, "Projekt-ID") and v["art"]):
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

    # --- small sheets ----------------------------------------------------------
    foerder: list[Funding] = []
    for row, v in rows["Fördermittel"]:
        check_ref(row, "projekt", v["projekt"], ids, "Projekt-ID")
        if all(v[f] is not None for f in ("zweck", "geber", "betrag", "jahr", "status")):
            foerder.append(Funding(v["projekt"] if v["projekt"] in ids else None, v["zweck"], v["geber"], v["betrag"],
                                   v["jahr"], v["status"], rich(row, "text", v["text"]), v["datum"]))
    lenkung: list[SteeringMember] = []
    for row, v in rows["Lenkungsgruppe"]:
        if check_ref(row, "kommune", v["kommune"], keys, "Kommune") and v["funktion"] and v["name"]:
            lenkung.append(SteeringMember(**v))
    fortb: list[Training] = []
    for row, v in rows["Fortbildungen"]:
        if v["kommunen"] is not None and kommunen and v["kommunen"] > len(kommunen):
            c.add(row, "kommunen", f"Mehr Kommunen als im Blatt »Kommunen« ({len(kommunen)}).", value=v["kommunen"],
                  allowed=f"höchstens {len(kommunen)}")
        if all(v[f] is not None for f in ("thema", "teilnehmende", "kommunen")):
            fortb.append(Training(**v))
    groups = [WorkingGroup(v["name"], v["seit"], v["turnus"], rich(row, "text", v["text"]))
              for row, v in rows["Arbeitsgruppen"] if v["name"] and v["text"]]
    inits = [Initiative(v["name"], v["beteiligte"], v["seit"], rich(row, "text", v["text"]))
             for row, v in rows["Initiativen"] if v["name"] and v["beteiligte"] and v["text"]]
    presse = [PressItem(v["datum"], v["medium"], v["art"], v["titel"], rich(row, "text", v["text"]), v["link"])
              for row, v in rows["Presse"] if v["medium"] and v["art"] and v["titel"]]
    texte = {v["abschnitt"]: rich(row, "text", v["text"])
             for row, v in rows["Berichtstexte"] if v["abschnitt"] and v["text"]}
    if bericht is not None:
        _check_period(c, bericht, rows)
    for abschnitt in schema.BERICHT_ABSCHNITTE:
        if rows["Berichtstexte"] and abschnitt not in texte:
            c.warn(None, None, f"Kein Text für den Abschnitt »{abschnitt}«; er entfällt im Jahresbericht.", sheet="Berichtstexte")

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


def _check_period(c: _Collector, bericht: ReportSettings, rows: dict) -> None:
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
