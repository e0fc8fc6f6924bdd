"""pipeline.markup: the cell text convention (paragraphs, »- « bullets, **bold**)."""

from __future__ import annotations

from pipeline.markup import Block, Run, parse, parse_runs


def test_lines_become_paragraphs_and_empty_lines_vanish():
    text = parse("Erster Absatz.\r\n\r\n  Zweiter Absatz.  \rDritter")
    assert [b.text for b in text.blocks] == ["Erster Absatz.", "Zweiter Absatz.", "Dritter"]
    assert not any(b.bullet for b in text.blocks)
    assert text.plain == "Erster Absatz.\nZweiter Absatz.\nDritter"
    assert text.source == "Erster Absatz.\r\n\r\n  Zweiter Absatz.  \rDritter"


def test_bullets_on_two_levels():
    text = parse("Liste:\n- eins\n  - eins a\n– zwei\n• drei\n-kein Punkt")
    assert [(b.text, b.bullet, b.level) for b in text.blocks] == [
        ("Liste:", False, 0), ("eins", True, 0), ("eins a", True, 1), ("zwei", True, 0), ("drei", True, 0),
        ("-kein Punkt", False, 0)]


def test_bold_runs():
    assert parse_runs("vor **fett** nach **auch**") == (
        Run("vor "), Run("fett", bold=True), Run(" nach "), Run("auch", bold=True))
    assert parse_runs("**nur fett**") == (Run("nur fett", bold=True),)
    assert parse_runs("2 * 3 = 6, **offen") == (Run("2 * 3 = 6, **offen"),)  # no pair: literal
    assert parse("- **Wichtig:** prüfen").blocks == (Block((Run("Wichtig:", bold=True), Run(" prüfen")), bullet=True),)


def test_empty_text_is_false():
    for empty in (None, "", "\n \n", "- "):
        assert not parse(empty), repr(empty)
    assert parse("x")
