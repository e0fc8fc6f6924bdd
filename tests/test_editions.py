"""The long signature round: a council's signature keeps counting across the office's year.

A real run issues a Projektauftrag; a council signs its field with poppler's
pdfsig (software that is not ours). Then the office lives its year: runs again
with ``--force``, renews its certificate, switches a timestamp service on,
adopts the Rücklauf's workbook copy with »Unterzeichnet am«. Each of those
makes new files with other bytes but the same content, and the signature must
keep counting, in the Rücklauf and in verify alike. A change of content makes
an older edition, and the Rücklauf names what changed.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil

import openpyxl
import pytest

from pipeline import edition, sign
from tests import pki
from tests.helpers_run import cli
from tests.test_cosign import assert_clean
from tests.wb import make_workbook, open_rows

pytestmark = pytest.mark.slow  # whole pipeline runs: `make test`, not `make test-schnell`


@pytest.fixture()
def year(issued_runs, office_pki, council_pki, tmp_path):
    """The office's first run of the year with a test certificate; two councils ready to sign with poppler."""
    # no configuration file: the run's, and the test's own (which a test may write)
    run = issued_runs.fresh("jahr", "ikz 2026.xlsx", open_rows, office_pki.env, "--config",
                            issued_runs.base / "keine.toml")
    return dict(wb=run.wb, out=run.out, state=run.state, env=office_pki.env, ca=office_pki.ca, tmp=tmp_path,
                config=tmp_path / "keine.toml", council_ca=council_pki.ca, gernsheim=council_pki["Peter Burger"],
                raunheim=council_pki["Ruth Raunheim"])


def pdf(y):
    return y["out"] / "ikz 2026" / "pdf" / "projektauftrag-REINIGUNG.pdf"


def report(y, *extra, env=None):
    result = cli("report", y["wb"], "--outputs", y["out"], "--state", y["state"], "--config", y["config"],
                 *extra, env=env or y["env"])
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def ruecklauf(y, folder, *extra):
    result = cli("ruecklauf", folder, y["wb"], "--outputs", y["out"], "--state", y["state"], "--config", y["config"],
                 "--vertrauen", y["ca"].pem, "--vertrauen", y["council_ca"].pem, *extra)
    assert_clean(result)
    return result


def verify(y):
    result = cli("verify", "--arbeitsmappe", y["wb"], "--outputs", y["out"], "--state", y["state"],
                 "--config", y["config"], "--vertrauen", y["ca"].pem, "--vertrauen", y["council_ca"].pem)
    assert_clean(result)
    return result


def council_signs(y, signer, kommune: str, into) -> None:
    """The council of `kommune` signs its own field of the file as it lies in the outputs now."""
    field = f"Unterschrift_{kommune}"
    assert field in [f.name for f in sign.verify(pdf(y), []).fields if not f.signed]
    into.parent.mkdir(parents=True, exist_ok=True)
    pki.poppler_sign(pdf(y), into, field, signer)


def count_line(stdout: str) -> str:
    return re.search(r"^\s*REINIGUNG: .*$", stdout, re.M).group(0).strip()


def test_a_signature_survives_force_a_new_certificate_and_a_timestamp_service(year):
    y = year
    back = y["tmp"] / "Rücklauf Eingang"
    council_signs(y, y["gernsheim"], "Gernsheim", back / "Scan 0412.pdf")
    first = ruecklauf(y, back)
    assert first.returncode == 0, first.stdout + first.stderr
    assert count_line(first.stdout).startswith("REINIGUNG: 1 von 4 unterschrieben; es fehlen: ")
    assert "Scan 0412.pdf: Projektauftrag: Reinigung kommunaler Liegenschaften (aktuelle Ausgabe)" in first.stdout

    # 1. the same workbook again, everything rebuilt: other bytes, same edition
    before = pdf(y).read_bytes()
    report(y, "--force")
    assert pdf(y).read_bytes() != before
    # 2. a renewed office certificate
    renewed = pki.make_p12(y["ca"], y["tmp"] / "ikz-neu.p12", "IKZ-Geschäftsstelle Test 2027", b"neu", key_type="rsa")
    y["env"] = {"IKZ_SIGNATUR_ZERTIFIKAT": str(renewed), "IKZ_SIGNATUR_PASSWORT": "neu"}
    report(y)
    assert sign.verify(pdf(y), []).office.signer == "IKZ-Geschäftsstelle Test 2027"
    # 3. a timestamp service switched on
    with pki.timestamp_server(y["ca"]) as (url, _stamper):
        y["config"].write_text(f'zeitstempel_url = "{url}"\n', encoding="utf-8")
        report(y)
    assert sign.verify(pdf(y), [y["ca"].pem]).office.timestamp is not None

    again = ruecklauf(y, back)
    assert again.returncode == 0, again.stdout + again.stderr
    assert count_line(again.stdout) == count_line(first.stdout)
    assert "(aktuelle Ausgabe)" in again.stdout and "ältere Ausgabe" not in again.stdout
    # verify tells the same story, and keeps counting once the inbox is emptied (the Rücklauf archived it)
    shutil.rmtree(back)
    checked = verify(y)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert count_line(checked.stdout) == count_line(first.stdout)


def test_adopting_the_workbook_copy_keeps_the_other_councils_copies(year):
    y = year
    back = y["tmp"] / "zurueck"
    council_signs(y, y["gernsheim"], "Gernsheim", back / "gernsheim.pdf")
    # Raunheim signs the edition it received by e-mail, and sends it later
    later = y["tmp"] / "spaeter" / "raunheim.pdf"
    council_signs(y, y["raunheim"], "Raunheim", later)

    copy = ruecklauf(y, back, "--arbeitsmappe-kopie")
    assert copy.returncode == 0, copy.stdout + copy.stderr
    made = next(y["wb"].parent.glob("ikz 2026-ruecklauf-*.xlsx"))
    shutil.copy(made, y["wb"])  # staff adopt the copy as their workbook
    shutil.rmtree(back)
    report(y)
    remaining = [f.name for f in sign.verify(pdf(y), []).fields if f.name.startswith("Unterschrift_")]
    assert "Unterschrift_Gernsheim" not in remaining and "Unterschrift_Raunheim" in remaining

    result = ruecklauf(y, later.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "raunheim.pdf: Projektauftrag: Reinigung kommunaler Liegenschaften (aktuelle Ausgabe)" in result.stdout
    assert count_line(result.stdout).startswith("REINIGUNG: 2 von 4 unterschrieben; es fehlen: ")
    assert "Stadt Gernsheim" not in count_line(result.stdout) and "Stadt Raunheim" not in count_line(result.stdout)
    rows = overview(y)
    # Gernsheim's copy was archived by the first Rücklauf: its signature, not only the workbook's date
    assert rows["Stadt Gernsheim"]["Stand"] == "unterschrieben"
    assert rows["Stadt Gernsheim"]["Unterzeichnet von"] == "Peter Burger"
    assert rows["Stadt Raunheim"]["Stand"] == "unterschrieben"
    assert rows["Stadt Raunheim"]["Unterzeichnet von"] == "Ruth Raunheim"
    assert count_line(verify(y).stdout) == count_line(result.stdout)


def overview(y) -> dict[str, dict]:
    ws = openpyxl.load_workbook(y["out"] / "ruecklauf" / "ikz 2026" / "Ruecklauf.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    return {r[2]: dict(zip(rows[0], r)) for r in rows[1:] if r[0] == "REINIGUNG"}


def test_a_changed_text_makes_an_older_edition_that_names_the_change(year):
    y = year
    back = y["tmp"] / "zurueck"
    council_signs(y, y["gernsheim"], "Gernsheim", back / "alt.pdf")
    rows = open_rows()
    rows["Projekttexte"].append(dict(projekt="REINIGUNG", art="Projektgegenstand", text="Die Unterhaltsreinigung."))
    make_workbook(y["wb"], rows)
    report(y)
    result = ruecklauf(y, back)
    assert result.returncode == 0, result.stdout + result.stderr
    today = dt.date.today()
    assert (f"alt.pdf: ältere Ausgabe vom {today.day}.{today.month}.{today.year} von »Projektauftrag: Reinigung "
            "kommunaler Liegenschaften«; seitdem geändert: Projektgegenstand. Ihre Unterschriften zählen nicht") \
        in result.stdout
    assert count_line(result.stdout).startswith("REINIGUNG: 0 von 4 unterschrieben")


def test_only_documents_open_for_signing_are_listed_unless_all_are_asked_for(year):
    y = year
    empty = y["tmp"] / "leer"
    empty.mkdir()
    rows = open_rows()
    rows["Projekte"].append(dict(id="ALT", titel="Abgeschlossenes Projekt", art="Prüfprojekt", status="abgeschlossen",
                                 start=dt.date(2020, 1, 1), ende=dt.date(2021, 1, 1), aktuell=False))
    rows["Beteiligung"].append(dict(projekt="ALT", kommune="Raunheim", status="beteiligt"))
    for part in rows["Beteiligung"]:  # signed on paper, recorded in the workbook
        if part["projekt"] == "REINIGUNG" and part["kommune"] == "Biebesheim":
            part["unterzeichnet"] = dt.date(2026, 2, 3)
    make_workbook(y["wb"], rows)
    report(y)
    default = ruecklauf(y, empty)
    assert re.search(r"^  REINIGUNG: 1 von 4 unterschrieben; es fehlen: Stadt Raunheim, Stadt Gernsheim, "
                     r"Kreis Groß-Gerau$", default.stdout, re.M)
    biebesheim = [r for r in _rows(y) if r[2] == "Gemeinde Biebesheim am Rhein"][0]
    assert biebesheim[3:5] == ("unterschrieben (laut Arbeitsmappe)", dt.datetime(2026, 2, 3))
    assert not re.search(r"^  ALT: ", default.stdout, re.M)
    assert "1 weiteres Dokument ist nicht mehr zur Unterschrift offen (alle zeigen: ARGS=--alle)." in default.stdout
    assert {r[0] for r in _rows(y)} == {"REINIGUNG", "REINIGUNG-PILOT"}
    every = ruecklauf(y, empty, "--alle")
    assert "ALT: 0 von 1 unterschrieben; es fehlen: Stadt Raunheim (nicht mehr zur Unterschrift offen)" in every.stdout
    assert {r[0] for r in _rows(y)} == {"REINIGUNG", "REINIGUNG-PILOT", "ALT"}


def _rows(y):
    ws = openpyxl.load_workbook(y["out"] / "ruecklauf" / "ikz 2026" / "Ruecklauf.xlsx").active
    return list(ws.iter_rows(min_row=2, values_only=True))


def test_a_broken_council_signature_in_a_returned_copy_ends_with_exit_1(year):
    y = year
    back = y["tmp"] / "zurueck"
    council_signs(y, y["gernsheim"], "Gernsheim", back / "gut.pdf")
    # the same council's signature, and then the signed bytes changed (a byte inside the signed range)
    broken = bytearray((back / "gut.pdf").read_bytes())
    at = broken.rfind(b"Zustimmung des Gremiums")
    broken[at:at + 10] = b"Ablehnung "
    (back / "kaputt.pdf").write_bytes(bytes(broken))
    result = ruecklauf(y, back)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "UNGÜLTIG" in result.stdout
    assert "Fehler: Es gibt ungültige Signaturen" in result.stdout


# ---------------------------------------------------------------------------
# the edition digest itself


def test_the_edition_leaves_out_presentation_and_names_changes():
    from pipeline.kinds.projektauftrag import SIGNING as rule

    shown = [
        [["projekt", "projektgegenstand"], "Reinigung"],
        [["dokument", "stand"], "1.10.2025"],
        [["unterschriften"], [{"kommune": "Stadt Raunheim", "datum": "", "vermerk": "", "beschriftung": "U"},
                              {"kommune": "Gemeinde Trebur", "datum": "", "vermerk": "", "beschriftung": "U"}]],
    ]
    signed = [shown[0], [["dokument", "stand"], "1.10.2026"],
              [["unterschriften"], [{"kommune": "Stadt Raunheim", "datum": "3.12.2026",
                                     "vermerk": "unterzeichnet am 3.12.2026", "beschriftung": "U"},
                                    shown[2][1][1]]]]
    a = edition.content(shown, rule.presentation, "w")
    b = edition.content(signed, rule.presentation, "w")
    assert edition.digest_of("projektauftrag", a) == edition.digest_of("projektauftrag", b)
    changed = [[["projekt", "projektgegenstand"], "Reinigung und Glas"], shown[1],
               [["unterschriften"], [shown[2][1][0], {"kommune": "Gemeinde Trebur", "datum": "", "vermerk": "",
                                                      "beschriftung": "Unterschrift Trebur"}]]]
    c = edition.content(changed, rule.presentation, "anders")
    assert edition.digest_of("projektauftrag", c) != edition.digest_of("projektauftrag", a)
    assert edition.changes(a, c, rule.labels) == [
        "Wortlaut der Vorlage", "Projektgegenstand", "Unterschrift Gemeinde Trebur"]


def test_the_stamp_is_read_from_the_revision_the_office_signed(tmp_path):
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.metadata.xmp_xml import MetadataStream

    source = pki.make_pdf(tmp_path / "in.pdf")
    stamped = tmp_path / "gestempelt.pdf"
    edition.stamp(source, stamped, edition.EditionStamp("a" * 64, "projektauftrag", "REINIGUNG"))
    assert edition.read_stamp(stamped) == edition.EditionStamp("a" * 64, "projektauftrag", "REINIGUNG")
    # a later revision (as any PDF program may append) that replaces the XMP with another stamp
    length = stamped.stat().st_size
    other = tmp_path / "anders.pdf"
    edition.stamp(source, other, edition.EditionStamp("b" * 64, "projektauftrag", "REINIGUNG"))
    from pikepdf import Pdf

    with Pdf.open(other) as doc:
        forged = doc.Root.Metadata.read_bytes()
    writer = IncrementalPdfFileWriter(io.BytesIO(stamped.read_bytes()), strict=False)
    stream = MetadataStream({generic.NameObject("/Type"): generic.NameObject("/Metadata"),
                             generic.NameObject("/Subtype"): generic.NameObject("/XML")}, stream_data=forged)
    writer.root[generic.NameObject("/Metadata")] = writer.add_object(stream)
    writer.update_root()
    buffer = io.BytesIO()
    writer.write(buffer)
    later = tmp_path / "spaeter.pdf"
    later.write_bytes(buffer.getvalue())
    assert edition.read_stamp(later).digest == "b" * 64  # the file as a whole says »b« now …
    assert edition.read_stamp(later, length).digest == "a" * 64  # … the office's revision still »a«
    assert edition.read_stamp(source) is None
    (tmp_path / "kaputt.pdf").write_bytes(b"%PDF-1.7\nnichts")
    assert edition.read_stamp(tmp_path / "kaputt.pdf") is None
