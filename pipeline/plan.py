"""The build plan of a run: every document and bundle, with keys derived from what each consumes.

Keys are never assembled from hand-kept lists of workbook rows. Each one is
the digest of exactly what the next stage is handed:

* ``.docx``: the context handed to the template (canonical serialisation,
  `digest.canonical`), the template file and the code version;
* ``.pdf`` (unsigned, as LibreOffice made it): the .docx key and the
  converter's identity (LibreOffice build, installed fonts);
* signed PDF: the PDF key, the signature fields and every signing setting
  (certificate, timestamp service, reason, location, contact);
* bundle: its members' signed keys, its cover and index inputs, the code
  version and the signing settings.

If a workbook edit changes what a document shows, it changes that
document's context and therefore its key; an edit that does not reach the
context leaves the key, and the document, as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import kinds
from .digest import key_of, sha256_file
from .kinds import DocumentRef
from .model import IKZData

__all__ = ["BundlePlan", "DocumentPlan", "Plan", "SigningSettings", "make_plan"]


@dataclass(frozen=True)
class SigningSettings:
    """Everything about the office's signature that ends up in a signed file."""

    certificate_sha256: str
    """Digest of the PKCS#12 file (identifies certificate and key)."""
    timestamp_url: str | None
    """Timestamp service (PAdES B-T), or None."""
    location: str
    """»Ort« of the signature: the office (Dienststelle or Herausgeber)."""
    contact: str | None
    """Contact shown with the signature (e-mail of the office)."""
    demo: bool
    """True for the demonstration certificate."""


@dataclass(frozen=True)
class DocumentPlan:
    """One document of the run and the keys of its three stages."""

    ref: DocumentRef
    """Kind and project."""
    title: str
    """Title in bundle indexes, bookmarks and the signature reason."""
    label: str
    """German name of the kind (»Projektauftrag«)."""
    stem: str
    """File name without extension."""
    template: Path
    """The Word template it is rendered from."""
    docx_key: str
    """Key of the .docx: context, template, code."""
    pdf_key: str
    """Key of the unsigned PDF: .docx key and converter."""
    signed_key: str
    """Key of the signed PDF in ``pdf/``: PDF key, fields, signing settings."""
    signers: tuple[tuple[str, str], ...]
    """(Kommune, how its Dienststellenleitung is named) for each empty signature field."""
    reason: str
    """Reason given with the office's signature."""

    @property
    def docx_rel(self) -> str:
        """Path of the Word file in the run folder."""
        return f"word/{self.stem}.docx"

    @property
    def pdf_rel(self) -> str:
        """Path of the signed PDF in the run folder."""
        return f"pdf/{self.stem}.pdf"


@dataclass(frozen=True)
class BundlePlan:
    """One bundle of the run."""

    kind: str
    """Bundle kind (``ratsmappe``, ``gesamtmappe``)."""
    kommune: str | None
    """The Kommune whose council receives it, or None."""
    path: str
    """Path in the run folder."""
    members: tuple[DocumentPlan, ...]
    """Its documents in order."""
    cover: tuple[tuple[str, object], ...]
    """Keyword arguments of the bundle's BundleSpec apart from the documents."""
    key: str
    """Key of the signed bundle."""
    reason: str
    """Reason given with the office's signature."""

    @property
    def title(self) -> str:
        """The bundle's title."""
        return str(dict(self.cover)["title"])


@dataclass(frozen=True)
class Plan:
    """All documents and bundles of a run, and the contexts to render the documents from."""

    documents: tuple[DocumentPlan, ...]
    bundles: tuple[BundlePlan, ...]
    contexts: dict[str, dict]
    """Template context by .docx key."""


def make_plan(data: IKZData, templates: Path, code: str, converter: str, signing: SigningSettings) -> Plan:
    """Every document and bundle the workbook calls for, with their keys."""
    templates = Path(templates)
    template_sha: dict[str, str] = {}
    documents: list[DocumentPlan] = []
    contexts: dict[str, dict] = {}
    for ref in kinds.documents_for(data):
        kind = kinds.document_kind(ref.kind)
        project = data.projekt(ref.project) if ref.project else None
        template = templates / kind.template
        if kind.name not in template_sha:
            template_sha[kind.name] = sha256_file(template) if template.is_file() else "-"
        context = kind.build(data, project)
        docx_key = key_of("docx", kind.name, context, template_sha[kind.name], code)
        pdf_key = key_of("pdf", docx_key, converter)
        signers: tuple[tuple[str, str], ...] = ()
        if kind.signature_fields and project is not None:
            signers = tuple((k.key, k.name) for k in (data.kommune(p.kommune) for p in project.participants))
        title = kind.document_title(data, project)
        reason = f"{title} – erstellt von der IKZ-Geschäftsstelle"
        documents.append(DocumentPlan(
            ref=ref, title=title, label=kind.label, stem=kind.stem(data, project), template=template,
            docx_key=docx_key, pdf_key=pdf_key, signed_key=key_of("signed", pdf_key, signers, reason, signing, code),
            signers=signers, reason=reason))
        contexts[docx_key] = context

    bundles: list[BundlePlan] = []
    subject = kinds.bundle_subject(data)
    for bkind in kinds.BUNDLE_KINDS:
        for kommune in bkind.instances(data):
            included = [d for d in documents if bkind.includes(data, kommune, d.ref)]
            by_ref = {d.ref: d for d in included}
            members = tuple(by_ref[r] for r in kinds.bundle_order([d.ref for d in included]))
            cover = {**bkind.cover(data, kommune, len(members)), "author": data.bericht.herausgeber,
                     "subject": subject, "date": data.bericht.stand}
            reason = f"{cover['title']} – zusammengestellt von der IKZ-Geschäftsstelle"
            index = [(m.title, m.label, m.signed_key) for m in members]
            bundles.append(BundlePlan(
                kind=bkind.name, kommune=kommune.key if kommune else None, path=bkind.path(kommune),
                members=members, cover=tuple(cover.items()), reason=reason,
                key=key_of("bundle", bkind.name, cover, index, reason, signing, code)))
    return Plan(tuple(documents), tuple(bundles), contexts)
