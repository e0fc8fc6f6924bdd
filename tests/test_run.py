"""`make report` end to end: real LibreOffice, real keys, pyHanko and poppler's pdfsig.

The sample workbook is run once through the CLI (module fixture) and its
outputs are checked as a recipient would check them. Incremental builds,
atomicity and the lock are checked on a small workbook built in the test.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline import sign
from pipeline.store import OutputStore, sha256_file
from pipeline.validate import load
from tests.helpers_docx import docx_content, edited_templates
from tests.helpers_pdf import figure_alts, parent_tree_problems, pdftotext, qpdf_check, structure_problems
from tests.helpers_run import ROOT, SAMPLE, cli
from tests.pki import FakeService, dummy_stamper, make_p12, pdfsig, serve
from tests.wb import make_workbook, minimal_rows

pytestmark = pytest.mark.slow  # whole pipeline runs: `make test`, not `make test-schnell`

@pytest.fixture(scope="module")
def pki(office_pki):
    return dict(ca=office_pki.ca, p12=office_pki.p12, env=office_pki.env, dir=office_pki.dir, nss=office_pki.nss)


@pytest.fixture(scope="module")
def sample_run(sample_report):
    """The sample workbook reported once (the shared run of conftest.py); these tests only read it."""
    folder = sample_report.folder
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return dict(stdout=sample_report.stdout, folder=folder, manifest=manifest, data=load(SAMPLE)[0],
                out=sample_report.out, state=sample_report.state)


def entries(run, kind):
    return [e for e in run["manifest"]["entries"] if e["kind"] == kind]


def test_summary_and_counts(sample_run):
    out = sample_run["stdout"]
    assert "Fertig in" in out and "15 neu erzeugt, 0 unverändert übernommen" in out
    assert "11 Projektaufträge" in out and "3 Schlussberichte der Projektgruppen" in out and "1 Jahresbericht" in out
    assert "16 neu erzeugt" in out and "15 Mappen für die Gremien, 1 Gesamtmappe" in out
    named = next(line for line in out.splitlines() if line.startswith("  Neu erzeugt: "))
    assert named.count(".pdf") == 10 and named.endswith("und 21 weitere")  # 31 new files, ten named
    assert "Demonstrationszertifikat" not in out  # a real certificate was configured
    assert len(entries(sample_run, "ratsmappe")) == 15 and len(entries(sample_run, "gesamtmappe")) == 1


def test_manifest_matches_files_on_disk(sample_run):
    folder, manifest = sample_run["folder"], sample_run["manifest"]
    assert manifest["workbook_sha256"] == sha256_file(SAMPLE)
    listed = set()
    for e in manifest["entries"]:
        path = folder / e["path"]
        assert sha256_file(path) == e["sha256"], e["path"]
        assert len(PdfReader(path).pages) == e["pages"], e["path"]
        listed.add(e["path"])
        if e["docx"]:
            assert sha256_file(folder / e["docx"]) == e["docx_sha256"]
            assert e["template_sha256"] == sha256_file(ROOT / e["template"])
            listed.add(e["docx"])
    on_disk = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} - {"manifest.json"}
    assert on_disk == listed


def test_council_bundles_hold_exactly_their_projects(sample_run):
    data, folder = sample_run["data"], sample_run["folder"]
    by_path = {e["path"]: e for e in sample_run["manifest"]["entries"]}
    for e in entries(sample_run, "ratsmappe"):
        projects = {p.id for p in data.projekte if any(x.kommune == e["kommune"] for x in p.participants)}
        # Reports of its projects; of the Projektaufträge only those still to be signed this year: in the
        # sample, KI-SYSTEME (starts after the reporting period) and REINIGUNG-PILOT (Abschnitt I open).
        expected = ["pdf/jahresbericht-2025.pdf"] + [
            d["path"] for d in sample_run["manifest"]["entries"]
            if d["project"] in projects and (d["kind"] in ("zwischenbericht", "schlussbericht") or (
                d["kind"] == "projektauftrag" and d["project"] in ("KI-SYSTEME", "REINIGUNG-PILOT")))]
        assert sorted(e["documents"]) == sorted(expected), e["kommune"]
        assert e["documents"][0] == "pdf/jahresbericht-2025.pdf"
        reader = PdfReader(folder / e["path"])
        titles = [o.title for o in reader.outline if not isinstance(o, list)]
        assert titles == [by_path[d]["title"] for d in e["documents"]]
        # Cover addressed to that council; stamps equal the page number.
        kommune = data.kommune(e["kommune"])
        assert kommune.gremium in reader.pages[0].extract_text()
        n = len(reader.pages)
        for i in (0, 1, n - 1):
            assert f"Seite {i + 1} von {n}" in reader.pages[i].extract_text()
    # Biebesheim has no duty under the HinSchG: its bundle has no HinSchG document.
    bieb = next(e for e in entries(sample_run, "ratsmappe") if e["kommune"] == "Biebesheim")
    assert not any("HINSCHG" in d for d in bieb["documents"])
    assert "pdf/schlussbericht-REINIGUNG.pdf" in bieb["documents"]
    assert "pdf/projektauftrag-FEUERWEHR.pdf" not in bieb["documents"]  # ordered in 2021: nothing to sign


def test_index_links_point_to_documents(sample_run):
    e = next(e for e in entries(sample_run, "ratsmappe") if e["kommune"] == "Raunheim")
    reader = PdfReader(sample_run["folder"] / e["path"])
    targets = []
    for page in reader.pages[1:3]:
        for annot in page.get("/Annots", []) or []:
            a = annot.get_object()
            if a.get("/Subtype") == "/Link" and ("/A" not in a or a["/A"].get("/S") == "/GoTo"):  # not a web link
                dest = a["/A"]["/D"] if "/A" in a else a["/Dest"]
                targets.append(reader.get_page_number(dest[0].get_object()))
    firsts = [reader.get_page_number(o.page.get_object()) if hasattr(o, "page") else reader.get_destination_page_number(o)
              for o in reader.outline if not isinstance(o, list)]
    assert targets and sorted(set(targets)) == sorted(set(firsts))


def test_every_pdf_is_pdfa_tagged_with_embedded_fonts(sample_run):
    from pipeline.convert import pdf_info

    for e in sample_run["manifest"]["entries"]:
        facts = pdf_info(sample_run["folder"] / e["path"])
        assert facts.pdfa_part == 2 and facts.pdfa_conformance == "B", e["path"]
        assert facts.has_output_intent and facts.tagged, e["path"]
        assert facts.fonts_all_embedded, (e["path"], facts.fonts_not_embedded)


def test_bundles_keep_the_tags_of_their_documents(sample_run):
    """Every Mappe passes qpdf --check, its structure tree is consistent seen from the elements
    and from the pages, and the annual report's figures keep their alternative text."""
    folder = sample_run["folder"]
    alts = {d: figure_alts(folder / d) for e in entries(sample_run, "gesamtmappe") for d in e["documents"]}
    assert len(alts["pdf/jahresbericht-2025.pdf"]) >= 2 and all(all(a) for a in alts.values()), alts
    for e in entries(sample_run, "ratsmappe") + entries(sample_run, "gesamtmappe"):
        path = folder / e["path"]
        qpdf_check(path)
        assert structure_problems(PdfReader(path)) == [], e["path"]
        assert parent_tree_problems(path) == [], e["path"]
        assert figure_alts(path) == [a for d in e["documents"] for a in alts[d]], e["path"]


def test_every_signature_valid_and_trusted_pyhanko_and_pdfsig(sample_run, pki):
    for e in sample_run["manifest"]["entries"]:
        path = sample_run["folder"] / e["path"]
        report = sign.verify(path, [pki["ca"].pem])
        office = [f for f in report.fields if f.signed]
        assert len(office) == 1 and office[0].intact and office[0].trusted, (e["path"], office)
        if e["kind"] in ("ratsmappe", "gesamtmappe"):
            out = pdfsig(path, pki["nss"])
            assert "Signature is Valid." in out and "Certificate is Trusted." in out, out


def test_projektauftrag_has_one_empty_field_per_participant(sample_run):
    data = sample_run["data"]
    for e in entries(sample_run, "projektauftrag"):
        project = data.projekt(e["project"])
        report = sign.verify(sample_run["folder"] / e["path"], [])
        empty = [f.label for f in report.fields if not f.signed]
        assert sorted(empty) == sorted(f"Unterschrift {data.kommune(p.kommune).name}" for p in project.participants)
    hinschg = sign.verify(sample_run["folder"] / "pdf/projektauftrag-HINSCHG.pdf", [])
    labels = " ".join(f.label for f in hinschg.fields)
    assert "Biebesheim" not in labels and "Stockstadt" not in labels
    assert len([f for f in hinschg.fields if not f.signed]) == 13


def test_two_dienststellenleitungen_sign_then_tamper(sample_run, pki, tmp_path):
    src = sample_run["folder"] / "pdf/projektauftrag-REINIGUNG-PILOT.pdf"
    pdf = tmp_path / "pilot.pdf"
    pdf.write_bytes(src.read_bytes())
    fields = {f.label: f.name for f in sign.verify(pdf, []).fields if not f.signed}
    for i, label in enumerate(["Unterschrift Stadt Gernsheim", "Unterschrift Kreis Groß-Gerau"]):
        p12 = make_p12(pki["ca"], tmp_path / f"s{i}.p12", f"Unterzeichner {i}", b"pw", key_type="rsa" if i else "ec")
        sign.sign_pdf(pdf, pdf, sign.SigningConfig(p12, b"pw"), field_name=fields[label], reason="Zustimmung",
                      location="Groß-Gerau")
    result = cli("verify", pdf, "--vertrauen", pki["ca"].pem, "--state", tmp_path / "none")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 von 4 unterschrieben; es fehlen: " in result.stdout
    assert "Stadt Mörfelden-Walldorf" in result.stdout and "Stadt Riedstadt" in result.stdout
    out = pdfsig(pdf, pki["nss"])
    assert out.count("Signature is Valid.") == 3
    # Flip one byte inside a signed range: verify reports it broken, exit 1.
    data = bytearray(pdf.read_bytes())
    pos = data.index(b"/Type /Page") if b"/Type /Page" in data else len(data) // 3
    data[pos + 1] ^= 0x01
    pdf.write_bytes(bytes(data))
    result = cli("verify", pdf, "--vertrauen", pki["ca"].pem, "--state", tmp_path / "none")
    assert result.returncode == 1
    assert "UNGÜLTIG" in result.stdout


# --- incremental, atomic, locked (small workbook) -----------------------------------


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def small(small_run, pki, tmp_path):
    """The small workbook's first run (made once, restored for each test); `tmp` is the test's own folder."""
    return dict(wb=small_run.wb, out=small_run.out, state=small_run.state, folder=small_run.folder, env=pki["env"],
                tmp=tmp_path)


def test_no_change_run_rebuilds_nothing(small):
    before = _snapshot(small["folder"])
    again = cli("report", small["wb"], "--outputs", small["out"], "--state", small["state"], env=small["env"])
    assert again.returncode == 0, again.stderr
    assert "0 neu erzeugt, 3 unverändert übernommen" in again.stdout
    assert "0 neu erzeugt, 5 unverändert" in again.stdout
    after = _snapshot(small["folder"])
    assert {k: v for k, v in after.items() if k != "manifest.json"} == {k: v for k, v in before.items() if k != "manifest.json"}


def _imports(result) -> set[str]:
    """Top-level packages a `python -X importtime` run imported."""
    return {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines()
            if line.startswith("import time:")}


def test_no_change_run_decides_from_the_manifest(small):
    """Nothing changed: the run neither parses the workbook (openpyxl) nor loads pyHanko or LibreOffice;
    any change to what the outputs are made from sends it down the full path."""
    def report(*extra):
        return cli("-X", "importtime", "-m", "pipeline", "report", small["wb"], "--outputs", small["out"],
                   "--state", small["state"], *extra, env=small["env"], python_only=True)

    fast = report()
    assert fast.returncode == 0, fast.stderr[-2000:]
    assert "0 neu erzeugt, 3 unverändert übernommen" in fast.stdout
    assert not {"openpyxl", "pyhanko", "docxtpl", "reportlab", "pypdf"} & _imports(fast), _imports(fast)
    before = _snapshot(small["folder"])

    # a template file changes (even one the report does not use): the full, incremental path decides
    (small["tmp"] / "vorlagen").mkdir()
    for p in (ROOT / "templates").iterdir():
        (small["tmp"] / "vorlagen" / p.name).write_bytes(p.read_bytes())
    (small["tmp"] / "vorlagen" / "versand-anschreiben.txt").write_text("Betreff: anders\n", encoding="utf-8")
    full = report("--templates", small["tmp"] / "vorlagen")
    assert full.returncode == 0, full.stderr[-2000:]
    assert "openpyxl" in _imports(full)
    assert "0 neu erzeugt, 3 unverändert übernommen" in full.stdout  # nothing it reads has changed
    assert _snapshot(small["folder"]) == before | {"manifest.json": _snapshot(small["folder"])["manifest.json"]}

    # a bundle no longer as written (size and time recorded in the manifest): the full run replaces it
    mappe = small["folder"] / "mappen/mappe-Raunheim.pdf"
    delivered = mappe.read_bytes()
    mappe.write_bytes(delivered[:-1] + b"\n")
    repaired = report("--templates", small["tmp"] / "vorlagen")
    assert "openpyxl" in _imports(repaired) and mappe.read_bytes() == delivered

    # a file in the outputs is no longer as delivered (signed by a council): the full run keeps that copy
    pdf = small["folder"] / "pdf/projektauftrag-REINIGUNG.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n% unterschrieben\n")
    kept = report("--templates", small["tmp"] / "vorlagen")
    assert "openpyxl" in _imports(kept) and "Nachträglich unterschrieben und gesichert" in kept.stdout


def test_one_project_change_rebuilds_only_its_documents(small):
    before = _snapshot(small["folder"])
    rows = minimal_rows()
    rows["Projekttexte"][0]["text"] = "Geänderte Ausgangslage.\n- neuer Punkt"
    make_workbook(small["wb"], rows)
    result = cli("report", small["wb"], "--outputs", small["out"], "--state", small["state"], env=small["env"])
    assert result.returncode == 0, result.stderr
    after = _snapshot(small["folder"])
    changed = {k for k in after if after[k] != before.get(k)} - {"manifest.json"}
    assert "pdf/projektauftrag-REINIGUNG.pdf" in changed and "word/projektauftrag-REINIGUNG.docx" in changed
    assert "pdf/jahresbericht-2025.pdf" in changed  # the annual report shows every project
    assert "pdf/projektauftrag-REINIGUNG-PILOT.pdf" not in changed  # other project: reused as it was
    assert "word/projektauftrag-REINIGUNG-PILOT.docx" not in changed
    assert "2 neu erzeugt, 1 unverändert übernommen" in result.stdout


def test_signed_on_paper_shows_its_date_and_gets_no_empty_field(small):
    """»Unterzeichnet am« filled: the Projektauftrag says so, and only the others get a signature field."""
    rows = minimal_rows()
    first = rows["Beteiligung"][0]
    first["unterzeichnet"] = dt.date(2023, 3, 14)
    make_workbook(small["wb"], rows)
    result = cli("report", small["wb"], "--outputs", small["out"], "--state", small["state"], env=small["env"])
    assert result.returncode == 0, result.stdout + result.stderr
    pdf = small["folder"] / "pdf/projektauftrag-REINIGUNG.pdf"
    kommune = next(k for k in rows["Kommunen"] if k["key"] == first["kommune"])
    fields = [f.label for f in sign.verify(pdf, []).fields if not f.signed]
    assert len(fields) == len([r for r in rows["Beteiligung"] if r["projekt"] == "REINIGUNG"]) - 1
    assert f"Unterschrift {kommune['name']}" not in fields
    text = " ".join(pdftotext(pdf).split())
    assert "unterzeichnet am 14.3.2023" in text
    assert f"{kommune['sitz']}, den 14.3.2023" in text
    assert f"Unterschrift {kommune['name']}" in text  # the line stays, with its date
    docx_text = str(docx_content(small["folder"] / "word/projektauftrag-REINIGUNG.docx"))
    assert "unterzeichnet am 14.3.2023" in docx_text


def test_mappen_hold_open_projektauftraege_or_all_by_setting(small):
    """»Projektaufträge in den Mappen«: empty = only those still to be signed; »alle« = every one."""
    manifest = json.loads((small["folder"] / "manifest.json").read_text(encoding="utf-8"))
    bieb = next(e for e in manifest["entries"] if e["kind"] == "ratsmappe" and e["kommune"] == "Biebesheim")
    assert "pdf/projektauftrag-REINIGUNG.pdf" not in bieb["documents"]  # REINIGUNG is »abgeschlossen«
    gern = next(e for e in manifest["entries"] if e["kind"] == "ratsmappe" and e["kommune"] == "Gernsheim")
    assert "pdf/projektauftrag-REINIGUNG-PILOT.pdf" in gern["documents"]  # »laufend«, not yet signed
    rows = minimal_rows()
    rows["Bericht"][0]["mappen_auftraege"] = "alle"
    make_workbook(small["wb"], rows)
    result = cli("report", small["wb"], "--outputs", small["out"], "--state", small["state"], env=small["env"])
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((small["folder"] / "manifest.json").read_text(encoding="utf-8"))
    bieb = next(e for e in manifest["entries"] if e["kind"] == "ratsmappe" and e["kommune"] == "Biebesheim")
    assert "pdf/projektauftrag-REINIGUNG.pdf" in bieb["documents"]
    assert "0 neu erzeugt, 3 unverändert übernommen" in result.stdout  # only the Mappen change


def test_force_rebuilds_everything(small):
    result = cli("report", small["wb"], "--outputs", small["out"], "--state", small["state"], "--force", env=small["env"])
    assert result.returncode == 0
    assert "3 neu erzeugt, 0 unverändert übernommen" in result.stdout


def test_failure_in_the_middle_leaves_previous_outputs_identical(small):
    before = _snapshot(small["folder"])
    rows = minimal_rows()
    rows["Projekte"][0]["titel"] = "Neuer Titel, damit es Arbeit gibt"
    make_workbook(small["wb"], rows)
    # Rendering and conversion succeed, then signing fails: wrong passphrase.
    env = dict(small["env"], IKZ_SIGNATUR_PASSWORT="falsch")
    result = cli("report", small["wb"], "--outputs", small["out"], "--state", small["state"], env=env)
    assert result.returncode == 3
    assert "Passwort" in result.stderr and "ikz.p12" in result.stderr and "Traceback" not in result.stderr
    assert _snapshot(small["folder"]) == before
    assert not any(p.name.startswith(".klein.") and p.is_dir() for p in small["out"].iterdir())


def test_disk_full_in_the_middle_of_a_run(small, tmp_path):
    """The state folder (cache of intermediates) fills up while documents are converted: a real full
    file system (a 600 KB tmpfs in a private mount namespace), not a simulated error."""
    before = _snapshot(small["folder"])
    full = tmp_path / "voll"
    full.mkdir()
    command = [sys.executable, "-m", "pipeline", "report", str(small["wb"]), "--outputs", str(small["out"]),
               "--state", str(full / "state"), "--force"]
    env = dict(os.environ, PYTHONPATH=str(ROOT), **small["env"])
    result = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c",
         f'mount -t tmpfs -o size=600k tmpfs "{full}" && exec "$@"', "sh", *command],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert result.returncode == 3, result.stdout + result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "Fehler: Auf dem Datenträger ist kein Platz mehr frei. Die bisherigen Ausgaben sind unverändert. Bitte Platz "
        "schaffen und erneut starten.")
    assert "Traceback" not in result.stderr and "IOException" not in result.stderr and "Errno" not in result.stderr
    assert _snapshot(small["folder"]) == before
    assert not any(p.name.startswith(".klein.") and p.is_dir() for p in small["out"].iterdir())


def test_template_error_during_rendering_leaves_outputs(small, tmp_path):
    """A template that only fails for one project, so the check passes and rendering starts."""
    before = _snapshot(small["folder"])
    templates = edited_templates(
        tmp_path / "vorlagen", "projektauftrag.docx", b"{{ projekt.titel }}",
        b'{{ projekt.titel }}{% if projekt.id == "REINIGUNG-PILOT" %}{{ 1 // 0 }}{% endif %}', 1)
    rows = minimal_rows()
    rows["Projekte"][1]["titel"] = "Pilot mit neuem Titel"
    make_workbook(small["wb"], rows)
    result = cli("report", small["wb"], "--outputs", small["out"], "--state", small["state"], "--templates", templates,
                 env=small["env"])
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert _snapshot(small["folder"]) == before


def test_missing_signature_line_found_while_rendering_stops_the_run(small, tmp_path):
    """A run checks its templates without a trial rendering: every rendered Projektauftrag is checked
    for the signature lines. All missing lines come in one message (each once), exit code 1, and
    neither the outputs nor the cache keep anything of the broken template."""
    before = _snapshot(small["folder"])
    templates = edited_templates(tmp_path / "vorlagen", "projektauftrag.docx", b"{{ u.beschriftung }}",
                                 b"{{ u.kommune }}")
    args = ("report", small["wb"], "--outputs", small["out"], "--state", small["state"], "--templates", templates)
    for _ in range(2):  # the second run finds nothing of the first in the cache: the same message
        result = cli(*args, env=small["env"])
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        lines = [line for line in result.stderr.splitlines() if "»projektauftrag.docx« fehlt »Unterschrift " in line]
        signature_lines = {line.split("fehlt »", 1)[1].split("«", 1)[0] for line in lines}
        assert len(lines) == len(signature_lines) >= 2, result.stderr
        assert {"Unterschrift Stadt Gernsheim", "Unterschrift Stadt Raunheim"} <= signature_lines, signature_lines
        assert _snapshot(small["folder"]) == before


def test_one_job_builds_the_same_outputs_in_one_process(small, pki, tmp_path):
    """-j 1: no worker processes, one LibreOffice; every output has the key of the parallel build and
    every PDF carries a valid signature (pdfsig)."""
    out, state = tmp_path / "eins", tmp_path / "eins-state"
    result = cli("report", small["wb"], "--outputs", out, "--state", state, "-j", "1", env=small["env"])
    assert result.returncode == 0, result.stdout + result.stderr
    entries = lambda folder: {e["path"]: e["key"] for e in json.loads((folder / "manifest.json").read_text())["entries"]}  # noqa: E731
    assert entries(out / "klein") == entries(small["folder"])
    for rel in entries(out / "klein"):
        assert "Signature is Valid" in pdfsig(out / "klein" / rel, pki["nss"]), rel


def test_killed_run_leaves_previous_outputs_identical(small, pki, tmp_path):
    """The run is killed in the middle: its documents rendered and converted, a worker waiting for the
    timestamp service (which answered the run's probe, then hangs) to sign the first of them."""
    before = _snapshot(small["folder"])
    rows = minimal_rows()
    rows["Projekte"][0]["titel"] = "Titel für einen abgebrochenen Lauf"
    make_workbook(small["wb"], rows)
    service = FakeService(lambda body: None, dummy_stamper(pki["ca"]), valid_first=1)
    config_file = tmp_path / "ikz-signatur.toml"
    env = dict(os.environ, PYTHONPATH=str(ROOT), IKZ_SIGNATUR_PASSWORT="geheim")
    staging = small["out"] / ".klein.neu"
    with serve(service) as url:
        config_file.write_text(f'zertifikat = "{pki["p12"]}"\nzeitstempel_url = "{url}"\nzeitstempel_wartezeit = 600\n',
                               encoding="utf-8")
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", "report", str(small["wb"]), "--outputs",
                                 str(small["out"]), "--state", str(small["state"]), "--config", str(config_file),
                                 "--force"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)
        try:
            assert service.hanging.wait(600), "no signature was asked for"
            assert any(staging.rglob("*.docx")), "the run is not in the middle"
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert _snapshot(small["folder"]) == before
    # The next run cleans up what the killed one left and completes.
    result = cli("report", small["wb"], "--outputs", small["out"], "--state", small["state"], env=small["env"])
    assert result.returncode == 0, result.stderr
    assert not staging.exists()


def test_second_run_at_the_same_time_stops_with_message(small):
    store = OutputStore(small["out"], "klein")
    with store.locked():
        result = cli("report", small["wb"], "--outputs", small["out"], "--state", small["state"], env=small["env"])
    assert result.returncode == 3
    assert "Ein anderer Lauf erzeugt gerade Dokumente" in result.stderr


def test_validation_error_writes_nothing(small):
    before = _snapshot(small["folder"])
    rows = minimal_rows()
    rows["Beteiligung"][0]["kommune"] = "Atlantis"
    make_workbook(small["wb"], rows)
    result = cli("report", small["wb"], "--outputs", small["out"], "--state", small["state"], env=small["env"])
    assert result.returncode == 1
    assert "Beteiligung!B2 (Kommune): Unbekannte Kommune" in result.stdout
    assert _snapshot(small["folder"]) == before


def test_delivered_word_files_show_the_pdf_page_numbers_in_their_contents(sample_run, tmp_path):
    """Word and LibreOffice users see the same table of contents as the PDF, without updating fields."""
    import zipfile

    from tests.helpers_docx import docx_content

    folder = sample_run["folder"]
    word = folder / "word" / "jahresbericht-2025.docx"
    toc = [line for line in docx_content(word)["word/document.xml"] if re.search(r"\t\d+$", line)]
    reader = PdfReader(folder / "pdf" / "jahresbericht-2025.pdf")
    bookmarks = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                bookmarks.append((item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline)
    assert len(toc) == len(bookmarks) >= 10
    for line, (title, page) in zip(toc, bookmarks):
        assert line.endswith(f"\t{page}") and line.split("\t")[0].strip() == title.strip(), (line, title, page)
    with zipfile.ZipFile(word) as z:
        assert b'w:dirty="true"' not in z.read("word/document.xml")  # Word does not ask to update fields
    # LibreOffice, opening the .docx as it is (no field update), shows the numbers
    from pipeline.convert import prepare_profile

    prepare_profile(tmp_path / "profil")
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profil'}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(word)], capture_output=True, timeout=300, check=True)
    page2 = pdftotext(tmp_path / f"{word.stem}.pdf", "-f", "2", "-l", "2", "-layout")
    for title, page in bookmarks[:5]:
        text = title.split(" ", 1)[1][:30]
        assert re.search(re.escape(text) + r".*[.\s]" + str(page) + r"\s*$", page2, re.M), (title, page, page2)


def test_a_collected_signature_survives_the_next_runs(small, pki, tmp_path):
    """A Dienststellenleitung signs the Projektauftrag in the outputs folder; the next runs keep it."""
    folder, rel = small["folder"], "pdf/projektauftrag-REINIGUNG.pdf"
    pdf = folder / rel
    field = next(f for f in sign.verify(pdf, []).fields if not f.signed and f.label.endswith("Stadt Gernsheim"))
    p12 = make_p12(pki["ca"], tmp_path / "bm.p12", "Peter Burger", b"pw", key_type="rsa")
    sign.sign_pdf(pdf, pdf, sign.SigningConfig(p12, b"pw"), field_name=field.name, reason="Zustimmung",
                  location="Gernsheim")
    signed = pdf.read_bytes()

    def signed_fields(path):
        return [f.label for f in sign.verify(path, [pki["ca"].pem]).fields if f.signed and f.name != "IKZ-Geschaeftsstelle"]

    # unchanged workbook: the signed copy stays in place, and a copy is kept in outputs/ruecklauf/
    again = cli("report", small["wb"], "--outputs", small["out"], "--state", small["state"], env=small["env"])
    assert again.returncode == 0, again.stderr
    assert pdf.read_bytes() == signed and signed_fields(pdf) == ["Unterschrift Stadt Gernsheim"]
    kept = sorted((small["out"] / "ruecklauf" / "klein").glob("projektauftrag-REINIGUNG-*.pdf"))
    assert len(kept) == 1 and kept[0].read_bytes() == signed
    assert "Nachträglich unterschrieben und gesichert" in again.stdout and kept[0].name in again.stdout
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert next(e for e in manifest["entries"] if e["path"] == rel)["sha256"] == sha256_file(pdf)

    # --force, and a change of the project: a new edition is built; the signed one stays in ruecklauf/
    rows = minimal_rows()
    rows["Projekttexte"][0]["text"] = "Neue Fassung der Ausgangslage."
    make_workbook(small["wb"], rows)
    changed = cli("report", small["wb"], "--outputs", small["out"], "--state", small["state"], "--force",
                  env=small["env"])
    assert changed.returncode == 0, changed.stderr
    assert signed_fields(pdf) == []  # the new edition, unsigned
    kept = sorted((small["out"] / "ruecklauf" / "klein").glob("projektauftrag-REINIGUNG-*.pdf"))
    assert len(kept) == 1 and signed_fields(kept[0]) == ["Unterschrift Stadt Gernsheim"]


def test_every_delivered_file_is_accessible(sample_run):
    """PDF/UA-1 for the 31 PDFs of the sample (15 documents, 15 Mappen, the Gesamtmappe): the independent
    checker (pdfua) and the Matterhorn checks find nothing; the .docx files pass Word's accessibility rules."""
    from tests.accessibility import docx_findings, matterhorn_findings, pdfua_findings

    folder = sample_run["folder"]
    pdfs = sorted(folder.glob("pdf/*.pdf")) + sorted(folder.glob("mappen/*.pdf"))
    assert len(pdfs) == 31
    findings = {pdf.name: pdfua_findings(pdf) + matterhorn_findings(pdf) for pdf in pdfs}
    assert {name: found for name, found in findings.items() if found} == {}
    docx = sorted(folder.glob("word/*.docx"))
    assert len(docx) == 15
    assert {d.name: docx_findings(d) for d in docx if docx_findings(d)} == {}


def test_structure_as_a_screen_reader_meets_it(sample_run):
    """The annual report's participation table: column headers with their scope, ColSpan where a project's
    header spans its follow-up projects, RowSpan where a header spans both header rows, each Kommune a row
    header; the bar chart a Figure whose alternative text names the values; a Mappe: cover, index (TOC
    with Link elements), one Part per document, the office's signature a Form at the end."""
    from tools.pdf_structure import walk

    folder = sample_run["folder"]
    report = [e for top in walk(folder / "pdf" / "jahresbericht-2025.pdf") for e in top.iter()]
    matrix = next(e for e in report if e.role == "Table" and "Kommune" in e.all_text())
    rows = [e for e in matrix.children if e.role == "TR"]
    head = [(c.role, c.attributes.get("Scope"), c.attributes.get("ColSpan", 1), c.attributes.get("RowSpan", 1),
             c.all_text().replace(" ", "").replace("-", "")) for c in rows[0].children]
    assert head[0] == ("TH", "Column", 1, 2, "Kommune")
    assert ("TH", "Column", 2, 1, "SmartCities/SmartRegion") in head
    assert all(c.role == "TH" and c.attributes.get("Scope") == "Column" for c in rows[1].children)
    body = {r.children[0].all_text(): r.children[0] for r in rows[2:]}
    assert body["Raunheim"].role == "TH" and body["Raunheim"].attributes["Scope"] == "Row"
    assert body["SUMME"].role == "TH"
    chart = next(e for e in report if e.role == "Figure" and e.attributes["Alt"].startswith("Balkendiagramm"))
    assert "Hitzeaktionsplanung: 14" in chart.attributes["Alt"]
    process = next(e for e in report if e.role == "Figure" and e.attributes["Alt"].startswith("Ablaufdiagramm"))
    assert "Zwischenbericht" in process.attributes["Alt"] and "Schlussbericht" in process.attributes["Alt"]

    mappe = walk(folder / "mappen" / "mappe-Raunheim.pdf")[0]
    kinds = [(c.role, c.attributes.get("T")) for c in mappe.children]
    assert kinds[:2] == [("Sect", "Deckblatt"), ("Sect", "Inhalt")]
    assert [k for k, _ in kinds[2:-1]] == ["Part"] * (len(kinds) - 3) and kinds[-1][0] == "Form"
    links = [e for e in mappe.children[1].iter() if e.role == "Link"]
    assert len(links) == len(kinds) - 3
    assert all(link.children[0].annotation["Subtype"] == "Link" for link in links)

    contract = [e for top in walk(folder / "pdf" / "projektauftrag-HITZE.pdf") for e in top.iter()]
    forms = [e for e in contract if e.role == "Form"]
    assert forms[0].children[0].annotation["TU"] == "Unterschrift Gemeinde Biebesheim am Rhein"
    assert "Unterschrift Stadt Raunheim" in [f.children[0].annotation["TU"] for f in forms]
    # each council's field is read right after the line that names it
    following = {c.children[0].annotation["TU"]: kids[i - 1].all_text()
                 for e in contract for kids in [e.children] for i, c in enumerate(kids) if i and c.role == "Form"}
    council_forms = [f.children[0].annotation["TU"] for f in forms if f.children[0].annotation["TU"].startswith("Unterschrift ")]
    assert len(council_forms) == 14
    assert {label: following[label] for label in council_forms} == {label: label for label in council_forms}


def test_addresses_in_the_texts_are_links(sample_run):
    """The website the Einleitung names and the e-mail address of the contact lines are links: in the .docx a
    w:hyperlink with its external relationship (mailto: for the e-mail address), in the PDF and the Mappe a Link
    annotation with its URI and /Contents, held as OBJR by a Link element around the link's text (the checkers
    run over the same files in test_every_delivered_file_is_accessible)."""
    import docx

    from tools.pdf_structure import walk

    folder = sample_run["folder"]
    document = docx.Document(str(folder / "word" / "jahresbericht-2025.docx"))
    links = [(h.text, h.address) for p in document.paragraphs for h in p.hyperlinks if h.address]
    assert ("m.goetz@raunheim.de", "mailto:m.goetz@raunheim.de") in links
    assert links.count(("https://ikz.imkreisgg.de", "https://ikz.imkreisgg.de")) >= 3  # Einleitung, Kontakt, …
    for pdf in (folder / "pdf" / "jahresbericht-2025.pdf", folder / "mappen" / "mappe-Raunheim.pdf"):
        web = [e for top in walk(pdf) for e in top.iter()
               if e.role == "Link" and any(c.annotation and "URI" in c.annotation for c in e.children)]
        found = {(e.all_text(), c.annotation["Contents"], c.annotation["URI"].rstrip("/"))
                 for e in web for c in e.children if c.role == "OBJR"}
        assert ("m.goetz@raunheim.de", "m.goetz@raunheim.de", "mailto:m.goetz@raunheim.de") in found, pdf.name
        assert ("https://ikz.imkreisgg.de",) * 3 in found, pdf.name
        assert len(web) == len(links), pdf.name
