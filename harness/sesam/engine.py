"""SesamEngine: the SyncEngine whose system under test is a Sesam node running Talk's pipes.

    engine = SesamEngine(settings, flows_from_mapping(load_mapping()))  # checks the pipes
    report = engine.run_cycle(); engine.reset_watermarks(); engine.close()

The engine holds no sync state of its own: links, watermarks and datasets live on the node.
It starts pumps and reads what they did, through sesamclient (node.py), and stops at start
with one ConfigError line when a pipe Talk's naming expects is missing or disabled.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import requests

from harness.clock import Clock, SystemClock
from harness.engine.report import RunReport
from harness.errors import ConfigError, UnsupportedByEngineError
from harness.sesam.counts import run_report
from harness.sesam.naming import Role, TalkFlow, pipe_set
from harness.sesam.node import SesamNodeClient
from harness.sesam.overrides import load_overrides
from harness.sesam.plan import PlannedPipe, missing_or_disabled, resolve
from harness.sesam.rounds import Rounds
from harness.sesam.runner import Deadline, PumpRunner
from harness.sesam.settings import SesamSettings

# The Service API restarts a whole node only (POST /api/admin operation=restart, an admin
# right on a shared subscription), and this engine has no process state to lose: its state is
# on the node. restart() reconnects, which proves nothing, so restart items are skipped.
CANNOT_RESTART = (
    "the Sesam engine keeps no state outside the node, and the Service API can restart only a"
    " whole node (POST /api/admin operation=restart, an admin right); a restart scenario would"
    " prove nothing about Talk"
)


class SesamEngine:
    def __init__(
        self,
        settings: SesamSettings,
        flows: Sequence[TalkFlow],
        *,
        clock: Clock | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        session_factory: Callable[[], requests.Session] | None = None,
    ) -> None:
        if not flows:
            raise ConfigError("the Sesam engine needs at least one flow")
        self.settings, self.flows = settings, list(flows)
        self.clock = clock or SystemClock()
        self.sleep, self.monotonic = sleep, monotonic
        self._session_factory = session_factory
        known = [p.id for p in pipe_set(self.flows)]
        self.planned = resolve(self.flows, load_overrides(settings.pipes_file, known=known))
        self.node, self.sinks = self._connect()

    # --- the SyncEngine protocol -----------------------------------------------------------

    def run_cycle(self) -> RunReport:
        started = self.clock.now()
        deadline = Deadline(self.settings.timeout, self.monotonic)
        runner = PumpRunner(
            self.node, deadline, self.sleep, poll_interval=self.settings.poll_interval
        )
        outcomes = Rounds(self.planned, self.sinks, runner, self.node).run()
        return run_report(started, self.clock.now(), outcomes, self.flows)

    def restart(self) -> None:
        """Not possible through the Service API (CANNOT_RESTART): raises, so a restart item is
        skipped with the reason rather than passed on a reconnect that proves nothing."""
        raise UnsupportedByEngineError(CANNOT_RESTART)

    def reconnect(self) -> None:
        """A new connection, and every expected pipe checked again."""
        self.node.close()
        self.node, self.sinks = self._connect()

    def reset_watermarks(self) -> None:
        """Unset the collect pipes' last seen: their next runs read their systems whole."""
        for pipe in self.planned:
            if pipe.role is Role.COLLECT:
                self.node.unset_last_seen(pipe.node_id)

    def syncs(self, source_system: str, source_kind: str, target_kind: str) -> bool | None:
        return any(flow.creates(source_system, source_kind, target_kind) for flow in self.flows)

    def close(self) -> None:
        self.node.close()

    # --- start -----------------------------------------------------------------------------

    def node_calls(self) -> dict[str, int]:
        """Service API calls so far, by endpoint (the README's cost of a run)."""
        return dict(self.node.calls.by_endpoint)

    def _connect(self) -> tuple[SesamNodeClient, dict[str, str]]:
        session = self._session_factory() if self._session_factory else None
        node = SesamNodeClient(self.settings, session=session)
        try:
            found = node.pipes()
            problem = missing_or_disabled(self.planned, found, node_url=self.settings.node_url)
        except BaseException:
            node.close()
            raise
        if problem is not None:
            node.close()
            raise ConfigError(problem)
        return node, {p.node_id: found[p.node_id].sink or p.node_id for p in self.planned}

    @property
    def pipes(self) -> list[PlannedPipe]:
        return list(self.planned)
