"""pipeline.digest: file digests and the canonical form build keys are made of."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
from pathlib import Path

import pytest

from pipeline.digest import canonical, key_of, sha256_bytes, sha256_file
from pipeline.markup import parse


def test_file_and_bytes_digests_are_sha256(tmp_path):
    data = b"IKZ" * 500_000  # more than one read chunk
    (tmp_path / "a.bin").write_bytes(data)
    assert sha256_file(tmp_path / "a.bin") == hashlib.sha256(data).hexdigest() == sha256_bytes(data)


def test_equal_values_give_equal_keys_whatever_the_order_of_a_mapping():
    assert key_of({"b": 1, "a": [1, 2]}) == key_of({"a": [1, 2], "b": 1})
    assert key_of({2: "x", 1: "y"}) == key_of({1: "y", 2: "x"})
    assert key_of({"x", "y", "z"}) == key_of({"z", "y", "x"})
    assert key_of((1, 2)) == key_of([1, 2])  # tuples and lists are the same data


def test_different_values_give_different_keys():
    pairs = [
        (1, "1"), (1, 1.0), (True, 1), (None, ""), ("a", "b"), ([1, 2], [2, 1]),
        (dt.date(2025, 10, 31), dt.date(2025, 11, 1)), (Path("a/b"), Path("a/c")), (b"x", b"y"),
        ({"a": 1}, {"a": 2}), ({"a": 1}, {"b": 1}),
    ]
    for left, right in pairs:
        assert key_of(left) != key_of(right), (left, right)
    assert key_of("a", "b") != key_of("ab")  # the parts stay apart


def test_dataclasses_carry_their_type_and_every_field():
    @dataclasses.dataclass(frozen=True)
    class A:
        x: int
        y: str = "y"

    @dataclasses.dataclass(frozen=True)
    class B:
        x: int
        y: str = "y"

    assert canonical(A(1)) == {"__type__": "A", "x": 1, "y": "y"}
    assert key_of(A(1)) != key_of(B(1))
    assert key_of(A(1)) != key_of(A(1, "z"))
    assert key_of(parse("**fett**")) != key_of(parse("fett"))  # the markup's runs count, not only the text


def test_enums_dates_and_bytes_have_a_stable_plain_form():
    class Farbe(enum.Enum):
        ROT = "rot"

    assert canonical(Farbe.ROT) == ["Farbe", "rot"]
    assert canonical(dt.datetime(2026, 1, 1, 9, 30)) == "2026-01-01T09:30:00"
    assert canonical(b"abc") == sha256_bytes(b"abc")
    assert canonical(0.1) == "0.1"


def test_no_canonical_form_for_anything_else(tmp_path):
    with open(tmp_path / "f", "w") as handle, pytest.raises(TypeError, match="no canonical form"):
        key_of(handle)
    with pytest.raises(TypeError):
        key_of(object())
