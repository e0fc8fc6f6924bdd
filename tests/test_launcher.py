"""`tests/helpers_run.cli` runs a command in a child of the started interpreter (`tests/launcher.py`): what the
command shows, its exit code and what it does are those of a fresh `python -m pipeline`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers_run import cli


def fresh(*args) -> subprocess.CompletedProcess:
    return cli(*args, fresh_interpreter=True)


@pytest.mark.parametrize("args", [("--help",), ("--version",), ("gibtsnicht",), ("ruecklauf",)])
def test_output_and_exit_code_are_those_of_a_fresh_interpreter(args):
    launched, own = cli(*args), fresh(*args)
    assert (launched.returncode, launched.stdout, launched.stderr) == (own.returncode, own.stdout, own.stderr)
    assert launched.args == [sys.executable, "-m", "pipeline", *args]


def test_a_missing_workbook_and_the_traceback_option(tmp_path):
    args = ("check", tmp_path / "fehlt.xlsx")
    launched, own = cli(*args), fresh(*args)
    assert (launched.returncode, launched.stdout, launched.stderr) == (own.returncode, own.stdout, own.stderr)
    assert launched.returncode == 1 and "fehlt.xlsx" in launched.stderr
    # the interpreter's traceback: its frames above the program's differ (launcher, runpy), its end does not
    launched, own = cli("--traceback", *args), fresh("--traceback", *args)
    assert launched.returncode == own.returncode == 1
    assert launched.stderr.startswith("Traceback (most recent call last):")
    assert launched.stderr.splitlines()[-1] == own.stderr.splitlines()[-1]


def test_each_command_gets_its_own_environment_and_working_folder(tmp_path):
    """The environment is the command's (not the launcher's, not the previous command's): a PATH without
    LibreOffice is the README's exit 3; the next command finds it again. Paths are relative to the project
    folder, as for `python -m pipeline` started there."""
    from tests.wb import make_workbook

    wb = make_workbook(tmp_path / "ok.xlsx")
    empty = tmp_path / "bin"
    empty.mkdir()
    args = ("report", wb, "--outputs", tmp_path / "out", "--state", tmp_path / "state")
    without = cli(*args, env={"PATH": str(empty)})
    assert without.returncode == 3 and "LibreOffice ist nicht installiert" in without.stderr
    again = cli("check", "inputs/ikz-2025.xlsx")
    assert again.returncode == 0 and "ikz-2025.xlsx: 15 Kommunen" in again.stdout, again.stdout + again.stderr


def test_a_command_over_its_time_limit_is_killed(tmp_path):
    """As `subprocess.run(timeout=…)`: the child is killed, TimeoutExpired names the command and carries what it
    wrote."""
    for folder in ("templates", "inputs"):
        (tmp_path / folder).mkdir()
    with pytest.raises(subprocess.TimeoutExpired) as caught:
        cli("serve", "--ordner", tmp_path, "--port", "0", timeout=3)
    assert caught.value.cmd == [sys.executable, "-m", "pipeline", "serve", "--ordner", str(tmp_path), "--port", "0"]
    assert "Ersten Benutzer anlegen" in caught.value.stdout
    assert cli("--version").returncode == 0  # the launcher serves the next command
