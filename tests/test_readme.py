"""The README's staff commands, run exactly as written, in a copy of the project."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.helpers_run import ROOT, copy_project, shell_env

pytestmark = pytest.mark.slow  # whole pipeline runs: `make test`, not `make test-schnell`


README = (ROOT / "README.md").read_text(encoding="utf-8")


def _staff_part() -> str:
    return README[: README.index("## Die Arbeitsmappe")]


def _commands() -> list[str]:
    """The two commands at the top, then every `make …` command quoted in the staff part, in order."""
    top = [line.split("#")[0].strip() for line in README.split("```")[1].strip().splitlines()]
    found = re.findall(r"`(make [^`]+)`", _staff_part())
    return list(dict.fromkeys(top + [c for c in found if "<" not in c and "…" not in c]))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the checked-in project (as after `git clone`), sharing the installed .venv."""
    target = tmp_path_factory.mktemp("projekt") / "ikz"
    copy_project(target)
    (target / ".venv").symlink_to(ROOT / ".venv")
    os.utime(target / "pyproject.toml", (0, 0))  # the shared .venv is up to date: make need not install
    return target


def make(project: Path, command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", command], cwd=project, env=shell_env(), capture_output=True, text=True,
                          timeout=900, stdin=subprocess.DEVNULL)


def test_readme_starts_with_the_two_commands():
    block = README.split("```")[1]
    assert [line.split("#")[0].strip() for line in block.strip().splitlines()] == ["make report", "make test"]
    assert {"make check", "make report", "make verify", "make help"} <= {c.split()[0] + " " + c.split()[1]
                                                                        for c in _commands()}


def test_staff_commands_work_as_written(project):
    commands = _commands()
    ran = []
    for command in commands:
        if command.startswith(("make test", "make serve")):
            continue  # the test suite itself; the server runs until stopped (tests/web starts it)
        named = re.search(r'DATEI="([^"]+\.pdf)"', command)
        if "verify" in command and named:
            # the returned file the README names: a Projektauftrag as a council sends it back
            pdf = named.group(1)
            (project / pdf).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(project / "outputs" / "ikz-2025" / "pdf" / "projektauftrag-KI-SYSTEME.pdf", project / pdf)
        folder = re.search(r'ORDNER="([^"]+)"', command)
        if command.startswith("make ruecklauf") and folder:
            # the folder the README names, with a returned Projektauftrag under another name
            (project / folder.group(1)).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(project / "outputs" / "ikz-2025" / "pdf" / "projektauftrag-KI-SYSTEME.pdf",
                            project / folder.group(1) / "Scan vom Rathaus.pdf")
        result = make(project, command)
        output = result.stdout + result.stderr
        ran.append(command)
        assert "Traceback" not in output, (command, output)
        assert ".venv/bin/python -m" not in result.stdout, (command, "internal command echoed")
        assert result.returncode == 0, (command, output)
        if command.startswith("make neues-jahr"):
            assert "Neue Arbeitsmappe für den 13. Bericht: inputs/ikz-2026.xlsx" in output and "Bitte prüfen:" in output
        if command.startswith("make check WORKBOOK=") and "2026" in command:
            assert "0 Fehler" in output and "nennt »" not in output, output  # nothing stale in the new year
        if command.startswith("make report WORKBOOK=") and "2026" in command:
            assert (project / "outputs" / "ikz-2026" / "pdf" / "jahresbericht-2026.pdf").is_file()
        if command.startswith("make verify") and named:
            assert "Projektauftrag „KI-Systeme“" in output and "1 Datei geprüft" in output, output
        if command == "make report":
            assert "Fertig in" in output and "Neu erzeugt:" in output
        if command.startswith("make ruecklauf"):
            assert "Scan vom Rathaus.pdf: Projektauftrag" in output
            assert re.search(r"KI-SYSTEME: \d+ von \d+ unterschrieben", output), output
        if command.startswith("make new-workbook"):
            path = project / re.search(r'DATEI="([^"]+)"', command).group(1)
            assert path.is_file() and "So geht es weiter" in output
            mode = stat.S_IMODE(path.stat().st_mode)
            assert mode & 0o044 == 0o044, oct(mode)  # colleagues can read it (umask 022)
    assert "make report" in ran and "make check" in ran and any(c.startswith("make verify") for c in ran)
    assert any(c.startswith("make neues-jahr") for c in ran)


def test_paths_with_spaces_and_umlauts(project):
    path = "inputs/Meine Mappe für Jürgen.xlsx"
    shutil.copyfile(project / "inputs" / "ikz-2025.xlsx", project / path)
    result = make(project, f'make check WORKBOOK="{path}"')
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Meine Mappe für Jürgen.xlsx: 15 Kommunen" in result.stdout
    missing = make(project, 'make check WORKBOOK="inputs/Gibt es nicht.xlsx"')
    assert missing.returncode != 0
    assert f"Die Arbeitsmappe gibt es nicht ({project / 'inputs' / 'Gibt es nicht.xlsx'})" in missing.stderr
    assert "ikz-2025.xlsx" in missing.stderr and "Meine Mappe für Jürgen.xlsx" in missing.stderr


def test_every_documented_command_takes_paths_with_spaces_and_umlauts(project):
    wb = "inputs/Meine Mappe für Jürgen.xlsx"
    shutil.copyfile(project / "inputs" / "ikz-2025.xlsx", project / wb)
    inbox = project / "Rücklauf Eingang Ü"
    steps = [
        (f'make report WORKBOOK="{wb}"', "Ausgaben: outputs/Meine Mappe für Jürgen/"),
        (f'make render WORKBOOK="{wb}"', "Word-Dokumente erzeugt in outputs/Meine Mappe für Jürgen-word/"),
        (f'make versand WORKBOOK="{wb}"', "Versand vorbereitet in outputs/Meine Mappe für Jürgen/versand/"),
        (f'make ruecklauf ORDNER="{inbox.name}" WORKBOOK="{wb}"', "Scan 0412.pdf: Projektauftrag: KI-Systeme"),
        (f'make verify WORKBOOK="{wb}"', "Lauf »Meine Mappe für Jürgen«"),
        (f'make verify DATEI="{inbox.name}/Scan 0412.pdf"', "1 Datei geprüft"),
        (f'make neues-jahr VORJAHR="{wb}" DATEI="inputs/Mappe für 2026 – Jürgen.xlsx"',
         "Neue Arbeitsmappe für den 13. Bericht: inputs/Mappe für 2026 – Jürgen.xlsx"),
        ('make new-workbook DATEI="inputs/Leere Mappe Ä.xlsx"', "Leere Arbeitsmappe angelegt: inputs/Leere Mappe Ä.xlsx"),
    ]
    for command, expected in steps:
        if "ruecklauf" in command:
            inbox.mkdir(exist_ok=True)
            shutil.copyfile(project / "outputs" / "Meine Mappe für Jürgen" / "pdf" / "projektauftrag-KI-SYSTEME.pdf",
                            inbox / "Scan 0412.pdf")
        result = make(project, command)
        assert result.returncode == 0, (command, result.stdout + result.stderr)
        assert expected in result.stdout, (command, result.stdout)
    assert (project / "inputs" / "Mappe für 2026 – Jürgen.xlsx").is_file()


def test_new_workbook_force_keeps_a_backup(project):
    first = make(project, 'make new-workbook DATEI="inputs/noch leer.xlsx"')
    assert first.returncode == 0
    again = make(project, 'make new-workbook DATEI="inputs/noch leer.xlsx"')
    assert again.returncode != 0 and "gibt es schon" in again.stderr
    forced = make(project, 'make new-workbook DATEI="inputs/noch leer.xlsx" ARGS=--force')
    assert forced.returncode == 0, forced.stderr
    assert "Sicherungskopie" in forced.stdout
    assert len(list((project / "inputs").glob("noch leer.sicherung-*.xlsx"))) == 1


def test_make_sample_never_destroys_an_edited_workbook(project):
    import openpyxl

    path = project / "inputs" / "ikz-2025.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["Bericht"]["J2"] = "0000 / 111-222"
    wb.save(path)
    before = path.read_bytes()
    refused = make(project, "make sample")
    assert refused.returncode != 0 and "Nichts wurde verändert" in refused.stderr
    assert path.read_bytes() == before
    forced = make(project, "make sample ARGS=--force")
    assert forced.returncode == 0, forced.stderr
    backups = list((project / "inputs").glob("ikz-2025.sicherung-*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == before


def test_open_workbook_stops_the_run_before_anything_is_done(project):
    lock = project / "inputs" / "~$ikz-2025.xlsx"
    lock.write_bytes(b"\x00" * 165)
    try:
        outputs = {p: p.stat().st_mtime_ns for p in (project / "outputs").rglob("*") if p.is_file()}
        result = make(project, "make report")
        assert result.returncode == 2  # make's own status when the program exits 1
        assert "Die Arbeitsmappe ist gerade in Excel geöffnet" in result.stderr
        assert "speichern und schließen" in result.stderr
        assert {p: p.stat().st_mtime_ns for p in (project / "outputs").rglob("*") if p.is_file()} == outputs
        anyway = make(project, "make report ARGS=--trotz-sperrdatei")
        assert anyway.returncode == 0, anyway.stderr
    finally:
        lock.unlink()
