"""Then-steps that wait for an asynchronous engine: retry an assertion with backoff until a timeout.

    eventually(lambda: check_record(driver), timeout=30)   # AssertionError only after 30 s
    @then(...) @polled def step(driver, ...): ...          # retried only when the target polls

A real engine may finish a moment after its cycle is triggered, so on a sandbox a "then" step
looks again until the deadline. On the fakes the timeout is 0: one look, as fast as before.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


def eventually(
    check: Callable[[], T],
    *,
    timeout: float,
    first_delay: float = 0.25,
    max_delay: float = 5.0,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> T:
    """check()'s result once it stops raising AssertionError; its last AssertionError at timeout."""
    deadline = monotonic() + timeout
    delay = first_delay
    while True:
        try:
            return check()
        except AssertionError:
            left = deadline - monotonic()
            if left <= 0:
                raise
            sleep(min(delay, left))
            delay = min(delay * 2, max_delay)


class _Polls(Protocol):
    poll_timeout: float  # every Target has one (harness/qa/targets.py): 0 on the fakes


class _Drives(Protocol):
    @property
    def target(self) -> _Polls: ...


def polled(step: F) -> F:
    """Wrap a then-step taking `driver`, so it is retried for its target's poll timeout."""

    @functools.wraps(step)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        # A then-step without the driver (the fault matrix's own) reads no system: one look.
        driver: _Drives | None = kwargs.get("driver")
        timeout = driver.target.poll_timeout if driver is not None else 0.0
        if timeout <= 0:
            return step(*args, **kwargs)
        return eventually(lambda: step(*args, **kwargs), timeout=timeout)

    return wrapper  # type: ignore[return-value]
