"""Verifying every signature field of a PDF: who signed, when, intact, trusted."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import (
    enumerate_sig_fields,
)

from ..errors import Location, SigningError
from ..german import datum_zeit
from ._pdf import read_pdf
from .fields import field_label
from .signer import load_certificates

# verification


@dataclass(frozen=True)
class FieldStatus:
    """State of one signature field."""

    name: str
    label: str
    signed: bool
    signer: str | None = None
    signing_time: dt.datetime | None = None
    timestamped: bool = False
    intact: bool = False
    trusted: bool = False
    status: str = ""
    document_timestamp: bool = False  # an RFC 3161 document timestamp, not a person

    @property
    def broken(self) -> bool:
        return self.signed and not self.intact


@dataclass(frozen=True)
class VerifyReport:
    """All signature fields of one PDF, in document order."""

    file: Path
    fields: tuple[FieldStatus, ...]

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


def verify(pdf: Path, trust_roots: Sequence[Path]) -> VerifyReport:
    """Check every signature field of `pdf` against `trust_roots` (offline).

    intact: hash and signature are valid and the signed revision is either the
    whole file or followed only by permitted updates (further signatures,
    form filling, validation data). trusted: intact and the certificate chains
    to one of the trust roots (and was valid at signing/validation time).
    Raises SigningError only when the file cannot be read as a PDF at all.
    """
    from pyhanko.sign.validation import KeyUsageConstraints
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
    from pyhanko_certvalidator import ValidationContext

    pdf = Path(pdf)
    data = read_pdf(pdf)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        entries = list(enumerate_sig_fields(reader))
    except Exception as exc:
        raise SigningError(
            f"»{pdf.name}« ist keine lesbare PDF-Datei ({type(exc).__name__}).", Location(file=pdf)
        ) from None
    roots = load_certificates(trust_roots)
    usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)

    results: list[FieldStatus] = []
    for name, value, ref in entries:
        field_obj = ref.get_object()
        label = field_label(field_obj, name)
        if value is None:
            results.append(
                FieldStatus(name=name, label=label, signed=False, status="Noch nicht unterschrieben.")
            )
            continue
        try:
            embedded = EmbeddedPdfSignature(reader, field_obj, name)
            signer_cn = _common_name(embedded.signer_cert)
        except Exception as exc:
            results.append(
                FieldStatus(
                    name=name, label=label, signed=True,
                    status=f"UNGÜLTIG: Die Signatur ist beschädigt und nicht lesbar ({type(exc).__name__}).",
                )
            )
            continue
        context = ValidationContext(trust_roots=list(roots), allow_fetching=False, revocation_mode="soft-fail")
        if embedded.sig_object_type == "/DocTimeStamp":
            results.append(_timestamp_status(name, label, signer_cn, embedded, context))
            continue
        try:
            status = _validate(embedded, context, usage)
        except Exception as exc:
            results.append(
                FieldStatus(
                    name=name, label=label, signed=True, signer=signer_cn,
                    signing_time=embedded.self_reported_timestamp,
                    status=f"UNGÜLTIG: Die Signatur von {signer_cn} kann nicht geprüft werden ({type(exc).__name__}).",
                )
            )
            continue
        results.append(_field_status(name, label, signer_cn, status))
    return VerifyReport(file=pdf, fields=tuple(results))


def _validate(embedded, context, usage):
    """Validate one embedded signature with pyHanko (synchronously)."""
    from pyhanko.sign.validation import validate_pdf_signature

    return validate_pdf_signature(
        embedded, signer_validation_context=context, key_usage_settings=usage
    )


def _timestamp_status(name: str, label: str, tsa_cn: str, embedded, context) -> FieldStatus:
    from pyhanko.sign.validation import validate_pdf_timestamp

    try:
        status = validate_pdf_timestamp(embedded, validation_context=context)
    except Exception as exc:
        return FieldStatus(
            name=name, label=label, signed=True, signer=tsa_cn, document_timestamp=True,
            status=f"UNGÜLTIG: Der Dokumentzeitstempel kann nicht geprüft werden ({type(exc).__name__}).",
        )
    intact = bool(status.intact and status.valid and _coverage_ok(status))
    trusted = intact and bool(status.trusted)
    when = status.timestamp
    if not intact:
        text = "UNGÜLTIG: Der Dokumentzeitstempel ist beschädigt oder das Dokument wurde danach verändert."
    elif trusted:
        text = f"Gültiger Dokumentzeitstempel von {tsa_cn} am {datum_zeit(when)}."
    else:
        text = f"Dokumentzeitstempel von {tsa_cn} unversehrt, aber nicht vertrauenswürdig; {_trust_problem(status)}."
    return FieldStatus(
        name=name, label=label, signed=True, signer=tsa_cn, signing_time=when, timestamped=True,
        intact=intact, trusted=trusted, status=text, document_timestamp=True,
    )


def _field_status(name: str, label: str, signer_cn: str, status) -> FieldStatus:
    ts = status.timestamp_validity
    timestamped = bool(ts is not None and ts.intact and ts.valid)
    when = ts.timestamp if timestamped else status.signer_reported_dt
    crypto_ok = bool(status.intact and status.valid)
    coverage_ok = _coverage_ok(status)
    intact = crypto_ok and coverage_ok
    trusted = intact and bool(status.trusted)
    at = f" am {datum_zeit(when)}" if when else ""
    if not status.intact:
        text = f"UNGÜLTIG: Das Dokument wurde nach der Unterschrift von {signer_cn} verändert."
    elif not status.valid:
        text = f"UNGÜLTIG: Die Signatur von {signer_cn} ist beschädigt."
    elif not coverage_ok:
        text = (
            f"UNGÜLTIG: Nach der Unterschrift von {signer_cn} wurde das Dokument "
            "unzulässig geändert."
        )
    elif trusted:
        text = f"Gültig: unterschrieben von {signer_cn}{at}."
    else:
        text = (
            f"Unversehrt, aber nicht vertrauenswürdig: unterschrieben von {signer_cn}{at}; "
            f"{_trust_problem(status)}."
        )
    return FieldStatus(
        name=name, label=label, signed=True, signer=signer_cn, signing_time=when,
        timestamped=timestamped, intact=intact, trusted=trusted, status=text,
    )


def _coverage_ok(status) -> bool:
    """The signed revision is the whole file, or only permitted updates follow it."""
    from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if status.docmdp_ok is not None:  # set for signatures (DocMDP / diff analysis)
        return bool(status.docmdp_ok)
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    result = status.diff_result
    return (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and isinstance(result, DiffResult)
        and result.modification_level != ModificationLevel.OTHER
    )


def _trust_problem(status) -> str:
    if status.revoked:
        return "das Zertifikat ist widerrufen"
    indication = getattr(status.trust_problem_indic, "name", "") or ""
    if "EXPIRED" in indication or "OUT_OF_BOUNDS" in indication:
        return "das Zertifikat war zum Prüfzeitpunkt nicht gültig"
    if "NOT_YET_VALID" in indication:
        return "das Zertifikat ist noch nicht gültig"
    if "CHAIN" in indication or status.validation_path is None:
        return "das Zertifikat führt zu keinem hinterlegten Vertrauensanker"
    if "CRYPTO" in indication or "ALGORITHM" in indication:
        return "das Zertifikat verwendet unsichere Verfahren"
    return f"Zertifikatsprüfung fehlgeschlagen ({indication or 'unbekannt'})"


def _common_name(cert: asn1_x509.Certificate) -> str:
    subject = cert.subject.native
    return str(subject.get("common_name") or subject.get("organization_name") or cert.subject.human_friendly)
