"""The engine's side of the benchmark: seed, then the three phases, each timed and counted.

    phases = run_engine_phases(world, Path("state.sqlite"), edit)   # world seeded and activated
    phases["initial"].wall_s, phases["initial"].calls["salesforce"]["read"]
    run_engine_phases(world, path, edit, engine_mapping("rest"))     # every Salesforce call REST

A phase runs cycles until one writes nothing (the last one reads back the phase's own writes,
which the APIs cannot filter out), at most MAX_CYCLES; the quiet phase is one cycle. Between
cycles the shared fake clock moves on by CYCLE_GAP, as `talkqa sync --every` would. A Bulk API
job's polls do not pause: the fake finishes a job on its second poll whatever the wait, and a
pause would only add idle seconds to the wall time.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import requests

from harness.bench.timing import Stopwatch
from harness.connectors.base import CallCounter
from harness.connectors.crmoffice import CrmofficeConnector
from harness.connectors.salesforce import SalesforceConnector
from harness.engine import EngineContext, EngineMapping, load_mapping
from harness.engine.engine import TalkEngine
from harness.fakes.world import FakeWorld

CYCLE_GAP_SECONDS = 60.0  # more than the watermark overlap, so a quiet cycle reads nothing new
MAX_CYCLES = 3
SYSTEMS = ("salesforce", "crmoffice")

Calls = dict[str, dict[str, int]]  # system -> {"read": n, "write": n}
# "bulk": the engine as shipped, Bulk API 2.0 above flows.toml's bulk_threshold; "rest": never.
SalesforceApiChoice = Literal["bulk", "rest"]


@dataclass
class PhaseRun:
    """What one phase cost: seconds, calls by kind and by endpoint, cycles it took."""

    time: Stopwatch = field(default_factory=Stopwatch)
    calls: Calls = field(default_factory=lambda: {s: {"read": 0, "write": 0} for s in SYSTEMS})
    endpoints: dict[str, dict[str, int]] = field(default_factory=lambda: {s: {} for s in SYSTEMS})
    cycles: list[Calls] = field(default_factory=list)
    records_written: int = 0


def engine_mapping(api: SalesforceApiChoice) -> EngineMapping:
    mapping = load_mapping()
    return mapping.rest_only() if api == "rest" else mapping


def new_engine(
    world: FakeWorld, state_path: Path, mapping: EngineMapping | None = None
) -> TalkEngine:
    context = EngineContext(
        world.salesforce_settings(), world.crmoffice_settings(), state_path, clock=world.clock
    )
    salesforce = SalesforceConnector(
        world.salesforce_settings(), session=requests.Session(), clock=world.clock, sleep=_no_wait
    )
    crmoffice = CrmofficeConnector(world.crmoffice_settings(), session=requests.Session())
    return TalkEngine(context, mapping or load_mapping(), salesforce, crmoffice)


def _no_wait(seconds: float) -> None:
    """The connector's pause (retries, job polls): none on the fakes, see the docstring."""


def run_phase(engine: TalkEngine, world: FakeWorld, *, settle: bool) -> PhaseRun:
    run = PhaseRun()
    settle_garbage()
    before = _endpoints(engine)
    for _ in range(MAX_CYCLES if settle else 1):
        with run.time.running():
            report = engine.run_cycle()
        world.clock.advance(seconds=CYCLE_GAP_SECONDS)
        run.cycles.append({s: dict(c) for s, c in report.api_calls.items()})
        _add_calls(run.calls, report.api_calls)
        written = report.total("inserted") + report.total("updated_salesforce")
        run.records_written += written + report.total("updated_crmoffice")
        if report.writes() == 0:
            break
    run.endpoints = _endpoint_diff(before, _endpoints(engine))
    return run


def run_engine_phases(
    world: FakeWorld,
    state_path: Path,
    edit: Callable[[FakeWorld], object],
    mapping: EngineMapping | None = None,
) -> dict[str, PhaseRun]:
    engine = new_engine(world, state_path, mapping)
    try:
        phases = {"initial": run_phase(engine, world, settle=True)}
        edit(world)
        world.clock.advance(seconds=CYCLE_GAP_SECONDS)
        phases["incremental"] = run_phase(engine, world, settle=True)
        phases["quiet"] = run_phase(engine, world, settle=False)
        return phases
    finally:
        engine.close()


def settle_garbage() -> None:
    """A full garbage collection before a phase, outside its timing, for engine and floor alike.

    Otherwise a full collection owed to the previous phase (at 100,000 records ~0.4 s over
    the fakes' million objects) lands in whichever phase crosses the threshold: it decided
    the 1% phase's floor ratio by chance.
    """
    gc.collect()


def _add_calls(total: Calls, calls: object) -> None:
    assert isinstance(calls, dict)
    for system, kinds in calls.items():
        for kind, n in kinds.items():
            total[system][kind] = total[system].get(kind, 0) + n


def _endpoints(engine: TalkEngine) -> dict[str, dict[str, int]]:
    counters: dict[str, CallCounter] = {
        "salesforce": engine.salesforce.calls,
        "crmoffice": engine.crmoffice.calls,
    }
    return {system: dict(c.by_endpoint) for system, c in counters.items()}


def _endpoint_diff(
    before: dict[str, dict[str, int]], after: dict[str, dict[str, int]]
) -> dict[str, dict[str, int]]:
    return {
        system: {
            name: n - before[system].get(name, 0)
            for name, n in sorted(after[system].items())
            if n - before[system].get(name, 0)
        }
        for system in after
    }
