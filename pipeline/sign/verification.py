"""Verifying every signature field of a PDF: who signed, when, intact, trusted, what came after.

Every later revision is judged with `diff_policy.COSIGNING_DIFF_POLICY`, so a
council that signs its field with Acrobat, Okular/poppler or a PDF library
leaves the earlier signatures valid, while any change to what was signed makes
them invalid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields

from ..errors import Location, SigningError
from ..german import datum_zeit
from ._pdf import read_pdf
from .aio import outside_event_loop
from .diff_policy import COSIGNING_DIFF_POLICY
from .fields import FIELD_PREFIX, field_label
from .signer import load_certificates

ONLY_SIGNATURES_ADDED = "danach nur Unterschriften ergänzt"
ONLY_VALIDATION_DATA_ADDED = "danach nur Zeitstempel oder Prüfdaten ergänzt"


@dataclass(frozen=True)
class Timestamp:
    """An RFC 3161 timestamp on a signature (PAdES B-T) or on the document."""

    authority: str
    """Who issued it: the timestamp service's certificate name."""
    time: dt.datetime
    """The time it attests."""
    intact: bool
    """The token is unaltered and belongs to this signature."""
    trusted: bool
    """The service's certificate chains to a trust anchor."""

    def describe(self) -> str:
        """E.g. »Zeitstempel von D-TRUST TSA am 02.12.2026 10:15 Uhr«."""
        text = f"Zeitstempel von {self.authority} am {datum_zeit(self.time)}"
        if not self.intact:
            return text + " (UNGÜLTIG)"
        return text if self.trusted else text + " (Zeitstempeldienst nicht vertrauenswürdig)"


@dataclass(frozen=True)
class FieldStatus:
    """State of one signature field."""

    name: str
    """The field's name in the PDF, e.g. ``Unterschrift_Gernsheim``."""
    label: str
    """What a person reads: the field's tooltip, e.g. »Unterschrift Stadt Gernsheim«."""
    signed: bool
    """The field holds a signature (valid or not)."""
    signer: str | None = None
    """The signer's name (certificate common name)."""
    organisation: str | None = None
    """The signer's organisation (certificate O), when the certificate names one."""
    signing_time: dt.datetime | None = None
    """From the timestamp when there is one, else the time the signer's software claimed."""
    timestamp: Timestamp | None = None
    """The signature's timestamp, or the document timestamp itself."""
    intact: bool = False
    """The signed bytes are unaltered and only permitted updates follow them."""
    trusted: bool = False
    """Intact, and the certificate chains to a trust anchor (never for a demonstration certificate)."""
    trust_problem: str = ""
    """Why it is not trusted, as one German phrase; empty when trusted or not intact."""
    problem: str = ""
    """Why it is invalid, as one German sentence; empty when intact."""
    demo: bool = False
    """Signed with the local demonstration certificate."""
    document_timestamp: bool = False
    """An RFC 3161 document timestamp, not a person's signature."""
    afterwards: str | None = None
    """What later revisions did: `ONLY_SIGNATURES_ADDED`, a content change with its page, or None if none follow."""
    covered_length: int | None = None
    """Bytes of the file this signature covers (its revision ends there)."""

    @property
    def broken(self) -> bool:
        return self.signed and not self.intact

    @property
    def timestamped(self) -> bool:
        return self.timestamp is not None and self.timestamp.intact

    @property
    def for_person(self) -> bool:
        """A Dienststellenleitung's field, prepared by the office."""
        return self.name.startswith(FIELD_PREFIX)

    @property
    def who(self) -> str:
        """»Erika Muster (Stadt Gernsheim)«."""
        if not self.signer:
            return "unbekannt"
        if self.organisation and self.organisation not in self.signer:
            return f"{self.signer} ({self.organisation})"
        return self.signer

    @property
    def status(self) -> str:
        """One German sentence for this field."""
        if not self.signed:
            return "Noch nicht unterschrieben."
        if not self.intact:
            return f"UNGÜLTIG: {self.problem}"
        at = f" am {datum_zeit(self.signing_time)}" if self.signing_time else ""
        if self.document_timestamp:
            head = f"Dokumentzeitstempel von {self.signer}{at}, unversehrt"
        else:
            head = f"unterschrieben von {self.who}{at}, unversehrt"
            if self.timestamp is not None:
                head += f"; {self.timestamp.describe()}"
        trust = "vertrauenswürdig" if self.trusted else f"nicht vertrauenswürdig: {self.trust_problem}"
        text = f"{head[0].upper()}{head[1:]}; {trust}"
        if self.afterwards:
            text += f"; {self.afterwards}"
        return text + "."


@dataclass(frozen=True)
class VerifyReport:
    """All signature fields of one PDF, in document order."""

    file: Path
    fields: tuple[FieldStatus, ...]
    title: str = ""
    """The document title from the PDF's metadata."""

    @property
    def ok(self) -> bool:
        """False when any signature is broken (empty or untrusted ones do not count)."""
        return not any(f.broken for f in self.fields)

    @property
    def all_trusted(self) -> bool:
        return all(f.trusted for f in self.fields if f.signed)

    @property
    def signatures(self) -> tuple[FieldStatus, ...]:
        """The fields meant for people (document timestamps left out)."""
        return tuple(f for f in self.fields if not f.document_timestamp)

    @property
    def office(self) -> FieldStatus | None:
        """The office's own signature: the first signed field not prepared for a Dienststellenleitung."""
        return next((f for f in self.signatures if not f.for_person and f.signed), None)

    @property
    def persons(self) -> tuple[FieldStatus, ...]:
        """The fields prepared for the Dienststellenleitungen."""
        return tuple(f for f in self.signatures if f.for_person)

    @property
    def signed(self) -> tuple[FieldStatus, ...]:
        return tuple(f for f in self.signatures if f.signed)

    @property
    def missing(self) -> tuple[FieldStatus, ...]:
        return tuple(f for f in self.signatures if not f.signed)

    def summary_line(self) -> str:
        """E.g. "5 von 13 unterschrieben; es fehlen: Musterdorf, Beispielstadt"."""
        total = len(self.signatures)
        if total == 0:
            return "Keine Unterschriftsfelder vorhanden."
        line = f"{len(self.signed)} von {total} unterschrieben"
        if self.missing:
            line += "; es fehlen: " + ", ".join(f.label for f in self.missing)
        broken = [f.label for f in self.fields if f.broken]
        if broken:
            line += "; UNGÜLTIG: " + ", ".join(broken)
        untrusted = [f.label for f in self.fields if f.signed and f.intact and not f.trusted]
        if untrusted:
            line += "; Zertifikat nicht vertrauenswürdig: " + ", ".join(untrusted)
        return line


def verify(pdf: Path, trust_roots: Sequence[Path], demo_roots: Sequence[Path] = ()) -> VerifyReport:
    """Check every signature field of `pdf` against `trust_roots` (offline).

    intact: hash and signature are valid and the signed revision is either the
    whole file or followed only by permitted updates (further signatures,
    validation data; see `diff_policy`). trusted: intact and the certificate
    chains to one of the trust roots (and was valid at signing time).
    Certificates issued by one of `demo_roots` are checked against them but
    never called trusted. Raises SigningError only when the file cannot be read
    as a PDF at all.
    """
    pdf = Path(pdf)
    data = read_pdf(pdf)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        entries = list(enumerate_sig_fields(reader))
    except Exception as exc:
        raise SigningError(
            f"»{pdf.name}« ist keine lesbare PDF-Datei ({type(exc).__name__}).", Location(file=pdf)
        ) from None
    demo = load_certificates(demo_roots)
    roots = load_certificates(trust_roots) + demo
    checker = _Checker(reader, roots, {c.subject.dump() for c in demo})
    fields = tuple(checker.field(name, value, ref) for name, value, ref in entries)
    return VerifyReport(file=pdf, fields=fields, title=_title(data))


def _title(data: bytes) -> str:
    """The document title (read apart: pyHanko's metadata view disturbs later revision views)."""
    try:
        title = PdfFileReader(io.BytesIO(data), strict=False).document_meta_view.title
    except Exception:
        return ""
    return str(title or "")


class _Checker:
    """Validates the fields of one open PDF."""

    def __init__(self, reader: PdfFileReader, roots, demo_subjects: set[bytes]):
        from pyhanko.sign.validation import KeyUsageConstraints

        self.reader = reader
        self.roots = list(roots)
        self.demo_subjects = demo_subjects
        self.usage = KeyUsageConstraints(
            key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
        )

    def context(self):
        from pyhanko_certvalidator import ValidationContext

        return ValidationContext(trust_roots=self.roots, allow_fetching=False, revocation_mode="soft-fail")

    def field(self, name: str, value, ref) -> FieldStatus:
        from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

        field_obj = ref.get_object()
        label = field_label(field_obj, name)
        if value is None:
            return FieldStatus(name=name, label=label, signed=False)
        try:
            embedded = EmbeddedPdfSignature(self.reader, field_obj, name)
            cert = embedded.signer_cert
        except Exception as exc:
            return FieldStatus(
                name=name, label=label, signed=True,
                problem=f"Die Signatur ist beschädigt und nicht lesbar ({type(exc).__name__}).",
            )
        byte_range = list(embedded.byte_range)
        base = dict(
            name=name, label=label, signed=True, signer=_common_name(cert), organisation=_organisation(cert),
            demo=cert.issuer.dump() in self.demo_subjects, covered_length=byte_range[2] + byte_range[3],
        )
        if embedded.sig_object_type == "/DocTimeStamp":
            return self._document_timestamp(embedded, base)
        from pyhanko.sign.validation import validate_pdf_signature

        try:
            status = outside_event_loop(lambda: validate_pdf_signature(
                embedded, signer_validation_context=self.context(), key_usage_settings=self.usage,
                diff_policy=COSIGNING_DIFF_POLICY,
            ))
        except Exception as exc:
            return FieldStatus(
                **base, signing_time=embedded.self_reported_timestamp,
                problem=f"Die Signatur von {base['signer']} kann nicht geprüft werden ({type(exc).__name__}).",
            )
        timestamp = _timestamp(status.timestamp_validity)
        when = timestamp.time if timestamp and timestamp.intact else status.signer_reported_dt
        afterwards = self._afterwards(embedded, status)
        problem = ""
        if not status.intact:
            problem = f"Das Dokument wurde nach der Unterschrift von {base['signer']} verändert."
        elif not status.valid:
            problem = f"Die Signatur von {base['signer']} ist beschädigt."
        elif afterwards not in (None, ONLY_SIGNATURES_ADDED, ONLY_VALIDATION_DATA_ADDED):
            problem = f"Nach der Unterschrift von {base['signer']} wurde das Dokument unzulässig geändert ({afterwards})."
        elif timestamp is not None and not timestamp.intact:
            problem = f"Der Zeitstempel der Unterschrift von {base['signer']} ist beschädigt."
        intact = not problem
        trusted = intact and bool(status.trusted) and not base["demo"]
        return FieldStatus(
            **base, signing_time=when, timestamp=timestamp, intact=intact, trusted=trusted,
            trust_problem="" if trusted or not intact else _trust_problem(status, base["demo"]),
            problem=problem, afterwards=afterwards if intact else None,
        )

    def _document_timestamp(self, embedded, base: dict) -> FieldStatus:
        from pyhanko.sign.validation import validate_pdf_timestamp

        try:
            status = outside_event_loop(lambda: validate_pdf_timestamp(
                embedded, validation_context=self.context(), diff_policy=COSIGNING_DIFF_POLICY))
        except Exception as exc:
            return FieldStatus(
                **base, document_timestamp=True,
                problem=f"Der Dokumentzeitstempel kann nicht geprüft werden ({type(exc).__name__}).",
            )
        afterwards = self._afterwards(embedded, status)
        intact = bool(status.intact and status.valid) and afterwards in (
            None, ONLY_SIGNATURES_ADDED, ONLY_VALIDATION_DATA_ADDED
        )
        trusted = intact and bool(status.trusted) and not base["demo"]
        stamp = Timestamp(authority=base["signer"], time=status.timestamp, intact=intact, trusted=trusted)
        return FieldStatus(
            **base, signing_time=status.timestamp, timestamp=stamp, intact=intact, trusted=trusted,
            trust_problem="" if trusted or not intact else _trust_problem(status, base["demo"]),
            problem="" if intact else f"Der Dokumentzeitstempel ist beschädigt oder das Dokument wurde danach verändert ({afterwards}).",
            document_timestamp=True, afterwards=afterwards if intact else None,
        )

    def _afterwards(self, embedded, status) -> str | None:
        """What the revisions after this signature did, in German; None when it covers the whole file."""
        from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
        from pyhanko.sign.validation.status import SignatureCoverageLevel

        if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
            return None
        result = status.diff_result
        if status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and isinstance(result, DiffResult):
            if result.modification_level <= ModificationLevel.LTA_UPDATES:
                return ONLY_VALIDATION_DATA_ADDED
            if result.modification_level <= ModificationLevel.FORM_FILLING:
                return ONLY_SIGNATURES_ADDED
        pages = _changed_pages(self.reader, embedded.signed_revision)
        if pages:
            word = "Seite" if len(pages) == 1 else "Seiten"
            return f"danach Inhalt verändert ({word} {', '.join(map(str, pages))})"
        return "danach Formularfelder oder Dokumentstruktur verändert"


def _timestamp(ts_status) -> Timestamp | None:
    if ts_status is None:
        return None
    cert = getattr(ts_status, "signing_cert", None)
    authority = _common_name(cert) if cert is not None else "unbekannter Zeitstempeldienst"
    return Timestamp(
        authority=authority, time=ts_status.timestamp,
        intact=bool(ts_status.intact and ts_status.valid), trusted=bool(ts_status.trusted),
    )


def _trust_problem(status, demo: bool) -> str:
    if demo:
        return ("Demonstrationszertifikat, dem kein Empfänger vertraut (so erwartet, solange kein echtes "
                "Zertifikat eingerichtet ist)")
    if status.revoked:
        return "das Zertifikat ist widerrufen"
    indication = getattr(status.trust_problem_indic, "name", "") or ""
    if "EXPIRED" in indication or "OUT_OF_BOUNDS" in indication:
        return "das Zertifikat war zum Prüfzeitpunkt nicht gültig"
    if "NOT_YET_VALID" in indication:
        return "das Zertifikat ist noch nicht gültig"
    if "CHAIN" in indication or status.validation_path is None:
        return ("das Zertifikat führt zu keinem hinterlegten Vertrauensanker (das Wurzelzertifikat der "
                "ausstellenden Stelle mit ARGS=\"--vertrauen datei.pem\" angeben oder in ikz-signatur.toml unter "
                "»vertrauensanker« eintragen, siehe docs/SIGNATUR.md)")
    if "CRYPTO" in indication or "ALGORITHM" in indication:
        return "das Zertifikat verwendet unsichere Verfahren"
    return f"Zertifikatsprüfung fehlgeschlagen ({indication or 'unbekannt'})"


def _common_name(cert: asn1_x509.Certificate) -> str:
    subject = cert.subject.native
    return str(subject.get("common_name") or subject.get("organization_name") or cert.subject.human_friendly)


def _organisation(cert: asn1_x509.Certificate) -> str | None:
    org = cert.subject.native.get("organization_name")
    if isinstance(org, list):
        org = ", ".join(org)
    return str(org) if org else None


# Locating a content change: which pages differ between two revisions

_SKIPPED_PAGE_KEYS = frozenset({"/Parent", "/Annots"})


def _changed_pages(reader: PdfFileReader, revision: int) -> list[int]:
    """1-based numbers of the pages whose content, resources, box or non-signature annotations differ
    between `revision` and the file's last revision (a page added or removed counts as changed)."""
    try:
        old = reader.get_historical_resolver(revision)
        new = reader.get_historical_resolver(reader.xrefs.total_revisions - 1)
        old_pages = _page_prints(old)
        new_pages = _page_prints(new)
    except Exception:
        return []
    count = max(len(old_pages), len(new_pages))
    return [
        i + 1 for i in range(count)
        if i >= len(old_pages) or i >= len(new_pages) or old_pages[i] != new_pages[i]
    ]


def _page_prints(resolver) -> list[str]:
    prints: list[str] = []

    def walk(node, depth=0):
        node = node.get_object()
        if depth > 64:
            return
        if node.get("/Type") == "/Pages" or "/Kids" in node:
            for kid in node.get("/Kids", []):
                walk(kid, depth + 1)
        else:
            prints.append(_page_print(node))

    walk(resolver.root["/Pages"])
    return prints


def _page_print(page) -> str:
    digest = hashlib.sha256()
    _feed(digest, {k: v for k, v in page.items() if k not in _SKIPPED_PAGE_KEYS}, set())
    for annot in page.get("/Annots", None) or []:
        annot = annot.get_object()
        if annot.get("/FT") == "/Sig" or (annot.get("/Parent") and annot["/Parent"].get("/FT") == "/Sig"):
            continue  # signature widgets are judged by the diff policy
        _feed(digest, {k: v for k, v in annot.items() if k not in ("/P", "/Parent")}, set())
    return digest.hexdigest()


def _feed(digest, obj, seen: set) -> None:
    """Hash `obj` with everything it references (streams by their decoded data)."""
    if isinstance(obj, generic.IndirectObject):
        key = (obj.idnum, obj.generation)
        if key in seen:
            digest.update(b"R")
            return
        seen.add(key)
        obj = obj.get_object()
    if isinstance(obj, generic.StreamObject):
        digest.update(b"S")
        digest.update(hashlib.sha256(obj.data).digest())
        _feed(digest, {k: v for k, v in obj.items() if k not in ("/Length", "/Filter", "/DecodeParms")}, seen)
    elif isinstance(obj, dict):
        digest.update(b"D")
        for key in sorted(obj):
            if key in ("/Parent", "/P", "/StructParent", "/StructParents"):
                continue
            digest.update(str(key).encode())
            _feed(digest, obj[key] if not isinstance(obj, generic.DictionaryObject) else obj.raw_get(key), seen)
    elif isinstance(obj, list):
        digest.update(b"A")
        for item in obj:
            _feed(digest, item, seen)
    else:
        digest.update(repr(obj).encode())
