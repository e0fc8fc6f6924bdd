"""`make versand` end to end: a real report (LibreOffice, signatures) of a small workbook, then what each
Kommune receives, read back as a mail program and Excel read it.

The workbook has four Kommunen, one without address, and four projects: a finished one (nobody signs
again), a running pilot (its one participant signs), a planned one that Raunheim has already signed
(»Unterzeichnet am«) and a running one whose order is given (Arbeitsabschnitt I done).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from pipeline.digest import sha256_file
from pipeline.validate import load
from pipeline.versand import Letter, build_draft
from tests.helpers_run import cli
from tests.kreis import second_kreis_rows
from tests.wb import make_workbook, minimal_rows

pytestmark = pytest.mark.slow  # whole pipeline runs: `make test`, not `make test-schnell`

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
ADDRESSES = {"Raunheim": "poststelle@raunheim.example", "Gernsheim": "rathaus@gernsheim.example",
             "Kreis Groß-Gerau": "poststelle@kreis-gross-gerau.example"}
FOLDERS = {"Biebesheim": "Biebesheim", "Raunheim": "Raunheim", "Gernsheim": "Gernsheim",
           "Kreis Groß-Gerau": "Kreis-Gross-Gerau"}
TO_SIGN = {"Biebesheim": ["KLIMA"], "Raunheim": [], "Gernsheim": ["REINIGUNG-PILOT", "KLIMA"],
           "Kreis Groß-Gerau": ["KLIMA"]}


def _rows() -> dict:
    rows = minimal_rows()
    for k in rows["Kommunen"]:
        k["email"] = ADDRESSES.get(k["key"])
    keys = [k["key"] for k in rows["Kommunen"]]
    rows["Projekte"] += [
        dict(id="KLIMA", titel="Klimaanpassung in den Kommunen", kurztitel="Klima", art="Prüfprojekt",
             status="geplant", aktuell=True),
        dict(id="ARCHIV", titel="Gemeinsames Archiv", kurztitel="Archiv", art="Prüfprojekt", status="laufend",
             start=dt.date(2025, 7, 1), aktuell=True),
    ]
    for key in keys:
        rows["Beteiligung"].append(dict(projekt="KLIMA", kommune=key, status="beteiligt",
                                        rolle="PL" if key == "Raunheim" else "PG",
                                        unterzeichnet=dt.date(2025, 9, 1) if key == "Raunheim" else None))
    rows["Beteiligung"] += [dict(projekt="ARCHIV", kommune="Raunheim", status="beteiligt", rolle="PL"),
                            dict(projekt="ARCHIV", kommune="Gernsheim", status="beteiligt", rolle="PG")]
    rows["Arbeitsabschnitte"].append(dict(projekt="ARCHIV", abschnitt="I", geplant=dt.date(2025, 7, 1),
                                          erledigt=dt.date(2025, 7, 1)))
    return rows


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("versand")
    workbook = make_workbook(tmp / "ikz-2025.xlsx", _rows())
    result = cli("report", workbook, "--outputs", tmp / "out", "--state", tmp / "state")
    assert result.returncode == 0, result.stdout + result.stderr
    return dict(workbook=workbook, out=tmp / "out", run=tmp / "out" / "ikz-2025", tmp=tmp)


@pytest.fixture(scope="module")
def versand(report):
    result = cli("versand", report["workbook"], "--outputs", report["out"])
    assert result.returncode == 0, result.stdout + result.stderr
    return dict(report, result=result, folder=report["run"] / "versand")


@pytest.fixture(scope="module")
def tiny(versand, tmp_path_factory):
    """The same outputs copied, with things of staff's own around, and `versand` again with a 0,05 MB limit."""
    out = tmp_path_factory.mktemp("klein") / "out"
    shutil.copytree(versand["out"], out)
    run = out / "ikz-2025"
    (run / "versand" / "Raunheim" / "alt.txt").write_text("vom letzten Versand")
    (run / "notiz.txt").write_text("eigene Notiz")
    (out / "notiz.txt").write_text("eigene Notiz")
    result = cli("versand", versand["workbook"], "--outputs", out, "--max-anhang", "0,05",
                 "--absender", "Marion Götz <m.goetz@raunheim.de>")
    assert result.returncode == 0, result.stdout + result.stderr
    return dict(result=result, out=out, run=run, folder=run / "versand")


def _message(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def _attachments(msg) -> dict[str, tuple[str, bytes]]:
    return {a.get_filename(): (a.get_content_type(), a.get_content()) for a in msg.iter_attachments()}


def _sheet(folder: Path) -> list[dict]:
    ws = openpyxl.load_workbook(folder / "Versandliste.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def test_one_folder_per_kommune_with_its_mappe_and_the_orders_it_has_to_sign(versand):
    folder, run = versand["folder"], versand["run"]
    assert {p.name for p in folder.iterdir() if p.is_dir()} == set(FOLDERS.values())
    for key, name in FOLDERS.items():
        expected = {f"mappe-{name}.pdf"} | {f"projektauftrag-{p}.{ext}" for p in TO_SIGN[key] for ext in ("pdf", "docx")}
        if key in ADDRESSES:
            expected.add(f"e-mail-{name}.eml")
        assert {p.name for p in (folder / name).iterdir()} == expected, key
        for f in (folder / name).iterdir():
            if f.suffix != ".eml":  # copies of the delivered files
                original = run / ("mappen" if f.name.startswith("mappe-") else {".pdf": "pdf", ".docx": "word"}[f.suffix])
                assert sha256_file(f) == sha256_file(original / f.name), f
    out = versand["result"].stdout
    assert f"Versand vorbereitet in {folder}/" in out
    assert "4 Ordner (je Kommune einer), 3 E-Mail-Entwürfe (.eml)" in out
    assert "Ohne E-Mail-Adresse: 1 Kommune (Biebesheim)" in out
    assert "Nicht angehängt (größer als 10 MB): 0 Dateien" in out
    assert f"Versandliste: {folder / 'Versandliste.xlsx'}" in out
    assert "Traceback" not in out + versand["result"].stderr


def test_draft_opens_as_unsent_mail_to_the_kommune_with_its_files(versand):
    folder = versand["folder"] / "Gernsheim"
    raw = (folder / "e-mail-Gernsheim.eml").read_bytes()
    assert raw.isascii() and b"\r\n" in raw  # 7-bit safe: umlauts encoded, attachments in base64
    lines = raw.split(b"\r\n")
    assert max(map(len, lines)) <= 998
    assert max(len(line) for line in lines if re.fullmatch(rb"[A-Za-z0-9+/=]+", line)) == 76  # base64 as in MIME
    msg = _message(folder / "e-mail-Gernsheim.eml")
    assert msg["X-Unsent"] == "1"
    assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == [("Stadt Gernsheim", "rathaus@gernsheim.example")]
    assert msg["From"] is None  # left to the mail program: whoever sends, from their own account
    assert msg["Subject"] == "IKZ-Jahresbericht 2025 und Projektaufträge zur Unterschrift – Stadt Gernsheim"
    assert msg["Date"].datetime.tzinfo is not None
    files = _attachments(msg)
    assert list(files) == ["mappe-Gernsheim.pdf", "projektauftrag-REINIGUNG-PILOT.pdf",
                           "projektauftrag-REINIGUNG-PILOT.docx", "projektauftrag-KLIMA.pdf", "projektauftrag-KLIMA.docx"]
    for name, (ctype, data) in files.items():
        assert ctype == ("application/pdf" if name.endswith(".pdf") else
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        assert data == (folder / name).read_bytes()
    body = msg.get_body(("plain",)).get_content()
    assert "zur Kenntnisnahme" in body and "mappe-Gernsheim.pdf" in body and "12. IKZ-Zwischenbericht" in body
    assert "Projektauftrag »Klimaanpassung in den Kommunen« (KLIMA)" in body
    assert "Projektauftrag »Pilotprojekt Reinigung« (REINIGUNG-PILOT)" in body
    assert body.count("Bitte im Feld »Unterschrift Stadt Gernsheim« unterschreiben.") == 2
    assert "Bürgermeister Peter Burger" in body and "Nicht angehängt" not in body


def test_draft_without_orders_asks_only_to_take_note(versand):
    msg = _message(versand["folder"] / "Raunheim" / "e-mail-Raunheim.eml")
    assert msg["Subject"] == "IKZ-Jahresbericht 2025 – Stadt Raunheim"  # signed KLIMA already, ARCHIV given
    assert list(_attachments(msg)) == ["mappe-Raunheim.pdf"]
    body = msg.get_body(("plain",)).get_content()
    assert "zur Kenntnisnahme" in body and "Unterschrift" not in body
    kreis = _message(versand["folder"] / "Kreis-Gross-Gerau" / "e-mail-Kreis-Gross-Gerau.eml")
    assert kreis["Subject"] == "IKZ-Jahresbericht 2025 und Projektauftrag zur Unterschrift – Kreis Groß-Gerau"
    assert "Bitte im Feld »Unterschrift Kreis Groß-Gerau« unterschreiben." in kreis.get_body(("plain",)).get_content()
    assert "Wir bitten Landrat Thomas Will, Kreis Groß-Gerau, diesen Projektauftrag digital zu unterschreiben:" \
        in kreis.get_body(("plain",)).get_content()


def test_sender_only_when_given(tiny, versand):
    assert _message(versand["folder"] / "Gernsheim" / "e-mail-Gernsheim.eml")["From"] is None
    msg = _message(tiny["folder"] / "Gernsheim" / "e-mail-Gernsheim.eml")
    assert [(a.display_name, a.addr_spec) for a in msg["From"].addresses] == [("Marion Götz", "m.goetz@raunheim.de")]
    wrong = cli("versand", versand["workbook"], "--outputs", tiny["out"], "--absender", "Marion Götz")
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == ('Fehler: »Marion Götz« ist keine verwendbare Absenderadresse (z. B. "Marion Götz '
                                    '<m.goetz@raunheim.de>" oder m.goetz@raunheim.de).')
    assert _message(tiny["folder"] / "Gernsheim" / "e-mail-Gernsheim.eml")["From"] is not None  # nothing replaced


def test_no_draft_without_address_and_check_warns_once(versand):
    assert not list((versand["folder"] / "Biebesheim").glob("*.eml"))
    result = cli("check", versand["workbook"])
    assert result.returncode == 0, result.stdout
    lines = [line for line in result.stdout.splitlines() if "E-Mail" in line]
    assert lines == ["Warnung: ikz-2025.xlsx › Kommunen (E-Mail): Ohne E-Mail-Adresse: Biebesheim. Für diese Kommune "
                     "legt »make versand« nur den Ordner an, ohne E-Mail-Entwurf."]
    import json

    manifest = json.loads((versand["run"] / "manifest.json").read_text(encoding="utf-8"))
    assert sum("Ohne E-Mail-Adresse: Biebesheim" in w for w in manifest["warnings"]) == 1  # `report` warns too


def test_versandliste_says_who_gets_what(versand):
    folder = versand["folder"]
    ws = openpyxl.load_workbook(folder / "Versandliste.xlsx").active
    assert [c.value for c in ws[1]] == ["Kommune", "E-Mail", "Datei", "Art", "Größe", "angehängt", "Hinweis"]
    assert all(c.font.b for c in ws[1]) and ws.freeze_panes == "A2"
    assert list(ws.tables) == ["tblVersandliste"] and ws.tables["tblVersandliste"].ref == f"A1:G{ws.max_row}"
    assert ws.column_dimensions["C"].width > 30
    rows = _sheet(folder)
    assert len(rows) == sum(1 + 2 * len(v) for v in TO_SIGN.values())
    for r in rows:
        path = folder / r["Datei"]
        assert path.is_file()
        assert r["Größe"] == pytest.approx(path.stat().st_size / MB)
    bieb = [r for r in rows if r["Kommune"] == "Biebesheim"]
    assert {r["angehängt"] for r in bieb} == {"nein"} and not any(r["E-Mail"] for r in bieb)
    assert all("keine E-Mail-Adresse" in r["Hinweis"] for r in bieb)
    gern = {r["Datei"]: r for r in rows if r["Kommune"] == "Gernsheim"}
    assert gern["Gernsheim/projektauftrag-KLIMA.pdf"]["Art"] == "Projektauftrag zur Unterschrift (PDF)"
    assert gern["Gernsheim/projektauftrag-KLIMA.pdf"]["Hinweis"] == "zur Unterschrift im Feld »Unterschrift Stadt Gernsheim«"
    assert gern["Gernsheim/mappe-Gernsheim.pdf"]["Art"] == "Mappe für das Gremium"
    assert {r["angehängt"] for r in gern.values()} == {"ja"}
    assert {r["E-Mail"] for r in gern.values()} == {"rathaus@gernsheim.example"}


def test_files_over_the_limit_stay_in_the_folder_and_the_text_says_where(tiny):
    folder = tiny["folder"]
    limit = int(0.05 * MB)
    msg = _message(folder / "Gernsheim" / "e-mail-Gernsheim.eml")
    files = sorted(p for p in (folder / "Gernsheim").iterdir() if p.suffix != ".eml")
    big = [p for p in files if p.stat().st_size > limit]
    small = [p for p in files if p.stat().st_size <= limit]
    assert big and small  # the PDFs are larger, the Word files smaller
    assert sorted(_attachments(msg)) == sorted(p.name for p in small)
    body = msg.get_body(("plain",)).get_content()
    assert "Nicht angehängt, weil größer als 51 KB" in body
    for p in big:
        assert str(p.absolute()) in body
    assert "mappe-Gernsheim.pdf (nicht angehängt, siehe unten)" in body
    rows = {r["Datei"]: r for r in _sheet(folder)}
    for p in big:
        r = rows[f"Gernsheim/{p.name}"]
        assert r["angehängt"] == "nein" and r["Hinweis"].startswith("nicht angehängt (zu groß)")
    for p in small:
        assert rows[f"Gernsheim/{p.name}"]["angehängt"] == "ja"
    n_big = sum(1 for r in rows.values() if r["Hinweis"] and "zu groß" in r["Hinweis"])
    assert f"Nicht angehängt (größer als 51 KB): {n_big} Dateien – die E-Mail nennt stattdessen den Ablageort" \
        in tiny["result"].stdout


def test_rerun_replaces_the_versand_folder_and_nothing_else(tiny):
    run, out = tiny["run"], tiny["out"]
    assert not (tiny["folder"] / "Raunheim" / "alt.txt").exists()
    assert (run / "notiz.txt").read_text() == "eigene Notiz" and (out / "notiz.txt").read_text() == "eigene Notiz"
    assert not list(run.glob(".versand*"))
    assert {p.name for p in run.iterdir()} == {"manifest.json", "mappen", "pdf", "word", "versand", "notiz.txt"}


def test_without_report_exit_2_and_say_what_to_do(tmp_path):
    workbook = make_workbook(tmp_path / "ikz-2026.xlsx", _rows())
    result = cli("versand", workbook, "--outputs", tmp_path / "out")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("Fehler: Für »ikz-2026.xlsx« gibt es noch keine erzeugten Dokumente")
    assert "Bitte zuerst »make report« ausführen." in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ["0", "-1", "zehn"])
def test_size_limit_must_be_a_number_above_0(value):
    result = cli("versand", "--max-anhang", value)
    assert result.returncode == 2
    assert f"erwartet eine Zahl größer als 0 (z. B. 10 oder 7,5), gefunden: »{value}«" in result.stderr


def test_workbook_changed_since_the_report_exit_2(versand, tmp_path):
    changed = tmp_path / "ikz-2025.xlsx"
    shutil.copyfile(versand["workbook"], changed)
    wb = openpyxl.load_workbook(changed)
    wb["Kommunen"]["J2"] = "buergerbuero@biebesheim.example"  # an address added after the report
    wb.save(changed)
    before = sha256_file(versand["folder"] / "Versandliste.xlsx")
    result = cli("versand", changed, "--outputs", versand["out"])
    assert result.returncode == 2, result.stdout + result.stderr
    assert "»ikz-2025.xlsx« wurde nach dem letzten »make report«" in result.stderr
    assert "Bitte zuerst »make report« ausführen." in result.stderr
    assert sha256_file(versand["folder"] / "Versandliste.xlsx") == before


@pytest.mark.parametrize("broken, message", [
    ("{% endfor %}", "Zeile {n}: »endfor« ohne passendes »for« davor"),
    ("{% if kommune.email %}", "Zeile {n}: die Vorlage endet, bevor alle Blöcke geschlossen sind"),
    ("{{ kommune.buergermeister }}", "Zeile {n}: unbekannte Angabe »buergermeister«"),
])
def test_broken_cover_template_names_file_and_line_exit_1(versand, tmp_path, broken, message):
    template = (ROOT / "templates" / "versand-anschreiben.txt").read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(template, start=1) if line.startswith("Mit freundlichen"))
    template[n - 1] = broken
    folder = tmp_path / "vorlagen"
    folder.mkdir()
    (folder / "versand-anschreiben.txt").write_text("\n".join(template) + "\n", encoding="utf-8")
    before = sha256_file(versand["folder"] / "Versandliste.xlsx")
    result = cli("versand", versand["workbook"], "--outputs", versand["out"], "--templates", folder)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"Vorlage »{folder / 'versand-anschreiben.txt'}«, {message.format(n=n)}" in result.stderr
    assert f"– bei »{broken}«" in result.stderr and "Traceback" not in result.stderr
    assert sha256_file(versand["folder"] / "Versandliste.xlsx") == before  # the previous Versand is untouched


def test_umlaut_file_names_are_encoded_and_read_back(tmp_path):
    from email.headerregistry import Address

    letter = Letter(subject="Unterlagen für Büttelborn – Übersicht", body="Grüße aus Groß-Gerau\n")
    pdf = tmp_path / "Übersicht für Büttelborn.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    raw = build_draft(letter, Address("Gemeinde Büttelborn", addr_spec="post@buettelborn.example"), None, [pdf],
                      dt.datetime(2025, 11, 3, 9, 30, tzinfo=dt.timezone.utc))
    assert raw.isascii()
    back = email.message_from_bytes(raw, policy=email.policy.default)
    assert back["Subject"] == "Unterlagen für Büttelborn – Übersicht"
    assert back["To"].addresses[0].display_name == "Gemeinde Büttelborn"
    attachment = next(back.iter_attachments())
    assert attachment.get_filename() == "Übersicht für Büttelborn.pdf"
    assert attachment.get_content_type() == "application/pdf" and attachment.get_content() == pdf.read_bytes()
    assert back.get_body(("plain",)).get_content().splitlines() == ["Grüße aus Groß-Gerau"]


def test_workbook_older_than_the_email_column_still_reads(tmp_path):
    path = make_workbook(tmp_path / "alt.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Kommunen"]
    column = next(c.column for c in ws[1] if c.value == "E-Mail")
    del ws.tables["tblKommunen"]
    ws.delete_cols(column)
    wb.save(path)
    data, warnings = load(path)
    assert len(data.kommunen) == 4 and all(k.email is None for k in data.kommunen)
    texts = [str(w) for w in warnings]
    assert any("Die Spalte »E-Mail« fehlt (die Arbeitsmappe ist älter als diese Spalte); sie gilt als leer." in t
               for t in texts)
    assert any("Keine Kommune hat eine E-Mail-Adresse" in t for t in texts)


# --- a second Kreis: other names, umlauts in folders and addresses -------------------------------------------

FOREIGN = re.compile(r"Gro(ß|ss|SS)[- ]?Gerau|Raunheim|imkreisgg", re.I)
KEEP = ("St. Märgen-Süd", "Bad Öllingen (Taunus)", "Großweißach", "Müßighausen", "Kreis W.-Ö.")
SECOND_ADDRESSES = {"St. Märgen-Süd": "rathaus@st-maergen-sued.example",
                    "Bad Öllingen (Taunus)": "post@bad-öllingen.example",
                    "Müßighausen": "buergerbuero@muessighausen.example",
                    "Kreis W.-Ö.": "landratsamt@weissach-oehringen.example"}


def _second_kreis() -> dict:
    """Five Kommunen and two projects of the second Kreis (tests/kreis.py): quick to build."""
    rows = second_kreis_rows()
    projects = {"DATENSCHUTZ", "BAUHOF"}
    rows["Kommunen"] = [dict(k, email=SECOND_ADDRESSES.get(k["key"])) for k in rows["Kommunen"] if k["key"] in KEEP]
    rows["Projekte"] = [p for p in rows["Projekte"] if p["id"] in projects]
    for sheet in ("Projekttexte", "Beteiligung", "Arbeitsabschnitte", "Projektberichte"):
        rows[sheet] = [r for r in rows[sheet] if r["projekt"] in projects and r.get("kommune", KEEP[0]) in KEEP]
    rows["Fördermittel"] = []
    rows["Fortbildungen"] = [dict(rows["Fortbildungen"][0], kommunen=3)]
    return rows


def test_second_kreis(tmp_path):
    workbook = make_workbook(tmp_path / "oberland-2025.xlsx", _second_kreis())
    report = cli("report", workbook, "--outputs", tmp_path / "out", "--state", tmp_path / "state")
    assert report.returncode == 0, report.stdout + report.stderr
    result = cli("versand", workbook, "--outputs", tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr
    folder = tmp_path / "out" / "oberland-2025" / "versand"
    assert {p.name for p in folder.iterdir() if p.is_dir()} == {
        "St-Maergen-Sued", "Bad-Oellingen-Taunus", "Grossweissach", "Muessighausen", "Kreis-W-Oe"}
    assert "Ohne E-Mail-Adresse: 1 Kommune (Großweißach)" in result.stdout
    assert not list((folder / "Grossweissach").glob("*.eml"))
    msg = _message(folder / "Bad-Oellingen-Taunus" / "e-mail-Bad-Oellingen-Taunus.eml")
    assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == [
        ("Stadt Bad Öllingen (Taunus)", "post@xn--bad-llingen-ufb.example")]
    assert msg["Subject"] == "IKZ-Jahresbericht 2025 und Projektauftrag zur Unterschrift – Stadt Bad Öllingen (Taunus)"
    body = msg.get_body(("plain",)).get_content()
    assert "Projektauftrag »Kooperation der Bauhöfe« (BAUHOF)" in body
    assert "Bitte im Feld »Unterschrift Stadt Bad Öllingen (Taunus)« unterschreiben." in body
    assert "Jonas Weißmüller" in body and "Geschäftsstelle IKZ" in body
    assert list(_attachments(msg)) == ["mappe-Bad-Oellingen-Taunus.pdf", "projektauftrag-BAUHOF.pdf",
                                       "projektauftrag-BAUHOF.docx"]
    texts = [str(msg["Subject"]), body]
    for eml in folder.glob("*/*.eml"):
        m = _message(eml)
        texts += [str(m["Subject"]), str(m["To"]), m.get_body(("plain",)).get_content()]
    texts += [str(v) for r in _sheet(folder) for v in r.values() if v is not None]
    assert not FOREIGN.search("\n".join(texts))
