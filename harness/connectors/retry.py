"""One retry policy for both connectors: transient faults again, with backoff, a bounded number.

    policy = RetryPolicy(max_attempts=5, sleep=fake_sleep)
    page = policy.call(lambda: fetch_page())   # RetriableError -> wait -> try again

Only RetriableError is retried; every other error (rejected record, bad credentials, a broken
contract) goes straight to the caller. A Retry-After from the server is honoured exactly; without
one the wait grows exponentially with jitter, so many clients hitting one limit do not retry in
lock step. Whether an operation is safe to repeat is the caller's call, not this module's.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TypeVar

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    retry_if_not_exception_type,
    stop_after_attempt,
)
from tenacity.stop import stop_base

from harness.errors import RetriableError, SessionExpiredError

T = TypeVar("T")

# A server asking for a longer pause than this is better served by ending the cycle and letting
# the scheduler come back later than by a connector sleeping inside it.
MAX_RETRY_AFTER = 300.0


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    sleep: Callable[[float], None] = time.sleep
    initial_wait: float = 0.5
    max_wait: float = 30.0
    jitter: float = 0.5
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")

    def call(self, operation: Callable[[], T]) -> T:
        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts) | _RetryAfterTooLong(),
            wait=self.wait,
            # An expired session is retriable only after logging in again, which each connector
            # does itself, once; looping on it here would hammer the login.
            retry=retry_if_exception_type(RetriableError)
            & retry_if_not_exception_type(SessionExpiredError),
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(operation)
        except SessionExpiredError:
            raise
        except RetriableError as exc:
            attempts = int(retrying.statistics.get("attempt_number", self.max_attempts))
            raise _gave_up(exc, attempts) from exc

    def wait(self, state: RetryCallState) -> float:
        retry_after = _retry_after_of(state)
        if retry_after is not None:
            return retry_after
        backoff = self.initial_wait * 2.0 ** (state.attempt_number - 1)
        return min(backoff + self.rng.uniform(0, self.jitter), self.max_wait)


def _retry_after_of(state: RetryCallState) -> float | None:
    exc = state.outcome.exception() if state.outcome is not None else None
    if isinstance(exc, RetriableError) and exc.retry_after is not None:
        return float(exc.retry_after)
    return None


class _RetryAfterTooLong(stop_base):
    def __call__(self, retry_state: RetryCallState) -> bool:
        retry_after = _retry_after_of(retry_state)
        return retry_after is not None and retry_after > MAX_RETRY_AFTER


def _gave_up(exc: RetriableError, attempts: int) -> RetriableError:
    noun = "attempt" if attempts == 1 else "attempts"
    return type(exc)(f"{exc} (gave up after {attempts} {noun})", retry_after=exc.retry_after)


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); None if absent."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())
