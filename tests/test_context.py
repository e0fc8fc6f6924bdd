"""German formatting, addressing, the participation table model and the
contexts of the four document kinds (no Word files involved)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from pipeline.content.beteiligung import participation_table
from pipeline.content.kommunen import (
    adressierung,
    amt_formen,
    beteiligte_text,
    mit_kreis,
    staedte_gemeinden,
)
from pipeline.content.projekte import project_lists
from pipeline.content.text import aufzaehlung, clean_rich, zahlwort
from pipeline.german import betrag, datum, datum_lang, monat_jahr
from pipeline.kinds import document_kind, documents_for
from pipeline.markup import RichText
from pipeline.model import Kommune
from pipeline.naming import slug, stem_slug, unique_slugs
from tests.factories import (
    SUMS_2025,
    TABLE_2025,
    TABLE_PROJECTS,
    context_of,
    data_2025,
    expected_cell,
    make_data,
)

# --- German formatting -------------------------------------------------------


def test_the_dienststellenleitung_in_the_middle_of_a_sentence():
    k = Kommune("Nauheim", "Gemeinde Nauheim", "Gemeinde", "Nordkreis", "Bürgermeister/in", None, "Nauheim",
                "Gemeindevertretung")
    assert adressierung(k) == "Der Bürgermeister / Die Bürgermeisterin der Gemeinde Nauheim"
    assert adressierung(k, "akkusativ") == "den Bürgermeister / die Bürgermeisterin der Gemeinde Nauheim"
    named = dataclasses.replace(k, leitung="Jan Fischer", amt="Bürgermeister")
    assert adressierung(named, "akkusativ") == "Bürgermeister Jan Fischer, Gemeinde Nauheim"


def test_dates_months_amounts_lists():
    assert datum(dt.date(2025, 10, 31)) == "31.10.2025"
    assert datum(dt.date(2024, 11, 1)) == "1.11.2024"
    assert datum(None) == ""
    assert monat_jahr(dt.date(2025, 10, 31)) == "Oktober 2025"
    assert monat_jahr(dt.date(2025, 3, 1)) == "März 2025"
    assert datum_lang(dt.date(2025, 10, 31)) == "31. Oktober 2025"
    assert betrag(150000) == "150.000 Euro"
    assert betrag(1234567.5) == "1.234.567,50 Euro"
    assert betrag(0) == "0 Euro"
    assert aufzaehlung(["Biebesheim", "Gernsheim", "Trebur"]) == "Biebesheim, Gernsheim und Trebur"
    assert aufzaehlung(["Biebesheim", "Gernsheim"]) == "Biebesheim und Gernsheim"
    assert aufzaehlung(["Biebesheim"]) == "Biebesheim"
    assert aufzaehlung([]) == ""
    assert zahlwort(5) == "fünf"
    assert zahlwort(6) == "sechs"
    assert zahlwort(13) == "13"


def test_counts_of_kommunen():
    assert staedte_gemeinden(13, 14) == "13 der 14 Städte und Gemeinden"
    assert staedte_gemeinden(14, 14) == "alle 14 Städte und Gemeinden"
    assert staedte_gemeinden(1, 14) == "eine der 14 Städte und Gemeinden"
    assert mit_kreis(13, "Kreis Groß-Gerau") == "13 Städte und Gemeinden und der Kreis Groß-Gerau"
    assert mit_kreis(0, "Kreis Groß-Gerau") == "der Kreis Groß-Gerau"
    assert mit_kreis(7, None) == "7 Städte und Gemeinden"
    data = data_2025()
    hitze = data.projekt("HITZE")
    assert beteiligte_text(data, [p.kommune for p in hitze.participants]) == (
        "13 der 14 Städte und Gemeinden und der Kreis Groß-Gerau")
    feuerwehr = data.projekt("FEUERWEHR")
    assert beteiligte_text(data, [p.kommune for p in feuerwehr.participants]) == (
        "alle 14 Städte und Gemeinden und der Kreis Groß-Gerau")
    assert beteiligte_text(data, ["Gernsheim"]) == "Stadt Gernsheim"
    assert beteiligte_text(data, ["Kreis Groß-Gerau"]) == "der Kreis Groß-Gerau"


def test_addressing_by_office_or_name():
    data = data_2025()
    assert adressierung(data.kommune("Raunheim")) == (
        "Der Bürgermeister / Die Bürgermeisterin der Stadt Raunheim")
    assert adressierung(data.kommune("Biebesheim")) == (
        "Der Bürgermeister / Die Bürgermeisterin der Gemeinde Biebesheim am Rhein")
    assert adressierung(data.kommune("Gernsheim")) == "Bürgermeister Peter Burger, Stadt Gernsheim"
    assert adressierung(data.kommune("Kreis Groß-Gerau")) == "Landrat Thomas Will, Kreis Groß-Gerau"
    unknown_landrat = Kommune("K", "Kreis Groß-Gerau", "Kreis", "Kreis", "Landrat/Landrätin", None, "Groß-Gerau",
                              "Kreistag")
    assert adressierung(unknown_landrat) == "Der Landrat / Die Landrätin des Kreises Groß-Gerau"
    erste = Kommune("X", "Stadt X", "Stadt", "Nordkreis", "Erste Bürgermeisterin", None, "X", "Kreistag")
    assert adressierung(erste) == "Die Erste Bürgermeisterin der Stadt X"
    assert amt_formen("Oberbürgermeister/in") == ("Oberbürgermeister", "Oberbürgermeisterin")


# --- participation table -----------------------------------------------------


def test_participation_table_2025_equals_seed():
    data = data_2025()
    table = participation_table(data)
    # columns: current projects that are no follow-ups, each with its follow-ups
    assert [g.projekt for g in table.groups] == ["FEUERWEHR", "REINIGUNG", "HINSCHG", "SMART-REGION", "HITZE",
                                                  "ARCHIV", "ELEKTRO-2025"]
    assert [c_.projekt for c_ in table.columns] == list(TABLE_PROJECTS)
    assert [[col.projekt for col in g.columns] for g in table.groups if len(g.columns) > 1] == [
        ["REINIGUNG", "REINIGUNG-PILOT"], ["SMART-REGION", "KI-SYSTEME"]]
    assert [r.kommune for r in table.rows] == list(TABLE_2025)
    for row in table.rows:
        assert [cell.text for cell in row.cells] == [expected_cell(code) for code in TABLE_2025[row.kommune]]
        for cell, code in zip(row.cells, TABLE_2025[row.kommune]):
            assert cell.unzustaendig == (code == "0")
    assert table.sums == SUMS_2025
    hinschg = TABLE_PROJECTS.index("HINSCHG")
    shaded = {r.kommune for r in table.rows if r.cells[hinschg].unzustaendig}
    assert shaded == {"Biebesheim", "Stockstadt"}
    assert table.landscape and not table.abbreviated
    assert "Raunheim" in [r.kommune for r in table.rows]
    assert table.rows[9].cells[0].text == "X (PG, LKG)"


@pytest.mark.parametrize("n_projects, landscape, abbreviated", [(1, False, False), (4, False, False),
                                                                 (7, True, False), (11, True, True),
                                                                 (12, True, True)])
def test_table_layout_follows_the_number_of_columns(n_projects, landscape, abbreviated):
    data = make_data(n_projects=n_projects)
    table = participation_table(data)
    assert len(table.groups) == n_projects
    assert table.landscape is landscape
    assert table.abbreviated is abbreviated
    assert len(table.sums) == len(table.columns) == n_projects + n_projects // 3
    if abbreviated:
        assert len(table.key) == len(table.columns)
        assert all(label and titel for label, titel in table.key)


def test_sums_count_only_participants():
    data = make_data(n_projects=3)
    table = participation_table(data)
    for i, col in enumerate(table.columns):
        assert table.sums[i] == len(data.projekt(col.projekt).participants)


# --- contexts ------------------------------------------------------------------


def _walk(value, path="ctx"):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(value, (list, tuple)) and not isinstance(value, str):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, value


@pytest.mark.parametrize("data_factory", [data_2025, make_data, lambda: make_data(texts=False, reports=False)])
def test_contexts_never_contain_none(data_factory):
    data = data_factory()
    for ref in documents_for(data):
        ctx = context_of(data, ref.kind, data.projekt(ref.project) if ref.project else None)
        for path, value in _walk(ctx):
            assert value is not None, path
            if isinstance(value, str):
                assert "None" not in value, path


def test_documents_of_2025():
    docs = documents_for(data_2025())
    kinds = [d.kind for d in docs]
    assert kinds.count("projektauftrag") == 10  # the 9 table columns and the Informationssicherheitsstelle
    assert [d.project for d in docs if d.kind == "schlussbericht"] == ["REINIGUNG", "SMART-REGION", "HITZE"]
    assert kinds.count("zwischenbericht") == 0
    assert kinds[-1] == "jahresbericht"


def test_project_lists_of_2025():
    lists = project_lists(data_2025())
    assert lists["abgeschlossen"] == [
        "Beschaffung von Feuerwehrbedarf, Organisation der Instandhaltung (15 Kreiskommunen)",
        "Umsetzung des Hinweisgeberschutzgesetzes (13 Kreiskommunen)",
        "Smart Cities / Smart Region (14 Kreiskommunen)",
        "Hitzeaktionsplanung (14 Kreiskommunen)",
        "Prüfung ortsveränderlicher elektrischer Anlagen (11 Kreiskommunen, 7 kommunale Unternehmen - "
        "europaweites Vergabeverfahren für den Zeitraum 1.9.2025 – 31.8.2027)",
    ]
    assert lists["laufend"] == [
        "Reinigung kommunaler Liegenschaften – Pilotprojekt IKZ-Umsetzung (Umsetzungs(pilot)projekt mit 4 "
        "Kreiskommunen)",
        "Archivwesen (12 Kreiskommunen)",
    ]
    assert lists["umgesetzt"][0] == "Beschaffungswesen (Basis-Projekt)"
    assert len(lists["umgesetzt"]) == 7
    assert lists["ohne_kooperation"][0].startswith("Bezügeabrechnung (einige Kommunen")
    assert len(lists["ohne_kooperation"]) == 3


def test_annual_report_context_2025():
    data = data_2025()
    ctx = context_of(data, "jahresbericht", None)
    b = ctx["bericht"]
    assert b["titel"] == ("12. Zwischenbericht zum Sachstand des kreisweiten Prozesses der interkommunalen "
                          "Zusammenarbeit im Kreis Groß-Gerau")
    assert b["stand"] == "Oktober 2025"
    assert b["zeitraum"] == "November 2024 bis Oktober 2025"
    assert b["zeitraum_datum"] == "1.11.2024 – 31.10.2025"
    assert b["startjahr"] == "2013"
    assert ctx["kreis"]["zusammensetzung"] == "14 Städte und Gemeinden und Kreis Groß-Gerau"
    assert ctx["lenkungsgruppe"]["anzahl_text"] == "sechs"
    assert ctx["lenkungsgruppe"]["gruppen"][0]["mitglieder"] == [
        "Peter Burger, Gernsheim", "Patrick Burghardt, Rüsselsheim am Main", "Karsten Groß, Mörfelden-Walldorf",
        "Marcus Merkel, Büttelborn"]
    assert ctx["lenkungsgruppe"]["gruppen"][-1]["mitglieder"] == ["Marion Götz, c/o Stadt Raunheim"]
    # 1.1: the current projects with texts (not the Vergabeverfahren without texts), lettered a) …
    assert [(p["buchstabe"], p["id"]) for p in ctx["projekte"]] == [
        ("a)", "FEUERWEHR"), ("b)", "REINIGUNG"), ("c)", "HINSCHG"), ("d)", "SMART-REGION"), ("e)", "HITZE"),
        ("f)", "ARCHIV")]
    # the standard process text is split where the list of Arbeitsabschnitte belongs
    assert ctx["ablauf"]["mit_ueberleitung"] is True
    assert ctx["ablauf"]["vor"].blocks[-1].text.endswith("folgende Arbeitsabschnitte:")
    assert ctx["ablauf"]["nach"].blocks[0].text.startswith("Nach Abschluss")
    assert [a["nummer_text"] for a in ctx["arbeitsabschnitte"]] == [
        "I.", "1.", "2.", "3.", "4.", "II.", "5.", "6.", "7.", "III."]
    texts = [f["text"] for f in ctx["foerdermittel"]]
    assert texts[0].blocks[0].text.startswith(
        "Im Berichtszeitraum hat das Land Hessen IKZ-Fördermittel in Höhe von 150.000 Euro für das Vorhaben "
        "„Schaffung der Interkommunalen Informationssicherheitsstelle im Kreis Groß-Gerau“ bewilligt. 13 "
        "Kreiskommunen")
    assert "Verwendungsnachweis für die 2021 vom Land Hessen erhaltenen IKZ-Fördermittel in Höhe von 100.000 Euro" \
        in texts[1].blocks[0].text
    assert "beim Land Hessen beantragt." in texts[2].blocks[0].text
    assert ctx["diagramm"].values == SUMS_2025
    assert "Balkendiagramm" in ctx["diagramm"].alt


def test_projektauftrag_context_2025():
    data = data_2025()
    ctx = context_of(data, "projektauftrag", data.projekt("ARCHIV"))
    assert ctx["beteiligte"]["anzahl_text"] == "11 der 14 Städte und Gemeinden und der Kreis Groß-Gerau"
    assert ctx["projektleitung_text"] == "Stadt Rüsselsheim am Main"
    assert ctx["beteiligte"]["ohne_vertretung"] == "Gemeinde Trebur"
    signatures = ctx["unterschriften"]
    assert len(signatures) == 12
    assert signatures[0] == {
        "kommune": "Gemeinde Biebesheim am Rhein",
        "ort": "Biebesheim am Rhein",
        "unterzeichner": "Der Bürgermeister / Die Bürgermeisterin der Gemeinde Biebesheim am Rhein",
        "beschriftung": "Unterschrift Gemeinde Biebesheim am Rhein",
        "unterzeichnet": "",
        "datum": "",
        "vermerk": "",
    }
    assert [a["termin"] for a in ctx["abschnitte"]][:3] == ["erledigt am 1.7.2025", "bis 31.8.2025",
                                                            "bis 31.10.2025"]
    assert ctx["zeitplan"] and len(ctx["zeitplan"].steps) == 10
    assert "Zeitplan" in ctx["zeitplan"].alt


def test_report_contexts_carry_the_votum():
    data = make_data()
    p = data.projekt("P01")
    zb = context_of(data, "zwischenbericht", p)
    assert zb["projektbericht"]["datum"] == "31.7.2025"
    assert zb["projektbericht"]["fazit"].startswith("Die Projektgruppe empfiehlt die interkommunale Zusammenarbeit")
    sb = context_of(data, "schlussbericht", p)
    assert "für Teile der Aufgabe" in sb["projektbericht"]["fazit"]
    assert sb["foerdermittel"][0]["betrag"] == "150.000 Euro"
    smart = data_2025().projekt("SMART-REGION")
    sb = context_of(data_2025(), "schlussbericht", smart)
    assert [f["titel"] for f in sb["projekt"]["folgeprojekte"]] == ["KI-Systeme"]
    assert sb["projekt"]["folgeprojekte"][0]["text"] == "Umsetzungsprojekt „KI-Systeme“ (12 Kreiskommunen)"


def test_control_characters_are_removed():
    data = make_data(n_projects=1, titel="Titel\x07mit\x00Steuerzeichen")
    ctx = context_of(data, "projektauftrag", data.projekt("P01"))
    assert ctx["projekt"]["titel"] == "TitelmitSteuerzeichen"
    rt = clean_rich(RichText(()))
    assert not rt


# --- file names ------------------------------------------------------------------


def test_slugs_are_ascii_and_unique():
    assert slug("FEUERWEHR") == "FEUERWEHR"
    assert slug("Lärm/Öl & Gas") == "Laerm-Oel-Gas"
    assert slug("Straße") == "Strasse"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("") == "dokument"
    slugs = unique_slugs(["A/B", "A-B", "FEUERWEHR", "Feuerwehr", "ÄRGER"])
    assert len(set(s.lower() for s in slugs.values())) == 5
    assert slugs["ÄRGER"].startswith("AERGER-")  # lossy slug: hash of the original ID appended
    assert slugs["FEUERWEHR"] != slugs["Feuerwehr"]
    assert slugs["A-B"] == "A-B" and slugs["A/B"].startswith("A-B-")
    assert all(s.isascii() and "/" not in s and "\\" not in s for s in slugs.values())
    assert unique_slugs(["Feuerwehr", "FEUERWEHR"]) == unique_slugs(["FEUERWEHR", "Feuerwehr"])
    # without the other IDs (as the incremental run uses it): clean IDs stay as they are
    assert stem_slug("FEUERWEHR") == "FEUERWEHR"
    assert stem_slug("A/B") != stem_slug("A-B")
    data = data_2025()
    assert document_kind("projektauftrag").stem(data, data.projekt("FEUERWEHR")) == "projektauftrag-FEUERWEHR"
    assert document_kind("jahresbericht").stem(data, None) == "jahresbericht-2025"


def test_frozen_model_is_not_changed():
    data = data_2025()
    before = dataclasses.asdict(data.bericht)
    context_of(data, "jahresbericht", None)
    assert dataclasses.asdict(data.bericht) == before
