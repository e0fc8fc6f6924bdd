"""Incremental builds are never stale: an edit rebuilds exactly the documents whose content changes.

Starting from a copy of the sample workbook, each test step changes one cell
as staff would, runs `report` incrementally and compares the content of every
delivered .docx (text, tables, headers, footers, pictures) with documents
rendered from scratch. A document whose content did not change must have been
reused (its file is the previous run's, hard-linked); one whose content
changed must have been rebuilt. A final cold build with an empty cache and
`--force` must deliver the same content as the incremental build.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from pipeline.render import render_all
from pipeline.validate import load
from tests.helpers_docx import docx_content
from tests.helpers_run import ROOT, cli
from tests.pki import timestamp_server
from tests.wb import make_workbook, minimal_rows

TEMPLATES = ROOT / "templates"

# (what is edited, sheet, cell, new value)
EDITS = (
    ("ein Projekttext", "Projekttexte", "C2", "Neuer erster Absatz der Ausgangslage.\n- mit einem Punkt"),
    ("Beteiligte eines Folgeprojekts (Trebur am Pilotprojekt Reinigung)", "Beteiligung", "C45", "beteiligt"),
    ("eine Rolle (Biebesheim leitet die Reinigung)", "Beteiligung", "D17", "PL"),
    ("»keine Aufgabenzuständigkeit« (Bischofsheim, Reinigung)", "Beteiligung", "C18", "keine Aufgabenzuständigkeit"),
    ("Name einer Dienststellenleitung", "Kommunen", "F4", "Marcus Merkel-Schneider"),
    ("eine Amtsbezeichnung", "Kommunen", "E2", "Bürgermeisterin"),
    ("ein Datum in Arbeitsabschnitte", "Arbeitsabschnitte", "C3", dt.datetime(2025, 9, 15)),
    ("eine Zeile Fördermittel", "Fördermittel", "D2", 165000),
    ("ein Mitglied der Lenkungsgruppe", "Lenkungsgruppe", "B5", "Marcus Merkel-Schneider"),
    ("ein Feld im Blatt Bericht", "Bericht", "J2", "06142 / 402-999"),
)

pytestmark = pytest.mark.slow  # whole pipeline runs: `make test`, not `make test-schnell`


def _edit(workbook: Path, sheet: str, cell: str, value) -> None:
    wb = openpyxl.load_workbook(workbook)
    wb[sheet][cell] = value
    wb.save(workbook)


def _fresh(workbook: Path, target: Path) -> dict[str, dict]:
    """Content of every document rendered from scratch, by file stem."""
    data, _ = load(workbook)
    shutil.rmtree(target, ignore_errors=True)
    return {d.path.stem: docx_content(d.path) for d in render_all(data, TEMPLATES, target)}


def _without_toc_pages(content: dict) -> dict:
    """The delivered .docx carries the PDF's page numbers in its table of contents; a .docx
    rendered from scratch has none yet."""
    return {part: [re.sub(r"\t\d+$", "\t", line) for line in lines] if isinstance(lines, list) else lines
            for part, lines in content.items()}


def _delivered(folder: Path, toc_pages: bool = False) -> dict[str, dict]:
    return {p.stem: docx_content(p) if toc_pages else _without_toc_pages(docx_content(p))
            for p in sorted((folder / "word").glob("*.docx"))}


def _inodes(folder: Path) -> dict[str, int]:
    return {p.stem: p.stat().st_ino for p in sorted((folder / "word").glob("*.docx"))}


@pytest.fixture(scope="module")
def office(office_pki):
    return dict(ca=office_pki.ca, p12=office_pki.p12, dir=office_pki.dir, env=office_pki.env)


def test_every_edit_rebuilds_exactly_what_changed(tmp_path, office, sample_report):
    # the first run: a copy of the sample workbook reported (shared with test_run, restored for this module)
    workbook, out, state, folder = sample_report.wb, sample_report.out, sample_report.state, sample_report.folder
    before = _fresh(workbook, tmp_path / "fresh")
    assert _delivered(folder) == before
    total = len(before)

    for what, sheet, cell, value in EDITS:
        inodes = _inodes(folder)
        _edit(workbook, sheet, cell, value)
        result = cli("report", workbook, "--outputs", out, "--state", state, env=office["env"])
        assert result.returncode == 0, f"{what}: {result.stdout}{result.stderr}"
        after = _fresh(workbook, tmp_path / "fresh")
        delivered = _delivered(folder)
        assert delivered == after, f"{what}: incremental build differs from a build from scratch"
        changed = {stem for stem in after if after[stem] != before.get(stem)}
        rebuilt = {stem for stem, ino in _inodes(folder).items() if inodes.get(stem) != ino}
        assert changed, f"{what}: the edit changed no document (test edit without effect)"
        assert rebuilt == changed, f"{what}: rebuilt {sorted(rebuilt)}, content changed in {sorted(changed)}"
        assert f"{len(changed)} neu erzeugt, {total - len(changed)} unverändert übernommen" in result.stdout, what
        before = after

    # A cold build from scratch (empty cache and state, --force) delivers the same content.
    cold = cli("report", workbook, "--outputs", tmp_path / "kalt", "--state", tmp_path / "kalt-state", "--force",
               env=office["env"])
    assert cold.returncode == 0, cold.stdout + cold.stderr
    assert _delivered(tmp_path / "kalt" / "ikz-2025", toc_pages=True) == _delivered(folder, toc_pages=True)


def _conversions(result) -> int:
    """How many documents the run gave to LibreOffice (from its progress lines, one per PDF that came
    back: the test workbooks are small enough for the display to show every item)."""
    found = set()
    for line in result.stderr.splitlines():
        if "PDF (LibreOffice): " in line:
            found.add(line.split("PDF (LibreOffice): ", 1)[1].split(" (")[0])
    return len(found)


def _cache_files(state: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in (state / "cache").iterdir() if p.is_file()}


def test_force_shared_cache_and_signing_settings(tmp_path, office):
    out, state = tmp_path / "out", tmp_path / "state"
    a = make_workbook(tmp_path / "a.xlsx")
    rows = minimal_rows()
    rows["Projekte"][0]["titel"] = "Gebäudereinigung im Verbund"
    b = make_workbook(tmp_path / "b.xlsx", rows)
    args = ("--outputs", out, "--state", state)

    first = cli("report", a, *args, env=office["env"])
    assert first.returncode == 0, first.stderr
    assert _conversions(first) == 3
    cache_a = _cache_files(state)
    assert len([n for n in cache_a if n.endswith(".pdf")]) == 3

    # Workbook B shares the cache and does not evict A's entries.
    second = cli("report", b, *args, env=office["env"])
    assert second.returncode == 0, second.stderr
    assert set(cache_a) <= set(_cache_files(state))
    # … so switching back to A, even with A's outputs gone, converts nothing.
    shutil.rmtree(out / "a")
    back = cli("report", a, *args, env=office["env"])
    assert back.returncode == 0, back.stderr
    assert _conversions(back) == 0 and "3 neu erzeugt" in back.stdout

    # --force renders and converts every document again (new cache files, all PDFs converted).
    forced = cli("report", a, *args, "--force", env=office["env"])
    assert forced.returncode == 0, forced.stderr
    assert _conversions(forced) == 3
    assert "3 neu erzeugt, 0 unverändert übernommen" in forced.stdout
    assert "5 neu erzeugt, 0 unverändert" in forced.stdout
    now = _cache_files(state)
    assert all(now[name] != ino for name, ino in cache_a.items()), "--force reused cached files"

    # Switching on a timestamp service re-signs every signed file; nothing is converted.
    with timestamp_server(office["ca"]) as (url, _):
        config = tmp_path / "ikz-signatur.toml"
        config.write_text(f'zertifikat = "{office["p12"]}"\nzeitstempel_url = "{url}"\n', encoding="utf-8")
        stamped = cli("report", a, *args, "--config", config, env={"IKZ_SIGNATUR_PASSWORT": "geheim"})
    assert stamped.returncode == 0, stamped.stdout + stamped.stderr
    assert _conversions(stamped) == 0
    assert "3 neu erzeugt, 0 unverändert übernommen" in stamped.stdout
    assert "5 neu erzeugt, 0 unverändert" in stamped.stdout
    manifest = json.loads((out / "a" / "manifest.json").read_text(encoding="utf-8"))
    from pipeline import sign

    for entry in manifest["entries"]:
        report = sign.verify(out / "a" / entry["path"], [office["ca"].pem])
        office_field = next(f for f in report.fields if f.signed and not f.document_timestamp)
        assert office_field.timestamped, entry["path"]


def test_cache_stays_under_its_limit(tmp_path):
    from pipeline.cache import BuildCache

    cache = BuildCache(tmp_path / "cache", limit=3000)
    old = []
    for i in range(5):
        src = tmp_path / f"src{i}"
        src.write_bytes(b"x" * 1000)
        old.append(cache.put(f"key{i}", ".pdf", src))
        os.utime(old[-1], ns=(i * 10**9, i * 10**9))
    mine = BuildCache(tmp_path / "cache", limit=3000)
    assert mine.get("key0", ".pdf") is not None  # the oldest entry, but used by this run
    mine.finish()
    left = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert left == ["key0.pdf", "key3.pdf", "key4.pdf"]
