"""The build plan of a run: every document and bundle, with keys derived from what each consumes.

Keys are never assembled from hand-kept lists of workbook rows. Each one is
the digest of exactly what the next stage is handed:

* ``.docx`` in the cache: the whole context handed to the template
  (canonical serialisation, `digest.canonical`), the template file and the
  code version;
* content key: the same, but only the part of the context the template
  actually read when the document was last rendered (`tracking`). It decides
  whether a delivered document is still current; an edit that reaches the
  context but not the page (the Projektauftrag does not print a follow-up's
  participants) leaves it unchanged;
* ``.pdf`` (unsigned, as LibreOffice made it): the .docx key and the
  converter's identity (LibreOffice build, installed fonts);
* signed PDF: the content key, the converter, the signature fields and every
  signing setting (certificate, timestamp service, reason, location, contact);
* bundle: its members' signed keys, its cover and index inputs, the code
  version and the signing settings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import edition, kinds
from .content.kommunen import signature_line
from .digest import key_of, sha256_file
from .kinds import DocumentRef
from .model import IKZData
from .tracking import Reads, projection

__all__ = ["BundlePlan", "DocumentPlan", "Plan", "SigningSettings", "make_plan", "plan_bundles"]


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
    """Cache key of the .docx: the whole context, template, code."""
    pdf_key: str
    """Cache key of the unsigned PDF: .docx key and converter."""
    signed_key: str
    """Key of the signed PDF in ``pdf/``: content key (what its template read), converter, fields, signing settings."""
    template_sha256: str
    """Digest of the template file."""
    signers: tuple[tuple[str, str], ...]
    """(Kommune, the signature line its empty signature field is placed on)."""
    reason: str
    """Reason given with the office's signature."""
    wording: str = ""
    """Digest of the template's words (`edition.template_wording`), for a kind that is signed."""
    edition: str | None = None
    """The edition digest (what the signers agree to) for a kind that is signed, else None."""
    edition_content: dict | None = None
    """What `edition` covers, kept in the manifest (`edition.EditionRecord`)."""

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
    """All documents of a run, the contexts to render them from, and what their keys include."""

    documents: tuple[DocumentPlan, ...]
    contexts: dict[str, dict]
    """Template context by .docx key."""
    code: str
    """Code version."""
    converter: str
    """Converter identity (LibreOffice build and fonts)."""
    signing: SigningSettings
    """Signing settings."""

    def with_reads(self, doc: DocumentPlan, reads: Reads) -> DocumentPlan:
        """`doc` with its signed key and edition from the context paths its template read (`reads`)."""
        return _keyed(doc, self.contexts[doc.docx_key], reads, self.code, self.converter, self.signing)


def _keyed(doc: DocumentPlan, context: dict, reads: Reads | None, code: str, converter: str,
           signing: SigningSettings) -> DocumentPlan:
    """`doc` with its signed key and edition from what its template read (all of `context` when None)."""
    shown = projection(context, reads)
    content = key_of("content", doc.ref.kind, shown, doc.template_sha256, code)
    rule = kinds.document_kind(doc.ref.kind).signing
    if rule is None:
        return dataclasses.replace(doc, signed_key=_signed_key(doc, content, converter, signing, code))
    agreed = edition.content(shown if isinstance(shown, list) else [[[k], v] for k, v in context.items()],
                             rule.presentation, doc.wording)
    number = edition.digest_of(doc.ref.kind, agreed)
    return dataclasses.replace(doc, edition=number, edition_content=agreed,
                               signed_key=_signed_key(doc, content, converter, signing, code, number))


def _signed_key(doc: DocumentPlan, content: str, converter: str, signing: SigningSettings, code: str,
                number: str | None = None) -> str:
    return key_of("signed", content, converter, doc.signers, doc.reason, signing, code, number)


def make_plan(data: IKZData, templates: Path, code: str, converter: str, signing: SigningSettings,
              reads_for: Callable[[str], Reads | None] = lambda rel: None) -> Plan:
    """Every document the workbook calls for, with its keys. `reads_for(pdf_rel)` gives the context
    paths the document's template read when it was last built (None: unknown, use the whole context)."""
    templates = Path(templates)
    template_sha: dict[str, str] = {}
    wording: dict[str, str] = {}
    documents: list[DocumentPlan] = []
    contexts: dict[str, dict] = {}
    for ref in kinds.documents_for(data):
        kind = kinds.document_kind(ref.kind)
        project = data.projekt(ref.project) if ref.project else None
        template = templates / kind.template
        if kind.name not in template_sha:
            template_sha[kind.name] = sha256_file(template) if template.is_file() else "-"
            wording[kind.name] = (edition.template_wording(template)
                                  if kind.signing is not None and template.is_file() else "-")
        context = kind.build(data, project)
        docx_key = key_of("docx", kind.name, context, template_sha[kind.name], code)
        pdf_key = key_of("pdf", docx_key, converter)
        signers: tuple[tuple[str, str], ...] = ()
        if kind.signing is not None and project is not None:
            # a field for every signer the workbook records no signature for (»Unterzeichnet am« empty)
            signers = tuple((k.key, signature_line(k)) for k in (
                data.kommune(p.kommune) for p in kind.signing.signers(project) if kind.signing.recorded(p) is None))
        title = kind.document_title(data, project)
        doc = DocumentPlan(
            ref=ref, title=title, label=kind.label, stem=kind.stem(data, project), template=template,
            docx_key=docx_key, pdf_key=pdf_key, signed_key="", template_sha256=template_sha[kind.name],
            signers=signers, reason=f"{title} – erstellt von der IKZ-Geschäftsstelle", wording=wording[kind.name])
        documents.append(_keyed(doc, context, reads_for(doc.pdf_rel), code, converter, signing))
        contexts[docx_key] = context
    return Plan(tuple(documents), contexts, code, converter, signing)


def plan_bundles(data: IKZData, documents: Sequence[DocumentPlan], signing: SigningSettings,
                 code: str) -> tuple[BundlePlan, ...]:
    """Every bundle, keyed by its members' final signed keys and its own cover and index."""
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
    return tuple(bundles)
