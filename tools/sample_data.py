"""Real sample data: the 12th annual IKZ-Zwischenbericht of the Kreis Groß-Gerau.

Source: ``../shared/seeds/000_a1c22248095b7f05.txt`` (the text of the report,
Stand Oktober 2025) and ``../shared/README.md`` (how the participation table
resolves). ``make sample`` turns this module into ``inputs/ikz-2025.xlsx``.

``SAMPLE`` maps the German sheet names of :data:`pipeline.schema.SHEETS` to
rows; every row is a dict keyed by the column's ``field`` name. Long texts use
the convention of :mod:`pipeline.markup`: one line per paragraph, ``- `` for
bullets (two leading spaces: second level), ``**bold**``.

Nothing here is invented: where the report gives no value (Einwohner, names of
most Dienststellenleitungen, most project dates) the cell stays empty. The few
places where the report had to be interpreted are marked with a comment.
The one exception are the Kommunen's e-mail addresses (for ``make versand``):
invented, under the reserved domain ``.example``, so no draft can reach anyone.
"""

from __future__ import annotations

import datetime as dt

from pipeline.naming import slug

D = dt.date

# --- Bericht -----------------------------------------------------------------

BERICHT = [
    {
        "nummer": 12,
        "von": D(2024, 11, 1),
        "bis": D(2025, 10, 31),
        "stand": D(2025, 10, 31),
        "herausgeber": "IKZ-Lenkungsgruppe im Kreis Groß-Gerau",
        "ansprechpartner": "Marion Götz",
        "dienststelle": "c/o Stadt Raunheim",
        "stelle": "Stabsstelle Interkommunale Zusammenarbeit",
        "email": "m.goetz@raunheim.de",
        "telefon": "06142 / 402-216",
        "website": "https://ikz.imkreisgg.de",
        "ziel_projekte": 5,
        "mappen_auftraege": "nur offene",
    }
]

# --- Kommunen ----------------------------------------------------------------
# Order of the participation table. Dienststellenleitung only where the report
# names the person (members of the Lenkungsgruppe); Einwohner not in the report.


def _kommune(key, name, art, region, sitz, amt="Bürgermeister/in", leitung=None):
    """One row of »Kommunen«; the e-mail address is an invented example (see module docstring),
    none for Trebur, so the sample shows a Kommune without address."""
    gremium = {
        "Gemeinde": "Gemeindevertretung",
        "Stadt": "Stadtverordnetenversammlung",
        "Kreis": "Kreistag",
    }[art]
    return {
        "key": key,
        "name": name,
        "art": art,
        "region": region,
        "amt": amt,
        "leitung": leitung,
        "sitz": sitz,
        "gremium": gremium,
        "einwohner": None,
        "email": None if key == "Trebur" else f"poststelle@{slug(key).lower()}.example",
    }


KOMMUNEN = [
    _kommune("Biebesheim", "Gemeinde Biebesheim am Rhein", "Gemeinde", "Südkreis", "Biebesheim am Rhein"),
    _kommune("Bischofsheim", "Gemeinde Bischofsheim", "Gemeinde", "Nordkreis", "Bischofsheim"),
    _kommune("Büttelborn", "Gemeinde Büttelborn", "Gemeinde", "Mittelkreis", "Büttelborn",
             "Bürgermeister", "Marcus Merkel"),
    _kommune("Gernsheim", "Stadt Gernsheim", "Stadt", "Südkreis", "Gernsheim",
             "Bürgermeister", "Peter Burger"),
    # Ginsheim-Gustavsburg has been a Stadt since 2013.
    _kommune("Ginsheim-Gustavsburg", "Stadt Ginsheim-Gustavsburg", "Stadt", "Nordkreis", "Ginsheim-Gustavsburg"),
    _kommune("Groß-Gerau", "Stadt Groß-Gerau", "Stadt", "Mittelkreis", "Groß-Gerau"),
    _kommune("Kelsterbach", "Stadt Kelsterbach", "Stadt", "Nordkreis", "Kelsterbach"),
    _kommune("Mörfelden-Walldorf", "Stadt Mörfelden-Walldorf", "Stadt", "Nordkreis", "Mörfelden-Walldorf",
             "Bürgermeister", "Karsten Groß"),
    _kommune("Nauheim", "Gemeinde Nauheim", "Gemeinde", "Mittelkreis", "Nauheim"),
    _kommune("Raunheim", "Stadt Raunheim", "Stadt", "Nordkreis", "Raunheim"),
    _kommune("Riedstadt", "Stadt Riedstadt", "Stadt", "Südkreis", "Riedstadt"),
    _kommune("Rüsselsheim", "Stadt Rüsselsheim am Main", "Stadt", "Sonderstatusstadt", "Rüsselsheim am Main",
             "Oberbürgermeister", "Patrick Burghardt"),
    _kommune("Stockstadt", "Gemeinde Stockstadt am Rhein", "Gemeinde", "Südkreis", "Stockstadt am Rhein"),
    _kommune("Trebur", "Gemeinde Trebur", "Gemeinde", "Mittelkreis", "Trebur"),
    _kommune("Kreis Groß-Gerau", "Kreis Groß-Gerau", "Kreis", "Kreis", "Groß-Gerau",
             "Landrat", "Thomas Will"),
]

KOMMUNE_KEYS = [k["key"] for k in KOMMUNEN]

# --- Projekte ----------------------------------------------------------------


def _projekt(id, titel, art, status, *, kurztitel=None, parent=None, start=None, ende=None,
             aktuell=False, zusatz=None, einsparung=None):
    return {
        "id": id,
        "titel": titel,
        "kurztitel": kurztitel,
        "art": art,
        "status": status,
        "parent": parent,
        "start": start,
        "ende": ende,
        "aktuell": aktuell,
        "zusatz": zusatz,
        "einsparung": einsparung,
    }


ENDE_IM_ZEITRAUM = D(2025, 10, 31)
"""The last day of the reporting period: the date of what the report says happened in it, without a day."""

PROJEKTE = [
    # -- projects of the participation table 2025, in its column order; the
    #    follow-up projects directly after their Prüfprojekt. `zusatz` holds the
    #    parenthetical of the report's project lists (section 1) verbatim.
    # The report lists it as completed »im Berichtszeitraum (November 2024 – Oktober 2025)« without a
    # day: dated at the end of the period, so that the list is derived from the date (and next
    # year's report does not list it again).
    _projekt(
        "FEUERWEHR", "Beschaffung von Feuerwehrbedarf, Organisation der Instandhaltung",
        "Prüfprojekt", "abgeschlossen",
        kurztitel="Beschaffung Feuerwehrbedarf, Organisation Instandhaltung",
        ende=ENDE_IM_ZEITRAUM, aktuell=True,  # started "im Herbst 2021": season only, no date
        zusatz="(15 Kreiskommunen)",
        einsparung="rd. 15 % im Vergleich zur Einzelbeschaffung",
    ),
    # The Prüfprojekt (2023, 8 Kreiskommunen) ended in the reporting period with
    # recommendations; it is not in the report's list of completed projects
    # because its pilot goes on.
    # The report lists it as completed »im Berichtszeitraum (November 2024 – Oktober 2025)« without a
    # day: dated at the end of the period, so that the list is derived from the date (and next
    # year's report does not list it again).
    _projekt(
        "REINIGUNG", "Organisation der Reinigung kommunaler Liegenschaften",
        "Prüfprojekt", "abgeschlossen",
        kurztitel="Reinigung kommunaler Liegenschaften",
        ende=ENDE_IM_ZEITRAUM, aktuell=True,
    ),
    _projekt(
        "REINIGUNG-PILOT", "Reinigung kommunaler Liegenschaften – Pilotprojekt IKZ-Umsetzung",
        "Pilotprojekt", "laufend",
        kurztitel="Pilotprojekt IKZ-Umsetzung",
        parent="REINIGUNG",
        aktuell=True,  # started 2025, no month given
        zusatz="(Umsetzungs(pilot)projekt mit 4 Kreiskommunen)",
    ),
    # The report lists it as completed »im Berichtszeitraum (November 2024 – Oktober 2025)« without a
    # day: dated at the end of the period, so that the list is derived from the date (and next
    # year's report does not list it again).
    _projekt(
        "HINSCHG", "Umsetzung des Hinweisgeberschutzgesetzes",
        "Prüfprojekt", "abgeschlossen",
        kurztitel="Umsetzung Hinweisgeberschutzgesetz",
        start=D(2023, 9, 1),  # "im September 2023"
        ende=ENDE_IM_ZEITRAUM, aktuell=True,
        zusatz="(13 Kreiskommunen)",
    ),
    # The report lists it as completed »im Berichtszeitraum (November 2024 – Oktober 2025)« without a
    # day: dated at the end of the period, so that the list is derived from the date (and next
    # year's report does not list it again).
    _projekt(
        "SMART-REGION", "Smart Cities / Smart Region",
        "Prüfprojekt", "abgeschlossen",
        kurztitel="Smart Cities / Smart Region",
        ende=ENDE_IM_ZEITRAUM, aktuell=True,  # started "im Herbst 2023"
        zusatz="(14 Kreiskommunen)",
    ),
    _projekt(
        "KI-SYSTEME", "KI-Systeme",
        "Umsetzungsprojekt", "geplant",
        kurztitel="Umsetzungsprojekt KI-Systeme",
        parent="SMART-REGION",
        aktuell=True,  # "startet nach dem Ende des vorliegenden Berichtszeitraums"
    ),
    # The report lists it as completed »im Berichtszeitraum (November 2024 – Oktober 2025)« without a
    # day: dated at the end of the period, so that the list is derived from the date (and next
    # year's report does not list it again).
    _projekt(
        "HITZE", "Hitzeaktionsplanung",
        "Prüfprojekt", "abgeschlossen",
        kurztitel="Hitzeaktionsplanung",
        ende=ENDE_IM_ZEITRAUM, aktuell=True,  # started 2024
        zusatz="(14 Kreiskommunen)",
    ),
    _projekt(
        "ARCHIV", "Archivwesen",
        "Prüfprojekt", "laufend",
        kurztitel="Archivwesen",
        start=D(2025, 7, 1),  # "im Juli 2025"
        aktuell=True,
        zusatz="(12 Kreiskommunen)",
    ),
    # The report lists it as completed »im Berichtszeitraum (November 2024 – Oktober 2025)« without a
    # day: dated at the end of the period, so that the list is derived from the date (and next
    # year's report does not list it again).
    _projekt(
        "ELEKTRO-2025", "Prüfung ortsveränderlicher elektrischer Anlagen",
        "Vergabeverfahren", "abgeschlossen",
        kurztitel="Prüfung elektrischer Anlagen (Vergabeverfahren)",
        ende=ENDE_IM_ZEITRAUM, aktuell=True,
        zusatz="(11 Kreiskommunen, 7 kommunale Unternehmen - europaweites Vergabeverfahren "
               "für den Zeitraum 1.9.2025 – 31.8.2027)",
    ),
    # -- successfully implemented since 2013 (before the reporting period);
    #    kurztitel = the tile names of the IKZ website.
    _projekt("BESCHAFFUNG", "Beschaffungswesen", "Prüfprojekt", "abgeschlossen",
             kurztitel="Beschaffungswesen", zusatz="(Basis-Projekt)"),
    _projekt("STROM-GAS", "Strom- und Gaseinkauf", "Vergabeverfahren", "abgeschlossen",
             kurztitel="Strom- und Gaseinkauf",
             zusatz="(4 europaweite Vergabeverfahren für den Zeitraum 2016 - 2026)"),
    _projekt("ELEKTRO", "Prüfung elektrischer Anlagen", "Vergabeverfahren", "abgeschlossen",
             kurztitel="Prüfung elektrischer Anlagen",
             zusatz="(3 europaweite Vergabeverfahren für ortsveränderliche Anlagen für den Zeitraum "
                    "2017 – 2024, 2 europaweite Vergabeverfahren für ortsfeste Anlagen für den "
                    "Zeitraum 2017 – 2026)"),
    _projekt("VERGABEZENTRUM", "Gründung des Kommunalen Vergabezentrums", "Prüfprojekt", "abgeschlossen",
             kurztitel="Vergabezentrum"),
    _projekt("E-GOVERNMENT", "E-Government", "Prüfprojekt", "abgeschlossen",
             kurztitel="E-Government"),  # "im Jahr 2018 abgeschlossen" (year only)
    # The report writes "Klärschlammensorgung" (typo): corrected.
    _projekt("KLAERSCHLAMM", "Klärschlammentsorgung", "Vergabeverfahren", "abgeschlossen",
             kurztitel="Klärschlammentsorgung",
             zusatz="(2 europaweite Vergabeverfahren für den Zeitraum 2019 – 2028)"),
    _projekt("E-MOBILITAET", "Ausbau der Elektromobilität", "Prüfprojekt", "abgeschlossen",
             kurztitel="E-Mobilität"),
    _projekt("E-RECHNUNG", "Einführung der E-Rechnung / Elektronischer Rechnungsworkflow",
             "Prüfprojekt", "abgeschlossen",
             kurztitel="E-Rechnung / Elektronischer Rechnungsworkflow",
             start=D(2018, 3, 1)),  # Projektauftrag „E-Rechnungsworkflow/E-Rechnung“ (März 2018)
    _projekt("PROSTSCHG", "Umsetzung des Prostituiertenschutzgesetzes", "Prüfprojekt", "abgeschlossen",
             kurztitel="Umsetzung ProstSchG"),
    _projekt("LANDSCHAFTSPFLEGE", "Gründung eines Landschaftspflegeverbands", "Prüfprojekt", "abgeschlossen",
             kurztitel="Landschaftspflege"),
    _projekt("E-AKTE", "Einführung der e-Akte / eines Dokumentenmanagementsystems",
             "Prüfprojekt", "abgeschlossen", kurztitel="Einführung e-Akte/DMS"),
    _projekt("GASTSTAETTEN", "Gründung des Verwaltungsbehördenbezirks zur Überwachung von Gaststättenrecht",
             "Prüfprojekt", "abgeschlossen", kurztitel="Überwachung Gaststättenrecht"),
    _projekt("FOERDERMITTEL", "Aufbau des interkommunalen Fördermittelmanagements",
             "Prüfprojekt", "abgeschlossen", kurztitel="Fördermittelmanagement"),
    _projekt("INFOSICHERHEIT", "Gründung der interkommunalen Informationssicherheitsstelle",
             "Prüfprojekt", "abgeschlossen", kurztitel="Informationssicherheit / IT-Sicherheit"),
    _projekt("KLIMASCHUTZ", "Schaffung einer interkommunalen Klimaschutz-Projektmanagementstelle",
             "Prüfprojekt", "abgeschlossen", kurztitel="Klimaschutz"),
    # -- Prüfprojekte without a kreisweite cooperation (so far)
    _projekt("BEZUEGE", "Bezügeabrechnung", "Prüfprojekt", "extern vergeben",
             kurztitel="Bezügeabrechnung",
             zusatz="(einige Kommunen haben die Versorgungskasse Darmstadt mit Dienstleistungen "
                    "der Bezügeabrechnung beauftragt)"),
    _projekt("STANDESAMT", "Standesamtswesen", "Prüfprojekt", "abgeschlossen ohne Kooperation",
             kurztitel="Standesamtswesen",
             zusatz="(hier bestehen einzelne lokale Formen der Zusammenarbeit)"),
    _projekt("STREUSALZ", "Streusalzmanagement", "Prüfprojekt", "abgeschlossen ohne Kooperation",
             kurztitel="Streusalzmanagement",
             zusatz="(IKZ erfolgt durch gemeinsamen Einkauf des Streusalzes bei nächstfälliger Bestellung)"),
    _projekt("WOHNRAUM", "Aktivierung von Wohnraumpotenzial", "Prüfprojekt", "abgeschlossen ohne Kooperation",
             kurztitel="Aktivierung von Wohnraumpotenzial"),
    _projekt("KITA", "Modularer Kita-Bau", "Prüfprojekt", "abgeschlossen ohne Kooperation",
             kurztitel="Modulare Kita-Bauweise",
             zusatz="(aufgrund der örtlichen Gegebenheiten – u.a. Zuschnitte der verfügbaren Grundstücke "
                    "und unterschiedliche örtliche Bedarfe – ist kein gemeinsamer Kita-Bau in modularer "
                    "Bauweise in den projektbeteiligten Kommunen zustande gekommen)"),
]

# --- Beteiligung ---------------------------------------------------------------
# The participation table 2025 (Stand 31.10.2025), resolved as described in
# shared/README.md. Cell codes: "PL"/"PG" = beteiligt with that role,
# "X" = beteiligt without representation in the Projektgruppe, "-" = nicht
# beteiligt, "0" = keine Aufgabenzuständigkeit; a trailing "+" = LKG (Raunheim).
# Follow-up projects (REINIGUNG-PILOT, KI-SYSTEME) carry no role of their own,
# except the Kreis in KI-SYSTEME ("X X (PL) (PG)" in the report).

_TABELLE = {
    #                      FEUERWEHR REINIGUNG PILOT HINSCHG SMART KI  HITZE ARCHIV ELEKTRO
    "Biebesheim":           ("PG",   "PG",     "-",  "0",    "-",  "-", "PG", "PG",  "X"),
    "Bischofsheim":         ("PG",   "-",      "-",  "PG",   "PG", "X", "PG", "-",   "X"),
    "Büttelborn":           ("PG",   "-",      "-",  "PG",   "PG", "X", "PL", "PG",  "X"),
    "Gernsheim":            ("PG",   "PG",     "X",  "PG",   "PG", "X", "PG", "PG",  "X"),
    "Ginsheim-Gustavsburg": ("PG",   "-",      "-",  "PG",   "PG", "X", "PG", "PG",  "X"),
    "Groß-Gerau":           ("PG",   "-",      "-",  "PG",   "PG", "X", "PG", "PG",  "X"),
    "Kelsterbach":          ("PG",   "-",      "-",  "PG",   "PG", "-", "-",  "-",   "-"),
    "Mörfelden-Walldorf":   ("PG",   "-",      "X",  "PL",   "PG", "X", "PG", "PG",  "X"),
    "Nauheim":              ("PG",   "PG",     "-",  "PG",   "PG", "X", "PG", "PG",  "X"),
    "Raunheim":             ("PG+",  "PG+",    "-",  "PG+",  "PG+", "X", "PG+", "PG+", "-"),
    "Riedstadt":            ("PL",   "PG",     "X",  "PG",   "PG", "X", "PG", "PG",  "X"),
    "Rüsselsheim":          ("PG",   "-",      "-",  "PL",   "PL", "X", "PG", "PL",  "-"),
    "Stockstadt":           ("X",    "X",      "-",  "0",    "PG", "-", "X",  "-",   "-"),
    "Trebur":               ("PG",   "X",      "-",  "X",    "PG", "X", "PG", "X",   "X"),
    "Kreis Groß-Gerau":     ("PL",   "PL",     "X",  "PG",   "PL", "PG", "PL", "PG", "X"),
}
_TABELLE_PROJEKTE = ("FEUERWEHR", "REINIGUNG", "REINIGUNG-PILOT", "HINSCHG", "SMART-REGION",
                     "KI-SYSTEME", "HITZE", "ARCHIV", "ELEKTRO-2025")

# Expected column sums (SUMME row of the report).
SUMMEN = {"FEUERWEHR": 15, "REINIGUNG": 8, "REINIGUNG-PILOT": 4, "HINSCHG": 13, "SMART-REGION": 14,
          "KI-SYSTEME": 12, "HITZE": 14, "ARCHIV": 12, "ELEKTRO-2025": 11}


def _beteiligung(projekt, kommune, code):
    lkg = code.endswith("+")
    code = code.rstrip("+")
    if code == "-":
        status, rolle = "nicht beteiligt", None
    elif code == "0":
        status, rolle = "keine Aufgabenzuständigkeit", None
    else:
        status, rolle = "beteiligt", (None if code == "X" else code)
    return {
        "projekt": projekt,
        "kommune": kommune,
        "status": status,
        "rolle": rolle,
        "lkg": lkg,
        "vertreter": None,
        "unterzeichnet": None,
    }


BETEILIGUNG = [
    _beteiligung(pid, kommune, _TABELLE[kommune][i])
    for i, pid in enumerate(_TABELLE_PROJEKTE)
    for kommune in KOMMUNE_KEYS
]

# Older projects: only where the report's numbers can be attributed to named
# Kommunen. Informationssicherheitsstelle: "13 Kreiskommunen" (report body) =
# all but Kelsterbach and Trebur (Groß-Gerauer Echo 15.2.2025);
# Klimaschutz-Projektmanagementstelle: "13 Städte und Gemeinden und der Kreis"
# = all but Trebur (same article). Roles in these projects are not known.
for _pid, _ohne in (("INFOSICHERHEIT", {"Kelsterbach", "Trebur"}), ("KLIMASCHUTZ", {"Trebur"})):
    BETEILIGUNG.extend(_beteiligung(_pid, k, "-" if k in _ohne else "X") for k in KOMMUNE_KEYS)

# --- Projekttexte ----------------------------------------------------------------
# Abschnitt 1.1 a)–f) of the report, split by Textart; in the order Ausgangslage,
# Ziele, Sachstand, Vorteile, Ausblick the texts give back the report's section.
# Projektgegenstand (for the Projektauftrag) is derived from the report's text.

_T = {}

_T["FEUERWEHR"] = {
    "Ausgangslage": (
        "Die interkommunale Beschaffung von Feuerwehrbedarf und die gemeinsame Organisation der Instandhaltung "
        "von Feuerwehrgerät bietet vielfältige Vorteile. Hierzu gehört u.a. die **Einsparung von "
        "Verwaltungsaufwand** in den Kommunen und bei den Feuerwehren sowie das **Erzielen günstigerer Preise** "
        "aufgrund höherer Beschaffungsmengen. Eine zentrale Durchführung der aufwendigen und rechtlich komplexen "
        "Vergabeverfahren von einer Stelle für alle beteiligten Kommunen trägt zudem zur **Beschleunigung der "
        "Verfahren** bei und erhöht die **Rechtssicherheit**. 13 der 14 Städte und Gemeinden des Kreises "
        "Groß-Gerau und der Kreis Groß-Gerau haben daher zur Prüfung und Nutzung der Möglichkeiten einer "
        "Zusammenarbeit im Herbst 2021 das IKZ-Projekt „Gemeinsame Beschaffung von Feuerwehrbedarf und "
        "Organisation der Instandhaltung“ gestartet; die 14. Kommune hat sich 2024 angeschlossen.\n"
        "Unter „**Feuerwehrbedarf**“ werden alle für die Aufgabenwahrnehmung der Feuerwehr erforderlichen "
        "Ausrüstungs- und Ausstattungsgegenstände verstanden. Ein Beschaffungsverfahren umfasst den gesamten "
        "Prozess der Beschaffung von der Bedarfserhebung über die Abstimmung des Leistungsverzeichnisses und die "
        "Durchführung des Vergabeverfahrens bis zur Auslieferung der Güter und Dienstleistungen an die "
        "Auftraggeber. Die Organisation der Instandhaltung hat die Prüfung, Wartung und Pflege der "
        "feuerwehrtechnischen Ausrüstung zum Gegenstand."
    ),
    "Projektgegenstand": (
        "Gemeinsame Beschaffung von Feuerwehrbedarf und Organisation der Instandhaltung.\n"
        "Unter „**Feuerwehrbedarf**“ werden alle für die Aufgabenwahrnehmung der Feuerwehr erforderlichen "
        "Ausrüstungs- und Ausstattungsgegenstände verstanden. Ein Beschaffungsverfahren umfasst den gesamten "
        "Prozess der Beschaffung von der Bedarfserhebung über die Abstimmung des Leistungsverzeichnisses und die "
        "Durchführung des Vergabeverfahrens bis zur Auslieferung der Güter und Dienstleistungen an die "
        "Auftraggeber. Die Organisation der Instandhaltung hat die Prüfung, Wartung und Pflege der "
        "feuerwehrtechnischen Ausrüstung zum Gegenstand."
    ),
    "Sachstand": (
        "Nach einer gemeinsamen Bestandsaufnahme der Ausgangssituation und der Beschaffungsbedarfe der nächsten "
        "fünf Jahre in den projektbeteiligten Kommunen wurde als prioritäres Handlungsfeld die Beschaffung von "
        "**Schläuchen** und **Notstromaggregaten mit Anhängern** erkannt. Für beide Beschaffungsgüter wurden "
        "nachfolgend gemeinsam die Leistungsverzeichnisse erarbeitet und mit Unterstützung des Kommunalen "
        "Vergabezentrums im Kreis Groß-Gerau interkommunale Beschaffungsverfahren durchgeführt. Sieben Kommunen "
        "haben so 2023 350 Druckschläuche gemeinsam beschafft – eine ausreichende Menge, um 14 Löschfahrzeuge "
        "mit Schläuchen zu versorgen -, und sechs Städte und Gemeinden haben 2024 neun fahrbare "
        "Notstromaggregate gemeinsam eingekauft. In beiden Verfahren konnten Kosteneinsparungen in Höhe von "
        "rd. 15 % im Vergleich zur Einzelbeschaffung erreicht werden. Für die Beschaffung von "
        "Notstromaggregaten hatten sich zuvor 2023 bereits mehrere Kreiskommunen einem zeitgleich laufenden "
        "kreisweiten IKZ-Projekt „Beschaffung von Feuerwehrbedarf“ im Wetteraukreis angeschlossen. Diese "
        "**landkreisübergreifende interkommunale Kooperation** war zusätzlich mit Einsparungen an "
        "Verwaltungsaufwand und mit positiven Ergebnissen bei den Beschaffungspreisen für die teilnehmenden "
        "Kommunen verbunden.\n"
        "Mit Blick auf die Vorteile der Zusammenarbeit hat sich auch eine Gemeinde des benachbarten Kreises "
        "Bergstraße dem IKZ-Projekt im Kreis Groß-Gerau angeschlossen.\n"
        "Auch die früher eigenständig stattfindende **Prüfung elektrischer Anlagen der Feuerwehren** wurde im "
        "Jahr 2023 mit der Prüfung der elektrischen Anlagen der Rathäuser zusammengeführt und wird seitdem "
        "zentral von den Rathäusern aus mitorganisiert. Auch dies trägt zur Einsparung von nicht unerheblichem "
        "Aufwand der Feuerwehren bei.\n"
        "Im Jahr 2024 befasste sich die interkommunale Projektgruppe zudem mit den Beschaffungsbedarfen für "
        "**Hebekissen** und **Sprungpolster**. Weiterhin wurde zur Optimierung der **Wartung und Instandhaltung "
        "der tragbaren Feuerlöscher** eine Arbeitsgruppe gegründet und eine Bedarfserhebung vorgenommen. Auch "
        "die gemeinsame Beschaffung von **Feuerwehrkleidung** der Einsatzabteilungen und der Kinder- und "
        "Jugendfeuerwehren ist im Rahmen des IKZ-Projekts geprüft worden. Hierfür wurde eine interne Hausmesse "
        "mit diversen Herstellern organisiert, in der die Kommunen auch ihnen bislang unbekannte Hersteller "
        "kennenlernen konnten. Auf den Erkenntnissen aus dem Projekt kann bei künftigen Beschaffungen aufgebaut "
        "werden."
    ),
    "Ausblick": (
        "Die enge Zusammenarbeit der 15 Kreiskommunen im Rahmen des IKZ-Projekts hat zum Abschluss des Projekts "
        "die **feste Etablierung künftig vierteljährlicher Treffen der Brandschutzsachbearbeiter** zur Folge "
        "gehabt. Ziel der Treffen ist, auch künftig gemeinsame Beschaffungsbedarfe der Feuerwehren frühzeitig "
        "zu erkennen und Vergabeverfahren effizient und kostensparend gemeinsam durchzuführen."
    ),
}

_T["REINIGUNG"] = {
    "Ausgangslage": (
        "Die Städte und Gemeinden des Kreises Groß-Gerau und der Kreis Groß-Gerau organisieren die Reinigung "
        "ihrer Liegenschaften in unterschiedlicher Form: mit eigenem Personal, durch die Beauftragung externer "
        "Dienstleister oder in einer Mischform (externe Dienstleistung und Einsatz eigener Kräfte). Den "
        "Anforderungen der Arbeitgeberverantwortung (Personalrekrutierung, Personalführung und Gewährleistung "
        "der Ausfallsicherheit) und tarifbedingt oftmals höheren Kosten der Eigenreinigung stehen bei der "
        "externen Beauftragung oft Qualitätsmängel der Reinigung gegenüber, wenn die kalkulierten "
        "Reinigungszeiten zu kurz bemessen sind oder keine ausreichenden Qualitätskontrollen stattfinden, sowie "
        "Folgeprobleme bei der Sanktionierung von Schlechtleistungen (Aufwand des kommunalen Auftraggebers für "
        "Kontrolle und Zahlungsminderung).\n"
        "Vor diesem Hintergrund haben 7 Städte und Gemeinden des Kreises Groß-Gerau und der Kreis Groß-Gerau "
        "im Jahr 2023 das interkommunale Projekt „Reinigung kommunaler Liegenschaften“ gestartet."
    ),
    "Operatives Ziel": (
        "**Ziel des Projektes** war die Prüfung, ob eine interkommunale Aufgabenwahrnehmung zu einer "
        "Optimierung der Reinigung kommunaler Liegenschaften im Hinblick auf\n"
        "- Leistungsqualität,\n"
        "- Wirtschaftlichkeit und\n"
        "- Mitarbeiter/innen-Orientierung\n"
        "beitragen kann."
    ),
    "Projektgegenstand": (
        "Prüfung, ob eine interkommunale Aufgabenwahrnehmung zu einer Optimierung der Reinigung kommunaler "
        "Liegenschaften (Eigenreinigung, Beauftragung externer Dienstleister oder Mischform) im Hinblick auf "
        "Leistungsqualität, Wirtschaftlichkeit und Mitarbeiter/innen-Orientierung beitragen kann: "
        "Bestandsaufnahme der Organisation der Reinigung und der zu reinigenden Flächen, Analyse der "
        "Handlungsbedarfe und Untersuchung der möglichen Vorteile einer künftigen Zusammenarbeit."
    ),
    "Sachstand": (
        "Im Rahmen des Projekts hat zunächst eine **Bestandsaufnahme** der aktuellen Organisation der Reinigung "
        "in den beteiligten Kommunen und in der Kreisverwaltung sowie der zu reinigenden Flächen "
        "stattgefunden. Nach einer Analyse der bestehenden Handlungsbedarfe wurden anschließend die möglichen "
        "Vorteile einer künftigen Zusammenarbeit untersucht."
    ),
    "Vorteile": (
        "Als **Vorteile einer interkommunalen, d.h. gemeinsamen Organisation des Aufgabenfelds** wurden u.a. "
        "festgestellt: die Möglichkeit der Ressourcenbündelung (Organisation und Personal), eine höhere "
        "Ausfallsicherheit, Skaleneffekte durch die gemeinsame Nutzung von Maschinen und Material, "
        "Expertise-Aufbau und Know-how-Bündelung, mehr Flexibilität bei der Organisation der "
        "Leistungserbringung sowie Einsparung von Personalaufwand und Kosten durch gemeinsame Beschaffung von "
        "Reinigungsmaterialien."
    ),
    "Ausblick": (
        "Darüber hinaus hat die Projektgruppe **Empfehlungen zur Optimierung des Aufgabenmanagements** z.B. "
        "durch schriftliche Handlungsanleitungen und den Ausbau des Qualitätsmanagements erarbeitet.\n"
        "Aus diesen Empfehlungen ist 2025 ein **Pilotprojekt** hervorgegangen, an dem sich die Städte "
        "Riedstadt, Gernsheim und Mörfelden-Walldorf sowie der Kreis Groß-Gerau beteiligen. Zeitlich befristet "
        "und für ausgewählte Flächen soll hier im Rahmen interkommunaler Zusammenarbeit die Eigenreinigung "
        "erprobt werden. Hierfür wurden die zu reinigenden Liegenschaften identifiziert und die "
        "Leistungsverzeichnisse gemeinsam erarbeitet. Aus Basisdaten wie der Größe und Bodenbeschaffenheit der "
        "Räume, dem vor Ort gewünschten Reinigungsturnus und den erforderlichen Reinigungszeiten für die "
        "einzelnen Räume wird aktuell der Personalbedarf abgeleitet.\n"
        "Weitere Informationen folgen im nächsten IKZ-Jahresbericht."
    ),
}

_T["REINIGUNG-PILOT"] = {
    "Projektgegenstand": (
        "Zeitlich befristete Erprobung der Eigenreinigung für ausgewählte Flächen im Rahmen interkommunaler "
        "Zusammenarbeit, hervorgegangen aus den Empfehlungen der Projektgruppe „Reinigung kommunaler "
        "Liegenschaften“:\n"
        "- Identifikation der zu reinigenden Liegenschaften\n"
        "- gemeinsame Erarbeitung der Leistungsverzeichnisse\n"
        "- Ableitung des Personalbedarfs aus Basisdaten wie der Größe und Bodenbeschaffenheit der Räume, dem "
        "vor Ort gewünschten Reinigungsturnus und den erforderlichen Reinigungszeiten für die einzelnen Räume"
    ),
}

_T["HINSCHG"] = {
    "Ausgangslage": (
        "Am 2.7.2023 ist das Gesetz für einen besseren Schutz hinweisgebender Personen sowie zur Umsetzung der "
        "Richtlinie zum Schutz von Personen, die Verstöße gegen das Unionsrecht melden "
        "(**Hinweisgeberschutzgesetz** – HinSchG) in Kraft getreten. Gemäß § 12 des Gesetzes haben "
        "Beschäftigungsgeber dafür zu sorgen, dass bei ihnen mindestens eine Stelle für interne Meldungen "
        "eingerichtet ist und betrieben wird, an die sich Beschäftigte wenden können (interne Meldestellen). "
        "Für Gemeinden und Gemeindeverbände und solche Beschäftigungsgeber, die im Eigentum oder unter der "
        "Kontrolle von Gemeinden und Gemeindeverbänden stehen, gilt die Pflicht zur Einrichtung und zum "
        "Betrieb interner Meldestellen nach Maßgabe des jeweiligen Landesrechts. Das Unterlassen der "
        "Einrichtung einer internen Meldestelle kann mit einer Geldbuße bis zu 20.000 Euro geahndet werden.\n"
        "Zur Umsetzung des Hinweisgeberschutzgesetzes hat der Hessische Landtag das "
        "**Hinweisgebermeldestellengesetz** beschlossen, das ebenfalls am 2.7.2023 in Kraft getreten ist. "
        "Danach sind Gemeinden und Gemeindeverbände verpflichtet, interne Meldestellen einzurichten und zu "
        "betreiben, an die sich ihre Beschäftigten wenden können, um Verstöße nach § 2 des "
        "Hinweisgeberschutzgesetzes mitzuteilen. Die Verpflichtung gilt auch für kommunale und kommunal "
        "kontrollierte Unternehmen, d.h. Unternehmen, bei denen eine mehr als 50%ige Beteiligung der "
        "öffentlichen Hand vorliegt. Ausgenommen von der Verpflichtung zur Einrichtung interner Meldestellen "
        "sind Gemeinden mit weniger als 10.000 Einwohner/innen oder mit weniger als 50 Beschäftigten. Dies "
        "sind im Kreis Groß-Gerau die Gemeinden Stockstadt am Rhein und Biebesheim am Rhein.\n"
        "Gemäß § 4 des Hinweisgebermeldestellengesetzes können Gemeinden und Landkreise **interne Meldestellen "
        "gemeinsam einrichten und betreiben oder einen Dritten mit der Aufgabe einer internen Meldestelle "
        "beauftragen** (interkommunale Zusammenarbeit). Die 12 Städte und Gemeinden des Kreises Groß-Gerau, "
        "die zur Umsetzung der o.g. Regelungen verpflichtet sind, und der Kreis Groß-Gerau haben daher im "
        "September 2023 das interkommunale Projekt „Umsetzung des Hinweisgeberschutzgesetzes“ gestartet, um "
        "die für sie effizienteste und wirtschaftlichste Form der Umsetzung der o.g. Vorschriften zu "
        "realisieren."
    ),
    "Projektgegenstand": (
        "Umsetzung des Hinweisgeberschutzgesetzes und des Hessischen Hinweisgebermeldestellengesetzes in der "
        "für die beteiligten Kommunen effizientesten und wirtschaftlichsten Form: Einrichtung der internen "
        "Meldestellen und Prüfung dauerhafter Kooperationsmöglichkeiten (gemeinsame Einrichtung und "
        "gemeinsamer Betrieb interner Meldestellen oder Beauftragung eines Dritten gemäß § 4 des "
        "Hinweisgebermeldestellengesetzes)."
    ),
    "Sachstand": (
        "Nach dem Start des Projekts haben die beteiligten Kreiskommunen zunächst mit Hilfe einer einheitlichen "
        "Softwarelösung ihren erforderlichen internen Meldeweg kurzfristig eingerichtet. Ziel war es, hiermit "
        "Erfahrungen zu sammeln, um darauf aufbauend die weiteren Arbeitspakete des Projektauftrags (Prüfung "
        "dauerhafter Kooperationsmöglichkeiten) zu bearbeiten. Aufgrund der **sehr geringen Zahl an "
        "eingegangenen Meldungen** war die Sammlung weiterführender Informationen seit dem Start des Projekts "
        "bis zum Abschluss des Berichtszeitraums 2025 jedoch nicht möglich. Bei den in Kommunen des Kreises "
        "Groß-Gerau und in der Kreisverwaltung eingegangenen sehr wenigen Hinweise handelte es sich zudem "
        "nicht um einschlägige Meldungen nach dem Hinweisgeberschutzgesetz, sondern um allgemeine "
        "Auskunftsersuchen, die darüber hinaus teilweise andere Verwaltungsebenen betrafen. Auch andere Kreise "
        "und Kommunen außerhalb des Kreises Groß-Gerau haben im Rahmen einer kreisübergreifenden Fortbildung "
        "zum Hinweisgeberschutzgesetz berichtet, dass bei ihren Meldestellen nahezu keine Hinweise "
        "eingegangen sind.\n"
        "Aufgrund der sehr geringen Zahl eingegangener Meldungen und der Unmöglichkeit, hiermit praktische "
        "Erkenntnisse für die Projektumsetzung zu gewinnen, wurde das IKZ-Projekt im Frühjahr 2024 für ein "
        "halbes Jahr ausgesetzt, um den Eingang weiterer Meldungen abzuwarten. Nachdem auch seitdem keine "
        "weiteren Hinweise eingegangen sind und das Minimalziel des Projekts - die Einrichtung der internen "
        "Meldestellen – in allen 12 beteiligten Kreiskommunen erreicht ist, wurde das Projekt hiermit "
        "abgeschlossen."
    ),
}

_T["SMART-REGION"] = {
    "Ausgangslage": (
        "Digitale Lösungen haben das Potenzial, kommunale Verwaltungen und Unternehmen bei ihren Aufgaben zu "
        "unterstützen und zu mehr Nachhaltigkeit und Effizienz beizutragen. Der Begriff „Smart Cities / Smart "
        "Region“ wird nachfolgend verstanden als **offene und kooperative Regionalentwicklung mit Hilfe "
        "digitaler Lösungen**. Die Städte und Gemeinden des Kreises Groß-Gerau sind bei der Umsetzung smarter "
        "Lösungen unterschiedlich weit fortgeschritten. Während einige Kommunen bereits vielfältige digitale "
        "Lösungen umsetzen, stehen andere Kommunen noch am Anfang. Insbesondere die Problematik fehlender "
        "personeller und finanzieller Ressourcen hemmt die Kommunen, sich dieser komplexen Thematik "
        "zuzuwenden.\n"
        "Der Kreis Groß-Gerau hat im Frühjahr 2023 eine Informationsveranstaltung und gemeinsam mit "
        "Stadt.Land.Digital einen Regionenworkshop zum Thema „Smart City“ durchgeführt. Im Herbst 2023 haben "
        "sich 13 der 14 Städte und Gemeinden des Kreises Groß-Gerau und der Kreis Groß-Gerau im IKZ-Projekt "
        "„Smart Cities / Smart Region“ zusammengeschlossen, um ihre Erkenntnisse und Erfahrungen auf diesem "
        "Feld zusammenzuführen, die bevorstehenden Herausforderungen in den Kommunen aufzuzeigen und die "
        "Möglichkeiten ihrer Bewältigung in interkommunaler Zusammenarbeit zu prüfen."
    ),
    "Strategisches Ziel": (
        "Schaffung eines inklusiven, nachhaltigen, wettbewerbsfähigen und gemeinwohlorientierten Lebensraums "
        "Kreis Groß-Gerau durch die aktive Nutzung digitaler Potenziale"
    ),
    "Operatives Ziel": (
        "Identifikation digitaler Lösungen (und deren Vernetzung), die sowohl die Kommunen bei ihren Aufgaben "
        "unterstützen als auch für die Bürger/innen des Kreises Groß-Gerau von Nutzen sind, sowie Prüfung "
        "ihrer Finanzierbarkeit und Umsetzbarkeit in interkommunaler Kooperation"
    ),
    "Projektgegenstand": (
        "Smart Cities / Smart Region, verstanden als offene und kooperative Regionalentwicklung mit Hilfe "
        "digitaler Lösungen: Zusammenführung der Erkenntnisse und Erfahrungen der Kommunen auf diesem Feld, "
        "Aufzeigen der bevorstehenden Herausforderungen und Prüfung der Möglichkeiten ihrer Bewältigung in "
        "interkommunaler Zusammenarbeit, einschließlich der technischen und sonstigen Voraussetzungen, der "
        "Förderstrukturen des Bundes und des Landes und der Einbindung privatwirtschaftlicher Partner."
    ),
    "Sachstand": (
        "Das Projekt startete mit einer vergleichenden Gegenüberstellung der aktuellen Gegebenheiten auf dem "
        "Handlungsfeld „Smart City“ in den projektbeteiligten Kommunen (bereits realisierte und in Planung "
        "befindliche smarte Lösungen vor Ort, örtliche Bedarfslagen, kurz- und mittelfristige Zielsetzungen "
        "und politische Beschlüsse u.a.). Darüber hinaus befasste sich die Projektgruppe mit den technischen "
        "und sonstigen Voraussetzungen für die Realisierung smarter Lösungen, den Förderstrukturen des Bundes "
        "und des Landes sowie der Möglichkeit der Einbindung privatwirtschaftlicher Partner in die "
        "Realisierung von Smart-City-Lösungen."
    ),
    "Vorteile": (
        "Folgende **Vorteile einer interkommunalen Zusammenarbeit** hat die Projektgruppe insbesondere "
        "erkannt:\n"
        "- gemeinsame Projektkoordination und dadurch Entlastung jeder einzelnen Kommune\n"
        "- Bündelung von Personal und Fachwissen, Vermeidung von Splitter-Ressourcen\n"
        "- gemeinsame Akquise von Fördermitteln, bessere Voraussetzungen für eine Förderung, Erhöhung der "
        "Fördermittelsummen\n"
        "- gemeinsame Finanzierung von Maßnahmen\n"
        "- günstigere Preise externer Leistungen durch höhere Auftrags- und Ausschreibungsvolumina\n"
        "- zentrales Wissensmanagement, Sicherung des Wissens zum Thema kreisweit\n"
        "- höhere Reichweite durch Möglichkeit der koordinierten Zusammenarbeit mit Akteurinnen und Akteuren "
        "aller Verwaltungsebenen, Zivilgesellschaft, Forschung und Wirtschaft\n"
        "- gemeinschaftliche Strukturierung und Unterstützung der politischen Diskussion"
    ),
    "Ausblick": (
        "Zum Abschluss des Projekts wurde durch die Dienststellenleitungen der projektbeteiligten Kommunen "
        "entschieden, **welche Anwendungsfälle smarter Lösungen („Use-Cases“)** im Kreis Groß-Gerau mit erster "
        "Priorität verfolgt und **in einem anschließenden IKZ-Umsetzungsprojekt realisiert werden sollen**. "
        "Denn für jeden Use-Case müssen detaillierte Konzeptionen erarbeitet, ggfs. externe Partner gewonnen "
        "und Fragen der Fördermittelakquise und der Kostendeckung geklärt werden. Folgende prioritäre "
        "Handlungsfelder wurden daraufhin festgelegt:\n"
        "- **KI-Systeme für externe Anfragen (Bürger-KI)**\n"
        "- **KI-System zur Unterstützung interner Prozesse der Verwaltungen**\n"
        "Das hieraus resultierende IKZ-Umsetzungsprojekt „KI-Systeme“ startet nach dem Ende des vorliegenden "
        "Berichtszeitraums. 11 Städte und Gemeinden und der Kreis Groß-Gerau haben ihr Teilnahmeinteresse "
        "erklärt.\n"
        "Weitere Informationen folgen im nächsten IKZ-Jahresbericht."
    ),
}

_T["KI-SYSTEME"] = {
    "Projektgegenstand": (
        "Realisierung der Anwendungsfälle smarter Lösungen („Use-Cases“), die die Dienststellenleitungen zum "
        "Abschluss des IKZ-Projekts „Smart Cities / Smart Region“ mit erster Priorität festgelegt haben:\n"
        "- **KI-Systeme für externe Anfragen (Bürger-KI)**\n"
        "- **KI-System zur Unterstützung interner Prozesse der Verwaltungen**\n"
        "Für jeden Use-Case müssen detaillierte Konzeptionen erarbeitet, ggfs. externe Partner gewonnen und "
        "Fragen der Fördermittelakquise und der Kostendeckung geklärt werden."
    ),
}

_T["HITZE"] = {
    "Ausgangslage": (
        "Der Klimawandel und die fortschreitende Erderwärmung ist mit weitreichenden Folgen für die "
        "menschliche Gesundheit verbunden. Dies erfordert eine systematische Auseinandersetzung mit den "
        "gesundheitlichen Auswirkungen von extremer Hitze und Hitzewellen für den Menschen und deren Folgen "
        "für die Gesellschaft. Hitzeaktionspläne sind wichtige Instrumente zur Verringerung und Prävention der "
        "negativen gesundheitlichen Auswirkungen. Der Hessische Hitzeaktionsplan ist eine zentrale Maßnahme "
        "des integrierten Klimaschutzplans Hessen 2025 und leistet einen Beitrag zur Klimaanpassung im "
        "Gesundheitsbereich. Darin wird die **Erstellung kommunaler Hitzeaktionspläne bis zum Jahr 2025** als "
        "erforderlich angesehen.\n"
        "Ein Hitzeaktionsplan ist ein strategischer Plan, der Maßnahmen zusammenfasst, um auf hitzebedingte "
        "Gesundheitsrisiken zu reagieren und diese zu verringern. In die Erstellung eines Hitzeaktionsplans "
        "ist ein breites Spektrum behördlicher und nichtbehördlicher kommunaler Akteurinnen und Akteure "
        "einzubinden, um die Koordination und Zusammenarbeit vor, während und nach einer Hitzewelle zu "
        "verbessern. 13 der 14 Städte und Gemeinden des Kreises Groß-Gerau und der Kreis Groß-Gerau haben sich "
        "vor diesem Hintergrund 2024 im IKZ-Projekt „Hitzeaktionsplanung“ zusammengeschlossen, um die "
        "Möglichkeiten zur gemeinsamen Bewältigung dieser Aufgabe zu prüfen und zu nutzen."
    ),
    "Strategisches Ziel": (
        "Mit dem Hitzeaktionsplan wird für jede beteiligte Kreiskommune ein Instrument geschaffen, das "
        "geeignet ist,\n"
        "- die negativen Folgen des Klimawandels für die Gesundheit und das Wohlbefinden der Bürgerinnen und "
        "Bürger zu mindern,\n"
        "- die Menschen zu sensibilisieren, über Handlungsmöglichkeiten zu informieren und sie zu befähigen, "
        "sich selbst an die Klimaveränderung anzupassen,\n"
        "- die gesundheitliche Chancengleichheit durch gezielte Maßnahmen der Hitzeanpassung, insbesondere für "
        "besonders gefährdete Menschen/vulnerable Gruppen, zu verbessern."
    ),
    "Operatives Ziel": (
        "Die projektbeteiligten Kommunen sollen durch das Projekt in den Stand versetzt werden,\n"
        "- anhand der kreisweiten Klimaanalyse ihre Ist-Situation und örtlichen Handlungsbedarfe abzuleiten,\n"
        "- eine Kommunikationskaskade aufzubauen, die bei Bedarf Informationen zur Hitzebelastung innerhalb "
        "der Stadt/Gemeinde bzw. des Kreises verbreitet,\n"
        "- passende kurz- und mittelfristige Maßnahmen zum Bevölkerungsschutz (insbesondere der vulnerablen "
        "Gruppen) auszuwählen, vorzubereiten und bei Bedarf umzusetzen,\n"
        "- ihr örtliches Konzept für langfristige Maßnahmen in der Stadtentwicklung/-planung und im Bauwesen "
        "mit dem Ziel der Erhöhung der Hitze-Resilienz und der Hitzereduktion in den Gebäuden zu entwickeln,\n"
        "- ihre individuellen Maßnahmen zu dokumentieren."
    ),
    "Projektgegenstand": (
        "Gemeinsame Erarbeitung kommunaler Hitzeaktionspläne für die projektbeteiligten Kreiskommunen. Ein "
        "Hitzeaktionsplan ist ein strategischer Plan, der Maßnahmen zusammenfasst, um auf hitzebedingte "
        "Gesundheitsrisiken zu reagieren und diese zu verringern; in seine Erstellung ist ein breites Spektrum "
        "behördlicher und nichtbehördlicher kommunaler Akteurinnen und Akteure einzubinden."
    ),
    "Sachstand": (
        "Nach dem Start des Projekts hat zunächst eine **Bestandsaufnahme** zu den Voraussetzungen für die "
        "Erstellung der örtlichen Hitzeaktionspläne in den projektbeteiligten Kommunen stattgefunden (u.a. "
        "Vorliegen politischer Beschlüsse und Anfragen, Organisation der Aufgabenwahrnehmung in den "
        "Verwaltungen, bereits umgesetzte örtliche Maßnahmen und Herausforderungen). Darüber hinaus wurde eine "
        "Befragung an den Arbeitsplätzen der Kreiskommunen zum Schutz der Gesundheit vor den negativen Folgen "
        "von Hitze durchgeführt.\n"
        "Nach Auswertung der Ergebnisse hat die Projektgruppe eine einheitliche Struktur und Textbausteine "
        "eines **Hitzeaktionsplans** erarbeitet, die als Blaupause für die Hitzeaktionspläne in allen Städten "
        "und Gemeinden Verwendung finden können. Auch eine „**Tool-Box“ mit 30 Maßnahmen zur Hitzeanpassung "
        "und zum Gesundheitsschutz** wurde entwickelt, die die Kommunen für ihre örtlichen Hitzeaktionspläne "
        "nutzen können. Der von der Projektgruppe vorgelegte Hitzeaktionsplan enthält\n"
        "- einen allgemeinen Teil mit Informationen für die Gesamtheit der Kommunen und Regelungen in der "
        "Zuständigkeit des Kreises sowie\n"
        "- individuelle Regelungen für die einzelnen am Projekt beteiligten Kommunen, die mit diesen gemeinsam "
        "erarbeitet wurden; die Umsetzung dieser Maßnahmen erfolgt durch die Kommunen vor Ort im Rahmen ihrer "
        "örtlichen Planungsprozesse und Gegebenheiten."
    ),
    "Ausblick": (
        "Der Hitzeaktionsplan wird im 1. Halbjahr 2026 den kommunalen Gremien der projektbeteiligten Kommunen "
        "zur Beschlussfassung vorgelegt.\n"
        "Gemäß der Empfehlung der Projektgruppe wird die interkommunale Zusammenarbeit auf dem Gebiet der "
        "Hitzeaktionsplanung künftig in Form einer **Arbeitsgruppe der Rathäuser und des Kreishauses** "
        "fortgesetzt. Die Arbeitsgruppe trifft sich künftig halbjährlich, um den Hitzeaktionsplan bei Bedarf "
        "fortzuschreiben und die Umsetzung einzelner Maßnahmen zu besprechen. Die Koordination der "
        "Arbeitsgruppe erfolgt durch die seitherige Projektleitung bzw. das Kreisgesundheitsamt."
    ),
}

_T["ARCHIV"] = {
    "Ausgangslage": (
        "Gemäß § 18 des Hessischen Archivgesetzes (HArchivG) muss jede Kommune ein eigenes oder gemeinschaftlich "
        "getragenes Archiv betreiben. Die Träger der kommunalen Selbstverwaltung haben die Archivierung ihrer "
        "Unterlagen in eigener Zuständigkeit nach Maßgabe des Archivgesetzes durch Satzung zu regeln. Dies soll "
        "u.a. gewährleisten, dass das öffentliche Archivgut vor Beschädigung, Verlust, Vernichtung und "
        "Zersplitterung geschützt wird, die authentischen Überlieferung der Geschichte des Landes Hessen und "
        "seiner Kommunen gesichert und das kulturelle Erbe bewahrt wird.\n"
        "Die Erfüllung dieser kommunalen Pflichtaufgabe ist abhängig von personellen, räumlichen, "
        "kapazitativen, sachlichen und wirtschaftlichen Voraussetzungen. Im Hinblick auf diese besteht **in "
        "vielen Kommunen Handlungsbedarf**. Vor diesem Hintergrund haben 11 Städte und Gemeinden und der Kreis "
        "Groß-Gerau im Juli 2025 das IKZ-Projekt „Archivwesen“ gestartet."
    ),
    "Strategisches Ziel": (
        "Projektziel ist es, die projektbeteiligten Kommunen zu unterstützen, die Pflichtaufgabe "
        "„Archivwesen“ bestmöglich qualifiziert, wirtschaftlich, effizient und kundenorientiert zu erfüllen."
    ),
    "Projektgegenstand": (
        "Prüfung der Möglichkeiten interkommunaler Zusammenarbeit bei der kommunalen Pflichtaufgabe "
        "„Archivwesen“ (§ 18 HArchivG):\n"
        "- Bestandsaufnahme der aktuellen Organisation des Archivwesens in den beteiligten Kommunen\n"
        "- Auswertung von Best-Practice-Beispielen einer interkommunalen Aufgabenorganisation\n"
        "- Recherche möglicher Fördermittelquellen für das kommunale Archivwesen\n"
        "- Prüfung der Vorteilhaftigkeit einer Kooperation im Archivwesen und Fazit mit Begründung\n"
        "- soweit eine Kooperation empfohlen wird: Vorschlag zur Umsetzung (u.a. Organisationsform, "
        "erforderliche Personal- und Sachmittelausstattung)"
    ),
    "Sachstand": (
        "Nach dem Start des Projekts hat zunächst in Zusammenarbeit mit der Archivberatung des Hessischen "
        "Landesarchivs eine **Bestandsaufnahme** der aktuellen Organisation des Archivwesens in den beteiligten "
        "Kommunen stattgefunden (Ressourcen in den Rathäusern und im Kreishaus für die Aufgabenerfüllung, "
        "organisatorische Verankerung, vorhandene Konzeptionen, örtliche Handlungsbedarfe usw.)."
    ),
    "Ausblick": (
        "Im weiteren Projektverlauf sind u.a. folgende Aufgabenstellungen zu bearbeiten:\n"
        "- Auswertung von Best-Practice-Beispielen einer interkommunalen Aufgabenorganisation\n"
        "- Recherche möglicher Fördermittelquellen für das kommunale Archivwesen\n"
        "- Prüfung der Vorteilhaftigkeit einer Kooperation der projektbeteiligten Kommunen im Archivwesen und "
        "Fazit, ob gemeinsame Aufgabenwahrnehmung empfohlen wird / nicht empfohlen wird sowie Darstellung der "
        "Gründe für die Empfehlung\n"
        "- soweit eine interkommunale Kooperation empfohlen wird: Vorschlag zur Umsetzung (u.a. "
        "Organisationsform, erforderliche Personal- und Sachmittelausstattung etc.)\n"
        "Weitere Informationen folgen im nächsten IKZ-Jahresbericht."
    ),
}

_T["ELEKTRO-2025"] = {
    "Projektgegenstand": (
        "Gemeinsames europaweites Vergabeverfahren für die Prüfung ortsveränderlicher elektrischer Anlagen der "
        "beteiligten Kreiskommunen und kommunalen Unternehmen für den Zeitraum 1.9.2025 – 31.8.2027."
    ),
}

# Order of the Textarten as in pipeline.schema.PROJEKT_TEXTARTEN.
_TEXTART_ORDER = ("Ausgangslage", "Strategisches Ziel", "Operatives Ziel", "Projektgegenstand", "Sachstand",
                  "Ist-Analyse", "Vorteile", "Begründung", "Beschlussvorschlag", "Soll-Konzeption",
                  "Ergebnis", "Ausblick")

PROJEKTTEXTE = [
    {"projekt": pid, "art": art, "text": texts[art]}
    for pid, texts in _T.items()
    for art in _TEXTART_ORDER
    if art in texts
]

# --- Arbeitsabschnitte -----------------------------------------------------------
# ARCHIV started in July 2025 (Abschnitt I); the later dates are a plan for the
# Regeldauer of about one year, not reported dates.

ARBEITSABSCHNITTE = [
    {"projekt": "ARCHIV", "abschnitt": "I", "geplant": None, "erledigt": D(2025, 7, 1),
     "bemerkung": "Projektstart im Juli 2025"},
    {"projekt": "ARCHIV", "abschnitt": "1", "geplant": D(2025, 8, 31), "erledigt": None, "bemerkung": "Planung"},
    {"projekt": "ARCHIV", "abschnitt": "2", "geplant": D(2025, 10, 31), "erledigt": None,
     "bemerkung": "Planung; Bestandsaufnahme mit der Archivberatung des Hessischen Landesarchivs "
                  "laut Jahresbericht erfolgt (Stand Oktober 2025)"},
    {"projekt": "ARCHIV", "abschnitt": "3", "geplant": D(2026, 1, 31), "erledigt": None, "bemerkung": "Planung"},
    {"projekt": "ARCHIV", "abschnitt": "4", "geplant": D(2026, 2, 28), "erledigt": None, "bemerkung": "Planung"},
    {"projekt": "ARCHIV", "abschnitt": "II", "geplant": D(2026, 3, 31), "erledigt": None, "bemerkung": "Planung"},
    {"projekt": "ARCHIV", "abschnitt": "5", "geplant": D(2026, 5, 31), "erledigt": None, "bemerkung": "Planung"},
    {"projekt": "ARCHIV", "abschnitt": "6", "geplant": D(2026, 5, 31), "erledigt": None, "bemerkung": "Planung"},
    {"projekt": "ARCHIV", "abschnitt": "7", "geplant": D(2026, 6, 30), "erledigt": None,
     "bemerkung": "Planung (laufend während des Projekts)"},
    {"projekt": "ARCHIV", "abschnitt": "III", "geplant": D(2026, 6, 30), "erledigt": None, "bemerkung": "Planung"},
    {"projekt": "REINIGUNG-PILOT", "abschnitt": "I", "geplant": None, "erledigt": None,
     "bemerkung": "2025 aus den Empfehlungen der Projektgruppe hervorgegangen (genaues Datum nicht im Bericht)"},
    {"projekt": "KI-SYSTEME", "abschnitt": "I", "geplant": None, "erledigt": None,
     "bemerkung": "Start nach dem Ende des Berichtszeitraums (31.10.2025); 11 Städte und Gemeinden und der "
                  "Kreis Groß-Gerau haben ihr Teilnahmeinteresse erklärt"},
]

# --- Projektberichte -------------------------------------------------------------
# The report states the outcome of these Schlussberichte but not their dates:
# dated at the end of the reporting period (Stand of the annual report, by which
# they had been presented).

PROJEKTBERICHTE = [
    {"projekt": "REINIGUNG", "art": "Schlussbericht", "datum": ENDE_IM_ZEITRAUM, "votum": "teilweise empfohlen"},
    {"projekt": "SMART-REGION", "art": "Schlussbericht", "datum": ENDE_IM_ZEITRAUM, "votum": "empfohlen"},
    {"projekt": "HITZE", "art": "Schlussbericht", "datum": ENDE_IM_ZEITRAUM, "votum": "empfohlen"},
]

# --- Fördermittel ----------------------------------------------------------------

FOERDERMITTEL = [
    {
        "projekt": "INFOSICHERHEIT",
        "zweck": "Schaffung der Interkommunalen Informationssicherheitsstelle im Kreis Groß-Gerau",
        "geber": "Land Hessen",
        "betrag": 150000,
        "jahr": 2025,
        "status": "bewilligt",
        "datum": ENDE_IM_ZEITRAUM,  # granted in the reporting period; the report gives no day
        "text": (
            "13 Kreiskommunen haben sich 2024 zu dieser Kooperation zusammengeschlossen, um die umfangreichen "
            "Aufgaben der Informationssicherheit gemeinsam wirksamer und wirtschaftlicher wahrzunehmen, als dies "
            "jeder Kommune allein möglich wäre."
        ),
    },
    {
        "projekt": "PROSTSCHG",
        "zweck": "Interkommunale Zusammenarbeit bei der Umsetzung des Prostituiertenschutzgesetzes",
        "geber": "Land Hessen",
        "betrag": 100000,
        "jahr": 2021,  # "die 2021 erhaltenen Fördermittel"; Verwendungsnachweis im Berichtszeitraum
        "status": "Verwendungsnachweis geführt",
        "datum": ENDE_IM_ZEITRAUM,  # accounted for in the reporting period; the report gives no day
        "text": "Zehn Städte und Gemeinden und der Kreis Groß-Gerau sind seit 2020 an dieser Kooperation beteiligt.",
    },
    {
        "projekt": "KLIMASCHUTZ",
        "zweck": "Interkommunale Projektmanagementstelle für Klimaschutz",
        "geber": "Land Hessen",
        "betrag": 150000,
        "jahr": 2025,
        # The report says "beantragt" and, two sentences later, "erhalten".
        "status": "beantragt",
        "datum": ENDE_IM_ZEITRAUM,  # applied for in the reporting period; the report gives no day
        "text": (
            "13 Städte und Gemeinden und der Kreis Groß-Gerau haben diese Stelle im Herbst 2024 durch eine "
            "öffentlich-rechtliche Vereinbarung geschaffen, im Mai 2025 hat sie nach erfolgreicher "
            "Personalgewinnung ihre Arbeit aufgenommen."
        ),
    },
]

# --- Lenkungsgruppe --------------------------------------------------------------

_OB = "Ober-/Bürgermeister als Vertreter von Süd-, Mittel- und Nordkreis sowie der Sonderstatusstadt"

LENKUNGSGRUPPE = [
    {"funktion": _OB, "name": "Peter Burger", "kommune": "Gernsheim", "zusatz": None},
    {"funktion": _OB, "name": "Patrick Burghardt", "kommune": "Rüsselsheim", "zusatz": None},
    {"funktion": _OB, "name": "Karsten Groß", "kommune": "Mörfelden-Walldorf", "zusatz": None},
    {"funktion": _OB, "name": "Marcus Merkel", "kommune": "Büttelborn", "zusatz": None},
    {"funktion": "Landrat des Kreises Groß-Gerau", "name": "Thomas Will", "kommune": "Kreis Groß-Gerau",
     "zusatz": None},
    {"funktion": "Leitung", "name": "Marion Götz", "kommune": "Raunheim", "zusatz": "c/o"},
]

# --- Fortbildungen, Arbeitsgruppen, Initiativen ------------------------------------

FORTBILDUNGEN = [
    {"thema": "Grundlagen des Projektmanagements", "format": "zweitägiges Inhouse-Seminar",
     "teilnehmende": 52, "kommunen": 13, "seit": None},
]

ARBEITSGRUPPEN = [
    {
        "name": "Arbeitsgruppe IKZ-interessierter Amtsleitungen",
        "seit": 2013,
        "turnus": "ca. vierteljährlich und nach Bedarf",
        "text": (
            "Zur kontinuierlichen Begleitung des kreisweiten IKZ-Prozesses auf der „Arbeitsebene“ sowie als "
            "Plattform für einen regelmäßigen Wissensaustausch zwischen den Verwaltungen wurde 2013 mit dem "
            "Start des IKZ-Prozesses die „**Arbeitsgruppe IKZ-interessierter Amtsleitungen**“ eingerichtet. Diese "
            "besteht aus je 1 – 2 Mitarbeiter/innen der Stadt- und Gemeindeverwaltungen sowie der "
            "Kreisverwaltung Groß-Gerau, die von ihren Dienststellenleitungen entsandt werden. In der Regel sind "
            "dies die Hauptamtsleitungen und/oder die IKZ-Beauftragten der Kommunen.\n"
            "Die Organisation und Koordination der Arbeitsgruppe und ihre Verzahnung mit den Arbeitsinhalten der "
            "IKZ-Lenkungsgruppe sowie dem IKZ-Geschehen insgesamt erfolgt durch die Leiterin der "
            "IKZ-Lenkungsgruppe. Die „Arbeitsgruppe IKZ“ trifft sich in ca. vierteljährlichem Turnus und nach "
            "Bedarf. Regelhafter Bestandteil der Sitzungen sind **aktuelle Informationen über die laufenden "
            "IKZ-Projekte** und sonstige **IKZ-relevante Entwicklungen**, der Austausch über örtlich bestehende "
            "Unterstützungswünsche und -bedarfe sowie die Einbringung interessierender Fragen und Themen der "
            "Verwaltungsorganisation und –steuerung zur gemeinsamen Bearbeitung."
        ),
    },
    {
        "name": "E-Government-Stammgruppe",
        "seit": 2018,
        "turnus": None,
        "text": (
            "Ein kontinuierlicher Austausch über wesentliche Entwicklungen und die Organisation von "
            "Zusammenarbeit auf dem Gebiet der Verwaltungsdigitalisierung erfolgt seit 2018 zudem in der "
            "**E-Government-Stammgruppe**. Diese ist aus dem im Jahr 2018 abgeschlossenen IKZ-Projekt "
            "„E-Government“ hervorgegangen. Ihr gehören Mitarbeiter/innen aller Kreiskommunen an, die für "
            "Aufgaben der Digitalisierung zuständig sind. Aktuelle Schwerpunktthemen in der "
            "E-Government-Stammgruppe sind neben laufenden E-Government-Projekten der Kreiskommunen die "
            "Umsetzung des Online-Zugangs-Gesetzes (OZG) und die Nutzung Künstlicher Intelligenz (KI)."
        ),
    },
]

# The texts are the report's sentences, so that the intro (Berichtstexte
# "Örtliche Initiativen") followed by these texts gives back the paragraph.
# The report's last sentence covers two initiatives and is split in two (the
# second half names the two Kommunen instead of "beide Kommunen").
INITIATIVEN = [
    {
        "name": "Drei gewinnt",
        "beteiligte": "Kelsterbach, Raunheim, Rüsselsheim",
        "seit": 2013,
        "text": (
            "Beispielhaft hierfür ist die Zusammenarbeit der Städte Kelsterbach, Raunheim und Rüsselsheim unter "
            "dem Motto „Drei gewinnt“ zu nennen. Auf Basis des kreisweiten IKZ-Grundsatzbeschlusses begannen die "
            "drei Städte im Jahr 2013, in einem örtlichen IKZ-Prozess mit gleicher Arbeitsmethodik vielfältige "
            "Aufgabenfelder der Verwaltung bezüglich der Potenziale einer Zusammenarbeit in Projekten zu "
            "analysieren und anschließend Kooperationen dort, wo sie vorteilhaft waren, in die Tat umzusetzen. "
            "Ergebnis war u.a. 2015 die Einrichtung einer gemeinsamen **Friedhofsverwaltung** (landesweites "
            "Pilotprojekt), 2016 wurden die **Baubetriebshöfe** von Raunheim und Rüsselsheim in einer Anstalt "
            "öffentlichen Rechts zusammengeführt und 2017 folgte u.a. die Gründung einer "
            "**Forstbetriebsgemeinschaft**, der neben Rüsselsheim und Raunheim auch die Kreisstadt Groß-Gerau und "
            "die Gemeinde Büttelborn sowie zwischenzeitlich die Städte und Gemeinden Riedstadt, Flörsheim und "
            "Bischofsheim beigetreten sind."
        ),
    },
    {
        "name": "Datenschutz",
        "beteiligte": "Kelsterbach, Raunheim",
        "seit": 2019,
        "text": (
            "Die Städte Kelsterbach und Raunheim kooperieren zudem seit 2019 auch auf dem Gebiet des "
            "**Datenschutzes** und auf weiteren Feldern."
        ),
    },
    {
        "name": "OZG/Digitalisierung",
        "beteiligte": "Büttelborn, Nauheim, Trebur",
        "seit": 2022,
        "text": (
            "Die Gemeinden Büttelborn, Nauheim und Trebur haben 2022 eine interkommunale Zusammenarbeit im "
            "Bereich **OZG/Digitalisierung** vereinbart und eine gemeinsame Vollzeitstelle geschaffen, die die "
            "Aufgaben der Konzepterstellung, Koordinierung und Realisierung der Umsetzungsaktivitäten zur "
            "Digitalisierung für die drei Rathäuser wahrnimmt."
        ),
    },
    {
        "name": "Gemeinsamer Datenschutzbeauftragter",
        "beteiligte": "Riedstadt, Stockstadt",
        "seit": 2024,
        "text": (
            "Die Stadt Riedstadt und die Gemeinde Stockstadt am Rhein haben 2024 einen gemeinsamen "
            "**Datenschutzbeauftragten** eingestellt."
        ),
    },
    {
        "name": "Sicherheit bei Veranstaltungen",
        "beteiligte": "Riedstadt, Stockstadt, Biebesheim",
        "seit": 2025,
        "text": (
            "Seit 2025 kooperieren die Stadt Riedstadt und die Gemeinde Stockstadt am Rhein zudem mit der "
            "Gemeinde Biebesheim am Rhein in der **Sicherheit bei Veranstaltungen**."
        ),
    },
]

# --- Presse ----------------------------------------------------------------------

_IKZ = "https://ikz.imkreisgg.de"

PRESSE = [
    {
        "datum": D(2025, 2, 15),
        "medium": "Groß-Gerauer Echo",
        "art": "Tagespresse",
        "titel": "Kostensenkung durch IKZ-Projekte",
        "text": (
            "Der Kreis Groß-Gerau und die ihm angehörenden Kommunen haben zwei weitere Vorhaben erfolgreich "
            "beendet (Harald Sapper): Bericht über den 11. IKZ-Jahresbericht – Informationssicherheit, "
            "Klimaschutz, Hitzeaktionsplanung, Feuerwehrbedarf und Reinigung kommunaler Liegenschaften; dazu der "
            "Kommentar „Der IKZ-Prozess im Kreis Groß-Gerau hat Vorbildfunktion“."
        ),
        "link": None,
    },
    {
        "datum": None,
        "medium": "Groß-Gerauer Echo",
        "art": "Tagespresse",
        "titel": "Kostenreduzierung dank IKZ-Projekt",
        "text": (
            "Kommunen aus dem Kreis Groß-Gerau profitieren von gemeinsamer Beschaffung von Feuerwehrbedarf "
            "(Harald Sapper): Kosteneinsparungen von rund 15 Prozent bei Druckschläuchen und "
            "Notstromaggregaten im Vergleich zur Einzelbeschaffung."
        ),
        "link": None,
    },
    {
        "datum": None,
        "medium": "Hessische Städte- und Gemeindezeitung (HSGZ)",
        "art": "Fachzeitschrift",
        "titel": "13 Städte und Gemeinden und der Kreis Groß-Gerau kooperieren künftig im Klimaschutz "
                 "(HSGZ Nr. 1, Januar 2025 – Auszug)",
        "text": (
            "Landesweit erscheinende Zeitung des Hessischen Städte- und Gemeindebundes, Januar 2025: Bericht über "
            "die öffentlich-rechtliche Vereinbarung zur interkommunalen Projektmanagementstelle für Klimaschutz "
            "und die Vorteile der Zusammenarbeit."
        ),
        "link": _IKZ,
    },
    {
        "datum": None,
        "medium": "DEMO",
        "art": "Fachzeitschrift",
        "titel": "Kooperation für Informationssicherheit – Kommunen und Landkreise in Hessen schaffen gemeinsame "
                 "Kompetenzstellen (Oktober 2024)",
        "text": (
            "Bundesweit erscheinendes Magazin der Sozialdemokratischen Partei Deutschlands für Kommunalpolitik "
            "(SGK-Magazin, 4. Quartal 2024), Oktober 2024: Beitrag von Marion Götz über die IKZ-Projekte zur "
            "Informationssicherheit in den Kreisen Groß-Gerau und Wetterau."
        ),
        "link": _IKZ,
    },
    {
        "datum": None,
        "medium": "Der Gemeinderat",
        "art": "Fachzeitschrift",
        "titel": "Ein Pilotprojekt macht Schule (April 2022)",
        "text": (
            "Bundesweit erscheinendes „Magazin für die kommunale Praxis“, Nr. 4/2022: Bericht über das "
            "interkommunale Vergabezentrum im Kreis Groß-Gerau."
        ),
        "link": _IKZ,
    },
    {
        "datum": None,
        "medium": "Hertie School, Berlin – EU-Projekt TROPICO",
        "art": "Forschung",
        "titel": "Verwaltungswissenschaftliches Forschungsprojekt zur Zusammenarbeit in und zwischen öffentlichen "
                 "Verwaltungen (2020)",
        "text": (
            "Der kreisweite IKZ-Prozess, seine Steuerung und Arbeitsmethodik sowie die daraus resultierenden "
            "vielfältigen Ergebnisse im Kreis Groß-Gerau waren im Jahr 2020 Gegenstand eines "
            "verwaltungswissenschaftlichen **Forschungsprojekts der Hertie School, Berlin**. Im Rahmen des "
            "**EU-Projekts TROPICO** wurde die Zusammenarbeit in und zwischen öffentlichen Verwaltungen in einem "
            "europäischen Vergleich analysiert. Das TROPICO-Konsortium setzt sich aus 12 führenden Universitäten "
            "aus 10 europäischen Ländern zusammen. Das IKZ-Modell im Kreis Groß-Gerau wurde im Rahmen eines der "
            "Arbeitspakete als einziges Beispiel Deutschlands ausgewählt."
        ),
        "link": None,
    },
    {
        "datum": None,
        "medium": "6. Cybersicherheitsgipfel Hessen",
        "art": "Fachveranstaltung",
        "titel": "Informationssicherheit - ein interkommunales Projekt",
        "text": (
            "Beitrag im Forum 3 „Gemeinsam zu mehr Cybersicherheit in Hessen“: eine praxisnahe "
            "Vorgehensweise, um die hohen Anforderungen der Informationssicherheit auf kommunaler Ebene mit "
            "„Bordmitteln“ gemeinschaftlich wirksamer zu bewältigen; ein Blick „hinter die Kulissen“ des "
            "interkommunalen Projekts der Städte und Gemeinden des Kreises Groß-Gerau und des Kreises."
        ),
        "link": None,
    },
    {
        "datum": None,
        "medium": "Arbeitsgruppe „Cybersicherheit“ des Hessischen Landkreistags",
        "art": "Fachveranstaltung",
        "titel": "Arbeitsmethodik und Ergebnisse des IKZ-Prozesses im Kreis Groß-Gerau",
        "text": (
            "Auch in **Fachforen und Informationsveranstaltungen** hessischer Ministerien, der hessischen "
            "kommunalen Spitzenverbände und anderer Institutionen besteht Interesse an der Arbeitsmethodik und "
            "den Ergebnissen des IKZ-Prozesses im Kreis Groß-Gerau, so bspw. in der **Arbeitsgruppe "
            "„Cybersicherheit“ des Hessischen Landkreistags**."
        ),
        "link": None,
    },
    {
        # From the report's list of downloads, "Präsentation IKZ-Fachtagung Hess. Ministerium des Innern
        # und für Sport (27.9.2023)": a standing reference, not press of the period, so undated (a dated
        # entry is reported only in its own period).
        "datum": None,
        "medium": "IKZ-Fachtagung „Zukunftsfähige Kommunen durch Interkommunale Zusammenarbeit“ des Hessischen "
                  "Ministeriums des Innern und für Sport",
        "art": "Fachveranstaltung",
        "titel": "Ergebnisse des 10-jährigen Prozesses der interkommunalen Zusammenarbeit im Kreis Groß-Gerau",
        "text": (
            "Auf der IKZ-Fachtagung des Hessischen Innenministeriums war ein Bericht über die Ergebnisse des "
            "10-jährigen Prozesses der interkommunalen Zusammenarbeit im Kreis Groß-Gerau erbeten. Die dortige "
            "Präsentation ist auf der IKZ-Website im Bereich „Informationen“ als Download abrufbar."
        ),
        "link": _IKZ,
    },
    {
        "datum": None,
        "medium": "Kommunales Beratungszentrum Hessen beim Hessischen Ministerium des Innern und für Sport",
        "art": "Website",
        "titel": "Kolumne „Kontinuierliche kreisweite Prozesse der interkommunalen Zusammenarbeit“",
        "text": (
            "Das **Kommunale Beratungszentrum Hessen beim Hessischen Ministerium des Innern und für Sport** "
            "berichtet auf seiner landesweiten IKZ-Website über die Ergebnisse des IKZ-Prozesses im Kreis "
            "Groß-Gerau und hat darüber hinaus eine Kolumne „Kontinuierliche kreisweite Prozesse der "
            "interkommunalen Zusammenarbeit“ eingerichtet, in der hessenweit allein der Kreis Groß-Gerau "
            "vertreten ist."
        ),
        "link": None,
    },
]

# --- Berichtstexte -----------------------------------------------------------------

BERICHTSTEXTE = [
    {
        "abschnitt": "Einleitung",
        "text": (
            "Die 14 Städte und Gemeinden des Kreises Groß-Gerau und der Kreis Groß-Gerau haben sich im Jahr 2013 "
            "in einem gemeinschaftlichen Prozess auf den Weg gemacht, ihre interkommunale Zusammenarbeit (IKZ) "
            "nachhaltig auszubauen. Über die Inhalte und Ergebnisse der Projekte sowie die Arbeitsmethodik und "
            "die Steuerung des Prozesses wurden Gremien und Öffentlichkeit seitdem in regelmäßigen "
            "Zwischenberichten jährlich informiert. Die Berichte und weitere Materialien sind auf der "
            "IKZ-Website https://ikz.imkreisgg.de im Bereich „Informationen“ als Download abrufbar.\n"
            "Der vorliegende {Berichtsnummer}. Zwischenbericht enthält die wesentlichen Aktivitäten und Ergebnisse "
            "im {Berichtsnummer}. Jahr des kreisweiten IKZ-Prozesses in der Zeit von {Berichtszeitraum}. Aus Gründen der "
            "Vollständigkeit der Darstellung werden auch einige Informationen aus früheren Berichten "
            "nachfolgend – in aktualisierter und erweiterter Form – aufgenommen."
        ),
    },
    {
        "abschnitt": "Projektauswahl",
        "text": (
            "Der Start eines neuen IKZ-Projekts erfolgt stets nach Abschluss eines vorherigen Projekts. Ziel ist "
            "die jeweils **gleichzeitige Bearbeitung von fünf Aufgabenfeldern in IKZ-Projekten**. Dies "
            "gewährleistet zum einen eine hinreichende Breite der IKZ-Bewegung und damit sichtbare Fortschritte "
            "im Gesamtprozess der kreisweiten interkommunalen Zusammenarbeit. Zum anderen ermöglicht es mit den "
            "bestehenden Ressourcen die gebotene Steuerungsintensität und –qualität, um den Erfolg und die "
            "Nachhaltigkeit der Projekte und Maßnahmen zu sichern."
        ),
    },
    {
        "abschnitt": "Örtliche Initiativen",
        "text": (
            "Ein erwünschter Begleiteffekt des kreisweiten IKZ-Prozesses ist die Anregung zusätzlicher "
            "**örtlicher IKZ-Initiativen** im Kreisgebiet. So haben sich seit dem Start des IKZ-Prozesses im "
            "Jahr 2013 neben dem zentral organisierten kreisweiten IKZ-Geschehen und eingebettet in dieses "
            "teilweise umfangreiche örtliche IKZ-Aktivitäten entwickelt."
        ),
    },
    {
        # The numbered list of Arbeitsabschnitte (pipeline.schema.ARBEITSABSCHNITTE)
        # belongs after the line ending "folgende Arbeitsabschnitte:".
        "abschnitt": "Projektablauf",
        "text": (
            "Alle in Abschnitt 1.1 aufgeführten Projekte werden von Projektgruppen bearbeitet, die sich aus "
            "Mitarbeiterinnen und Mitarbeitern der beteiligten Kommunen sowie der Leiterin der "
            "IKZ-Lenkungsgruppe zusammensetzen. Soweit projektbeteiligte Kommunen kein Personal in eine "
            "Projektgruppe entsenden können oder möchten, werden deren Dienststellenleitungen durch die "
            "IKZ-Lenkungsgruppe (siehe Abschnitt 2.1) regelmäßig über den Projektverlauf informiert und in "
            "Entscheidungen über Projekt-Milestones einbezogen. Letzteres sind z.B. Entscheidungen über den "
            "Zeitrahmen des Projekts und zum weiteren Vorgehen nach der Vorlage von Zwischen- und "
            "Abschlussberichten der Projektgruppe.\n"
            "Grundlage der Projektarbeit ist jeweils ein **schriftlicher Projektauftrag**. Die Entwicklung der "
            "Projektaufträge erfolgt stets vor dem Start eines Projekts unter Federführung der Leiterin der "
            "IKZ-Lenkungsgruppe in Zusammenarbeit mit interessierten Mitarbeiter/innen der Kommunen, die in "
            "ihren Dienststellen in den jeweiligen Aufgabenfeldern eingesetzt sind. Nach Erarbeitung des "
            "Entwurfs wird der Projektauftrag von der Leiterin der IKZ-Lenkungsgruppe **mit allen "
            "Dienststellenleitungen abgestimmt**. So können die örtlich bestehenden Bedürfnisse und Erwartungen "
            "an das Projekt umfassend eingebracht werden und bestmöglich Berücksichtigung finden. Nach erfolgter "
            "Abstimmung mit allen am Projekt teilnahmeinteressierten Kreiskommunen wird der Projektauftrag von "
            "den betreffenden Dienststellenleitungen unterzeichnet und das Projekt kann beginnen.\n"
            "Nach dem Start eines Projekts erarbeitet die Projektgruppe zunächst den Entwurf des "
            "**Projektablaufplans**. Dieser wird anschließend durch die Leiterin der IKZ-Lenkungsgruppe mit den "
            "Auftraggebern (Dienststellenleitungen, die den Projektauftrag unterzeichnet haben) abgestimmt und "
            "stellt danach die verbindliche Grundlage für die weitere Projektsteuerung dar.\n"
            "Die **Regeldauer eines IKZ-Prüfprojekts** beträgt rund ein Jahr. Ziel eines Prüfprojekts ist die "
            "Klärung der grundsätzlichen Vorteilhaftigkeit interkommunaler Zusammenarbeit für eine bestimmte "
            "Aufgabe und – falls diese festgestellt wird – die Entwicklung von Handlungsvorschlägen für ihre "
            "organisatorische Umsetzung. Alle IKZ-Prüfprojekte gliedern sich in folgende Arbeitsabschnitte:\n"
            "Nach Abschluss jedes Prüfprojekts entscheiden die auftraggebenden Kommunen über die Umsetzung der "
            "von der Projektgruppe empfohlenen Maßnahmen. Die Umsetzung erfolgt nach Beauftragung durch die "
            "Dienststellenleitungen in der Regel in einem nachfolgenden **IKZ-Umsetzungsprojekt** in intensiver "
            "Zusammenarbeit mit den jeweils zuständigen Ansprechpartnern der kooperationsinteressierten "
            "Kommunen.\n"
            "Die **Entscheidung über die Themenfelder für den Start neuer IKZ-Projekte** erfolgt auf Vorschlag "
            "der IKZ-Lenkungsgruppe durch die Dienststellenleitungen der 15 Kreiskommunen. Hierfür können aus "
            "allen Rathäusern und der Kreisverwaltung jederzeit Vorschläge eingebracht werden."
        ),
    },
    {
        "abschnitt": "Lenkungsgruppe",
        "text": (
            "Zur Steuerung des kreisweiten IKZ-Prozesses mit seinem vielfältigen Projektgeschehen und sonstigen "
            "Anforderungen wurde von den Dienststellenleitungen der 15 Kreiskommunen im Jahr 2013 mit dem Start "
            "des IKZ-Prozesses die **IKZ-Lenkungsgruppe** eingerichtet. Diese nimmt seitdem folgende Aufgaben "
            "wahr:\n"
            "- **Priorisierung und Initiierung der Einzelprojekte der IKZ**\n"
            "  - als Vorschlag für und in Abstimmung mit den Dienststellenleitungen der Kreiskommunen\n"
            "- **Projektsteuerung**\n"
            "  - Vorbereitung der Projektaufträge, Abnahme von Projektberichten, Entscheidung über "
            "Projekt-Milestones\n"
            "- **Organisation von Unterstützung für IKZ-Projekte**\n"
            "  - methodisch, fachlich, ggf. Vermittlung bei Problemen oder drohendem Scheitern, soweit vor Ort "
            "Bedarf\n"
            "- **Informationsmanagement bzgl. IKZ-relevanter Entwicklungen**\n"
            "  - gegenüber der Politik und den Verwaltungen der Kommunen im Kreis Groß-Gerau\n"
            "- **Organisation von Wissensmanagement im Gesamtprozess**\n"
            "  - Nutzbarmachung der Erfahrungen aus Einzelprojekten – fachlich, methodisch, Fördermittelakquise "
            "usw. – für alle Kommunen, gemeinsames Lernen aus Erfolgen/Misserfolgen, Organisation von "
            "Fortbildungen zum Projektmanagement usw.\n"
            "- **Sonstige Lenkungsaufgaben**\n"
            "  - z.B. Festlegung von Standards und Strukturen\n"
            "- **Ansprechpartner für den Gesamtprozess**\n"
            "- **Controlling/Evaluation des Gesamtprozesses**\n"
            "Die IKZ-Lenkungsgruppe besteht aus sechs Mitgliedern, tagt in zweimonatlichem Turnus und setzt sich "
            "im Berichtszeitraum vom {Zeitraum von} – {Zeitraum bis} wie folgt zusammen:"
        ),
    },
    {
        "abschnitt": "Fortbildungen",
        "text": (
            "Erfolgreiche Projektarbeit setzt neben weiteren Rahmenbedingungen auch geschulte "
            "Verwaltungsmitarbeiter/innen voraus, die die Grundzüge des Projektmanagements kennen und in der "
            "Praxis anwenden können. Diese Qualifikation gilt es in den Verwaltungen der Kreiskommunen "
            "aufzubauen, soweit sie noch nicht vorhanden ist. Mit diesem Ziel wurden für die Beschäftigten der "
            "15 Kreiskommunen **Fortbildungen zu den Grundlagen des Projektmanagements** angeboten. Alle Seminare "
            "haben zu einem besonders günstigen Preis als zweitägiges Inhouse-Seminar stattgefunden. 52 "
            "Mitarbeiter/innen aus 13 Kommunen des Kreises Groß-Gerau haben an den Schulungen teilgenommen. Die "
            "dort erworbenen theoretischen und praktischen Kenntnisse sind sowohl für IKZ-Projekte als auch in "
            "der sonstigen Tagesarbeit in den Kommunen nutzbringend einsetzbar."
        ),
    },
    # "Arbeitsgruppen": the report's section 2.3 has no introduction of its own;
    # its whole text is in the sheet Arbeitsgruppen.
    {
        # The paragraph on Kontaktaufnahmen und Anfragen stands at the end of 2.4
        # in the report (after the press excerpts); here it comes before the
        # sentence that introduces the press items.
        "abschnitt": "Informationsmanagement",
        "text": (
            "Voraussetzung für einen erfolgreichen Ausbau der interkommunalen Zusammenarbeit ist das "
            "zielgerichtete und verzahnte Zusammenwirken aller Ebenen und Beteiligten in Verwaltung und Politik. "
            "Um dieses zu unterstützen, erfolgt durch die Leiterin der IKZ-Lenkungsgruppe seit dem Start des "
            "IKZ-Prozesses im Jahr 2013 eine **kontinuierliche und einheitliche Information aller "
            "Dienststellenleitungen** über IKZ-relevante Entwicklungen im und für das Kreisgebiet.\n"
            "Darüber hinaus ist eine **regelmäßige Information der ehrenamtlichen Mandatsträger/innen** in den "
            "Städten und Gemeinden sowie im Kreis über die wesentlichen Entwicklungen der IKZ für den Erfolg des "
            "Prozesses von zentraler Bedeutung. Sie ist auch Voraussetzung, um erforderliche Entscheidungen der "
            "politischen Gremien auf einer qualifizierten Informationsbasis treffen zu können.\n"
            "Zur Unterrichtung der politischen Gremien sowie von Presse und Öffentlichkeit über die Entwicklungen "
            "im kreisweiten IKZ-Prozess wird daher seit 2014 **jährlich ein schriftlicher IKZ-Zwischenbericht** "
            "herausgegeben. Alle Jahresberichte sind auf der kreisweiten IKZ-Website https://ikz.imkreisgg.de im "
            "Bereich „Informationen“ als Download abrufbar.\n"
            "Darüber hinaus bietet die IKZ-Lenkungsgruppe regelmäßig **Informationsveranstaltungen für "
            "ehrenamtliche Mandatsträger/innen** zum Sachstand der interkommunalen Zusammenarbeit im Kreisgebiet "
            "an. Zielgruppe dieser Veranstaltungen sind die Vorsitzenden der Vertretungskörperschaften, die "
            "Fraktionsvorsitzenden und die Dienststellenleitungen der 15 Kreiskommunen als Multiplikatoren für "
            "ihre örtlichen Gremien. Die nächste Veranstaltung ist im Jahr {Folgejahr} vorgesehen.\n"
            "Als jederzeit nutzbare aktuelle Informationsplattform steht zudem die **Website der interkommunalen "
            "Zusammenarbeit im Kreis Groß-Gerau** zur Verfügung. Unter https://ikz.imkreisgg.de können im "
            "Bereich „Informationen“ alle IKZ-Jahresberichte, Pressemitteilungen, ausgewählte Präsentationen, "
            "Beschlussvorlagen und weitere Materialien als Download abgerufen werden. Interessierten Bürgerinnen "
            "und Bürgern, Mitgliedern kommunaler Gremien, anderen Kommunen sowie IKZ-interessierten "
            "Vertreter/innen und Mitarbeiter/innen von Behörden und Institutionen ermöglicht die Website somit "
            "jederzeit, alle wesentlichen Informationen über das kreisweite IKZ-Geschehen gebündelt und „auf "
            "Knopfdruck“ verfolgen zu können. Der Bereich „Intern“ dient zudem zum Informationsaustausch "
            "innerhalb der zahlreichen IKZ-Projekt- und Arbeitsgruppen. Externen Besucherinnen und Besuchern der "
            "Website vermittelt die Ansicht „Intern“ eine bildhafte Übersicht über die seit 2013 bearbeiteten "
            "Projektfelder im kreisweiten IKZ-Prozess.\n"
            "Im Berichtszeitraum von {Berichtszeitraum} war darüber hinaus weiterhin ein reges "
            "Interesse an den IKZ-Aktivitäten im Kreis Groß-Gerau in Form von **Kontaktaufnahmen und Anfragen** "
            "von Kommunen, Kreisen, sonstigen Behörden, öffentlichen und privaten Institutionen, der Presse sowie "
            "Bürgerinnen und Bürgern zu verzeichnen.\n"
            "Die aktuelle Information von Presse und Öffentlichkeit über neue IKZ-Entwicklungen erfolgt darüber "
            "hinaus durch **Pressemitteilungen** sowie durch **projektbezogene Informationen** auf Anfrage "
            "örtlicher und überörtlicher Presseredaktionen, interessierter Organisationen und Institutionen. "
            "Exemplarisch für die Berichterstattung sind nachfolgend einzelne Beiträge aufgeführt (Download "
            "einiger Beispiele auch unter https://ikz.imkreisgg.de / Informationen / Downloads – Presse):"
        ),
    },
    {
        "abschnitt": "Weitere Aktivitäten",
        "text": (
            "Über die oben dargestellten Maßnahmen hinaus haben von Seiten der IKZ-Geschäftsstelle (= Leiterin der "
            "IKZ-Lenkungsgruppe) im Berichtszeitraum folgende weitere Aktivitäten zur Förderung der "
            "interkommunalen Zusammenarbeit stattgefunden:\n"
            "- Unterstützung kreisangehöriger und sonstiger Kommunen bei **Fragen in Zusammenhang mit örtlichen "
            "IKZ-Projekten oder sonstigen Projekten** durch Zur-Verfügung-Stellung von Information und "
            "Kommunikation\n"
            "- Unterstützung der Kreiskommunen bei der **Beantwortung von Fragen der überörtlichen "
            "Rechnungsprüfung** zum Thema „Interkommunale Zusammenarbeit“ in Bezug auf die jeweilige Kommune\n"
            "- Unterstützung kreisangehöriger und sonstiger Kommunen bei der **Beantragung von Fördermitteln für "
            "IKZ-Maßnahmen**\n"
            "- Unterstützung kreisangehöriger und sonstiger Kommunen in Verfahrensfragen bei **Anzeigen "
            "interkommunaler Kooperationen** an die Aufsichtsbehörde gemäß § 127 a HGO\n"
            "- **Unterstützung von Studierenden hessischer Hochschulen** bei Studienarbeiten und Fragen rund um "
            "das Thema „Interkommunale Zusammenarbeit“\n"
            "- **Präsentationen und Informationen** über Verlauf und Ergebnisse des kreisweiten IKZ-Prozesses und "
            "einzelner Projekte an anfragende Kommunen und Institutionen (regional und bundesweit)"
        ),
    },
    {
        "abschnitt": "Ausblick",
        "text": (
            "Nach Beendigung der aktuell laufenden Projekte werden **im Jahr {Folgejahr} weitere kreisweite "
            "IKZ-Projekte** nach Abstimmung der priorisierten Handlungsfelder in der Gemeinschaft der "
            "Kreiskommunen folgen. Dabei zeigt sich immer wieder der Vorteil der im Kreis Groß-Gerau bestehenden "
            "dauerhaften interkommunalen Arbeitsstruktur, da diese jederzeit auch ein kurzfristiges Reagieren auf "
            "kommunale Handlungsbedarfe ermöglicht. So können interkommunale Projekte notwendigenfalls binnen "
            "weniger Wochen nach Feststellung von Handlungsbedarfen gestartet werden.\n"
            "Zunehmende Bedeutung gewinnt auch der **kreisgrenzen-übergreifende Austausch** in der "
            "interkommunalen Zusammenarbeit. So sind nach dem Vorbild des Kreises Groß-Gerau zwischenzeitlich auch "
            "in anderen Teilen Hessens einige gleichartige IKZ-Projekte und –Maßnahmen zur Umsetzung gelangt. "
            "Immer wieder sind zudem Anfragen aus anderen Landkreisen und Kommunen, auch aus anderen "
            "Bundesländern, zu verzeichnen, die sich über die zentrale strukturierte Organisation des kreisweiten "
            "IKZ-Prozesses und ihre vielfältigen Ergebnisse informieren, an der Organisationsstruktur der IKZ im "
            "Kreis Groß-Gerau teilhaben und/oder an einzelnen IKZ-Projekten teilnehmen möchten. Diesen Wünschen "
            "wird auch weiterhin im möglichen Rahmen gerne entsprochen und so der Know-how-Austausch auch "
            "überregional vorangebracht."
        ),
    },
]

# --- the workbook ----------------------------------------------------------------

SAMPLE: dict[str, list[dict[str, object]]] = {
    "Bericht": BERICHT,
    "Kommunen": KOMMUNEN,
    "Projekte": PROJEKTE,
    "Projekttexte": PROJEKTTEXTE,
    "Beteiligung": BETEILIGUNG,
    "Arbeitsabschnitte": ARBEITSABSCHNITTE,
    "Projektberichte": PROJEKTBERICHTE,
    "Fördermittel": FOERDERMITTEL,
    "Lenkungsgruppe": LENKUNGSGRUPPE,
    "Fortbildungen": FORTBILDUNGEN,
    "Arbeitsgruppen": ARBEITSGRUPPEN,
    "Initiativen": INITIATIVEN,
    "Presse": PRESSE,
    "Berichtstexte": BERICHTSTEXTE,
}
