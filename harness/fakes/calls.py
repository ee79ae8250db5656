"""What a fake received: one entry per API call, for call-budget assertions.

fake.calls.count(kind="write")            # writes to this system so far
fake.calls.by_route()                     # {"query": 5, "composite.sobjects.patch": 50}
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

CallKind = Literal["read", "write"]


@dataclass(frozen=True)
class Call:
    system: str
    route: str
    kind: CallKind
    method: str
    path: str
    status: int
    at: datetime


# route, kind, method, path, status, at: a large import logs a call per record, so the log
# keeps plain tuples with shared strings and makes Call objects only when asked.
_Row = tuple[str, CallKind, str, str, int, datetime]


# Told of every answered call with the request it answered (a FakeRequest): the checklist uses
# it to make a person's edit land in the middle of an engine's cycle, right after a given read.
CallListener = Callable[[Call, Any], None]


@dataclass
class CallLog:
    system: str
    _rows: list[_Row] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    listeners: list[CallListener] = field(default_factory=list)

    def notify(self, call: Call, request: Any) -> None:
        for listener in list(self.listeners):
            listener(call, request)

    def record(self, call: Call) -> None:
        row = (
            sys.intern(call.route),
            call.kind,
            sys.intern(call.method),
            sys.intern(call.path),
            call.status,
            call.at,
        )
        with self._lock:
            self._rows.append(row)

    def all(self) -> list[Call]:
        with self._lock:
            rows = list(self._rows)
        return [self._call(row) for row in rows]

    def count(self, *, route: str | None = None, kind: CallKind | None = None) -> int:
        with self._lock:
            return sum(
                1
                for row in self._rows
                if (route is None or row[0] == route) and (kind is None or row[1] == kind)
            )

    def by_route(self) -> dict[str, int]:
        with self._lock:
            return dict(Counter(row[0] for row in self._rows))

    def mark(self) -> int:
        """A position to count from: calls.since(mark) gives what came after."""
        with self._lock:
            return len(self._rows)

    def since(self, mark: int) -> list[Call]:
        with self._lock:
            rows = self._rows[mark:]
        return [self._call(row) for row in rows]

    def reset(self) -> None:
        with self._lock:
            self._rows.clear()

    def _call(self, row: _Row) -> Call:
        return Call(self.system, *row)
