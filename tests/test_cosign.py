"""Councils sign their fields with software that is not ours: poppler's pdfsig (the engine of Okular).

A real Projektauftrag is made by the pipeline (LibreOffice, office signature),
then councils sign it with `pdfsig -sign` from their own NSS databases, one after
another on one copy. `python -m pipeline verify` must keep the office signature
valid and count the councils; every kind of tampering after the office signed
must make it exit 1. No traceback or library log line may reach the terminal.
"""

from __future__ import annotations

import io
import re
import shutil

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields as pyhanko_fields
from pyhanko.sign import signers

from pipeline import sign
from pipeline.sign.verification import ONLY_SIGNATURES_ADDED
from tests import pki
from tests.helpers_run import cli
from tests.pki import COUNCILS

pytestmark = pytest.mark.slow  # whole pipeline runs: `make test`, not `make test-schnell`

@pytest.fixture(scope="module")
def issued(issued_runs, office_pki, council_pki):
    """A Projektauftrag as the office sends it out (real pipeline run), and the councils' NSS databases."""
    run = issued_runs.open_round(office_pki)  # REINIGUNG in its signature round
    pdf = run.folder / "pdf" / "projektauftrag-REINIGUNG.pdf"
    empty = [f for f in sign.verify(pdf, []).fields if not f.signed]
    return dict(pdf=pdf, office_ca=office_pki.ca, council_ca=council_pki.ca, councils=council_pki.councils,
                fields=[f.name for f in empty], labels=[f.label for f in empty], dir=run.out.parent)


def verify_cli(*pdfs, roots=(), extra=()):
    args = ["verify", *pdfs]
    for root in roots:
        args += ["--vertrauen", root]
    return cli(*args, "--state", "/nonexistent-state", *extra)


def assert_clean(result):
    """No traceback, no library log line, only German."""
    text = result.stdout + result.stderr
    assert "Traceback" not in text
    assert not re.search(r"^(WARNING|ERROR|INFO|DEBUG)[: ]", text, re.M)
    assert "pyhanko" not in text.lower()


def sign_in_sequence(issued, tmp_path, n=3):
    current = issued["pdf"]
    for i in range(n):
        out = tmp_path / f"signed-{i + 1}.pdf"
        pki.poppler_sign(current, out, issued["fields"][i], issued["councils"][i])
        current = out
    return current


def test_three_councils_sign_one_copy_with_poppler(issued, tmp_path):
    signed = sign_in_sequence(issued, tmp_path)

    report = sign.verify(signed, [issued["office_ca"].pem, issued["council_ca"].pem])
    assert report.ok
    office = report.office
    assert office.intact and office.trusted and office.afterwards == ONLY_SIGNATURES_ADDED
    by_name = {f.name: f for f in report.fields}
    for (cn, org), field in zip(COUNCILS, issued["fields"]):
        f = by_name[field]
        assert f.signed and f.intact and f.trusted, f
        assert (f.signer, f.organisation) == (cn, org)
    assert sum(f.signed for f in report.persons) == 3

    result = verify_cli(signed, roots=[issued["office_ca"].pem, issued["council_ca"].pem])
    assert result.returncode == 0, result.stdout + result.stderr
    assert_clean(result)
    total = len(issued["fields"])
    assert f"3 von {total} unterschrieben" in result.stdout
    assert "Unterschrieben von Erika Muster (Stadt Gernsheim) am " in result.stdout
    assert "danach nur Unterschriften ergänzt" in result.stdout
    assert "1 Datei geprüft, 0 mit ungültiger Signatur." in result.stdout

    # poppler agrees: every signature valid
    out = pki.pdfsig(signed, pki.nss_db(tmp_path / "check", issued["office_ca"].pem, issued["council_ca"].pem))
    assert out.count("Signature Validation: Signature is Valid.") == 4, out


def test_untrusted_council_certificate_is_a_warning_not_an_error(issued, tmp_path):
    signed = sign_in_sequence(issued, tmp_path, n=1)
    result = verify_cli(signed, roots=[issued["office_ca"].pem])
    assert result.returncode == 0, result.stdout + result.stderr
    assert_clean(result)
    assert "nicht vertrauenswürdig: das Zertifikat führt zu keinem hinterlegten Vertrauensanker" in result.stdout
    assert "1 Signatur nicht vertrauenswürdig (Warnung)" in result.stdout


def test_pyhanko_cosigning_after_poppler(issued, tmp_path):
    """A council using a PDF library (pyHanko) after one using poppler."""
    first = sign_in_sequence(issued, tmp_path, n=1)
    p12 = pki.make_p12(issued["council_ca"], tmp_path / "rat.p12", "Petra Probe", b"pw", org="Stadt Raunheim")
    signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=b"pw")
    w = IncrementalPdfFileWriter(io.BytesIO(first.read_bytes()), strict=False)
    out = io.BytesIO()
    signers.sign_pdf(w, signers.PdfSignatureMetadata(field_name=issued["fields"][1]), signer=signer, output=out)
    second = tmp_path / "second.pdf"
    second.write_bytes(out.getvalue())
    report = sign.verify(second, [issued["office_ca"].pem, issued["council_ca"].pem])
    assert report.ok and report.office.trusted
    assert [f.signer for f in report.persons if f.signed] == ["Erika Muster", "Petra Probe"]


# Tampering after the office signed: each case must make verify exit 1.


def _page(w, index=0):
    page, _ = w.find_page_for_modification(index)
    return page.get_object()


def _widget(w, field_name):
    for _, _, ref in pyhanko_fields.enumerate_sig_fields(w, filled_status=False):
        obj = ref.get_object()
        if obj.get("/T") == field_name:
            return obj
    raise AssertionError(field_name)


def _office_sig_ref(w):
    for name, value, ref in pyhanko_fields.enumerate_sig_fields(w, filled_status=True):
        if not name.startswith(sign.FIELD_PREFIX):
            return ref.get_object().raw_get("/V")
    raise AssertionError("no office signature")


def _stream(data: bytes) -> generic.StreamObject:
    return generic.StreamObject({generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
                                 generic.pdf_name("/BBox"): generic.ArrayObject(map(generic.NumberObject, (0, 0, 200, 50)))},
                                stream_data=data)


def new_content_stream(w, issued):
    page = _page(w)
    contents = page.raw_get("/Contents")
    extra = w.add_object(generic.StreamObject(stream_data=b"q 1 1 1 rg 50 600 400 120 re f Q"))
    items = list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
    page[generic.pdf_name("/Contents")] = generic.ArrayObject(items + [extra])
    w.update_container(page)


def overwritten_content_stream(w, issued):
    page = _page(w)
    contents = page.raw_get("/Contents")
    ref = (list(contents) if isinstance(contents, generic.ArrayObject) else [contents])[0].reference
    replacement = generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 720 Td (Gefaelscht) Tj ET")
    w.objects[(ref.generation, ref.idnum)] = replacement  # overwrite in place, as a forger would


def covering_annotation(w, issued):
    page = _page(w)
    annot = w.add_object(generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
        generic.pdf_name("/Subtype"): generic.pdf_name("/Square"),
        generic.pdf_name("/Rect"): generic.ArrayObject(map(generic.NumberObject, (50, 500, 550, 800))),
        generic.pdf_name("/IC"): generic.ArrayObject(map(generic.NumberObject, (1, 1, 1))),
        generic.pdf_name("/AP"): generic.DictionaryObject(
            {generic.pdf_name("/N"): w.add_object(_stream(b"1 1 1 rg 0 0 500 300 re f"))}),
    }))
    annots = page.get("/Annots")
    page[generic.pdf_name("/Annots")] = generic.ArrayObject(list(annots or []) + [annot])
    w.update_container(page)


def changed_field_label(w, issued):
    widget = _widget(w, issued["fields"][1])
    widget[generic.pdf_name("/TU")] = generic.TextStringObject("Unterschrift Stadt Irgendwo")
    w.update_container(widget)


def moved_field(w, issued):
    widget = _widget(w, issued["fields"][1])
    widget[generic.pdf_name("/Rect")] = generic.ArrayObject(map(generic.NumberObject, (10, 10, 210, 60)))
    w.update_container(widget)


def appearance_without_signature(w, issued):
    widget = _widget(w, issued["fields"][1])
    ap = w.add_object(_stream(b"0 0 1 RG 2 w 10 10 m 190 40 l S"))
    widget[generic.pdf_name("/AP")] = generic.DictionaryObject({generic.pdf_name("/N"): ap})
    w.update_container(widget)


def rewritten_mediabox(w, issued):
    page = _page(w)
    page[generic.pdf_name("/MediaBox")] = generic.ArrayObject(map(generic.NumberObject, (0, 0, 300, 300)))
    w.update_container(page)


def value_points_to_office_signature(w, issued):
    widget = _widget(w, issued["fields"][1])
    widget[generic.pdf_name("/V")] = _office_sig_ref(w)
    w.update_container(widget)


TAMPERING = [new_content_stream, overwritten_content_stream, covering_annotation, changed_field_label,
             moved_field, appearance_without_signature, rewritten_mediabox, value_points_to_office_signature]


@pytest.mark.parametrize("change", TAMPERING, ids=lambda c: c.__name__)
def test_tampering_after_signing_is_rejected(issued, tmp_path, change):
    signed = sign_in_sequence(issued, tmp_path, n=1)  # a council has signed already
    w = IncrementalPdfFileWriter(io.BytesIO(signed.read_bytes()), strict=False)
    change(w, issued)
    out = io.BytesIO()
    w.write(out)
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(out.getvalue())
    revisions = PdfFileReader(io.BytesIO(signed.read_bytes()), strict=False).xrefs.total_revisions
    assert PdfFileReader(io.BytesIO(tampered.read_bytes()), strict=False).xrefs.total_revisions == revisions + 1

    result = verify_cli(tampered, roots=[issued["office_ca"].pem, issued["council_ca"].pem])
    assert result.returncode == 1, result.stdout + result.stderr
    assert_clean(result)
    office = sign.verify(tampered, [issued["office_ca"].pem]).office
    assert not office.intact and office.problem.startswith("Nach der Unterschrift von IKZ-Geschäftsstelle Test "), office
    assert "IKZ-Geschäftsstelle: UNGÜLTIG" in result.stdout
    assert "1 Datei geprüft, 1 mit ungültiger Signatur" in result.stdout
    if change in (new_content_stream, overwritten_content_stream, covering_annotation, rewritten_mediabox):
        assert "danach Inhalt verändert (Seite 1)" in office.problem


def test_flipped_byte_in_signed_range_is_rejected(issued, tmp_path):
    signed = sign_in_sequence(issued, tmp_path, n=1)
    data = bytearray(signed.read_bytes())
    at = data.index(b"stream", len(data) // 4) + 40  # inside a stream of the office's revision
    data[at] ^= 0x01
    tampered = tmp_path / "flipped.pdf"
    tampered.write_bytes(bytes(data))
    result = verify_cli(tampered, roots=[issued["office_ca"].pem])
    assert result.returncode == 1, result.stdout + result.stderr
    assert_clean(result)
    assert "UNGÜLTIG" in result.stdout


def test_verify_without_arguments_summarises_per_project(issued, tmp_path):
    """The whole outputs folder: problems, one line per Projektauftrag, the office line; --alle lists every field."""
    out = tmp_path / "out"
    shutil.copytree(issued["dir"] / "out", out)
    pdf = out / "klein" / "pdf" / issued["pdf"].name
    shutil.copy(sign_in_sequence(issued, tmp_path, n=2), pdf)
    result = cli("verify", "--outputs", out, "--state", issued["dir"] / "state", "--vertrauen", issued["office_ca"].pem)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_clean(result)
    total = len(issued["fields"])
    assert re.search(rf"^    REINIGUNG: 2 von {total} unterschrieben; es fehlen: ", result.stdout, re.M), result.stdout
    assert re.search(rf"^Lauf »klein« \({re.escape(str(out))}/klein/, Arbeitsmappe .*klein\.xlsx\):$", result.stdout, re.M)
    assert "Signatur der Geschäftsstelle: " in result.stdout
    assert "Noch nicht unterschrieben." not in result.stdout  # the short form
    full = cli("verify", "--alle", "--outputs", out, "--state", issued["dir"] / "state")
    assert full.returncode == 0
    assert full.stdout.count("Noch nicht unterschrieben.") >= total - 2


def test_cosigned_copy_stays_accessible(issued, tmp_path):
    """After three councils signed with poppler, every widget is still in its /Form element with its
    tooltip, every page with fields has /Tabs /S, and both checkers find nothing (PDF/UA-1)."""
    from tests.accessibility import matterhorn_findings, pdfua_findings
    from tools.pdf_structure import walk

    signed = sign_in_sequence(issued, tmp_path)
    assert pdfua_findings(signed) == []
    assert matterhorn_findings(signed) == []
    forms = [e for top in walk(signed) for e in top.iter() if e.role == "Form"]
    tooltips = [e.children[0].annotation.get("TU") for e in forms]
    assert set(issued["labels"]) <= set(tooltips)
    assert "IKZ-Geschäftsstelle" in tooltips
