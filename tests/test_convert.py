"""DOCX → PDF/A-2b with the real LibreOffice (no mocks)."""

from __future__ import annotations

import re
import threading
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline.convert import (
    BatchConversionError,
    Converted,
    Converter,
    convert_all,
    docx_enable_update_fields,
    pdf_info,
    raise_failures,
    read_pdfa_id,
)
from pipeline.errors import ConversionError
from tests.helpers_pdf import (
    SAMPLES,
    SampleDoc,
    converted_samples,
    flatten,
    make_docx,
    make_never_ending_docx,
    outline_tree,
    page_texts,
    pdffonts_embedded,
    plain_pdf,
    sample,
    xmp_text,
)


@pytest.fixture(scope="module")
def conv(tmp_path_factory: pytest.TempPathFactory):
    # one convert_all call: 3 good documents + 1 corrupt, in 2 parallel LibreOffice batches
    return converted_samples(tmp_path_factory.mktemp("samples"))


@pytest.mark.slow  # LibreOffice converts the samples
def test_every_good_document_converted(conv) -> None:
    assert set(conv.pdf) == {s.stem for s in SAMPLES}
    for stem, pdf in conv.pdf.items():
        assert pdf.is_file() and pdf.stat().st_size > 0
        assert pdf.name == f"{stem}.pdf"
        assert pdf.read_bytes().startswith(b"%PDF-")
        assert len(PdfReader(pdf).pages) >= 2, f"{stem}: sample should have several pages"
    # no temporary work folders left in the output folder
    out_dir = next(iter(conv.pdf.values())).parent
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(f"{s.stem}.pdf" for s in SAMPLES)


@pytest.mark.slow  # LibreOffice converts the samples
def test_corrupt_docx_names_exactly_the_failed_file(conv) -> None:
    error = conv.error
    assert isinstance(error, BatchConversionError)
    assert isinstance(error, ConversionError)
    assert set(error.failed) == {conv.corrupt}
    assert "x.docx" in error.message
    for s in SAMPLES:
        assert f"{s.stem}.docx" not in error.message
    assert set(error.converted) == set(conv.docx.values())
    assert "kein gültiges Word-Dokument" in error.message


@pytest.mark.slow  # LibreOffice converts the samples
def test_pdfa2b_declared_in_xmp(conv) -> None:
    for pdf in conv.pdf.values():
        reader = PdfReader(pdf)
        xmp = xmp_text(reader)
        assert read_pdfa_id(xmp.encode()) == (2, "B")
        assert re.search(r"pdfaid:part(>|=\")2", xmp)
        facts = pdf_info(pdf)
        assert (facts.pdfa_part, facts.pdfa_conformance) == (2, "B")


@pytest.mark.slow  # LibreOffice converts the samples
def test_output_intent_tagged_and_fonts_embedded(conv) -> None:
    for pdf in conv.pdf.values():
        reader = PdfReader(pdf)
        root = reader.root_object
        assert len(root["/OutputIntents"]) >= 1
        assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
        assert root["/MarkInfo"]["/Marked"] is True or bool(root["/MarkInfo"]["/Marked"])
        assert "/StructTreeRoot" in root
        fonts = pdffonts_embedded(pdf)
        assert fonts, "pdffonts lists no fonts"
        assert all(emb == "yes" for _, emb in fonts), fonts
        facts = pdf_info(pdf)
        assert facts.tagged and facts.has_output_intent and facts.fonts_all_embedded
        assert reader.trailer.get("/ID") is not None


@pytest.mark.slow  # LibreOffice converts the samples
def test_bookmarks_follow_the_headings(conv) -> None:
    for s in SAMPLES:
        reader = PdfReader(conv.pdf[s.stem])
        tree = outline_tree(reader)
        titles = [title for title, _ in flatten(tree)]
        expected = [text for _, text in s.headings]
        assert [t for t in titles if t in expected] == expected
        # level-2 headings are nested below their level-1 heading
        for (level, text), nxt in zip(s.headings, s.headings[1:]):
            if level == 1 and nxt[0] == 2:
                node = next(n for n in tree if n[0] == text)
                assert nxt[1] in [child[0] for child in node[2]]


@pytest.mark.slow  # LibreOffice converts the samples
def test_toc_shows_real_page_numbers(conv) -> None:
    s = sample("beschlussvorlage")
    pdf = conv.pdf[s.stem]
    texts = page_texts(pdf)
    assert "Bitte Inhaltsverzeichnis aktualisieren" not in "".join(texts)
    toc_page = texts[0]
    for _, heading in s.headings:
        # the page on which the heading really is (not counting the TOC itself)
        actual = next(
            i + 1
            for i, text in enumerate(texts)
            if any(line.strip() == heading for line in text.splitlines())
        )
        match = re.search(re.escape(heading) + r"[ .]*?(\d+)\s*$", toc_page, re.MULTILINE)
        assert match, f"TOC lacks {heading!r}:\n{toc_page}"
        assert int(match.group(1)) == actual, (heading, match.group(1), actual)
    # the headings are spread over more than one page, so the numbers mean something
    assert len({m for m in re.findall(r"(\d+)\s*$", toc_page, re.MULTILINE)}) >= 2


@pytest.mark.slow  # LibreOffice converts the samples
def test_core_properties_and_language_in_pdf(conv) -> None:
    for s in SAMPLES:
        reader = PdfReader(conv.pdf[s.stem])
        info = reader.metadata
        assert info.title == s.title
        assert info.author == s.author
        assert info.subject == s.subject
        xmp = xmp_text(reader)
        assert s.title in xmp and s.author in xmp and s.subject in xmp
        assert str(reader.root_object["/Lang"]) == "de-DE"
        assert pdf_info(conv.pdf[s.stem]).lang == "de-DE"


@pytest.mark.slow  # LibreOffice processes of its own
def test_timeout_gives_conversion_error(tmp_path: Path) -> None:
    # LibreOffice never finishes this document (it waits for a picture that never comes): a tiny limit ends it
    doc = make_never_ending_docx(tmp_path / "langsam.docx")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "langsam.pdf").write_bytes(b"%PDF-1.4 stale result of an earlier run")
    with pytest.raises(ConversionError) as info:
        convert_all([doc], tmp_path / "out", timeout=0.2)
    assert "langsam.docx" in info.value.message
    assert "Zeitlimit von 0,2 Sekunden überschritten, LibreOffice wurde bei diesem Dokument abgebrochen" \
        in info.value.message
    assert not (tmp_path / "out" / "langsam.pdf").exists()
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.slow  # LibreOffice processes of its own
def test_after_a_timeout_the_waiting_documents_are_converted_by_a_new_process(tmp_path: Path) -> None:
    """One LibreOffice process: the document it never finishes is abandoned at the limit, the two queued
    behind it still arrive, from a new process."""
    slow = make_never_ending_docx(tmp_path / "langsam.docx")
    quick = [make_docx(tmp_path / f"kurz-{i}.docx", sample("anlage"), 1) for i in range(2)]
    finished: list[Converted] = []
    with Converter(tmp_path / "out", jobs=1, timeout=0.2) as converter:
        for doc in (slow, *quick):
            converter.submit(doc)
        converter.close()
        first = converter.processes[0]
        assert first.jobs == [slow, quick[0]]  # the second one waits in the same process, behind the slow one

        def done(item: Converted) -> None:
            finished.append(item)
            if item.docx == slow:  # the limit was the feature under test; the quick ones get the usual one
                converter.timeout = 300

        converter.wait(done)
        assert finished[0].docx == slow  # abandoned first: the documents behind it could not start before
        assert first.ended is not None and len(converter.processes) == 2
    with pytest.raises(BatchConversionError) as info:
        raise_failures(finished, [slow, *quick])
    assert set(info.value.failed) == {slow}
    assert "Zeitlimit von 0,2 Sekunden" in info.value.failed[slow]
    assert set(info.value.converted) == set(quick)
    for docx in quick:
        assert pdf_info(tmp_path / "out" / f"{docx.stem}.pdf").pdfa_part == 2
    assert "(2 weitere Dokumente wurden umgewandelt.)" in info.value.message


@pytest.mark.slow  # LibreOffice processes of its own
def test_documents_handed_over_while_libreoffice_starts_and_later(tmp_path: Path) -> None:
    """The Converter takes documents before its processes are up and after some PDFs came back."""
    docs = [make_docx(tmp_path / f"d{i}.docx", sample("anlage"), 1) for i in range(4)]
    done: list[Converted] = []
    with Converter(tmp_path / "out", jobs=2, timeout=300) as converter:
        converter.submit(docs[0])
        converter.wait(done.append)  # not closed: returns once the first PDF is back, the processes stay
        assert [d.docx for d in done] == [docs[0]]
        assert all(p.ended is None for p in converter.processes)
        for doc in docs[1:]:
            converter.submit(doc)
        converter.close()
        converter.wait(done.append)
    assert sorted(d.docx.name for d in done) == [d.name for d in docs]
    assert all(d.reason is None and d.pdf == tmp_path / "out" / f"{d.docx.stem}.pdf" for d in done)
    assert all(d.seconds > 0 for d in done)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"d{i}.pdf" for i in range(4)]


def test_libreoffice_starts_without_its_graphics_self_test(tmp_path: Path) -> None:
    """The fresh profile records this LibreOffice version as started before, so its graphics self-test
    (two thirds of a process's start-up, whose only result is a log in the profile) does not run."""
    import subprocess

    from lxml import etree

    doc = make_docx(tmp_path / "a.docx", sample("anlage"), 1)
    done: list[Converted] = []
    with Converter(tmp_path / "out", jobs=1, timeout=300) as converter:
        converter.submit(doc)
        converter.wait(done.append)  # not closed: the process stays, with its profile
        (proc,) = converter.processes
        assert proc.ready and proc.ended is None
        user = proc.profile / "user"
        assert not (user / "GraphicsRenderTests.log").exists()
        items = etree.parse(str(user / "registrymodifications.xcu")).getroot()
        oor = "{http://openoffice.org/2001/registry}"
        seen = [item.findtext("prop/value") for item in items
                if item.get(f"{oor}path") == "/org.openoffice.Setup/Product"
                and item.find("prop").get(f"{oor}name") == "ooSetupLastVersion"]
    version = subprocess.run(["soffice", "--version"], capture_output=True, text=True, check=True).stdout
    assert seen == [re.search(r"(\d+\.\d+)\.\d", version)[1]]
    assert [d.reason for d in done] == [None] and pdf_info(done[0].pdf).pdfa_part == 2


def test_a_profile_prepared_for_a_call_of_ones_own(tmp_path: Path) -> None:
    """prepare_profile: LibreOffice makes the profile; a plain ``soffice --convert-to`` with it converts and
    runs no graphics self-test (the benchmark's floor and the tests that call soffice use it)."""
    import subprocess

    from pipeline.convert import prepare_profile

    doc = make_docx(tmp_path / "a.docx", sample("anlage"), 1)
    profile = tmp_path / "profil"
    prepare_profile(profile)
    assert "ooSetupLastVersion" in (profile / "user" / "registrymodifications.xcu").read_text(encoding="utf-8")
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "pdf"), str(doc)], capture_output=True, timeout=300, check=True)
    assert pdf_info(tmp_path / "pdf" / "a.pdf").pages >= 1
    assert not (profile / "user" / "GraphicsRenderTests.log").exists()


def test_an_unreadable_profile_is_left_as_it_is(tmp_path: Path) -> None:
    from pipeline.convert import _skip_self_test

    _skip_self_test(tmp_path, "7.4")  # no user folder: nothing written, no error
    assert list(tmp_path.iterdir()) == []
    xcu = tmp_path / "user" / "registrymodifications.xcu"
    xcu.parent.mkdir()
    xcu.write_text("<oor:items", encoding="utf-8")
    _skip_self_test(tmp_path, "7.4")
    assert xcu.read_text(encoding="utf-8") == "<oor:items"


@pytest.mark.slow  # LibreOffice processes of its own
def test_two_runs_at_the_same_time(tmp_path: Path) -> None:
    docs = [
        make_docx(tmp_path / f"Gleichzeitig Größe {i}.docx", SampleDoc(f"g{i}", f"Dokument {i}", "Kreis", "Test",
                                                                 ((1, "Überschrift"),), False, "Fuß"), 1)
        for i in range(2)
    ]
    results: dict[int, object] = {}

    def run(i: int) -> None:
        try:
            results[i] = convert_all([docs[i]], tmp_path / f"out{i}", jobs=1)
        except Exception as exc:  # noqa: BLE001 - reported below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()  # convert_all ends by itself (its own limits)
    for i in range(2):
        # file names with spaces and umlauts survive the trip through LibreOffice's URLs
        pdf = tmp_path / f"out{i}" / f"Gleichzeitig Größe {i}.pdf"
        assert results[i] == {docs[i]: pdf}, results[i]
        assert pdf_info(pdf).pdfa_part == 2


def test_missing_libreoffice_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = make_docx(tmp_path / "a.docx", sample("anlage"), 1)
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(ConversionError) as info:
        convert_all([doc], tmp_path / "out")
    assert "apt-get install libreoffice-writer-nogui" in info.value.message


def test_missing_and_duplicate_inputs(tmp_path: Path) -> None:
    with pytest.raises(BatchConversionError) as info:
        convert_all([tmp_path / "fehlt.docx"], tmp_path / "out")
    assert "fehlt.docx" in info.value.message and "existiert nicht" in info.value.message
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = make_docx(tmp_path / "a" / "brief.docx", sample("anlage"), 1)
    second = make_docx(tmp_path / "b" / "brief.docx", sample("anlage"), 1)
    with pytest.raises(ConversionError, match="dieselbe PDF-Datei"):
        convert_all([first, second], tmp_path / "out")
    assert convert_all([], tmp_path / "out") == {}


def test_docx_enable_update_fields(tmp_path: Path) -> None:
    doc = make_docx(tmp_path / "f.docx", sample("anlage"), 1)
    docx_enable_update_fields(doc)
    docx_enable_update_fields(doc)  # idempotent
    with zipfile.ZipFile(doc) as archive:
        settings = archive.read("word/settings.xml").decode()
        assert settings.count("<w:updateFields") == 1
        assert '<w:updateFields w:val="true"/>' in settings
        assert archive.testzip() is None
    # the document is still a valid .docx for python-docx
    from docx import Document

    assert Document(str(doc)).core_properties.title == sample("anlage").title


def test_pdf_info_of_a_plain_pdf(tmp_path: Path) -> None:
    facts = pdf_info(plain_pdf(tmp_path / "plain.pdf", pages=3))
    assert facts.pages == 3
    assert facts.pdfa_part is None and facts.pdfa_conformance is None
    assert not facts.tagged and not facts.has_output_intent
    assert not facts.fonts_all_embedded and facts.fonts_not_embedded == ("Helvetica",)
    with pytest.raises(ConversionError, match="nicht lesbar"):
        (tmp_path / "kaputt.pdf").write_bytes(b"%PDF-1.4\nkaputt")
        pdf_info(tmp_path / "kaputt.pdf")


def test_read_pdfa_id_forms_and_entities() -> None:
    attribute_form = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" '
        b'pdfaid:part="3" pdfaid:conformance="A"/></rdf:RDF></x:xmpmeta>'
    )
    assert read_pdfa_id(attribute_form) == (3, "A")
    entities = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><x>&b;</x>'
    assert read_pdfa_id(entities) == (None, None)
    assert read_pdfa_id(None) == (None, None)
    assert read_pdfa_id(b"kein xml") == (None, None)


def _convert_one_then_wait(doc: Path, out: Path, conn) -> None:
    """In a forked process: convert `doc`, report the LibreOffice process, then wait (the Converter stays open:
    no END job will come) until killed."""
    with Converter(out, jobs=1, timeout=300) as converter:
        converter.submit(doc)
        converter.wait(lambda converted: None)
        (proc,) = converter.processes
        conn.send((proc.process.pid, str(proc.profile)))
        conn.recv()  # never answered: this process is killed


@pytest.mark.slow  # LibreOffice processes of its own
def test_libreoffice_ends_when_the_process_that_started_it_is_killed(tmp_path: Path) -> None:
    """A LibreOffice process waiting for the next document ends once its Python side is gone (a run killed
    with SIGKILL sends no END), within seconds instead of after its idle limit of 15 minutes."""
    import multiprocessing
    import os
    import select
    import shutil
    import signal

    doc = make_docx(tmp_path / "a.docx", sample("anlage"), 1)
    ours, theirs = multiprocessing.Pipe()
    owner = multiprocessing.get_context("fork").Process(target=_convert_one_then_wait,
                                                         args=(doc, tmp_path / "out", theirs))
    owner.start()
    try:
        assert ours.poll(300), "no document converted"
        pid, profile = ours.recv()
        libreoffice = os.pidfd_open(pid)  # readable once the process ended
    finally:
        os.kill(owner.pid, signal.SIGKILL)
        owner.join()
    try:
        assert select.select([libreoffice], [], [], 120)[0], "LibreOffice still waits for its killed owner"
    finally:
        os.close(libreoffice)
        shutil.rmtree(profile, ignore_errors=True)
    assert (tmp_path / "out" / "a.pdf").is_file()
