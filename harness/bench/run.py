"""One benchmark run: the engine, the floor on a twin world, then the figures side by side.

    result = run_bench(2_000)
    result.to_json()["phases"]["quiet"]["calls"]["salesforce"]["write"] == 0
    result.to_json()["phases"]["initial"]["salesforce_api"]["rest"]["calls"]  # REST only

With both Salesforce APIs (the default) the engine runs twice, each on its own seeded world:
first as shipped ("bulk": Bulk API 2.0 above flows.toml's bulk_threshold), whose times, calls
and memory are the phase's figures, then with every Salesforce call on REST ("rest"), for its
calls beside them.

Peak memory is the process's peak resident set (resource.getrusage ru_maxrss): it counts what
tracemalloc cannot see (SQLite's page cache, C buffers of json and sqlite3) and, unlike
tracemalloc, does not slow every allocation down, which would skew the timings it sits beside.
It is read when the first engine run ends, before another world is even built.
"""

from __future__ import annotations

import gc
import resource
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.bench.budget import Calls, phase_minimums, ratio
from harness.bench.engine_run import (
    PhaseRun,
    SalesforceApiChoice,
    engine_mapping,
    run_engine_phases,
)
from harness.bench.floor import FloorPhase, run_floor_phases
from harness.bench.mock import mounted
from harness.bench.seed import EditCounts, SeedCounts, edit_one_percent, seed
from harness.fakes.world import FakeWorld

PHASES = ("initial", "incremental", "quiet")
BOTH_APIS: tuple[SalesforceApiChoice, ...] = ("bulk", "rest")


@dataclass
class PhaseFigures:
    engine: PhaseRun
    floor: FloorPhase
    minimum: Calls
    records: int  # the records the phase's work is about: synced, or edited
    # The same phase run with each Salesforce API choice (the first is `engine`).
    by_api: dict[str, PhaseRun] = field(default_factory=dict)

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
            "salesforce_api": {
                api: {"calls": run.calls["salesforce"], "endpoints": run.endpoints["salesforce"]}
                for api, run in self.by_api.items()
            },
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


@dataclass
class EngineRuns:
    """The engine's three phases once per Salesforce API choice, each on its own world."""

    counts: SeedCounts
    edits: EditCounts
    phases: dict[str, dict[str, PhaseRun]]  # API choice -> phase name -> its run
    peak_rss_mb: float  # after the first run: the engine as the figures show it


def run_engines(records: int, apis: Sequence[SalesforceApiChoice] = BOTH_APIS) -> EngineRuns:
    if not apis:
        raise ValueError("run_engines needs at least one Salesforce API choice")
    phases: dict[str, dict[str, PhaseRun]] = {}
    edits: list[EditCounts] = []
    peak = 0.0
    for api in apis:
        counts, phases[api] = _engine_run(records, api, edits)
        # The first run's peak (the engine with its fakes); other worlds come after.
        peak = peak or peak_rss_mb()
    return EngineRuns(counts, edits[0], phases, peak)


def run_bench(records: int, apis: Sequence[SalesforceApiChoice] = BOTH_APIS) -> BenchResult:
    engines = run_engines(records, apis)
    floor = _floor(records)
    counts, edits = engines.counts, engines.edits
    minimum = phase_minimums(counts, edits)
    sizes = {"initial": counts.total, "incremental": edits.total, "quiet": 0}
    first = engines.phases[apis[0]]
    phases = {
        name: PhaseFigures(
            first[name],
            floor[name],
            minimum[name],
            sizes[name],
            {api: engines.phases[api][name] for api in apis},
        )
        for name in PHASES
    }
    return BenchResult(records, engines.peak_rss_mb, phases)


def _engine_run(
    records: int, api: SalesforceApiChoice, edits: list[EditCounts]
) -> tuple[SeedCounts, dict[str, PhaseRun]]:
    """The three phases on a freshly seeded world, with one Salesforce API choice."""
    with tempfile.TemporaryDirectory(prefix="talkqa-bench-") as tmp:
        world = FakeWorld()
        counts = _seeded(world, records)
        with mounted(world):
            phases = run_engine_phases(
                world,
                Path(tmp) / "state.sqlite",
                lambda w: edits.append(edit_one_percent(w)),
                engine_mapping(api),
            )
    del world
    gc.collect()
    return counts, phases


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
