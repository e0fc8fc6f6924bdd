"""A second Kreis end to end: nothing of the sample's Kreis in any output, layout that holds for 26 rows.

The workbook (tests/kreis.py) has 25 Städte und Gemeinden and the Kreis with
ß, umlauts, brackets and abbreviations in their names, 13 columns in the
participation table and a Kommune in no project. `report` runs with the
demonstration certificate, as on a fresh machine.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline.german import hyphenate
from tests.helpers_docx import docx_content
from tests.helpers_pdf import pdftotext
from tests.helpers_run import cli
from tests.kreis import HERAUSGEBER, KREIS, OHNE_PROJEKT, second_kreis_rows
from tests.wb import make_workbook

pytestmark = pytest.mark.slow  # whole pipeline runs: `make test`, not `make test-schnell`

FOREIGN = re.compile(r"Gro(ß|ss|SS)[- ]?Gerau|Raunheim|imkreisgg", re.I)


@pytest.fixture(scope="module")
def kreis_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("zweiter-kreis")
    workbook = make_workbook(tmp / "oberland-2025.xlsx", second_kreis_rows())
    result = cli("report", workbook, "--outputs", tmp / "out", "--state", tmp / "state")
    assert result.returncode == 0, result.stdout + result.stderr
    folder = tmp / "out" / "oberland-2025"
    return dict(result=result, folder=folder, manifest=json.loads((folder / "manifest.json").read_text("utf-8")))


def _pdftotext(path: Path, *pages: int) -> str:
    return pdftotext(path, "-layout", *(["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []))


def test_no_name_of_another_kreis_in_any_output(kreis_run):
    folder = kreis_run["folder"]
    pdfs = sorted(folder.glob("pdf/*.pdf")) + sorted(folder.glob("mappen/*.pdf"))
    assert len(pdfs) == 18 + 27
    for pdf in pdfs:
        assert not FOREIGN.search(_pdftotext(pdf)), pdf.name
        reader = PdfReader(pdf)
        meta = " ".join(str(v) for v in (reader.metadata or {}).values())
        xmp = reader.trailer["/Root"].get("/Metadata")
        xmp_text = xmp.get_object().get_data().decode("utf-8", "replace") if xmp is not None else ""
        assert not FOREIGN.search(meta + xmp_text), pdf.name
        signer = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout
        assert "Distinguished Name" in signer and not FOREIGN.search(signer), pdf.name
        assert f"O={HERAUSGEBER}" in signer
    for docx in sorted(folder.glob("word/*.docx")):
        with zipfile.ZipFile(docx) as z:
            for name in z.namelist():
                if name.endswith(".xml"):
                    assert not FOREIGN.search(z.read(name).decode("utf-8", "replace")), (docx.name, name)
    bundle = PdfReader(folder / "mappen" / "gesamtmappe.pdf")
    assert KREIS in " ".join(str(v) for v in bundle.metadata.values())


def test_participation_table_of_26_kommunen_and_13_columns(kreis_run):
    content = docx_content(kreis_run["folder"] / "word" / "jahresbericht-2025.docx")["word/document.xml"]
    annual = [re.sub(r" \[[0-9A-F]{6}\]", "", line) for line in content]  # without the cells' shading
    start = next(i for i, line in enumerate(annual) if line.startswith("Kommune | "))
    rows = annual[start:start + 30]
    assert len(rows[0].split(" | ")) == 14  # Kommune and 13 columns (abbreviated headers)
    summe = next(i for i, line in enumerate(rows) if line.startswith("SUMME"))
    assert summe == 27  # header, 26 Kommunen
    assert rows[[r.split(" | ")[0] for r in rows].index(OHNE_PROJEKT)].split(" | ")[1:] == [""] * 13


def test_legend_is_on_the_page_of_the_tables_last_rows(kreis_run):
    pdf = kreis_run["folder"] / "pdf" / "jahresbericht-2025.pdf"
    pages = len(PdfReader(pdf).pages)
    texts = [_pdftotext(pdf, n) for n in range(1, pages + 1)]
    table_pages = [n for n, text in enumerate(texts) if "Kommune" in text and re.search(r"^\s*St\. Märgen|SUMME", text, re.M)]
    summe = next(n for n, text in enumerate(texts) if re.search(r"^\s*SUMME\s", text, re.M))
    assert "Legende" in texts[summe] and "Spalten:" in texts[summe]
    # the page with the legend carries table rows as well (under the repeated header), not the legend alone
    assert re.search(r"^\s*Kommune\s+1\s+2\s+3", texts[summe], re.M)
    assert len(re.findall(r"X \((PG|PL)", texts[summe])) >= 3
    assert len(table_pages) <= 2


def test_header_words_break_only_at_syllables():
    # LibreOffice's German hyphenation patterns (pyphen), not a guess: »In-stand-hal-tung«, not »Ins-tandhaltung«
    assert hyphenate("Instandhaltung") == "In\u00adstand\u00adhal\u00adtung"
    assert hyphenate("Feuerwehrbedarf").endswith("be\u00addarf")
    assert hyphenate("Vergabe\u00adstelle") == "Vergabe\u00adstelle"  # soft hyphens typed in the workbook win
    assert hyphenate("Archiv") == "Archiv"


def test_bundle_of_a_kommune_in_no_project_says_so(kreis_run):
    bundle = kreis_run["folder"] / "mappen" / "mappe-Kleinmuess.pdf"
    cover = " ".join(_pdftotext(bundle, 1).split())
    assert "Enthalten: der Jahresbericht. An den Projekten des Berichtsjahres ist die Gemeinde Kleinmüß " \
           "nicht beteiligt." in cover
    assert "0 Unterlagen" not in cover and "0 weitere" not in cover
    other = kreis_run["folder"] / "mappen" / "mappe-Grossweissach.pdf"
    entry = next(e for e in kreis_run["manifest"]["entries"] if e["path"] == "mappen/mappe-Grossweissach.pdf")
    n = len(entry["documents"])
    text = " ".join(_pdftotext(other, 1).split())
    assert f"Enthalten: der Jahresbericht und {n - 1} weitere Dokumente der Projekte" in text
    assert f"Diese Mappe enthält {n} Dokumente" in text


def test_every_pdf_of_the_second_kreis_is_accessible(kreis_run):
    """PDF/UA-1 for every PDF of the second Kreis (18 documents, 27 Mappen): both checkers find nothing."""
    from tests.accessibility import docx_findings, matterhorn_findings, pdfua_findings

    folder = kreis_run["folder"]
    pdfs = sorted(folder.glob("pdf/*.pdf")) + sorted(folder.glob("mappen/*.pdf"))
    assert len(pdfs) == 18 + 27
    findings = {pdf.name: pdfua_findings(pdf) + matterhorn_findings(pdf) for pdf in pdfs}
    assert {name: found for name, found in findings.items() if found} == {}
    assert {d.name: docx_findings(d) for d in sorted(folder.glob("word/*.docx")) if docx_findings(d)} == {}
