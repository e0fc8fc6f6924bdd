"""Rücklauf in the browser: copies signed by councils with poppler's pdfsig (as Okular does) are uploaded
together, recognised, and counted in the matrix; the overview, the workbook copy and the reminders."""

from __future__ import annotations

import email
import email.policy
import io
import re
import zipfile

import pytest
from playwright.sync_api import expect

from pipeline import sign
from tests import pki

from .conftest import NAME

pytestmark = pytest.mark.slow  # a real server, Chromium, LibreOffice runs


def test_two_council_copies_count_in_the_matrix(report, editor_page, tmp_path):
    page = editor_page
    page.goto(f"/m/{NAME}/ruecklauf")
    first = page.locator("#zeilen li").first
    expect(first).to_contain_text(re.compile(r"^[A-Z0-9-]+: 0 von \d+ unterschrieben"))
    project, total = re.match(r"^([A-Z0-9-]+): 0 von (\d+)", first.inner_text()).groups()

    page.goto(f"/m/{NAME}/ergebnisse")
    with page.expect_download() as info:
        page.get_by_role("link", name=f"projektauftrag-{project}.pdf").click()
    issued = tmp_path / "ausgegeben.pdf"
    info.value.save_as(issued)
    empty = [f for f in sign.verify(issued, []).fields if not f.signed and f.for_person]
    assert len(empty) == int(total)
    ca = pki.make_ca(tmp_path, cn="Rats-CA", filename="rats-ca.pem")
    copies = []
    for i, (cn, org) in enumerate((("Erika Muster", "Rathaus Eins"), ("Hans Beispiel", "Rathaus Zwei"))):
        council = pki.poppler_signer(tmp_path / f"nss{i}", ca, cn, org)
        copies.append(pki.poppler_sign(issued, tmp_path / f"Scan {i + 1} vom Rathaus.pdf", empty[i].name, council))
    foreign = pki.make_pdf(tmp_path / "Einladung.pdf", title="Einladung zum Sommerfest")

    page.goto(f"/m/{NAME}/ruecklauf")
    page.get_by_label(re.compile("Zurückgekommene PDF-Dateien")).set_input_files([str(p) for p in copies] + [str(foreign)])
    page.get_by_role("button", name="Hochladen und zählen").click()
    expect(page.locator("#zeilen")).to_contain_text(f"{project}: 2 von {total} unterschrieben")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=project, exact=True))
    expect(row.get_by_role("cell", name=f"2 von {total}")).to_be_visible()
    expect(row.locator("td.unterschrieben")).to_have_count(2)
    expect(row.locator("td.unterschrieben").first).to_contain_text("Erika Muster")
    files = page.get_by_role("table", name="Jede hochgeladene Datei und was sie ist")
    expect(files.get_by_role("row").filter(has_text="Scan 1 vom Rathaus.pdf")).to_contain_text("aktuelle Ausgabe")
    expect(files.get_by_role("row").filter(has_text="Scan 2 vom Rathaus.pdf")).to_contain_text(f"{empty[1].label}: Unterschrieben von Hans Beispiel")
    expect(files.get_by_role("row").filter(has_text="Einladung.pdf")).to_contain_text("fremde Datei")

    with page.expect_download() as info:
        page.get_by_role("link", name="Übersicht Ruecklauf.xlsx herunterladen").click()
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(open(info.value.path(), "rb").read())).active.iter_rows(values_only=True))
    signed = [r for r in rows if r[0] == project and r[3] == "unterschrieben"]
    assert sorted(r[5] for r in signed) == ["Erika Muster", "Hans Beispiel"]
    from pipeline.german import datum

    # the matrix writes the date as every document does (5.12.2026)
    cells = row.locator("td.unterschrieben").all_inner_texts()  # "unterschrieben <date>", then who signed
    assert sorted(text.splitlines()[0] for text in cells) == sorted(f"unterschrieben {datum(r[4].date())}" for r in signed)

    with page.expect_download() as info:
        page.get_by_role("button", name="Arbeitsmappe mit »Unterzeichnet am« herunterladen").click()
    assert info.value.suggested_filename.startswith(f"{NAME}-ruecklauf-")
    ws = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))["Beteiligung"]
    header = [c.value for c in ws[1]]
    col = header.index("Unterzeichnet am")
    dated = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == project and r[col] is not None]
    assert len(dated) == 2

    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("Erinnerungen an fehlende Unterschriften")).click()
    with zipfile.ZipFile(info.value.path()) as zf:
        drafts = [email.message_from_bytes(zf.read(n), policy=email.policy.default) for n in zf.namelist()]
    assert drafts and all(d["X-Unsent"] == "1" for d in drafts)
    assert all(d["Subject"].startswith("Erinnerung") for d in drafts)
    attached = {part.get_filename() for d in drafts for part in d.iter_attachments()}
    assert f"projektauftrag-{project}.pdf" in attached

    # the Übersicht knows the count too
    page.goto("/")
    expect(page.get_by_role("region", name=f"Arbeitsmappe {NAME}")).to_contain_text(f"{project}: 2 von {total}")
