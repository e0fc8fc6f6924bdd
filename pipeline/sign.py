"""Digital signatures for the IKZ PDFs: PAdES baseline (B-B, or B-T with a timestamp).

Every signature is an incremental update (/ETSI.CAdES.detached, SHA-256), so
several people can sign the same file one after the other, each into the empty
signature field prepared for them by `add_signature_fields`.

The passphrase of the PKCS#12 file is never written to a log, a repr or an
error message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import logging
import os
import re
import secrets
import subprocess
import tomllib
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import pem as asn1_pem
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.keys.internal import (
    translate_pyca_cryptography_cert_to_asn1,
    translate_pyca_cryptography_key_to_asn1,
)
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import (
    SigFieldSpec,
    SigSeedSubFilter,
    append_signature_field,
    enumerate_sig_fields,
)
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .errors import Location, OutputError, SigningError
from .fsutil import write_atomic
from .german import BERLIN, ascii_fold, datum, datum_zeit

log = logging.getLogger(__name__)

ENV_CERTIFICATE = "IKZ_SIGNATUR_ZERTIFIKAT"
ENV_PASSPHRASE = "IKZ_SIGNATUR_PASSWORT"
CONFIG_FILE_NAME = "ikz-signatur.toml"
CONFIG_KEYS = ("zertifikat", "zeitstempel_url", "vertrauensanker")

DEFAULT_FIELD_NAME = "IKZ-Geschaeftsstelle"
DEFAULT_FIELD_LABEL = "IKZ-Geschäftsstelle"
FIELD_PREFIX = "Unterschrift_"

DEMO_CA_FILE = "demo-ca.pem"
DEMO_P12_FILE = "demo-signatur.p12"
DEMO_PASSPHRASE_FILE = "demo-signatur-passwort.txt"
DEMO_SIGNER_CN = "IKZ-Geschäftsstelle (Demonstrationszertifikat)"
DEMO_CA_CN = "IKZ Demonstrations-CA (nicht für den Echtbetrieb)"
DEMO_ORGANISATION = "Kreis Groß-Gerau IKZ"

# TrueType fonts on Debian (fonts-dejavu-core, fonts-liberation2, fonts-crosextra-carlito).
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf"),
)

_FIELD_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,120}$")
_TIMESTAMP_TIMEOUT_S = 30

Box = tuple[float, float, float, float]


# --------------------------------------------------------------------------
# configuration


class PassphraseError(SigningError):
    """The PKCS#12 passphrase is missing or wrong; the CLI may ask again."""


@dataclass(frozen=True)
class SigningConfig:
    """Where the signing certificate is and how to use it."""

    pkcs12: Path
    passphrase: bytes | None = field(repr=False)
    timestamp_url: str | None = None
    trust_roots: tuple[Path, ...] = ()
    demo: bool = False

    def with_passphrase(self, passphrase: bytes | str | None) -> SigningConfig:
        """Copy with a passphrase the CLI asked for (str is encoded as UTF-8)."""
        if isinstance(passphrase, str):
            passphrase = passphrase.encode("utf-8")
        return dataclasses.replace(self, passphrase=passphrase)


def load_config(
    config_file: Path | None,
    environ: Mapping[str, str],
    *,
    passphrase: bytes | str | None = None,
) -> SigningConfig | None:
    """Read the signing configuration; None when no certificate is configured.

    The certificate comes from ``IKZ_SIGNATUR_ZERTIFIKAT`` (wins) or the key
    ``zertifikat`` of the TOML file; ``zeitstempel_url`` and
    ``vertrauensanker`` (list of PEM/DER files) only from the file. Relative
    paths in the file are relative to the file's folder. The passphrase comes
    ONLY from ``IKZ_SIGNATUR_PASSWORT`` or from the `passphrase` argument (a
    value the CLI prompted for; it wins over the environment). A missing
    config file is not an error.
    """
    settings: dict[str, object] = {}
    base = Path.cwd()
    if config_file is not None and Path(config_file).is_file():
        config_file = Path(config_file)
        base = config_file.parent
        settings = _read_config_file(config_file)

    timestamp_url = settings.get("zeitstempel_url")
    trust_roots = tuple(_resolve(base, p) for p in settings.get("vertrauensanker", ()))  # type: ignore[union-attr]

    certificate: Path | None = None
    env_certificate = environ.get(ENV_CERTIFICATE, "").strip()
    if env_certificate:
        certificate = Path(env_certificate).expanduser()
    elif settings.get("zertifikat"):
        certificate = _resolve(base, settings["zertifikat"])  # type: ignore[arg-type]
    if certificate is None:
        return None

    if passphrase is None:
        env_passphrase = environ.get(ENV_PASSPHRASE)
        passphrase = env_passphrase if env_passphrase else None
    if isinstance(passphrase, str):
        passphrase = passphrase.encode("utf-8")
    return SigningConfig(
        pkcs12=certificate,
        passphrase=passphrase,
        timestamp_url=timestamp_url,  # type: ignore[arg-type]
        trust_roots=trust_roots,
    )


def _resolve(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _read_config_file(config_file: Path) -> dict[str, object]:
    where = Location(file=config_file)
    try:
        with config_file.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise SigningError(
            f"Die Signatur-Einstellungen sind kein gültiges TOML ({exc}). "
            "Beispiel: zertifikat = \"zertifikate/signatur.p12\"",
            where,
        ) from None
    except OSError as exc:
        raise SigningError(
            f"Die Signatur-Einstellungen können nicht gelesen werden ({exc.strerror}).", where
        ) from None
    for secret_key in ("passwort", "password", "passphrase", "kennwort"):
        if secret_key in data:
            raise SigningError(
                f"Das Passwort darf nicht in der Einstellungsdatei stehen (Schlüssel »{secret_key}«). "
                f"Entfernen Sie es und setzen Sie stattdessen die Umgebungsvariable {ENV_PASSPHRASE} "
                "oder geben Sie es bei der Abfrage ein.",
                where,
            )
    unknown = sorted(set(data) - set(CONFIG_KEYS))
    if unknown:
        raise SigningError(
            f"Unbekannte Einstellung(en): {', '.join(unknown)}. Erlaubt sind: {', '.join(CONFIG_KEYS)}.",
            where,
        )
    for key in ("zertifikat", "zeitstempel_url"):
        if key in data and not isinstance(data[key], str):
            raise SigningError(f"»{key}« muss ein Text in Anführungszeichen sein.", where)
    url = data.get("zeitstempel_url")
    if url is not None and not re.match(r"^https?://", url):
        raise SigningError(
            f"»zeitstempel_url« muss mit http:// oder https:// beginnen (gefunden: »{url}«).", where
        )
    anchors = data.get("vertrauensanker", [])
    if isinstance(anchors, str):
        anchors = [anchors]
    if not isinstance(anchors, list) or not all(isinstance(a, str) for a in anchors):
        raise SigningError(
            "»vertrauensanker« muss eine Liste von Dateinamen sein, "
            "z. B. vertrauensanker = [\"zertifikate/wurzel.pem\"].",
            where,
        )
    data["vertrauensanker"] = anchors
    return data


# --------------------------------------------------------------------------
# demonstration certificate


def ensure_demo_certificate(directory: Path) -> SigningConfig:
    """Create (once) a local demo CA and signing certificate in `directory`.

    Reuses the files when they are present, readable and valid for at least
    another 30 days; otherwise makes new ones. The passphrase is stored beside
    the PKCS#12 file, readable only by the user (0600) — acceptable for a
    demonstration certificate only.
    """
    directory = Path(directory)
    p12_path = directory / DEMO_P12_FILE
    ca_path = directory / DEMO_CA_FILE
    passphrase_path = directory / DEMO_PASSPHRASE_FILE

    existing = _reuse_demo(p12_path, ca_path, passphrase_path)
    if existing is not None:
        return existing

    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        passphrase = secrets.token_urlsafe(24).encode("ascii")
        ca_key, ca_cert, signer_key, signer_cert = _make_demo_pki()
        p12 = pkcs12.serialize_key_and_certificates(
            name=DEMO_SIGNER_CN.encode("utf-8"),
            key=signer_key,
            cert=signer_cert,
            cas=[ca_cert],
            encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
        )
        _write_atomically(passphrase_path, passphrase + b"\n", mode=0o600)
        _write_atomically(p12_path, p12, mode=0o600)
        _write_atomically(ca_path, ca_cert.public_bytes(serialization.Encoding.PEM), mode=0o644)
        _write_atomically(
            directory / "LIESMICH.txt",
            (
                "Dieser Ordner enthält ein DEMONSTRATIONSZERTIFIKAT der IKZ-Pipeline.\n"
                "Es ist nur zum Ausprobieren gedacht und ersetzt keine echte elektronische Signatur.\n"
                f"Für den Echtbetrieb tragen Sie Ihr Zertifikat in {CONFIG_FILE_NAME} ein "
                f"oder setzen die Umgebungsvariable {ENV_CERTIFICATE}.\n"
                "Diesen Ordner nicht weitergeben und nicht einchecken.\n"
            ).encode("utf-8"),
            mode=0o644,
        )
    except OSError as exc:
        raise SigningError(
            f"Das Demonstrationszertifikat kann nicht angelegt werden ({exc.strerror or exc}). "
            "Prüfen Sie, ob der Ordner beschreibbar ist.",
            Location(file=directory),
        ) from None
    log.info("Demonstrationszertifikat angelegt: %s", p12_path)
    return SigningConfig(
        pkcs12=p12_path, passphrase=passphrase, trust_roots=(ca_path,), demo=True
    )


def _reuse_demo(p12_path: Path, ca_path: Path, passphrase_path: Path) -> SigningConfig | None:
    if not (p12_path.is_file() and ca_path.is_file() and passphrase_path.is_file()):
        return None
    try:
        passphrase = passphrase_path.read_bytes().strip()
        _key, cert, _others = pkcs12.load_key_and_certificates(p12_path.read_bytes(), passphrase)
        ca_cert = x509.load_pem_x509_certificate(ca_path.read_bytes())
    except (OSError, ValueError):
        return None
    if cert is None or cert.issuer != ca_cert.subject:
        return None
    if cert.not_valid_after_utc - _now() < dt.timedelta(days=30):
        return None
    if passphrase_path.stat().st_mode & 0o077:
        os.chmod(passphrase_path, 0o600)
    return SigningConfig(pkcs12=p12_path, passphrase=passphrase, trust_roots=(ca_path,), demo=True)


def _make_demo_pki():
    now = _now()
    organisation = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_ORGANISATION),
    ]
    ca_name = x509.Name([*organisation, x509.NameAttribute(NameOID.COMMON_NAME, DEMO_CA_CN)])
    signer_name = x509.Name(
        [*organisation, x509.NameAttribute(NameOID.COMMON_NAME, DEMO_SIGNER_CN)]
    )
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=10 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    signer_cert = (
        x509.CertificateBuilder()
        .subject_name(signer_name)
        .issuer_name(ca_name)
        .public_key(signer_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=5 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(signer_key.public_key()), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return ca_key, ca_cert, signer_key, signer_cert


# --------------------------------------------------------------------------
# loading the signer


def load_signer(config: SigningConfig) -> signers.SimpleSigner:
    """Load key and certificate from the PKCS#12 file, with German errors.

    Raises PassphraseError (a SigningError) when the passphrase is missing or
    wrong, so the CLI can ask for it; SigningError for everything else.
    """
    path = Path(config.pkcs12)
    where = Location(file=path)
    name = path.name
    hint_config = f"Prüfen Sie den Pfad in {CONFIG_FILE_NAME} bzw. in der Umgebungsvariable {ENV_CERTIFICATE}."
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SigningError(
            f"Die Zertifikatsdatei »{name}« wurde nicht gefunden ({path}). {hint_config}", where
        ) from None
    except IsADirectoryError:
        raise SigningError(
            f"»{name}« ist ein Ordner, keine Zertifikatsdatei (.p12/.pfx). {hint_config}", where
        ) from None
    except OSError as exc:
        raise SigningError(
            f"Die Zertifikatsdatei »{name}« kann nicht gelesen werden ({exc.strerror}). "
            "Prüfen Sie die Zugriffsrechte.",
            where,
        ) from None

    if not _looks_like_pkcs12(data):
        raise SigningError(
            f"Die Datei »{name}« ist keine PKCS#12-Zertifikatsdatei (.p12/.pfx) oder sie ist beschädigt. "
            "Exportieren Sie das Zertifikat mit privatem Schlüssel erneut als .p12/.pfx.",
            where,
        )

    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, config.passphrase)
    except (ValueError, TypeError):
        if not config.passphrase:
            raise PassphraseError(
                f"Die Zertifikatsdatei »{name}« ist durch ein Passwort geschützt. "
                f"Setzen Sie die Umgebungsvariable {ENV_PASSPHRASE} oder geben Sie das Passwort bei der Abfrage ein.",
                where,
            ) from None
        raise PassphraseError(
            f"Das Passwort für die Zertifikatsdatei »{name}« ist falsch. "
            f"Prüfen Sie {ENV_PASSPHRASE} bzw. Ihre Eingabe (Groß-/Kleinschreibung beachten).",
            where,
        ) from None
    except Exception as exc:  # unsupported algorithms and the like
        raise SigningError(
            f"Die Zertifikatsdatei »{name}« kann nicht geöffnet werden ({type(exc).__name__}). "
            "Exportieren Sie das Zertifikat erneut als .p12/.pfx (AES-Verschlüsselung).",
            where,
        ) from None

    if key is None:
        raise SigningError(
            f"Die Zertifikatsdatei »{name}« enthält keinen privaten Schlüssel, nur Zertifikate. "
            "Exportieren Sie das Zertifikat »mit privatem Schlüssel« erneut als .p12/.pfx.",
            where,
        )
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    der = serialization.Encoding.DER
    key_id = key.public_key().public_bytes(der, public)
    others = list(others or ())
    if cert is None:  # certificate stored without the key's local key id
        matching = [c for c in others if c.public_key().public_bytes(der, public) == key_id]
        if matching:
            cert = matching[0]
            others.remove(cert)
    if cert is None:
        raise SigningError(
            f"Die Zertifikatsdatei »{name}« enthält kein Zertifikat zum privaten Schlüssel. "
            "Exportieren Sie das Signaturzertifikat mit privatem Schlüssel erneut.",
            where,
        )
    if cert.public_key().public_bytes(der, public) != key_id:
        raise SigningError(
            f"In der Zertifikatsdatei »{name}« passt der private Schlüssel nicht zum Zertifikat.", where
        )
    _check_certificate_usable(cert, name, where, demo=config.demo)

    registry = SimpleCertificateStore()
    chain = [translate_pyca_cryptography_cert_to_asn1(c) for c in others]
    chain += load_certificates(config.trust_roots)
    registry.register_multiple(chain)
    return signers.SimpleSigner(
        signing_cert=translate_pyca_cryptography_cert_to_asn1(cert),
        signing_key=translate_pyca_cryptography_key_to_asn1(key),
        cert_registry=registry,
    )


def _looks_like_pkcs12(data: bytes) -> bool:
    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        pfx.native  # parse everything that is not encrypted
        return pfx["version"].native == "v3"
    except Exception:
        return False


def _check_certificate_usable(cert: x509.Certificate, name: str, where: Location, *, demo: bool) -> None:
    now = _now()
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    period = f"gültig vom {datum(start.astimezone(BERLIN))} bis {datum(end.astimezone(BERLIN))}"
    if now < start:
        raise SigningError(
            f"Das Zertifikat in »{name}« ist noch nicht gültig ({period}). "
            "Prüfen Sie die Uhrzeit des Rechners oder warten Sie bis zum Beginn der Gültigkeit.",
            where,
        )
    if now > end:
        todo = (
            "Löschen Sie die Demonstrationsdateien; beim nächsten Lauf wird ein neues Zertifikat angelegt."
            if demo
            else "Beantragen Sie ein neues Signaturzertifikat und tragen Sie es in die Einstellungen ein."
        )
        raise SigningError(f"Das Zertifikat in »{name}« ist abgelaufen ({period}). {todo}", where)
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not (usage.digital_signature or usage.content_commitment):
        raise SigningError(
            f"Das Zertifikat in »{name}« ist nicht zum Unterschreiben bestimmt "
            "(Schlüsselverwendung ohne »digitale Signatur«/»Nichtabstreitbarkeit«). "
            "Verwenden Sie Ihr Signaturzertifikat, nicht das Verschlüsselungszertifikat.",
            where,
        )


def load_certificates(paths: Sequence[Path]) -> list[asn1_x509.Certificate]:
    """Read trust anchors / chain certificates from PEM (one or more) or DER files."""
    result: list[asn1_x509.Certificate] = []
    for path in paths:
        path = Path(path)
        where = Location(file=path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SigningError(
                f"Der Vertrauensanker »{path.name}« kann nicht gelesen werden "
                f"({exc.strerror}). Prüfen Sie »vertrauensanker« in {CONFIG_FILE_NAME}.",
                where,
            ) from None
        try:
            if asn1_pem.detect(data):
                blocks = [der for kind, _h, der in asn1_pem.unarmor(data, multiple=True) if kind == "CERTIFICATE"]
            else:
                blocks = [data]
            certs = [asn1_x509.Certificate.load(der) for der in blocks]
            for cert in certs:
                cert.native  # force full parse
        except Exception:
            certs = []
        if not certs:
            raise SigningError(
                f"Die Datei »{path.name}« enthält kein lesbares Zertifikat (PEM oder DER erwartet).", where
            )
        result.extend(certs)
    return result


# --------------------------------------------------------------------------
# signature fields


@dataclass(frozen=True)
class FieldSpec:
    """An empty signature field to create: name, 0-based page, box in PDF points, label."""

    name: str
    page: int
    box: Box
    label: str




def field_name_for(label: str, taken: Collection[str] = (), prefix: str = FIELD_PREFIX) -> str:
    """A valid, unique field name for a human label.

    "Mörfelden-Walldorf" → "Unterschrift_Moerfelden-Walldorf". Only ASCII
    letters, digits, "_" and "-" are kept (a dot would make a hierarchical
    field name). When the name is in `taken`, "_2", "_3", … is appended.
    """
    text = ascii_fold(label)
    text = re.sub(r"[^A-Za-z0-9-]+", "_", text).strip("_-")
    base = (prefix + text)[:100] if text else prefix.rstrip("_-") or "Unterschrift"
    base = base.rstrip("_-") or "Unterschrift"
    taken_folded = {t.casefold() for t in taken}
    name, counter = base, 2
    while name.casefold() in taken_folded:
        name = f"{base}_{counter}"
        counter += 1
    return name


def _label_from_name(name: str) -> str:
    if name == DEFAULT_FIELD_NAME:
        return DEFAULT_FIELD_LABEL
    text = name[len(FIELD_PREFIX):] if name.startswith(FIELD_PREFIX) else name
    return text.replace("_", " ")


def add_signature_fields(pdf_in: Path, pdf_out: Path, fields: Sequence[FieldSpec]) -> None:
    """Add all empty signature fields in ONE incremental update.

    The human label is stored as the field's tooltip (/TU) and read back by
    `verify`. Raises SigningError for invalid or duplicate names and pages
    that do not exist.
    """
    pdf_in, pdf_out = Path(pdf_in), Path(pdf_out)
    data = _read_pdf(pdf_in)
    writer = _incremental_writer(data, pdf_in)
    where = Location(file=pdf_in)
    existing = {name for name, _value, _ref in enumerate_sig_fields(writer.prev)}
    page_count = int(writer.prev.root["/Pages"]["/Count"])
    seen: set[str] = set()
    for spec in fields:
        if not _FIELD_NAME_RE.match(spec.name):
            raise SigningError(
                f"Ungültiger Feldname »{spec.name}«: erlaubt sind nur Buchstaben A–Z ohne Umlaute, "
                "Ziffern, »_« und »-« (field_name_for erzeugt solche Namen).",
                where,
            )
        if spec.name.casefold() in seen or spec.name in existing:
            raise SigningError(f"Das Unterschriftsfeld »{spec.name}« gibt es schon.", where)
        seen.add(spec.name.casefold())
        if not 0 <= spec.page < page_count:
            raise SigningError(
                f"Das Unterschriftsfeld »{spec.label}« soll auf Seite {spec.page + 1} stehen, "
                f"das Dokument hat aber nur {page_count} Seite(n).",
                where,
            )
        llx, lly, urx, ury = spec.box
        if urx <= llx or ury <= lly:
            raise SigningError(
                f"Das Unterschriftsfeld »{spec.label}« hat keine Fläche (Box {spec.box}).", where
            )
    if not fields:
        _write_atomically(pdf_out, data)
        return
    for spec in fields:
        append_signature_field(
            writer,
            SigFieldSpec(
                sig_field_name=spec.name,
                on_page=spec.page,
                box=tuple(float(v) for v in spec.box),  # type: ignore[arg-type]
                readable_field_name=spec.label,
            ),
        )
    out = io.BytesIO()
    writer.write(out)
    _write_atomically(pdf_out, out.getvalue())


# --------------------------------------------------------------------------
# finding text (signature lines)


def locate_text(pdf: Path, needles: Sequence[str]) -> dict[str, tuple[int, Box]]:
    """Find text lines in a PDF: needle → (0-based page, box in PDF points).

    Uses ``pdftotext -bbox-layout`` (poppler-utils). A needle matches the
    first line (in reading order) that contains it, compared with
    whitespace collapsed and case folded; the box is the union of the words
    covering the needle, in PDF user space (origin bottom left). Needles not
    found are missing from the result. Page rotation is not considered.
    """
    import defusedxml.ElementTree as SafeET

    pdf = Path(pdf)
    if not pdf.is_file():
        raise SigningError(f"Die PDF-Datei »{pdf.name}« wurde nicht gefunden.", Location(file=pdf))
    try:
        result = subprocess.run(
            ["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(pdf), "-"],
            capture_output=True, check=False, timeout=120,
        )
    except FileNotFoundError:
        raise SigningError(
            "Das Programm »pdftotext« fehlt. Installieren Sie das Paket poppler-utils."
        ) from None
    if result.returncode != 0:
        raise SigningError(
            f"Der Text der PDF-Datei »{pdf.name}« kann nicht gelesen werden "
            f"({result.stderr.decode('utf-8', 'replace').strip()[:200]}).",
            Location(file=pdf),
        )
    root = SafeET.fromstring(result.stdout)
    offsets = _page_offsets(pdf)

    wanted = {needle: _fold(needle) for needle in needles}
    found: dict[str, tuple[int, Box]] = {}
    for page_index, page in enumerate(el for el in root.iter() if _tag(el) == "page"):
        height = float(page.get("height", "0"))
        dx, dy = offsets[page_index] if page_index < len(offsets) else (0.0, 0.0)
        for line in (el for el in page.iter() if _tag(el) == "line"):
            words = [w for w in line if _tag(w) == "word" and (w.text or "").strip()]
            if not words:
                continue
            texts = [_fold(w.text or "") for w in words]
            joined, starts = "", []
            for text in texts:
                if joined:
                    joined += " "
                starts.append(len(joined))
                joined += text
            for needle, folded in wanted.items():
                if needle in found or not folded:
                    continue
                pos = joined.find(folded)
                if pos < 0:
                    continue
                end = pos + len(folded)
                covering = [
                    w for w, s, t in zip(words, starts, texts) if s < end and s + len(t) > pos
                ]
                x0 = min(float(w.get("xMin")) for w in covering)
                x1 = max(float(w.get("xMax")) for w in covering)
                y0 = min(float(w.get("yMin")) for w in covering)
                y1 = max(float(w.get("yMax")) for w in covering)
                found[needle] = (
                    page_index,
                    (x0 + dx, height - y1 + dy, x1 + dx, height - y0 + dy),
                )
    return found


def box_above(text_box: Box, *, height: float = 50.0, width: float | None = None, gap: float = 2.0) -> Box:
    """A signature field box standing on the top edge of a located text line."""
    llx, _lly, urx, ury = text_box
    right = llx + width if width is not None else max(urx, llx + 150.0)
    return (llx, ury + gap, right, ury + gap + height)


def _tag(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _page_offsets(pdf: Path) -> list[tuple[float, float]]:
    """Lower-left corner of each page's crop box (pdftotext measures from it)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf.read_bytes()), strict=False)
        offsets = []
        for index in range(int(reader.root["/Pages"]["/Count"])):
            page = reader.find_page_for_modification(index)[0].get_object()
            box = _inherited(page, "/CropBox") or _inherited(page, "/MediaBox") or [0, 0, 0, 0]
            offsets.append((float(min(box[0], box[2])), float(min(box[1], box[3]))))
        return offsets
    except Exception:
        return []


def _inherited(page, key):
    node = page
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    return None


# --------------------------------------------------------------------------
# signing


def sign_pdf(
    pdf_in: Path,
    pdf_out: Path,
    config: SigningConfig,
    *,
    field_name: str | None = None,
    reason: str,
    location: str,
    contact: str | None = None,
    visible_box: Box | None = None,
    page: int | None = None,
) -> None:
    """Sign `pdf_in` into `pdf_out` (may be the same path) as an incremental update.

    With `field_name` the signature goes into that existing empty field; when
    no such field exists and `visible_box` is given, a new visible field
    with that name is created on `page` (0-based, default 0). Without
    `field_name` a new invisible field "IKZ-Geschaeftsstelle" is used
    (or a visible one when `visible_box` is given). PAdES B-B, or B-T when
    the config has a timestamp URL. The output is written atomically.
    """
    pdf_in, pdf_out = Path(pdf_in), Path(pdf_out)
    where = Location(file=pdf_in)
    data = _read_pdf(pdf_in)
    signer = load_signer(config)
    writer = _incremental_writer(data, pdf_in)

    fields = {name: (value, ref) for name, value, ref in enumerate_sig_fields(writer.prev)}
    new_field: SigFieldSpec | None = None
    if field_name is not None:
        if field_name in fields:
            value, ref = fields[field_name]
            if value is not None:
                raise SigningError(
                    f"Das Unterschriftsfeld »{_field_label(ref.get_object(), field_name)}« ist bereits unterschrieben.",
                    where,
                )
            visible = _is_visible(ref.get_object())
        elif visible_box is not None:
            if not _FIELD_NAME_RE.match(field_name):
                raise SigningError(f"Ungültiger Feldname »{field_name}«.", where)
            new_field = SigFieldSpec(
                sig_field_name=field_name, on_page=page or 0, box=visible_box,  # type: ignore[arg-type]
                readable_field_name=_label_from_name(field_name),
            )
            visible = True
        else:
            known = ", ".join(fields) or "keine"
            raise SigningError(
                f"Das Unterschriftsfeld »{field_name}« gibt es in »{pdf_in.name}« nicht (vorhanden: {known}).",
                where,
            )
    else:
        field_name = DEFAULT_FIELD_NAME
        if field_name in fields and fields[field_name][0] is None:
            visible = _is_visible(fields[field_name][1].get_object())
        else:
            field_name = field_name_for(DEFAULT_FIELD_NAME, taken=fields, prefix="")
            new_field = SigFieldSpec(
                sig_field_name=field_name, on_page=page or 0, box=visible_box,  # type: ignore[arg-type]
                readable_field_name=DEFAULT_FIELD_LABEL,
            )
            visible = visible_box is not None

    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        contact_info=contact,
    )
    if new_field is not None:
        _check_new_field(writer, new_field, where)
    timestamper = None
    if config.timestamp_url:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(config.timestamp_url, timeout=_TIMESTAMP_TIMEOUT_S)
    when = dt.datetime.now(BERLIN)
    text_params = {"zeit": when.strftime("%d.%m.%Y %H:%M Uhr")}
    out = io.BytesIO()
    pdf_signer = signers.PdfSigner(
        meta, signer, timestamper=timestamper,
        stamp_style=_stamp_style(find_font()) if visible else None,
        new_field_spec=new_field,
    )
    try:
        pdf_signer.sign_pdf(
            writer, existing_fields_only=new_field is None, output=out,
            appearance_text_params=text_params,
        )
    except SigningError:
        raise
    except Exception as exc:
        raise _signing_failure(exc, config, pdf_in) from None
    _write_atomically(pdf_out, out.getvalue())
    log.info("Unterschrieben: %s (Feld %s)", pdf_out, field_name)


def _check_new_field(writer: IncrementalPdfFileWriter, spec: SigFieldSpec, where: Location) -> None:
    page_count = int(writer.prev.root["/Pages"]["/Count"])
    if not 0 <= spec.on_page < page_count:
        raise SigningError(
            f"Die Unterschrift soll auf Seite {spec.on_page + 1} stehen, "
            f"das Dokument hat aber nur {page_count} Seite(n).",
            where,
        )
    if spec.box is not None:
        llx, lly, urx, ury = spec.box
        if urx <= llx or ury <= lly:
            raise SigningError(f"Das Feld für die sichtbare Unterschrift hat keine Fläche (Box {spec.box}).", where)


def _signing_failure(exc: Exception, config: SigningConfig, pdf_in: Path) -> SigningError:
    from pyhanko.sign.timestamps import TimestampRequestError

    where = Location(file=pdf_in)
    chain = [exc]
    while chain[-1].__cause__ is not None or chain[-1].__context__ is not None:
        chain.append(chain[-1].__cause__ or chain[-1].__context__)  # type: ignore[arg-type]
        if len(chain) > 10:
            break
    if any(isinstance(e, TimestampRequestError) for e in chain) or (
        config.timestamp_url and any(type(e).__module__.startswith("aiohttp") for e in chain)
    ):
        return SigningError(
            f"Der Zeitstempeldienst {config.timestamp_url} hat keinen Zeitstempel geliefert ({exc}). "
            "Prüfen Sie die Internetverbindung und »zeitstempel_url« in den Einstellungen.",
            where,
        )
    return SigningError(
        f"»{pdf_in.name}« konnte nicht unterschrieben werden ({type(exc).__name__}: {exc}).", where
    )


def find_font() -> Path:
    """A TrueType font to embed in visible signatures."""
    for candidate in FONT_CANDIDATES:
        if candidate.is_file():
            return candidate
    raise SigningError(
        "Für sichtbare Unterschriften fehlt eine TrueType-Schrift. "
        "Installieren Sie das Debian-Paket fonts-dejavu-core oder fonts-liberation2."
    )


@functools.lru_cache(maxsize=2)
def _font_for_pdf(font_file: Path) -> bytes:
    """The font reduced to Latin/punctuation glyphs and rescaled to 1000 units per em.

    pyHanko 0.38's GlyphAccumulator writes glyph widths (/W) and TJ kerning
    in the font's own units, but PDF expects 1/1000 em; with the usual
    TrueType fonts (2048 units per em, e.g. DejaVu, Liberation) every glyph
    would be spaced twice as wide. Rescaling the font to 1000 units avoids it.
    """
    from fontTools import subset, ttLib
    from fontTools.ttLib.scaleUpem import scale_upem

    font = ttLib.TTFont(str(font_file))
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False  # scaled hinting programs would be wrong
    options.drop_tables += ["FFTM"]  # FontForge timestamps; fontTools warns about them
    subsetter = subset.Subsetter(options)
    unicodes = [*range(0x20, 0x250), *range(0x2000, 0x2070), 0x20AC]
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _stamp_style(font_file: Path):
    """Visible appearance: text only, with an embedded (subset) TrueType font."""
    try:
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
    except ImportError:
        raise SigningError(
            "Für sichtbare Unterschriften fehlt das Python-Paket »uharfbuzz« "
            "(pip install 'pyHanko[opentype]')."
        ) from None
    from pyhanko.pdf_utils import layout, text

    @dataclass(frozen=True)
    class InMemoryFont(GlyphAccumulatorFactory):
        """GlyphAccumulatorFactory on the prepared font bytes (the stock one opens
        the file and never closes it)."""

        font_bytes: bytes = b""

        def create_font_engine(self, writer, obj_stream=None):
            if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(
                writer=writer,
                font_handle=io.BytesIO(self.font_bytes),
                font_size=self.font_size,
                ot_script_tag=self.ot_script_tag,
                ot_language_tag=self.ot_language_tag,
                writing_direction=self.writing_direction,
                bcp47_lang_code=self.bcp47_lang_code,
                obj_stream=obj_stream,
            )
    from pyhanko.stamp import TextStampStyle

    # The font engine and the text box each have a font size; they must be
    # equal, or every line after the first drifts sideways.
    size = 9
    return TextStampStyle(
        stamp_text="Digital unterschrieben von\n%(signer)s\n%(zeit)s",
        text_box_style=text.TextBoxStyle(
            font=InMemoryFont(str(font_file), font_size=size, font_bytes=_font_for_pdf(font_file)),
            font_size=size,
            leading=size + 2,
        ),
        border_width=1,
        background=None,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(4),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )


def _is_visible(field_obj) -> bool:
    rect = _widget(field_obj).get("/Rect")
    if rect is None:
        return False
    llx, lly, urx, ury = (float(v) for v in rect)
    return abs(urx - llx) > 0 and abs(ury - lly) > 0


def _widget(field_obj):
    if "/Rect" in field_obj:
        return field_obj
    kids = field_obj.get("/Kids")
    if kids:
        return kids[0].get_object()
    return field_obj


def _field_label(field_obj, name: str) -> str:
    tooltip = field_obj.get("/TU")
    return str(tooltip) if tooltip else _label_from_name(name)


# --------------------------------------------------------------------------
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
        """E.g. "5 von 13 unterschrieben; es fehlen: Biebesheim, Stockstadt"."""
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
    data = _read_pdf(pdf)
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
        label = _field_label(field_obj, name)
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


# --------------------------------------------------------------------------
# helpers


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _read_pdf(path: Path) -> bytes:
    where = Location(file=path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SigningError(f"Die PDF-Datei »{path.name}« wurde nicht gefunden ({path}).", where) from None
    except OSError as exc:
        raise SigningError(
            f"Die PDF-Datei »{path.name}« kann nicht gelesen werden ({exc.strerror}).", where
        ) from None
    if not data.lstrip()[:5] == b"%PDF-":
        raise SigningError(f"»{path.name}« ist keine PDF-Datei.", where)
    return data


def _incremental_writer(data: bytes, path: Path) -> IncrementalPdfFileWriter:
    where = Location(file=path)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise SigningError(f"»{path.name}« ist keine lesbare PDF-Datei ({exc}).", where) from None
    if writer.prev.encrypted:
        raise SigningError(
            f"»{path.name}« ist verschlüsselt; verschlüsselte PDF-Dateien werden nicht unterschrieben.",
            where,
        )
    return writer


def _write_atomically(path: Path, data: bytes, mode: int | None = None) -> None:
    """`fsutil.write_atomic`, with a German message when the disk refuses."""
    try:
        write_atomic(path, data, mode)
    except OSError as exc:
        raise OutputError(
            f"»{Path(path).name}« kann nicht geschrieben werden ({exc.strerror or exc}). "
            "Ist die Datei geöffnet oder der Datenträger voll?",
            Location(file=Path(path)),
        ) from None
