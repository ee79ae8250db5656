"""Scripted faults per route: the next N calls to a route answer with a fault.

fake.faults.inject("query", FaultKind.RATE_LIMITED, times=2, retry_after=1)
fake.faults.inject("composite.sobjects.*", FaultKind.RECORD_FAILURE, record_index=1)
fake.faults.inject("contacts.create", FaultKind.LOST_RESPONSE)  # written, answer lost
"""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import dataclass, field
from enum import StrEnum


class FaultKind(StrEnum):
    RATE_LIMITED = "rate_limited"  # 429 with Retry-After
    UNAVAILABLE = "unavailable"  # 503
    TIMEOUT = "timeout"  # no answer in time (transport)
    RESET = "reset"  # connection reset by peer (transport)
    SESSION_EXPIRED = "session_expired"  # 401 INVALID_SESSION_ID / invalid_token
    ROW_LOCKED = "row_locked"  # Salesforce UNABLE_TO_LOCK_ROW
    RECORD_FAILURE = "record_failure"  # one record inside a Collections call fails
    LOST_RESPONSE = "lost_response"  # the fake applies the call, then the answer times out

    @property
    def is_transport(self) -> bool:
        return self in (FaultKind.TIMEOUT, FaultKind.RESET)


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    retry_after: float = 1.0
    record_index: int = 0  # RECORD_FAILURE: which record of the batch fails
    error_code: str = "UNABLE_TO_LOCK_ROW"  # RECORD_FAILURE: the statusCode it fails with
    message: str = ""


@dataclass
class _Scripted:
    route_glob: str
    fault: Fault
    remaining: int
    fired: int = 0


@dataclass
class FaultPlan:
    """Faults waiting to fire, matched against route names with shell-style globs."""

    _scripted: list[_Scripted] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def inject(
        self, route_glob: str, kind: FaultKind | str, *, times: int = 1, **params: object
    ) -> Fault:
        if times < 1:
            raise ValueError(f"times must be at least 1, got {times}")
        fault = Fault(kind=FaultKind(kind), **params)  # type: ignore[arg-type]
        with self._lock:
            self._scripted.append(_Scripted(route_glob, fault, times))
        return fault

    def take(self, route_name: str) -> Fault | None:
        """The fault for this call to route_name, if one is scripted; consumes it."""
        with self._lock:
            for entry in self._scripted:
                if entry.remaining and fnmatch.fnmatchcase(route_name, entry.route_glob):
                    entry.remaining -= 1
                    entry.fired += 1
                    return entry.fault
        return None

    def pending(self) -> list[tuple[str, FaultKind, int]]:
        with self._lock:
            return [
                (e.route_glob, e.fault.kind, e.remaining) for e in self._scripted if e.remaining
            ]

    def fired(self) -> int:
        with self._lock:
            return sum(e.fired for e in self._scripted)

    def clear(self) -> None:
        with self._lock:
            self._scripted.clear()
