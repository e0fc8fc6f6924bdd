"""The workbook schema: sheets, columns, types, vocabularies. Single source of truth.

The reader (workbook.py), the validator (validate.py), the blank workbook
(``new-workbook``), the Anleitung sheet and the workbook section of the README
are all derived from the definitions in this module.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from dataclasses import dataclass

from .german import zahl


class Type(enum.Enum):
    """Kinds of cell values, with the German word staff see."""

    TEXT = "Text"
    LONGTEXT = "Langtext"
    INT = "Ganzzahl"
    DECIMAL = "Zahl"
    PERCENT = "Prozent"
    DATE = "Datum"
    YEAR = "Jahr"
    BOOL = "ja/nein"
    CHOICE = "Auswahl"
    KOMMUNE = "Kommune"
    PROJEKT = "Projekt-ID"
    ID = "Kennung"
    EMAIL = "E-Mail"
    URL = "Internetadresse"


# --- closed vocabularies ---------------------------------------------------

KOMMUNE_ARTEN = ("Stadt", "Gemeinde", "Kreis")
REGIONEN = ("Südkreis", "Mittelkreis", "Nordkreis", "Sonderstatusstadt", "Kreis")
AMTSBEZEICHNUNGEN = (
    "Bürgermeister",
    "Bürgermeisterin",
    "Bürgermeister/in",
    "Erster Bürgermeister",
    "Erste Bürgermeisterin",
    "Oberbürgermeister",
    "Oberbürgermeisterin",
    "Oberbürgermeister/in",
    "Landrat",
    "Landrätin",
    "Landrat/Landrätin",
)
GREMIEN = ("Gemeindevertretung", "Stadtverordnetenversammlung", "Kreistag")
PROJEKT_ARTEN = ("Prüfprojekt", "Umsetzungsprojekt", "Pilotprojekt", "Vergabeverfahren", "Arbeitsgruppe")
PROJEKT_STATUS = (
    "geplant",
    "laufend",
    "ausgesetzt",
    "abgeschlossen",
    "abgeschlossen ohne Kooperation",
    "extern vergeben",
)
BETEILIGUNG_STATUS = ("beteiligt", "nicht beteiligt", "keine Aufgabenzuständigkeit")
ROLLEN = ("PL", "PG")
ROLLEN_TEXT = {"PL": "Projektleitung", "PG": "Projektgruppe", "LKG": "Lenkungsgruppe"}
MAPPEN_AUFTRAEGE = ("nur offene", "alle")
"""Which Projektaufträge a council's Mappe holds (sheet »Bericht«): only those it still has to sign, or all."""

VOTEN = ("empfohlen", "nicht empfohlen", "teilweise empfohlen")
BERICHTSARTEN = ("Zwischenbericht", "Schlussbericht")
FOERDER_STATUS = ("beantragt", "bewilligt", "Verwendungsnachweis geführt")
PRESSE_ARTEN = ("Tagespresse", "Fachzeitschrift", "Fachveranstaltung", "Website", "Forschung", "Sonstiges")

# The standard process of every IKZ-Prüfprojekt (section 1.2 of the annual report).
ARBEITSABSCHNITTE: dict[str, str] = {
    "I": "Erteilung des Projektauftrags durch die Dienststellenleitungen der beteiligten Kommunen",
    "1": "Erstellung des Entwurfs des Projektablaufplans durch die Projektgruppe, Abstimmung mit den Auftraggebern",
    "2": "Durchführung der Ist-Analyse, d.h. vergleichende Gegenüberstellung der seitherigen Organisation der Aufgabenwahrnehmung in den projektbeteiligten Kommunen",
    "3": "Prüfung der Vorteilhaftigkeit einer möglichen IKZ für die Wahrnehmung der Aufgabe, die Projektgegenstand ist",
    "4": "Fazit, ob IKZ empfohlen wird / nicht empfohlen wird / teilweise empfohlen wird, mit Begründung",
    "II": "Zwischenbericht der Projektgruppe an die Auftraggeber (Dienststellenleitungen)",
    "5": "Soll-Konzeption, d.h. Vorschlag für die optimale Organisations- und Rechtsform der interkommunalen Aufgabenwahrnehmung, Benennung der erforderlichen Arbeitsschritte zur Umsetzung",
    "6": "Klärung der Möglichkeit der Fördermittelakquise für eine Kooperation",
    "7": "regelmäßige Vorbereitung von Informationen über wesentliche Entwicklungen im Projektverlauf für die Dienststellenleitungen",
    "III": "Schlussbericht der Projektgruppe an die Auftraggeber (Dienststellenleitungen)",
}

# Texts kept per project (sheet Projekttexte), in the order documents use them.
PROJEKT_TEXTARTEN: dict[str, str] = {
    "Ausgangslage": "Anlass und Hintergrund des Projekts (Projektauftrag, Jahresbericht)",
    "Strategisches Ziel": "langfristiges Ziel (Projektauftrag, Jahresbericht)",
    "Operatives Ziel": "konkrete Ziele des Projekts (Projektauftrag, Jahresbericht)",
    "Projektgegenstand": "was genau geprüft oder umgesetzt wird (Projektauftrag)",
    "Sachstand": "Stand im Berichtszeitraum (Jahresbericht, Abschnitt 1.1)",
    "Ist-Analyse": "Ergebnis der Bestandsaufnahme (Zwischenbericht)",
    "Vorteile": "Vorteilhaftigkeit der Zusammenarbeit (Zwischenbericht)",
    "Begründung": "Begründung des Fazits (Zwischenbericht)",
    "Beschlussvorschlag": "was die Auftraggeber entscheiden sollen (Zwischen-/Schlussbericht)",
    "Soll-Konzeption": "Organisations- und Rechtsform, Arbeitsschritte (Schlussbericht)",
    "Ergebnis": "Ergebnis des Projekts (Schlussbericht)",
    "Ausblick": "wie es weitergeht (Jahresbericht, Schlussbericht)",
}

# Texts of the annual report that are not tied to a project (sheet Berichtstexte).
BERICHT_ABSCHNITTE: dict[str, str] = {
    "Einleitung": "Einleitung auf der Titelseite",
    "Projektauswahl": "Grundsätze zu Start und Zahl gleichzeitiger Projekte (Abschnitt 1)",
    "Örtliche Initiativen": "Einleitung zu den örtlichen IKZ-Initiativen (Abschnitt 1)",
    "Projektablauf": "Erläuterung des standardisierten Projektablaufs (Abschnitt 1.2)",
    "Lenkungsgruppe": "Aufgaben der IKZ-Lenkungsgruppe (Abschnitt 2.1)",
    "Fortbildungen": "Fortbildungen für Projektmanagement (Abschnitt 2.2)",
    "Arbeitsgruppen": "Kontinuierliche IKZ-Arbeitsgruppen (Abschnitt 2.3)",
    "Informationsmanagement": "Informationsmanagement (Abschnitt 2.4)",
    "Weitere Aktivitäten": "Weitere IKZ-fördernde Aktivitäten (Abschnitt 2.5)",
    "Ausblick": "Ausblick (Abschnitt 2.6)",
}

MAX_TEXT = 500
MAX_LONGTEXT = 32_767  # Excel's own limit for a cell


@dataclass(frozen=True)
class Column:
    """One column of a sheet: header, meaning, type and rules."""

    header: str
    field: str
    type: Type
    required: bool = False
    choices: tuple[str, ...] = ()
    hint: str = ""
    width: int = 18
    may_be_absent: bool = False
    """A column added after workbooks were in use: a workbook without it reads as if the column were
    empty (with a warning that says how to add it) instead of failing."""

    @property
    def max_length(self) -> int:
        return MAX_LONGTEXT if self.type is Type.LONGTEXT else MAX_TEXT

    def allowed(self) -> str:
        """German description of what the column accepts."""
        if self.choices:
            return ", ".join(f"»{c}«" for c in self.choices)
        return {
            Type.TEXT: f"Text bis {MAX_TEXT} Zeichen",
            Type.LONGTEXT: f"Text bis {zahl(MAX_LONGTEXT)} Zeichen",
            Type.INT: "eine ganze Zahl, z. B. 52",
            Type.DECIMAL: "eine Zahl, z. B. 150000",
            Type.PERCENT: "eine Prozentzahl, z. B. 15 %",
            Type.DATE: "ein Datum, z. B. 31.10.2025",
            Type.YEAR: "eine Jahreszahl, z. B. 2025",
            Type.BOOL: "»ja« oder »nein«",
            Type.KOMMUNE: "eine Kommune aus dem Blatt »Kommunen«",
            Type.PROJEKT: "eine Projekt-ID aus dem Blatt »Projekte«",
            Type.ID: "Buchstaben, Ziffern und Bindestrich, z. B. FEUERWEHR",
            Type.EMAIL: "eine E-Mail-Adresse",
            Type.URL: "eine Adresse, die mit https:// beginnt",
        }.get(self.type, self.type.value)


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook, shown to staff as an Excel table."""

    name: str
    table: str
    description: str
    columns: tuple[Column, ...]
    unique: tuple[tuple[str, ...], ...] = ()
    single_row: bool = False

    def column(self, field_name: str) -> Column:
        for c in self.columns:
            if c.field == field_name:
                return c
        raise KeyError(field_name)


def _c(header, field, type_, required=False, choices=(), hint="", width=18, may_be_absent=False):
    return Column(header, field, type_, required, tuple(choices), hint, width, may_be_absent)


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "Bericht",
        "tblBericht",
        "Angaben zum jährlichen IKZ-Zwischenbericht: genau eine Zeile.",
        (
            _c("Berichtsnummer", "nummer", Type.INT, True, hint="laufende Nummer des Jahresberichts, z. B. 12", width=14),
            _c("Zeitraum von", "von", Type.DATE, True, hint="erster Tag des Berichtszeitraums", width=14),
            _c("Zeitraum bis", "bis", Type.DATE, True, hint="letzter Tag des Berichtszeitraums", width=14),
            _c("Stand", "stand", Type.DATE, True, hint="Stand des Berichts (Datum)", width=14),
            _c("Herausgeber", "herausgeber", Type.TEXT, True, hint="z. B. IKZ-Lenkungsgruppe im Kreis Musterland", width=30),
            _c("Ansprechpartnerin", "ansprechpartner", Type.TEXT, True, hint="Name der Ansprechperson für Rückfragen", width=22),
            _c("Dienststelle", "dienststelle", Type.TEXT, hint="z. B. c/o Stadt Musterstadt", width=22),
            _c("Stabsstelle", "stelle", Type.TEXT, hint="z. B. Stabsstelle Interkommunale Zusammenarbeit", width=30),
            _c("E-Mail", "email", Type.EMAIL, hint="E-Mail-Adresse der Ansprechperson", width=24),
            _c("Telefon", "telefon", Type.TEXT, hint="z. B. 01234 / 567-89", width=18),
            _c("Website", "website", Type.URL, hint="z. B. https://ikz.musterland.de", width=26),
            _c("Ziel gleichzeitige Projekte", "ziel_projekte", Type.INT, hint="Zahl der Aufgabenfelder, die gleichzeitig bearbeitet werden sollen", width=14),
            _c("Projektaufträge in den Mappen", "mappen_auftraege", Type.CHOICE, False, MAPPEN_AUFTRAEGE,
               "»nur offene« (leer = so): in die Mappe eines Gremiums nur Projektaufträge, die die Kommune noch "
               "unterschreiben muss; »alle«: jeden Projektauftrag ihrer Projekte", 16, may_be_absent=True),
        ),
        single_row=True,
    ),
    Sheet(
        "Kommunen",
        "tblKommunen",
        "Die Kreiskommunen (Städte, Gemeinden und der Kreis) mit ihrer Dienststellenleitung, in der Reihenfolge der Berichte.",
        (
            _c("Kommune", "key", Type.TEXT, True, hint="Kurzname, wie er in Tabellen erscheint, z. B. Musterdorf", width=20),
            _c("Amtlicher Name", "name", Type.TEXT, True, hint="z. B. Gemeinde Musterdorf am See", width=32),
            _c("Art", "art", Type.CHOICE, True, KOMMUNE_ARTEN, "Stadt, Gemeinde oder Kreis", 11),
            _c("Region", "region", Type.CHOICE, True, REGIONEN, "Süd-, Mittel-, Nordkreis, Sonderstatusstadt oder Kreis", 16),
            _c("Amtsbezeichnung", "amt", Type.CHOICE, True, AMTSBEZEICHNUNGEN, "Amt der Dienststellenleitung; »/in«, wenn unbekannt", 20),
            _c("Dienststellenleitung", "leitung", Type.TEXT, hint="Vor- und Nachname; leer lassen, wenn unbekannt (dann wird das Amt angeschrieben)", width=24),
            _c("Sitz", "sitz", Type.TEXT, True, hint="Ort für die Unterschriftszeile, z. B. Musterdorf am See", width=22),
            _c("Gremium", "gremium", Type.CHOICE, True, GREMIEN, "Vertretungskörperschaft, die den Bericht erhält", 26),
            _c("Einwohner", "einwohner", Type.INT, hint="Einwohnerzahl (entscheidet z. B. über Pflichten nach dem HinSchG)", width=12),
            _c("E-Mail", "email", Type.EMAIL, hint="Adresse, an die »make versand« den E-Mail-Entwurf richtet, z. B. poststelle@musterdorf.de; leer: kein Entwurf", width=30, may_be_absent=True),
        ),
        unique=(("key",), ("name",)),
    ),
    Sheet(
        "Projekte",
        "tblProjekte",
        "Alle IKZ-Projekte seit 2013, auch abgeschlossene und solche ohne Kooperation. Umsetzungs- und Pilotprojekte nennen ihr Prüfprojekt als übergeordnetes Projekt.",
        (
            _c("Projekt-ID", "id", Type.ID, True, hint="kurze, eindeutige Kennung, z. B. FEUERWEHR; wird Teil der Dateinamen", width=16),
            _c("Titel", "titel", Type.TEXT, True, hint="vollständiger Projekttitel", width=40),
            _c("Kurztitel", "kurztitel", Type.TEXT, hint="kurzer Titel für Tabellenköpfe, z. B. Hitzeaktionsplanung", width=24),
            _c("Art", "art", Type.CHOICE, True, PROJEKT_ARTEN, "Art des Projekts", 18),
            _c("Status", "status", Type.CHOICE, True, PROJEKT_STATUS, "aktueller Stand", 18),
            _c("Übergeordnetes Projekt", "parent", Type.PROJEKT, hint="bei Umsetzungs- und Pilotprojekten: die Projekt-ID des Prüfprojekts", width=18),
            _c("Start", "start", Type.DATE, hint="Beginn (Datum der Auftragserteilung)", width=12),
            _c("Ende", "ende", Type.DATE, hint="Abschluss (leer, solange das Projekt läuft)", width=12),
            _c("Im Jahresbericht", "aktuell", Type.BOOL, True, ("ja", "nein"), "»ja«: erscheint im Berichtsjahr in der Beteiligungstabelle und in Abschnitt 1.1", 12),
            _c("Zusatz in Listen", "zusatz", Type.TEXT, hint="Ergänzung in Projektlisten, z. B. (4 europaweite Vergabeverfahren für den Zeitraum 2016 - 2026)", width=40),
            _c("Einsparung", "einsparung", Type.TEXT, hint="erzielte Einsparung, z. B. rd. 15 % im Vergleich zur Einzelbeschaffung", width=30),
        ),
        unique=(("id",),),
    ),
    Sheet(
        "Projekttexte",
        "tblProjekttexte",
        "Die Texte eines Projekts, je Textart eine Zeile. Sie erscheinen im Projektauftrag, in den Berichten der Projektgruppe und im Jahresbericht.",
        (
            _c("Projekt-ID", "projekt", Type.PROJEKT, True, hint="Projekt aus dem Blatt »Projekte«", width=16),
            _c("Textart", "art", Type.CHOICE, True, tuple(PROJEKT_TEXTARTEN), "welcher Text das ist", 20),
            _c("Text", "text", Type.LONGTEXT, True, hint="Absätze mit Alt+Enter; »- « am Zeilenanfang für Aufzählungen; **fett**", width=90),
        ),
        unique=(("projekt", "art"),),
    ),
    Sheet(
        "Beteiligung",
        "tblBeteiligung",
        "Eine Zeile je Projekt und Kommune: ob und wie die Kommune beteiligt ist. Für Umsetzungs- und Pilotprojekte eigene Zeilen.",
        (
            _c("Projekt-ID", "projekt", Type.PROJEKT, True, hint="Projekt aus dem Blatt »Projekte«", width=16),
            _c("Kommune", "kommune", Type.KOMMUNE, True, hint="Kommune aus dem Blatt »Kommunen«", width=20),
            _c("Beteiligung", "status", Type.CHOICE, True, BETEILIGUNG_STATUS, "»keine Aufgabenzuständigkeit«: die Kommune hat diese Aufgabe nicht (z. B. HinSchG unter 10.000 Einwohnern)", 24),
            _c("Rolle", "rolle", Type.CHOICE, False, ROLLEN, "PL = Projektleitung, PG = Projektgruppe; leer = ohne Vertretung in der Projektgruppe", 8),
            _c("Lenkungsgruppe", "lkg", Type.BOOL, False, ("ja", "nein"), "»ja«, wenn die Kommune über die Lenkungsgruppe vertreten ist (LKG)", 14),
            _c("Vertreten durch", "vertreter", Type.TEXT, hint="wen die Kommune in die Projektgruppe entsendet (Name, Funktion)", width=30),
            _c("Unterzeichnet am", "unterzeichnet", Type.DATE, hint="Datum, an dem die Dienststellenleitung den Projektauftrag unterschrieben hat", width=14),
        ),
        unique=(("projekt", "kommune"),),
    ),
    Sheet(
        "Arbeitsabschnitte",
        "tblArbeitsabschnitte",
        "Geplante und tatsächliche Termine des standardisierten Projektablaufs (I, 1–4, II, 5–7, III) je Projekt.",
        (
            _c("Projekt-ID", "projekt", Type.PROJEKT, True, hint="Projekt aus dem Blatt »Projekte«", width=16),
            _c("Abschnitt", "abschnitt", Type.CHOICE, True, tuple(ARBEITSABSCHNITTE), "I, 1, 2, 3, 4, II, 5, 6, 7 oder III", 10),
            _c("Geplant bis", "geplant", Type.DATE, hint="geplanter Abschluss", width=14),
            _c("Erledigt am", "erledigt", Type.DATE, hint="tatsächlicher Abschluss", width=14),
            _c("Bemerkung", "bemerkung", Type.TEXT, hint="optional", width=40),
        ),
        unique=(("projekt", "abschnitt"),),
    ),
    Sheet(
        "Projektberichte",
        "tblProjektberichte",
        "Zwischen- und Schlussberichte der Projektgruppen. Eine Zeile erzeugt das entsprechende Dokument; die Texte stehen im Blatt »Projekttexte«.",
        (
            _c("Projekt-ID", "projekt", Type.PROJEKT, True, hint="Projekt aus dem Blatt »Projekte«", width=16),
            _c("Berichtsart", "art", Type.CHOICE, True, BERICHTSARTEN, "Zwischenbericht oder Schlussbericht", 18),
            _c("Datum", "datum", Type.DATE, hint="Datum des Berichts (leer, wenn unbekannt)", width=14),
            _c("Votum", "votum", Type.CHOICE, False, VOTEN, "Fazit der Projektgruppe: ob IKZ empfohlen wird", 20),
        ),
        unique=(("projekt", "art"),),
    ),
    Sheet(
        "Fördermittel",
        "tblFoerdermittel",
        "Beantragte und bewilligte Fördermittel für IKZ-Maßnahmen.",
        (
            _c("Projekt-ID", "projekt", Type.PROJEKT, hint="zugehöriges Projekt (optional)", width=16),
            _c("Zweck", "zweck", Type.TEXT, True, hint="wofür, z. B. Schaffung der Interkommunalen Informationssicherheitsstelle", width=40),
            _c("Fördergeber", "geber", Type.TEXT, True, hint="z. B. Land Hessen", width=16),
            _c("Betrag (Euro)", "betrag", Type.DECIMAL, True, hint="Betrag in Euro, ohne Cent", width=14),
            _c("Jahr", "jahr", Type.YEAR, True, hint="Jahr des Antrags bzw. der Bewilligung", width=8),
            _c("Status", "status", Type.CHOICE, True, FOERDER_STATUS, "beantragt, bewilligt oder Verwendungsnachweis geführt", 26),
            _c("Erläuterung", "text", Type.LONGTEXT, hint="Text für den Jahresbericht", width=60),
            _c("Datum", "datum", Type.DATE, hint="Datum des Antrags, Bescheids bzw. Verwendungsnachweises; der "
               "Jahresbericht nennt nur Einträge im Berichtszeitraum", width=12, may_be_absent=True),
        ),
    ),
    Sheet(
        "Lenkungsgruppe",
        "tblLenkungsgruppe",
        "Mitglieder der IKZ-Lenkungsgruppe im Berichtszeitraum.",
        (
            _c("Funktion", "funktion", Type.TEXT, True, hint="z. B. Ober-/Bürgermeister als Vertreter von Süd-, Mittel- und Nordkreis sowie der Sonderstatusstadt", width=44),
            _c("Name", "name", Type.TEXT, True, hint="Vor- und Nachname", width=22),
            _c("Kommune", "kommune", Type.KOMMUNE, True, hint="Kommune aus dem Blatt »Kommunen«", width=20),
            _c("Zusatz", "zusatz", Type.TEXT, hint="z. B. c/o", width=10),
        ),
    ),
    Sheet(
        "Fortbildungen",
        "tblFortbildungen",
        "Fortbildungen zum Projektmanagement für Beschäftigte der Kreiskommunen.",
        (
            _c("Thema", "thema", Type.TEXT, True, hint="z. B. Grundlagen des Projektmanagements", width=34),
            _c("Format", "format", Type.TEXT, hint="z. B. zweitägiges Inhouse-Seminar", width=26),
            _c("Teilnehmende", "teilnehmende", Type.INT, True, hint="Zahl der Teilnehmer/innen insgesamt", width=12),
            _c("Kommunen", "kommunen", Type.INT, True, hint="aus wie vielen Kommunen", width=10),
            _c("Seit", "seit", Type.YEAR, hint="Jahr der ersten Fortbildung", width=8),
        ),
    ),
    Sheet(
        "Arbeitsgruppen",
        "tblArbeitsgruppen",
        "Dauerhafte IKZ-Arbeitsgruppen.",
        (
            _c("Name", "name", Type.TEXT, True, hint="z. B. Arbeitsgruppe IKZ-interessierter Amtsleitungen", width=34),
            _c("Seit", "seit", Type.YEAR, hint="Gründungsjahr", width=8),
            _c("Turnus", "turnus", Type.TEXT, hint="z. B. vierteljährlich", width=18),
            _c("Beschreibung", "text", Type.LONGTEXT, True, hint="Zusammensetzung und Aufgaben", width=70),
        ),
    ),
    Sheet(
        "Initiativen",
        "tblInitiativen",
        "Örtliche IKZ-Initiativen neben dem kreisweiten Prozess.",
        (
            _c("Bezeichnung", "name", Type.TEXT, True, hint="z. B. Drei gewinnt", width=24),
            _c("Beteiligte", "beteiligte", Type.TEXT, True, hint="beteiligte Kommunen, durch Komma getrennt", width=34),
            _c("Seit", "seit", Type.YEAR, hint="Jahr des Beginns", width=8),
            _c("Beschreibung", "text", Type.LONGTEXT, True, hint="Text für den Jahresbericht", width=70),
        ),
    ),
    Sheet(
        "Presse",
        "tblPresse",
        "Presse- und Medienberichte, Vorträge und Veröffentlichungen über den IKZ-Prozess im Berichtszeitraum.",
        (
            _c("Datum", "datum", Type.DATE, hint="Erscheinungsdatum", width=12),
            _c("Medium", "medium", Type.TEXT, True, hint="z. B. Musterländer Tageblatt", width=30),
            _c("Art", "art", Type.CHOICE, True, PRESSE_ARTEN, "Art der Veröffentlichung", 18),
            _c("Titel", "titel", Type.TEXT, True, hint="Überschrift des Beitrags", width=40),
            _c("Beschreibung", "text", Type.LONGTEXT, hint="kurze Zusammenfassung", width=60),
            _c("Link", "link", Type.URL, hint="Internetadresse (optional)", width=30),
        ),
    ),
    Sheet(
        "Berichtstexte",
        "tblBerichtstexte",
        "Texte des Jahresberichts, die zu keinem einzelnen Projekt gehören, je Abschnitt eine Zeile.",
        (
            _c("Abschnitt", "abschnitt", Type.CHOICE, True, tuple(BERICHT_ABSCHNITTE), "Abschnitt des Jahresberichts", 24),
            _c("Text", "text", Type.LONGTEXT, True, hint="Absätze mit Alt+Enter; »- « am Zeilenanfang für Aufzählungen; **fett**", width=100),
        ),
        unique=(("abschnitt",),),
    ),
)

SIGNATURES_SHEET = "Beteiligung"
"""The sheet in which a column per signed kind records signatures given (»Unterzeichnet am«)."""


def column(sheet_name: str, field_name: str) -> Column:
    """A column as this module defines it (before the kinds add theirs)."""
    return next(s for s in SHEETS if s.name == sheet_name).column(field_name)


_signature_columns: tuple[Column, ...] = ()
"""The columns the signed document kinds record signatures in (set by `pipeline.kinds` when it loads)."""


def add_signature_columns(columns: tuple[Column, ...]) -> None:
    """Called by the registry of document kinds (`pipeline.kinds`) with its signed kinds' columns."""
    global _signature_columns
    _signature_columns = tuple(columns)


def sheets() -> tuple[Sheet, ...]:
    """Every sheet of the workbook: `SHEETS`, and in »Beteiligung« the column each signed document kind
    records its signatures in (`kinds.SigningRule.column`) where this module does not define it already.
    The modules that read or write workbooks import `pipeline.kinds`, which registers them."""
    return _with_columns(_signature_columns)


@functools.lru_cache(maxsize=8)
def _with_columns(columns: tuple[Column, ...]) -> tuple[Sheet, ...]:
    result = []
    for s in SHEETS:
        if s.name == SIGNATURES_SHEET:
            known = {c.field for c in s.columns}
            s = dataclasses.replace(s, columns=s.columns + tuple(c for c in columns if c.field not in known))
        result.append(s)
    return tuple(result)


def sheet(name: str) -> Sheet:
    """The sheet definition with this German name (with the kinds' signature columns)."""
    for s in sheets():
        if s.name == name:
            return s
    raise KeyError(name)
