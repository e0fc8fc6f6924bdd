"""Which parts of a context a template read while rendering.

A document's content is determined by the values its template read, not by
the whole context: the Projektauftrag template, say, may never print the
participants of a project's follow-ups although its context carries them.
Rendering therefore hands the template `Node` and `NodeList` containers that
log every value taken out of them. The log (`Reads`) is stored with the
rendered document; the next run projects the new context onto the same paths
(`projection`) and reuses the document when that projection is unchanged.

This is sound for the same reason memoisation with read sets is: a template
only branches on values it read, so while those values are equal, the same
branches run and print the same values. Anything but a plain key lookup
(iterating, ``len``, truth value, printing a whole dict or list, filters) logs
the whole container, so the log errs on the side of too much.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

__all__ = ["Node", "NodeList", "Reads", "projection"]

Path = tuple[str, ...]


class Reads:
    """The set of context paths a rendering read (a path: the keys from the root)."""

    def __init__(self, paths: set[Path] | None = None):
        self.paths: set[Path] = set(paths or ())

    def add(self, path: Path) -> None:
        self.paths.add(path)

    def to_json(self) -> str:
        return json.dumps(sorted(list(p) for p in self.paths), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "Reads":
        return cls({tuple(p) for p in json.loads(text)})


class Node(dict):
    """A context dict for the template: knows its path (for error messages) and logs reads."""

    __slots__ = ("_path", "_keys", "_reads")

    def __init__(self, items, path: str, keys: Path = (), reads: Reads | None = None):
        super().__init__(items)
        self._path = path
        self._keys = keys
        self._reads = reads

    def _whole(self) -> None:
        if self._reads is not None:
            self._reads.add(self._keys)

    def __getitem__(self, key):
        value = dict.__getitem__(self, key)
        if self._reads is not None and not isinstance(value, (Node, NodeList)):
            self._reads.add((*self._keys, key))
        return value

    def get(self, key, default=None):
        if dict.__contains__(self, key):
            return self[key]
        self._whole()
        return default

    def __contains__(self, key) -> bool:
        self._whole()
        return dict.__contains__(self, key)

    def __iter__(self):
        self._whole()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._whole()
        return dict.__len__(self)

    def keys(self):
        self._whole()
        return dict.keys(self)

    def values(self):
        self._whole()
        return dict.values(self)

    def items(self):
        self._whole()
        return dict.items(self)

    def __repr__(self) -> str:
        self._whole()
        return dict.__repr__(self)

    __str__ = __repr__


class NodeList(list):
    """A context list for the template; any use of it logs the whole list."""

    __slots__ = ("_keys", "_reads")

    def __init__(self, items, keys: Path = (), reads: Reads | None = None):
        super().__init__(items)
        self._keys = keys
        self._reads = reads

    def _whole(self) -> None:
        if self._reads is not None:
            self._reads.add(self._keys)

    def __iter__(self):
        self._whole()
        return list.__iter__(self)

    def __len__(self) -> int:
        self._whole()
        return list.__len__(self)

    def __getitem__(self, index):
        self._whole()
        return list.__getitem__(self, index)

    def __contains__(self, value) -> bool:
        self._whole()
        return list.__contains__(self, value)

    def __reversed__(self):
        self._whole()
        return list.__reversed__(self)

    def __repr__(self) -> str:
        self._whole()
        return list.__repr__(self)

    __str__ = __repr__


_MISSING = object()


def _at(context: Mapping, path: Path):
    value = context
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return _MISSING
        value = value[key]
    return value


def projection(context: Mapping, reads: Reads | None) -> object:
    """The part of `context` at the read paths, as {path: value}; the whole context when
    `reads` is None (nothing known yet). A path no longer present is marked as missing."""
    if reads is None:
        return context
    return [[list(path), "<fehlt>" if (value := _at(context, path)) is _MISSING else value]
            for path in sorted(reads.paths)]
