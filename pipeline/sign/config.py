"""Signing configuration: which certificate, which timestamp service, which trust anchors.

The passphrase of the PKCS#12 file is never written to a log, a repr or an error message.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Location, SigningError

ENV_CERTIFICATE = "IKZ_SIGNATUR_ZERTIFIKAT"

ENV_PASSPHRASE = "IKZ_SIGNATUR_PASSWORT"

CONFIG_FILE_NAME = "ikz-signatur.toml"

CONFIG_KEYS = ("zertifikat", "zeitstempel_url", "zeitstempel_wartezeit", "vertrauensanker")

TIMESTAMP_TIMEOUT_S = 30.0
"""How long one request to the timestamp service may take (``zeitstempel_wartezeit``)."""


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
    timestamp_timeout: float = TIMESTAMP_TIMEOUT_S
    """Seconds one request to the timestamp service may take."""

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
    timestamp_timeout = float(settings.get("zeitstempel_wartezeit", TIMESTAMP_TIMEOUT_S))  # type: ignore[arg-type]
    anchors = settings.get("vertrauensanker", ())
    trust_roots = tuple(_resolve(base, str(p)) for p in anchors) if isinstance(anchors, (list, tuple)) else ()

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
        timestamp_timeout=timestamp_timeout,
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
    wait = data.get("zeitstempel_wartezeit")
    if wait is not None and (isinstance(wait, bool) or not isinstance(wait, (int, float)) or not 0 < wait <= 600):
        raise SigningError(
            "»zeitstempel_wartezeit« muss eine Anzahl Sekunden sein (mehr als 0, höchstens 600), "
            f"z. B. zeitstempel_wartezeit = 30 (gefunden: »{wait}«).",
            where,
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
