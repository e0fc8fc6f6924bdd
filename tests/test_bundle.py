"""PDF bundles from real LibreOffice PDFs (no mocks)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline import sign
from pipeline.bundle import (
    BundleDocument,
    BundleEntry,
    Bundler,
    BundleSpec,
    build_bundle,
)
from pipeline.convert import pdf_info, read_pdfa_id
from pipeline.errors import BundleError
from pipeline.german import datum_lang as german_date
from tests.helpers_pdf import (
    SAMPLES,
    converted_samples,
    flatten,
    link_targets,
    outline_tree,
    page_texts,
    parent_tree_problems,
    pdffonts_embedded,
    plain_pdf,
    qpdf_check,
    structure_problems,
    word_boxes,
    xmp_text,
)
from tests.pki import make_ca, make_p12, nss_db, pdfsig

pytestmark = pytest.mark.slow  # LibreOffice converts the sample documents first

TITLES = {
    "beschlussvorlage": "Beschlussvorlage: Gemeinsames Ordnungsamt der Städte Raunheim und Kelsterbach",
    "vereinbarung": "Öffentlich-rechtliche Vereinbarung über die Zusammenarbeit im Bereich der Ordnungsbehörden",
    "anlage": "Einwohnerzahlen",
}
KINDS = {"beschlussvorlage": "Beschlussvorlage", "vereinbarung": "Vereinbarung", "anlage": "Anlage"}


def make_spec(pdfs: dict[str, Path], **changes) -> BundleSpec:
    values = dict(
        title="Interkommunale Zusammenarbeit: Gemeinsames Ordnungsamt",
        subtitle="Unterlagen zur Beschlussfassung",
        addressee="An die Stadtverordnetenversammlung\nder Stadt Raunheim",
        cover_lines=("Projekt P-2025-07", "Sitzung am 12. Dezember 2026", "Federführung: Stadt Kelsterbach"),
        documents=tuple(BundleDocument(TITLES[s.stem], pdfs[s.stem], KINDS[s.stem]) for s in SAMPLES),
        author="Kreis Groß-Gerau – Der Kreisausschuss",
        subject="IKZ Ordnungsbehörden – Beschlussunterlagen",
        keywords=("IKZ", "Ordnungsamt", "Raunheim"),
        date=dt.date(2026, 11, 25),
    )
    values.update(changes)
    return BundleSpec(**values)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    converted = converted_samples(tmp_path_factory.mktemp("samples"))
    assert set(converted.pdf) == {s.stem for s in SAMPLES}
    return converted.pdf


@pytest.fixture(scope="module")
def bundle(pdfs, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("bundle") / "mappe.pdf"
    spec = make_spec(pdfs)
    result = build_bundle(spec, out)
    return spec, result, PdfReader(out)


def source_pages(pdfs: dict[str, Path]) -> list[int]:
    return [len(PdfReader(pdfs[s.stem]).pages) for s in SAMPLES]


def test_page_count_and_entries(bundle, pdfs) -> None:
    spec, result, reader = bundle
    sizes = source_pages(pdfs)
    assert result.pages == len(reader.pages) == 2 + sum(sizes)
    first = 3
    expected = []
    for doc, size in zip(spec.documents, sizes):
        expected.append((doc.title, first, size))
        first += size
    assert result.entries == tuple(expected)
    assert all(isinstance(e, BundleEntry) for e in result.entries)
    assert result.path.is_file()
    assert not list(result.path.parent.glob(".*.tmp"))


def test_documents_are_where_the_entries_say(bundle, pdfs) -> None:
    spec, result, _ = bundle
    texts = page_texts(result.path)
    for s, entry in zip(SAMPLES, result.entries):
        source = page_texts(pdfs[s.stem])
        for offset in range(entry.page_count):
            first_line = next(line for line in source[offset].splitlines() if line.strip())
            assert first_line.strip() in texts[entry.first_page - 1 + offset]


def test_cover_and_index(bundle) -> None:
    spec, result, _ = bundle
    texts = page_texts(result.path)
    cover = " ".join(texts[0].split())
    for needle in (
        "An die Stadtverordnetenversammlung der Stadt Raunheim",
        "Interkommunale Zusammenarbeit: Gemeinsames Ordnungsamt",
        "Unterlagen zur Beschlussfassung",
        "Projekt P-2025-07",
        "Sitzung am 12. Dezember 2026",
        "Kreis Groß-Gerau – Der Kreisausschuss",
        "25. November 2026",
        f"insgesamt {result.pages} Seiten",
    ):
        assert needle in cover, needle
    index = " ".join(texts[1].split())
    assert index.startswith(f"Mappe · Seite 2 von {result.pages} Inhalt")
    for entry in result.entries:
        words = entry.title.split()
        assert " ".join(words[:4]) in index
    # page numbers right of each entry
    for number, entry in enumerate(result.entries, start=1):
        assert re.search(rf"{number}\. .*?{entry.first_page}", " ".join(texts[1].split()))


def test_index_links_go_to_the_documents(bundle) -> None:
    _, result, reader = bundle
    links = link_targets(reader, 1)
    assert len(links) == len(result.entries)
    # top to bottom in the order of the entries
    links.sort(key=lambda link: -link[0][3])
    assert [target + 1 for _, target in links] == [e.first_page for e in result.entries]
    for annot_ref in reader.pages[1]["/Annots"]:
        annot = annot_ref.get_object()
        assert int(annot["/F"]) & 4, "links must be printable for PDF/A"
        assert annot["/A"]["/S"] == "/GoTo"


def test_links_inside_documents_still_work(bundle, pdfs) -> None:
    _, result, reader = bundle
    entry = result.entries[0]  # the Beschlussvorlage has a TOC with hyperlinks
    source = PdfReader(pdfs["beschlussvorlage"])
    expected = sorted(target for _, target in link_targets(source, 0))
    assert expected, "LibreOffice should export the TOC entries as links"
    got = sorted(target for _, target in link_targets(reader, entry.first_page - 1))
    assert got == [entry.first_page - 1 + t for t in expected]


def test_bookmarks_one_per_document_with_nested_children(bundle, pdfs) -> None:
    _, result, reader = bundle
    tree = outline_tree(reader)
    assert [(title, page + 1) for title, page, _ in tree] == [(e.title, e.first_page) for e in result.entries]
    for (title, page, children), s, entry in zip(tree, SAMPLES, result.entries):
        source = flatten(outline_tree(PdfReader(pdfs[s.stem])))
        assert children, f"{title}: bookmarks of the document are missing"
        assert flatten(children) == [(t, p + entry.first_page - 1) for t, p in source]
        # the document's own nesting is kept (level-2 headings below level-1)
        assert any(grandchildren for _, _, grandchildren in children) == any(level == 2 for level, _ in s.headings)


def test_every_page_is_stamped_with_its_number(bundle) -> None:
    _, result, reader = bundle
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Seite {number} von {total}" in text, (number, text[-200:])


def test_stamp_is_the_mappe_number_above_the_documents_own(bundle) -> None:
    """One page number to go by: the bundle's, labelled »Mappe«, at the top right above everything
    the document draws; the document's own »Seite 1 von N« in its footer stays below and apart."""
    _, result, reader = bundle
    total = len(reader.pages)
    for s, entry in zip(SAMPLES, result.entries):
        page = entry.first_page
        words = word_boxes(result.path, page)
        stamp_words = f"Mappe · Seite {page} von {total}".split()
        texts = [w[0] for w in words]
        at = next(i for i in range(len(words)) if texts[i:i + len(stamp_words)] == stamp_words)
        stamp = words[at:at + len(stamp_words)]
        rest = words[:at] + words[at + len(stamp_words):]
        stamp_bottom = max(w[4] for w in stamp)
        assert all(w[2] > stamp_bottom for w in rest), "stamp must be above the document's content"
        assert min(w[1] for w in stamp) > 842 * 0.5 / 1.414, "stamp must sit at the right"
        footer = [w for w in rest if w[0] == "Fußzeile"]
        assert footer and min(w[2] for w in footer) > 700, "the document's footer stays at the bottom"


def test_metadata_info_xmp_and_language(bundle) -> None:
    spec, result, reader = bundle
    info = reader.metadata
    assert info.title == spec.title
    assert info.author == spec.author
    assert info.subject == spec.subject
    assert info["/Keywords"] == "IKZ, Ordnungsamt, Raunheim"
    xmp = xmp_text(reader)
    assert re.search(r"<dc:title>.*" + re.escape(spec.title.replace("&", "&amp;")), xmp, re.S)
    assert re.search(r"<dc:creator>.*Kreis Groß-Gerau – Der Kreisausschuss", xmp, re.S)
    assert re.search(r"<dc:description>.*IKZ Ordnungsbehörden – Beschlussunterlagen", xmp, re.S)
    assert "<pdf:Keywords>IKZ, Ordnungsamt, Raunheim</pdf:Keywords>" in xmp
    # Info and XMP agree (PDF/A): producer, creator tool, dates
    assert f"<pdf:Producer>{info['/Producer']}</pdf:Producer>" in xmp
    assert f"<xmp:CreatorTool>{info['/Creator']}</xmp:CreatorTool>" in xmp
    created = re.search(r"<xmp:CreateDate>([^<]+)</xmp:CreateDate>", xmp).group(1)
    assert dt.datetime.fromisoformat(created) == info.creation_date.replace(microsecond=0)
    assert str(reader.root_object["/Lang"]) == "de-DE"
    stream = reader.root_object["/Metadata"].get_object()
    assert "/Filter" not in stream and stream["/Subtype"] == "/XML"


def test_still_pdfa2b(bundle) -> None:
    _, result, reader = bundle
    assert read_pdfa_id(xmp_text(reader).encode()) == (2, "B")
    assert result.pdfa_part == 2
    assert len(reader.root_object["/OutputIntents"]) == 1
    file_id = reader.trailer["/ID"]
    assert len(file_id) == 2
    assert len(getattr(file_id[0], "original_bytes", file_id[0])) == 16
    facts = pdf_info(result.path)
    assert (facts.pdfa_part, facts.pdfa_conformance) == (2, "B")
    assert facts.has_output_intent
    assert facts.title == reader.metadata.title


def test_all_fonts_embedded_no_base14(bundle) -> None:
    _, result, _ = bundle
    fonts = pdffonts_embedded(result.path)
    assert all(emb == "yes" for _, emb in fonts), fonts
    assert not any("Helvetica" in name for name, _ in fonts)
    assert any("LiberationSans" in name or "DejaVuSans" in name for name, _ in fonts)
    assert pdf_info(result.path).fonts_all_embedded
    # every subset has its own tag, although each source numbers its subsets from AAAAAA
    names = [name for name, _ in fonts]
    assert len(set(names)) == len(names), names
    assert len({name.split("+")[0] for name in names}) == len(names)


def test_tagged_with_a_consistent_structure_tree(bundle, pdfs) -> None:
    spec, result, reader = bundle
    root = reader.root_object
    assert bool(root["/MarkInfo"]["/Marked"])
    assert result.tagged and pdf_info(result.path).tagged
    for s in SAMPLES:  # the checker accepts what LibreOffice writes
        assert structure_problems(PdfReader(pdfs[s.stem])) == [], s.stem
    assert structure_problems(reader) == []
    # poppler reads the tree: one Part per document, titled like the entry
    run = subprocess.run(["pdfinfo", "-struct", str(result.path)], capture_output=True, check=True)
    tree = run.stdout.decode("latin-1")
    assert tree.startswith("Document")
    assert tree.count("\n  Part") == len(spec.documents)
    assert "TOCI" in tree and "Link" in tree and "Sect" in tree


def test_bundle_of_untagged_non_pdfa_document(pdfs, tmp_path: Path) -> None:
    foreign = plain_pdf(tmp_path / "fremd.pdf", pages=2)
    spec = make_spec(
        pdfs,
        documents=(
            BundleDocument("Vorlage", pdfs["anlage"], "Beschlussvorlage"),
            BundleDocument("Stellungnahme eines Dritten", foreign, "Anlage"),
        ),
        addressee=None,
        keywords=(),
    )
    result = build_bundle(spec, tmp_path / "gemischt.pdf")
    reader = PdfReader(result.path)
    assert result.pdfa_part is None and not result.tagged
    assert read_pdfa_id(xmp_text(reader).encode()) == (None, None)
    assert "/MarkInfo" not in reader.root_object and "/StructTreeRoot" not in reader.root_object
    assert result.entries[1].first_page == 2 + result.entries[0].page_count + 1
    assert "Seite 1 von" in reader.pages[0].extract_text()
    assert "/Keywords" not in reader.metadata


def sound(path: Path) -> None:
    """What every tagged PDF/A bundle must pass: qpdf finds nothing, the structure tree is
    consistent from both sides (elements → ParentTree, pages → ParentTree), every font is
    embedded, PDF/A-2b is declared."""
    qpdf_check(path)
    reader = PdfReader(path)
    assert structure_problems(reader) == []
    assert parent_tree_problems(path) == []
    fonts = pdffonts_embedded(path)
    assert fonts and all(emb == "yes" for _, emb in fonts), fonts
    assert read_pdfa_id(xmp_text(reader).encode()) == (2, "B")


def test_qpdf_check_structure_from_the_pages_and_fonts(bundle) -> None:
    _, result, _ = bundle
    sound(result.path)
    assert "No syntax or stream encoding errors found" in qpdf_check(result.path)


def test_role_maps_merged(bundle, pdfs) -> None:
    """Every member's own structure types (LibreOffice maps its paragraph styles) stay mapped."""
    _, _, reader = bundle
    role_map = reader.root_object["/StructTreeRoot"]["/RoleMap"]
    for s in SAMPLES:
        source_map = PdfReader(pdfs[s.stem]).root_object["/StructTreeRoot"]["/RoleMap"]
        assert source_map and {k: role_map[k] for k in source_map} == dict(source_map), s.stem


def test_bundle_signs_and_verifies(bundle, tmp_path: Path) -> None:
    """The office signs every Mappe: pyHanko and poppler's pdfsig accept the signature."""
    from pipeline.sign import SigningConfig

    _, result, _ = bundle
    ca = make_ca(tmp_path)
    p12 = make_p12(ca, tmp_path / "amt.p12", "IKZ-Geschäftsstelle Test", b"geheim", key_type="rsa")
    signed = tmp_path / "signiert.pdf"
    sign.sign_pdf(result.path, signed, SigningConfig(p12, b"geheim", trust_roots=(ca.pem,)),
                  reason="Mappe der IKZ-Geschäftsstelle", location="Groß-Gerau")
    office = [f for f in sign.verify(signed, [ca.pem]).fields if f.signed]
    assert len(office) == 1 and office[0].intact and office[0].trusted, office
    out = pdfsig(signed, nss_db(tmp_path / "nss", ca.pem))
    assert "Signature is Valid." in out and "Certificate is Trusted." in out, out
    assert "Total document signed" in out
    qpdf_check(signed)


def _fingerprint(path: Path) -> tuple:
    """What a reader gets from a bundle, without dates and /ID: texts, bookmarks, link targets,
    the structure tree as poppler reads it."""
    reader = PdfReader(path)
    struct = subprocess.run(["pdfinfo", "-struct", str(path)], capture_output=True, check=True).stdout
    struct = re.sub(rb"Object \d+ \d+", b"Object", struct)  # annotations' object numbers
    texts = [re.sub(r"\d+\. \w+ \d{4}", "", t) for t in page_texts(path)]
    links = [sorted(t for _, t in link_targets(reader, i)) for i in range(len(reader.pages))]
    return texts, outline_tree(reader), links, struct


def test_a_working_file_gives_the_same_bundles_in_any_order(pdfs, tmp_path: Path) -> None:
    """Members are copied into the working file once and reused: a bundle built after others
    (which share its members, hold one twice, or are untagged) equals one built first."""
    full = make_spec(pdfs)
    other = make_spec(pdfs, title="Zweite Mappe", documents=(
        BundleDocument("Anlage (erste)", pdfs["anlage"], "Anlage"),
        BundleDocument(TITLES["vereinbarung"], pdfs["vereinbarung"], "Vereinbarung"),
        BundleDocument("Anlage (zweite)", pdfs["anlage"], "Anlage"),
    ))
    mixed = make_spec(pdfs, title="Gemischt", documents=(
        BundleDocument("Vorlage", pdfs["beschlussvorlage"], "Beschlussvorlage"),
        BundleDocument("Fremd", plain_pdf(tmp_path / "fremd.pdf"), "Anlage"),
    ))
    fresh = Bundler()
    fresh.build(full, tmp_path / "fresh.pdf")
    fresh.close()

    bundler = Bundler()
    bundler.build(other, tmp_path / "other-1.pdf")
    assert not bundler.build(mixed, tmp_path / "mixed.pdf").tagged
    bundler.build(full, tmp_path / "full.pdf")
    bundler.build(other, tmp_path / "other-2.pdf")
    for name in ("other-1", "full", "other-2"):
        sound(tmp_path / f"{name}.pdf")
    assert _fingerprint(tmp_path / "full.pdf") == _fingerprint(tmp_path / "fresh.pdf")
    assert _fingerprint(tmp_path / "other-2.pdf") == _fingerprint(tmp_path / "other-1.pdf")
    # the document listed twice is two copies: its pages, bookmarks and tags twice
    reader = PdfReader(tmp_path / "other-2.pdf")
    tree = outline_tree(reader)
    assert [len(flatten(children)) for _, _, children in tree][0::2] == [len(flatten(tree[0][2]))] * 2
    assert tree[0][1] != tree[2][1]
    # the working file holds each document once more than it is listed in one bundle
    assert sorted(len(copies) for copies in bundler.members.values()) == [1, 1, 1, 2]
    bundler.close()


def test_working_file_starts_afresh_when_full_or_after_an_error(pdfs, tmp_path: Path) -> None:
    broken = tmp_path / "kaputt.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    bundler = Bundler(max_objects=1)
    bundler.build(make_spec(pdfs), tmp_path / "a.pdf")
    bundler.build(make_spec(pdfs, title="B"), tmp_path / "b.pdf")  # starts afresh first
    assert bundler.members and all(len(c) == 1 for c in bundler.members.values())
    sound(tmp_path / "b.pdf")
    bundler.max_objects = 10**9
    with pytest.raises(BundleError):
        bundler.build(make_spec(pdfs, documents=(BundleDocument("Kaputt", broken, "Anlage"),)), tmp_path / "x.pdf")
    assert not bundler.members
    bundler.build(make_spec(pdfs, title="B"), tmp_path / "c.pdf")
    sound(tmp_path / "c.pdf")
    assert _fingerprint(tmp_path / "c.pdf")[1:] == _fingerprint(tmp_path / "b.pdf")[1:]
    bundler.close()


def test_a_changed_file_is_copied_again(pdfs, tmp_path: Path) -> None:
    """Members are known by path, size and modification time: the cache may write a new PDF
    under a name a bundle used before."""
    member = tmp_path / "dokument.pdf"
    member.write_bytes(pdfs["anlage"].read_bytes())
    spec = make_spec(pdfs, documents=(BundleDocument("Dokument", member, "Anlage"),))
    bundler = Bundler()
    first = bundler.build(spec, tmp_path / "1.pdf")
    member.write_bytes(pdfs["vereinbarung"].read_bytes())
    second = bundler.build(spec, tmp_path / "2.pdf")
    assert first.pages - 2 == len(PdfReader(pdfs["anlage"]).pages)
    assert second.pages - 2 == len(PdfReader(pdfs["vereinbarung"]).pages)
    assert "Vereinbarung – Fußzeile" in page_texts(second.path)[2]
    sound(second.path)
    bundler.close()


def test_long_index_spans_several_pages(pdfs, tmp_path: Path) -> None:
    documents = tuple(
        BundleDocument(f"Anlage {i}: " + ("Ergänzende Unterlagen zum Projekt " * (1 + i % 3)).strip(), pdfs["anlage"], "Anlage")
        for i in range(1, 36)
    )
    result = build_bundle(make_spec(pdfs, documents=documents), tmp_path / "lang.pdf")
    reader = PdfReader(result.path)
    size = len(PdfReader(pdfs["anlage"]).pages)
    index_pages = result.entries[0].first_page - 2
    assert index_pages >= 2
    assert result.pages == 1 + index_pages + len(documents) * size
    targets = []
    for page in range(1, 1 + index_pages):
        links = sorted(link_targets(reader, page), key=lambda link: -link[0][3])
        targets.extend(target + 1 for _, target in links)
    assert targets == [e.first_page for e in result.entries]
    assert "Inhalt (Fortsetzung)" in page_texts(result.path)[2]
    assert structure_problems(reader) == []
    sound(result.path)  # the same document 35 times: 35 copies with their own tags and keys


def test_stamps_on_rotated_and_landscape_pages(pdfs, tmp_path: Path) -> None:
    from pypdf import PdfWriter
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    raw = tmp_path / "raw.pdf"
    canvas = Canvas(str(raw), pagesize=A4)
    for size in (A4, landscape(A4), A4, A4):
        canvas.setPageSize(size)
        canvas.setFont("Helvetica", 12)
        canvas.drawString(72, 300, "Plan")
        canvas.showPage()
    canvas.save()
    writer = PdfWriter(clone_from=raw)
    writer.pages[0].rotate(90)
    writer.pages[2].rotate(270)
    writer.pages[3].rotate(180)
    plans = tmp_path / "plaene.pdf"
    writer.write(plans)
    spec = make_spec(pdfs, documents=(BundleDocument("Lagepläne", plans, "Anlage"),))
    result = build_bundle(spec, tmp_path / "plaene-mappe.pdf")
    reader = PdfReader(result.path)
    for number in range(3, 7):
        page = reader.pages[number - 1]
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        if page.rotation % 180:
            width, height = height, width
        words = word_boxes(result.path, number)
        seite = [w for w in words if w[0] == "Seite"]
        assert len(seite) == 1, (number, words)
        _, x0, y0, x1, y1 = seite[0]
        # top right of the page as the reader sees it, upright text
        assert width * 0.6 < x1 < width and 0 < y0 < height * 0.1, (number, seite, width, height)
        assert f"Seite {number} von {result.pages}" in page.extract_text()


def test_missing_pdf_names_it(pdfs, tmp_path: Path) -> None:
    spec = make_spec(pdfs, documents=(BundleDocument("Fehlt", tmp_path / "nicht-da.pdf", "Anlage"),))
    with pytest.raises(BundleError) as info:
        build_bundle(spec, tmp_path / "x.pdf")
    assert "nicht-da.pdf" in str(info.value) and "fehlt" in info.value.message
    assert not (tmp_path / "x.pdf").exists()


def test_corrupt_pdf_names_it(pdfs, tmp_path: Path) -> None:
    broken = tmp_path / "kaputt.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    spec = make_spec(
        pdfs,
        documents=(
            BundleDocument("Gut", pdfs["anlage"], "Anlage"),
            BundleDocument("Kaputt", broken, "Anlage"),
        ),
    )
    with pytest.raises(BundleError) as info:
        build_bundle(spec, tmp_path / "x.pdf")
    assert "kaputt.pdf" in info.value.message and "beschädigt" in info.value.message
    assert not (tmp_path / "x.pdf").exists()
    with pytest.raises(BundleError, match="keine Dokumente"):
        build_bundle(make_spec(pdfs, documents=()), tmp_path / "x.pdf")


def test_german_date() -> None:
    assert german_date(dt.date(2026, 3, 1)) == "1. März 2026"
