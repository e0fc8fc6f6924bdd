"""The year's work in a real headless Chromium, as a member of staff does it: log in, upload, check,
fix, run and watch the progress, download, Versand. Every assertion is what she would see."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile

import pytest
from playwright.sync_api import expect

from .conftest import ADMIN, EDITOR, NAME, RUN_TIMEOUT, YEAR, login, sample_workbook, upload_as, upload_sample, workbook_with_unknown_kommune

pytestmark = pytest.mark.slow  # a real server, Chromium, LibreOffice runs


def upload(page, target_value: str, path) -> None:
    page.goto("/arbeitsmappe")
    page.get_by_label("Gehört zu").select_option(target_value)
    page.get_by_label(re.compile("Excel-Datei")).set_input_files(str(path))
    page.get_by_role("button", name="Hochladen und prüfen").click()


def test_first_user_link_works_once(server, browser):
    page = browser.new_page()
    response = page.goto(server.first_link)
    assert response.status == 404
    expect(page.get_by_role("alert")).to_contain_text("Einrichtungslink ist ungültig")
    page.close()


def test_login_with_a_wrong_password_says_so(browser, server):
    page = browser.new_page(base_url=server.url)
    page.goto("/")
    expect(page).to_have_url(re.compile("/anmelden"))
    page.get_by_label("Benutzername").fill(EDITOR[0])
    page.get_by_label("Passwort").fill("falsch-falsch")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("alert")).to_have_text("Benutzername oder Passwort ist falsch.")
    page.close()


def test_upload_the_sample_and_see_no_errors(editor_page):
    page = editor_page
    upload_as(page, YEAR, sample_workbook())
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Prüfen: {NAME}")
    expect(page.locator("#ergebnis")).to_contain_text("0 Fehler")
    version = re.search(r"Version (\d+) von", page.get_by_role("status").inner_text()).group(1)
    expect(page.get_by_role("status")).to_contain_text(f"Version {version} von »{NAME}« gespeichert")
    page.get_by_role("link", name="Arbeitsmappe", exact=True).click()
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=version, exact=True))
    expect(row).to_contain_text("ikz-2025.xlsx")
    expect(row).to_contain_text(EDITOR[0])
    with page.expect_download() as info:
        row.get_by_role("link", name=f"Version {version} herunterladen").click()
    assert open(info.value.path(), "rb").read() == sample_workbook().read_bytes()


def test_unknown_kommune_shows_sheet_cell_and_suggestion(editor_page, tmp_path):
    page = editor_page
    upload_as(page, YEAR - 1, workbook_with_unknown_kommune(tmp_path))
    expect(page.locator("#ergebnis")).to_contain_text("1 Fehler")
    row = page.locator("table.probleme tbody tr").first
    cells = row.locator("td")
    expect(cells.nth(0)).to_have_text("Fehler")
    expect(cells.nth(1)).to_have_text("Beteiligung")
    expect(cells.nth(2)).to_have_text("B3")
    expect(cells.nth(3)).to_have_text("Kommune")
    expect(cells.nth(5)).to_have_text("Rauheim")
    expect(cells.nth(7)).to_have_text("Meinten Sie »Raunheim«?")
    expect(cells.nth(4)).to_contain_text("In Excel: Blatt »Beteiligung«, Zelle B3")


def start_forced_run(page) -> None:
    """»Alles neu erzeugen« on the Erzeugen page (the sample uploaded first, unless it is there); returns when the
    page shows the run in progress."""
    upload_sample(page)
    page.goto(f"/m/{NAME}/erzeugen")
    page.get_by_label("Alles neu erzeugen").check()
    page.get_by_role("button", name="Dokumente erzeugen").click()
    expect(page.get_by_role("heading", name="Lauf in Arbeit")).to_be_visible()


def test_run_shows_live_progress_and_the_summary(server, browser, editor_page):
    page = editor_page
    start_forced_run(page)
    # the live progress: the step, the current item, the count and the elapsed time change as the run goes on
    expect(page.locator("#element")).to_contain_text(re.compile(r"(Word|PDF|signiert|Mappe): "), timeout=RUN_TIMEOUT)
    expect(page.locator("#zaehler")).to_have_text(re.compile(r"^\d+ von \d+$"))
    expect(page.locator("#dauer")).to_have_text(re.compile(r"^\d+ s$"))
    expect(page.get_by_text("Fertig in")).to_be_visible(timeout=RUN_TIMEOUT)
    summary = page.locator("#ergebnis")
    expect(summary).to_contain_text("Dokumente: 15 neu erzeugt, 0 unverändert übernommen (11 Projektaufträge")
    expect(summary).to_contain_text("Mappen: 16 neu erzeugt")
    expect(summary).to_contain_text("Demonstrationszertifikat")


def test_a_second_user_sees_the_running_job_and_cannot_start_another(server, browser, editor_page):
    page = editor_page
    start_forced_run(page)
    other = login(browser, server, ADMIN)
    try:
        other.goto(f"/m/{NAME}/erzeugen")
        expect(other.get_by_role("heading", name="Lauf in Arbeit")).to_be_visible()
        expect(other.locator("#wer")).to_contain_text(f"Gestartet von {EDITOR[0]} am")
        expect(other.get_by_role("button", name="Dokumente erzeugen")).to_be_hidden()
        expect(other.locator("#laeuft-hinweis")).to_have_text("Solange dieser Lauf dauert, kann kein weiterer gestartet werden.")
        # sent anyway (e.g. from a page opened before): refused with the German reason
        csrf = other.locator("input[name=csrf]").first.get_attribute("value")
        response = other.request.post(f"/m/{NAME}/erzeugen", form={"csrf": csrf})
        assert response.status == 409
        assert f"Es läuft schon ein Lauf für diese Arbeitsmappe, gestartet von {EDITOR[0]}" in response.text()
    finally:
        other.context.close()
    expect(page.get_by_text("Fertig in")).to_be_visible(timeout=RUN_TIMEOUT)


def test_download_a_mappe_and_check_its_signature_with_pdfsig(report, editor_page, tmp_path):
    page = editor_page
    page.goto(f"/m/{NAME}/ergebnisse")
    tile = page.get_by_role("listitem").filter(has_text="mappe-Raunheim.pdf")
    preview = tile.locator("img")
    preview.scroll_into_view_if_needed()
    expect(preview).to_have_js_property("complete", True)
    assert preview.evaluate("img => img.naturalWidth") > 0  # the preview of page 1
    with page.expect_download() as info:
        tile.get_by_role("link", name="mappe-Raunheim.pdf").click()
    pdf = tmp_path / info.value.suggested_filename
    info.value.save_as(pdf)
    assert pdf.name == "mappe-Raunheim.pdf"
    out = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True)
    assert "Signature Validation: Signature is Valid." in out.stdout, out.stdout + out.stderr
    assert "Signer Certificate Common Name: IKZ-Geschäftsstelle" in out.stdout


def test_the_whole_run_downloads_as_one_zip(report, editor_page):
    page = editor_page
    page.goto(f"/m/{NAME}/ergebnisse")
    with page.expect_download() as info:
        page.get_by_role("link", name="Alle Ergebnisse als ZIP herunterladen").click()
    with zipfile.ZipFile(info.value.path()) as zf:
        names = set(zf.namelist())
    assert f"{NAME}/manifest.json" in names
    assert f"{NAME}/mappen/gesamtmappe.pdf" in names
    assert f"{NAME}/word/jahresbericht-2025.docx" in names
    assert len([n for n in names if n.endswith(".pdf")]) == 31


def test_versand_per_kommune_with_draft_and_zip(report, editor_page):
    page = editor_page
    page.goto(f"/m/{NAME}/versand")
    page.get_by_role("button", name=re.compile("Versand .*vorbereiten")).click()
    expect(page.get_by_role("status")).to_contain_text("Versand vorbereitet: 15 Ordner")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Raunheim", exact=True))
    expect(row).to_contain_text("mappe-Raunheim.pdf")
    expect(row).to_contain_text("E-Mail-Entwurf")
    with page.expect_download() as info:
        row.get_by_role("link", name="Raunheim als ZIP").click()
    with zipfile.ZipFile(info.value.path()) as zf:
        names = zf.namelist()
        eml = next(n for n in names if n.endswith(".eml"))
        draft = zf.read(eml).decode("ascii")
    assert "Raunheim/mappe-Raunheim.pdf" in names
    assert "X-Unsent: 1" in draft
    with page.expect_download() as info:
        page.get_by_role("link", name="Versandliste (Excel) herunterladen").click()
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(open(info.value.path(), "rb").read())).active
    assert [c.value for c in ws[1]][:3] == ["Kommune", "E-Mail", "Datei"]


def test_a_reader_is_refused_upload_and_run(reader_page, server):
    page = reader_page
    page.goto("/arbeitsmappe")
    expect(page.get_by_role("button", name="Hochladen und prüfen")).to_have_count(0)
    page.goto(f"/m/{NAME}/erzeugen")
    expect(page.get_by_role("button", name="Dokumente erzeugen")).to_have_count(0)
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    response = page.request.post(f"/m/{NAME}/erzeugen", form={"csrf": csrf})
    assert response.status == 403
    assert "Dokumente erzeugen darf die Rolle »Bearbeiten«" in response.text()
    response = page.request.post("/arbeitsmappe/hochladen", multipart={
        "csrf": csrf, "ziel": NAME,
        "datei": {"name": "x.xlsx", "mimeType": "application/octet-stream", "buffer": sample_workbook().read_bytes()}})
    assert response.status == 403
    assert "Keine Berechtigung" in response.text() and "Traceback" not in response.text()
    # the page as she sees it
    page.goto("/benutzer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Keine Berechtigung")
    expect(page.get_by_role("alert")).to_contain_text("Dafür braucht es die Rolle »Verwalten«")


def test_upload_check_run_download_by_keyboard_only(browser, server, editor_page, tmp_path):
    """Tab and Enter only: the file chooser is the operating system's dialog, answered with the file."""
    upload_sample(editor_page)  # the workbook exists (a new version of it is uploaded below)
    context = browser.new_context(base_url=server.url, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto("/anmelden")
        expect(page.get_by_label("Benutzername")).to_be_focused()  # the login form has the focus at once
        page.keyboard.type(EDITOR[0])
        page.keyboard.press("Tab")
        page.keyboard.type(EDITOR[1])
        page.keyboard.press("Enter")
        expect(page.get_by_text(f"Angemeldet: {EDITOR[0]}")).to_be_visible()

        def tab_to(locator, limit=60):
            for _ in range(limit):
                page.keyboard.press("Tab")
                if locator.evaluate("el => el === document.activeElement"):
                    return
            raise AssertionError(f"not reachable by Tab: {locator}")

        tab_to(page.get_by_role("navigation").get_by_role("link", name="Arbeitsmappe", exact=True))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Arbeitsmappe")
        tab_to(page.get_by_label("Gehört zu"))
        expect(page.get_by_label("Gehört zu")).to_have_value(re.compile(f"^{NAME}$|^ikz-"))
        page.get_by_label("Gehört zu").press("Home")  # the newest workbook first; choose ours by typing
        page.keyboard.type(NAME)
        expect(page.get_by_label("Gehört zu")).to_have_value(NAME)
        tab_to(page.get_by_label(re.compile("Excel-Datei")))
        field = page.get_by_label(re.compile("Excel-Datei"))
        expect(field).to_be_focused()
        # Space opens the operating system's file dialog, which is no part of the page: its answer is given here
        field.set_input_files(str(sample_workbook()))
        expect(field).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Hochladen und prüfen")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("#ergebnis")).to_contain_text("0 Fehler")
        tab_to(page.get_by_role("link", name="Weiter zum Erzeugen"))
        page.keyboard.press("Enter")
        tab_to(page.get_by_role("button", name="Dokumente erzeugen"))
        page.keyboard.press("Enter")
        expect(page.get_by_text("Fertig in")).to_be_visible(timeout=RUN_TIMEOUT)
        tab_to(page.get_by_role("link", name="Zu den Ergebnissen"))
        page.keyboard.press("Enter")
        tab_to(page.get_by_role("link", name="jahresbericht-2025.pdf"))
        with page.expect_download() as info:
            page.keyboard.press("Enter")
        assert open(info.value.path(), "rb").read(5) == b"%PDF-"
    finally:
        context.close()


def test_overview_shows_state_and_next_step(report, editor_page):
    page = editor_page
    page.goto("/")
    card = page.get_by_role("region", name=f"Arbeitsmappe {NAME}")
    expect(card).to_contain_text(f"von {EDITOR[0]}: 0 Fehler")
    expect(card).to_contain_text("Letzter Lauf")
    expect(card).to_contain_text("fertig")
    expect(card.get_by_text("Nächster Schritt")).to_be_visible()
