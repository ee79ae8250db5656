"""One engine per state file at a time, across processes: a lock held for each cycle.

    lock = StateLock(Path("state.sqlite"))
    with lock.held():      # StateInUseError naming the file and the holder when taken
        engine_cycle()

Two engines on one state file both saw the same unlinked records and both inserted them
(issue 14: 300 Contacts became 500 in Crmoffice). The lock is filelock's (flock on POSIX),
released by the operating system when its process dies, so a killed engine never leaves a
stale lock behind. Who holds it is written beside it, for the loser's message.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from harness.errors import StateInUseError


class StateLock:
    def __init__(self, state_path: Path) -> None:
        self.state_path = Path(state_path)
        self.lock_path = self.state_path.with_name(self.state_path.name + ".lock")
        self.holder_path = self.state_path.with_name(self.state_path.name + ".holder")
        self._lock = FileLock(self.lock_path, timeout=0)

    @contextmanager
    def held(self) -> Iterator[None]:
        try:
            self._lock.acquire()
        except Timeout:
            raise StateInUseError(
                f"state file {self.state_path} is in use by another engine ({self._holder()});"
                " one engine per state file at a time: wait for it to finish, or give this one"
                " its own --state"
            ) from None
        try:
            self.holder_path.write_text(
                f"pid {os.getpid()} on {socket.gethostname()} since"
                f" {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC",
                "utf-8",
            )
            yield
        finally:
            self._lock.release()

    def _holder(self) -> str:
        try:
            return self.holder_path.read_text("utf-8").strip() or "holder unknown"
        except OSError:
            return "holder unknown"
