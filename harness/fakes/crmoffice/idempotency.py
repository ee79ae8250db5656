"""Idempotency-Key memory of POST: a repeated key replays the first creation for 24 hours.

seen = keys.lookup("contacts", key, body, now)     # None, a Remembered, or IDEMPOTENCY_CONFLICT
keys.remember("contacts", key, body, now, record_id, table.first_values(record))
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, NamedTuple

from harness.fakes.crmoffice.contract import Value

WINDOW = timedelta(hours=24)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Replay:
    record_id: int
    body: dict[str, Any]  # the record as the first answer rendered it


class Remembered(NamedTuple):
    """A key's first creation, kept small: a large import remembers one per record."""

    fingerprint: bytes  # digest of the request body
    at: datetime
    record_id: int
    values: tuple[Value, ...]  # the record's values as created (Table.first_values)


Conflict = Literal["conflict"]
IDEMPOTENCY_CONFLICT: Conflict = "conflict"


@dataclass
class IdempotencyKeys:
    # type -> digest of the key -> what it created; a digest is half a long key's size
    _entries: dict[str, dict[bytes, Remembered]] = field(default_factory=dict)

    def lookup(
        self, type_name: str, key: str, body: Any, now: datetime
    ) -> Remembered | Conflict | None:
        entry = self._entries.get(type_name, {}).get(_digest(key))
        if entry is None or now - entry.at >= WINDOW:
            return None
        return entry if entry.fingerprint == _fingerprint(body) else IDEMPOTENCY_CONFLICT

    def remember(
        self,
        type_name: str,
        key: str,
        body: Any,
        now: datetime,
        record_id: int,
        values: tuple[Value, ...],
    ) -> None:
        entry = Remembered(_fingerprint(body), now, record_id, values)
        self._entries.setdefault(type_name, {})[_digest(key)] = entry


def _fingerprint(body: Any) -> bytes:
    # Same JSON value, same request: key order and whitespace do not make a body different.
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return _digest(canonical)


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
