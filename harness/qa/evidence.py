"""HTTP exchanges a scenario caused, recorded with every secret masked, for the report.

log = ExchangeLog(Redactor(secrets)); session = log.instrument(requests.Session())
...; log.render()    # "POST https://.../composite/sobjects -> 200\n> {...}\n< [...]"
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

import requests

from harness.redact import Redactor

BODY_LIMIT = 2_000  # characters kept of each body; a report is read, not grepped
# Exchanges kept of one scenario: the first ones and the last ones. A volume scenario makes
# thousands of calls; the report keeps how it began and ended and says how many it left out.
HEAD_LIMIT, TAIL_LIMIT = 300, 100


@dataclass(frozen=True)
class Exchange:
    actor: str  # "engine" or "checklist": who made the call
    method: str
    url: str
    status: int
    request_body: str
    response_body: str


class ExchangeLog:
    def __init__(self, redactor: Redactor) -> None:
        self._redactor = redactor
        self._head: list[Exchange] = []
        self._tail: deque[Exchange] = deque(maxlen=TAIL_LIMIT)
        self._seen = 0
        self._lock = threading.Lock()

    def instrument(self, session: requests.Session, actor: str = "engine") -> requests.Session:
        def record(response: requests.Response, *args: Any, **kwargs: Any) -> None:
            self._record(actor, response)

        session.hooks["response"].append(record)
        return session

    def _record(self, actor: str, response: requests.Response) -> None:
        request = response.request
        body = request.body or b""
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        exchange = Exchange(
            actor=actor,
            method=str(request.method),
            url=self._redactor.text(str(request.url)),
            status=response.status_code,
            request_body=self._clip(text),
            response_body=self._clip(response.text),
        )
        with self._lock:
            self._seen += 1
            if len(self._head) < HEAD_LIMIT:
                self._head.append(exchange)
            else:
                self._tail.append(exchange)

    def _clip(self, text: str) -> str:
        text = self._redactor.text(text)
        return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + f"… ({len(text)} chars)"

    def exchanges(self) -> list[Exchange]:
        """The kept exchanges in order: all of them unless more than HEAD + TAIL were made."""
        with self._lock:
            return [*self._head, *self._tail]

    @property
    def omitted(self) -> int:
        with self._lock:
            return self._seen - len(self._head) - len(self._tail)

    def clear(self) -> None:
        with self._lock:
            self._head.clear()
            self._tail.clear()
            self._seen = 0

    def render(self) -> str:
        blocks = []
        omitted = self.omitted
        for index, item in enumerate(self.exchanges()):
            if omitted and index == HEAD_LIMIT:
                blocks.append(
                    f"… {omitted} exchanges left out (the first {HEAD_LIMIT} and the"
                    f" last {TAIL_LIMIT} are shown)"
                )
            lines = [f"[{item.actor}] {item.method} {item.url} -> {item.status}"]
            if item.request_body:
                lines.append(f"> {item.request_body}")
            if item.response_body:
                lines.append(f"< {item.response_body}")
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks) or "(no HTTP exchanges)"
