"""Writing files safely: a reader sees the old file or the new one, never a half-written one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["backup", "write_atomic"]


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> Path:
    """Write `data` to `path` through a temporary file in the same folder and
    an atomic rename. `mode`: file permissions; default: those of the file
    being replaced, or for a new file what the umask allows (0666 & ~umask),
    as for any file a user creates (mkstemp alone would give 0600)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is None:
            mode = _default_mode(path)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def _default_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def backup(path: Path) -> Path:
    """Copy `path` to a new sibling ``name.sicherung-YYYYMMDD-HHMMSS.ext`` before it is overwritten."""
    import datetime as dt
    import shutil

    path = Path(path)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.sicherung-{stamp}{path.suffix}")
    n = 2
    while target.exists():
        target = path.with_name(f"{path.stem}.sicherung-{stamp}-{n}{path.suffix}")
        n += 1
    shutil.copy2(path, target)
    return target
