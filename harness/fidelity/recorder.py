"""Record every HTTP exchange of a requests.Session into a vcrpy cassette, secrets filtered.

    recorder = CassetteRecorder(Path("reports/cassettes/run-1.yaml"), secrets=target.secrets)
    session = recorder.instrument(requests.Session())   # before any connector wraps it
    ...; recorder.save()   # or `with recorder:` to save on the way out, even after a failure

It wraps the session's adapters, the seam harness/connectors/transport.py counts at, so it
sees what the sandbox seam's `responses` answers (vcrpy's own urllib3 patch never would) as
well as real hosts, logins and retries included. Secrets are filtered before an exchange is
kept in memory, so nothing unfiltered is ever written.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import requests
from requests.adapters import BaseAdapter

from harness.fidelity.cassette import (
    Interaction,
    RecordedRequest,
    RecordedResponse,
    write_cassette,
)
from harness.fidelity.filtering import SecretFilter, SecretSource, no_secrets

# The body is stored decoded, so its transfer headers would no longer describe it.
_DROPPED_RESPONSE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class CassetteRecorder:
    def __init__(self, path: Path, *, secrets: SecretSource = no_secrets) -> None:
        self.path = path
        self._filter = SecretFilter(secrets)
        self._lock = threading.Lock()
        self._interactions: list[Interaction] = []
        self._started: datetime | None = None
        self.unanswered = 0  # requests that got no HTTP answer (timeouts, resets)

    def instrument(self, session: requests.Session) -> requests.Session:
        for prefix, adapter in list(session.adapters.items()):
            session.adapters[prefix] = _RecordingAdapter(adapter, self)
        return session

    def record(self, request: requests.PreparedRequest, response: requests.Response) -> None:
        interaction = self._filter.interaction(
            Interaction(_recorded_request(request), _recorded_response(response))
        )
        with self._lock:
            self._started = self._started or datetime.now(UTC)
            self._interactions.append(interaction)

    def no_answer(self) -> None:
        with self._lock:
            self.unanswered += 1

    def interactions(self) -> list[Interaction]:
        with self._lock:
            return list(self._interactions)

    def save(self) -> Path:
        with self._lock:
            interactions = list(self._interactions)
            started = self._started or datetime.now(UTC)
        metadata = {
            "recorded_at": started.isoformat().replace("+00:00", "Z"),
            "recorded_with": "talkqa harness.fidelity.recorder",
        }
        write_cassette(self.path, interactions, metadata)
        return self.path

    def __enter__(self) -> CassetteRecorder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.save()


class _RecordingAdapter(BaseAdapter):
    def __init__(self, inner: BaseAdapter, recorder: CassetteRecorder) -> None:
        super().__init__()
        self.inner = inner
        self.recorder = recorder

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        try:
            response = self.inner.send(request, **kwargs)
        except requests.RequestException:
            self.recorder.no_answer()  # vcrpy has no shape for "no answer"
            raise
        self.recorder.record(request, response)
        return response

    def close(self) -> None:
        self.inner.close()


def _recorded_request(request: requests.PreparedRequest) -> RecordedRequest:
    return RecordedRequest(
        method=str(request.method),
        uri=str(request.url),
        headers={str(k): str(v) for k, v in request.headers.items()},
        body=_body_bytes(request.body),
    )


def _body_bytes(body: Any) -> bytes:
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes):
        return body
    return b""  # none, or a streamed upload (file, generator) the send consumed


def _recorded_response(response: requests.Response) -> RecordedResponse:
    return RecordedResponse(
        status=response.status_code,
        reason=str(response.reason or ""),
        headers={
            k: v for k, v in response.headers.items() if k.lower() not in _DROPPED_RESPONSE_HEADERS
        },
        body=response.content,  # read once here; requests keeps it for the caller
    )
