"""Kill the engine (SIGKILL, in a subprocess) at every write boundary; restart; check the data.

Both fakes are served on loopback by this process, on a wall clock shared with the child.
Each kill point gets a fresh world: 4 linked Contacts with edits on both sides and 3 new ones,
so one cycle crosses every boundary (intent, insert, link, Collections batch, PATCH, based_on,
watermark). After the kill a clean process restarts and finishes; then we count duplicates
and look for lost edits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from harness.clock import FakeClock
from harness.engine import create_engine
from harness.engine.engine import TalkEngine
from harness.engine.failpoints import POINTS
from harness.fakes.http import serve
from harness.fakes.world import FakeWorld
from harness.reliability.crash_child import loopback_context

CHILD = "harness.reliability.crash_child"  # run with -m: the same child the crash trials use
ROOT = Path(__file__).resolve().parents[2]


class WallClock(FakeClock):
    """The fakes stamp with real time, so a child on the system clock agrees with them."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class Scenario:
    def __init__(self, tmp_path: Path) -> None:
        self.world = FakeWorld(WallClock())
        self.servers = [serve(self.world.salesforce), serve(self.world.crmoffice)]
        self.addresses = [f"http://127.0.0.1:{s.server_address[1]}" for s in self.servers]
        self.state = tmp_path / "state.sqlite"
        self.expected: dict[str, dict[str, str | None]] = {}

    def prepare(self) -> None:
        sf, crm = self.world.salesforce, self.world.crmoffice
        olds = [sf.insert("Contact", {"FirstName": f"A{i}", "LastName": "Orig"}) for i in range(4)]
        engine = self.engine()
        engine.run_cycle()
        partners = {i: self.partner(engine, sf_id) for i, sf_id in enumerate(olds)}
        engine.close()
        sf.ui_edit("Contact", olds[0], {"MobilePhone": "sf-0"})
        crm.ui_edit("contacts", partners[0], {"familyName": "crm-fam-0"})
        sf.ui_edit("Contact", olds[1], {"MobilePhone": "sf-1"})
        crm.ui_edit("contacts", partners[2], {"directPhone": "crm-2"})
        crm.ui_edit("contacts", partners[3], {"directPhone": "crm-3", "givenName": "crm-A3"})
        news = [sf.insert("Contact", {"FirstName": f"B{i}", "LastName": "New"}) for i in range(3)]
        base = {"MobilePhone": None, "Phone": None}
        self.expected = {
            olds[0]: {**base, "FirstName": "A0", "LastName": "crm-fam-0", "MobilePhone": "sf-0"},
            olds[1]: {**base, "FirstName": "A1", "LastName": "Orig", "MobilePhone": "sf-1"},
            olds[2]: {**base, "FirstName": "A2", "LastName": "Orig", "Phone": "crm-2"},
            olds[3]: {**base, "FirstName": "crm-A3", "LastName": "Orig", "Phone": "crm-3"},
            **{
                sf_id: {**base, "FirstName": f"B{i}", "LastName": "New"}
                for i, sf_id in enumerate(news)
            },
        }

    def engine(self) -> TalkEngine:
        engine = create_engine(loopback_context(*self.addresses, self.state))
        assert isinstance(engine, TalkEngine)
        return engine

    def partner(self, engine: TalkEngine, sf_id: str) -> int:
        ref = f"salesforce-contact:{sf_id}"
        return int(engine.store.links_for_sources("contact", [ref])[ref].target_ref.split(":")[1])

    def child(self, *args: str, failpoint: str | None = None) -> int:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("TALKQA_FAILPOINT", None)
        if failpoint:
            env["TALKQA_FAILPOINT"] = failpoint
        command = [sys.executable, "-m", CHILD, *self.addresses, str(self.state), *args]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode in (0, -signal.SIGKILL), done.stderr
        return done.returncode

    def check(self, label: str) -> None:
        engine = self.engine()
        links = engine.store.all_links("contact")
        crm_rows = {row["id"]: row for row in self.world.crmoffice.records("contacts")}
        targets = [int(lk.target_ref.split(":")[1]) for lk in links]
        assert len(crm_rows) == len(self.expected) == len(links), f"{label}: duplicates"
        assert sorted(targets) == sorted(crm_rows), f"{label}: unlinked Crmoffice contacts"
        names = {
            "FirstName": "givenName",
            "LastName": "familyName",
            "MobilePhone": "mobilePhone",
            "Phone": "directPhone",
        }
        for sf_id, values in self.expected.items():
            sf_row = self.world.salesforce.get("Contact", sf_id)
            crm_row = crm_rows[self.partner(engine, sf_id)]
            assert sf_row is not None
            for field, value in values.items():
                assert sf_row[field] == value, f"{label}: Salesforce {sf_id}.{field}"
                assert crm_row[names[field]] == value, f"{label}: Crmoffice {names[field]}"
        engine.close()

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


@pytest.mark.slow
def test_sigkill_at_every_write_boundary_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    tried = []
    for point in POINTS:
        nth = 1
        while True:
            scenario = Scenario(tmp_path / f"{point}-{nth}")
            scenario.state.parent.mkdir()
            try:
                scenario.prepare()
                killed = scenario.child("1", failpoint=f"{point}:{nth}") != 0
                if killed:
                    scenario.child("2", "--restart")
                    tried.append(f"{point}:{nth}")
                scenario.check(f"{point}:{nth}")
            finally:
                scenario.close()
            if not killed:
                break  # the cycle never reached this point an nth time
            nth += 1
    print(f"\nkill points tried: {len(tried)}: {', '.join(tried)}")
    assert {p.split(":")[0] for p in tried} == set(POINTS)
