"""Where the web application works and its limits."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

MB = 1024 * 1024


@dataclass(frozen=True)
class WebConfig:
    root: Path = Path(".")
    """The project folder: inputs/, templates/, outputs/, .ikz/ and the data folder lie in it (as for the CLI)."""
    data_name: str = "daten"
    host: str = "127.0.0.1"
    port: int = 8000
    tls_cert: Path | None = None
    tls_key: Path | None = None
    behind_proxy: bool = False
    """TLS is terminated by a reverse proxy in front (cookies are sent Secure; forwarded addresses trusted)."""
    proxies: tuple[str, ...] = ()
    """Addresses of the reverse proxy: only from these is the SSO header or X-Forwarded-For believed."""
    sso_header: str | None = None
    """Name of the header in which the reverse proxy names the logged-in user (single sign-on); off when None."""
    max_workbook: int = 20 * MB
    max_pdf: int = 50 * MB
    max_template: int = 20 * MB
    max_request: int = 210 * MB
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)

    @property
    def inputs(self) -> Path:
        return self.root / "inputs"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def outputs(self) -> Path:
        return self.root / "outputs"

    @property
    def state(self) -> Path:
        return self.root / ".ikz"

    @property
    def data(self) -> Path:
        return self.root / self.data_name

    @property
    def signing_config(self) -> Path:
        return self.root / "ikz-signatur.toml"

    @property
    def secure(self) -> bool:
        return self.tls_cert is not None or self.behind_proxy


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
