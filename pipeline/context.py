"""The render context of each document kind, and ALL German formatting.

`build_context(data, kind, project)` turns the validated workbook (`IKZData`)
into plain dicts, lists and strings for the Word templates, plus a few typed
objects that only the renderer knows how to draw:

* `markup.RichText` – long texts; become real Word paragraphs, list items and
  bold runs (an empty RichText becomes "" so ``{%p if ... %}`` works);
* `ParticipationTable` – the Beteiligungstabelle of the annual report;
* `BarChart`, `Timeline`, `ProcessChart` – pictures drawn with matplotlib.

Every date, amount, list and count a document shows is formatted here, in one
place: ``31.10.2025``, ``Oktober 2025``, ``150.000 Euro``, ``Musterdorf,
Beispielstadt und Neustadt``, ``13 der 14 Städte und Gemeinden``. No value in a
context is ever None: missing data becomes "" or an empty list, so a template
never prints "None".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from . import schema
from .german import betrag, buchstaben, datum, datum_lang, identifier, monat_jahr  # noqa: F401 (re-exported)
from .figures import (
    BarChart,
    IndentedText,
    ParticipationTable,
    ProcessChart,
    TableCell,
    TableColumn,
    TableGroup,
    TableRow,
    Timeline,
    TimelineStep,
)
from .markup import Block, RichText, Run
from .model import Funding, IKZData, Kommune, Participation, Project

__all__ = [
    "adressierung",
    "amt_formen",
    "aufzaehlung",
    "betrag",
    "beteiligte_text",
    "datum",
    "datum_lang",
    "genitiv",
    "mit_kreis",
    "monat_jahr",
    "participation_table",
    "staedte_gemeinden",
    "zahlwort",
]

_ZAHLWORTE = (
    "null", "eins", "zwei", "drei", "vier", "fünf", "sechs",
    "sieben", "acht", "neun", "zehn", "elf", "zwölf",
)

# Leaf columns of the participation table from which it goes on a landscape
# page, and from which the headers are abbreviated with a key below the table.
LANDSCAPE_FROM = 7
ABBREVIATE_FROM = 13

# Standard sentence of the process (section 1.2) before Arbeitsabschnitt 5.
ABSCHNITT_VORBEMERKUNG = {
    "5": (
        "Soweit im Zwischenbericht der Projektgruppe die IKZ-Vorteilhaftigkeit festgestellt wird und die "
        "Auftraggeber auf dieser Basis den Auftrag zur Fortsetzung des Projektes erteilen:"
    ),
}
_PHASEN = ("I", "II", "III")
# Short names of the Arbeitsabschnitte for pictures (timeline, process chart).
ABSCHNITT_KURZ = {
    "I": "Projektauftrag", "1": "Projektablaufplan", "2": "Ist-Analyse", "3": "Vorteilhaftigkeit",
    "4": "Fazit", "II": "Zwischenbericht", "5": "Soll-Konzeption", "6": "Fördermittel",
    "7": "Information", "III": "Schlussbericht",
}

# Status groups of the project lists in section 1 of the annual report.
_LAUFEND = ("laufend", "ausgesetzt")
_OHNE_KOOPERATION = ("abgeschlossen ohne Kooperation", "extern vergeben")

# Project texts shown in section 1.1 of the annual report, in this order.
_JAHRESBERICHT_TEXTE = ("Ausgangslage", "Sachstand", "Vorteile", "Ausblick")

# ---------------------------------------------------------------------------
# text hygiene

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def clean(value: object) -> str:
    """A string safe for WordprocessingML: None → "", control characters
    removed, line ends normalised to "\\n"."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def clean_rich(rt: RichText | None) -> RichText:
    """The same RichText with every run cleaned; empty runs and blocks dropped."""
    if not rt:
        return RichText(())
    blocks = []
    for b in rt.blocks:
        runs = tuple(Run(clean(r.text), r.bold) for r in b.runs if clean(r.text))
        if runs:
            blocks.append(Block(runs, b.bullet, b.level))
    return RichText(tuple(blocks), rt.source)


def indented(rt: RichText) -> IndentedText:
    return IndentedText(rt.blocks, rt.source)


def plain_rich(text: str) -> RichText:
    """A one-paragraph RichText from plain text (no markup interpreted)."""
    text = clean(text).strip()
    return RichText((Block((Run(text),)),), text) if text else RichText(())


# ---------------------------------------------------------------------------
# German formatting


def aufzaehlung(items: Iterable[str], konjunktion: str = "und") -> str:
    """``Musterdorf, Beispielstadt und Neustadt``."""
    items = [clean(i) for i in items if clean(i)]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {konjunktion} {items[-1]}"


def zahlwort(n: int) -> str:
    """Numbers up to twelve as words (``fünf``), larger ones as digits."""
    if 0 <= n < len(_ZAHLWORTE):
        return _ZAHLWORTE[n]
    return str(n)


def staedte_gemeinden(n: int, gesamt: int) -> str:
    """``13 der 14 Städte und Gemeinden`` (the Kreis is not counted)."""
    if gesamt <= 0:
        return ""
    if n >= gesamt:
        return f"alle {gesamt} Städte und Gemeinden"
    if n == 0:
        return f"keine der {gesamt} Städte und Gemeinden"
    if n == 1:
        return f"eine der {gesamt} Städte und Gemeinden"
    return f"{n} der {gesamt} Städte und Gemeinden"


def mit_kreis(n: int, kreis_name: str | None) -> str:
    """``13 Städte und Gemeinden und der Kreis Musterland``; without a Kreis
    name (the Kreis does not take part) only the Städte und Gemeinden."""
    if n == 0:
        part = ""
    elif n == 1:
        part = "eine Stadt bzw. Gemeinde"
    else:
        part = f"{n} Städte und Gemeinden"
    if kreis_name:
        return f"{part} und der {kreis_name}" if part else f"der {kreis_name}"
    return part


def _kreis(data: IKZData) -> Kommune | None:
    for k in data.kommunen:
        if k.is_kreis:
            return k
    return None


def beteiligte_text(data: IKZData, keys: Iterable[str]) -> str:
    """``13 der 14 Städte und Gemeinden und der Kreis Musterland`` for the
    participating Kommunen `keys`."""
    keys = set(keys)
    sg = [k for k in data.kommunen if not k.is_kreis]
    n = sum(1 for k in sg if k.key in keys)
    kreis = _kreis(data)
    kreis_dabei = kreis is not None and kreis.key in keys
    if n == 1 and not kreis_dabei:
        return next(k.name for k in sg if k.key in keys)
    text = staedte_gemeinden(n, len(sg)) if n else ""
    if kreis_dabei:
        return f"{text} und der {kreis.name}" if text else f"der {kreis.name}"
    return text


def amt_formen(amt: str) -> tuple[str, ...]:
    """The forms of an Amtsbezeichnung: ``Bürgermeister/in`` → (Bürgermeister,
    Bürgermeisterin); ``Landrat/Landrätin`` → (Landrat, Landrätin)."""
    amt = clean(amt).strip()
    if "/" not in amt:
        return (amt,)
    left, right = (s.strip() for s in amt.split("/", 1))
    if right.lower() == "in":
        return (left, left + "in")
    return (left, right)


def _artikel(form: str) -> str:
    return "Die" if form.endswith("in") else "Der"


def genitiv(k: Kommune) -> str:
    """``der Stadt Musterstadt``, ``des Kreises Musterland``."""
    name = clean(k.name)
    first, _, rest = name.partition(" ")
    if first.endswith("kreis") or first.endswith("Kreis"):
        return f"des {first}es {rest}".strip()
    return f"der {name}"


def mit_artikel(k: Kommune, fall: str = "nominativ") -> str:
    """``die Stadt Musterstadt``, ``der Kreis Musterland`` (nominativ) / ``den Kreis Musterland`` (akkusativ)."""
    name = clean(k.name)
    if name.split(" ", 1)[0].lower().endswith("kreis"):
        return f"{'den' if fall == 'akkusativ' else 'der'} {name}"
    return f"die {name}"


def gremium_adresse(k: Kommune) -> str:
    """Addressee line of a council: ``An die Stadtverordnetenversammlung\nder Stadt Musterstadt``."""
    gremium = clean(k.gremium)
    artikel = "den" if gremium.endswith("tag") else "die"
    return f"An {artikel} {gremium}\n{genitiv(k)}"


def adressierung(k: Kommune, fall: str = "nominativ") -> str:
    """How a Kommune's Dienststellenleitung is addressed and named as signer.

    Known office holder: ``Bürgermeisterin Erika Muster, Stadt Musterstadt``.
    Unknown: by office, ``Der Bürgermeister / Die Bürgermeisterin der Stadt
    Musterstadt``; in the middle of a sentence (``fall="akkusativ"``): ``den
    Bürgermeister / die Bürgermeisterin der Stadt Musterstadt``.
    """
    leitung = clean(k.leitung).strip()
    if leitung:
        return f"{clean(k.amt)} {leitung}, {clean(k.name)}"
    formen = amt_formen(k.amt)
    artikel = _artikel if fall == "nominativ" else (lambda f: {"Der": "den", "Die": "die"}[_artikel(f)])
    amt = " / ".join(f"{artikel(f)} {f}" for f in formen)
    return f"{amt} {genitiv(k)}"


def signature_line(k: Kommune) -> str:
    """The label under a Dienststellenleitung's signature line; its empty signature field is placed on it."""
    return f"Unterschrift {clean(k.name)}"


def rollen_text(p: Participation) -> str:
    """Cell text of the participation table: ``X``, ``X (PG)``, ``X (PG, LKG)``."""
    if not p.beteiligt:
        return ""
    extra = [p.rolle] if p.rolle else []
    if p.lkg:
        extra.append("LKG")
    return f"X ({', '.join(extra)})" if extra else "X"


# ---------------------------------------------------------------------------
# helpers on the model


def _title(p: Project) -> str:
    return clean(p.titel)


def _short(p: Project) -> str:
    return clean(p.kurztitel) or clean(p.titel)


def _participant_keys(p: Project) -> list[str]:
    return [x.kommune for x in p.participants]


def _kommunen_in_order(data: IKZData, keys: Iterable[str]) -> list[Kommune]:
    keys = set(keys)
    return [k for k in data.kommunen if k.key in keys]


def _safe_kommune(data: IKZData, key: str) -> Kommune | None:
    try:
        return data.kommune(key)
    except KeyError:
        return None


def _zusatz(p: Project) -> str:
    z = clean(p.zusatz).strip()
    if not z:
        return ""
    return z if z.startswith("(") and z.endswith(")") else f"({z})"


def _list_entry(p: Project) -> str:
    """Entry of a project list in section 1: title and parenthetical."""
    z = _zusatz(p)
    if not z and p.aktuell and p.participants:
        z = f"({len(p.participants)} Kreiskommunen)"
    return f"{_title(p)} {z}".strip()


def _in_period(d: dt.date | None, data: IKZData) -> bool:
    return d is not None and data.bericht.von <= d <= data.bericht.bis


def project_lists(data: IKZData) -> dict[str, list[str]]:
    """The four project lists of section 1 of the annual report.

    * abgeschlossen – completed in the reporting period (status abgeschlossen
      and its end date in the period; `check` warns about a project of this
      year's report without one); a completed Prüfprojekt whose follow-up is
      still running is represented by that follow-up instead;
    * laufend – started or still running in the period;
    * umgesetzt – completed with cooperation before the period;
    * ohne_kooperation – Prüfprojekte without (kreisweite) cooperation.
    """
    lists: dict[str, list[str]] = {"abgeschlossen": [], "laufend": [], "umgesetzt": [], "ohne_kooperation": []}
    for p in data.projekte:
        children = data.children(p.id)
        if p.status == "abgeschlossen":
            running_child = any(c.status in _LAUFEND for c in children)
            # by its end date only (never by last year's »Im Jahresbericht«): without one it counts as earlier
            in_period = _in_period(p.ende, data)
            before = p.ende is None or p.ende < data.bericht.von
            if in_period and not running_child:
                lists["abgeschlossen"].append(_list_entry(p))
            elif before:
                lists["umgesetzt"].append(_list_entry(p))
        elif p.status in _LAUFEND:
            lists["laufend"].append(_list_entry(p))
        elif p.status == "geplant" and p.start is not None and p.start <= data.bericht.bis:
            lists["laufend"].append(_list_entry(p))
        elif p.status in _OHNE_KOOPERATION:
            lists["ohne_kooperation"].append(_list_entry(p))
    return lists


# ---------------------------------------------------------------------------
# participation table




def _table_projects(data: IKZData) -> list[tuple[Project, list[Project]]]:
    """Column groups: current projects that are not follow-ups of a current project, each with its
    current follow-up projects, in workbook order (a pilot whose Prüfprojekt ended last year stands
    alone)."""
    current = {p.id for p in data.projekte if p.aktuell}
    groups = []
    for p in data.projekte:
        if p.aktuell and p.parent not in current:
            kids = [c for c in data.projekte if c.parent == p.id and c.aktuell]
            groups.append((p, kids))
    return groups


def participation_table(data: IKZData) -> ParticipationTable:
    """The Beteiligungstabelle of the annual report."""
    groups_src = _table_projects(data)
    n_leaves = sum(1 + len(k) for _, k in groups_src)
    abbreviated = n_leaves >= ABBREVIATE_FROM
    landscape = n_leaves >= LANDSCAPE_FROM
    groups: list[TableGroup] = []
    for gi, (p, kids) in enumerate(groups_src, start=1):
        cols = []
        if abbreviated:
            cols.append(TableColumn(p.id, str(gi), _short(p)))
            for ki, c in enumerate(kids):
                letter = chr(ord("a") + ki) if ki < 26 else str(ki + 1)
                cols.append(TableColumn(c.id, f"{gi}{letter}", f"{_short(p)}: {_short(c)}", True))
        else:
            cols.append(TableColumn(p.id, clean(p.art) if kids else "", _short(p)))
            for c in kids:
                cols.append(TableColumn(c.id, _short(c), f"{_short(p)}: {_short(c)}", True))
        groups.append(TableGroup(p.id, str(gi) if abbreviated else _short(p), tuple(cols)))

    leaf_projects = {c.projekt: data.projekt(c.projekt) for g in groups for c in g.columns}
    rows = []
    sums = [0] * n_leaves
    for k in data.kommunen:
        cells = []
        idx = 0
        for g in groups:
            for c in g.columns:
                part = leaf_projects[c.projekt].participation(k.key)
                if part is None:
                    cell = TableCell("", folgeprojekt=c.folgeprojekt)
                else:
                    cell = TableCell(
                        rollen_text(part),
                        beteiligt=part.beteiligt,
                        vertreten=part.beteiligt and bool(part.rolle),
                        unzustaendig=part.unzustaendig,
                        folgeprojekt=c.folgeprojekt,
                    )
                if cell.beteiligt:
                    sums[idx] += 1
                cells.append(cell)
                idx += 1
        rows.append(TableRow(clean(k.key), tuple(cells)))

    jahr = data.bericht.jahr
    legend = [
        ("vertreten", "X", "Projektbeteiligung der Kommune UND personelle Vertretung in der Projektgruppe / "
                           "Arbeitsgruppe: (PL) = Projektleitung, (PG) = Projektgruppe, (LKG) = Lenkungsgruppe"),
        ("beteiligt", "X", "Projektbeteiligung der Kommune OHNE personelle Vertretung in der Projektgruppe / "
                           "Arbeitsgruppe"),
        ("keine", "", "keine Projektbeteiligung"),
    ]
    if any(c.folgeprojekt for g in groups for c in g.columns):
        legend.append(("folgeprojekt", "X", "Teilnahme am Umsetzungs- bzw. Pilotprojekt (eigene Teilspalte)"))
    if any(cell.unzustaendig for r in rows for cell in r.cells):
        legend.append(("unzustaendig", "", "keine Aufgabenzuständigkeit"))

    parts = []
    for g in groups:
        for c, s in zip(g.columns, sums[len(parts): len(parts) + len(g.columns)]):
            parts.append(f"{c.titel}: {s}")
    alt = (
        f"Tabelle der Beteiligung der {len(data.kommunen)} Kreiskommunen an den IKZ-Projekten {jahr}. "
        f"Zahl der beteiligten Kommunen je Projekt: {'; '.join(parts)}."
    )
    zusammensetzung = f"{len(data.kommunen)} Kreiskommunen"
    return ParticipationTable(
        titel=f"Kreisweiter IKZ-Prozess ({zusammensetzung})",
        untertitel=f"Beteiligung an IKZ-Projekten und -Umsetzungsmaßnahmen {jahr}",
        stand=f"(Stand {datum(data.bericht.stand)})",
        groups=tuple(groups),
        rows=tuple(rows),
        sums=tuple(sums),
        landscape=landscape,
        abbreviated=abbreviated,
        legend=tuple(legend),
        alt=alt if groups else "",
    )


def participation_chart(data: IKZData, table: ParticipationTable) -> BarChart:
    """Bar chart: number of participating Kommunen per project of the year."""
    if not table:
        return BarChart("", (), (), 0, "", "")
    labels = []
    for g in table.groups:
        for c in g.columns:
            if c.folgeprojekt:
                labels.append(f"{_short(data.projekt(g.projekt))} – {_short(data.projekt(c.projekt))}")
            else:
                labels.append(_short(data.projekt(c.projekt)))
    values = table.sums
    alt = (
        f"Balkendiagramm: Zahl der beteiligten Kreiskommunen je IKZ-Projekt {data.bericht.jahr} "
        f"(von {len(data.kommunen)}): "
        + "; ".join(f"{label}: {v}" for label, v in zip(labels, values))
        + "."
    )
    return BarChart(
        titel=f"Beteiligte Kreiskommunen je Projekt {data.bericht.jahr}",
        labels=tuple(labels),
        values=tuple(values),
        maximum=len(data.kommunen),
        xlabel="Zahl der beteiligten Kreiskommunen",
        alt=alt,
    )


# ---------------------------------------------------------------------------
# Fördermittel sentences

_ARTIKEL_GEBER = (
    ("Land ", "das"), ("Bund ", "der"), ("Bund", "der"), ("Bundesministerium", "das"), ("Ministerium", "das"),
    ("Hessische Ministerium", "das"), ("Europäische Union", "die"), ("EU", "die"), ("Kreis ", "der"),
    ("Stiftung", "die"), ("Bundesamt", "das"), ("Landesamt", "das"),
)
_BEI = {"das": "beim", "der": "beim", "die": "bei der"}
_VOM = {"das": "vom", "der": "vom", "die": "von der"}


def _geber_artikel(geber: str) -> str | None:
    for prefix, art in _ARTIKEL_GEBER:
        if geber == prefix.strip() or geber.startswith(prefix):
            return art
    return None


def funding_text(f: Funding) -> RichText:
    """The paragraph on one Fördermittel item: a sentence made from the
    fields (status, giver, amount, purpose), followed by its Erläuterung."""
    geber = clean(f.geber).strip()
    art = _geber_artikel(geber)
    zweck = clean(f.zweck).strip()
    summe = betrag(f.betrag)
    if f.status == "bewilligt":
        wer = f"{art} {geber}" if art else f"der Fördermittelgeber {geber}"
        runs = [Run(f"Im Berichtszeitraum hat {wer} "), Run("IKZ-Fördermittel", True),
                Run(f" in Höhe von {summe} für das Vorhaben „"), Run(zweck, True), Run("“ bewilligt.")]
    elif f.status == "beantragt":
        bei = f"{_BEI[art]} {geber}" if art else f"beim Fördermittelgeber {geber}"
        runs = [Run("Im Berichtszeitraum wurden "), Run("IKZ-Fördermittel", True),
                Run(f" in Höhe von {summe} für das Vorhaben „"), Run(zweck, True), Run(f"“ {bei} beantragt.")]
    else:  # Verwendungsnachweis geführt
        von = f"{_VOM[art]} {geber}" if art else f"von {geber}"
        runs = [Run("Für das Vorhaben „"), Run(zweck, True),
                Run(f"“ konnte im Berichtszeitraum erfolgreich der Verwendungsnachweis für die {f.jahr} {von} "
                    f"erhaltenen IKZ-Fördermittel in Höhe von {summe} geführt werden (= Nachweis des "
                    "Effizienzgewinns).")]
    runs = [r for r in runs if r.text]
    extra = clean_rich(f.text)
    blocks = list(extra.blocks)
    if blocks and not blocks[0].bullet:
        first = Block(tuple(runs) + (Run(" "),) + blocks[0].runs)
        blocks = [first] + blocks[1:]
    else:
        blocks = [Block(tuple(runs))] + blocks
    return RichText(tuple(blocks))


# ---------------------------------------------------------------------------
# pieces shared by the document kinds


def _bericht(data: IKZData) -> dict:
    b = data.bericht
    start = b.bis.year - b.nummer
    return {
        "nummer": b.nummer,
        "titel": (
            f"{b.nummer}. Zwischenbericht zum Sachstand des kreisweiten Prozesses der interkommunalen "
            f"Zusammenarbeit im {kreis_name(data)}"
        ),
        "kurztitel": f"{b.nummer}. IKZ-Zwischenbericht {b.jahr}",
        "jahr": str(b.jahr),
        "vorjahr": str(b.jahr - 1),
        "startjahr": str(start),
        "von": datum(b.von),
        "bis": datum(b.bis),
        "stand": monat_jahr(b.stand),
        "stand_datum": datum(b.stand),
        "stand_lang": datum_lang(b.stand),
        "zeitraum": f"{monat_jahr(b.von)} bis {monat_jahr(b.bis)}",
        "zeitraum_kurz": f"{monat_jahr(b.von)} – {monat_jahr(b.bis)}",
        "zeitraum_datum": f"{datum(b.von)} – {datum(b.bis)}",
        "herausgeber": clean(b.herausgeber),
        "ansprechpartner": clean(b.ansprechpartner),
        "ziel_projekte": zahlwort(b.ziel_projekte) if b.ziel_projekte else "",
    }


def _kontakt(data: IKZData) -> dict:
    b = data.bericht
    zeilen = [
        " – ".join(x for x in (clean(b.ansprechpartner), clean(b.dienststelle)) if x),
        clean(b.stelle),
        " – ".join(x for x in (clean(b.email), clean(b.telefon)) if x),
    ]
    return {
        "name": clean(b.ansprechpartner),
        "dienststelle": clean(b.dienststelle),
        "stelle": clean(b.stelle),
        "email": clean(b.email),
        "telefon": clean(b.telefon),
        "website": clean(b.website),
        "zeilen": [z for z in zeilen if z],
    }


def kreis_name(data: IKZData) -> str:
    """The Kreis's name from the workbook (the Kommune of Art »Kreis«)."""
    k = _kreis(data)
    return clean(k.name) if k else "Kreis"


def _kreis_ctx(data: IKZData) -> dict:
    k = _kreis(data)
    n_sg = sum(1 for x in data.kommunen if not x.is_kreis)
    name = clean(k.name) if k else ""
    return {
        "name": name or "Kreis",
        "genitiv": genitiv(k) if k else "",
        "anzahl_kommunen": str(len(data.kommunen)),
        "anzahl_staedte_gemeinden": str(n_sg),
        "zusammensetzung": mit_kreis(n_sg, name or None).replace(" und der ", " und ", 1)
        if name else f"{n_sg} Städte und Gemeinden",
    }


def _lenkungsgruppe(data: IKZData) -> dict:
    gruppen: list[dict] = []
    index: dict[str, dict] = {}
    leitung = ""
    for m in data.lenkungsgruppe:
        k = _safe_kommune(data, m.kommune)
        if k is None:
            ort = clean(m.kommune)
        elif k.is_kreis:
            ort = clean(k.name)
        elif m.zusatz:
            ort = f"{clean(m.zusatz)} {clean(k.name)}"
        else:
            ort = clean(k.sitz) or clean(k.name)
        eintrag = f"{clean(m.name)}, {ort}" if ort else clean(m.name)
        funktion = clean(m.funktion)
        if funktion not in index:
            index[funktion] = {"funktion": funktion, "mitglieder": []}
            gruppen.append(index[funktion])
        index[funktion]["mitglieder"].append(eintrag)
        if not leitung and "leitung" in funktion.lower():
            leitung = eintrag
    n = len(data.lenkungsgruppe)
    return {
        "gruppen": gruppen,
        "anzahl": str(n),
        "anzahl_text": zahlwort(n),
        "leitung": leitung or clean(data.bericht.ansprechpartner),
    }


def _arbeitsabschnitte(project: Project | None = None) -> list[dict]:
    result = []
    milestones = {m.abschnitt: m for m in project.milestones} if project else {}
    for nummer, text in schema.ARBEITSABSCHNITTE.items():
        m = milestones.get(nummer)
        result.append({
            "nummer": nummer,
            "nummer_text": f"{nummer}.",
            "text": text,
            "phase": nummer in _PHASEN,
            "vorbemerkung": ABSCHNITT_VORBEMERKUNG.get(nummer, ""),
            "geplant": datum(m.geplant) if m else "",
            "erledigt": datum(m.erledigt) if m else "",
            "bemerkung": clean(m.bemerkung) if m else "",
            "termin": _termin(m) if m else "",
        })
    return result


def _termin(m) -> str:
    if m.erledigt:
        return f"erledigt am {datum(m.erledigt)}"
    if m.geplant:
        return f"bis {datum(m.geplant)}"
    return ""


def process_chart() -> ProcessChart:
    stufen = []
    steps = list(schema.ARBEITSABSCHNITTE)
    # Group the numbered steps between the milestones.
    group: list[str] = []
    short = ABSCHNITT_KURZ
    for s in steps:
        if s in _PHASEN:
            if group:
                stufen.append((f"{group[0]}–{group[-1]}" if len(group) > 1 else group[0],
                               "\n".join(short.get(g, g) for g in group), False))
                group = []
            stufen.append((s, short.get(s, s), True))
        else:
            group.append(s)
    if group:
        stufen.append((f"{group[0]}–{group[-1]}", "\n".join(short.get(g, g) for g in group), False))
    alt = (
        "Ablaufdiagramm des standardisierten IKZ-Projektablaufs: "
        + " → ".join(f"{n} {t.replace(chr(10), ', ')}" for n, t, _ in stufen)
        + "."
    )
    return ProcessChart(tuple(stufen), alt)


def timeline(data: IKZData, project: Project) -> Timeline:
    """Zeitplan picture from the planned (or actual) dates of the Arbeitsabschnitte."""
    dated = []
    by = {m.abschnitt: m for m in project.milestones}
    for nummer, text in schema.ARBEITSABSCHNITTE.items():
        m = by.get(nummer)
        if m is None:
            continue
        d = m.erledigt or m.geplant
        if d is None:
            continue
        dated.append((nummer, text, d, m.erledigt is not None))
    steps = []
    prev = project.start or (dated[0][2] if dated else None)
    for nummer, text, d, done in dated:
        start = prev if prev is not None and prev <= d else d
        label = ABSCHNITT_KURZ.get(nummer) or text[:40]
        steps.append(TimelineStep(nummer, label, start, d, nummer in _PHASEN, done))
        prev = d
    alt = (
        f"Zeitplan des Projekts „{_title(project)}“: "
        + "; ".join(f"Abschnitt {s.nummer} {'erledigt am' if s.erledigt else 'geplant bis'} {datum(s.ende)}"
                    for s in steps)
        + "."
    ) if steps else ""
    return Timeline(f"Zeitplan – {_short(project)}", tuple(steps), data.bericht.stand, alt)


def _projekt_ctx(data: IKZData, p: Project) -> dict:
    parent = None
    if p.parent:
        try:
            parent = data.projekt(p.parent)
        except KeyError:
            parent = None
    ctx = {
        "id": clean(p.id),
        "titel": _title(p),
        "kurztitel": _short(p),
        "art": clean(p.art),
        "status": clean(p.status),
        "start": datum(p.start),
        "ende": datum(p.ende),
        "start_monat": monat_jahr(p.start),
        "zeitraum": _zeitraum(p),
        "zusatz": _zusatz(p),
        "einsparung": clean(p.einsparung),
        "uebergeordnet": _title(parent) if parent else "",
        "folgeprojekte": [_folgeprojekt(data, c) for c in data.children(p.id)],
    }
    for art in schema.PROJEKT_TEXTARTEN:
        ctx[identifier(art)] = clean_rich(p.text(art))
    ctx["ziele"] = bool(ctx["strategisches_ziel"] or ctx["operatives_ziel"])
    return ctx


def _zeitraum(p: Project) -> str:
    if p.start and p.ende:
        return f"{datum(p.start)} bis {datum(p.ende)}"
    if p.start:
        return f"ab {datum(p.start)}"
    if p.ende:
        return f"bis {datum(p.ende)}"
    milestones = [m for m in p.milestones if m.geplant or m.erledigt]
    if milestones:
        dates = [m.erledigt or m.geplant for m in milestones]
        return f"{datum(min(dates))} bis {datum(max(dates))} (Planung)"
    return "wird im Projektablaufplan festgelegt"


def _folgeprojekt(data: IKZData, c: Project) -> dict:
    keys = _participant_keys(c)
    return {
        "id": clean(c.id),
        "titel": _title(c),
        "art": clean(c.art),
        "status": clean(c.status),
        "beteiligte": beteiligte_text(data, keys) if keys else "",
        "anzahl": str(len(keys)),
        "text": f"{clean(c.art)} „{_title(c)}“" + (f" ({len(keys)} Kreiskommunen)" if keys else ""),
        "sachstand": clean_rich(c.text("Sachstand")),
        "ausgangslage": clean_rich(c.text("Ausgangslage")),
        "ausblick": clean_rich(c.text("Ausblick")),
    }


def _beteiligte(data: IKZData, p: Project) -> dict:
    parts = {x.kommune: x for x in p.participants}
    kommunen = _kommunen_in_order(data, parts)
    liste = []
    for k in kommunen:
        x = parts[k.key]
        liste.append({
            "key": clean(k.key),
            "name": clean(k.name),
            "rolle": clean(x.rolle),
            "rolle_text": schema.ROLLEN_TEXT.get(x.rolle or "", "ohne Vertretung in der Projektgruppe"),
            "lkg": x.lkg,
            "vertreter": clean(x.vertreter) or ("noch nicht benannt" if x.rolle else ""),
            "zelle": rollen_text(x),
        })
    ohne = [e["name"] for e in liste if not e["rolle"]]
    return {
        "anzahl": str(len(kommunen)),
        "anzahl_text": beteiligte_text(data, parts) if kommunen else "",
        "namen": aufzaehlung(k.key for k in kommunen),
        "liste": liste,
        "ohne_vertretung": aufzaehlung(ohne),
        "ohne_vertretung_anzahl": len(ohne),
    }


def _projektgruppe(data: IKZData, p: Project) -> tuple[list[dict], list[dict]]:
    leitung, gruppe = [], []
    order = {k.key: i for i, k in enumerate(data.kommunen)}
    members = sorted((x for x in p.participants if x.rolle), key=lambda x: (x.rolle != "PL", order.get(x.kommune, 999)))
    for x in members:
        k = _safe_kommune(data, x.kommune)
        entry = {
            "kommune": clean(k.name if k else x.kommune),
            "rolle": clean(x.rolle),
            "rolle_text": schema.ROLLEN_TEXT.get(x.rolle or "", ""),
            "vertreter": clean(x.vertreter) or "noch nicht benannt",
            "lkg": "ja" if x.lkg else "",
        }
        gruppe.append(entry)
        if x.rolle == "PL":
            leitung.append(entry)
    return leitung, gruppe


def _unterschriften(data: IKZData, p: Project) -> list[dict]:
    result = []
    parts = {x.kommune: x for x in p.participants}
    for k in _kommunen_in_order(data, parts):
        x = parts[k.key]
        result.append({
            "kommune": clean(k.name),
            "ort": clean(k.sitz) or clean(k.name),
            "unterzeichner": adressierung(k),
            "beschriftung": signature_line(k),
            "unterzeichnet": datum(x.unterzeichnet),
            # signed already (»Unterzeichnet am«): the date on the line, a note where the signature goes,
            # and no empty signature field (plan.py); else both left blank for hand or field
            "datum": datum(x.unterzeichnet) if x.unterzeichnet else "",
            "vermerk": f"unterzeichnet am {datum(x.unterzeichnet)}" if x.unterzeichnet else "",
        })
    return result


def _dokument(data: IKZData, art: str, titel: str, untertitel: str, kopfzeile: str, stand: str) -> dict:
    return {
        "art": art,
        "titel": titel,
        "untertitel": untertitel,
        "kopfzeile": kopfzeile,
        "stand": stand,
        "autor": clean(data.bericht.herausgeber),
        "betreff": f"Interkommunale Zusammenarbeit (IKZ) im {kreis_name(data)}",
        "herausgeber": clean(data.bericht.herausgeber),
    }


def _fazit(votum: str | None, kind: str) -> str:
    if not votum:
        return ""
    if kind == "zwischenbericht":
        return {
            "empfohlen": "Die Projektgruppe empfiehlt die interkommunale Zusammenarbeit (IKZ) für die Aufgabe, "
                         "die Projektgegenstand ist.",
            "nicht empfohlen": "Die Projektgruppe empfiehlt keine interkommunale Zusammenarbeit (IKZ) für die "
                               "Aufgabe, die Projektgegenstand ist.",
            "teilweise empfohlen": "Die Projektgruppe empfiehlt die interkommunale Zusammenarbeit (IKZ) für "
                                   "Teile der Aufgabe, die Projektgegenstand ist.",
        }.get(votum, f"Votum der Projektgruppe: {clean(votum)}.")
    return {
        "empfohlen": "Die Projektgruppe empfiehlt den Auftraggebern, die vorgeschlagene interkommunale "
                     "Kooperation in einem IKZ-Umsetzungsprojekt umzusetzen.",
        "nicht empfohlen": "Die Projektgruppe empfiehlt den Auftraggebern, von einer interkommunalen Umsetzung "
                           "abzusehen.",
        "teilweise empfohlen": "Die Projektgruppe empfiehlt den Auftraggebern, die interkommunale Kooperation "
                               "für Teile der Aufgabe in einem IKZ-Umsetzungs- bzw. Pilotprojekt umzusetzen.",
    }.get(votum, f"Empfehlung der Projektgruppe: {clean(votum)}.")


def _projekt_common(data: IKZData, p: Project) -> dict:
    leitung, gruppe = _projektgruppe(data, p)
    return {
        "projekt": _projekt_ctx(data, p),
        "beteiligte": _beteiligte(data, p),
        "projektleitung": leitung,
        "projektleitung_text": aufzaehlung(e["kommune"] for e in leitung) or "wird in der Projektgruppe festgelegt",
        "projektgruppe": gruppe,
        "lenkungsgruppe": _lenkungsgruppe(data),
        "kreis": _kreis_ctx(data),
        "kontakt": _kontakt(data),
        "bericht": _bericht(data),
    }


# ---------------------------------------------------------------------------
# the four kinds


def projektauftrag_context(data: IKZData, p: Project) -> dict:
    """Context of the Projektauftrag of `p`."""
    ctx = _projekt_common(data, p)
    t = _title(p)
    stand = datum(data.bericht.stand)
    ctx["dokument"] = _dokument(data, "Projektauftrag", f"Projektauftrag „{t}“", t,
                                f"Projektauftrag – {_short(p)}", stand)
    ctx["abschnitte"] = _arbeitsabschnitte(p)
    ctx["abschnitte_geplant"] = any(a["geplant"] or a["erledigt"] for a in ctx["abschnitte"])
    ctx["zeitplan"] = timeline(data, p)
    ctx["unterschriften"] = _unterschriften(data, p)
    return ctx


def projektbericht_context(data: IKZData, p: Project, art: str) -> dict:
    """Context of a Zwischenbericht or Schlussbericht of the Projektgruppe."""
    ctx = _projekt_common(data, p)
    r = p.report(art)
    t = _title(p)
    ctx["dokument"] = _dokument(data, f"{art} der Projektgruppe", f"{art} der Projektgruppe „{t}“",
                                t, f"{art} – {_short(p)}", _berichtsdatum(r))
    ctx["projektbericht"] = {
        "datum": datum(r.datum) if r else "",
        "votum": clean(r.votum) if r else "",
        "fazit": _fazit(r.votum if r else None, art.lower()),
    }
    if art == "Schlussbericht":
        ctx["foerdermittel"] = [_foerder_ctx(f) for f in data.foerdermittel if f.projekt == p.id]
    return ctx


def _berichtsdatum(r) -> str:
    if r is None or r.datum is None:
        return "ohne Datum"
    return datum(r.datum)


def _foerder_ctx(f: Funding) -> dict:
    return {
        "zweck": clean(f.zweck),
        "geber": clean(f.geber),
        "betrag": betrag(f.betrag),
        "jahr": str(f.jahr),
        "status": clean(f.status),
        "text": funding_text(f),
    }


def _split_ablauf(rt: RichText) -> tuple[RichText, RichText, bool]:
    """Split the Projektablauf text after the paragraph that introduces the
    list of Arbeitsabschnitte (ends with ``Arbeitsabschnitte:``)."""
    for i, b in enumerate(rt.blocks):
        text = b.text.strip()
        if text.endswith(":") and "Arbeitsabschnitt" in text:
            return RichText(rt.blocks[: i + 1]), RichText(rt.blocks[i + 1:]), True
    return rt, RichText(()), False


def jahresbericht_context(data: IKZData) -> dict:
    """Context of the annual IKZ-Zwischenbericht."""
    b = _bericht(data)
    table = participation_table(data)
    texte = {identifier(k): clean_rich(data.text(k)) for k in schema.BERICHT_ABSCHNITTE}
    vor, nach, mit_ueberleitung = _split_ablauf(texte["projektablauf"])

    projekte = []
    for p, kids in _table_projects(data):
        pc = _projekt_ctx(data, p)
        folge = [_folgeprojekt(data, c) for c in kids]
        folge = [f for f in folge if f["sachstand"] or f["ausgangslage"] or f["ausblick"]]
        has_text = any(pc[identifier(a)] for a in _JAHRESBERICHT_TEXTE) or pc["ziele"] or folge
        if not has_text:
            continue
        pc["folgeprojekte_text"] = folge
        projekte.append(pc)
    for i, pc in enumerate(projekte):
        pc["buchstabe"] = f"{buchstaben(i + 1)})"

    fortbildungen = [{
        "thema": clean(t.thema),
        "format": clean(t.format),
        "teilnehmende": str(t.teilnehmende),
        "kommunen": str(t.kommunen),
        "seit": str(t.seit) if t.seit else "",
    } for t in data.fortbildungen]
    arbeitsgruppen = [{
        "name": clean(g.name),
        "seit": str(g.seit) if g.seit else "",
        "turnus": clean(g.turnus),
        "text": clean_rich(g.text),
    } for g in data.arbeitsgruppen]
    initiativen = [{
        "name": clean(i.name),
        "beteiligte": clean(i.beteiligte),
        "seit": str(i.seit) if i.seit else "",
        "text": clean_rich(i.text),
    } for i in data.initiativen]
    presse = []
    for item in data.presse:  # undated items stand every year; dated ones only in their period
        if item.datum is not None and not _in_period(item.datum, data):
            continue
        angaben = ", ".join(x for x in (clean(item.art), datum(item.datum)) if x)
        presse.append({
            "datum": datum(item.datum),
            "medium": clean(item.medium),
            "art": clean(item.art),
            "titel": clean(item.titel),
            "angaben": angaben,
            "text": indented(clean_rich(item.text)),
            "link": clean(item.link),
        })

    ctx = {
        "dokument": _dokument(data, "IKZ-Zwischenbericht", b["titel"], f"(Stand: {b['stand']})",
                              f"{b['nummer']}. IKZ-Zwischenbericht – Stand {b['stand']}", b["stand_datum"]),
        "bericht": b,
        "kontakt": _kontakt(data),
        "kreis": _kreis_ctx(data),
        "texte": texte,
        "listen": project_lists(data),
        "foerdermittel": [_foerder_ctx(f) for f in data.foerdermittel
                          if f.in_period(data.bericht.von, data.bericht.bis)],
        "initiativen": initiativen,
        "beteiligung": table,
        "diagramm": participation_chart(data, table),
        "projekte": projekte,
        "ablauf": {
            "vor": vor,
            "nach": nach,
            "mit_ueberleitung": mit_ueberleitung,
            "bild": process_chart(),
        },
        "arbeitsabschnitte": _arbeitsabschnitte(None),
        "lenkungsgruppe": _lenkungsgruppe(data),
        "fortbildungen": fortbildungen,
        "arbeitsgruppen": arbeitsgruppen,
        "presse": presse,
    }
    # section 2 appears only when one of its subsections has content
    ctx["massnahmen"] = bool(
        texte["lenkungsgruppe"] or ctx["lenkungsgruppe"]["gruppen"] or texte["fortbildungen"] or fortbildungen
        or texte["arbeitsgruppen"] or arbeitsgruppen or texte["informationsmanagement"] or presse
        or texte["weitere_aktivitaeten"] or texte["ausblick"]
    )
    return ctx
