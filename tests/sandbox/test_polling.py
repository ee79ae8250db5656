"""eventually(): one look on the fakes, looks again with backoff on a sandbox."""

from __future__ import annotations

import pytest

from harness.qa.polling import eventually, polled


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _flaky(failures: int) -> tuple[list[int], object]:
    calls: list[int] = []

    def check() -> str:
        calls.append(1)
        assert len(calls) > failures, f"not yet ({len(calls)})"
        return "ok"

    return calls, check


def test_retries_with_backoff_until_the_check_passes() -> None:
    clock = FakeTime()
    calls, check = _flaky(3)
    result = eventually(
        check,
        timeout=10,
        sleep=clock.sleep,  # type: ignore[arg-type]
        monotonic=lambda: clock.now,
    )
    assert result == "ok" and len(calls) == 4
    assert clock.sleeps == [0.25, 0.5, 1.0]


def test_gives_the_last_assertion_at_the_timeout() -> None:
    clock = FakeTime()
    _calls, check = _flaky(100)
    with pytest.raises(AssertionError, match="not yet"):
        eventually(
            check,
            timeout=3,
            sleep=clock.sleep,  # type: ignore[arg-type]
            monotonic=lambda: clock.now,
        )
    assert clock.now == pytest.approx(3.0)


def test_timeout_zero_is_one_look() -> None:
    calls, check = _flaky(1)
    with pytest.raises(AssertionError):
        eventually(check, timeout=0, sleep=lambda s: pytest.fail("slept"))  # type: ignore[arg-type]
    assert len(calls) == 1


def test_polled_step_reads_the_timeout_from_the_drivers_target() -> None:
    class Target:
        poll_timeout = 0.0

    class Driver:
        target = Target()

    looks: list[int] = []

    @polled
    def step(driver: Driver) -> None:
        looks.append(1)
        raise AssertionError("no")

    with pytest.raises(AssertionError):
        step(driver=Driver())
    assert looks == [1]  # mock targets have no poll timeout: single shot


def test_the_mock_target_looks_once() -> None:
    from harness.targets import MockTarget

    assert MockTarget.poll_timeout == 0.0
