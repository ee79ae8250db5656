"""A cycle on the node: rounds of pump runs in dependency order until the flow is at rest.

    outcomes = Rounds(planned, sinks, runner, node).run()

One round walks the pipes in Talk's order (collect, global, transform, share; both systems):
every collect pipe runs (only a run can tell what changed in its system); any other pipe runs
when its queues show pending work. The cycle ends after a round in which no run stored a new
version and no pipe has pending work: a share pipe's writes make its system's collect pipe due
(its dependency on the share dataset), so the next round carries them back the other way. A
pump that fails is not run again this cycle; its last message goes to the report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from harness.errors import FatalError, RetriableError
from harness.sesam.naming import Role
from harness.sesam.node import SesamNodeClient
from harness.sesam.plan import PlannedPipe
from harness.sesam.runner import PumpOutcome, PumpRunner
from harness.sesam.settings import TIMEOUT

# A flow that keeps changing is a ping-pong, not a slow node: stop it before the deadline.
MAX_ROUNDS = 20


class Rounds:
    def __init__(
        self,
        planned: Sequence[PlannedPipe],
        sinks: Mapping[str, str],
        runner: PumpRunner,
        node: SesamNodeClient,
    ) -> None:
        self.planned, self.sinks, self.runner, self.node = planned, sinks, runner, node
        self.outcomes: list[PumpOutcome] = []
        self.failed: set[str] = set()
        self.rounds = 0

    def run(self) -> list[PumpOutcome]:
        while True:
            self.rounds += 1
            changed = self._round()
            if not changed and not self._pending():
                return self.outcomes
            self._check_time()

    def _round(self) -> bool:
        changed = False
        for pipe in self._live():
            if pipe.role is Role.COLLECT or self.node.has_pending_work(pipe.node_id):
                changed = self._run(pipe) or changed
        return changed

    def _run(self, pipe: PlannedPipe) -> bool:
        outcome = self.runner.run(pipe, self.sinks.get(pipe.node_id, pipe.node_id))
        self.outcomes.append(outcome)
        if not outcome.success:
            self.failed.add(pipe.node_id)
        return outcome.success and outcome.changed

    def _pending(self) -> list[str]:
        return [p.node_id for p in self._live() if self.node.has_pending_work(p.node_id)]

    def _live(self) -> list[PlannedPipe]:
        return [p for p in self.planned if p.node_id not in self.failed]

    def _check_time(self) -> None:
        if self.rounds >= MAX_ROUNDS:
            raise FatalError(
                f"Sesam flow still changing after {MAX_ROUNDS} rounds (a ping-pong between the"
                f" systems?); pending work: {self._due()}"
            )
        if self.runner.deadline.passed():
            raise RetriableError(
                f"Sesam flow not at rest after {self.rounds} rounds in the cycle's"
                f" {self.runner.deadline.seconds:g} s ({TIMEOUT}); pending work: {self._due()}"
            )

    def _due(self) -> str:
        return ", ".join(self._pending()) or "none, but the last round still stored changes"
