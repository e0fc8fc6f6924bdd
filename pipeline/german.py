"""German text helpers used everywhere: dates, month names, a)–z) enumerations, transliteration.

Each helper exists once; documents, bundles, signatures and file names all
take their German forms from here.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
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
    import pyphen

    dic = pyphen.Pyphen(lang="de_DE", left=2, right=3)

    def word(m: re.Match) -> str:
        w = m.group(0)
        if len(w) < min_word or SOFT_HYPHEN in w:
            return w
        return dic.inserted(w, hyphen=SOFT_HYPHEN)

    return re.sub(r"[^\W\d_]+(?:\u00ad[^\W\d_]+)*", word, text)


def ascii_fold(text: str) -> str:
    """`text` in plain ASCII: transliterated, accents dropped (é → e), anything else removed."""
    text = unicodedata.normalize("NFKD", transliterate(text))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).encode("ascii", "ignore").decode("ascii")


def identifier(text: str) -> str:
    """A lower-case identifier of a German name: ``Örtliche Initiativen`` → ``oertliche_initiativen``."""
    return re.sub(r"[^a-z0-9]+", "_", ascii_fold(text).lower()).strip("_")
