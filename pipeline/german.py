"""German text helpers used everywhere: dates, month names, a)–z) enumerations, transliteration.

Each helper exists once; documents, bundles, signatures and file names all
take their German forms from here.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

__all__ = [
    "MONATE",
    "MONATE_KURZ",
    "BERLIN",
    "SOFT_HYPHEN",
    "ascii_fold",
    "hyphenate",
    "identifier",
    "buchstaben",
    "datum",
    "datum_lang",
    "datum_zeit",
    "dateigroesse",
    "monat_jahr",
    "transliterate",
]

MONATE = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)
MONATE_KURZ = ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.", "Nov.", "Dez.")
BERLIN = ZoneInfo("Europe/Berlin")

# Letters that are spelled out in German (ä → ae) or that Unicode
# decomposition does not reduce to ASCII (ł, ø, æ, …).
_TRANSLIT = {
    "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS",
    "æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "Oe", "ł": "l", "Ł": "L",
    "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th",
}


def datum(d: dt.date | None) -> str:
    """``31.10.2025``; day and month without leading zero, as in the reports
    (``1.11.2024``); "" for None."""
    if d is None:
        return ""
    return f"{d.day}.{d.month}.{d.year}"


def monat_jahr(d: dt.date | None) -> str:
    """``Oktober 2025``; "" for None."""
    if d is None:
        return ""
    return f"{MONATE[d.month - 1]} {d.year}"


def datum_lang(d: dt.date | None) -> str:
    """``31. Oktober 2025``; "" for None."""
    if d is None:
        return ""
    return f"{d.day}. {MONATE[d.month - 1]} {d.year}"


def datum_zeit(moment: dt.datetime) -> str:
    """``5.11.2026 14:03 Uhr`` in German local time (a naive value is UTC); the date as `datum` writes it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    local = moment.astimezone(BERLIN)
    return f"{datum(local.date())} {local:%H:%M} Uhr"


_SEPARATORS = str.maketrans({",": ".", ".": ","})


def zahl(value: float | int, stellen: int | None = None) -> str:
    """A number as German text: ``1.234``, ``7,2``, ``0,05`` (dots between thousands, a decimal comma);
    `stellen`: exactly that many decimals (``7,0``), else as few as the value needs (at most six)."""
    if stellen is not None:
        text = f"{value:,.{stellen}f}"
    elif float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return text.translate(_SEPARATORS)


def betrag(value: float | int | None) -> str:
    """``150.000 Euro``; cents only when there are any (``1.234,50 Euro``); "" for None."""
    if value is None:
        return ""
    cents = round(float(value) * 100)
    return f"{zahl(cents / 100, 2 if cents % 100 else 0)} Euro"


def dateigroesse(n: int) -> str:
    """A file size as staff read it: ``85 KB``, ``1,2 MB``, ``10 MB`` (1 KB = 1024 bytes)."""
    if n < 1024 * 1024:
        return f"{max(1, round(n / 1024))} KB"
    text = zahl(n / (1024 * 1024), 1).removesuffix(",0")
    return f"{text} MB"


def buchstaben(n: int) -> str:
    """The n-th letter of an enumeration, 1-based: 1 → ``a``, 26 → ``z``, 27 → ``aa``."""
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(ord("a") + r) + s
    return s


def transliterate(text: str) -> str:
    """ä → ae, ß → ss, ł → l; Ä → AE inside an all-caps word (ÄRGER → AERGER)."""
    out = []
    for i, ch in enumerate(text):
        rep = _TRANSLIT.get(ch)
        if rep is None:
            out.append(ch)
            continue
        if ch.isupper() and len(rep) > 1:
            nxt = text[i + 1] if i + 1 < len(text) else ""
            prev = text[i - 1] if i else ""
            if nxt.isupper() or (not nxt.isalpha() and prev.isupper()):
                rep = rep.upper()
        out.append(rep)
    return "".join(out)


SOFT_HYPHEN = "\u00ad"


def hyphenate(text: str, min_word: int = 8) -> str:
    """Soft hyphens at the syllable breaks of long words, from LibreOffice's German
    hyphenation patterns (pyphen). Only break opportunities: Word and LibreOffice show
    a hyphen only where they break the line. A word that already holds a soft hyphen
    (typed in the workbook) keeps exactly those."""
    dic = _hyphenator()

    def word(m: re.Match) -> str:
        w = m.group(0)
        if len(w) < min_word or SOFT_HYPHEN in w:
            return w
        return dic.inserted(w, hyphen=SOFT_HYPHEN)

    return re.sub(r"[^\W\d_]+(?:\u00ad[^\W\d_]+)*", word, text)


@functools.cache
def _hyphenator():
    """pyphen's German hyphenator, its patterns parsed as words need them (`_LazyPatterns`)."""
    import pyphen

    class LazyHyphDict(pyphen.HyphDict):
        """pyphen's `HyphDict` with lazily parsed patterns. pyphen parses all 66,000 German patterns when it
        loads (0.5 s in every run that hyphenates the participation table); indexing them by their letters
        takes a quarter of that. `positions`, the hyphenation itself, is pyphen's own."""

        def __init__(self, path: Path) -> None:  # replaces pyphen's eager parse, so no super().__init__
            self.patterns = _LazyPatterns(path)
            self.cache: dict[str, list] = {}
            self.maxlen = self.patterns.maxlen

    path = Path(pyphen.LANGUAGES[pyphen.language_fallback("de_DE")])
    if path not in pyphen.hdcache:
        pyphen.hdcache[path] = LazyHyphDict(path)
    return pyphen.Pyphen(filename=path, left=2, right=3)


class _LazyPatterns:
    """The patterns of a hyph_*.dic file by their letters, parsed as pyphen's `HyphDict` parses them, on the
    first `get` of their letters."""

    _DIGITS = str.maketrans("", "", "0123456789")
    _NONZERO = str.maketrans("", "", "123456789")

    def __init__(self, path: Path) -> None:
        import pyphen

        with path.open("rb") as fd:
            encoding = fd.readline().decode().strip()
        if encoding.lower() == "microsoft-cp1251":
            encoding = "cp1251"
        self._lines: dict[str, str] = {}
        for line in path.read_text(encoding).split("\n")[1:]:
            line = line.strip()
            if not line or line.startswith(pyphen.ignored) or line.translate(self._NONZERO) == line:
                continue  # a comment, a setting, or a pattern without a break value (pyphen skips these too)
            if "^^" in line or "/" in line:  # hex characters, nonstandard hyphenation: keyed after parsing
                parsed = self._parse(line)
                if parsed is not None:
                    self._lines[parsed[0]] = line
                continue
            self._lines[line.translate(self._DIGITS)] = line  # a later pattern of the same letters wins, as in pyphen
        self._parsed: dict[str, tuple | None] = {}
        self.maxlen = max(len(key) for key in self._lines)

    def get(self, letters: str, default=None):
        if letters not in self._parsed:
            line = self._lines.get(letters)
            parsed = self._parse(line) if line is not None else None
            self._parsed[letters] = parsed[1] if parsed is not None else None
        found = self._parsed[letters]
        return default if found is None else found

    @staticmethod
    def _parse(pattern: str):
        """(letters, (start, values)) of one pattern line as pyphen's `HyphDict` reads it; None when all its
        values are zero."""
        import pyphen

        pattern = pyphen.parse_hex(lambda match: chr(int(match.group(1), 16)), pattern)
        if "/" in pattern and "=" in pattern:
            pattern, alternative = pattern.split("/", 1)
            factory = pyphen.AlternativeParser(pattern, alternative)
        else:
            factory = int
        tags, values = zip(*[(string, factory(i or "0")) for i, string in pyphen.parse(pattern)])
        if max(values) == 0:
            return None
        start, end = 0, len(values)
        while not values[start]:
            start += 1
        while not values[end - 1]:
            end -= 1
        return "".join(tags), (start, values[start:end])


def ascii_fold(text: str) -> str:
    """`text` in plain ASCII: transliterated, accents dropped (é → e), anything else removed."""
    text = unicodedata.normalize("NFKD", transliterate(text))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).encode("ascii", "ignore").decode("ascii")


def identifier(text: str) -> str:
    """A lower-case identifier of a German name: ``Örtliche Initiativen`` → ``oertliche_initiativen``."""
    return re.sub(r"[^a-z0-9]+", "_", ascii_fold(text).lower()).strip("_")
