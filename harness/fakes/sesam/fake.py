"""FakeSesamNode: a working, stateful Sesam node answering the Service API sesamclient uses.

    node = FakeSesamNode(clock, jwt=issue_jwt(clock.now() + timedelta(hours=1)), pipes=[...])
    mount(rsps, node)   # or serve(node); sesamclient.Connection(node.api_url, jwt_auth_token=...)

The caller defines the pipes (PipeSpec: id, backend, enabled, sources); see pipes.py for the
backend a pump runs and pump.py for how long a run lasts (status reads, not clock time). The
test-facing methods below change the node without an API call, so they are not in node.calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from harness.clock import Clock
from harness.fakes.calls import CallLog
from harness.fakes.faults import Fault, FaultKind, FaultPlan
from harness.fakes.http import FakeRequest, FakeResponse, Route
from harness.fakes.sesam import bodies
from harness.fakes.sesam.handlers import NodeApi
from harness.fakes.sesam.pipes import Backend, PipeSpec
from harness.fakes.sesam.pump import FakePump
from harness.fakes.sesam.state import NodeState

DEFAULT_API_URL = "https://datahub-talkqa.sesam.test/api"


class FakeSesamNode:
    name = "sesam"

    def __init__(
        self,
        clock: Clock,
        *,
        jwt: str,
        pipes: Sequence[PipeSpec] = (),
        api_url: str = DEFAULT_API_URL,
    ) -> None:
        self.clock = clock
        self.api_url = api_url.rstrip("/")
        self.faults = FaultPlan()
        self.calls = CallLog(self.name)
        self.state = NodeState(clock, pipes, tokens=[jwt])
        parts = urlsplit(self.api_url)
        host = f"{parts.scheme}://{parts.netloc}"
        self.hosts: tuple[str, ...] = (host,)
        self._routes = NodeApi(self.state).routes(prefix=parts.path, hosts=self.hosts)

    # --- FakeService -----------------------------------------------------------------------

    @property
    def routes(self) -> Sequence[Route]:
        return self._routes

    def render_fault(self, fault: Fault, request: FakeRequest, route: Route) -> FakeResponse:
        if fault.kind is FaultKind.RATE_LIMITED:
            headers = {"Retry-After": str(int(fault.retry_after))}
            return bodies.error(429, "too many requests", headers)
        if fault.kind is FaultKind.SESSION_EXPIRED:
            return bodies.unauthorized("the JWT has expired", token_sent=True)
        return bodies.error(503, fault.message or "the node is unavailable")

    def unknown_route(self, request: FakeRequest, allowed: Sequence[str]) -> FakeResponse:
        if allowed:
            methods = ", ".join(sorted(set(allowed)))
            return bodies.error(405, f"{request.method} is not allowed here; allowed: {methods}")
        return bodies.error(
            404,
            f"no resource at {request.method} {request.path}; the fake node serves /pipes,"
            " /pipes/{id}, /pipes/{id}/pump, /pipes/{id}/log and /datasets[/{id}[/entities]]",
        )

    # --- the test's hands on the node ------------------------------------------------------

    def pump(self, pipe_id: str) -> FakePump:
        with self.state.lock:
            if pipe_id not in self.state.pumps:
                known = ", ".join(self.state.pumps) or "none"
                raise KeyError(f"no pipe {pipe_id!r} in FakeSesamNode; pipes: {known}")
            return self.state.pumps[pipe_id]

    def add_pipe(self, spec: PipeSpec) -> None:
        with self.state.lock:
            self.state.add(spec)

    def set_backend(self, pipe_id: str, backend: Backend) -> None:
        with self.state.lock:
            pump = self.pump(pipe_id)
            pump.spec = replace(pump.spec, backend=backend)

    def set_run_polls(self, pipe_id: str, run_polls: int | None) -> None:
        """How many status reads the pipe's next runs last (None: they never finish)."""
        with self.state.lock:
            pump = self.pump(pipe_id)
            pump.spec = replace(pump.spec, run_polls=run_polls)

    def fail_next_run(self, pipe_id: str, message: str, *, times: int = 1) -> None:
        """The pipe's next runs fail with this message (its backend is not called)."""
        with self.state.lock:
            self.pump(pipe_id).fail_next(message, times)

    def hang_next_run(self, pipe_id: str) -> None:
        """The pipe's next run never finishes: is-running stays true."""
        with self.state.lock:
            self.pump(pipe_id).hang_next()

    def set_enabled(self, pipe_id: str, enabled: bool) -> None:
        with self.state.lock:
            self.pump(pipe_id).enabled = enabled

    def accept_jwt(self, jwt: str) -> None:
        with self.state.lock:
            self.state.tokens.add(jwt)
            self.state.revoked.discard(jwt)

    def expire_jwts(self) -> None:
        """Every JWT accepted so far answers 401 from now on."""
        with self.state.lock:
            self.state.revoked |= self.state.tokens

    def entities(self, dataset_id: str) -> list[dict[str, Any]]:
        """The latest version of every entity in a dataset."""
        with self.state.lock:
            return self.state.dataset(dataset_id).latest()

    def start_order(self) -> list[str]:
        """Pipe ids in the order runs were started through the API."""
        with self.state.lock:
            return list(self.state.starts)

    def runs(self, pipe_id: str) -> int:
        """How many runs of the pipe have ended (completed or failed)."""
        with self.state.lock:
            return self.pump(pipe_id).runs
