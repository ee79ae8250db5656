"""Talk's "Full Sync" off and a run tag as the scope: the connectors read nothing older or other.

Full Sync off takes only records created after onboarding (../shared/reference/sesam-talk.md,
"Talk-specific toggles"); a sandbox run narrows Salesforce further by its run tag. Records made
before onboarding are never read into a plan: not on the first cycle, not after an edit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from harness.clock import FakeClock
from harness.connectors.base import SyncScope
from harness.connectors.crmoffice import CrmofficeConnector
from harness.connectors.salesforce import SalesforceConnector
from harness.fakes.world import FakeWorld

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ONBOARDED = T0 + timedelta(hours=1)
TAGGED = {"Contact": "Title = 'talkqa:run-1'"}


@pytest.fixture
def world() -> Iterator[FakeWorld]:
    world = FakeWorld(FakeClock(T0))
    with world.activated():
        yield world


def _ids(pages: Iterator[list[object]]) -> list[str]:
    return [r.record_id for page in pages for r in page]  # type: ignore[attr-defined]


def test_salesforce_full_sync_off_and_the_run_tag_read_only_the_runs_new_records(
    world: FakeWorld, nap: Callable[[float], None]
) -> None:
    sf = world.salesforce
    old = sf.insert("Contact", {"LastName": "Old", "Title": "talkqa:run-1"}, at=T0)
    world.clock.set(ONBOARDED + timedelta(minutes=1))
    mine = sf.insert("Contact", {"LastName": "Mine", "Title": "talkqa:run-1"})
    sf.insert("Contact", {"LastName": "Another run's", "Title": "talkqa:run-2"})
    sf.ui_edit("Contact", old, {"LastName": "Old, edited after onboarding"})
    scope = SyncScope(onboarded_at=ONBOARDED, salesforce_where=TAGGED)
    connector = SalesforceConnector(world.salesforce_settings(), sleep=nap, scope=scope)
    assert _ids(connector.query_changed("Contact", ["LastName"], None)) == [mine]
    assert _ids(connector.query_changed("Contact", ["LastName"], ONBOARDED)) == [mine]
    unscoped = SalesforceConnector(world.salesforce_settings(), sleep=nap)
    assert len(_ids(unscoped.query_changed("Contact", ["LastName"], None))) == 3


def test_crmoffice_full_sync_off_lists_from_onboarding_and_drops_older_records(
    world: FakeWorld, nap: Callable[[float], None]
) -> None:
    crm = world.crmoffice
    old = crm.insert("contacts", {"familyName": "Old"}, at=T0)
    untouched = crm.insert("contacts", {"familyName": "Untouched"}, at=T0)
    world.clock.set(ONBOARDED + timedelta(minutes=1))
    new = crm.insert("contacts", {"familyName": "New"})
    crm.ui_edit("contacts", old, {"familyName": "Old, edited after onboarding"})
    connector = CrmofficeConnector(
        world.crmoffice_settings(), sleep=nap, scope=SyncScope(onboarded_at=ONBOARDED)
    )
    assert _ids(connector.list_changed("contacts", ["familyName"], None)) == [str(new)]
    assert str(untouched) not in _ids(connector.list_changed("contacts", ["familyName"], None))
    unscoped = CrmofficeConnector(world.crmoffice_settings(), sleep=nap)
    assert len(_ids(unscoped.list_changed("contacts", ["familyName"], None))) == 3
