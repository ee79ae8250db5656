"""Clocks: the real one, and one a test controls so modification times are deterministic.

clock = FakeClock(datetime(2026, 1, 1, tzinfo=UTC)); clock.advance(seconds=5)
stamp = clock.now()        # both fakes of a world share one clock
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that moves only when told to, plus a small tick per reading.

    The tick keeps two writes in a row from sharing a timestamp unless a test wants that
    (tick=timedelta(0)); real systems rarely stamp two edits with the same millisecond.
    """

    def __init__(
        self,
        start: datetime | None = None,
        *,
        tick: timedelta = timedelta(milliseconds=1),
    ) -> None:
        start = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start time")
        self._now = start
        self._tick = tick
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            current = self._now
            self._now = current + self._tick
            return current

    def peek(self) -> datetime:
        """The time now() would return, without ticking."""
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._now += timedelta(**delta)
            return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("FakeClock.set needs a timezone-aware time")
        with self._lock:
            self._now = moment
