"""Count every HTTP request a connector sends, at the one place all of them pass: the adapter.

    observer = observe(session, classify=salesforce_endpoint, counter=connector.calls)
    session.get(url)  # counted as observer.classify("GET", url), retries and logins included

Counting at the adapter (not around our own calls) is the honest measure: it sees the logins and
session refreshes simple-salesforce makes on its own, and every retry. The wrapper delegates to
whatever adapter was mounted for the prefix, so a session with route_to_loopback mounted still
reaches the served fake. Mount such adapters before handing the session to a connector.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import requests
from requests.adapters import BaseAdapter

from harness.connectors.base import CallCounter

Kind = Literal["read", "write"]


@dataclass(frozen=True)
class Endpoint:
    name: str  # e.g. "query.more", "contacts.create"
    kind: Kind


Classifier = Callable[[str, str], Endpoint | None]  # (method, url) -> endpoint; None: not ours


@dataclass(frozen=True)
class Answer:
    """What came back for the last counted request (None status: no HTTP answer at all)."""

    endpoint: Endpoint
    status: int | None
    headers: Mapping[str, str]


class CallObserver:
    """Counts requests and remembers the last answer; optional hooks run around each send."""

    def __init__(
        self,
        classify: Classifier,
        counter: CallCounter,
        *,
        before_send: Callable[[Endpoint], None] | None = None,
        after_answer: Callable[[Answer], None] | None = None,
    ) -> None:
        self.classify = classify
        self.counter = counter
        self.before_send = before_send
        self.after_answer = after_answer
        self.last: Answer | None = None

    def sending(self, endpoint: Endpoint) -> None:
        if self.before_send is not None:
            self.before_send(endpoint)  # may refuse the request by raising
        self.counter.count(endpoint.name, endpoint.kind)

    def answered(self, endpoint: Endpoint, response: requests.Response | None) -> None:
        headers: Mapping[str, str] = response.headers if response is not None else {}
        self.last = Answer(
            endpoint, response.status_code if response is not None else None, headers
        )
        if self.after_answer is not None:
            self.after_answer(self.last)


class _ObservedAdapter(BaseAdapter):
    def __init__(self, inner: BaseAdapter, observer: CallObserver) -> None:
        super().__init__()
        self.inner = inner
        self.observer = observer

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        endpoint = self.observer.classify(str(request.method), str(request.url))
        if endpoint is None:
            return self.inner.send(request, **kwargs)
        self.observer.sending(endpoint)
        try:
            response = self.inner.send(request, **kwargs)
        except requests.RequestException:
            self.observer.answered(endpoint, None)  # sent but unanswered: still a call
            raise
        self.observer.answered(endpoint, response)
        return response

    def close(self) -> None:
        self.inner.close()


def observe(
    session: requests.Session,
    classify: Classifier,
    counter: CallCounter,
    *,
    before_send: Callable[[Endpoint], None] | None = None,
    after_answer: Callable[[Answer], None] | None = None,
) -> CallObserver:
    """Wrap every adapter mounted on session; requests classify() ignores pass through uncounted."""
    observer = CallObserver(classify, counter, before_send=before_send, after_answer=after_answer)
    for prefix, adapter in list(session.adapters.items()):
        session.adapters[prefix] = _ObservedAdapter(adapter, observer)
    return observer
