"""Safe, stable file names for generated documents.

File names are derived from project IDs typed by staff. They must be plain
ASCII (the PDF stage, e-mail gateways and Windows shares all choke on other
characters), must not contain path separators, and two different IDs must
never produce the same name, not even on a case-insensitive file system.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .digest import sha256_bytes
from .german import ascii_fold

_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9]+")
MAX_SLUG = 60

def slug(text: str, *, fallback: str = "dokument") -> str:
    """ASCII slug of `text`: umlauts transliterated (ä → ae), everything else
    that is not a letter or digit becomes a single hyphen.

    >>> slug("Lärm/Öl & Gas")
    'Laerm-Oel-Gas'
    """
    text = ascii_fold(str(text))
    text = _NOT_ALLOWED.sub("-", text).strip("-")
    if len(text) > MAX_SLUG:
        text = text[:MAX_SLUG].rstrip("-")
    return text or fallback


def _short_hash(text: str) -> str:
    return sha256_bytes(text.encode("utf-8"))[:8]


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
