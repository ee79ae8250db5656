"""The org's daily API budget: stop before the remaining requests fall under a floor.

    budget = ApiBudget(minimum=1000); session.hooks["response"].append(budget.observe)
    budget.check_limits(limits_json)   # GET /limits/ before the first write

Salesforce answers every REST call with `Sforce-Limit-Info: api-usage=USED/MAX` (rolling 24 h).
The floor is a reserve: cleanup runs with the guard suspended, so it can still delete.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import requests

from harness.sandbox.errors import ApiBudgetError

_USAGE = re.compile(r"api-usage=(\d+)/(\d+)")


def remaining_from_header(value: str | None) -> tuple[int, int] | None:
    """(remaining, max) from a Sforce-Limit-Info header, or None when it has no api-usage."""
    found = _USAGE.search(value or "")
    if found is None:
        return None
    used, maximum = int(found.group(1)), int(found.group(2))
    return max(0, maximum - used), maximum


class ApiBudget:
    def __init__(self, minimum: int) -> None:
        self.minimum = minimum
        self.remaining: int | None = None
        self.maximum: int | None = None
        self._suspended = 0
        self._tripped = False
        self._lock = threading.Lock()

    def observe(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """A requests response hook: remember the budget, stop when it is under the floor."""
        found = remaining_from_header(response.headers.get("Sforce-Limit-Info"))
        if found is not None:
            self._update(*found, reading=response.request.method == "GET")

    def check_limits(self, limits: Mapping[str, Any]) -> None:
        """The answer of GET /limits/: DailyApiRequests {Max, Remaining}."""
        daily = limits.get("DailyApiRequests") or {}
        self._update(int(daily.get("Remaining", 0)), int(daily.get("Max", 0)))

    @contextmanager
    def suspended(self) -> Iterator[None]:
        """Cleanup spends the reserve the floor kept for it."""
        with self._lock:
            self._suspended += 1
        try:
            yield
        finally:
            with self._lock:
                self._suspended -= 1

    def _update(self, remaining: int, maximum: int, *, reading: bool = False) -> None:
        with self._lock:
            self.remaining, self.maximum = remaining, maximum
            under = not self._suspended and remaining < self.minimum
            # The crossing stops the scenario; after it, reads (the report's evidence) may go
            # on, so the failure is explained, but no further write.
            stop = under and (not self._tripped or not reading)
            self._tripped = self._tripped or under
        if stop:
            raise ApiBudgetError(self.message())

    def message(self) -> str:
        return (
            f"Salesforce has {self.remaining} of {self.maximum} daily API requests left, under"
            f" the floor of {self.minimum} (TALKQA_SF_MIN_REMAINING_REQUESTS / --min-remaining);"
            " stopped before writing more"
        )

    @property
    def exhausted(self) -> bool:
        return self.remaining is not None and self.remaining < self.minimum
