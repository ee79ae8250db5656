"""A write the fake applied whose answer was lost (LOST_RESPONSE): no duplicate, it converges.

.venv/bin/pytest tests/reliability/test_lost_response.py -q
world.crmoffice.faults.inject("contacts.create", FaultKind.LOST_RESPONSE)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.engine import EngineContext, SyncEngine, create_engine
from harness.fakes.faults import FaultKind
from harness.fakes.world import FakeWorld


@pytest.fixture
def world() -> Iterator[FakeWorld]:
    world = FakeWorld()
    with world.activated():
        yield world


def engine_of(world: FakeWorld, tmp_path: Path, sleeps: list[float]) -> SyncEngine:
    return create_engine(
        EngineContext(
            world.salesforce_settings(),
            world.crmoffice_settings(),
            tmp_path / "state.sqlite",
            clock=world.clock,
            sleep=sleeps.append,
        )
    )


def test_lost_create_answer_is_replayed_with_its_key_and_makes_one_record(
    world: FakeWorld, tmp_path: Path
) -> None:
    world.salesforce.insert("Contact", {"FirstName": "Ada", "LastName": "Lovelace"})
    world.crmoffice.faults.inject("contacts.create", FaultKind.LOST_RESPONSE)
    sleeps: list[float] = []
    engine = engine_of(world, tmp_path, sleeps)
    report = engine.run_cycle()
    engine.close()
    rows = world.crmoffice.records("contacts")
    assert [r["familyName"] for r in rows] == ["Lovelace"]
    assert world.crmoffice.calls.by_route()["contacts.create"] == 2  # the lost one, the replay
    assert report.total("inserted") == 1 and not report.dead_letters
    assert len(sleeps) == 1


def test_lost_collections_patch_answer_converges(world: FakeWorld, tmp_path: Path) -> None:
    sf_id = world.salesforce.insert("Contact", {"FirstName": "Ada", "LastName": "Lovelace"})
    engine = engine_of(world, tmp_path, [])
    engine.run_cycle()
    crm_id = world.crmoffice.records("contacts")[0]["id"]
    world.clock.advance(seconds=10)
    world.crmoffice.ui_edit("contacts", crm_id, {"directPhone": "+47 1"})
    world.salesforce.faults.inject("composite.sobjects.patch", FaultKind.LOST_RESPONSE)
    report = engine.run_cycle()
    world.clock.advance(seconds=10)
    quiet = engine.run_cycle()
    engine.close()
    assert world.salesforce.get("Contact", sf_id)["Phone"] == "+47 1"  # type: ignore[index]
    assert world.salesforce.calls.by_route()["composite.sobjects.patch"] == 2
    assert report.total("updated_salesforce") == 1 and not report.dead_letters
    assert quiet.writes() == 0
