"""Tests for pipeline.sign: real keys, real PDFs, pyHanko and poppler's pdfsig."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives import serialization
from pypdf import PdfReader

from pipeline import sign
from pipeline.errors import SigningError
from pipeline.sign import FieldSpec, PassphraseError, SigningConfig

from . import pki

UTC = dt.timezone.utc
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """One test CA, two signers (RSA and ECDSA P-256) and an NSS db trusting the CA."""
    d = tmp_path_factory.mktemp("pki")
    ca = pki.make_ca(d)
    anna = pki.make_p12(ca, d / "anna.p12", "Anna Alpha", b"anna-geheim", key_type="rsa")
    bernd = pki.make_p12(ca, d / "bernd.p12", "Bernd Beta", b"bernd-geheim", key_type="ec")
    return {
        "dir": d,
        "ca": ca,
        "anna": SigningConfig(anna, b"anna-geheim", trust_roots=(ca.pem,)),
        "bernd": SigningConfig(bernd, b"bernd-geheim", trust_roots=(ca.pem,)),
        "nss": pki.nss_db(d / "nss", ca.pem),
    }


def revisions(pdf: Path) -> int:
    return pdf.read_bytes().count(b"%%EOF")


def sign_as(config, pdf_in, pdf_out, **kwargs):
    kwargs.setdefault("reason", "Zustimmung zur Vereinbarung")
    kwargs.setdefault("location", "Groß-Gerau")
    sign.sign_pdf(pdf_in, pdf_out, config, **kwargs)


def three_fields(pdf_in: Path, pdf_out: Path) -> list[FieldSpec]:
    labels = ["Mörfelden-Walldorf", "Biebesheim am Rhein", "Stockstadt am Rhein"]
    taken: list[str] = []
    specs = []
    for index, label in enumerate(labels):
        name = sign.field_name_for(label, taken)
        taken.append(name)
        specs.append(FieldSpec(name, index // 2, (72 + (index % 2) * 250, 100, 272 + (index % 2) * 250, 150), label))
    sign.add_signature_fields(pdf_in, pdf_out, specs)
    return specs


# ---------------------------------------------------------------- signing + verification


def test_sign_invisible_valid_for_pyhanko_and_pdfsig(env, tmp_path):
    original = pki.make_pdf(tmp_path / "in.pdf")
    signed = tmp_path / "out.pdf"
    sign_as(env["anna"], original, signed, contact="ikz@example.org")

    # incremental: the original bytes are untouched at the start of the file
    assert signed.read_bytes().startswith(original.read_bytes())
    assert revisions(signed) == revisions(original) + 1
    assert len(PdfReader(signed).pages) == 2

    report = sign.verify(signed, [env["ca"].pem])
    assert report.ok and report.all_trusted
    (status,) = report.fields
    assert status.name == "IKZ-Geschaeftsstelle"
    assert status.label == "IKZ-Geschäftsstelle"
    assert status.signed and status.intact and status.trusted
    assert status.signer == "Anna Alpha"
    assert abs(status.signing_time - dt.datetime.now(UTC)) < dt.timedelta(minutes=5)
    assert status.status.startswith("Unterschrieben von Anna Alpha (IKZ Testumgebung) am ")
    assert status.status.endswith(", unversehrt; vertrauenswürdig.")
    assert report.summary_line() == "1 von 1 unterschrieben"

    out = pki.pdfsig(signed, env["nss"])
    assert "Signature Type: ETSI.CAdES.detached" in out
    assert "Signing Hash Algorithm: SHA-256" in out
    assert "Signature Validation: Signature is Valid." in out
    assert "Certificate Validation: Certificate is Trusted." in out


def test_untrusted_root_is_intact_but_not_trusted(env, tmp_path):
    signed = tmp_path / "out.pdf"
    sign_as(env["bernd"], pki.make_pdf(tmp_path / "in.pdf"), signed)
    other_ca = pki.make_ca(tmp_path, cn="Fremde CA", filename="other.pem")

    report = sign.verify(signed, [other_ca.pem])
    (status,) = report.fields
    assert status.intact and not status.trusted
    assert report.ok and not report.all_trusted
    assert "nicht vertrauenswürdig" in status.status
    assert "Vertrauensanker" in status.status
    assert sign.verify(signed, []).fields[0].trusted is False


def test_two_signers_one_after_the_other_into_prepared_fields(env, tmp_path):
    base = pki.make_pdf(tmp_path / "in.pdf")
    prepared = tmp_path / "felder.pdf"
    specs = three_fields(base, prepared)
    assert [s.name for s in specs] == [
        "Unterschrift_Moerfelden-Walldorf",
        "Unterschrift_Biebesheim_am_Rhein",
        "Unterschrift_Stockstadt_am_Rhein",
    ]
    # all three fields in ONE incremental update
    assert revisions(prepared) == revisions(base) + 1
    empty = sign.verify(prepared, [env["ca"].pem])
    assert [f.signed for f in empty.fields] == [False, False, False]
    assert empty.summary_line().startswith("0 von 3 unterschrieben; es fehlen: Mörfelden-Walldorf")

    first = tmp_path / "1.pdf"
    second = tmp_path / "2.pdf"
    sign_as(env["anna"], prepared, first, field_name=specs[0].name, location="Mörfelden-Walldorf")
    sign_as(env["bernd"], first, second, field_name=specs[1].name, location="Biebesheim am Rhein")
    assert revisions(second) == revisions(prepared) + 2
    assert second.read_bytes().startswith(first.read_bytes())

    report = sign.verify(second, [env["ca"].pem])
    assert report.ok
    by_name = {f.name: f for f in report.fields}
    assert list(by_name) == [s.name for s in specs]
    assert [f.signed for f in report.fields] == [True, True, False]
    assert by_name[specs[0].name].signer == "Anna Alpha"
    assert by_name[specs[1].name].signer == "Bernd Beta"
    assert all(f.intact and f.trusted for f in report.fields if f.signed)
    assert by_name[specs[2].name].status == "Noch nicht unterschrieben."
    assert report.summary_line() == "2 von 3 unterschrieben; es fehlen: Stockstadt am Rhein"

    out = pki.pdfsig(second, env["nss"])
    assert out.count("Signature Validation: Signature is Valid.") == 2
    assert out.count("Certificate Validation: Certificate is Trusted.") == 2
    assert "The signature form field is not signed." in out

    # the signed field cannot be signed again
    with pytest.raises(SigningError, match="bereits unterschrieben"):
        sign_as(env["bernd"], second, tmp_path / "3.pdf", field_name=specs[0].name)
    assert not (tmp_path / "3.pdf").exists()


def test_flipped_byte_in_signed_range_is_reported_broken(env, tmp_path):
    signed = tmp_path / "signed.pdf"
    sign_as(env["anna"], pki.make_pdf(tmp_path / "in.pdf"), signed)
    data = bytearray(signed.read_bytes())
    start, length_1, start_2, length_2 = map(
        int, re.search(rb"/ByteRange \[\s*(\d+) (\d+) (\d+) (\d+)\s*\]", data).groups()
    )
    position = data.index(b"Vereinbarung zur interkommunalen")
    assert start <= position < start + length_1  # inside the signed byte range
    data[position] ^= 0x01  # "V" -> "W"
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))

    report = sign.verify(tampered, [env["ca"].pem])
    assert not report.ok
    (status,) = report.fields
    assert status.signed and not status.intact and not status.trusted and status.broken
    assert status.status.startswith("UNGÜLTIG")
    assert "UNGÜLTIG: IKZ-Geschäftsstelle" in report.summary_line()

    out = pki.pdfsig(tampered, env["nss"])
    assert "Signature is Valid." not in out
    assert "Digest Mismatch" in out


def test_illegal_incremental_update_after_signing_is_reported(env, tmp_path):
    from pyhanko.pdf_utils.generic import NumberObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = tmp_path / "signed.pdf"
    sign_as(env["anna"], pki.make_pdf(tmp_path / "in.pdf"), signed)
    with signed.open("rb") as handle:
        writer = IncrementalPdfFileWriter(handle)
        page, _ = writer.find_page_for_modification(0)
        page = page.get_object()
        page["/Rotate"] = NumberObject(90)
        writer.update_container(page)
        with (tmp_path / "changed.pdf").open("wb") as out:
            writer.write(out)

    report = sign.verify(tmp_path / "changed.pdf", [env["ca"].pem])
    assert not report.ok
    (status,) = report.fields
    assert not status.intact
    assert "unzulässig geändert" in status.status


def test_sign_in_place_and_unknown_field(env, tmp_path):
    pdf = pki.make_pdf(tmp_path / "doc.pdf")
    before = pdf.read_bytes()
    with pytest.raises(SigningError, match="Unterschriftsfeld »Gibt_es_nicht« gibt es in »doc.pdf« nicht"):
        sign_as(env["anna"], pdf, pdf, field_name="Gibt_es_nicht")
    assert pdf.read_bytes() == before
    sign_as(env["anna"], pdf, pdf)
    sign_as(env["bernd"], pdf, pdf)  # second invisible signature gets its own field
    report = sign.verify(pdf, [env["ca"].pem])
    assert [f.name for f in report.fields] == ["IKZ-Geschaeftsstelle", "IKZ-Geschaeftsstelle_2"]
    assert all(f.intact and f.trusted for f in report.fields)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# ---------------------------------------------------------------- visible appearance


def embedded_font_pdf(path: Path) -> Path:
    """A PDF whose own text uses an embedded TrueType font (like LibreOffice's PDF/A)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVuTest", DEJAVU))
    c = canvas.Canvas(str(path), pagesize=A4, initialFontName="DejaVuTest", initialFontSize=12)
    c.drawString(72, 700, "Vereinbarung – Unterschrift Groß-Gerau")
    c.showPage()
    c.save()
    return path


def pdffonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def test_visible_signature_embeds_its_font(env, tmp_path):
    base = embedded_font_pdf(tmp_path / "in.pdf")
    prepared = tmp_path / "felder.pdf"
    sign.add_signature_fields(
        base, prepared, [FieldSpec("Unterschrift_Gross-Gerau", 0, (72, 600, 292, 660), "Groß-Gerau")]
    )
    signed = tmp_path / "signed.pdf"
    sign_as(env["anna"], prepared, signed, field_name="Unterschrift_Gross-Gerau")
    # and a second, new visible field without a prepared one
    sign_as(env["bernd"], signed, signed, visible_box=(320, 600, 540, 660), page=0)

    fonts = pdffonts(signed)
    assert len(fonts) >= 3  # document font + one subset per appearance
    for row in fonts:
        emb = row[-5]  # columns: name type [type2] encoding emb sub uni obj gen
        assert emb == "yes", row
    assert any("DejaVuSans" in row[0] and row[0] != "DejaVuTest" for row in fonts)
    # the appearance does not reference pyHanko's default (non-embedded) Courier
    assert b"/Courier" not in signed.read_bytes()

    # the widths in the PDF font dictionary agree with the embedded font program
    # (pyHanko writes font units; PDF needs 1/1000 em: DejaVu has 2048 per em)
    import io

    from fontTools.ttLib import TTFont

    checked = 0
    for annot in PdfReader(signed).pages[0]["/Annots"]:
        appearance = annot.get_object()["/AP"]["/N"].get_object()
        for font_ref in appearance["/Resources"]["/Font"].values():
            cid_font = font_ref.get_object()["/DescendantFonts"][0].get_object()
            program = TTFont(io.BytesIO(cid_font["/FontDescriptor"]["/FontFile2"].get_object().get_data()))
            scale = 1000 / program["head"].unitsPerEm
            order = program.getGlyphOrder()
            widths = cid_font["/W"]
            for first, run in zip(widths[0::2], widths[1::2]):
                for offset, width in enumerate(run):
                    advance = program["hmtx"][order[first + offset]][0] * scale
                    assert abs(float(width) - advance) <= 1, (first + offset, width, advance)
                    checked += 1
    assert checked > 20

    report = sign.verify(signed, [env["ca"].pem])
    assert [f.label for f in report.fields] == ["Groß-Gerau", "IKZ-Geschäftsstelle"]
    assert all(f.trusted for f in report.fields)
    reader = PdfReader(signed)
    rects = sorted(
        [float(v) for v in a.get_object()["/Rect"]] for a in reader.pages[0]["/Annots"]
    )
    assert rects == [[72, 600, 292, 660], [320, 600, 540, 660]]
    out = pki.pdfsig(signed, env["nss"])
    assert out.count("Signature Validation: Signature is Valid.") == 2
    assert out.count("Certificate Validation: Certificate is Trusted.") == 2


# ---------------------------------------------------------------- timestamp (PAdES B-T)


@pytest.fixture()
def tsa(env):
    with pki.timestamp_server(env["ca"]) as server:
        yield server


def test_pades_b_t_with_timestamp_server(env, tmp_path, tsa):
    tsa_url, stamper = tsa
    config = SigningConfig(
        env["anna"].pkcs12, env["anna"].passphrase, timestamp_url=tsa_url, trust_roots=(env["ca"].pem,)
    )
    signed = tmp_path / "bt.pdf"
    sign_as(config, pki.make_pdf(tmp_path / "in.pdf"), signed)
    report = sign.verify(signed, [env["ca"].pem])
    (status,) = report.fields
    assert status.timestamped and status.intact and status.trusted
    assert abs(status.signing_time - dt.datetime.now(UTC)) < dt.timedelta(minutes=5)
    assert status.timestamp.authority == "IKZ Test-Zeitstempel"
    assert "; Zeitstempel von IKZ Test-Zeitstempel am " in status.status
    out = pki.pdfsig(signed, env["nss"])
    assert "Signature Validation: Signature is Valid." in out

    # a later document timestamp (as LTV tools add) is permitted and reported apart
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.signers import PdfTimeStamper
    from pyhanko_certvalidator import ValidationContext

    from pipeline.sign import load_certificates

    context = ValidationContext(trust_roots=load_certificates([env["ca"].pem]))
    with signed.open("rb") as handle, (tmp_path / "lta.pdf").open("wb") as out_file:
        PdfTimeStamper(stamper, field_name="Zeitstempel").timestamp_pdf(
            IncrementalPdfFileWriter(handle), "sha256", validation_context=context, output=out_file
        )
    report = sign.verify(tmp_path / "lta.pdf", [env["ca"].pem])
    assert report.ok and report.all_trusted
    assert [f.document_timestamp for f in report.fields] == [False, True]
    assert report.fields[1].status.startswith("Dokumentzeitstempel von IKZ Test-Zeitstempel am ")
    assert "unversehrt; vertrauenswürdig" in report.fields[1].status
    assert report.summary_line() == "1 von 1 unterschrieben"


def test_signing_and_verifying_where_an_event_loop_runs(env, tmp_path, tsa):
    """As in an ASGI server's thread or beside Playwright's synchronous API: pyHanko's synchronous calls
    (a timestamp request, signing, validation) work in a thread whose event loop is running, instead of
    failing with »asyncio.run() cannot be called from a running event loop«."""
    import asyncio

    tsa_url, _ = tsa
    config = SigningConfig(env["anna"].pkcs12, env["anna"].passphrase, timestamp_url=tsa_url,
                           trust_roots=(env["ca"].pem,))
    signed = tmp_path / "out.pdf"

    async def in_the_loop():
        sign.check_service(config)
        sign_as(config, pki.make_pdf(tmp_path / "in.pdf"), signed)
        return sign.verify(signed, [env["ca"].pem])

    (status,) = asyncio.run(in_the_loop()).fields
    assert status.intact and status.trusted and status.timestamped, status.status
    assert "Signature Validation: Signature is Valid." in pki.pdfsig(signed, env["nss"])


def test_unreachable_timestamp_server_fails_cleanly(env, tmp_path):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = SigningConfig(
        env["anna"].pkcs12, env["anna"].passphrase, timestamp_url=f"http://127.0.0.1:{port}/tsa"
    )
    out = tmp_path / "out.pdf"
    with pytest.raises(SigningError, match="Zeitstempeldienst"):
        sign_as(config, pki.make_pdf(tmp_path / "in.pdf"), out)
    assert not out.exists()
    assert os.listdir(tmp_path) == ["in.pdf"]


# ---------------------------------------------------------------- certificate errors


def test_wrong_or_missing_passphrase(env, tmp_path):
    wrong = SigningConfig(env["anna"].pkcs12, b"falsch-123")
    with pytest.raises(PassphraseError) as info:
        sign.load_signer(wrong)
    message = str(info.value)
    assert "anna.p12" in message and "falsch" in message and "IKZ_SIGNATUR_PASSWORT" in message
    assert "falsch-123" not in message
    with pytest.raises(PassphraseError, match="anna.p12.*Passwort geschützt"):
        sign.load_signer(SigningConfig(env["anna"].pkcs12, None))
    # sign_pdf fails the same way and writes nothing
    with pytest.raises(SigningError, match="anna.p12"):
        sign_as(wrong, pki.make_pdf(tmp_path / "in.pdf"), tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()


def test_corrupt_pkcs12(env, tmp_path):
    garbage = tmp_path / "kaputt.p12"
    garbage.write_bytes(os.urandom(2000))
    with pytest.raises(SigningError, match="»kaputt.p12« ist keine PKCS#12-Zertifikatsdatei"):
        sign.load_signer(SigningConfig(garbage, b"x"))
    truncated = tmp_path / "abgeschnitten.pfx"
    truncated.write_bytes(env["anna"].pkcs12.read_bytes()[:700])
    with pytest.raises(SigningError, match="abgeschnitten.pfx"):
        sign.load_signer(SigningConfig(truncated, b"anna-geheim"))
    pem = tmp_path / "zertifikat.p12"
    pem.write_bytes(env["ca"].pem.read_bytes())
    with pytest.raises(SigningError, match="zertifikat.p12.*keine PKCS#12"):
        sign.load_signer(SigningConfig(pem, b"x"))


def test_missing_certificate_file(tmp_path):
    with pytest.raises(SigningError, match="»fehlt.p12« wurde nicht gefunden") as info:
        sign.load_signer(SigningConfig(tmp_path / "fehlt.p12", b"x"))
    assert info.value.location.file == tmp_path / "fehlt.p12"
    assert not isinstance(info.value, PassphraseError)


def test_expired_and_not_yet_valid_certificate(env, tmp_path):
    now = dt.datetime.now(UTC)
    expired = pki.make_p12(
        env["ca"], tmp_path / "alt.p12", "Alt", b"pw",
        not_before=now - dt.timedelta(days=800), not_after=now - dt.timedelta(days=2),
    )
    # The message names the end of validity as the reports write dates: »3.12.2026«, no leading zeros.
    expired_on = (now - dt.timedelta(days=2)).astimezone(ZoneInfo("Europe/Berlin")).date()
    until = f"{expired_on.day}.{expired_on.month}.{expired_on.year}"
    with pytest.raises(SigningError, match=rf"»alt.p12« ist abgelaufen \(gültig vom .* bis {re.escape(until)}\)"):
        sign.load_signer(SigningConfig(expired, b"pw"))
    future = pki.make_p12(
        env["ca"], tmp_path / "neu.p12", "Neu", b"pw",
        not_before=now + dt.timedelta(days=3), not_after=now + dt.timedelta(days=300),
    )
    with pytest.raises(SigningError, match="»neu.p12« ist noch nicht gültig"):
        sign.load_signer(SigningConfig(future, b"pw"))


def test_old_style_pkcs12_3des_sha1_loads(env, tmp_path):
    """PKCS#12 as older Windows versions export it (3DES, SHA-1 MAC) still works."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import PrivateFormat, pkcs12

    key, cert = pki.issue(env["ca"], "Alte Windows-Datei", key_type="rsa")
    encryption = (
        PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(2048)
        .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .hmac_hash(hashes.SHA1())
        .build(b"alt")
    )
    path = tmp_path / "alt-windows.pfx"
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"x", key, cert, [env["ca"].cert], encryption))
    assert sign.load_signer(SigningConfig(path, b"alt")).subject_name == "Alte Windows-Datei"
    with pytest.raises(PassphraseError, match="alt-windows.pfx"):
        sign.load_signer(SigningConfig(path, b"neu"))


def test_missing_or_broken_pdf_and_bad_placement(env, tmp_path):
    with pytest.raises(SigningError, match="»fehlt.pdf« wurde nicht gefunden"):
        sign_as(env["anna"], tmp_path / "fehlt.pdf", tmp_path / "out.pdf")
    not_pdf = tmp_path / "brief.pdf"
    not_pdf.write_text("Hallo")
    with pytest.raises(SigningError, match="»brief.pdf« ist keine PDF-Datei"):
        sign.verify(not_pdf, [])
    pdf = pki.make_pdf(tmp_path / "in.pdf", pages=1)
    with pytest.raises(SigningError, match="Seite 3 .* nur 1 Seite"):
        sign_as(env["anna"], pdf, tmp_path / "out.pdf", visible_box=(0, 0, 100, 50), page=2)
    assert not (tmp_path / "out.pdf").exists()


def test_pkcs12_without_private_key(env, tmp_path):
    only_cert = pki.make_p12(env["ca"], tmp_path / "ohne-schluessel.p12", "Ohne", b"pw", with_key=False)
    with pytest.raises(SigningError, match="»ohne-schluessel.p12« enthält keinen privaten Schlüssel"):
        sign.load_signer(SigningConfig(only_cert, b"pw"))


# ---------------------------------------------------------------- demo certificate


def test_demo_certificate_created_once_and_reused(tmp_path):
    folder = tmp_path / ".ikz"
    first = sign.ensure_demo_certificate(folder)
    assert first.demo and first.pkcs12.parent == folder
    passphrase_file = folder / sign.DEMO_PASSPHRASE_FILE
    assert stat.S_IMODE(passphrase_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(first.pkcs12.stat().st_mode) == 0o600
    assert first.passphrase and first.passphrase.decode() in passphrase_file.read_text()
    assert first.passphrase.decode() not in repr(first)

    cert_bytes = first.pkcs12.read_bytes()
    second = sign.ensure_demo_certificate(folder)
    assert second == first
    assert first.pkcs12.read_bytes() == cert_bytes

    signer = sign.load_signer(second)
    subject = signer.signing_cert.subject.native
    assert subject["common_name"] == "IKZ-Geschäftsstelle (Demonstrationszertifikat)"
    assert subject["organization_name"] == "IKZ-Geschäftsstelle"
    assert subject["country_name"] == "DE"
    assert signer.signing_cert.key_usage_value.native == {"digital_signature", "non_repudiation"}
    validity = signer.signing_cert["tbs_certificate"]["validity"]["not_after"].native
    assert validity - dt.datetime.now(UTC) > dt.timedelta(days=3 * 365)

    # issued to the workbook's Herausgeber: another Herausgeber gets a certificate of its own
    other = sign.ensure_demo_certificate(folder, "IKZ-Steuerungskreis im Kreis Weißach")
    other_subject = sign.load_signer(other).signing_cert.subject.native
    assert other_subject["organization_name"] == "IKZ-Steuerungskreis im Kreis Weißach"
    second = sign.ensure_demo_certificate(folder, "IKZ-Geschäftsstelle")
    assert sign.load_signer(second).signing_cert.subject.native["organization_name"] == "IKZ-Geschäftsstelle"

    signed = tmp_path / "demo.pdf"
    sign_as(second, pki.make_pdf(tmp_path / "in.pdf"), signed)
    (status,) = sign.verify(signed, list(second.trust_roots)).fields
    assert status.trusted and status.signer == "IKZ-Geschäftsstelle (Demonstrationszertifikat)"
    out = pki.pdfsig(signed, pki.nss_db(tmp_path / "nss", *second.trust_roots))
    assert "Certificate Validation: Certificate is Trusted." in out


def test_demo_certificate_recreated_when_files_are_broken(tmp_path):
    folder = tmp_path / ".ikz"
    first = sign.ensure_demo_certificate(folder)
    (folder / sign.DEMO_PASSPHRASE_FILE).write_text("anders\n")
    second = sign.ensure_demo_certificate(folder)
    assert second.passphrase != first.passphrase
    sign.load_signer(second)


# ---------------------------------------------------------------- configuration


def test_load_config_from_toml_and_environment(tmp_path):
    config_file = tmp_path / "ikz-signatur.toml"
    config_file.write_text(
        'zertifikat = "zert/signatur.p12"\n'
        'zeitstempel_url = "http://zeitstempel.dfn.de"\n'
        'vertrauensanker = ["zert/wurzel.pem", "/etc/ikz/zwischen.der"]\n',
        encoding="utf-8",
    )
    config = sign.load_config(config_file, {"IKZ_SIGNATUR_PASSWORT": "gehëim"})
    assert config == SigningConfig(
        pkcs12=tmp_path / "zert/signatur.p12",
        passphrase="gehëim".encode(),
        timestamp_url="http://zeitstempel.dfn.de",
        trust_roots=(tmp_path / "zert/wurzel.pem", Path("/etc/ikz/zwischen.der")),
    )
    assert "geh" not in repr(config)

    from_env = sign.load_config(config_file, {"IKZ_SIGNATUR_ZERTIFIKAT": "/srv/anderes.pfx"})
    assert from_env.pkcs12 == Path("/srv/anderes.pfx") and from_env.passphrase is None
    prompted = from_env.with_passphrase("eingegeben")
    assert prompted.passphrase == b"eingegeben" and prompted.pkcs12 == from_env.pkcs12
    assert sign.load_config(None, {}, passphrase="x") is None
    assert sign.load_config(tmp_path / "gibt-es-nicht.toml", {}) is None
    only_env = sign.load_config(None, {"IKZ_SIGNATUR_ZERTIFIKAT": "a.p12", "IKZ_SIGNATUR_PASSWORT": "p"})
    assert only_env.pkcs12 == Path("a.p12") and only_env.passphrase == b"p"


@pytest.mark.parametrize(
    "content, message",
    [
        ('zertifikat = "a.p12"\npasswort = "geheim"\n', "Passwort darf nicht in der Einstellungsdatei"),
        ('zertifkat = "a.p12"\n', "Unbekannte Einstellung.*zertifkat"),
        ('zertifikat = "a.p12\n', "kein gültiges TOML"),
        ('zertifikat = "a.p12"\nvertrauensanker = [1]\n', "vertrauensanker"),
        ('zertifikat = "a.p12"\nzeitstempel_url = "zeitstempel.dfn.de"\n', "http://"),
    ],
)
def test_load_config_errors(tmp_path, content, message):
    config_file = tmp_path / "ikz-signatur.toml"
    config_file.write_text(content, encoding="utf-8")
    with pytest.raises(SigningError, match=message) as info:
        sign.load_config(config_file, {})
    assert "geheim" not in str(info.value)
    assert "ikz-signatur.toml" in str(info.value)


def test_unreadable_trust_anchor(env, tmp_path):
    bad = tmp_path / "wurzel.pem"
    bad.write_text("kein Zertifikat")
    signed = tmp_path / "s.pdf"
    sign_as(env["anna"], pki.make_pdf(tmp_path / "in.pdf"), signed)
    with pytest.raises(SigningError, match="»wurzel.pem« enthält kein lesbares Zertifikat"):
        sign.verify(signed, [bad])
    der = tmp_path / "wurzel.der"
    der.write_bytes(env["ca"].cert.public_bytes(serialization.Encoding.DER))
    assert sign.verify(signed, [der]).fields[0].trusted


# ---------------------------------------------------------------- field names


def test_field_name_for():
    assert sign.field_name_for("Mörfelden-Walldorf") == "Unterschrift_Moerfelden-Walldorf"
    assert sign.field_name_for("Kreis Groß-Gerau") == "Unterschrift_Kreis_Gross-Gerau"
    assert sign.field_name_for("Büttelborn") == "Unterschrift_Buettelborn"
    assert sign.field_name_for("St. Ägidius (Süd)") == "Unterschrift_St_Aegidius_Sued"
    assert sign.field_name_for("Trebur", taken=["Unterschrift_Trebur"]) == "Unterschrift_Trebur_2"
    assert (
        sign.field_name_for("Trebur", taken=["Unterschrift_Trebur", "unterschrift_trebur_2"])
        == "Unterschrift_Trebur_3"
    )
    assert sign.field_name_for("Łódź") == "Unterschrift_Lodz"
    assert sign.field_name_for("???") == "Unterschrift"
    for label in ["a.b", "Groß-Gerau / Nord", "Ærø", "日本"]:
        assert re.fullmatch(r"[A-Za-z0-9_-]+", sign.field_name_for(label))


def test_add_signature_fields_rejects_bad_specs(tmp_path):
    pdf = pki.make_pdf(tmp_path / "in.pdf", pages=1)
    out = tmp_path / "out.pdf"
    box = (72, 100, 272, 150)
    with pytest.raises(SigningError, match="Ungültiger Feldname »Unterschrift.Trebur«"):
        sign.add_signature_fields(pdf, out, [FieldSpec("Unterschrift.Trebur", 0, box, "Trebur")])
    with pytest.raises(SigningError, match="Ungültiger Feldname"):
        sign.add_signature_fields(pdf, out, [FieldSpec("Unterschrift_Mörfelden", 0, box, "Mörfelden")])
    with pytest.raises(SigningError, match="gibt es schon"):
        sign.add_signature_fields(pdf, out, [FieldSpec("A", 0, box, "A"), FieldSpec("A", 0, box, "A")])
    with pytest.raises(SigningError, match="Seite 2 .* nur 1 Seite"):
        sign.add_signature_fields(pdf, out, [FieldSpec("A", 1, box, "A")])
    assert not out.exists()
    sign.add_signature_fields(pdf, out, [FieldSpec("A", 0, box, "A")])
    with pytest.raises(SigningError, match="»A« gibt es schon"):
        sign.add_signature_fields(out, tmp_path / "again.pdf", [FieldSpec("A", 0, box, "A")])


# ---------------------------------------------------------------- locating signature lines


def libreoffice_pdf(tmp_path: Path) -> Path:
    from docx import Document
    from docx.enum.text import WD_BREAK

    doc = Document()
    doc.add_heading("Öffentlich-rechtliche Vereinbarung", 1)
    for _ in range(4):
        doc.add_paragraph("Die Beteiligten vereinbaren die gemeinsame Wahrnehmung der Aufgabe. " * 4)
    for kommune in ["Mörfelden-Walldorf", "Biebesheim am Rhein"]:
        doc.add_paragraph("\n\n" + "_" * 35)
        doc.add_paragraph(f"Unterschrift {kommune}")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for kommune in ["Stockstadt am Rhein", "Kreis Groß-Gerau"]:
        doc.add_paragraph("\n\n" + "_" * 35)
        doc.add_paragraph(f"Unterschrift {kommune}")
    docx = tmp_path / "vereinbarung.docx"
    doc.save(docx)
    profile = tmp_path / "lo-profile"
    from pipeline.convert import prepare_profile

    prepare_profile(profile)
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
        check=True, capture_output=True, timeout=180,
    )
    return tmp_path / "vereinbarung.pdf"


def text_positions(pdf: Path) -> list[tuple[int, str, float, float]]:
    """Independent check with pypdf: (page, text, x, y) of every text show operation."""
    found = []
    for index, page in enumerate(PdfReader(pdf).pages):
        def visit(text, cm, tm, _font, _size, index=index):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                found.append((index, text, x, y))
        page.extract_text(visitor_text=visit)
    return found


def test_locate_text_on_libreoffice_pdf_and_place_fields(env, tmp_path):
    pdf = libreoffice_pdf(tmp_path)
    needles = [
        "Unterschrift Mörfelden-Walldorf",
        "Unterschrift Biebesheim am Rhein",
        "unterschrift  stockstadt am rhein",  # case and spacing do not matter
        "Unterschrift Kreis Groß-Gerau",
        "Unterschrift Raunheim",  # not in the document
    ]
    located = sign.locate_text(pdf, needles)
    assert set(located) == set(needles[:4])
    assert [located[n][0] for n in needles[:4]] == [0, 0, 1, 1]
    assert located[needles[0]][1][1] > located[needles[1]][1][1]  # first is higher on the page

    positions = text_positions(pdf)
    for needle in needles[:4]:
        page, (llx, lly, urx, ury) = located[needle]
        word = needle.split()[-1] if "Groß" not in needle else "Groß-Gerau"
        hits = [p for p in positions if p[0] == page and word.casefold() in p[1].casefold()]
        assert hits, needle
        assert any(llx - 1 <= x <= urx and lly - 1 <= y <= ury + 1 for _p, _t, x, y in hits), (needle, hits)

    # place one field on each signature line and sign two of them
    labels = ["Mörfelden-Walldorf", "Biebesheim am Rhein", "Stockstadt am Rhein", "Kreis Groß-Gerau"]
    taken: list[str] = []
    specs = []
    for needle, label in zip(needles, labels):
        page, box = located[needle]
        name = sign.field_name_for(label, taken)
        taken.append(name)
        specs.append(FieldSpec(name, page, sign.box_above(box, height=40), label))
    prepared = tmp_path / "felder.pdf"
    sign.add_signature_fields(pdf, prepared, specs)
    signed = tmp_path / "signed.pdf"
    sign_as(env["anna"], prepared, signed, field_name=specs[0].name)
    sign_as(env["bernd"], signed, signed, field_name=specs[3].name)
    report = sign.verify(signed, [env["ca"].pem])
    assert report.ok
    assert report.summary_line() == (
        "2 von 4 unterschrieben; es fehlen: Biebesheim am Rhein, Stockstadt am Rhein"
    )
    reader = PdfReader(signed)
    assert len(reader.pages[0]["/Annots"]) == 2 and len(reader.pages[1]["/Annots"]) == 2
    out = pki.pdfsig(signed, env["nss"])
    assert out.count("Signature Validation: Signature is Valid.") == 2
