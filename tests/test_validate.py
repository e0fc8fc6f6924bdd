"""Validator: every rule, all problems at once, each with sheet, cell, column, value and what is allowed."""

from __future__ import annotations

import datetime as dt

from pipeline.errors import Severity, ValidationError
from pipeline.validate import load
from tests.wb import make_workbook, minimal_rows


def problems_of(tmp_path, rows) -> tuple[list[str], list[str]]:
    try:
        _, warnings = load(make_workbook(tmp_path / "t.xlsx", rows))
        return [], [str(w) for w in warnings]
    except ValidationError as exc:
        return ([str(p) for p in exc.problems if p.severity is Severity.ERROR],
                [str(p) for p in exc.problems if p.severity is Severity.WARNING])


def assert_error(errors, *needles):
    assert any(all(n in e for n in needles) for e in errors), "\n".join(errors)


def test_all_problems_are_reported_at_once(tmp_path):
    rows = minimal_rows()
    rows["Beteiligung"][0]["kommune"] = "Atlantis"            # unknown Kommune  (B2)
    rows["Beteiligung"][1]["projekt"] = "GIBTESNICHT"         # unknown project  (A3)
    rows["Projekte"][0]["status"] = "fertig"                  # not in vocabulary (E2)
    rows["Projekte"][0]["start"] = "tbd"                      # not a date       (G2)
    rows["Fortbildungen"][0]["teilnehmende"] = "viele"        # not a number     (C2)
    errors, _ = problems_of(tmp_path, rows)
    assert_error(errors, "Beteiligung!B2 (Kommune)", "Unbekannte Kommune", "»Atlantis«", "Blatt »Kommunen«")
    assert_error(errors, "Beteiligung!A3 (Projekt-ID)", "Unbekannte Projekt-ID", "»GIBTESNICHT«")
    assert_error(errors, "Projekte!E2 (Status)", "»fertig«", "»laufend«", "»abgeschlossen«")
    assert_error(errors, "Projekte!G2 (Start)", "Kein Datum", "»tbd«", "31.10.2025")
    assert_error(errors, "Fortbildungen!C2 (Teilnehmende)", "Keine Zahl", "»viele«")
    assert len(errors) == 5


def test_date_as_text_is_read_with_warning(tmp_path):
    rows = minimal_rows()
    rows["Projekte"][0]["start"] = "01.03.2023"
    errors, warnings = problems_of(tmp_path, rows)
    assert not errors
    assert any("Projekte!G2 (Start)" in w and "als Text" in w and "01.03.2023" in w for w in warnings)
    rows["Projekte"][0]["start"] = "31.02.2023"
    errors, _ = problems_of(tmp_path, rows)
    assert_error(errors, "Projekte!G2", "gibt es nicht")


def test_duplicate_participation_row(tmp_path):
    rows = minimal_rows()
    rows["Beteiligung"].append(dict(projekt="REINIGUNG", kommune="Raunheim", status="nicht beteiligt"))
    errors, _ = problems_of(tmp_path, rows)
    assert_error(errors, "Beteiligung!B", "Doppelter Eintrag", "REINIGUNG / Raunheim", "bereits in Zeile 3")


def test_duplicate_project_ids_and_case_collisions(tmp_path):
    rows = minimal_rows()
    rows["Projekte"].append(dict(rows["Projekte"][0]))
    errors, _ = problems_of(tmp_path, rows)
    assert_error(errors, "Projekte!A4 (Projekt-ID)", "Doppelter Eintrag", "bereits in Zeile 2")


def test_invalid_project_id(tmp_path):
    rows = minimal_rows()
    rows["Projekte"][0]["id"] = "Reinigung/Öffentlich"
    errors, _ = problems_of(tmp_path, rows)
    assert_error(errors, "Projekte!A2 (Projekt-ID)", "Ungültige Kennung", "ohne Leerzeichen")


def test_role_needs_participation(tmp_path):
    rows = minimal_rows()
    rows["Beteiligung"][0].update(status="nicht beteiligt", rolle="PL")
    rows["Beteiligung"][1].update(status="keine Aufgabenzuständigkeit", rolle=None, lkg=True)
    errors, _ = problems_of(tmp_path, rows)
    assert_error(errors, "Beteiligung!D2 (Rolle)", "nicht beteiligte Kommune kann keine Rolle", "»PL«")
    assert_error(errors, "Beteiligung!E3 (Lenkungsgruppe)", "ohne Aufgabenzuständigkeit kann nicht über die Lenkungsgruppe")


def test_no_duty_in_parent_but_participates_in_follow_up(tmp_path):
    rows = minimal_rows()
    rows["Beteiligung"][2].update(status="keine Aufgabenzuständigkeit", rolle=None)  # Gernsheim, parent
    errors, _ = problems_of(tmp_path, rows)
    assert_error(errors, "Projekte!F3 (Übergeordnetes Projekt)", "Gernsheim", "keine Aufgabenzuständigkeit", "Folgeprojekt")


def test_follow_up_needs_existing_parent(tmp_path):
    rows = minimal_rows()
    rows["Projekte"][1]["parent"] = "REINIGUNGG"
    errors, _ = problems_of(tmp_path, rows)
    assert_error(errors, "Projekte!F3 (Übergeordnetes Projekt)", "Unbekannte Projekt-ID", "»REINIGUNGG«")
    rows["Projekte"][1]["parent"] = "REINIGUNG-PILOT"
    errors, _ = problems_of(tmp_path, rows)
    assert_error(errors, "Projekte!F3", "sein eigenes übergeordnetes Projekt")


def test_parent_cycle(tmp_path):
    rows = minimal_rows()
    rows["Projekte"][0]["parent"] = "REINIGUNG-PILOT"
    errors, _ = problems_of(tmp_path, rows)
    assert_error(errors, "Übergeordnetes Projekt", "bilden einen Kreis")


def test_dates_in_order(tmp_path):
    rows = minimal_rows()
    rows["Projekte"][0]["ende"] = dt.date(2022, 1, 1)
    rows["Bericht"][0]["bis"] = dt.date(2024, 1, 1)
    rows["Arbeitsabschnitte"][1]["geplant"] = dt.date(2023, 1, 1)  # II before I
    errors, _ = problems_of(tmp_path, rows)
    assert_error(errors, "Projekte!H2 (Ende)", "endet vor seinem Start")
    assert_error(errors, "Bericht!C2 (Zeitraum bis)", "endet vor seinem Beginn")
    assert_error(errors, "Arbeitsabschnitte!C3 (Geplant bis)", "Abschnitt II ist vor Abschnitt I geplant")


def test_amounts_not_negative(tmp_path):
    rows = minimal_rows()
    rows["Fördermittel"][0]["betrag"] = -5
    errors, _ = problems_of(tmp_path, rows)
    assert_error(errors, "Fördermittel!D2 (Betrag (Euro))", "Negative Werte", "»-5«")


def test_required_fields(tmp_path):
    rows = minimal_rows()
    rows["Kommunen"][0]["sitz"] = None
    rows["Projekttexte"][0]["text"] = "   "
    errors, _ = problems_of(tmp_path, rows)
    assert_error(errors, "Kommunen!G2 (Sitz)", "Pflichtfeld ist leer")
    assert_error(errors, "Projekttexte!C2 (Text)", "Pflichtfeld ist leer")


def test_vocabulary_is_case_insensitive_and_bool_words(tmp_path):
    rows = minimal_rows()
    rows["Projekte"][0]["status"] = "Abgeschlossen"
    rows["Beteiligung"][0]["lkg"] = "Ja"
    data, _ = load(make_workbook(tmp_path / "t.xlsx", rows))
    assert data.projekt("REINIGUNG").status == "abgeschlossen"
    assert data.projekt("REINIGUNG").participations[0].lkg is True


def test_missing_office_holder_is_a_warning(tmp_path):
    errors, warnings = problems_of(tmp_path, minimal_rows())
    assert not errors
    assert any("Kommunen!F2 (Dienststellenleitung)" in w and "Amt" in w for w in warnings)


def test_kreis_needs_landrat(tmp_path):
    rows = minimal_rows()
    rows["Kommunen"][3]["amt"] = "Bürgermeister"
    errors, _ = problems_of(tmp_path, rows)
    assert_error(errors, "Kommunen!E5 (Amtsbezeichnung)", "Landrat")


def test_bericht_needs_exactly_one_row(tmp_path):
    rows = minimal_rows()
    rows["Bericht"].append(dict(rows["Bericht"][0]))
    errors, _ = problems_of(tmp_path, rows)
    assert_error(errors, "Bericht", "genau eine ausgefüllte Zeile", "gefunden: 2")


def test_interim_report_needs_verdict(tmp_path):
    rows = minimal_rows()
    rows["Projektberichte"].append(dict(projekt="REINIGUNG", art="Zwischenbericht", datum=dt.date(2024, 6, 1)))
    errors, warnings = problems_of(tmp_path, rows)
    assert_error(errors, "Projektberichte!D2 (Votum)", "Fazit", "empfohlen")
    assert any("Ist-Analyse" in w for w in warnings)
