"""Safe, stable file names for generated documents.

File names are derived from project IDs typed by staff. They must be plain
ASCII (the PDF stage, e-mail gateways and Windows shares all choke on other
characters), must not contain path separators, and two different IDs must
never produce the same name, not even on a case-insensitive file system.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

_TRANSLIT = {
    "ä": "ae",
    "ö": "oe",
    "ü": "ue",
    "Ä": "Ae",
    "Ö": "Oe",
    "Ü": "Ue",
    "ß": "ss",
    "ẞ": "SS",
    "æ": "ae",
    "Æ": "Ae",
    "ø": "o",
    "Ø": "O",
    "œ": "oe",
    "Œ": "Oe",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "þ": "th",
    "Þ": "Th",
}
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9]+")
MAX_SLUG = 60

# File name parts of the document kinds (directory and prefix).
KIND_PREFIX = {
    "projektauftrag": "projektauftrag",
    "zwischenbericht": "zwischenbericht",
    "schlussbericht": "schlussbericht",
    "jahresbericht": "ikz-zwischenbericht",
}


def slug(text: str, *, fallback: str = "dokument") -> str:
    """ASCII slug of `text`: umlauts transliterated (ä → ae), everything else
    that is not a letter or digit becomes a single hyphen.

    >>> slug("Lärm/Öl & Gas")
    'Laerm-Oel-Gas'
    """
    text = _transliterate(str(text))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = _NOT_ALLOWED.sub("-", text).strip("-")
    if len(text) > MAX_SLUG:
        text = text[:MAX_SLUG].rstrip("-")
    return text or fallback


def _transliterate(text: str) -> str:
    """ä → ae, Ä → Ae, but Ä → AE inside an all-caps word (ÄRGER → AERGER)."""
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


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def stem_slug(project_id: str) -> str:
    """The file-name part of one project ID, independent of all other IDs.

    An ID that is already a clean slug (the workbook's IDs normally are:
    letters, digits, hyphens) is kept as it is, e.g. ``FEUERWEHR``. Any other
    ID gets a short hash of the original appended, so two different IDs never
    end up with the same name (``A/B`` → ``A-B-1f3c…``, ``A-B`` → ``A-B``).
    """
    s = slug(project_id, fallback="projekt")
    if s != project_id:
        s = f"{s}-{_short_hash(project_id)}"
    return s


def unique_slugs(ids: Iterable[str]) -> dict[str, str]:
    """Map each ID to its `stem_slug`, unique among all `ids` even on
    case-insensitive file systems: IDs that differ only in case
    (``Feuerwehr``/``FEUERWEHR``) all get the hash suffix. The result does
    not depend on the order of the IDs."""
    ids = list(dict.fromkeys(ids))
    base = {i: stem_slug(i) for i in ids}
    counts: dict[str, int] = {}
    for s in base.values():
        counts[s.lower()] = counts.get(s.lower(), 0) + 1
    result: dict[str, str] = {}
    for i in ids:
        s = base[i]
        if counts[s.lower()] > 1 and not s.endswith(_short_hash(i)):
            s = f"{s}-{_short_hash(i)}"
        result[i] = s
    return result


def document_stem(kind: str, project_id: str | None = None, ids: Iterable[str] | None = None,
                  year: int | None = None) -> str:
    """File name without extension: ``projektauftrag-FEUERWEHR``,
    ``ikz-zwischenbericht-2025``. Pass all project IDs as `ids` to also
    separate IDs that differ only in case."""
    prefix = KIND_PREFIX[kind]
    if project_id is not None:
        part = unique_slugs(ids)[project_id] if ids is not None else stem_slug(project_id)
        return f"{prefix}-{part}"
    if year is not None:
        return f"{prefix}-{year}"
    return prefix


def annual_stem(data) -> str:
    """File name (without extension) of the annual report of `data` (IKZData)."""
    return document_stem("jahresbericht", year=data.bericht.jahr)


def document_filename(kind: str, project_slug: str | None = None, year: int | None = None) -> str:
    """File name (without directory) of one generated document.

    >>> document_filename("projektauftrag", "FEUERWEHR")
    'projektauftrag-FEUERWEHR.docx'
    >>> document_filename("jahresbericht", year=2025)
    'ikz-zwischenbericht-2025.docx'
    """
    prefix = KIND_PREFIX[kind]
    if project_slug is not None:
        return f"{prefix}-{project_slug}.docx"
    if year is not None:
        return f"{prefix}-{year}.docx"
    return f"{prefix}.docx"
