"""pipeline.store: a run folder replaced only as a whole, under a lock, with its manifest."""

from __future__ import annotations

import os

import pytest

from pipeline.edition import EditionRecord
from pipeline.errors import OutputError
from pipeline.store import Manifest, ManifestEntry, OutputStore, check_free_space


def manifest(**changes) -> Manifest:
    values = dict(
        workbook="/daten/ikz-2025.xlsx", workbook_sha256="a" * 64, created="2027-01-01T09:00:00+00:00",
        code_version="c0de", certificate="/daten/ikz.p12", demo_certificate=False,
        entries=(ManifestEntry(kind="projektauftrag", title="Projektauftrag: Reinigung", path="pdf/p.pdf",
                               sha256="b" * 64, key="k", project="REINIGUNG", docx="word/p.docx",
                               signature_fields=("Unterschrift Stadt Raunheim",), reused=True),
                 ManifestEntry(kind="gesamtmappe", title="Gesamtmappe", path="mappen/gesamtmappe.pdf",
                               sha256="c" * 64, key="m", documents=("pdf/p.pdf",))),
        warnings=("Blatt »Presse«: leer",), inputs={"workbook": "a" * 64}, stats={"pdf/p.pdf": [10, 20]},
        editions=(EditionRecord(digest="e" * 64, kind="projektauftrag", project="REINIGUNG",
                                title="Projektauftrag: Reinigung", issued="2027-01-01", content={"x": [1]}),),
    )
    values.update(changes)
    return Manifest(**values)


def test_manifest_reads_back_what_was_written(tmp_path):
    written = manifest()
    (tmp_path / "manifest.json").write_text(written.to_json(), encoding="utf-8")
    again = Manifest.load(tmp_path / "manifest.json")
    # »reused« describes one run, it is not written
    assert again == manifest(entries=tuple(ManifestEntry(**{**e.__dict__, "reused": False}) for e in written.entries))
    assert "reused" not in (tmp_path / "manifest.json").read_text(encoding="utf-8")


def test_an_unreadable_manifest_is_none(tmp_path):
    assert Manifest.load(tmp_path / "fehlt.json") is None
    for text in ("{kaputt", "[]", '{"workbook": "x"}'):
        (tmp_path / "m.json").write_text(text, encoding="utf-8")
        assert Manifest.load(tmp_path / "m.json") is None, text


def test_commit_replaces_the_folder_as_a_whole(tmp_path):
    store = OutputStore(tmp_path, "ikz-2025")
    with store.locked():
        first = store.begin()
        (first / "a.txt").write_text("eins")
        assert store.commit() == tmp_path / "ikz-2025"
    with store.locked():
        staging = store.begin()
        assert store.reuse("a.txt")  # unchanged: taken over from the previous run
        assert not store.reuse("fehlt.txt") and not store.reuse("a.txt", expected_sha="0" * 64)
        (staging / "b.txt").write_text("zwei")
        assert (tmp_path / "ikz-2025" / "a.txt").read_text() == "eins" and not (tmp_path / "ikz-2025" / "b.txt").exists()
        store.commit()
    assert sorted(p.name for p in (tmp_path / "ikz-2025").iterdir()) == ["a.txt", "b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".ikz-2025.lock", "ikz-2025"]


def test_an_aborted_or_interrupted_run_leaves_the_previous_folder(tmp_path):
    store = OutputStore(tmp_path, "ikz-2025")
    with store.locked():
        store.begin()
        (store.staging / "neu.txt").write_text("halb fertig")
        store.abort()
    assert not store.staging.exists() and not store.final.exists()
    # interrupted between the two renames of a commit: the old folder is put back
    store.old.mkdir()
    (store.old / "alt.txt").write_text("bisher")
    store.staging.mkdir()
    with store.locked():
        assert (store.final / "alt.txt").read_text() == "bisher"
        assert not store.old.exists() and not store.staging.exists()


def test_a_second_run_is_refused_while_the_first_holds_the_lock(tmp_path):
    first, second = OutputStore(tmp_path, "ikz-2025"), OutputStore(tmp_path, "ikz-2025")
    with first.locked():
        with pytest.raises(OutputError, match=rf"Ein anderer Lauf erzeugt gerade Dokumente .*\(Prozess {os.getpid()}\)"):
            with second.locked():
                pass
    with second.locked():  # released: the next run goes ahead
        pass
    with first.locked(), OutputStore(tmp_path, "ikz-2026").locked():  # another workbook's folder: no conflict
        pass


def test_free_space_check(tmp_path):
    check_free_space(tmp_path, 1)
    with pytest.raises(OutputError, match="Auf dem Datenträger ist zu wenig Platz frei"):
        check_free_space(tmp_path / "neu", 1 << 62)
