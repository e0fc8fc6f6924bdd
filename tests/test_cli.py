"""The command line: exit codes and messages as a user sees them, in a real subprocess."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers_docx import edited_templates
from tests.helpers_run import cli
from tests.wb import make_workbook, minimal_rows

ROOT = Path(__file__).resolve().parent.parent


def test_check_sample_workbook_has_no_errors():
    result = cli("check", ROOT / "inputs" / "ikz-2025.xlsx")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 Fehler" in result.stdout
    assert "15 Kommunen" in result.stdout
    assert "Traceback" not in result.stderr


def test_check_bad_workbook_lists_all_errors_exit_1(tmp_path):
    rows = minimal_rows()
    rows["Beteiligung"][0]["kommune"] = "Atlantis"
    rows["Projekte"][0]["start"] = "tbd"
    path = make_workbook(tmp_path / "kaputt.xlsx", rows)
    result = cli("check", path)
    assert result.returncode == 1
    assert "kaputt.xlsx › Beteiligung!B2 (Kommune): Unbekannte Kommune" in result.stdout
    assert "kaputt.xlsx › Projekte!G2 (Start): Kein Datum. Gefunden: »tbd«" in result.stdout
    assert "2 Fehler" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_check_missing_file_is_one_german_line(tmp_path):
    result = cli("check", tmp_path / "fehlt.xlsx")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1  # one line
    assert result.stderr.startswith(f"Fehler: fehlt.xlsx: Die Arbeitsmappe gibt es nicht ({tmp_path / 'fehlt.xlsx'}).")


def test_check_warnings_only_exit_0(tmp_path):
    result = cli("check", make_workbook(tmp_path / "ok.xlsx"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warnung:" in result.stdout and "0 Fehler" in result.stdout


def test_traceback_flag_shows_traceback(tmp_path):
    result = cli("--traceback", "check", tmp_path / "fehlt.xlsx")
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_usage_error_exit_2():
    result = cli("gibtsnicht")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith(
        "python -m pipeline: Fehler: Angabe BEFEHL: unbekannter Befehl: 'gibtsnicht' (möglich: 'check', ")


@pytest.mark.parametrize("args, message", [
    ((), "python -m pipeline: Fehler: diese Angaben fehlen: BEFEHL"),
    (("verify", "--gibtsnicht"), "python -m pipeline: Fehler: unbekannte Angaben: --gibtsnicht"),
    (("report", "-j", "viele"), "python -m pipeline report: Fehler: Angabe -j/--jobs: ungültiger Wert: 'viele'"),
    (("report", "--wait"), "python -m pipeline report: Fehler: Angabe --wait: erwartet einen Wert"),
    (("neues-jahr", "a.xlsx"), "python -m pipeline neues-jahr: Fehler: diese Angaben fehlen: NEU"),
])
def test_usage_errors_and_help_are_german(args, message):
    result = cli(*args)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].startswith("Aufruf: python -m pipeline")
    assert result.stderr.splitlines()[-1] == message


def test_help_is_german():
    result = cli("ruecklauf", "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("Aufruf: python -m pipeline ruecklauf")
    assert "\nArgumente:\n" in result.stdout and "\nOptionen:\n" in result.stdout
    assert "-h, --help" in result.stdout and "diese Hilfe zeigen und beenden" in result.stdout
    assert not re.search(r"\b(usage|options|positional arguments|show this help)\b", result.stdout)


# --------------------------------------------------------------------------- exit codes, class by class

DAMAGED = ("Die Datei ist beschädigt oder keine Excel-Arbeitsmappe. "
           "Bitte in Excel öffnen und als »Excel-Arbeitsmappe (*.xlsx)« neu speichern.")


def _outputs(command: str, tmp_path: Path) -> tuple:
    if command == "check":
        return ()
    if command == "render":
        return ("--outputs", tmp_path / "out")
    return ("--outputs", tmp_path / "out", "--state", tmp_path / "state")


def _truncated(tmp_path: Path) -> Path:
    path = tmp_path / "abgeschnitten.xlsx"
    path.write_bytes(make_workbook(tmp_path / "ganz.xlsx").read_bytes()[:3000])
    return path


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "tabelle.xlsx"
    path.write_text("Kommune;Einwohner\nRaunheim;16000\n", encoding="utf-8")
    return path


def _control_byte(tmp_path: Path) -> Path:
    """A raw control byte inside a sheet's XML (not well-formed XML)."""
    import zipfile

    good = make_workbook(tmp_path / "gut.xlsx")
    path = tmp_path / "steuerzeichen.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet") and b"Raunheim" in data:
                data = data.replace(b"Raunheim", b"Raun\x07heim", 1)
            zout.writestr(item, data)
    return path


def _invalid(tmp_path: Path) -> Path:
    rows = minimal_rows()
    rows["Beteiligung"][0]["kommune"] = "Atlantis"
    return make_workbook(tmp_path / "fehlerhaft.xlsx", rows)


WORKBOOK_CASES = {
    "fehlt": (lambda tmp: tmp / "fehlt.xlsx", "Die Arbeitsmappe gibt es nicht ("),
    "abgeschnitten": (_truncated, DAMAGED),
    "csv": (_csv, DAMAGED),
    "steuerzeichen": (_control_byte, DAMAGED),
    "ungueltig": (_invalid, "Unbekannte Kommune. Gefunden: »Atlantis«."),
}


@pytest.mark.parametrize("command", ["check", "render", "report"])
@pytest.mark.parametrize("case", sorted(WORKBOOK_CASES))
def test_workbook_problems_exit_1_with_german_message(tmp_path, command, case):
    make, message = WORKBOOK_CASES[case]
    path = make(tmp_path)
    result = cli(command, path, *_outputs(command, tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert message in output
    assert "Traceback" not in output and "Error" not in output and "line 1, column" not in output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.pdf"))


def _broken_templates(tmp_path: Path) -> Path:
    return edited_templates(tmp_path / "vorlagen", "projektauftrag.docx", b"{{ projekt.titel }}",
                            b"{{ projekt.gibtsnicht }}", 1)


@pytest.mark.parametrize("command", ["check", "render", "report"])
def test_template_error_exits_1_in_every_command(tmp_path, command):
    wb = make_workbook(tmp_path / "ok.xlsx")
    result = cli(command, wb, "--templates", _broken_templates(tmp_path), *_outputs(command, tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "projektauftrag.docx" in output and "projekt.gibtsnicht" in output
    assert "Traceback" not in output


def test_missing_libreoffice_exits_3(tmp_path):
    wb = make_workbook(tmp_path / "ok.xlsx")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    result = cli("report", wb, "--outputs", tmp_path / "out", "--state", tmp_path / "state",
                 env={"PATH": str(bin_dir)})
    assert result.returncode == 3, result.stdout + result.stderr
    assert "LibreOffice ist nicht installiert" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("sheet", ["Kommunen", "Projekte"])
def test_workbook_with_nothing_to_report_is_an_error_naming_the_sheet(tmp_path, sheet):
    rows = minimal_rows()
    if sheet == "Kommunen":
        for name in ("Kommunen", "Beteiligung", "Lenkungsgruppe"):
            rows[name] = []
    else:
        for p in rows["Projekte"]:
            p["aktuell"] = False
    result = cli("check", make_workbook(tmp_path / "leer.xlsx", rows))
    assert result.returncode == 1, result.stdout
    assert f"leer.xlsx › {sheet}: " in result.stdout
    assert "1 Fehler" in result.stdout


def test_invalid_project_id_is_one_error_with_its_references_counted(tmp_path):
    rows = minimal_rows()
    for sheet in rows.values():
        for row in sheet:
            for key, value in row.items():
                if value == "REINIGUNG":
                    row[key] = "A/B C"
    result = cli("check", make_workbook(tmp_path / "id.xlsx", rows))
    assert result.returncode == 1
    errors = sorted({line for line in result.stdout.splitlines() if line.startswith("Fehler:")})
    assert len(errors) == 1, errors
    assert errors[0].startswith("Fehler: id.xlsx › Projekte!A2 (Projekt-ID): Ungültige Kennung. Dazu 9 Verweise darauf")
    assert "1 Fehler" in result.stdout


def test_readme_error_example_is_what_check_prints(tmp_path):
    import shutil

    import openpyxl

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = next(line for line in readme.splitlines() if line.startswith("Fehler: ikz-2025.xlsx › "))
    m = re.match(r"Fehler: ikz-2025\.xlsx › (\w+)!([A-Z]+\d+) \(.*?\): .*Gefunden: »(.*?)«", example)
    sheet, cell, value = m.groups()
    path = tmp_path / "ikz-2025.xlsx"
    shutil.copyfile(ROOT / "inputs" / "ikz-2025.xlsx", path)
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)
    result = cli("check", path)
    assert result.returncode == 1
    assert example in result.stdout.splitlines()


def test_readme_exit_code_table_matches_the_program():
    from pipeline.cli import Exit

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (\d) \| (.+?) \|$", readme, re.M))
    assert set(table) == {"0", "1", "2", "3"}
    assert {int(k) for k in table} == {e.value for e in Exit if e.value < 100}
    assert "Arbeitsmappe" in table["1"] and "Vorlage" in table["1"] and "LibreOffice" in table["3"]


def test_misspelled_names_get_a_suggestion_and_errors_come_again_at_the_end(tmp_path):
    rows = minimal_rows()
    rows["Kommunen"][2]["key"] = "Büttelborn"
    for r in rows["Beteiligung"] + rows["Lenkungsgruppe"]:
        if r.get("kommune") == "Gernsheim":
            r["kommune"] = "Büttelborn"
    rows["Beteiligung"][0]["kommune"] = "Buttelborn"  # no umlaut, as typed in a hurry
    rows["Projekttexte"][0]["projekt"] = "REINIGUGN"
    result = cli("check", make_workbook(tmp_path / "tippfehler.xlsx", rows))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any("Unbekannte Kommune. Meinten Sie »Büttelborn«? Gefunden: »Buttelborn«." in line for line in lines)
    assert any("Unbekannte Projekt-ID. Meinten Sie »REINIGUNG«? Gefunden: »REINIGUGN«." in line for line in lines)
    # after the warnings, the errors once more, so they are not buried
    summary = lines.index("Zu beheben (2 Fehler):")
    assert [line for line in lines[summary + 1:] if line.startswith("Fehler:")] == \
        [line for line in lines[:summary] if line.startswith("Fehler:")]
    assert max(i for i, line in enumerate(lines) if line.startswith("Warnung:")) < summary
    assert lines[-1].startswith("Die Arbeitsmappe hat Fehler. Bitte die Zellen oben korrigieren")


@pytest.mark.slow  # a whole report run
def test_progress_bar_fits_an_80_column_terminal(tmp_path):
    """In a real (pseudo-)terminal of 80 columns every redraw of the bar stays on one line, and it
    moves: one update per document, bundle and step, then the summary as in a pipe."""
    import fcntl
    import pty
    import struct
    import termios

    wb = make_workbook(tmp_path / "klein.xlsx")
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "report", str(wb), "--outputs", str(tmp_path / "out"),
                             "--state", str(tmp_path / "state")], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    stdout = proc.communicate(timeout=600)[0].decode()
    os.close(leader)
    assert proc.returncode == 0, stdout
    drawn = b"".join(chunks).decode("utf-8", errors="replace").replace("\r\n", "\n")
    updates = [u for u in re.split(r"[\r\n]", drawn) if u.strip()]
    assert updates and max(len(u) for u in updates) <= 79, max(updates, key=len)
    assert len(updates) >= 3 + 3 + 5, updates  # documents rendered, converted, signed + bundles
    assert any(re.search(r"\[#+-*\] \d+/\d+ ", u) for u in updates), updates
    assert "\n" not in drawn.strip("\n"), "a redraw must not start a new line"
    assert "Fertig in" in stdout
