"""pipeline.german: dates, month names, file sizes, enumerations and transliteration as staff write them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.german import (
    SOFT_HYPHEN,
    ascii_fold,
    buchstaben,
    dateigroesse,
    datum,
    datum_lang,
    datum_zeit,
    hyphenate,
    identifier,
    monat_jahr,
    transliterate,
)

D = dt.date


def test_dates_without_leading_zeros():
    assert datum(D(2026, 12, 3)) == "3.12.2026"
    assert datum(D(2028, 2, 29)) == "29.2.2028"
    assert datum(D(2027, 9, 9)) == "9.9.2027"
    assert datum(None) == ""
    assert datum_lang(D(2025, 10, 31)) == "31. Oktober 2025"
    assert datum_lang(D(2027, 3, 1)) == "1. März 2027"
    assert monat_jahr(D(2027, 12, 31)) == "Dezember 2027"
    assert monat_jahr(None) == datum_lang(None) == ""


def test_date_and_time_in_german_local_time():
    utc = dt.timezone.utc
    assert datum_zeit(dt.datetime(2027, 12, 31, 23, 30, tzinfo=utc)) == "1.1.2028 00:30 Uhr"  # winter: UTC+1
    assert datum_zeit(dt.datetime(2027, 9, 9, 7, 5, tzinfo=utc)) == "9.9.2027 09:05 Uhr"  # summer: UTC+2
    assert datum_zeit(dt.datetime(2028, 2, 29, 8, 0)) == "29.2.2028 09:00 Uhr"  # naive means UTC


def test_file_sizes():
    assert dateigroesse(0) == "1 KB"
    assert dateigroesse(85 * 1024) == "85 KB"
    assert dateigroesse(int(1.25 * 1024 * 1024)) == "1,2 MB"
    assert dateigroesse(10 * 1024 * 1024) == "10 MB"


def test_enumeration_letters():
    assert [buchstaben(n) for n in (1, 2, 26, 27, 28, 52, 53)] == ["a", "b", "z", "aa", "ab", "az", "ba"]


def test_transliteration_and_ascii():
    assert transliterate("Größe Ärger ÄRGER Öl") == "Groesse Aerger AERGER Oel"
    assert transliterate("Łódź") == "Lódź"
    assert ascii_fold("Łódź Café Straße") == "Lodz Cafe Strasse"
    assert identifier("Örtliche Initiativen") == "oertliche_initiativen"
    assert identifier("  Fördermittel (Land) ") == "foerdermittel_land"


def test_hyphenation_at_syllables_only_where_none_was_typed():
    assert hyphenate("Instandhaltung") == SOFT_HYPHEN.join(["In", "stand", "hal", "tung"])
    assert hyphenate("Archiv") == "Archiv"  # short words stay whole
    assert hyphenate(f"Vergabe{SOFT_HYPHEN}stelle") == f"Vergabe{SOFT_HYPHEN}stelle"
    assert hyphenate("Feuerwehrbedarf 2025").replace(SOFT_HYPHEN, "") == "Feuerwehrbedarf 2025"


def test_hyphenation_patterns_read_lazily_are_pyphens_own():
    """The patterns parsed as words need them are exactly those pyphen parses when it loads the dictionary."""
    import pyphen

    from pipeline.german import _LazyPatterns

    path = Path(pyphen.LANGUAGES["de_DE"])
    eager = pyphen.HyphDict(path).patterns
    lazy = _LazyPatterns(path)
    assert len(eager) > 60_000
    assert set(lazy._lines) == set(eager)
    assert {letters: lazy.get(letters) for letters in eager} == eager
    assert lazy.get("xqxq") is None and lazy.maxlen == max(map(len, eager))
    words = ["Hitzeaktionsplanung", "Dienststellenleitung", "Informationssicherheit", "Gebäudereinigung",
             "Fördermittelbescheid", "Projektgruppensitzung", "Kreisverwaltung", "Beschaffungsstelle"]
    kept = pyphen.hdcache.get(path)
    try:
        reference = pyphen.Pyphen(filename=path, left=2, right=3, cache=False)  # puts the eager one into hdcache
    finally:
        if kept is not None:
            pyphen.hdcache[path] = kept
    assert [hyphenate(w) for w in words] == [reference.inserted(w, hyphen=SOFT_HYPHEN) for w in words]
