"""pipeline.cache: intermediates shared by all workbooks, least recently used out first."""

from __future__ import annotations

import os

from pipeline.cache import BuildCache


def entry_times(cache: BuildCache, names_and_seconds: dict[str, int]) -> None:
    for name, seconds in names_and_seconds.items():
        os.utime(cache.root / name, ns=(seconds * 10**9, seconds * 10**9))


def test_entries_are_stored_found_and_moved_in(tmp_path):
    cache = BuildCache(tmp_path / "cache")
    assert cache.get("k1", ".docx") is None
    written = cache.write("k1", ".docx", b"docx bytes")
    assert written == tmp_path / "cache" / "k1.docx" and written.read_bytes() == b"docx bytes"
    source = tmp_path / "converted.pdf"
    source.write_bytes(b"%PDF")
    moved = cache.put("k1", ".pdf", source)
    assert not source.exists() and moved.read_bytes() == b"%PDF"
    again = BuildCache(tmp_path / "cache")  # the next run
    assert again.get("k1", ".pdf") == moved and again.get("k1", ".docx") == written
    assert again.get("k2", ".pdf") is None
    scratch = again.scratch("x")
    assert scratch.parent == again.root and scratch.name.startswith(".tmp-")


def test_the_oldest_unused_entries_go_first_until_the_limit_is_kept(tmp_path):
    cache = BuildCache(tmp_path / "cache", limit=3000)
    for i in range(5):
        cache.write(f"key{i}", ".pdf", b"x" * 1000)
    entry_times(cache, {f"key{i}.pdf": i for i in range(5)})
    run = BuildCache(tmp_path / "cache", limit=3000)
    assert run.get("key0", ".pdf") is not None  # the oldest entry, but this run uses it
    run.finish()
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["key0.pdf", "key3.pdf", "key4.pdf"]
    # what this run used is now the most recent
    assert (tmp_path / "cache" / "key0.pdf").stat().st_mtime_ns > (tmp_path / "cache" / "key4.pdf").stat().st_mtime_ns


def test_under_the_limit_nothing_is_removed(tmp_path):
    cache = BuildCache(tmp_path / "cache", limit=10_000)
    for i in range(3):
        cache.write(f"key{i}", ".docx", b"y" * 1000)
    BuildCache(tmp_path / "cache", limit=10_000).finish()
    assert len(list((tmp_path / "cache").iterdir())) == 3
    BuildCache(tmp_path / "fehlt").finish()  # no cache folder yet: nothing to do
    assert not (tmp_path / "fehlt").exists()
