"""Idempotency-Key memory of POST: a repeated key replays the first creation for 24 hours.

    seen = keys.lookup("contacts", key, body, now)     # None, a Replay, or IDEMPOTENCY_CONFLICT
    keys.remember("contacts", key, body, now, Replay(record_id, response_body))
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

WINDOW = timedelta(hours=24)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Replay:
    record_id: int
    body: dict[str, Any]  # the record as the first answer rendered it


@dataclass(frozen=True)
class _Entry:
    fingerprint: str
    at: datetime
    replay: Replay


Conflict = Literal["conflict"]
IDEMPOTENCY_CONFLICT: Conflict = "conflict"


@dataclass
class IdempotencyKeys:
    _entries: dict[tuple[str, str], _Entry] = field(default_factory=dict)

    def lookup(
        self, type_name: str, key: str, body: Any, now: datetime
    ) -> Replay | Conflict | None:
        entry = self._entries.get((type_name, key))
        if entry is None or now - entry.at >= WINDOW:
            return None
        return entry.replay if entry.fingerprint == _fingerprint(body) else IDEMPOTENCY_CONFLICT

    def remember(self, type_name: str, key: str, body: Any, now: datetime, replay: Replay) -> None:
        self._entries[(type_name, key)] = _Entry(_fingerprint(body), now, replay)


def _fingerprint(body: Any) -> str:
    # Same JSON value, same request: key order and whitespace do not make a body different.
    return json.dumps(body, sort_keys=True, separators=(",", ":"))
