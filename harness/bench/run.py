"""One benchmark run: the floor on a twin world, then the engine, then the figures side by side.

    result = run_bench(2_000)
    result.to_json()["phases"]["quiet"]["calls"]["salesforce"]["write"] == 0

Peak memory is the process's peak resident set (resource.getrusage ru_maxrss): it counts what
tracemalloc cannot see (SQLite's page cache, C buffers of json and sqlite3) and, unlike
tracemalloc, does not slow every allocation down, which would skew the timings it sits beside.
It is read when the engine's phases end, before the floor's twin world is even built.
"""

from __future__ import annotations

import gc
import resource
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.bench.budget import Calls, phase_minimums, ratio
from harness.bench.engine_run import PhaseRun, run_engine_phases
from harness.bench.floor import FloorPhase, run_floor_phases
from harness.bench.mock import mounted
from harness.bench.seed import EditCounts, SeedCounts, edit_one_percent, seed
from harness.fakes.world import FakeWorld

PHASES = ("initial", "incremental", "quiet")


@dataclass
class PhaseFigures:
    engine: PhaseRun
    floor: FloorPhase
    minimum: Calls
    records: int  # the records the phase's work is about: synced, or edited

    def to_json(self) -> dict[str, Any]:
        engine, floor = self.engine.time, self.floor.time
        wall = engine.wall_s
        return {
            "wall_s": round(wall, 3),
            "floor_s": round(floor.wall_s, 3),
            "cpu_s": round(engine.cpu_s, 3),
            "floor_cpu_s": round(floor.cpu_s, 3),
            # CPU over CPU: both run in this one process, so load from elsewhere cancels out.
            "floor_ratio": round(engine.cpu_s / floor.cpu_s, 3) if floor.cpu_s else None,
            "floor_wall_ratio": round(wall / floor.wall_s, 3) if floor.wall_s else None,
            "records": self.records,
            "records_per_s": round(self.records / wall, 1) if wall and self.records else None,
            "calls": self.engine.calls,
            "min_calls": self.minimum,
            "call_ratio": {
                system: {k: round(ratio(n, self.minimum[system][k]), 3) for k, n in kinds.items()}
                for system, kinds in self.engine.calls.items()
            },
            "floor_calls": self.floor.calls,
            "endpoints": self.engine.endpoints,
            "cycles": self.engine.cycles,
        }


@dataclass
class BenchResult:
    records: int
    peak_rss_mb: float
    phases: dict[str, PhaseFigures]

    def to_json(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "phases": {name: figures.to_json() for name, figures in self.phases.items()},
        }


def run_bench(records: int) -> BenchResult:
    with tempfile.TemporaryDirectory(prefix="talkqa-bench-") as tmp:
        world = FakeWorld()
        counts = _seeded(world, records)
        edits: list[EditCounts] = []
        with mounted(world):
            engine = run_engine_phases(
                world, Path(tmp) / "state.sqlite", lambda w: edits.append(edit_one_percent(w))
            )
    # The peak so far is the engine's (with its fakes); the floor's twin world comes after.
    peak = peak_rss_mb()
    del world
    gc.collect()
    floor = _floor(records)
    minimum = phase_minimums(counts, edits[0])
    sizes = {"initial": counts.total, "incremental": edits[0].total, "quiet": 0}
    phases = {
        name: PhaseFigures(engine[name], floor[name], minimum[name], sizes[name]) for name in PHASES
    }
    return BenchResult(records, peak, phases)


def _floor(records: int) -> dict[str, FloorPhase]:
    twin = FakeWorld()
    _seeded(twin, records)
    with mounted(twin):
        return run_floor_phases(twin, edit_one_percent)


def _seeded(world: FakeWorld, records: int) -> SeedCounts:
    counts = seed(world, records)
    # Seeding happened "earlier": past the watermark overlap before the first cycle starts.
    world.clock.advance(seconds=60)
    return counts


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
