"""The demonstration certificate: a throw-away CA and signer, made once when no certificate is configured."""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from ..errors import Location, SigningError
from ._pdf import now, write_atomically
from .config import CONFIG_FILE_NAME, ENV_CERTIFICATE, SigningConfig

log = logging.getLogger(__name__)

DEMO_CA_FILE = "demo-ca.pem"
DEMO_P12_FILE = "demo-signatur.p12"
DEMO_PASSPHRASE_FILE = "demo-signatur-passwort.txt"
DEMO_SIGNER_CN = "IKZ-Geschäftsstelle (Demonstrationszertifikat)"
DEMO_CA_CN = "IKZ Demonstrations-CA (nicht für den Echtbetrieb)"
DEFAULT_ORGANISATION = "IKZ-Geschäftsstelle"


# demonstration certificate


def ensure_demo_certificate(directory: Path, organisation: str = DEFAULT_ORGANISATION) -> SigningConfig:
    """Create (once) a local demo CA and signing certificate in `directory`, issued to
    `organisation` (the workbook's Herausgeber, so nothing names one particular Kreis).

    Reuses the files when they are present, readable, issued to `organisation` and
    valid for at least another 30 days; otherwise makes new ones. The passphrase is stored beside
    the PKCS#12 file, readable only by the user (0600) — acceptable for a
    demonstration certificate only.
    """
    directory = Path(directory)
    p12_path = directory / DEMO_P12_FILE
    ca_path = directory / DEMO_CA_FILE
    passphrase_path = directory / DEMO_PASSPHRASE_FILE

    existing = _reuse_demo(p12_path, ca_path, passphrase_path, organisation)
    if existing is not None:
        return existing

    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        passphrase = secrets.token_urlsafe(24).encode("ascii")
        ca_key, ca_cert, signer_key, signer_cert = _make_demo_pki(organisation)
        p12 = pkcs12.serialize_key_and_certificates(
            name=DEMO_SIGNER_CN.encode("utf-8"),
            key=signer_key,
            cert=signer_cert,
            cas=[ca_cert],
            encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
        )
        write_atomically(passphrase_path, passphrase + b"\n", mode=0o600)
        write_atomically(p12_path, p12, mode=0o600)
        write_atomically(ca_path, ca_cert.public_bytes(serialization.Encoding.PEM), mode=0o644)
        write_atomically(
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


def _reuse_demo(p12_path: Path, ca_path: Path, passphrase_path: Path, organisation: str) -> SigningConfig | None:
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
    if [a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)] != [organisation]:
        return None
    if cert.not_valid_after_utc - now() < dt.timedelta(days=30):
        return None
    if passphrase_path.stat().st_mode & 0o077:
        os.chmod(passphrase_path, 0o600)
    return SigningConfig(pkcs12=p12_path, passphrase=passphrase, trust_roots=(ca_path,), demo=True)


def _make_demo_pki(organisation_name: str):
    moment = now()
    organisation = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation_name[:64]),
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
        .not_valid_before(moment - dt.timedelta(days=1))
        .not_valid_after(moment + dt.timedelta(days=10 * 365))
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
        .not_valid_before(moment - dt.timedelta(days=1))
        .not_valid_after(moment + dt.timedelta(days=5 * 365))
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
