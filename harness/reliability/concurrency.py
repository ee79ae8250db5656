"""Two engine processes started at once on one state file: the lock must let only one sync.

    result = run_concurrent_trials(records=300, tries=50)   # result.duplicates == 0
    .venv/bin/talkqa concurrency-trials --records 300 --tries 50

Each try serves fresh fakes on loopback, seeds N Contacts, starts two engine processes on the
same state file at the same moment (as two `talkqa sync --state same.sqlite` would), then a
third that finishes whatever the loser did not do, and counts Crmoffice duplicates and lost
Contacts. Before the lock, 300 Contacts became 500 in 3 tries of 5 (issue 14, item 2).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness.reliability.crash import CHILD, count_damage, seed_contacts, served_world
from harness.sandbox.config import child_environment


@dataclass(frozen=True)
class ConcurrencyResult:
    tries: int
    duplicates: int
    lost: int
    refused: int  # engine processes that met the lock and stopped with its one line
    crashed: int  # engine processes that died any other way (a raw IntegrityError, before)

    def summary(self) -> str:
        return (
            f"{self.tries} tries of two engines at once: {self.duplicates} duplicates,"
            f" {self.lost} lost, {self.refused} engines refused by the state lock,"
            f" {self.crashed} crashed"
        )


def run_concurrent_trials(
    records: int, tries: int, workdir: Path | None = None
) -> ConcurrencyResult:
    totals = [0, 0, 0, 0]
    with tempfile.TemporaryDirectory(dir=workdir) as folder:
        for attempt in range(tries):
            counts = _one_try(records, Path(folder) / f"try-{attempt}")
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
    return ConcurrencyResult(tries, *totals)


def _one_try(records: int, folder: Path) -> tuple[int, int, int, int]:
    folder.mkdir(parents=True)
    state = folder / "state.sqlite"
    with served_world() as (world, addresses):
        expected = seed_contacts(world, records)
        command = [sys.executable, "-m", CHILD, *addresses, str(state), "1"]
        racers = [
            subprocess.Popen(
                command,
                env=child_environment(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outcomes = [(racer.wait(timeout=600), racer.communicate()[1]) for racer in racers]
        refused = sum(1 for code, err in outcomes if code != 0 and "is in use" in err)
        crashed = sum(1 for code, err in outcomes if code != 0 and "is in use" not in err)
        finisher = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        crashed += finisher.returncode != 0
        duplicates, lost = count_damage(world, state, expected)
    return duplicates, lost, refused, crashed
