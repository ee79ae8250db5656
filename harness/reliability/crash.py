"""Crash trials: SIGKILL the engine during a first full sync at random points, restart, count.

    result = run_trials(records=1000, trials=30, seed=7, workdir=Path("/tmp/trials"))
    result.duplicates, result.lost   # both 0, or the engine lost or doubled something

Each trial gets fresh fakes served on loopback by this process (on the wall clock, which the
engine process shares), N Salesforce Contacts with unique values, and one engine process that
kills itself at a failpoint chosen by the seeded generator (which boundary, which hit). A
second process restarts on the same state file and runs two cycles. Then: every Contact is in
Crmoffice exactly once with its values, and the links are one-to-one.
"""

from __future__ import annotations

import math
import random
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from harness.clock import FakeClock
from harness.engine.mapping import load_mapping, property_map
from harness.fakes.http import serve
from harness.fakes.world import FakeWorld
from harness.links import LinkStore
from harness.sandbox.config import child_environment

CHILD = "harness.reliability.crash_child"
# Boundaries a first full sync crosses (no linked pair yet, so no merge writes), with weights:
# most kills land between a create and its link, where a duplicate would be born.
FIRST_SYNC_POINTS = {"after-intent": 1, "after-insert": 6, "after-link": 2, "after-watermark": 1}
PROPS = property_map("contact")


class WallClock(FakeClock):
    """The fakes stamp with real time, so an engine on the system clock agrees with them."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class Trial:
    kill_point: str
    killed: bool
    duplicates: int
    lost: int


@dataclass
class TrialsResult:
    records: int
    trials: list[Trial] = field(default_factory=list)

    @property
    def duplicates(self) -> int:
        return sum(t.duplicates for t in self.trials)

    @property
    def lost(self) -> int:
        return sum(t.lost for t in self.trials)

    @property
    def killed(self) -> int:
        return sum(t.killed for t in self.trials)

    def kill_points(self) -> dict[str, int]:
        return dict(Counter(t.kill_point.split(":")[0] for t in self.trials))


def run_trials(records: int, trials: int, seed: int, workdir: Path | None = None) -> TrialsResult:
    rng, result = random.Random(seed), TrialsResult(records)
    with tempfile.TemporaryDirectory(prefix="talkqa-crash-") as tmp:
        base = workdir or Path(tmp)
        for index in range(trials):
            point = choose_kill_point(rng, records)
            result.trials.append(run_trial(records, point, base / f"trial-{index:03d}"))
    return result


def choose_kill_point(rng: random.Random, records: int) -> str:
    name = rng.choices(list(FIRST_SYNC_POINTS), weights=list(FIRST_SYNC_POINTS.values()))[0]
    chunks = math.ceil(records / load_mapping().store_batch_size)
    hits = {"after-insert": records, "after-intent": chunks, "after-link": chunks}
    return f"{name}:{rng.randint(1, hits.get(name, 1))}"


@contextmanager
def served_world() -> Iterator[tuple[FakeWorld, list[str]]]:
    """Fresh fakes on the wall clock, served on loopback for engine processes; their addresses."""
    world = FakeWorld(WallClock())
    servers = [serve(world.salesforce), serve(world.crmoffice)]
    try:
        yield world, [f"http://127.0.0.1:{s.server_address[1]}" for s in servers]
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def run_trial(records: int, kill_point: str, folder: Path) -> Trial:
    folder.mkdir(parents=True, exist_ok=True)
    state = folder / "state.sqlite"
    with served_world() as (world, addresses):
        expected = seed_contacts(world, records)
        killed = _engine(addresses, state, ["1"], kill_point) == -signal.SIGKILL
        _engine(addresses, state, ["2", "--restart"], None)
        duplicates, lost = count_damage(world, state, expected)
    return Trial(kill_point, killed, duplicates, lost)


def seed_contacts(world: FakeWorld, records: int) -> dict[str, dict[str, str]]:
    """N Contacts with values unique to each; returns Salesforce id -> values."""
    expected = {}
    for n in range(records):
        values = {
            "FirstName": f"Crash{n}",
            "LastName": f"Trial-{n:05d}",
            "MobilePhone": f"+47 4{n:07d}",
            "Phone": f"+47 5{n:07d}",
        }
        expected[world.salesforce.insert("Contact", dict(values))] = values
    return expected


def _engine(addresses: list[str], state: Path, args: list[str], failpoint: str | None) -> int:
    env = child_environment(without=("TALKQA_FAILPOINT",))
    if failpoint:
        env["TALKQA_FAILPOINT"] = failpoint
    command = [sys.executable, "-m", CHILD, *addresses, str(state), *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode not in (0, -signal.SIGKILL):
        raise RuntimeError(f"engine process failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.returncode


def count_damage(
    world: FakeWorld, state: Path, expected: dict[str, dict[str, str]]
) -> tuple[int, int]:
    """(duplicates, lost): extra Crmoffice copies; Contacts missing, unlinked or wrong there."""
    rows = world.crmoffice.records("contacts")
    copies = Counter(str(row.get("familyName")) for row in rows)
    duplicates = sum(n - 1 for n in copies.values() if n > 1)
    store = LinkStore.open(state)
    try:
        links = {lk.source_ref.split(":", 1)[1]: lk.target_ref for lk in store.all_links("contact")}
    finally:
        store.close()
    by_id = {f"crmoffice-contacts:{row['id']}": row for row in rows}
    lost = sum(
        1
        for sf_id, values in expected.items()
        if not _arrived(by_id.get(links.get(sf_id, "")), values)
    )
    duplicates += len(links) - len(set(links.values()))  # two sources on one target
    return duplicates, lost


def _arrived(row: dict[str, object] | None, values: dict[str, str]) -> bool:
    return row is not None and all(row.get(PROPS[k]) == v for k, v in values.items())
