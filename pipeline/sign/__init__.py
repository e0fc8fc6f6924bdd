"""Digital signatures for the IKZ PDFs: PAdES baseline (B-B, or B-T with a timestamp).

The modules, one concern each (as in pyHanko):

* `config` – which certificate, timestamp service and trust anchors (``ikz-signatur.toml``);
* `demo` – the demonstration certificate made when none is configured;
* `fields` – empty, named signature fields on the signature lines;
* `signer` – loading the office's key and signing as an incremental update;
* `timestamp` – the timestamp service: German errors, stopping when another signature failed;
* `verification` – who signed each field, when, intact, trusted.

This package exports their public API.
"""

from .config import (
    CONFIG_FILE_NAME,
    ENV_CERTIFICATE,
    ENV_PASSPHRASE,
    PassphraseError,
    SigningConfig,
    load_config,
)
from .demo import (
    DEMO_CA_FILE,
    DEMO_P12_FILE,
    DEMO_PASSPHRASE_FILE,
    ensure_demo_certificate,
)
from .fields import (
    FIELD_PREFIX,
    Box,
    FieldSpec,
    add_signature_fields,
    box_above,
    field_name_for,
    locate_text,
)
from .signer import find_font, load_certificates, load_signer, sign_pdf
from .timestamp import (
    SigningCancelled,
    TimestampError,
    cancel_on,
    check_service,
    raise_if_cancelled,
)
from .verification import FieldStatus, VerifyReport, verify

__all__ = [
    "CONFIG_FILE_NAME",
    "DEMO_CA_FILE",
    "DEMO_P12_FILE",
    "DEMO_PASSPHRASE_FILE",
    "ENV_CERTIFICATE",
    "ENV_PASSPHRASE",
    "FIELD_PREFIX",
    "Box",
    "FieldSpec",
    "FieldStatus",
    "PassphraseError",
    "SigningCancelled",
    "SigningConfig",
    "TimestampError",
    "VerifyReport",
    "add_signature_fields",
    "box_above",
    "cancel_on",
    "check_service",
    "ensure_demo_certificate",
    "field_name_for",
    "find_font",
    "load_certificates",
    "load_config",
    "load_signer",
    "locate_text",
    "raise_if_cancelled",
    "sign_pdf",
    "verify",
]
