"""The one typed door to sesamclient: every Service API call the engine makes goes through here.

    node = SesamNodeClient(settings)                 # sesamclient.Connection(url, jwt_auth_token)
    node.pipes()["salesforce-contact-collect"].enabled; node.start("global-contact")

sesamclient has no type hints; this module keeps its objects inside and hands out plain data.
Every call runs in _calls(), the one place a sesamclient or requests error becomes a talkqa
error (chosen by what the caller should do) with the JWT masked and on one line. The JWT only
ever travels in the Authorization header, which sesamclient never puts in an exception.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
from sesamclient import Connection
from sesamclient.dataset import Dataset
from sesamclient.exceptions import ExceptionWithResponse

from harness.connectors.base import CallCounter
from harness.errors import (
    ApiContractError,
    AuthenticationError,
    ConfigError,
    FatalError,
    RetriableError,
    UnreachableError,
)
from harness.sesam.settings import JWT, SesamSettings

log = logging.getLogger(__name__)
ACCEPT = "application/json,*/*"


@dataclass(frozen=True)
class PipeInfo:
    id: str
    enabled: bool
    sink: str | None  # the dataset its pump writes to (config.effective.sink.dataset)


@dataclass(frozen=True)
class RunResult:
    success: bool | None  # None: the pump has never run
    message: str


class _SessionConnection(Connection):  # type: ignore[misc]
    """A Connection over a session the caller owns (a loopback route in tests)."""

    def __init__(self, url: str, session: requests.Session, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self._given_session = session

    @property
    def session(self) -> requests.Session:
        self._given_session.headers["Accept"] = ACCEPT
        self._given_session.headers["Authorization"] = f"Bearer {self._jwt_auth_token}"
        return self._given_session


class SesamNodeClient:
    def __init__(self, settings: SesamSettings, *, session: requests.Session | None = None):
        self.settings = settings
        self.calls = CallCounter()
        self._redactor = settings.redactor()
        options = {"jwt_auth_token": settings.jwt, "timeout": settings.request_timeout}
        self._connection: Any = (
            Connection(settings.node_url, **options)
            if session is None
            else _SessionConnection(settings.node_url, session, **options)
        )
        self._pipes: dict[str, Any] = {}
        self._pumps: dict[str, Any] = {}

    # --- pipes -----------------------------------------------------------------------------

    def pipes(self) -> dict[str, PipeInfo]:
        with self._calls("listing the pipes", "pipes.list"):
            found = self._connection.get_pipes()
        self._pipes = {pipe.id: pipe for pipe in found}
        return {pipe_id: _info(pipe) for pipe_id, pipe in self._pipes.items()}

    def start(self, pipe_id: str) -> bool:
        """Start a run; False when the pump was already running (409)."""
        with self._calls(f"starting the pump of {pipe_id!r}", "pump.start", write=True):
            return bool(self._pump(pipe_id).start())

    def is_running(self, pipe_id: str) -> bool:
        with self._calls(f"reading the pump of {pipe_id!r}", "pump.status"):
            return bool(self._pump(pipe_id).get_is_running())

    def has_pending_work(self, pipe_id: str) -> bool:
        with self._calls(f"reading the queues of {pipe_id!r}", "pump.status"):
            return bool(self._pump(pipe_id).has_pending_work())

    def last_result(self, pipe_id: str) -> RunResult:
        """success and last-message of the pump's last run, as its last status read showed."""
        runtime = self._pump(pipe_id).runtime
        success = runtime.get("success")
        message = str(runtime.get("last-message") or "")
        return RunResult(None if success is None else bool(success), self._mask(message))

    def unset_last_seen(self, pipe_id: str) -> None:
        with self._calls(f"resetting the last seen of {pipe_id!r}", "pump.reset", write=True):
            self._pump(pipe_id).unset_last_seen()

    # --- execution logs and datasets ---------------------------------------------------------

    def log_mark(self, pipe_id: str) -> int | None:
        """The offset of the newest execution-log entity (None: an empty log)."""
        with self._calls(f"reading the execution log of {pipe_id!r}", "pipe.log"):
            newest = list(
                self._pipe(pipe_id).get_log_entities(
                    reverse=True, limit=1, do_transit_decoding=False
                )
            )
        return _offset(newest)

    def log_since(self, pipe_id: str, mark: int | None) -> list[dict[str, Any]]:
        """The log entities after mark, secrets masked (they quote the systems' errors)."""
        with self._calls(f"reading the execution log of {pipe_id!r}", "pipe.log"):
            found = self._pipe(pipe_id).get_log_entities(since=mark, do_transit_decoding=False)
            return [self._redactor.data(entity) for entity in found]

    def dataset_mark(self, dataset_id: str) -> int | None:
        return _offset(self._entities(dataset_id, reverse=True, limit=1))

    def dataset_since(
        self, dataset_id: str, mark: int | None, *, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """New versions after mark (every version: history, deletes), oldest first."""
        return self._entities(dataset_id, since=mark, limit=limit)

    def _entities(self, dataset_id: str, **query: Any) -> list[dict[str, Any]]:
        """A sink no run has stored into yet may not exist (404): it has no entities."""
        try:
            with self._calls(f"reading the dataset {dataset_id!r}", "dataset.entities"):
                found = self._dataset(dataset_id).get_entities(do_transit_decoding=False, **query)
                return list(found)
        except _Missing:
            return []

    def close(self) -> None:
        self._connection.close()

    # --- sesamclient objects ---------------------------------------------------------------

    def _pipe(self, pipe_id: str) -> Any:
        if pipe_id not in self._pipes:
            self.calls.count("pipes.get", "read")
            pipe = self._connection.get_pipe(pipe_id)
            if pipe is None:
                raise ConfigError(f"Sesam node {self.settings.node_url} has no pipe {pipe_id!r}")
            self._pipes[pipe_id] = pipe
        return self._pipes[pipe_id]

    def _pump(self, pipe_id: str) -> Any:
        if pipe_id not in self._pumps:
            pipe = self._pipe(pipe_id)
            self.calls.count("pump.get", "read")
            self._pumps[pipe_id] = pipe.get_pump()
        return self._pumps[pipe_id]

    def _dataset(self, dataset_id: str) -> Any:
        # Only the id is needed to read entities; GET /datasets/{id} first would cost a call.
        return Dataset(self._connection, {"_id": dataset_id})

    @contextmanager
    def _calls(self, doing: str, endpoint: str, *, write: bool = False) -> Iterator[None]:
        self.calls.count(endpoint, "write" if write else "read")
        try:
            yield
        except ExceptionWithResponse as error:
            if endpoint == "dataset.entities" and _status(error) == 404:
                raise _Missing from None
            raise self._refused(doing, error) from None
        except requests.Timeout:
            raise RetriableError(self._where(doing, "no answer in time")) from None
        except requests.RequestException as error:
            said = f"{type(error).__name__}: {str(error)[:200]}"
            raise UnreachableError(self._where(doing, said)) from None
        except AssertionError as error:  # sesamclient checks an answer with assert-like raises
            raise ApiContractError(self._where(doing, str(error))) from None

    def _refused(self, doing: str, error: ExceptionWithResponse) -> Exception:
        status = _status(error)
        said = f"{status} {_message(error.response)}".strip()
        if status in (401, 403):
            hint = f"; put a fresh JWT with access to the pipes in {JWT}"
            return AuthenticationError(self._where(doing, said) + hint)
        if status == 429 or status >= 500:
            return RetriableError(self._where(doing, said))
        if status == 404:
            return ConfigError(self._where(doing, said))
        return FatalError(self._where(doing, said))

    def _where(self, doing: str, said: str) -> str:
        text = f"Sesam node {self.settings.node_url} while {doing}: {said}"
        return self._mask(" ".join(text.split()))

    def _mask(self, text: str) -> str:
        return self._redactor.text(text)


class _Missing(Exception):
    """A dataset the node does not have (yet)."""


def _status(error: ExceptionWithResponse) -> int:
    return int(getattr(error.response, "status_code", 0) or 0)


def _info(pipe: Any) -> PipeInfo:
    runtime = pipe.runtime
    try:
        sink = pipe.sink_dataset_id
    except (KeyError, TypeError):
        sink = None
    return PipeInfo(pipe.id, not runtime.get("is-disabled", False), sink)


def _offset(entities: list[dict[str, Any]]) -> int | None:
    return int(entities[0]["_updated"]) if entities else None


def _message(response: Any) -> str:
    """The node's own words: a JSON message, else the start of the body."""
    try:
        body = response.json()
    except ValueError:
        return str(getattr(response, "text", ""))[:200]
    if isinstance(body, dict):
        return str(body.get("message") or body.get("detail") or body)[:200]
    return str(body)[:200]
