"""The other pages in the browser: Vorlagen (checked before they are taken), Signatur prüfen, Benutzer,
the blank workbook, Verlauf; single sign-on through a reverse proxy's header."""

from __future__ import annotations

import io
import re
import zipfile

import httpx
import pytest
from playwright.sync_api import expect

from tests import pki
from tests.helpers_docx import edited_templates

from .conftest import NAME, Server, add_user, login, make_project

pytestmark = pytest.mark.slow  # a real server, Chromium, LibreOffice runs


def test_a_template_is_checked_first_and_every_version_kept(admin_page, report, project, tmp_path):
    page = admin_page
    original = (project / "templates" / "projektauftrag.docx").read_bytes()
    broken = edited_templates(tmp_path / "kaputt", "projektauftrag.docx", b"{{ projekt.titel }}",
                              b"{{ projekt.titel }", count=1) / "projektauftrag.docx"
    page.goto("/vorlagen")
    page.get_by_label("Ersetzt").select_option("projektauftrag.docx")
    page.get_by_label(re.compile("Word-Datei")).set_input_files(str(broken))
    page.get_by_role("button", name="Prüfen und übernehmen").click()
    expect(page.locator("#fehler")).to_contain_text("Die Vorlage wurde nicht übernommen")
    expect(page.get_by_role("list", name="Probleme der Vorlage")).to_contain_text("projektauftrag.docx")
    assert (project / "templates" / "projektauftrag.docx").read_bytes() == original

    edited = edited_templates(tmp_path / "neu", "projektauftrag.docx", b"{{ projekt.titel }}",
                              b"{{ projekt.titel }} ", count=1) / "projektauftrag.docx"
    page.get_by_label("Ersetzt").select_option("projektauftrag.docx")
    page.get_by_label(re.compile("Word-Datei")).set_input_files(str(edited))
    page.get_by_role("button", name="Prüfen und übernehmen").click()
    expect(page.get_by_role("status")).to_contain_text("»projektauftrag.docx« geprüft und übernommen")
    assert (project / "templates" / "projektauftrag.docx").read_bytes() == edited.read_bytes()
    versions = page.get_by_role("table", name=re.compile("Übernommene Vorlagen"))
    expect(versions).to_contain_text("Stand vor dem Ersetzen")
    previous = versions.get_by_role("row").filter(has_text="Stand vor dem Ersetzen")
    with page.expect_download() as info:
        previous.get_by_role("link").click()
    assert open(info.value.path(), "rb").read() == original
    # put the original back (as a new version): later runs use the project's template
    page.get_by_label("Ersetzt").select_option("projektauftrag.docx")
    page.get_by_label(re.compile("Word-Datei")).set_input_files(info.value.path())
    page.get_by_role("button", name="Prüfen und übernehmen").click()
    expect(page.get_by_role("status")).to_contain_text("übernommen")
    assert (project / "templates" / "projektauftrag.docx").read_bytes() == original


def test_a_reader_may_download_templates_but_not_replace_them(reader_page):
    page = reader_page
    page.goto("/vorlagen")
    with page.expect_download() as info:
        page.get_by_role("link", name="jahresbericht.docx herunterladen").click()
    assert zipfile.is_zipfile(info.value.path())
    expect(page.get_by_role("button", name="Prüfen und übernehmen")).to_have_count(0)


def test_signature_check_of_an_issued_file_and_a_tampered_one(report, editor_page, tmp_path):
    page = editor_page
    page.goto(f"/m/{NAME}/ergebnisse")
    with page.expect_download() as info:
        page.get_by_role("link", name="projektauftrag-HINSCHG.pdf").click()
    issued = tmp_path / "hinschg.pdf"
    info.value.save_as(issued)
    page.goto("/signatur")
    page.get_by_label(re.compile("PDF-Datei")).set_input_files(str(issued))
    page.get_by_role("button", name="Signatur prüfen").click()
    expect(page.locator("#pruefergebnis")).to_have_text("Alle Signaturen sind unversehrt.")
    expect(page.get_by_role("table")).to_contain_text("Noch nicht unterschrieben.")
    expect(page.get_by_text("Unterschriften der Dienststellenleitungen: 0 von")).to_be_visible()

    data = bytearray(issued.read_bytes())
    at = data.index(b"/Producer")
    data[at + 12] = ord("X") if data[at + 12] != ord("X") else ord("Y")  # one byte inside the signed range
    tampered = tmp_path / "verändert.pdf"
    tampered.write_bytes(bytes(data))
    page.get_by_label(re.compile("PDF-Datei")).set_input_files(str(tampered))
    page.get_by_role("button", name="Signatur prüfen").click()
    expect(page.locator("#pruefergebnis")).to_have_text("Die Datei hat eine UNGÜLTIGE Signatur.")
    expect(page.get_by_role("heading", name="Ergebnis für »verändert.pdf«")).to_be_visible()


def test_users_are_managed_in_the_browser(admin_page, browser, server):
    page = admin_page
    page.goto("/benutzer")
    page.get_by_label("Benutzername").fill("neuling")
    page.get_by_label("Rolle", exact=True).select_option("bearbeiten")
    page.get_by_label("Erstes Passwort").fill("Neuling-Passwort-1")
    page.get_by_role("button", name="Anlegen").click()
    expect(page.get_by_role("status")).to_have_text("Benutzer »neuling« angelegt.")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="neuling"))
    expect(row).to_contain_text("Bearbeiten")
    newcomer = login(browser, server, ("neuling", "Neuling-Passwort-1"))
    row.get_by_role("button", name="neuling sperren").click()
    expect(page.get_by_role("status")).to_have_text("Benutzer »neuling«: gesperrt.")
    newcomer.goto("/arbeitsmappe")
    expect(newcomer).to_have_url(re.compile("/anmelden"))  # a locked user's sessions end at once
    newcomer.context.close()
    page.get_by_label("Benutzername").fill("x")
    page.get_by_label("Erstes Passwort").fill("kurz")
    page.get_by_label("Erstes Passwort").evaluate("el => el.removeAttribute('minlength')")
    page.get_by_role("button", name="Anlegen").click()
    expect(page.locator("#fehler")).to_contain_text("Der Benutzername muss 2 bis 64 Zeichen lang sein")


def test_blank_workbook_and_the_audit_log(admin_page, report):
    page = admin_page
    page.goto("/arbeitsmappe")
    with page.expect_download() as info:
        page.get_by_role("link", name="Leere Arbeitsmappe herunterladen").click()
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    assert "Anleitung" in wb.sheetnames and "Beteiligung" in wb.sheetnames
    page.goto(f"/m/{NAME}/ergebnisse")
    with page.expect_download():
        page.get_by_role("link", name="mappe-Raunheim.pdf").click()
    page.goto("/verlauf")
    log = page.get_by_role("table")
    for action in ("Ersten Benutzer angelegt", "Anmeldung", "Arbeitsmappe hochgeladen", "Lauf gestartet",
                   "Lauf beendet", "Benutzer angelegt", "Signierte Datei heruntergeladen"):
        expect(log).to_contain_text(action)
    expect(log).not_to_contain_text("Passwort-1")


def test_single_sign_on_only_from_the_configured_proxy(tmp_path):
    root = make_project(tmp_path / "sso")
    server = Server(root, "--sso-header", "X-Remote-User", "--proxy", "127.0.0.1")
    try:
        assert add_user(root, "erika", "lesen", "Erika-Passwort-12").returncode == 0
        with httpx.Client(base_url=server.url) as proxy:
            r = proxy.get("/", headers={"X-Remote-User": "erika"})
            assert r.status_code == 200 and "Angemeldet: <strong>erika</strong>" in r.text
            r = proxy.get("/", headers={"X-Remote-User": "niemand"})
            assert r.status_code == 303  # an unknown name is nobody
        # the same header from another address (not the proxy) counts for nothing
        with httpx.Client(base_url=server.url, transport=httpx.HTTPTransport(local_address="127.0.0.2")) as other:
            r = other.get("/", headers={"X-Remote-User": "erika"})
            assert r.status_code == 303 and r.headers["location"].startswith("/anmelden")
    finally:
        server.stop()
    assert "Traceback" not in server.output


def test_new_year_from_last_year_with_its_checklist(editor_page, report, project):
    page = editor_page
    page.goto("/arbeitsmappe")
    page.get_by_label("Vorjahr").select_option(NAME)
    page.get_by_role("button", name="Neues Jahr aus dem Vorjahr").click()
    expect(page.get_by_role("status")).to_contain_text("Neue Arbeitsmappe für den 13. Bericht angelegt")
    heading = page.get_by_role("heading", level=1).inner_text()
    new = re.search(r"ikz-\d{4}", heading).group(0)
    assert (project / "inputs" / f"{new}.xlsx").is_file()
    from pipeline.german import datum
    from pipeline.validate import load

    report_settings = load(project / "inputs" / f"{new}.xlsx")[0].bericht
    expect(page.get_by_role("main")).to_contain_text(  # dates as the documents write them (1.11.2025)
        f"Berichtszeitraum {datum(report_settings.von)} – {datum(report_settings.bis)}, "
        f"Stand {datum(report_settings.stand)}.")
    expect(page.get_by_role("table", name=re.compile("Bitte prüfen"))).to_contain_text("Bericht")
    from .test_accessibility import violations

    assert violations(page) == []
    page.get_by_role("main").get_by_role("link", name="prüfen", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Prüfen: {new}")
    expect(page.locator("#ergebnis")).to_be_visible()
    # a second time: the workbook exists, nothing is overwritten
    page.goto("/arbeitsmappe")
    page.get_by_label("Vorjahr").select_option(NAME)
    page.get_by_role("button", name="Neues Jahr aus dem Vorjahr").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Die Arbeitsmappe »{new}« gibt es schon; nichts wurde verändert")


def test_the_reminder_text_is_edited_like_a_template(admin_page, project, tmp_path):
    page = admin_page
    path = project / "templates" / "erinnerung-anschreiben.txt"
    original = path.read_text(encoding="utf-8")
    broken = tmp_path / "erinnerung.txt"
    broken.write_text(original.replace("{% endfor %}", "", 1), encoding="utf-8")
    page.goto("/vorlagen")
    page.get_by_label("Ersetzt").select_option("erinnerung-anschreiben.txt")
    page.get_by_label(re.compile("Textvorlage")).set_input_files(str(broken))
    page.get_by_role("button", name="Prüfen und übernehmen").click()
    expect(page.get_by_role("list", name="Probleme der Vorlage")).to_contain_text("erinnerung-anschreiben.txt, Zeile")
    assert path.read_text(encoding="utf-8") == original
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes(original.replace("Erinnerung:", "Erinnerung für Gemeinden:").encode("latin-1", "replace"))
    page.get_by_label("Ersetzt").select_option("erinnerung-anschreiben.txt")
    page.get_by_label(re.compile("Textvorlage")).set_input_files(str(latin1))
    page.get_by_role("button", name="Prüfen und übernehmen").click()
    expect(page.locator("#fehler")).to_contain_text("nicht als UTF-8 gespeichert")
    edited = tmp_path / "neu.txt"
    edited.write_text(original.replace("Betreff: Erinnerung:", "Betreff: Erinnerung (2. Runde):"), encoding="utf-8")
    page.get_by_label("Ersetzt").select_option("erinnerung-anschreiben.txt")
    page.get_by_label(re.compile("Textvorlage")).set_input_files(str(edited))
    page.get_by_role("button", name="Prüfen und übernehmen").click()
    expect(page.get_by_role("status")).to_contain_text("»erinnerung-anschreiben.txt« geprüft und übernommen")
    assert "Erinnerung (2. Runde)" in path.read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")  # as it was, for the other tests


def test_a_file_dropped_on_the_page_is_uploaded(editor_page, tmp_path):
    """Drag and drop: the file lands in the form's file field (as when it is dropped from Explorer)."""
    import base64

    pdf = pki.make_pdf(tmp_path / "gezogen.pdf", title="Gezogen")
    page = editor_page
    page.goto("/signatur")
    page.evaluate("""([b64, name]) => {
        const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], name, {type: "application/pdf"}));
        const zone = document.querySelector("[data-ablage]");
        zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true}));
        zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
    }""", [base64.b64encode(pdf.read_bytes()).decode(), "gezogen.pdf"])
    page.get_by_role("button", name="Signatur prüfen").click()
    expect(page.get_by_role("heading", name="Ergebnis für »gezogen.pdf«")).to_be_visible()
    expect(page.get_by_text("Die Datei hat keine Signatur.")).to_be_visible()


def test_times_on_the_pages_are_german_local_time_as_in_every_message():
    from pipeline.web.app import _when

    assert _when("2026-12-05T12:13:03+00:00") == "5.12.2026 13:13 Uhr"  # the manifest's UTC: shown in Berlin time
    assert _when("2026-07-01T08:00:00+02:00") == "1.7.2026 08:00 Uhr"
    assert _when(None) == "" and _when("kein Datum") == "kein Datum"
