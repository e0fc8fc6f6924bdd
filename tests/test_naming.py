"""pipeline.naming: safe, stable file names from the project IDs staff type."""

from __future__ import annotations

import re

from pipeline.naming import MAX_SLUG, slug, stem_slug, unique_slugs


def test_slug_is_plain_ascii_without_separators():
    assert slug("Lärm/Öl & Gas") == "Laerm-Oel-Gas"
    assert slug("Straße – Groß-Gerau") == "Strasse-Gross-Gerau"
    assert slug("Café à la carte") == "Cafe-a-la-carte"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("  ") == "dokument" and slug("§§", fallback="projekt") == "projekt"
    long = slug("Wort " * 40)
    assert len(long) <= MAX_SLUG and not long.endswith("-")
    for text in ("a/b", "a\\b", "C:\\x", "ÄÖÜ ß", "日本語"):
        assert re.fullmatch(r"[A-Za-z0-9-]+", slug(text)), text


def test_clean_ids_are_kept_other_ids_get_a_hash_of_the_original():
    assert stem_slug("FEUERWEHR") == "FEUERWEHR"
    assert stem_slug("REINIGUNG-PILOT") == "REINIGUNG-PILOT"
    assert re.fullmatch(r"A-B-[0-9a-f]{8}", stem_slug("A/B"))
    assert stem_slug("A/B") != stem_slug("A B") != stem_slug("A-B")
    assert stem_slug("A/B") == stem_slug("A/B")  # stable from run to run


def test_unique_slugs_differ_even_on_a_case_insensitive_file_system():
    ids = ["Feuerwehr", "FEUERWEHR", "HITZE", "A/B", "A-B"]
    names = unique_slugs(ids)
    assert set(names) == set(ids)
    assert len({n.lower() for n in names.values()}) == len(ids)
    assert names["HITZE"] == "HITZE" and names["A-B"] == "A-B"
    assert names == unique_slugs(reversed(ids))  # independent of the order
