"""Salesforce record ids: key prefix, 12 more characters, and the 3-character case-safe suffix.

    ids = IdFactory(); ids.new("003")          # '003RO0000000001AAA'-style 18-character id
    to18("a0BA0000000L2ZC") == "a0BA0000000L2ZCMA0"

The suffix lets case-insensitive tools tell ids apart: each 5-character chunk of the 15-character
id gives one letter, whose value has bit i set when character i of the chunk is upper case.
"""

from __future__ import annotations

import re
import threading

_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ID_SHAPE = re.compile(r"[a-zA-Z0-9]{15}(?:[a-zA-Z0-5]{3})?")
POD = "RO0"  # the 3 characters after the key prefix: instance and reserved digit, as real ids


def checksum(id15: str) -> str:
    """The 3-character suffix of a 15-character id."""
    if len(id15) != 15:
        raise ValueError(f"a 15-character id is needed for the checksum, got {id15!r}")
    letters = []
    for start in (0, 5, 10):
        bits = sum(1 << i for i, ch in enumerate(id15[start : start + 5]) if "A" <= ch <= "Z")
        letters.append(_SUFFIX_ALPHABET[bits])
    return "".join(letters)


def is_id(value: object) -> bool:
    """True when value is a well-formed 15- or 18-character id (18: with a matching suffix)."""
    if not isinstance(value, str) or _ID_SHAPE.fullmatch(value) is None:
        return False
    # The API accepts the suffix in any case, since its whole point is case-insensitivity.
    return len(value) == 15 or value[15:].upper() == checksum(value[:15])


def to18(value: str) -> str:
    """The canonical 18-character form of a 15- or 18-character id; ValueError if malformed."""
    if not is_id(value):
        raise ValueError(f"malformed id {value!r}")
    return value[:15] + checksum(value[:15])


def key_prefix(value: str) -> str:
    return value[:3]


class IdFactory:
    """Hands out fresh ids per key prefix, in order, so tests see stable, sortable ids."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}
        self._lock = threading.Lock()

    def new(self, prefix: str) -> str:
        if len(prefix) != 3:
            raise ValueError(f"a key prefix has 3 characters, got {prefix!r}")
        with self._lock:
            number = self._next.get(prefix, 1)
            self._next[prefix] = number + 1
        return to18(prefix + POD + _base62(number, width=9))


def _base62(number: int, *, width: int) -> str:
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(_BASE62[rest])
    return "".join(reversed(digits)).rjust(width, "0")
