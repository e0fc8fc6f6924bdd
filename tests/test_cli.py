"""The command line: exit codes and messages as a user sees them, in a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.wb import make_workbook, minimal_rows

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=ROOT):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_check_sample_workbook_has_no_errors():
    result = run("check", ROOT / "inputs" / "ikz-2025.xlsx")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 Fehler" in result.stdout
    assert "15 Kommunen" in result.stdout
    assert "Traceback" not in result.stderr


def test_check_bad_workbook_lists_all_errors_exit_1(tmp_path):
    rows = minimal_rows()
    rows["Beteiligung"][0]["kommune"] = "Atlantis"
    rows["Projekte"][0]["start"] = "tbd"
    path = make_workbook(tmp_path / "kaputt.xlsx", rows)
    result = run("check", path)
    assert result.returncode == 1
    assert "kaputt.xlsx › Beteiligung!B2 (Kommune): Unbekannte Kommune" in result.stdout
    assert "kaputt.xlsx › Projekte!G2 (Start): Kein Datum. Gefunden: »tbd«" in result.stdout
    assert "2 Fehler" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_check_missing_file_is_one_german_line(tmp_path):
    result = run("check", tmp_path / "fehlt.xlsx")
    assert result.returncode == 3
    assert result.stderr.strip() == "Fehler: fehlt.xlsx: Die Arbeitsmappe gibt es nicht. Bitte den Pfad prüfen."


def test_check_warnings_only_exit_0(tmp_path):
    result = run("check", make_workbook(tmp_path / "ok.xlsx"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warnung:" in result.stdout and "0 Fehler" in result.stdout


def test_traceback_flag_shows_traceback(tmp_path):
    result = run("--traceback", "check", tmp_path / "fehlt.xlsx")
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_usage_error_exit_2():
    result = run("gibtsnicht")
    assert result.returncode == 2
