"""What a fake received: one entry per API call, for call-budget assertions.

    fake.calls.count(kind="write")            # writes to this system so far
    fake.calls.by_route()                     # {"query": 5, "composite.sobjects.patch": 50}
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

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


@dataclass
class CallLog:
    system: str
    _calls: list[Call] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)

    def all(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def count(self, *, route: str | None = None, kind: CallKind | None = None) -> int:
        return sum(
            1
            for call in self.all()
            if (route is None or call.route == route) and (kind is None or call.kind == kind)
        )

    def by_route(self) -> dict[str, int]:
        return dict(Counter(call.route for call in self.all()))

    def mark(self) -> int:
        """A position to count from: calls.since(mark) gives what came after."""
        with self._lock:
            return len(self._calls)

    def since(self, mark: int) -> list[Call]:
        with self._lock:
            return list(self._calls[mark:])

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
