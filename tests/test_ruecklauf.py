"""Rücklauf: returned PDFs, signed by councils with poppler, matched and combined.

A real run delivers the Projektaufträge; councils sign separate copies (in
parallel) or one copy in turn with poppler's pdfsig; staff drop them into a
folder under any names. `python -m pipeline ruecklauf` must name each file,
combine the copies per Projektauftrag, write the overview workbook, and never
change the workbook. A copy signed inside the outputs survives the next run.
"""

from __future__ import annotations

import hashlib
import io
import shutil

import openpyxl
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from pipeline import sign
from tests import pki
from tests.helpers_run import cli
from tests.pki import COUNCILS
from tests.test_cosign import assert_clean
from tests.wb import make_workbook, minimal_rows, open_rows

pytestmark = pytest.mark.slow  # whole pipeline runs: `make test`, not `make test-schnell`


@pytest.fixture()
def office(open_round, office_pki, council_pki, tmp_path):
    """A fresh run of the small workbook (4 Kommunen) with a test office certificate."""
    pdf = open_round.folder / "pdf" / "projektauftrag-REINIGUNG.pdf"
    empty = [f for f in sign.verify(pdf, []).fields if not f.signed]
    return dict(wb=open_round.wb, out=open_round.out, state=open_round.state, env=office_pki.env, pdf=pdf,
                ca=office_pki.ca, council_ca=council_pki.ca, councils=council_pki.councils,
                fields=[f.name for f in empty], labels=[f.label for f in empty], tmp=tmp_path)


def ruecklauf(office, folder, *extra):
    return cli("ruecklauf", folder, office["wb"], "--outputs", office["out"], "--state", office["state"],
               "--vertrauen", office["ca"].pem, "--vertrauen", office["council_ca"].pem, *extra)


def overview(office) -> list[dict]:
    ws = openpyxl.load_workbook(office["out"] / "ruecklauf" / "klein" / "Ruecklauf.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_separate_copies_are_combined(office):
    back = office["tmp"] / "zurueck"
    back.mkdir()
    for i, signer in enumerate(office["councils"]):  # each council signs its own copy, in parallel
        pki.poppler_sign(office["pdf"], back / f"Scan_{i}_unterschrieben.pdf", office["fields"][i], signer)
    shutil.copy(back / "Scan_0_unterschrieben.pdf", back / "doppelt.pdf")  # the same copy twice
    pki.make_pdf(back / "fremd.pdf")  # a foreign file
    (back / "kaputt.pdf").write_bytes(b"%PDF-1.7\nnichts\n")
    before = digest(office["wb"])

    result = ruecklauf(office, back)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_clean(result)
    total = len(office["fields"])
    assert f"REINIGUNG: 3 von {total} unterschrieben" in result.stdout
    assert "Scan_1_unterschrieben.pdf: Projektauftrag" in result.stdout and "(aktuelle Ausgabe)" in result.stdout
    assert "fremd.pdf: fremde Datei" in result.stdout and "kaputt.pdf: fremde Datei" in result.stdout
    assert "doppelt.pdf" not in result.stdout
    assert "Unterschrieben von Hans Beispiel (Gemeinde Trebur) am " in result.stdout
    assert digest(office["wb"]) == before  # the workbook is never changed

    rows = [r for r in overview(office) if r["Projekt-ID"] == "REINIGUNG"]
    assert len(rows) == total
    signed = {r["Unterzeichnet von"]: r for r in rows if r["Stand"] == "unterschrieben"}
    assert set(signed) == {cn for cn, _ in COUNCILS}
    assert signed["Erika Muster"]["Organisation (Zertifikat)"] == "Stadt Gernsheim"
    assert signed["Erika Muster"]["Zertifikat vertrauenswürdig"] == "ja"
    assert signed["Erika Muster"]["Unterzeichnet am"] is not None
    assert sum(r["Stand"] == "fehlt" for r in rows) == total - 3


def test_one_copy_signed_in_turn_and_workbook_copy(office):
    back = office["tmp"] / "zurueck"
    back.mkdir()
    current = office["pdf"]
    for i in range(2):
        nxt = office["tmp"] / f"runde{i}.pdf"
        pki.poppler_sign(current, nxt, office["fields"][i], office["councils"][i])
        current = nxt
    shutil.copy(current, back / "REINIGUNG final.pdf")
    before = digest(office["wb"])

    result = ruecklauf(office, back, "--arbeitsmappe-kopie")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"REINIGUNG: 2 von {len(office['fields'])} unterschrieben" in result.stdout
    assert digest(office["wb"]) == before
    copies = list(office["wb"].parent.glob("klein-ruecklauf-*.xlsx"))
    assert len(copies) == 1 and "(das Original ist unverändert)" in result.stdout
    ws = openpyxl.load_workbook(copies[0])["Beteiligung"]
    header = [c.value for c in ws[1]]
    col_p, col_k, col_u = header.index("Projekt-ID"), header.index("Kommune"), header.index("Unterzeichnet am")
    dated = {(r[col_p], r[col_k]) for r in ws.iter_rows(min_row=2, values_only=True) if r[col_u] is not None}
    kommunen = {k["name"]: k["key"] for k in minimal_rows()["Kommunen"]}
    expected = {("REINIGUNG", kommunen[label.removeprefix("Unterschrift ")]) for label in office["labels"][:2]}
    assert dated == expected


def test_older_edition_and_tampered_copy(office):
    back = office["tmp"] / "zurueck"
    back.mkdir()
    pki.poppler_sign(office["pdf"], back / "alt.pdf", office["fields"][0], office["councils"][0])

    # a tampered copy: a covering rectangle added after signing
    w = IncrementalPdfFileWriter(io.BytesIO((back / "alt.pdf").read_bytes()), strict=False)
    page = w.find_page_for_modification(0)[0].get_object()
    page[generic.pdf_name("/MediaBox")] = generic.ArrayObject(map(generic.NumberObject, (0, 0, 100, 100)))
    w.update_container(page)
    buffer = io.BytesIO()
    w.write(buffer)
    (back / "manipuliert.pdf").write_bytes(buffer.getvalue())

    # a new edition: the project's text changes, the run rebuilds the Projektauftrag
    rows = open_rows()
    rows["Projekttexte"] = [dict(r) for r in rows["Projekttexte"]]
    for r in rows["Projekttexte"]:
        if r["projekt"] == "REINIGUNG":
            r["text"] = r["text"] + " Ergänzt nach der Sitzung."
    make_workbook(office["wb"], rows)
    again = cli("report", office["wb"], "--outputs", office["out"], "--state", office["state"], env=office["env"])
    assert again.returncode == 0, again.stdout + again.stderr

    result = ruecklauf(office, back)
    assert result.returncode == 1, result.stdout + result.stderr
    assert_clean(result)
    assert "alt.pdf: ältere Ausgabe vom " in result.stdout
    assert "; seitdem geändert: Ausgangslage. Ihre Unterschriften zählen nicht" in result.stdout
    assert "die aktuelle Ausgabe muss unterschrieben werden" in result.stdout
    assert "manipuliert.pdf: " in result.stdout and "UNGÜLTIG" in result.stdout
    assert f"REINIGUNG: 0 von {len(office['fields'])} unterschrieben" in result.stdout


def test_copy_signed_in_outputs_survives_the_next_run_and_is_counted(office):
    signed = office["tmp"] / "signed.pdf"
    pki.poppler_sign(office["pdf"], signed, office["fields"][0], office["councils"][0])
    shutil.copy(signed, office["pdf"])  # signed right in the outputs folder
    again = cli("report", office["wb"], "--outputs", office["out"], "--state", office["state"], env=office["env"])
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Nachträglich unterschrieben und gesichert (nichts geht verloren): " in again.stdout
    empty = office["tmp"] / "leer"
    empty.mkdir()
    result = ruecklauf(office, empty)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"REINIGUNG: 1 von {len(office['fields'])} unterschrieben" in result.stdout


def test_usage_errors(office, tmp_path):
    missing = ruecklauf(office, tmp_path / "gibtsnicht")
    assert missing.returncode == 2
    assert "Der Ordner »" in missing.stderr and "existiert nicht" in missing.stderr
    folder = tmp_path / "leer"
    folder.mkdir()
    no_run = cli("ruecklauf", folder, office["wb"], "--outputs", tmp_path / "keine-ausgaben")
    assert no_run.returncode == 1, no_run.stdout + no_run.stderr
    assert "Zuerst »make report« ausführen" in no_run.stderr
    assert "Traceback" not in no_run.stderr


def test_the_web_overview_shows_a_ruecklauf_evaluated_with_make(office, tmp_path):
    """`make ruecklauf` and the web page record the same summary: the web overview's »Unterschriften« shows the
    last evaluation, whichever front end made it."""
    from pipeline.web.app import Office
    from pipeline.web.config import WebConfig
    from pipeline.web.views import workbook_state

    root = tmp_path / "projekt"
    (root / "inputs").mkdir(parents=True)
    shutil.copyfile(office["wb"], root / "inputs" / "klein.xlsx")
    (root / "outputs").symlink_to(office["out"])  # the folders the office's server and `make` share
    web = Office(WebConfig(root=root), start_runner=False)
    assert workbook_state(web, "klein", root / "inputs" / "klein.xlsx")["ruecklauf"] is None

    (office["tmp"] / "zurueck").mkdir()
    signed = pki.poppler_sign(office["pdf"], office["tmp"] / "zurueck" / "Scan.pdf", office["fields"][0],
                              office["councils"][0])
    result = ruecklauf(office, signed.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    line = f"REINIGUNG: 1 von {len(office['fields'])} unterschrieben"
    assert line in result.stdout
    shown = workbook_state(web, "klein", root / "inputs" / "klein.xlsx")["ruecklauf"]
    assert [s.split(":")[0] for s in shown] == ["REINIGUNG", "REINIGUNG-PILOT"]  # the projects open for signing
    assert shown[0].startswith(line) and all(s in result.stdout for s in shown)  # the lines `make` printed
