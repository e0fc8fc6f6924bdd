"""Accessibility of every page: axe-core (from the npm registry, loaded into the page by the test only)
reports no violation of WCAG 2.1 A and AA (BITV 2.0)."""

from __future__ import annotations

import pytest

from .conftest import ADMIN, AXE, NAME, YEAR, login, sample_workbook, upload_as, workbook_with_unknown_kommune

pytestmark = pytest.mark.slow  # a real server, Chromium, LibreOffice runs


TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

PAGES = [
    "/", "/arbeitsmappe", f"/m/{NAME}/pruefen", f"/m/ikz-{YEAR - 1}/pruefen", f"/m/{NAME}/erzeugen",
    f"/m/{NAME}/ergebnisse", f"/m/{NAME}/versand", f"/m/{NAME}/ruecklauf", "/signatur", "/vorlagen", "/verlauf",
    "/benutzer", "/gibt-es-nicht",
]


def violations(page) -> list[str]:
    """axe's violations on the page as it is, one line each (rule, impact, first target)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # through the debugging protocol: not subject to the page's CSP
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    assert len(result["passes"]) >= 10, result  # axe ran its rules on this page
    return [f"{v['id']} ({v['impact']}): {v['help']} – {v['nodes'][0]['target']}" for v in result["violations"]]


@pytest.fixture(scope="module")
def admin(browser, server, report, tmp_path_factory):
    page = login(browser, server, ADMIN)
    upload_as(page, YEAR - 1, workbook_with_unknown_kommune(tmp_path_factory.mktemp("a11y")))  # a check with errors
    yield page
    page.context.close()


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_wcag_violations(admin, path):
    admin.goto(path)
    assert violations(admin) == []


def test_login_page_has_no_wcag_violations(browser, server):
    page = browser.new_page(base_url=server.url)
    page.goto("/anmelden")
    assert violations(page) == []
    page.get_by_label("Benutzername").fill("niemand")
    page.get_by_label("Passwort").fill("falsch-falsch")
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("alert").wait_for()
    assert violations(page) == []
    page.close()


def test_signature_result_has_no_wcag_violations(admin, server):
    admin.goto(f"/m/{NAME}/ergebnisse")
    with admin.expect_download() as info:
        admin.get_by_role("link", name="mappe-Raunheim.pdf").click()
    admin.goto("/signatur")
    admin.get_by_label("PDF-Datei", exact=False).set_input_files(info.value.path())
    admin.get_by_role("button", name="Signatur prüfen").click()
    admin.locator("#pruefergebnis").wait_for()
    assert violations(admin) == []


def test_upload_error_has_no_wcag_violations(admin, tmp_path):
    fake = tmp_path / "keine.xlsx"
    fake.write_bytes(b"Das ist Text, keine Arbeitsmappe.")
    admin.goto("/arbeitsmappe")
    admin.get_by_label("Excel-Datei", exact=False).set_input_files(str(fake))
    admin.get_by_role("button", name="Hochladen und prüfen").click()
    admin.get_by_role("alert").wait_for()
    assert violations(admin) == []
    assert sample_workbook().is_file()
