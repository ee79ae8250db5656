"""HTTP exchanges a scenario caused, recorded with every secret masked, for the report.

    log = ExchangeLog(Redactor(secrets)); session = log.instrument(requests.Session())
    ...; log.render()    # "POST https://.../composite/sobjects -> 200\n> {...}\n< [...]"
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import requests

from harness.redact import Redactor

BODY_LIMIT = 2_000  # characters kept of each body; a report is read, not grepped


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
        self._exchanges: list[Exchange] = []
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
            self._exchanges.append(exchange)

    def _clip(self, text: str) -> str:
        text = self._redactor.text(text)
        return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + f"… ({len(text)} chars)"

    def exchanges(self) -> list[Exchange]:
        with self._lock:
            return list(self._exchanges)

    def clear(self) -> None:
        with self._lock:
            self._exchanges.clear()

    def render(self) -> str:
        blocks = []
        for item in self.exchanges():
            lines = [f"[{item.actor}] {item.method} {item.url} -> {item.status}"]
            if item.request_body:
                lines.append(f"> {item.request_body}")
            if item.response_body:
                lines.append(f"< {item.response_body}")
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks) or "(no HTTP exchanges)"
