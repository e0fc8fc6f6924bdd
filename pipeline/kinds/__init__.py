"""The registry of document kinds and bundle kinds: everything about each kind in one place.

A *document kind* (Projektauftrag, Zwischen- and Schlussbericht of the
Projektgruppe, Jahresbericht) is one module of this package: a `KIND`
(`DocumentKind`: names, file prefix, which documents a workbook yields, the
context builder, for a signed kind its `SigningRule`) beside its context
builder, and a Word template ``templates/<name>.docx``. The registry finds
every module with a `KIND`; a new kind is its template plus its module,
nothing else. The *bundle kinds* (a Mappe for each council, the Gesamtmappe)
are in `mappen`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence

from .. import schema
from ..model import IKZData
from .base import BundleKind, DocumentKind, DocumentRef, SigningRule
from .mappen import BUNDLE_KINDS, bundle_subject

__all__ = [
    "BUNDLE_KINDS",
    "DOCUMENT_KINDS",
    "BundleKind",
    "DocumentKind",
    "DocumentRef",
    "SigningRule",
    "bundle_kind",
    "bundle_order",
    "bundle_subject",
    "document_kind",
    "documents_for",
    "signature_columns",
]


def _discover() -> tuple[DocumentKind, ...]:
    """Every module of this package with a `KIND`, in the order of their `position`."""
    kinds = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        kind = getattr(module, "KIND", None)
        if isinstance(kind, DocumentKind):
            kinds.append(kind)
    names = [k.name for k in kinds]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RuntimeError(f"document kinds registered twice: {duplicates}")
    return tuple(sorted(kinds, key=lambda k: (k.position, k.name)))


DOCUMENT_KINDS: tuple[DocumentKind, ...] = _discover()


def document_kind(name: str) -> DocumentKind:
    """The registered document kind `name`; ValueError for an unknown name."""
    for kind in DOCUMENT_KINDS:
        if kind.name == name:
            return kind
    raise ValueError(f"unknown document kind {name!r}")


def bundle_kind(name: str) -> BundleKind:
    """The registered bundle kind `name`; ValueError for an unknown name."""
    for kind in BUNDLE_KINDS:
        if kind.name == name:
            return kind
    raise ValueError(f"unknown bundle kind {name!r}")


def signature_columns():
    """The columns of the sheet »Beteiligung« in which the signed kinds record signatures, in registry order."""
    columns = [k.signing.column for k in DOCUMENT_KINDS if k.signing is not None]
    return tuple(dict.fromkeys(columns))


schema.add_signature_columns(signature_columns())  # the workbook gets a column for each signed kind


def documents_for(data: IKZData) -> list[DocumentRef]:
    """Every document the workbook yields, in a stable order: project by project (workbook order,
    each project's documents in registry order), then the documents about the whole process."""
    refs = [DocumentRef(kind.name, p.id if p is not None else None) for kind in DOCUMENT_KINDS for p in kind.select(data)]
    order = {p.id: i for i, p in enumerate(data.projekte)}
    return sorted(refs, key=lambda r: order[r.project] if r.project is not None else len(order))


def bundle_order(refs: Sequence[DocumentRef]) -> list[DocumentRef]:
    """The order of documents in a bundle: the documents about the whole process first."""
    return sorted(refs, key=lambda r: r.project is not None)
