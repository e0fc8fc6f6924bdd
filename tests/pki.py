"""Test PKI: a throw-away CA, signer certificates as PKCS#12 and simple PDFs.

Everything here is made fresh by the tests with the `cryptography` package;
nothing is mocked. The helpers are independent of pipeline.sign on purpose,
so the tests do not check the code with itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

UTC = dt.timezone.utc

COUNCILS = [
    ("Erika Muster", "Stadt Gernsheim"),
    ("Hans Beispiel", "Gemeinde Trebur"),
    ("Petra Probe", "Stadt Raunheim"),
]
"""Council signatories of the small workbooks (name in the certificate, organisation)."""

MORE_SIGNATORIES = [("Peter Burger", "Stadt Gernsheim"), ("Ruth Raunheim", "Stadt Raunheim")]


@dataclass(frozen=True)
class TestCA:
    """A self-signed root with its key and the PEM file holding its certificate."""

    __test__ = False  # not a pytest test class

    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    pem: Path


def _name(cn: str, org: str = "IKZ Testumgebung") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def make_ca(directory: Path, cn: str = "IKZ Test-CA", filename: str = "ca.pem") -> TestCA:
    """Create a root CA (RSA 2048) valid from yesterday for ten years."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(UTC)
    name = _name(cn)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem = directory / filename
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return TestCA(key=key, cert=cert, pem=pem)


def issue(
    ca: TestCA,
    cn: str,
    *,
    key_type: str = "ec",
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    time_stamping: bool = False,
    org: str = "IKZ Testumgebung",
):
    """Issue an end-entity certificate; returns (private key, certificate)."""
    key = (
        ec.generate_private_key(ec.SECP256R1())
        if key_type == "ec"
        else rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    now = dt.datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn, org))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - dt.timedelta(hours=1))
        .not_valid_after(not_after or now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=not time_stamping,
                key_encipherment=False, data_encipherment=False, key_agreement=False,
                key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
    )
    if time_stamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    cert = builder.sign(ca.key, hashes.SHA256())
    return key, cert


def make_p12(
    ca: TestCA,
    path: Path,
    cn: str,
    passphrase: bytes | None,
    *,
    key_type: str = "ec",
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    with_key: bool = True,
    org: str = "IKZ Testumgebung",
) -> Path:
    """Write a PKCS#12 file with a fresh signer certificate issued by `ca`."""
    key, cert = issue(
        ca, cn, key_type=key_type, not_before=not_before, not_after=not_after, org=org
    )
    encryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            name=cn.encode(),
            key=key if with_key else None,
            cert=cert,
            cas=[ca.cert],
            encryption_algorithm=encryption,
        )
    )
    return path


def make_pdf(path: Path, pages: int = 2, title: str = "Testdokument") -> Path:
    """A small uncompressed PDF made with reportlab (text stays greppable)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, pageCompression=0)
    for number in range(1, pages + 1):
        c.setFont("Helvetica", 14)
        c.drawString(72, 760, f"{title} Seite {number}")
        c.setFont("Helvetica", 11)
        c.drawString(72, 730, "Vereinbarung zur interkommunalen Zusammenarbeit")
        c.showPage()
    c.save()
    return path


def nss_db(directory: Path, *ca_pems: Path) -> str:
    """Create an NSS database trusting the given CA certificates for pdfsig."""
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["certutil", "-N", "-d", f"sql:{directory}", "--empty-password"],
        check=True, capture_output=True,
    )
    for index, pem in enumerate(ca_pems):
        subprocess.run(
            ["certutil", "-A", "-d", f"sql:{directory}", "-n", f"testca{index}",
             "-t", "CT,C,C", "-i", str(pem)],
            check=True, capture_output=True,
        )
    return f"sql:{directory}"


def pdfsig(pdf: Path, nssdir: str) -> str:
    """Run poppler's pdfsig and return its report (stdout and stderr)."""
    result = subprocess.run(
        ["pdfsig", "-nssdir", nssdir, str(pdf)], capture_output=True, text=True
    )
    return result.stdout + result.stderr


@dataclass(frozen=True)
class PopplerSigner:
    """A council's signing identity in its own NSS database, used through poppler's pdfsig."""

    __test__ = False

    nssdir: str
    nick: str
    password: str


def poppler_signer(directory: Path, ca: TestCA, cn: str, org: str) -> PopplerSigner:
    """An NSS database holding a fresh certificate for `cn` (organisation `org`), issued by `ca`.

    Made with NSS's own tools (certutil, pk12util), as a council's Okular would have it.
    """
    password = "rat-" + cn.lower().replace(" ", "-")
    p12 = make_p12(
        ca, directory.with_suffix(".p12"), cn, password.encode(), org=org, key_type="rsa"
    )
    nssdir = nss_db(directory, ca.pem)
    subprocess.run(
        ["pk12util", "-i", str(p12), "-d", nssdir, "-W", password, "-K", ""],
        check=True, capture_output=True,
    )
    p12.unlink()
    return PopplerSigner(nssdir=nssdir, nick=cn, password=password)


def poppler_sign(pdf: Path, out: Path, field: str, signer: PopplerSigner) -> Path:
    """Sign the existing empty field `field` of `pdf` with poppler's pdfsig into `out`."""
    result = subprocess.run(
        ["pdfsig", "-nssdir", signer.nssdir, "-nick", signer.nick, "-kpw", "",
         "-sign", field, "-reason", "Zustimmung des Gremiums", str(pdf), str(out)],
        capture_output=True, text=True,
    )
    if result.returncode != 0 or not out.exists():
        raise AssertionError(f"pdfsig -sign failed ({result.returncode}): {result.stderr}")
    return out


def dummy_stamper(ca: TestCA):
    """pyHanko's DummyTimeStamper with a time-stamping certificate issued by `ca`."""
    from pyhanko.sign.timestamps import DummyTimeStamper

    key, cert = issue(ca, "IKZ Test-Zeitstempel", key_type="rsa", time_stamping=True)
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
    )


class FakeService:
    """An HTTP timestamp service on localhost that misbehaves as told; counts the requests it gets.

    `answer(request_der) -> (status, content type, body)`; None hangs until the service
    stops (the end of `serve`). The first `valid_first` requests get a real timestamp.
    `hanging` is set as soon as a request hangs.
    """

    def __init__(self, answer, stamper, valid_first: int = 0):
        self.answer, self.stamper, self.valid_first = answer, stamper, valid_first
        self.requests = 0
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.hanging = threading.Event()

    def handle(self, body: bytes):
        from asn1crypto import tsp

        with self.lock:
            self.requests += 1
            number = self.requests
        if number <= self.valid_first:
            return 200, "application/timestamp-reply", self.stamper.request_tsa_response(
                tsp.TimeStampReq.load(body)).dump()
        return self.answer(body)


@contextlib.contextmanager
def serve(service: FakeService):
    """Run `service` on a free port of 127.0.0.1; yields its URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            answer = service.handle(body)
            if answer is None:  # hang until the service stops
                service.hanging.set()
                service.release.wait()
                return
            status, content_type, data = answer
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        service.release.set()
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def timestamp_server(ca: TestCA):
    """A real RFC 3161 HTTP timestamp service on localhost, its certificate issued by `ca`;
    yields (URL, stamper)."""
    stamper = dummy_stamper(ca)
    with serve(FakeService(None, stamper, valid_first=2**62)) as url:
        yield url, stamper
