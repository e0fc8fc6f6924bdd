"""IKZData objects built in code for the document tests.

* `make_data(...)` – a synthetic Kreis of any size (1 … n projects, follow-up
  projects, roles, "keine Aufgabenzuständigkeit", texts with markup, reports);
* `data_2025()` – the 12th annual report (Stand Oktober 2025) as far as the
  documents need it, with the participation table exactly as in the seed
  (see shared/README.md for how its columns resolve).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import MappingProxyType

from pipeline.markup import parse
from pipeline.model import (
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

D = dt.date


def _texts(mapping: dict[str, str]) -> MappingProxyType:
    return MappingProxyType({k: parse(v) for k, v in mapping.items() if v})


def _bericht(**kw) -> ReportSettings:
    values = dict(
        nummer=12,
        von=D(2024, 11, 1),
        bis=D(2025, 10, 31),
        stand=D(2025, 10, 31),
        herausgeber="IKZ-Lenkungsgruppe im Kreis Groß-Gerau",
        ansprechpartner="Marion Götz",
        dienststelle="c/o Stadt Raunheim",
        stelle="Stabsstelle Interkommunale Zusammenarbeit",
        email="m.goetz@raunheim.de",
        telefon="06142 / 402-216",
        website="https://ikz.imkreisgg.de",
        ziel_projekte=5,
    )
    values.update(kw)
    return ReportSettings(**values)


# ---------------------------------------------------------------------------
# synthetic data


def make_kommunen(n: int = 15) -> tuple[Kommune, ...]:
    """n Kreiskommunen: n-1 Städte/Gemeinden and the Kreis (last)."""
    result = []
    for i in range(1, n):
        stadt = i % 3 != 0
        art = "Stadt" if stadt else "Gemeinde"
        leitung = f"Vorname{i} Nachname{i}" if i % 4 == 1 else None
        amt = "Bürgermeister" if leitung else "Bürgermeister/in"
        result.append(Kommune(
            key=f"Ort{i:02d}",
            name=f"{art} Ort{i:02d}",
            art=art,
            region=("Südkreis", "Mittelkreis", "Nordkreis")[i % 3],
            amt=amt,
            leitung=leitung,
            sitz=f"Ort{i:02d}",
            gremium="Stadtverordnetenversammlung" if stadt else "Gemeindevertretung",
            einwohner=5000 + 1000 * i,
        ))
    result.append(Kommune("Kreis", "Kreis Musterland", "Kreis", "Kreis", "Landrat/Landrätin", None,
                          "Musterstadt", "Kreistag"))
    return tuple(result)


def make_data(n_kommunen: int = 15, n_projects: int = 7, *, follow_ups: bool = True, texts: bool = True,
              titel: str | None = None, extra_text: str = "", reports: bool = True) -> IKZData:
    """A synthetic workbook: `n_projects` current projects (every third with a
    current follow-up project when `follow_ups`), one older completed
    project and one without cooperation."""
    kommunen = make_kommunen(n_kommunen)
    projects = []
    for i in range(1, n_projects + 1):
        pid = f"P{i:02d}"
        parts = []
        for j, k in enumerate(kommunen):
            if (i + j) % 5 == 0 and not k.is_kreis:
                parts.append(Participation(pid, k.key, "nicht beteiligt"))
            elif (i + j) % 7 == 0 and not k.is_kreis:
                parts.append(Participation(pid, k.key, "keine Aufgabenzuständigkeit"))
            else:
                rolle = "PL" if j == i % len(kommunen) else ("PG" if (i * j) % 3 else None)
                parts.append(Participation(pid, k.key, "beteiligt", rolle, lkg=(j == 1 and rolle is not None),
                                           vertreter=f"Mitarbeiter/in {k.key}" if rolle else None))
        t = titel if (titel and i == 1) else f"Projekt Nummer {i} zur Zusammenarbeit in der Verwaltung"
        project_texts = {}
        if texts:
            project_texts = {
                "Ausgangslage": f"Ausgangslage von Projekt {i}.\nZweiter Absatz mit **fettem Text**.{extra_text}",
                "Strategisches Ziel": "Langfristig die Aufgabe gemeinsam wirtschaftlicher erfüllen.",
                "Operatives Ziel": "Die Projektgruppe prüft\n- die Organisation,\n- die Kosten und\n  - Unterpunkt",
                "Projektgegenstand": f"Gegenstand von Projekt {i}.",
                "Sachstand": f"Sachstand von Projekt {i}: **erreicht**.",
                "Ist-Analyse": "Die Ist-Analyse zeigt Unterschiede.",
                "Vorteile": "- Bündelung von Fachwissen\n- geringere Kosten",
                "Begründung": "Die Vorteile überwiegen.",
                "Beschlussvorschlag": "Die Auftraggeber beschließen die Fortsetzung.",
                "Soll-Konzeption": "Öffentlich-rechtliche Vereinbarung.",
                "Ergebnis": "Das Projekt ist abgeschlossen.",
                "Ausblick": "Weitere Informationen folgen.",
            }
        milestones = (
            Milestone("I", D(2025, 1, 15), D(2025, 1, 20)),
            Milestone("1", D(2025, 3, 31)),
            Milestone("2", D(2025, 6, 30)),
            Milestone("II", D(2025, 7, 31)),
            Milestone("5", D(2025, 10, 31)),
            Milestone("III", D(2025, 12, 31), bemerkung="Planung"),
        ) if i % 2 else ()
        project_reports = ()
        if reports and i == 1:
            project_reports = (ProjectReport(pid, "Zwischenbericht", D(2025, 7, 31), "empfohlen"),
                               ProjectReport(pid, "Schlussbericht", D(2025, 12, 31), "teilweise empfohlen"))
        projects.append(Project(
            id=pid, titel=t, kurztitel=f"Projekt {i}" if i % 2 else "", art="Prüfprojekt",
            status="laufend" if i % 2 else "abgeschlossen", parent=None, start=D(2025, 1, 15),
            ende=None if i % 2 else D(2025, 9, 30), aktuell=True, texts=_texts(project_texts),
            participations=tuple(parts), milestones=milestones, reports=project_reports,
        ))
        if follow_ups and i % 3 == 0:
            cid = f"P{i:02d}-U"
            child_parts = tuple(
                Participation(cid, x.kommune, "beteiligt", "PG" if n % 2 else None)
                for n, x in enumerate(p for p in parts if p.beteiligt) if n % 2 == 0
            )
            projects.append(Project(
                id=cid, titel=f"Umsetzung von Projekt {i}", kurztitel=f"Umsetzung {i}", art="Umsetzungsprojekt",
                status="laufend", parent=pid, start=D(2025, 6, 1), ende=None, aktuell=True,
                texts=_texts({"Sachstand": f"Die Umsetzung von Projekt {i} läuft."} if texts else {}),
                participations=child_parts,
            ))
    projects.append(Project("ALT", "Früheres Projekt", "Früher", "Prüfprojekt", "abgeschlossen", None,
                            D(2015, 1, 1), D(2016, 1, 1), False, zusatz="(Basis-Projekt)"))
    projects.append(Project("OHNE", "Projekt ohne Kooperation", "", "Prüfprojekt", "abgeschlossen ohne Kooperation",
                            None, None, None, False))
    kreis = kommunen[-1].key
    return IKZData(
        source=Path("synthetisch.xlsx"),
        sha256="0" * 64,
        bericht=_bericht(herausgeber="IKZ-Lenkungsgruppe im Kreis Musterland"),
        kommunen=kommunen,
        projekte=tuple(projects),
        foerdermittel=(Funding("P01", "Aufbau einer gemeinsamen Stelle", "Land Hessen", 150000, 2025, "bewilligt",
                               parse("Die Kommunen arbeiten zusammen.")),),
        lenkungsgruppe=(SteeringMember("Leitung", "Erika Muster", kommunen[0].key, "c/o"),
                        SteeringMember("Landrat", "Max Muster", kreis)),
        fortbildungen=(Training("Grundlagen des Projektmanagements", "Seminar", 20, 5),),
        arbeitsgruppen=(WorkingGroup("Arbeitsgruppe IKZ", 2013, "vierteljährlich",
                                     parse("Die **Arbeitsgruppe IKZ** trifft sich regelmäßig.")),),
        initiativen=(Initiative("Zwei gewinnt", "Ort01, Ort02", 2014, parse("Ort01 und Ort02 kooperieren.")),),
        presse=(PressItem(D(2025, 2, 15), "Tageszeitung", "Tagespresse", "Gemeinsam geht's besser",
                          parse("Bericht über den IKZ-Prozess.")),),
        texte=_texts({
            "Einleitung": "Die Kommunen des Kreises arbeiten seit 2013 zusammen.",
            "Ausblick": "Es geht weiter.",
        } if texts else {}),
    )


# ---------------------------------------------------------------------------
# the real 2025 data (12. IKZ-Zwischenbericht, Stand Oktober 2025)

KOMMUNEN_2025 = (
    # key, name, art, region, sitz, amt, leitung
    ("Biebesheim", "Gemeinde Biebesheim am Rhein", "Gemeinde", "Südkreis", "Biebesheim am Rhein", "Bürgermeister/in", None),
    ("Bischofsheim", "Gemeinde Bischofsheim", "Gemeinde", "Nordkreis", "Bischofsheim", "Bürgermeister/in", None),
    ("Büttelborn", "Gemeinde Büttelborn", "Gemeinde", "Mittelkreis", "Büttelborn", "Bürgermeister", "Marcus Merkel"),
    ("Gernsheim", "Stadt Gernsheim", "Stadt", "Südkreis", "Gernsheim", "Bürgermeister", "Peter Burger"),
    ("Ginsheim-Gustavsburg", "Stadt Ginsheim-Gustavsburg", "Stadt", "Nordkreis", "Ginsheim-Gustavsburg",
     "Bürgermeister/in", None),
    ("Groß-Gerau", "Stadt Groß-Gerau", "Stadt", "Mittelkreis", "Groß-Gerau", "Bürgermeister/in", None),
    ("Kelsterbach", "Stadt Kelsterbach", "Stadt", "Nordkreis", "Kelsterbach", "Bürgermeister/in", None),
    ("Mörfelden-Walldorf", "Stadt Mörfelden-Walldorf", "Stadt", "Nordkreis", "Mörfelden-Walldorf", "Bürgermeister",
     "Karsten Groß"),
    ("Nauheim", "Gemeinde Nauheim", "Gemeinde", "Mittelkreis", "Nauheim", "Bürgermeister/in", None),
    ("Raunheim", "Stadt Raunheim", "Stadt", "Nordkreis", "Raunheim", "Bürgermeister/in", None),
    ("Riedstadt", "Stadt Riedstadt", "Stadt", "Südkreis", "Riedstadt", "Bürgermeister/in", None),
    ("Rüsselsheim", "Stadt Rüsselsheim am Main", "Stadt", "Sonderstatusstadt", "Rüsselsheim am Main",
     "Oberbürgermeister", "Patrick Burghardt"),
    ("Stockstadt", "Gemeinde Stockstadt am Rhein", "Gemeinde", "Südkreis", "Stockstadt am Rhein", "Bürgermeister/in",
     None),
    ("Trebur", "Gemeinde Trebur", "Gemeinde", "Mittelkreis", "Trebur", "Bürgermeister/in", None),
    ("Kreis Groß-Gerau", "Kreis Groß-Gerau", "Kreis", "Kreis", "Groß-Gerau", "Landrat", "Thomas Will"),
)

# The participation table of the seed. Codes: PL/PG = beteiligt with role,
# X = beteiligt without role, - = nicht beteiligt, 0 = keine
# Aufgabenzuständigkeit, + = LKG. Columns in order of TABLE_PROJECTS.
TABLE_PROJECTS = ("FEUERWEHR", "REINIGUNG", "REINIGUNG-PILOT", "HINSCHG", "SMART-REGION", "KI-SYSTEME", "HITZE",
                  "ARCHIV", "ELEKTRO-2025")
TABLE_2025 = {
    "Biebesheim":           ("PG",  "PG",  "-", "0",   "-",   "-",  "PG",  "PG",  "X"),
    "Bischofsheim":         ("PG",  "-",   "-", "PG",  "PG",  "X",  "PG",  "-",   "X"),
    "Büttelborn":           ("PG",  "-",   "-", "PG",  "PG",  "X",  "PL",  "PG",  "X"),
    "Gernsheim":            ("PG",  "PG",  "X", "PG",  "PG",  "X",  "PG",  "PG",  "X"),
    "Ginsheim-Gustavsburg": ("PG",  "-",   "-", "PG",  "PG",  "X",  "PG",  "PG",  "X"),
    "Groß-Gerau":           ("PG",  "-",   "-", "PG",  "PG",  "X",  "PG",  "PG",  "X"),
    "Kelsterbach":          ("PG",  "-",   "-", "PG",  "PG",  "-",  "-",   "-",   "-"),
    "Mörfelden-Walldorf":   ("PG",  "-",   "X", "PL",  "PG",  "X",  "PG",  "PG",  "X"),
    "Nauheim":              ("PG",  "PG",  "-", "PG",  "PG",  "X",  "PG",  "PG",  "X"),
    "Raunheim":             ("PG+", "PG+", "-", "PG+", "PG+", "X",  "PG+", "PG+", "-"),
    "Riedstadt":            ("PL",  "PG",  "X", "PG",  "PG",  "X",  "PG",  "PG",  "X"),
    "Rüsselsheim":          ("PG",  "-",   "-", "PL",  "PL",  "X",  "PG",  "PL",  "-"),
    "Stockstadt":           ("X",   "X",   "-", "0",   "PG",  "-",  "X",   "-",   "-"),
    "Trebur":               ("PG",  "X",   "-", "X",   "PG",  "X",  "PG",  "X",   "X"),
    "Kreis Groß-Gerau":     ("PL",  "PL",  "X", "PG",  "PL",  "PG", "PL",  "PG",  "X"),
}
SUMS_2025 = (15, 8, 4, 13, 14, 12, 14, 12, 11)


def _participation(pid: str, kommune: str, code: str) -> Participation:
    lkg = code.endswith("+")
    code = code.rstrip("+")
    if code == "-":
        return Participation(pid, kommune, "nicht beteiligt")
    if code == "0":
        return Participation(pid, kommune, "keine Aufgabenzuständigkeit")
    return Participation(pid, kommune, "beteiligt", None if code == "X" else code, lkg)


def expected_cell(code: str) -> str:
    """Cell text of the seed's table for a code of TABLE_2025."""
    lkg = code.endswith("+")
    code = code.rstrip("+")
    if code in ("-", "0"):
        return ""
    roles = ([] if code == "X" else [code]) + (["LKG"] if lkg else [])
    return f"X ({', '.join(roles)})" if roles else "X"


_T = {
    "FEUERWEHR": {
        "Ausgangslage": (
            "Die interkommunale Beschaffung von Feuerwehrbedarf und die gemeinsame Organisation der Instandhaltung "
            "von Feuerwehrgerät bietet vielfältige Vorteile. Hierzu gehört u.a. die **Einsparung von "
            "Verwaltungsaufwand** in den Kommunen und bei den Feuerwehren sowie das **Erzielen günstigerer Preise** "
            "aufgrund höherer Beschaffungsmengen. 13 der 14 Städte und Gemeinden des Kreises Groß-Gerau und der "
            "Kreis Groß-Gerau haben daher im Herbst 2021 das IKZ-Projekt „Gemeinsame Beschaffung von "
            "Feuerwehrbedarf und Organisation der Instandhaltung“ gestartet; die 14. Kommune hat sich 2024 "
            "angeschlossen."
        ),
        "Projektgegenstand": "Gemeinsame Beschaffung von Feuerwehrbedarf und Organisation der Instandhaltung.",
        "Sachstand": (
            "Nach einer gemeinsamen Bestandsaufnahme wurde als prioritäres Handlungsfeld die Beschaffung von "
            "**Schläuchen** und **Notstromaggregaten mit Anhängern** erkannt. Sieben Kommunen haben so 2023 350 "
            "Druckschläuche gemeinsam beschafft, und sechs Städte und Gemeinden haben 2024 neun fahrbare "
            "Notstromaggregate gemeinsam eingekauft. In beiden Verfahren konnten Kosteneinsparungen in Höhe von "
            "rd. 15 % im Vergleich zur Einzelbeschaffung erreicht werden.\n"
            "Die enge Zusammenarbeit der 15 Kreiskommunen hat zum Abschluss des Projekts die **feste Etablierung "
            "künftig vierteljährlicher Treffen der Brandschutzsachbearbeiter** zur Folge gehabt."
        ),
    },
    "REINIGUNG": {
        "Ausgangslage": (
            "Die Städte und Gemeinden des Kreises Groß-Gerau und der Kreis Groß-Gerau organisieren die Reinigung "
            "ihrer Liegenschaften in unterschiedlicher Form: mit eigenem Personal, durch die Beauftragung externer "
            "Dienstleister oder in einer Mischform.\n"
            "Vor diesem Hintergrund haben 7 Städte und Gemeinden des Kreises Groß-Gerau und der Kreis Groß-Gerau "
            "im Jahr 2023 das interkommunale Projekt „Reinigung kommunaler Liegenschaften“ gestartet."
        ),
        "Operatives Ziel": (
            "**Ziel des Projektes** war die Prüfung, ob eine interkommunale Aufgabenwahrnehmung zu einer "
            "Optimierung der Reinigung kommunaler Liegenschaften im Hinblick auf\n"
            "- Leistungsqualität,\n- Wirtschaftlichkeit und\n- Mitarbeiter/innen-Orientierung\nbeitragen kann."
        ),
        "Vorteile": (
            "Als **Vorteile einer interkommunalen, d.h. gemeinsamen Organisation des Aufgabenfelds** wurden u.a. "
            "festgestellt: die Möglichkeit der Ressourcenbündelung, eine höhere Ausfallsicherheit und "
            "Skaleneffekte durch die gemeinsame Nutzung von Maschinen und Material."
        ),
        "Ausblick": (
            "Aus diesen Empfehlungen ist 2025 ein **Pilotprojekt** hervorgegangen, an dem sich die Städte "
            "Riedstadt, Gernsheim und Mörfelden-Walldorf sowie der Kreis Groß-Gerau beteiligen.\n"
            "Weitere Informationen folgen im nächsten IKZ-Jahresbericht."
        ),
    },
    "HINSCHG": {
        "Ausgangslage": (
            "Am 2.7.2023 ist das **Hinweisgeberschutzgesetz** – HinSchG in Kraft getreten. Ausgenommen von der "
            "Verpflichtung zur Einrichtung interner Meldestellen sind Gemeinden mit weniger als 10.000 "
            "Einwohner/innen. Dies sind im Kreis Groß-Gerau die Gemeinden Stockstadt am Rhein und Biebesheim am "
            "Rhein."
        ),
        "Sachstand": (
            "Nachdem keine weiteren Hinweise eingegangen sind und das Minimalziel des Projekts – die Einrichtung "
            "der internen Meldestellen – in allen 12 beteiligten Kreiskommunen erreicht ist, wurde das Projekt "
            "abgeschlossen."
        ),
    },
    "SMART-REGION": {
        "Ausgangslage": (
            "Digitale Lösungen haben das Potenzial, kommunale Verwaltungen und Unternehmen bei ihren Aufgaben zu "
            "unterstützen. Im Herbst 2023 haben sich 13 der 14 Städte und Gemeinden des Kreises Groß-Gerau und der "
            "Kreis Groß-Gerau im IKZ-Projekt „Smart Cities / Smart Region“ zusammengeschlossen."
        ),
        "Strategisches Ziel": (
            "Schaffung eines inklusiven, nachhaltigen, wettbewerbsfähigen und gemeinwohlorientierten Lebensraums "
            "Kreis Groß-Gerau durch die aktive Nutzung digitaler Potenziale"
        ),
        "Operatives Ziel": (
            "Identifikation digitaler Lösungen, die sowohl die Kommunen bei ihren Aufgaben unterstützen als auch "
            "für die Bürger/innen des Kreises Groß-Gerau von Nutzen sind"
        ),
        "Vorteile": (
            "Folgende **Vorteile einer interkommunalen Zusammenarbeit** hat die Projektgruppe insbesondere "
            "erkannt:\n"
            "- gemeinsame Projektkoordination und dadurch Entlastung jeder einzelnen Kommune\n"
            "- Bündelung von Personal und Fachwissen, Vermeidung von Splitter-Ressourcen\n"
            "- gemeinsame Akquise von Fördermitteln"
        ),
        "Ausblick": (
            "Folgende prioritäre Handlungsfelder wurden festgelegt:\n"
            "- **KI-Systeme für externe Anfragen (Bürger-KI)**\n"
            "- **KI-System zur Unterstützung interner Prozesse der Verwaltungen**\n"
            "Das hieraus resultierende IKZ-Umsetzungsprojekt „KI-Systeme“ startet nach dem Ende des vorliegenden "
            "Berichtszeitraums."
        ),
    },
    "HITZE": {
        "Ausgangslage": (
            "Der Klimawandel und die fortschreitende Erderwärmung ist mit weitreichenden Folgen für die "
            "menschliche Gesundheit verbunden. 13 der 14 Städte und Gemeinden des Kreises Groß-Gerau und der Kreis "
            "Groß-Gerau haben sich 2024 im IKZ-Projekt „Hitzeaktionsplanung“ zusammengeschlossen."
        ),
        "Strategisches Ziel": (
            "Mit dem Hitzeaktionsplan wird für jede beteiligte Kreiskommune ein Instrument geschaffen, das "
            "geeignet ist,\n"
            "- die negativen Folgen des Klimawandels für die Gesundheit zu mindern,\n"
            "- die gesundheitliche Chancengleichheit zu verbessern."
        ),
        "Sachstand": (
            "Die Projektgruppe hat eine einheitliche Struktur und Textbausteine eines **Hitzeaktionsplans** "
            "erarbeitet. Der Hitzeaktionsplan wird im 1. Halbjahr 2026 den kommunalen Gremien vorgelegt."
        ),
    },
    "ARCHIV": {
        "Ausgangslage": (
            "Gemäß § 18 des Hessischen Archivgesetzes (HArchivG) muss jede Kommune ein eigenes oder gemeinschaftlich "
            "getragenes Archiv betreiben. Vor diesem Hintergrund haben 11 Städte und Gemeinden und der Kreis "
            "Groß-Gerau im Juli 2025 das IKZ-Projekt „Archivwesen“ gestartet."
        ),
        "Ausblick": (
            "Im weiteren Projektverlauf sind u.a. folgende Aufgabenstellungen zu bearbeiten:\n"
            "- Auswertung von Best-Practice-Beispielen\n"
            "- Recherche möglicher Fördermittelquellen für das kommunale Archivwesen\n"
            "Weitere Informationen folgen im nächsten IKZ-Jahresbericht."
        ),
    },
    "ELEKTRO-2025": {
        "Projektgegenstand": (
            "Gemeinsames europaweites Vergabeverfahren für die Prüfung ortsveränderlicher elektrischer Anlagen."
        ),
    },
}

_PROJEKTE_2025 = (
    # id, titel, kurztitel, art, status, parent, start, ende, zusatz
    ("FEUERWEHR", "Beschaffung von Feuerwehrbedarf, Organisation der Instandhaltung",
     "Beschaffung Feuerwehrbedarf, Organisation Instandhaltung", "Prüfprojekt", "abgeschlossen", None, None, D(2025, 10, 31),
     "(15 Kreiskommunen)"),
    ("REINIGUNG", "Organisation der Reinigung kommunaler Liegenschaften", "Reinigung kommunaler Liegenschaften",
     "Prüfprojekt", "abgeschlossen", None, None, D(2025, 10, 31), None),
    ("REINIGUNG-PILOT", "Reinigung kommunaler Liegenschaften – Pilotprojekt IKZ-Umsetzung",
     "Pilotprojekt IKZ-Umsetzung", "Pilotprojekt", "laufend", "REINIGUNG", None, None,
     "(Umsetzungs(pilot)projekt mit 4 Kreiskommunen)"),
    ("HINSCHG", "Umsetzung des Hinweisgeberschutzgesetzes", "Umsetzung Hinweisgeberschutzgesetz", "Prüfprojekt",
     "abgeschlossen", None, D(2023, 9, 1), D(2025, 10, 31), "(13 Kreiskommunen)"),
    ("SMART-REGION", "Smart Cities / Smart Region", "Smart Cities / Smart Region", "Prüfprojekt", "abgeschlossen",
     None, None, D(2025, 10, 31), "(14 Kreiskommunen)"),
    ("KI-SYSTEME", "KI-Systeme", "Umsetzungsprojekt KI-Systeme", "Umsetzungsprojekt", "geplant", "SMART-REGION",
     None, None, None),
    ("HITZE", "Hitzeaktionsplanung", "Hitzeaktionsplanung", "Prüfprojekt", "abgeschlossen", None, None, D(2025, 10, 31),
     "(14 Kreiskommunen)"),
    ("ARCHIV", "Archivwesen", "Archivwesen", "Prüfprojekt", "laufend", None, D(2025, 7, 1), None,
     "(12 Kreiskommunen)"),
    ("ELEKTRO-2025", "Prüfung ortsveränderlicher elektrischer Anlagen",
     "Prüfung elektrischer Anlagen (Vergabeverfahren)", "Vergabeverfahren", "abgeschlossen", None, None, D(2025, 10, 31),
     "(11 Kreiskommunen, 7 kommunale Unternehmen - europaweites Vergabeverfahren für den Zeitraum "
     "1.9.2025 – 31.8.2027)"),
)

_FRUEHER_2025 = (
    ("BESCHAFFUNG", "Beschaffungswesen", "(Basis-Projekt)", "abgeschlossen"),
    ("STROM-GAS", "Strom- und Gaseinkauf", "(4 europaweite Vergabeverfahren für den Zeitraum 2016 - 2026)",
     "abgeschlossen"),
    ("VERGABEZENTRUM", "Gründung des Kommunalen Vergabezentrums", None, "abgeschlossen"),
    ("E-GOVERNMENT", "E-Government", None, "abgeschlossen"),
    ("PROSTSCHG", "Umsetzung des Prostituiertenschutzgesetzes", None, "abgeschlossen"),
    ("INFOSICHERHEIT", "Gründung der interkommunalen Informationssicherheitsstelle", None, "abgeschlossen"),
    ("KLIMASCHUTZ", "Schaffung einer interkommunalen Klimaschutz-Projektmanagementstelle", None, "abgeschlossen"),
    ("BEZUEGE", "Bezügeabrechnung", "(einige Kommunen haben die Versorgungskasse Darmstadt mit Dienstleistungen "
     "der Bezügeabrechnung beauftragt)", "extern vergeben"),
    ("STANDESAMT", "Standesamtswesen", "(hier bestehen einzelne lokale Formen der Zusammenarbeit)",
     "abgeschlossen ohne Kooperation"),
    ("KITA", "Modularer Kita-Bau", None, "abgeschlossen ohne Kooperation"),
)

_BERICHTSTEXTE_2025 = {
    "Einleitung": (
        "Die 14 Städte und Gemeinden des Kreises Groß-Gerau und der Kreis Groß-Gerau haben sich im Jahr 2013 in "
        "einem gemeinschaftlichen Prozess auf den Weg gemacht, ihre interkommunale Zusammenarbeit (IKZ) "
        "nachhaltig auszubauen.\n"
        "Der vorliegende 12. Zwischenbericht enthält die wesentlichen Aktivitäten und Ergebnisse im 12. Jahr des "
        "kreisweiten IKZ-Prozesses in der Zeit von November 2024 bis Oktober 2025."
    ),
    "Projektauswahl": (
        "Der Start eines neuen IKZ-Projekts erfolgt stets nach Abschluss eines vorherigen Projekts. Ziel ist die "
        "jeweils **gleichzeitige Bearbeitung von fünf Aufgabenfeldern in IKZ-Projekten**."
    ),
    "Örtliche Initiativen": (
        "Ein erwünschter Begleiteffekt des kreisweiten IKZ-Prozesses ist die Anregung zusätzlicher **örtlicher "
        "IKZ-Initiativen** im Kreisgebiet."
    ),
    "Projektablauf": (
        "Grundlage der Projektarbeit ist jeweils ein **schriftlicher Projektauftrag**.\n"
        "Die **Regeldauer eines IKZ-Prüfprojekts** beträgt rund ein Jahr. Alle IKZ-Prüfprojekte gliedern sich in "
        "folgende Arbeitsabschnitte:\n"
        "Nach Abschluss jedes Prüfprojekts entscheiden die auftraggebenden Kommunen über die Umsetzung der von der "
        "Projektgruppe empfohlenen Maßnahmen."
    ),
    "Lenkungsgruppe": (
        "Zur Steuerung des kreisweiten IKZ-Prozesses wurde im Jahr 2013 die **IKZ-Lenkungsgruppe** eingerichtet. "
        "Diese nimmt seitdem folgende Aufgaben wahr:\n"
        "- **Priorisierung und Initiierung der Einzelprojekte der IKZ**\n"
        "  - als Vorschlag für und in Abstimmung mit den Dienststellenleitungen der Kreiskommunen\n"
        "- **Projektsteuerung**\n"
        "  - Vorbereitung der Projektaufträge, Abnahme von Projektberichten\n"
        "Die IKZ-Lenkungsgruppe besteht aus sechs Mitgliedern, tagt in zweimonatlichem Turnus und setzt sich im "
        "Berichtszeitraum vom 1.11.2024 – 31.10.2025 wie folgt zusammen:"
    ),
    "Fortbildungen": (
        "Erfolgreiche Projektarbeit setzt geschulte Verwaltungsmitarbeiter/innen voraus. 52 Mitarbeiter/innen aus "
        "13 Kommunen des Kreises Groß-Gerau haben an den Schulungen teilgenommen."
    ),
    "Informationsmanagement": (
        "Zur Unterrichtung der politischen Gremien wird seit 2014 **jährlich ein schriftlicher "
        "IKZ-Zwischenbericht** herausgegeben.\n"
        "Exemplarisch für die Berichterstattung sind nachfolgend einzelne Beiträge aufgeführt:"
    ),
    "Weitere Aktivitäten": (
        "Im Berichtszeitraum haben folgende weitere Aktivitäten stattgefunden:\n"
        "- Unterstützung bei der **Beantragung von Fördermitteln für IKZ-Maßnahmen**\n"
        "- **Präsentationen und Informationen** über den kreisweiten IKZ-Prozess"
    ),
    "Ausblick": (
        "Nach Beendigung der aktuell laufenden Projekte werden **im Jahr 2026 weitere kreisweite IKZ-Projekte** "
        "folgen."
    ),
}

_OB = "Ober-/Bürgermeister als Vertreter von Süd-, Mittel- und Nordkreis sowie der Sonderstatusstadt"


def data_2025() -> IKZData:
    """The data of the 12th IKZ-Zwischenbericht with its participation table."""
    kommunen = tuple(Kommune(key, name, art, region, amt, leitung, sitz,
                             {"Gemeinde": "Gemeindevertretung", "Stadt": "Stadtverordnetenversammlung",
                              "Kreis": "Kreistag"}[art])
                     for key, name, art, region, sitz, amt, leitung in KOMMUNEN_2025)
    keys = [k[0] for k in KOMMUNEN_2025]
    projects = []
    for pid, titel, kurz, art, status, parent, start, ende, zusatz in _PROJEKTE_2025:
        col = TABLE_PROJECTS.index(pid)
        parts = tuple(_participation(pid, k, TABLE_2025[k][col]) for k in keys)
        milestones = ()
        if pid == "ARCHIV":
            milestones = (
                Milestone("I", None, D(2025, 7, 1), "Projektstart im Juli 2025"),
                Milestone("1", D(2025, 8, 31)), Milestone("2", D(2025, 10, 31)), Milestone("3", D(2026, 1, 31)),
                Milestone("4", D(2026, 2, 28)), Milestone("II", D(2026, 3, 31)), Milestone("5", D(2026, 5, 31)),
                Milestone("6", D(2026, 5, 31)), Milestone("7", D(2026, 6, 30)), Milestone("III", D(2026, 6, 30)),
            )
        reports = ()
        if pid in ("REINIGUNG", "SMART-REGION", "HITZE"):
            votum = "teilweise empfohlen" if pid == "REINIGUNG" else "empfohlen"
            reports = (ProjectReport(pid, "Schlussbericht", D(2025, 10, 31), votum),)
        projects.append(Project(pid, titel, kurz, art, status, parent, start, ende, True, zusatz,
                                "rd. 15 % im Vergleich zur Einzelbeschaffung" if pid == "FEUERWEHR" else None,
                                _texts(_T.get(pid, {})), parts, milestones, reports))
    for pid, titel, zusatz, status in _FRUEHER_2025:
        parts = ()
        if pid == "INFOSICHERHEIT":
            parts = tuple(_participation(pid, k, "-" if k in ("Kelsterbach", "Trebur") else "X") for k in keys)
        projects.append(Project(pid, titel, titel, "Prüfprojekt", status, None, None, None, False, zusatz,
                                participations=parts))
    return IKZData(
        source=Path("ikz-2025.xlsx"),
        sha256="1" * 64,
        bericht=_bericht(),
        kommunen=kommunen,
        projekte=tuple(projects),
        foerdermittel=(
            Funding("INFOSICHERHEIT", "Schaffung der Interkommunalen Informationssicherheitsstelle im Kreis "
                    "Groß-Gerau", "Land Hessen", 150000, 2025, "bewilligt",
                    parse("13 Kreiskommunen haben sich 2024 zu dieser Kooperation zusammengeschlossen.")),
            Funding("PROSTSCHG", "Interkommunale Zusammenarbeit bei der Umsetzung des Prostituiertenschutzgesetzes",
                    "Land Hessen", 100000, 2021, "Verwendungsnachweis geführt",
                    parse("Zehn Städte und Gemeinden und der Kreis Groß-Gerau sind seit 2020 an dieser Kooperation "
                          "beteiligt.")),
            Funding("KLIMASCHUTZ", "Interkommunale Projektmanagementstelle für Klimaschutz", "Land Hessen", 150000,
                    2025, "beantragt"),
        ),
        lenkungsgruppe=(
            SteeringMember(_OB, "Peter Burger", "Gernsheim"),
            SteeringMember(_OB, "Patrick Burghardt", "Rüsselsheim"),
            SteeringMember(_OB, "Karsten Groß", "Mörfelden-Walldorf"),
            SteeringMember(_OB, "Marcus Merkel", "Büttelborn"),
            SteeringMember("Landrat des Kreises Groß-Gerau", "Thomas Will", "Kreis Groß-Gerau"),
            SteeringMember("Leitung", "Marion Götz", "Raunheim", "c/o"),
        ),
        fortbildungen=(Training("Grundlagen des Projektmanagements", "zweitägiges Inhouse-Seminar", 52, 13),),
        arbeitsgruppen=(
            WorkingGroup("Arbeitsgruppe IKZ-interessierter Amtsleitungen", 2013, "ca. vierteljährlich",
                         parse("Zur kontinuierlichen Begleitung des kreisweiten IKZ-Prozesses wurde 2013 die "
                               "„**Arbeitsgruppe IKZ-interessierter Amtsleitungen**“ eingerichtet.")),
            WorkingGroup("E-Government-Stammgruppe", 2018, None,
                         parse("Ein kontinuierlicher Austausch erfolgt seit 2018 zudem in der "
                               "**E-Government-Stammgruppe**.")),
        ),
        initiativen=(
            Initiative("Drei gewinnt", "Kelsterbach, Raunheim, Rüsselsheim", 2013,
                       parse("Beispielhaft hierfür ist die Zusammenarbeit der Städte Kelsterbach, Raunheim und "
                             "Rüsselsheim unter dem Motto „Drei gewinnt“.")),
        ),
        presse=(
            PressItem(D(2025, 2, 15), "Groß-Gerauer Echo", "Tagespresse", "Kostensenkung durch IKZ-Projekte",
                      parse("Bericht über den 11. IKZ-Jahresbericht.")),
            PressItem(None, "Der Gemeinderat", "Fachzeitschrift", "Ein Pilotprojekt macht Schule (April 2022)",
                      parse("Bericht über das interkommunale Vergabezentrum."), "https://ikz.imkreisgg.de"),
        ),
        texte=_texts(_BERICHTSTEXTE_2025),
    )


def context_of(data, kind: str, project=None) -> dict:
    """The template context of one document, built by the registered kind."""
    from pipeline.kinds import document_kind

    return document_kind(kind).build(data, project)
