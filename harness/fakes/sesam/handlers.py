"""The fake node's routes: the part of the Service API sesamclient's Connection, Pipe, Pump and
Dataset call for pipes, pumps, execution logs and dataset entities.

    routes = NodeApi(state).routes(prefix="/api", hosts=("https://node.sesam.test",))

Paths and parameters as swagger_public.yaml (datanav/docs hub/swagger_public.yaml) gives them:
GET /pipes, /pipes/{id}, /pipes/{id}/pump, /pipes/{id}/log; POST /pipes/{id}/pump (form field
`operation`: start, enable, disable, update-last-seen with `last-seen`; others are a 400 that
"doesn't support the operation", which sesamclient turns into PumpDoesNotSupportTheOperation);
GET /datasets, /datasets/{id}, /datasets/{id}/entities, /datasets/{id}/entity?entity_id=.
Every route checks the bearer JWT first (401 before 404), as an API that does not leak what
exists. Ids arrive percent-encoded (sesamclient quotes them with safe="").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, unquote

from harness.fakes.calls import CallKind
from harness.fakes.crmoffice.oauth import bearer_token
from harness.fakes.http import FakeRequest, FakeResponse, Route
from harness.fakes.sesam import bodies
from harness.fakes.sesam.dataset import EntityQuery, FakeDataset
from harness.fakes.sesam.jwt import expired
from harness.fakes.sesam.pump import SUPPORTED_OPERATIONS, FakePump
from harness.fakes.sesam.state import NodeState

Match = re.Match[str]
Guarded = Callable[[FakeRequest, Match], FakeResponse]
_ID = r"(?P<id>[^/]+)"
_TRUE = ("true", "1", "yes")


class BadQueryError(ValueError):
    """A query parameter the node cannot read: a 400."""


class NodeApi:
    def __init__(self, state: NodeState) -> None:
        self.state = state

    def routes(self, *, prefix: str, hosts: tuple[str, ...]) -> tuple[Route, ...]:
        table: list[tuple[str, str, str, CallKind, Guarded]] = [
            ("pipes.list", "GET", "/pipes", "read", self.list_pipes),
            ("pipes.pump.get", "GET", f"/pipes/{_ID}/pump", "read", self.get_pump),
            ("pipes.pump.post", "POST", f"/pipes/{_ID}/pump", "write", self.post_pump),
            ("pipes.log", "GET", f"/pipes/{_ID}/log", "read", self.get_log),
            ("pipes.get", "GET", f"/pipes/{_ID}", "read", self.get_pipe),
            ("datasets.list", "GET", "/datasets", "read", self.list_datasets),
            ("datasets.entities", "GET", f"/datasets/{_ID}/entities", "read", self.entities),
            ("datasets.entity", "GET", f"/datasets/{_ID}/entity", "read", self.entity),
            ("datasets.get", "GET", f"/datasets/{_ID}", "read", self.get_dataset),
        ]
        return tuple(
            Route(name, method, re.escape(prefix) + path, kind, self._guard(handler), hosts)
            for name, method, path, kind, handler in table
        )

    def _guard(self, handler: Guarded) -> Guarded:
        def guarded(request: FakeRequest, match: Match) -> FakeResponse:
            refused = self._refusal(request)
            if refused is not None:
                return refused
            with self.state.lock:
                try:
                    return handler(request, match)
                except BadQueryError as error:
                    return bodies.error(400, str(error))

        return guarded

    def _refusal(self, request: FakeRequest) -> FakeResponse | None:
        token = bearer_token(request)
        if token is None:
            return bodies.unauthorized("no JWT: send Authorization: Bearer <jwt>", token_sent=False)
        if token not in self.state.tokens:
            return bodies.unauthorized("the JWT is not valid for this node", token_sent=True)
        if token in self.state.revoked or expired(token, self.state.clock.now()):
            return bodies.unauthorized("the JWT has expired", token_sent=True)
        return None

    # --- pipes and pumps -------------------------------------------------------------------

    def list_pipes(self, request: FakeRequest, match: Match) -> FakeResponse:
        now = self.state.clock.now()
        return FakeResponse(200, [bodies.pipe_json(p, now) for p in self.state.pumps.values()])

    def get_pipe(self, request: FakeRequest, match: Match) -> FakeResponse:
        return self._with_pump(match, lambda pump: bodies.pipe_json(pump, self.state.poll(pump)))

    def get_pump(self, request: FakeRequest, match: Match) -> FakeResponse:
        return self._with_pump(match, lambda pump: bodies.pump_json(pump, self.state.poll(pump)))

    def get_log(self, request: FakeRequest, match: Match) -> FakeResponse:
        return self._with_pump(match, lambda pump: pump.log.query(_entity_query(request)))

    def post_pump(self, request: FakeRequest, match: Match) -> FakeResponse:
        pump = self.state.pumps.get(_id(match))
        if pump is None:
            return _no_pipe(_id(match), self.state)
        form = _form(request)
        operation = form.get("operation", "")
        now = self.state.clock.now()
        if operation == "start":
            started = pump.start(now)
            if started:
                self.state.starts.append(pump.spec.id)
            return FakeResponse(200 if started else 409, bodies.pump_json(pump, now))
        if operation in ("enable", "disable"):
            pump.enabled = operation == "enable"
        elif operation == "update-last-seen":
            pump.update_last_seen(form.get("last-seen", ""), now)
        else:
            return _unsupported(pump, operation)
        return FakeResponse(200, bodies.pump_json(pump, now))

    def _with_pump(self, match: Match, render: Callable[[FakePump], Any]) -> FakeResponse:
        pump = self.state.pumps.get(_id(match))
        if pump is None:
            return _no_pipe(_id(match), self.state)
        return FakeResponse(200, render(pump))

    # --- datasets --------------------------------------------------------------------------

    def list_datasets(self, request: FakeRequest, match: Match) -> FakeResponse:
        internal = request.param("include-internal-datasets")
        keep_internal = internal is None or internal.lower() in _TRUE
        found = [d for d in self.state.datasets.values() if keep_internal or not _internal(d)]
        return FakeResponse(200, [d.as_json() for d in found])

    def get_dataset(self, request: FakeRequest, match: Match) -> FakeResponse:
        return self._with_dataset(match, lambda dataset: dataset.as_json())

    def entities(self, request: FakeRequest, match: Match) -> FakeResponse:
        return self._with_dataset(match, lambda dataset: dataset.query(_entity_query(request)))

    def entity(self, request: FakeRequest, match: Match) -> FakeResponse:
        dataset = self.state.datasets.get(_id(match))
        found = None if dataset is None else dataset.get(request.param("entity_id") or "")
        if found is None:
            return bodies.error(404, f"no entity {request.param('entity_id')!r} in {_id(match)}")
        return FakeResponse(200, found)

    def _with_dataset(self, match: Match, render: Callable[[FakeDataset], Any]) -> FakeResponse:
        dataset = self.state.datasets.get(_id(match))
        if dataset is None:
            return bodies.error(404, f"no dataset {_id(match)!r} on this node")
        return FakeResponse(200, render(dataset))


def _id(match: Match) -> str:
    return unquote(match.group("id"))


def _internal(dataset: FakeDataset) -> bool:
    return dataset.id.startswith("system:")


def _no_pipe(pipe_id: str, state: NodeState) -> FakeResponse:
    known = ", ".join(state.pumps) or "none"
    return bodies.error(404, f"no pipe {pipe_id!r} on this node; pipes: {known}")


def _unsupported(pump: FakePump, operation: str) -> FakeResponse:
    supported = ", ".join(SUPPORTED_OPERATIONS)
    return bodies.error(
        400,
        f"The pump 'pump:{pump.spec.id}' doesn't support the operation '{operation}'"
        f" (supported: {supported})",
    )


def _form(request: FakeRequest) -> dict[str, str]:
    parsed = parse_qs(request.body.decode("utf-8"), keep_blank_values=True)
    return {key: values[0] for key, values in parsed.items()}


def _entity_query(request: FakeRequest) -> EntityQuery:
    return EntityQuery(
        since=_integer(request, "since"),
        limit=_integer(request, "limit"),
        history=_flag(request, "history", default=True),
        deleted=_flag(request, "deleted", default=True),
        reverse=_flag(request, "reverse", default=False),
    )


def _integer(request: FakeRequest, name: str) -> int | None:
    value = request.param(name)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise BadQueryError(f"{name}={value!r} is not an integer") from None


def _flag(request: FakeRequest, name: str, *, default: bool) -> bool:
    value = request.param(name)
    return default if value is None else value.lower() in _TRUE
