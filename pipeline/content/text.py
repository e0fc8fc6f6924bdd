"""Text hygiene and number wording: cell text made safe for Word, RichText, »A, B und C«, »fünf«."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..figures import (
    IndentedText,
)
from ..markup import Block, RichText, Run

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def clean(value: object) -> str:
    """A string safe for WordprocessingML: None → "", control characters
    removed, line ends normalised to "\\n"."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def clean_rich(rt: RichText | None) -> RichText:
    """The same RichText with every run cleaned; empty runs and blocks dropped."""
    if not rt:
        return RichText(())
    blocks = []
    for b in rt.blocks:
        runs = tuple(Run(clean(r.text), r.bold) for r in b.runs if clean(r.text))
        if runs:
            blocks.append(Block(runs, b.bullet, b.level))
    return RichText(tuple(blocks), rt.source)


def indented(rt: RichText) -> IndentedText:
    return IndentedText(rt.blocks, rt.source)


def plain_rich(text: str) -> RichText:
    """A one-paragraph RichText from plain text (no markup interpreted)."""
    text = clean(text).strip()
    return RichText((Block((Run(text),)),), text) if text else RichText(())


_ZAHLWORTE = (
    "null", "eins", "zwei", "drei", "vier", "fünf", "sechs",
    "sieben", "acht", "neun", "zehn", "elf", "zwölf",
)


def aufzaehlung(items: Iterable[str], konjunktion: str = "und") -> str:
    """``Musterdorf, Beispielstadt und Neustadt``."""
    items = [clean(i) for i in items if clean(i)]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {konjunktion} {items[-1]}"


def zahlwort(n: int) -> str:
    """Numbers up to twelve as words (``fünf``), larger ones as digits."""
    if 0 <= n < len(_ZAHLWORTE):
        return _ZAHLWORTE[n]
    return str(n)
