"""Signing a PDF (PAdES B-B, or B-T with a timestamp) as an incremental update, with the office's key.

Every signature is an incremental update (/ETSI.CAdES.detached, SHA-256), so
several people can sign the same file one after the other, each into the empty
signature field prepared for them by `fields.add_signature_fields`.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import pem as asn1_pem
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import (
    SigFieldSpec,
    SigSeedSubFilter,
    append_signature_field,
    enumerate_sig_fields,
)
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ..errors import Location, SigningError
from ..german import BERLIN, datum, datum_zeit
from ..tagging import tag_widget_incremental
from ._pdf import incremental_writer, now, read_pdf, write_atomically
from .aio import outside_event_loop
from .config import (
    CONFIG_FILE_NAME,
    ENV_CERTIFICATE,
    ENV_PASSPHRASE,
    PassphraseError,
    SigningConfig,
)
from .fields import (
    DEFAULT_FIELD_LABEL,
    DEFAULT_FIELD_NAME,
    FIELD_NAME_RE,
    Box,
    field_label,
    field_name_for,
    is_visible,
    label_from_name,
)
from .timestamp import timestamper_for

log = logging.getLogger(__name__)

# TrueType fonts on Debian (fonts-dejavu-core, fonts-liberation2, fonts-crosextra-carlito).
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf"),
)

# loading the signer


_SIGNERS: dict[tuple, signers.SimpleSigner] = {}
"""Signers loaded in this process, by file identity and settings: the key is read once per process
(the run loads it before forking its workers, so they inherit it)."""


def load_signer(config: SigningConfig) -> signers.SimpleSigner:
    """Load key and certificate from the PKCS#12 file, with German errors (once per process and file).

    Raises PassphraseError (a SigningError) when the passphrase is missing or
    wrong, so the CLI can ask for it; SigningError for everything else.
    """
    try:
        st = Path(config.pkcs12).stat()
    except OSError:
        return _load_signer(config)  # the German message for a missing or unreadable file
    key = (str(Path(config.pkcs12).resolve()), st.st_mtime_ns, st.st_size, config.passphrase, config.demo,
           tuple(str(p) for p in config.trust_roots))
    if key not in _SIGNERS:
        _SIGNERS[key] = _load_signer(config)
    return _SIGNERS[key]


def _load_signer(config: SigningConfig) -> signers.SimpleSigner:
    """Key and certificate from the PKCS#12 file, checked, with the chain and trust roots (German errors)."""
    path = Path(config.pkcs12)
    where = Location(file=path)
    name = path.name
    data = _read_pkcs12_file(path, where)
    key, cert, others = _open_pkcs12(data, config, name, where)
    cert, others = _certificate_of_key(key, cert, others, name, where)
    _check_certificate_usable(cert, name, where, demo=config.demo)

    registry = SimpleCertificateStore()
    chain = [_asn1_certificate(c) for c in others]
    chain += load_certificates(config.trust_roots)
    registry.register_multiple(chain)
    return KeptKeySigner(
        private_key=key,
        signing_cert=_asn1_certificate(cert),
        signing_key=_asn1_private_key(key),
        cert_registry=registry,
    )


def _read_pkcs12_file(path: Path, where: Location) -> bytes:
    """The certificate file's bytes; a German error when it is missing, a folder or unreadable."""
    name = path.name
    hint_config = f"Prüfen Sie den Pfad in {CONFIG_FILE_NAME} bzw. in der Umgebungsvariable {ENV_CERTIFICATE}."
    try:
        return path.read_bytes()
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


def _open_pkcs12(data: bytes, config: SigningConfig, name: str,
                 where: Location) -> tuple[PrivateKeyTypes, x509.Certificate | None, list[x509.Certificate]]:
    """The private key, its certificate (None when stored without the key's local key id) and the other
    certificates of a PKCS#12 file. PassphraseError when the passphrase is missing or wrong."""
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
    return key, cert, list(others or ())


def _certificate_of_key(key: PrivateKeyTypes, cert: x509.Certificate | None, others: list[x509.Certificate],
                        name: str, where: Location) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """The certificate of the private key (found among the others when the file does not say which it is)
    and the other certificates (the chain)."""
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    der = serialization.Encoding.DER
    key_id = key.public_key().public_bytes(der, public)
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
    return cert, others


class KeptKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner, signing with the key object loaded once.

    SimpleSigner.sign_raw parses the DER key again for every signature, and
    cryptography then checks the RSA key's consistency: about 45 ms, twice per
    signature (pyHanko's size estimate signs once more). This signer keeps the
    key object from the PKCS#12 file and uses pyHanko's own code path for every
    mechanism other than the usual PKCS#1 v1.5, PSS and ECDSA.
    """

    def __init__(self, *, private_key, **kwargs):
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        from cryptography.hazmat.primitives.asymmetric.ec import (
            ECDSA,
            EllipticCurvePrivateKey,
        )
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
        from pyhanko_certvalidator.util import (
            get_pyca_cryptography_hash,
            process_pss_params,
        )

        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            name = mechanism.signature_algo
        except ValueError:
            name = mechanism["algorithm"].native
        key = self._private_key
        if name == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if name == "rsassa_pss" and isinstance(key, RSAPrivateKey):
            padding, hash_algo = process_pss_params(mechanism["parameters"])
            return key.sign(data, padding, hash_algo)
        if name == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
            return key.sign(data, signature_algorithm=ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        return super().sign_raw(data, digest_algorithm)


def _looks_like_pkcs12(data: bytes) -> bool:
    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        pfx.native  # parse everything that is not encrypted
        return pfx["version"].native == "v3"
    except Exception:
        return False


def _check_certificate_usable(cert: x509.Certificate, name: str, where: Location, *, demo: bool) -> None:
    moment = now()
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    period = f"gültig vom {datum(start.astimezone(BERLIN))} bis {datum(end.astimezone(BERLIN))}"
    if moment < start:
        raise SigningError(
            f"Das Zertifikat in »{name}« ist noch nicht gültig ({period}). "
            "Prüfen Sie die Uhrzeit des Rechners oder warten Sie bis zum Beginn der Gültigkeit.",
            where,
        )
    if moment > end:
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


# signing


_Fields = dict[str, tuple[generic.PdfObject | None, generic.IndirectObject]]
"""The signature fields of a PDF by name: (its signature, None while empty; the field)."""


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
    data = read_pdf(pdf_in)
    signer = load_signer(config)
    writer = incremental_writer(data, pdf_in)

    fields: _Fields = {name: (value, ref) for name, value, ref in enumerate_sig_fields(writer.prev)}
    if field_name is not None:
        new_field, visible = _named_field(fields, field_name, visible_box, page, pdf_in.name, where)
    else:
        field_name, new_field, visible = _default_field(fields, visible_box, page)

    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        contact_info=contact,
    )
    _prepare_field(writer, fields, field_name, new_field, where)
    signed = _signed(writer, meta, signer, config, visible=visible, pdf_name=pdf_in.name, where=where)
    write_atomically(pdf_out, signed)
    log.info("Unterschrieben: %s (Feld %s)", pdf_out, field_name)


def _named_field(fields: _Fields, field_name: str, visible_box: Box | None, page: int | None, pdf_name: str,
                 where: Location) -> tuple[SigFieldSpec | None, bool]:
    """The field `field_name` to sign into: an existing empty one, or, with `visible_box`, a new visible one
    on `page`. Returns (the spec of the field to create, None for an existing one; whether it is visible)."""
    if field_name in fields:
        value, ref = fields[field_name]
        if value is not None:
            raise SigningError(
                f"Das Unterschriftsfeld »{field_label(ref.get_object(), field_name)}« ist bereits unterschrieben.",
                where,
            )
        return None, is_visible(ref.get_object())
    if visible_box is not None:
        if not FIELD_NAME_RE.match(field_name):
            raise SigningError(f"Ungültiger Feldname »{field_name}«.", where)
        new_field = SigFieldSpec(
            sig_field_name=field_name, on_page=page or 0, box=visible_box,  # type: ignore[arg-type]
            readable_field_name=label_from_name(field_name),
        )
        return new_field, True
    known = ", ".join(fields) or "keine"
    raise SigningError(
        f"Das Unterschriftsfeld »{field_name}« gibt es in »{pdf_name}« nicht (vorhanden: {known}).",
        where,
    )


def _default_field(fields: _Fields, visible_box: Box | None, page: int | None) -> tuple[str, SigFieldSpec | None, bool]:
    """The office's field when no field is named: »IKZ-Geschaeftsstelle« while it is empty, else a new field
    with a free name (visible with `visible_box`). Returns (its name; the spec of the field to create, None
    for the existing one; whether it is visible)."""
    field_name = DEFAULT_FIELD_NAME
    if field_name in fields and fields[field_name][0] is None:
        return field_name, None, is_visible(fields[field_name][1].get_object())
    field_name = field_name_for(DEFAULT_FIELD_NAME, taken=fields, prefix="")
    new_field = SigFieldSpec(
        sig_field_name=field_name, on_page=page or 0, box=visible_box,  # type: ignore[arg-type]
        readable_field_name=DEFAULT_FIELD_LABEL,
    )
    return field_name, new_field, visible_box is not None


def _prepare_field(writer: IncrementalPdfFileWriter, fields: _Fields, field_name: str, new_field: SigFieldSpec | None,
                   where: Location) -> None:
    """Make the new field, if any, and tag the field's widget (PDF/UA). The field is made here, not while
    signing, so that its widget is tagged in the signed revision."""
    if new_field is not None:
        _check_new_field(writer, new_field, where)
        append_signature_field(writer, new_field)
        label = new_field.readable_field_name or label_from_name(field_name)
    else:
        label = field_label(fields[field_name][1].get_object(), field_name)
    tag_widget_incremental(writer, field_name, label)


def _signed(writer: IncrementalPdfFileWriter, meta: signers.PdfSignatureMetadata, signer: signers.SimpleSigner,
            config: SigningConfig, *, visible: bool, pdf_name: str, where: Location) -> bytes:
    """The signed file: `writer` with the signature in the field `meta` names (it exists by now), with a
    timestamp when the config has a service, with the visible appearance when the field is visible."""
    timestamper = timestamper_for(config)  # faults raise TimestampError (a SigningError) naming the service
    when = dt.datetime.now(BERLIN)
    text_params = {"zeit": datum_zeit(when)}
    out = io.BytesIO()
    pdf_signer = signers.PdfSigner(
        meta, signer, timestamper=timestamper,
        stamp_style=_stamp_style(find_font()) if visible else None,
        new_field_spec=None,
    )
    reserve_key = (id(signer), getattr(config, "timestamp_url", None))
    try:
        outside_event_loop(lambda: pdf_signer.sign_pdf(
            writer, existing_fields_only=True, output=out,
            appearance_text_params=text_params, bytes_reserved=_RESERVED.get(reserve_key),
        ))
    except SigningError:
        raise
    except Exception as exc:
        raise SigningError(
            f"»{pdf_name}« konnte nicht unterschrieben werden ({type(exc).__name__}: {exc}).", where
        ) from None
    signed = out.getvalue()
    _RESERVED.setdefault(reserve_key, _reserved_size(signed))
    return signed


_RESERVED: dict[tuple, int | None] = {}
"""Space pyHanko reserved for the signature container, per signer and timestamp service in this process.

pyHanko estimates it by building a whole trial signature (with a timestamp: from its cached
dummy token), which costs as much as the signature itself; the estimate depends only on the
certificate, the timestamp service and the algorithms, so it is taken once from the first
signed file and passed as `bytes_reserved` from then on."""


def _reserved_size(signed: bytes) -> int | None:
    """The number of hex digits between the angle brackets of the last signature's /Contents."""
    import re

    at = signed.rfind(b"/ByteRange")
    found = re.match(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", signed[at:at + 80]) if at >= 0 else None
    if found is None:
        return None
    gap = int(found[3]) - int(found[2])
    return gap - 2 if gap > 2 else None


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
        from pyhanko.pdf_utils.font.opentype import (
            GlyphAccumulator,
            GlyphAccumulatorFactory,
        )
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


def _asn1_certificate(cert: x509.Certificate) -> asn1_x509.Certificate:
    """A `cryptography` certificate as the asn1crypto object pyHanko signs with (via DER)."""
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_private_key(key) -> asn1_keys.PrivateKeyInfo:
    """A `cryptography` private key as asn1crypto PrivateKeyInfo (via unencrypted PKCS#8 DER, in memory only)."""
    return asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
