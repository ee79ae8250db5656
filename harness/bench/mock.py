"""The fakes behind `responses`, without `responses` keeping every request and answer.

    with mounted(world):     # like world.activated(), for runs of 100,000+ calls
        engine.run_cycle()

responses appends each (request, response) pair to two call lists for tests to inspect. The
benchmark inspects none of them, and at 100,000 records they would hold a few GB: the test
tool's memory, not the engine's, so the peak RSS would measure the wrong thing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import responses
from responses import CallList

from harness.fakes.world import FakeWorld


class _UnrecordedCalls(CallList):
    def add(self, request: object, response: object) -> None:
        return

    def add_call(self, call: object) -> None:
        return


@contextmanager
def mounted(world: FakeWorld) -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        world.mount(rsps)
        rsps._calls = _UnrecordedCalls()  # responses has no switch for this; see the docstring
        for match in rsps.registered():
            match._calls = _UnrecordedCalls()
        yield rsps
