"""The engine hands its context's sleep to both connectors, so a Retry-After is recorded, not slept.

.venv/bin/pytest tests/reliability/test_sleep_seam.py -q
EngineContext(..., sleep=sleeps.append)   # every retry pause lands in the list
"""

from __future__ import annotations

from pathlib import Path

from harness.engine import EngineContext, create_engine
from harness.fakes.faults import FaultKind
from harness.fakes.world import FakeWorld


def test_context_sleep_reaches_both_connectors(tmp_path: Path) -> None:
    world, sleeps = FakeWorld(), list[float]()
    world.salesforce.faults.inject("query", FaultKind.RATE_LIMITED, retry_after=7)
    world.crmoffice.faults.inject("contacts.list", FaultKind.RATE_LIMITED, retry_after=3)
    context = EngineContext(
        world.salesforce_settings(),
        world.crmoffice_settings(),
        tmp_path / "s.sqlite",
        clock=world.clock,
        sleep=sleeps.append,
    )
    with world.activated():
        engine = create_engine(context)
        engine.run_cycle()
        engine.close()
    assert sleeps == [7.0, 3.0]
