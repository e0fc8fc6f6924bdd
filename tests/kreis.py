"""A second Kreis, built in code: other names, other sizes, nothing from the sample.

25 Städte und Gemeinden and the Kreis, with ß, umlauts, brackets and
abbreviations with dots in their names; twelve current projects and a pilot
follow-up (13 columns in the participation table); one Kommune takes part in
no project. Used to show that nothing of the sample's Kreis is built into the
code or the templates.
"""

from __future__ import annotations

import datetime as dt

KREIS = "Kreis Weißach-Öhringen (Oberland)"
HERAUSGEBER = "IKZ-Steuerungskreis im Kreis Weißach-Öhringen (Oberland)"
OHNE_PROJEKT = "Kleinmüß"

_ORTE = (
    ("St. Märgen-Süd", "Stadt St. Märgen-Süd", "Stadt"),
    ("Bad Öllingen (Taunus)", "Stadt Bad Öllingen (Taunus)", "Stadt"),
    ("Großweißach", "Gemeinde Großweißach", "Gemeinde"),
    ("Ober-Ramstädt a. d. Straße", "Gemeinde Ober-Ramstädt a. d. Straße", "Gemeinde"),
    ("Müßighausen", "Gemeinde Müßighausen", "Gemeinde"),
    ("Neuß am See", "Stadt Neuß am See", "Stadt"),
    ("Überlingen-Ost", "Gemeinde Überlingen-Ost", "Gemeinde"),
    ("Äpfelbach", "Gemeinde Äpfelbach", "Gemeinde"),
    ("Fürstenwald", "Stadt Fürstenwald", "Stadt"),
    ("Hölzlingen", "Gemeinde Hölzlingen", "Gemeinde"),
    ("Straßdorf (Ries)", "Gemeinde Straßdorf (Ries)", "Gemeinde"),
    ("Kühnhöfen", "Gemeinde Kühnhöfen", "Gemeinde"),
    ("Wöllstein", "Stadt Wöllstein", "Stadt"),
    ("Dürrbach", "Gemeinde Dürrbach", "Gemeinde"),
    ("Lößnitz", "Stadt Lößnitz", "Stadt"),
    ("Schönau i. Wald", "Gemeinde Schönau i. Wald", "Gemeinde"),
    ("Grünfeld", "Gemeinde Grünfeld", "Gemeinde"),
    ("Maßbach", "Gemeinde Maßbach", "Gemeinde"),
    ("Rötz", "Stadt Rötz", "Stadt"),
    ("Gößweinstein", "Gemeinde Gößweinstein", "Gemeinde"),
    ("Königsfeld", "Stadt Königsfeld", "Stadt"),
    ("Bärnau", "Stadt Bärnau", "Stadt"),
    ("Hüttenthal", "Gemeinde Hüttenthal", "Gemeinde"),
    ("Mühlhausen (Kr. W.-Ö.)", "Gemeinde Mühlhausen (Kr. W.-Ö.)", "Gemeinde"),
    (OHNE_PROJEKT, "Gemeinde Kleinmüß", "Gemeinde"),
)

PROJEKTE = (
    ("DATENSCHUTZ", "Gemeinsame Datenschutzbeauftragte", "Datenschutz"),
    ("BAUHOF", "Kooperation der Bauhöfe", "Bauhöfe"),
    ("STANDESAMT", "Gemeinsames Standesamt", "Standesamt"),
    ("VERGABE", "Zentrale Vergabestelle", "Vergabe\u00adstelle"),
    ("IT-SICHERHEIT", "Informationssicherheit in den Rathäusern", "Informations\u00adsicherheit"),
    ("KLIMA", "Klimaschutzmanagement", "Klimaschutz"),
    ("KASSE", "Gemeinsame Stadt- und Gemeindekasse", "Kasse"),
    ("WALD", "Kommunale Waldbewirtschaftung", "Waldwirtschaft"),
    ("BRANDSCHUTZ", "Beschaffung von Feuerwehrbedarf, Organisation der Instandhaltung", "Feuerwehrbedarf"),
    ("GRUENFLAECHEN", "Pflege der Grünflächen", "Grünflächen"),
    ("ARCHIV", "Gemeinsames Kommunalarchiv", "Archiv"),
    ("DIGITAL", "Digitale Verwaltungsleistungen", "Digitalisierung"),
)

_TEXT = ("Die beteiligten Kommunen haben die Organisation der Aufgabe verglichen.\n"
         "- Bündelung von Fachwissen\n- gemeinsame Beschaffung\n"
         "Die Projektgruppe empfiehlt, die Zusammenarbeit **fortzusetzen**.")


def second_kreis_rows() -> dict[str, list[dict]]:
    """Rows of a complete, valid workbook of the second Kreis."""
    kommunen = [dict(key=key, name=name, art=art, region=("Südkreis", "Mittelkreis", "Nordkreis")[i % 3],
                     amt="Bürgermeister/in" if i % 2 else "Bürgermeisterin",
                     leitung=None if i % 2 else f"Erika Beispiel-{i:02d}", sitz=key.split(" (")[0],
                     gremium="Stadtverordnetenversammlung" if art == "Stadt" else "Gemeindevertretung",
                     einwohner=4000 + 1500 * i)
                for i, (key, name, art) in enumerate(_ORTE)]
    kommunen.append(dict(key="Kreis W.-Ö.", name=KREIS, art="Kreis", region="Kreis", amt="Landrätin",
                         leitung="Dr. Jutta Muster-Weiß", sitz="Weißach", gremium="Kreistag", einwohner=210000))
    keys = [k["key"] for k in kommunen]
    projekte, texte, beteiligung, abschnitte, berichte = [], [], [], [], []
    for j, (pid, titel, kurz) in enumerate(PROJEKTE):
        projekte.append(dict(id=pid, titel=titel, kurztitel=kurz, art="Prüfprojekt",
                             status="laufend" if j % 3 else "abgeschlossen", start=dt.date(2024, 1 + j % 12, 1),
                             ende=None if j % 3 else dt.date(2025, 6, 30), aktuell=True))
        for art in ("Ausgangslage", "Strategisches Ziel", "Operatives Ziel", "Projektgegenstand", "Sachstand",
                    "Soll-Konzeption", "Ergebnis"):
            texte.append(dict(projekt=pid, art=art, text=_TEXT))
        for i, key in enumerate(keys):
            if key == OHNE_PROJEKT:
                beteiligung.append(dict(projekt=pid, kommune=key, status="nicht beteiligt"))
            elif (i + j) % 4 == 0:
                beteiligung.append(dict(projekt=pid, kommune=key, status="nicht beteiligt"))
            elif (i + j) % 11 == 0 and key != keys[-1]:
                beteiligung.append(dict(projekt=pid, kommune=key, status="keine Aufgabenzuständigkeit"))
            else:
                beteiligung.append(dict(projekt=pid, kommune=key, status="beteiligt",
                                        rolle="PL" if i == j else ("PG" if (i + j) % 3 else None)))
        for n, code in enumerate(("I", "1", "2", "3", "4", "II")):
            abschnitte.append(dict(projekt=pid, abschnitt=code, geplant=dt.date(2024, 1 + j % 12, 1)
                                   + dt.timedelta(days=40 * n)))
        if not j % 3:
            berichte.append(dict(projekt=pid, art="Schlussbericht", datum=dt.date(2025, 7, 15), votum="empfohlen"))
    projekte.append(dict(id="KLIMA-PILOT", titel="Pilotprojekt Klimaschutz", kurztitel="Pilot Klima",
                         art="Pilotprojekt", status="laufend", parent="KLIMA", start=dt.date(2025, 3, 1), aktuell=True))
    for i, key in enumerate(keys):
        beteiligung.append(dict(projekt="KLIMA-PILOT", kommune=key,
                                status="beteiligt" if i % 5 == 1 and key != OHNE_PROJEKT and (i + 5) % 4
                                and (i + 5) % 11 else "nicht beteiligt"))
    return {
        "Bericht": [dict(nummer=3, von=dt.date(2025, 1, 1), bis=dt.date(2025, 12, 31), stand=dt.date(2026, 1, 15),
                         herausgeber=HERAUSGEBER, ansprechpartner="Jonas Weißmüller",
                         dienststelle="c/o Kreisverwaltung Weißach", stelle="Geschäftsstelle IKZ",
                         email="ikz@weissach-oehringen.example", telefon="07000 / 12-345",
                         website="https://ikz.weissach-oehringen.example", ziel_projekte=10)],
        "Kommunen": kommunen,
        "Projekte": projekte,
        "Projekttexte": texte,
        "Beteiligung": beteiligung,
        "Arbeitsabschnitte": abschnitte,
        "Projektberichte": berichte,
        "Fördermittel": [dict(projekt="KLIMA", zweck="Klimaschutzmanagement im Oberland", geber="Land",
                              betrag=90000, jahr=2025, status="bewilligt")],
        "Lenkungsgruppe": [dict(funktion="Vorsitz", name="Dr. Jutta Muster-Weiß", kommune="Kreis W.-Ö."),
                           dict(funktion="Geschäftsstelle", name="Jonas Weißmüller", kommune="Großweißach")],
        "Fortbildungen": [dict(thema="Projektmanagement in der Verwaltung", teilnehmende=40, kommunen=12)],
        "Arbeitsgruppen": [dict(name="Arbeitsgruppe der Hauptamtsleitungen", seit=2024, turnus="halbjährlich",
                                text="Die Hauptamtsleitungen tauschen sich über laufende Vorhaben aus.")],
        "Initiativen": [], "Presse": [],
        "Berichtstexte": [dict(abschnitt="Einleitung", text="Der Steuerungskreis legt seinen dritten Bericht vor.")],
    }
