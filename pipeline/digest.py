"""Digests: of files, and of what an output is made from (build keys).

A build key is the SHA-256 of a canonical serialisation of everything an
output consumes. `canonical` turns the values the pipeline passes around
(dicts, lists, dataclasses such as RichText or ParticipationTable, dates)
into plain JSON data, deterministically; anything it does not know is an
error, so no input can slip into a document without entering its key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
from collections.abc import Mapping
from pathlib import PurePath

__all__ = ["canonical", "key_of", "sha256_bytes", "sha256_file"]


def sha256_file(path) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def canonical(value: object) -> object:
    """`value` as plain JSON data that is equal exactly when the values are.

    Dataclasses carry their class name (an IndentedText is not a RichText),
    mappings are sorted by key, tuples and lists become lists, dates their
    ISO form. Raises TypeError on anything else (e.g. an open file).
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, enum.Enum):
        return [type(value).__name__, canonical(value.value)]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"__type__": type(value).__name__,
                **{f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, Mapping):
        if all(type(k) is str for k in value):  # the usual case: sorted by the keys themselves
            return {"__map__": [[k, canonical(value[k])] for k in sorted(value)]}
        return {"__map__": sorted(([canonical(k), canonical(v)] for k, v in value.items()),
                                  key=lambda kv: json.dumps(kv[0], sort_keys=True, ensure_ascii=False))}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, bytes):
        return sha256_bytes(value)
    raise TypeError(f"no canonical form for {type(value).__name__}")


def key_of(*parts: object) -> str:
    """Build key: the SHA-256 of the canonical form of `parts`."""
    text = json.dumps(canonical(parts), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
