"""What goes into a bundle (Mappe): its documents, cover texts and metadata; what came out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple


@dataclass(frozen=True)
class BundleDocument:
    """One document of a bundle: its title in index and bookmarks, the PDF, its kind."""

    title: str
    pdf: Path
    kind: str  # e.g. "Beschlussvorlage", "Vereinbarung", "Anlage"


@dataclass(frozen=True)
class BundleSpec:
    """What goes into a bundle and onto its cover."""

    title: str
    subtitle: str
    addressee: str | None  # may contain line breaks
    cover_lines: tuple[str, ...]
    documents: tuple[BundleDocument, ...]
    author: str
    subject: str
    keywords: tuple[str, ...]
    lang: str = "de-DE"
    date: dt.date | None = None  # shown on the cover; None → today


class BundleEntry(NamedTuple):
    """Where a document starts in the bundle (1-based page numbers)."""

    title: str
    first_page: int
    page_count: int


@dataclass(frozen=True)
class BundleResult:
    path: Path
    pages: int
    entries: tuple[BundleEntry, ...]
    pdfa_part: int | None = None  # declared PDF/A part (conformance B), None if not PDF/A
    tagged: bool = False
