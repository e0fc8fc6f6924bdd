"""pipeline.uptodate: a rerun with nothing changed is answered from the manifest alone."""

from __future__ import annotations

import os
import shutil

from pipeline.convert import converter_identity
from pipeline.store import Manifest, ManifestEntry
from pipeline.uptodate import CERTIFICATE_ENV, code_version, current_outputs, fingerprint


def setup_run(tmp_path):
    """A workbook, templates, a certificate and a run folder whose manifest records all of them."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    workbook = tmp_path / "ikz-2025.xlsx"
    workbook.write_bytes(b"Arbeitsmappe")
    templates = tmp_path / "vorlagen"
    templates.mkdir()
    (templates / "projektauftrag.docx").write_bytes(b"Vorlage")
    certificate = tmp_path / "ikz.p12"
    certificate.write_bytes(b"Zertifikat")
    folder = tmp_path / "out" / "ikz-2025"
    (folder / "pdf").mkdir(parents=True)
    pdf = folder / "pdf" / "p.pdf"
    pdf.write_bytes(b"%PDF signiert")
    environ = {CERTIFICATE_ENV: str(certificate)}
    st = pdf.stat()
    manifest = Manifest(
        workbook=str(workbook), workbook_sha256="-", created="2027-01-01T09:00:00+00:00", code_version="c",
        certificate=str(certificate), demo_certificate=False,
        entries=(ManifestEntry(kind="jahresbericht", title="Jahresbericht", path="pdf/p.pdf", sha256="-", key="k"),),
        inputs=fingerprint(workbook, templates, None, certificate, converter_identity(), code_version(), environ),
        stats={"pdf/p.pdf": [st.st_size, st.st_mtime_ns]})
    (folder / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    return dict(workbook=workbook, templates=templates, certificate=certificate, out=tmp_path / "out", pdf=pdf,
                environ=environ)


def current(run):
    return current_outputs(run["workbook"], run["out"], run["templates"], None, run["environ"])


def test_nothing_changed_is_current(tmp_path):
    run = setup_run(tmp_path)
    result = current(run)
    assert result is not None
    assert result.built == 0 and result.reused == 1 and result.bundles_built == 0
    assert all(e.reused for e in result.manifest.entries)


def test_every_input_counts(tmp_path):
    changes = [
        lambda run: run["workbook"].write_bytes(b"Arbeitsmappe, korrigiert"),
        lambda run: (run["templates"] / "versand-anschreiben.txt").write_text("Betreff: neu"),  # one no report uses
        lambda run: run["certificate"].write_bytes(b"neues Zertifikat"),
        lambda run: run["environ"].update({CERTIFICATE_ENV: str(run["certificate"]) + ".neu"}),
    ]
    for number, change in enumerate(changes):
        run = setup_run(tmp_path / f"lauf-{number}")
        assert current(run) is not None
        change(run)
        assert current(run) is None, number


def test_a_delivered_file_no_longer_as_written_sends_the_run_down_the_full_path(tmp_path):
    run = setup_run(tmp_path)
    st = run["pdf"].stat()
    os.utime(run["pdf"], ns=(st.st_atime_ns, st.st_mtime_ns + 1))  # same bytes, other time: e.g. signed in place
    assert current(run) is None
    run = setup_run(tmp_path / "b")
    run["pdf"].unlink()
    assert current(run) is None


def test_no_manifest_or_an_unreadable_one_is_not_current(tmp_path):
    run = setup_run(tmp_path)
    (run["out"] / "ikz-2025" / "manifest.json").write_text("{kaputt", encoding="utf-8")
    assert current(run) is None
    shutil.rmtree(run["out"])
    assert current(run) is None
