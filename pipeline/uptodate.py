"""Is the last run still current? Decided from the manifest alone.

Staff rerun ``make report`` after every correction; most reruns change
nothing. Every run records in its manifest the digests of everything its
outputs were made from (`Fingerprint`): the workbook file, every file in the
templates folder, the code, the converter (LibreOffice build, fonts), the
signing configuration and the certificate. When all of them are unchanged and
every delivered file is still as recorded, the outputs are current: no
workbook parsing, no pyHanko, no LibreOffice. Any difference, or anything this
module cannot read, sends the run down the full (incremental) path, which
decides file by file.

This module must stay light: it imports nothing beyond the standard library,
`digest` and `store`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from . import __version__
from .digest import key_of, sha256_file
from .store import Manifest, ManifestEntry, RunResult

PACKAGE_DIR = Path(__file__).resolve().parent

CERTIFICATE_ENV = "IKZ_SIGNATUR_ZERTIFIKAT"
"""The environment variable that names a certificate (see sign.config); it changes what is signed with."""


NOT_OUTPUT_CODE = ("web",)
"""Subpackages that make no output (the web application): a change there leaves every output current."""


def code_version() -> str:
    """Digest of the package's own source: a code change invalidates all outputs."""
    sources = [(str(path.relative_to(PACKAGE_DIR)), sha256_file(path)) for path in sorted(PACKAGE_DIR.rglob("*.py"))
               if path.relative_to(PACKAGE_DIR).parts[0] not in NOT_OUTPUT_CODE]
    return key_of(__version__, sources)[:16]


def _file_digest(path: Path) -> str:
    try:
        return sha256_file(path)
    except OSError:
        return "-"


def fingerprint(workbook: Path, templates: Path, config_file: Path | None, certificate: Path,
                converter: str, code: str, environ: Mapping[str, str] = os.environ) -> dict[str, object]:
    """Digests of everything a run's outputs are made from (stored in the manifest as ``inputs``)."""
    template_files = sorted(p for p in Path(templates).glob("*") if p.is_file() and not p.name.startswith("~$"))
    return {
        "workbook": _file_digest(Path(workbook)),
        "templates": {p.name: _file_digest(p) for p in template_files},
        "config": _file_digest(Path(config_file)) if config_file is not None else "-",
        "certificate_env": environ.get(CERTIFICATE_ENV, ""),
        "certificate": _file_digest(Path(certificate)),
        "converter": converter,
        "code": code,
    }


def current_outputs(workbook: Path, outputs: Path, templates: Path, config_file: Path | None,
                    environ: Mapping[str, str] = os.environ, wait: float = 0.0) -> RunResult | None:
    """The last run's result when nothing it was made from has changed and its files are intact; else None.

    Like a full run it holds the outputs' lock while it looks (another run in progress: OutputError after
    `wait` seconds, as there), so it never reports a folder that is being replaced.
    """
    import time

    from .store import OutputStore

    started = time.monotonic()
    store = OutputStore(Path(outputs), Path(workbook).stem)
    if not (store.final / "manifest.json").is_file():
        return None
    with store.locked(wait=wait):
        return _current(workbook, store.final, templates, config_file, environ, started)


def _current(workbook: Path, folder: Path, templates: Path, config_file: Path | None,
             environ: Mapping[str, str], started: float) -> RunResult | None:
    import time

    from .convert import converter_identity

    manifest = Manifest.load(folder / "manifest.json")
    if manifest is None or not manifest.inputs or manifest.certificate is None:
        return None
    now = fingerprint(workbook, templates, config_file, Path(manifest.certificate), converter_identity(),
                      code_version(), environ)
    if now != manifest.inputs:
        return None
    if not all(_intact(folder, e, manifest.stats) for e in manifest.entries):
        return None  # e.g. a council signed a file in the outputs: the full run keeps that copy
    bundles = sum(1 for e in manifest.entries if e.documents)
    reused = tuple(ManifestEntry(**{**e.__dict__, "reused": True}) for e in manifest.entries)
    return RunResult(
        folder=folder, manifest=Manifest(**{**manifest.__dict__, "entries": reused}),
        built=0, reused=len(manifest.entries) - bundles, bundles_built=0, bundles_reused=bundles,
        warnings=manifest.warnings, demo_certificate=manifest.demo_certificate,
        seconds=time.monotonic() - started,
    )


def _intact(folder: Path, entry: ManifestEntry, stats: Mapping[str, list[int]]) -> bool:
    """The delivered files are as recorded: with the recorded size and modification time (a file
    signed by a council, or edited, has others), or byte for byte where a manifest has none."""

    def same(rel: str, sha256: str | None) -> bool:
        recorded = stats.get(rel)
        if recorded is not None:
            st = (folder / rel).stat()
            return [st.st_size, st.st_mtime_ns] == list(recorded)
        return sha256_file(folder / rel) == sha256

    try:
        return same(entry.path, entry.sha256) and (entry.docx is None or same(entry.docx, entry.docx_sha256))
    except OSError:
        return False
