"""The cache of intermediates (.docx, unsigned PDF), shared by all workbooks of a project folder.

Entries are named by their build key (`plan`), so two workbooks that yield
the same document share one entry, and a run never throws away what another
workbook needs. The cache is kept under a size limit by evicting the least
recently used entries; entries the current run uses are never evicted.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .fsutil import write_atomic

__all__ = ["DEFAULT_LIMIT", "BuildCache"]

DEFAULT_LIMIT = 1024 * 1024 * 1024
"""Default size limit of the cache in bytes (1 GiB)."""


class BuildCache:
    """A folder of files named ``<key><suffix>``."""

    def __init__(self, root: Path, limit: int = DEFAULT_LIMIT):
        self.root = Path(root)
        self.limit = limit
        self.used: set[Path] = set()

    def path(self, key: str, suffix: str) -> Path:
        """Where the entry `key` with `suffix` (».docx«, ».pdf«) lies; marks it as used by this run."""
        path = self.root / f"{key}{suffix}"
        self.used.add(path)
        return path

    def get(self, key: str, suffix: str) -> Path | None:
        """The entry's path if it exists (and marks it used), else None."""
        path = self.path(key, suffix)
        return path if path.is_file() else None

    def put(self, key: str, suffix: str, source: Path) -> Path:
        """Move `source` into the cache as the entry `key`."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.path(key, suffix)
        os.replace(source, path)
        return path

    def write(self, key: str, suffix: str, data: bytes) -> Path:
        """Store `data` as the entry `key` (written completely before it gets its name)."""
        self.root.mkdir(parents=True, exist_ok=True)
        return write_atomic(self.path(key, suffix), data)

    def scratch(self, name: str) -> Path:
        """A path for temporary files inside the cache folder (same file system as the entries)."""
        self.root.mkdir(parents=True, exist_ok=True)
        return self.root / f".tmp-{os.getpid()}-{name}"

    def finish(self) -> None:
        """Mark this run's entries as recently used, then evict old entries beyond the size limit."""
        for path in self.used:
            try:
                os.utime(path)
            except OSError:
                pass
        self.prune(self.used)

    def prune(self, keep: Iterable[Path] = ()) -> None:
        """Remove least recently used entries until the cache fits its limit; never those in `keep`."""
        if not self.root.is_dir():
            return
        keep = set(keep)
        entries = []
        total = 0
        for path in self.root.iterdir():
            try:
                st = path.stat()
            except OSError:
                continue
            if not path.is_file():
                continue
            total += st.st_size
            if path not in keep:
                entries.append((st.st_mtime_ns, st.st_size, path))
        for _, size, path in sorted(entries):
            if total <= self.limit:
                break
            path.unlink(missing_ok=True)
            total -= size
