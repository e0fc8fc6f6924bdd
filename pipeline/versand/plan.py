"""What each Kommune receives: its Mappe and the Projektaufträge it is asked to sign.

The plan is made from the workbook and the manifest of the last ``report``;
it reads the sizes of the delivered files but writes nothing. A Kommune is
asked to sign the Projektauftrag of a project when all of these hold:

* the delivered PDF has an empty signature field for it (the manifest lists
  the field, labelled with the Kommune's signature line);
* its »Unterzeichnet am« in the sheet »Beteiligung« is empty;
* the project is »geplant« or »laufend«: a finished, suspended or outsourced
  project needs no new signature;
* the project's Arbeitsabschnitt I (»Erteilung des Projektauftrags«) has no
  »Erledigt am«: once the order is given, it has been signed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from pathlib import Path

from ..content.kommunen import signature_line
from ..errors import Location, PipelineError
from ..german import datum_zeit
from ..kinds import BUNDLE_KINDS, DOCUMENT_KINDS
from ..model import IKZData, Kommune
from ..naming import slug
from ..store import MANIFEST, VERSAND, Manifest

__all__ = [
    "DEFAULT_MAX_MB",
    "Enclosure",
    "Mailing",
    "ReportMissing",
    "SignatureRequest",
    "VersandPlan",
    "mail_address",
    "make_plan",
    "report_of",
]

DEFAULT_MAX_MB = 10.0
"""Files larger than this many megabytes (MiB) are not attached to the e-mail draft."""

MB = 1024 * 1024

FOLDER = VERSAND
"""The folder in the run folder that ``versand`` writes (and replaces as a whole)."""


class ReportMissing(PipelineError):
    """There are no outputs of ``report`` for the workbook as it is now: run ``report`` first."""


@dataclass(frozen=True)
class Enclosure:
    """One file a Kommune receives: copied into its folder, attached to its draft if small enough."""

    source: Path
    """The delivered file in the run folder."""
    name: str
    """File name in the Kommune's folder (the same as in the run folder)."""
    art: str
    """What it is, in German, for the Versandliste: »Mappe für das Gremium«, »Projektauftrag (PDF)«, …"""
    size: int
    """Size in bytes."""
    too_big: bool
    """Larger than the limit: not attached to the draft, which names where it lies instead."""


@dataclass(frozen=True)
class SignatureRequest:
    """A document (a Projektauftrag, or of another signed kind) the Kommune's Dienststellenleitung is asked
    to sign."""

    kind: str
    """Its document kind (`kinds.document_kind`)."""
    project: str
    """Projekt-ID."""
    title: str
    """The project's title."""
    field: str
    """Label of the Kommune's empty signature field (its signature line, »Unterschrift Stadt …«)."""
    pdf: Enclosure
    """The signed PDF with the empty field."""
    docx: Enclosure
    """The Word file of the same document."""


@dataclass(frozen=True)
class Mailing:
    """Everything one Kommune receives."""

    kommune: Kommune
    """The recipient."""
    folder: str
    """Name of its folder in ``versand/`` (ASCII, unique)."""
    address: str | None
    """Address of the draft (domain in ASCII), or None: no draft."""
    note: str
    """Why there is no draft (German), or ""."""
    mappe: Enclosure
    """Its Mappe for the council."""
    signatures: tuple[SignatureRequest, ...]
    """The Projektaufträge it is asked to sign, in workbook order."""

    @property
    def enclosures(self) -> tuple[Enclosure, ...]:
        """All its files: the Mappe, then PDF and Word file of each Projektauftrag."""
        return (self.mappe,) + tuple(f for s in self.signatures for f in (s.pdf, s.docx))

    @property
    def draft(self) -> str | None:
        """File name of its e-mail draft, or None without address."""
        return f"e-mail-{self.folder}.eml" if self.address else None


@dataclass(frozen=True)
class VersandPlan:
    """What the Versand of one run folder consists of."""

    run_folder: Path
    """The outputs of the report, e.g. ``outputs/ikz-2025``."""
    max_bytes: int
    """Files larger than this are not attached."""
    mailings: tuple[Mailing, ...]
    """One per Kommune, in workbook order."""

    @property
    def target(self) -> Path:
        """The folder the Versand is written to."""
        return self.run_folder / FOLDER


def report_of(data: IKZData, run_folder: Path) -> Manifest:
    """The manifest of the report in `run_folder`; ReportMissing when there is none, when it was
    made from another state of the workbook, or when a file it lists is gone."""
    run_folder = Path(run_folder)
    manifest = Manifest.load(run_folder / MANIFEST)
    name = Path(data.source).name
    if manifest is None:
        raise ReportMissing(f"Für »{name}« gibt es noch keine erzeugten Dokumente ({run_folder / MANIFEST} fehlt). "
                            "Bitte zuerst »make report« ausführen.")
    if manifest.workbook_sha256 != data.sha256:
        made = datum_zeit(dt.datetime.fromisoformat(manifest.created))
        raise ReportMissing(f"»{name}« wurde nach dem letzten »make report« ({made}) geändert; die Dokumente in "
                            f"{run_folder}/ passen nicht mehr dazu. "
                            "Bitte zuerst »make report« ausführen.")
    for entry in manifest.entries:
        for rel in (entry.path, entry.docx):
            if rel and not (run_folder / rel).is_file():
                raise ReportMissing(f"Die Datei {run_folder / rel} fehlt. Bitte »make report« erneut ausführen.")
    return manifest


def mail_address(text: str | None) -> str | None:
    """`text` as an address an e-mail program accepts: the domain in its ASCII form
    (``büttelborn.example`` → ``xn--bttelborn-q9a.example``); None when there is none or the part
    before the @ is not plain ASCII."""
    if not text or "@" not in text:
        return None
    local, _, domain = text.strip().rpartition("@")
    if not local.isascii():
        return None
    try:
        address = Address(addr_spec=f"{local}@{domain.encode('idna').decode('ascii')}")
    except (UnicodeError, ValueError, HeaderParseError):
        return None
    return address.addr_spec


def make_plan(data: IKZData, run_folder: Path, manifest: Manifest, max_mb: float = DEFAULT_MAX_MB) -> VersandPlan:
    """Who gets what, from the workbook and the manifest of its last report."""
    run_folder = Path(run_folder)
    max_bytes = int(max_mb * MB)

    def enclosure(rel: str, art: str) -> Enclosure:
        source = run_folder / rel
        size = source.stat().st_size
        return Enclosure(source=source, name=source.name, art=art, size=size, too_big=size > max_bytes)

    council = next(k for k in BUNDLE_KINDS if k.per_kommune)
    mappen = {e.kommune: e for e in manifest.entries if e.kind == council.name}
    signed_kinds = {k.name: k for k in DOCUMENT_KINDS if k.signing is not None}
    rules = {name: k.signing for name, k in signed_kinds.items() if k.signing is not None}
    orders = [e for e in manifest.entries if e.kind in signed_kinds and e.project is not None]

    mailings: list[Mailing] = []
    taken: set[str] = set()
    for kommune in data.kommunen:
        mappe = mappen.get(kommune.key)
        if mappe is None:
            raise ReportMissing(f"Im letzten »make report« fehlt die Mappe für {kommune.key}. "
                                "Bitte »make report« erneut ausführen.", Location(run_folder / MANIFEST))
        requests = []
        line = signature_line(kommune)
        for entry in orders:
            if entry.project is None:
                continue
            project = data.projekt(entry.project)
            if line in entry.signature_fields and entry.docx and rules[entry.kind].open_for(project, kommune.key):
                label = signed_kinds[entry.kind].label
                requests.append(SignatureRequest(
                    kind=entry.kind, project=project.id, title=project.titel, field=line,
                    pdf=enclosure(entry.path, f"{label} zur Unterschrift (PDF)"),
                    docx=enclosure(entry.docx, f"{label} (Word, zum Nachlesen)")))
        folder = base = slug(kommune.key, fallback="kommune")
        n = 2
        while folder.casefold() in taken:
            folder, n = f"{base}-{n}", n + 1
        taken.add(folder.casefold())
        address = mail_address(kommune.email)
        note = ("" if address else
                "keine E-Mail-Adresse (Blatt »Kommunen«, Spalte »E-Mail«)" if not kommune.email else
                f"Adresse »{kommune.email}« nicht verwendbar (Umlaute vor dem @)")
        mailings.append(Mailing(kommune=kommune, folder=folder, address=address, note=note,
                                mappe=enclosure(mappe.path, council.label), signatures=tuple(requests)))
    return VersandPlan(run_folder=run_folder, max_bytes=max_bytes, mailings=tuple(mailings))
