"""The second year: a new workbook from last year's, and a check that finds what a plain copy carries over.

The office starts each year from last year's workbook. `neues-jahr` writes the
next report's workbook (number, period, nothing of last year reported again),
and the README's path (check, report) then gives a report 13 that names
neither 12 nor the old period. A workbook merely copied and given the new
number (no `neues-jahr`) makes `check` warn about each stale fact.
"""

from __future__ import annotations

import copy
import datetime as dt
import re

import openpyxl
import pytest

from pipeline import period
from pipeline.blank import write_workbook
from pipeline.validate import load
from tests.helpers_pdf import pdftotext
from tests.helpers_run import SAMPLE, cli
from tools import sample_data

OLD = dict(nummer=12, von=dt.date(2024, 11, 1), bis=dt.date(2025, 10, 31), stand=dt.date(2025, 10, 31))
NEW = dict(nummer=13, von=dt.date(2025, 11, 1), bis=dt.date(2026, 10, 31), stand=dt.date(2026, 10, 31))


def pdf_text(path) -> str:
    return pdftotext(path, "-layout")


@pytest.mark.slow  # a whole report run
def test_neues_jahr_then_the_readme_path_gives_report_13_without_last_years_facts(tmp_path):
    target = tmp_path / "ikz 2026.xlsx"
    made = cli("neues-jahr", SAMPLE, target)
    assert made.returncode == 0, made.stdout + made.stderr
    assert f"Neue Arbeitsmappe für den 13. Bericht: {target}" in made.stdout
    assert "Berichtszeitraum 1.11.2025 – 31.10.2026, Stand 31.10.2026" in made.stdout
    assert "Entfernt, weil sie zum Vorjahr gehören: Presse 1 Zeile, Projektberichte 3 Zeilen, Fördermittel 3 Zeilen" \
        in made.stdout
    assert re.search(r"- Projekte!I\d+: »HITZE« endete 31\.10\.2025: nicht mehr im Jahresbericht", made.stdout)
    assert "Bitte prüfen:" in made.stdout and 'make check WORKBOOK="' in made.stdout

    bericht = openpyxl.load_workbook(target)["Bericht"]
    assert [c.value for c in bericht[2]][:4] == [13, dt.datetime(2025, 11, 1), dt.datetime(2026, 10, 31),
                                                dt.datetime(2026, 10, 31)]
    checked = cli("check", target)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 Fehler" in checked.stdout
    assert "außerhalb des Berichtszeitraums" not in checked.stdout and "nennt »" not in checked.stdout

    out = tmp_path / "out"
    run = cli("report", target, "--outputs", out, "--state", tmp_path / "state")
    assert run.returncode == 0, run.stdout + run.stderr
    folder = out / "ikz 2026"
    text = pdf_text(folder / "pdf" / "jahresbericht-2026.pdf")
    flat = " ".join(text.split())
    assert "13. Zwischenbericht" in flat and "im 13. Jahr des kreisweiten IKZ-Prozesses" in flat
    assert "in der Zeit von November 2025 bis Oktober 2026" in flat
    assert "im Berichtszeitraum vom 1.11.2025 – 31.10.2026" in flat
    for stale in ("12. Zwischenbericht", "im 12. Jahr", "November 2024", "1.11.2024", "31.10.2025",
                  "Kostensenkung durch IKZ-Projekte",  # press of 15.2.2025
                  "Prostituiertenschutzgesetzes“ konnte im Berichtszeitraum"):  # Fördermittel of last period
        assert stale not in flat, stale
    # last year's finished projects are not »finished in the period« again, but among the earlier ones
    assert "im Berichtszeitraum (November 2025 – Oktober 2026) abgeschlossen" not in flat
    earlier = flat[flat.index("bis vor Beginn des Berichtszeitraums bereits erfolgreich umgesetzt"):][:2500]
    assert "Hitzeaktionsplanung" in earlier and "Umsetzung des Hinweisgeberschutzgesetzes" in earlier
    assert not list((folder / "pdf").glob("schlussbericht-*.pdf"))  # delivered last year
    # the pilot whose Prüfprojekt ended last year still has its column in the participation table
    assert "Pilotprojekt IKZ-Umsetzung" in flat


def test_neues_jahr_never_overwrites(tmp_path):
    target = tmp_path / "schon-da.xlsx"
    target.write_bytes(b"meins")
    result = cli("neues-jahr", SAMPLE, target)
    assert result.returncode == 2
    assert f"Fehler: {target} gibt es schon; nichts wurde verändert." in result.stderr
    assert target.read_bytes() == b"meins"


def _literal(text, values):
    return period.fill(text, values)[0] if isinstance(text, str) else text


def test_check_warns_about_each_stale_fact_in_a_copy_that_was_not_rolled_over(tmp_path):
    """Last year's workbook as staff typed it (numbers and periods written out), copied and given the
    number and period of report 13, nothing else changed."""
    rows = copy.deepcopy(sample_data.SAMPLE)
    old = period.values(**OLD)
    for sheet in ("Berichtstexte", "Projekttexte"):
        for row in rows[sheet]:
            row["text"] = _literal(row["text"], old)
    rows["Bericht"][0].update(NEW)
    path = write_workbook(tmp_path / "kopie.xlsx", rows)
    _, warnings = load(path)
    found = [str(w) for w in warnings]

    def has(*parts):
        return any(all(p in w for p in parts) for w in found)

    assert has("Berichtstexte!B", "»12. Zwischenbericht«", "dies ist der 13. Bericht", "Vorschlag: »{Berichtsnummer}. Zwischenbericht«")
    assert has("Berichtstexte!B", "»November 2024 bis Oktober 2025«", "Vorschlag: »{Berichtszeitraum}«")
    assert has("Berichtstexte!B", "»1.11.2024 – 31.10.2025«", "Vorschlag: »{Zeitraum von} – {Zeitraum bis}«")
    assert sum("»November 2024 bis Oktober 2025«" in w for w in found) == 2  # Einleitung, Informationsmanagement
    assert has("Presse!A", "außerhalb des Berichtszeitraums", "Gefunden: »15.2.2025«")
    assert sum("Fördermittel!" in w and "außerhalb des Berichtszeitraums" in w for w in found) == 3
    assert sum("Projekte!I" in w and "endete vor dem Berichtszeitraum" in w for w in found) == 6
    assert sum("Projektberichte!C" in w and "liegt vor dem Berichtszeitraum" in w for w in found) == 3
    # and the report leaves all of them out
    from pipeline.content.projekte import project_lists
    from pipeline.kinds.jahresbericht import jahresbericht_context

    data, _ = load(path)
    ctx = jahresbericht_context(data)
    assert not ctx["foerdermittel"] and all(p["titel"] != "Kostensenkung durch IKZ-Projekte" for p in ctx["presse"])
    assert not project_lists(data)["abgeschlossen"]
    from pipeline.kinds import documents_for

    assert not [r for r in documents_for(data) if r.kind == "schlussbericht"]


def test_fields_in_texts_and_literal_braces(tmp_path):
    from tests.wb import make_workbook, minimal_rows

    rows = minimal_rows()
    rows["Berichtstexte"] = [
        dict(abschnitt="Einleitung", text="Der {Berichtsnummer}. Bericht für {Berichtszeitraum}, {{Klammern}} bleiben."),
        dict(abschnitt="Ausblick", text="Im Jahr {Folgejahr} folgt {Berichtsjahr}+1 und {Unbekannt}."),
    ]
    path = make_workbook(tmp_path / "felder.xlsx", rows)
    from pipeline.errors import ValidationError

    with pytest.raises(ValidationError) as info:
        load(path)
    (problem,) = [p for p in info.value.problems if "Unbekanntes Feld" in p.message]
    assert str(problem.location) == "felder.xlsx › Berichtstexte!B3 (Text)"
    assert problem.value == "{Unbekannt}" and "{Berichtszeitraum}" in problem.allowed
    rows["Berichtstexte"][1]["text"] = "Im Jahr {Folgejahr} folgt mehr."
    make_workbook(path, rows)
    data, _ = load(path)
    assert data.text("Einleitung").plain == "Der 12. Bericht für November 2024 bis Oktober 2025, {Klammern} bleiben."
    assert data.text("Ausblick").plain == "Im Jahr 2026 folgt mehr."


def test_stale_finds_numbers_periods_and_years_but_not_other_ranges():
    text = ("Der vorliegende 12. Zwischenbericht für November 2024 bis Oktober 2025; Lenkungsgruppe vom "
            "1.11.2024 – 31.10.2025; Vergabe für 1.9.2025 – 31.8.2027; im Berichtsjahr 2025.")
    found = period.stale(text, 13, dt.date(2025, 11, 1), dt.date(2026, 10, 31))
    assert [s.found for s in found] == ["12. Zwischenbericht", "November 2024 bis Oktober 2025",
                                        "1.11.2024 – 31.10.2025", "Berichtsjahr 2025"]
    replaced, _ = period.replace_stale(text, 13, dt.date(2025, 11, 1), dt.date(2026, 10, 31))
    assert replaced == ("Der vorliegende {Berichtsnummer}. Zwischenbericht für {Berichtszeitraum}; Lenkungsgruppe "
                        "vom {Zeitraum von} – {Zeitraum bis}; Vergabe für 1.9.2025 – 31.8.2027; im Berichtsjahr "
                        "{Berichtsjahr}.")
    assert period.stale(period.fill(replaced, period.values(**NEW))[0], **{k: NEW[k] for k in ("nummer", "von", "bis")}) == []
