"""One pump run on the node, start to end, and what it did (from its execution log and sink).

    outcome = PumpRunner(node, deadline, sleep, poll_interval=2).run(planned_pipe)
    outcome.success, outcome.message, outcome.written, outcome.write_errors

A pump is asynchronous: start returns at once, so the runner reads the pump's status until it
is no longer running, sleeping poll_interval between reads, and gives up with one RetriableError
line when the cycle's deadline passes. Before the start it marks the ends of the pump's
execution log and of its sink dataset, so it reads back exactly this run's log entities and
the entity versions this run stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.errors import RetriableError
from harness.sesam.naming import Role
from harness.sesam.node import SesamNodeClient
from harness.sesam.plan import PlannedPipe
from harness.sesam.settings import TIMEOUT

log = logging.getLogger(__name__)
Entity = dict[str, Any]


@dataclass
class Deadline:
    """A cycle's time budget on a clock the caller gives (time.monotonic, or a test's)."""

    seconds: float
    monotonic: Callable[[], float]
    started: float = field(init=False)

    def __post_init__(self) -> None:
        self.started = self.monotonic()

    def remaining(self) -> float:
        return self.seconds - (self.monotonic() - self.started)

    def passed(self) -> bool:
        return self.remaining() <= 0


@dataclass(frozen=True)
class PumpOutcome:
    pipe: PlannedPipe
    success: bool
    message: str
    written: tuple[Entity, ...]  # new versions in the sink (all of them for a share pipe)
    write_errors: tuple[Entity, ...]  # write-error entities of this run's execution log

    @property
    def changed(self) -> bool:
        return bool(self.written)


class PumpRunner:
    def __init__(
        self,
        node: SesamNodeClient,
        deadline: Deadline,
        sleep: Callable[[float], None],
        *,
        poll_interval: float,
    ) -> None:
        self.node, self.deadline, self.sleep = node, deadline, sleep
        self.poll_interval = poll_interval

    def run(self, pipe: PlannedPipe, sink: str) -> PumpOutcome:
        log_mark = self.node.log_mark(pipe.node_id)
        sink_mark = self.node.dataset_mark(sink)
        self._start(pipe.node_id)
        result = self.node.last_result(pipe.node_id)
        entries = self.node.log_since(pipe.node_id, log_mark)
        # Only a share pipe's versions are counted; any other pipe only needs to know if any.
        limit = None if pipe.role is Role.SHARE else 1
        written = self.node.dataset_since(sink, sink_mark, limit=limit)
        outcome = PumpOutcome(
            pipe,
            result.success is not False,
            result.message,
            tuple(written),
            tuple(e for e in entries if e.get("event_type") == "write-error"),
        )
        log.info("pump %s: success=%s, %s", pipe.node_id, outcome.success, outcome.message)
        return outcome

    def _start(self, pipe_id: str) -> None:
        """Start a run of ours and wait for it; a run already under way is waited out first."""
        if not self.node.start(pipe_id):
            self.wait(pipe_id)
            if not self.node.start(pipe_id):
                raise RetriableError(f"Sesam pump {pipe_id!r} was started by someone else again")
        self.wait(pipe_id)

    def wait(self, pipe_id: str) -> None:
        while self.node.is_running(pipe_id):
            if self.deadline.passed():
                raise RetriableError(
                    f"Sesam pump {pipe_id!r} on {self.node.settings.node_url} was still running"
                    f" after the cycle's {self.deadline.seconds:g} s ({TIMEOUT}); the node is"
                    " busy or the pipe is stuck"
                )
            self.sleep(max(0.0, min(self.poll_interval, self.deadline.remaining())))
