"""`talkqa sync`: run the bundled engine (or another) against the mock world or a sandbox.

    talkqa sync --target mock --once
    talkqa sync --target mock --every 5 --sync-engine harness.engine.broken:swapped_phones

Exit codes: 0 every record synced, 1 dead letters or a failed cycle, 2 bad input.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from harness.engine import EngineContext, RunReport, SyncEngine, load_engine_factory
from harness.engine.failpoints import Failpoints
from harness.engine.report import COUNT_NAMES
from harness.errors import ConfigError, RetriableError

DEFAULT_ENGINE = "harness.engine:create_engine"


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add `talkqa sync`; it sets args.run."""
    parser = subparsers.add_parser("sync", help="run sync cycles of the bundled engine")
    parser.add_argument("--target", choices=("mock", "sandbox"), default="mock")
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--once", action="store_true", help="one cycle (the default)")
    when.add_argument("--every", type=float, metavar="SECONDS", help="a cycle every SECONDS")
    parser.add_argument("--state", type=Path, help="state file (default: a temporary one)")
    parser.add_argument("--sync-engine", default=DEFAULT_ENGINE, metavar="MODULE:FACTORY")
    parser.add_argument("--cycles", type=int, default=0, help="with --every: stop after N")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.every is not None and args.every <= 0:
        raise ConfigError(f"--every must be a positive number of seconds, got {args.every}")
    factory = load_engine_factory(args.sync_engine)
    console = Console()
    with _state_path(args.state) as state, _target(args.target, state) as context:
        # TALKQA_FAILPOINT (the crash tests' kill switch) is read here, at the command's edge.
        engine = factory(replace(context, failpoints=Failpoints.from_env(os.environ)))
        try:
            return _run_cycles(engine, args, console)
        finally:
            engine.close()


def _run_cycles(engine: SyncEngine, args: argparse.Namespace, console: Console) -> int:
    status, cycle = 0, 0
    while True:
        cycle += 1
        try:
            report = _one_cycle(engine, console)
        except RetriableError as error:
            console.print(f"[red]cycle {cycle} failed:[/red] {error}")
            status = 1
        else:
            console.print(summary_table(report, cycle))
            status = 0 if report.ok else 1
        if args.every is None or (args.cycles and cycle >= args.cycles):
            return status
        time.sleep(args.every)


def _one_cycle(engine: SyncEngine, console: Console) -> RunReport:
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True
    ) as progress:
        task = progress.add_task("sync cycle")
        # The bundled engine reports progress through a hook; another engine may not.
        if hasattr(engine, "progress"):
            engine.progress = lambda stage, n: progress.update(task, description=f"{stage}: {n}")
        return engine.run_cycle()


def summary_table(report: RunReport, cycle: int = 1) -> Table:
    seconds = (report.finished_at - report.started_at).total_seconds()
    table = Table(title=f"sync cycle {cycle} ({seconds:.1f}s)")
    table.add_column("flow")
    for name in COUNT_NAMES:
        table.add_column(name.replace("_", " "), justify="right")
    for flow, counts in report.flows.items():
        table.add_row(flow, *(str(getattr(counts, name)) for name in COUNT_NAMES))
    calls = ", ".join(
        f"{system} {c['read']}r/{c['write']}w" for system, c in report.api_calls.items()
    )
    table.caption = f"API calls: {calls}; dead letters: {len(report.dead_letters)}"
    for letter in report.dead_letters:
        table.caption += f"\n  {letter.ref} {letter.code}: {letter.message}"
    return table


@contextmanager
def _state_path(path: Path | None) -> Iterator[Path]:
    if path is not None:
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="talkqa-sync-") as tmp:
        yield Path(tmp) / "state.sqlite"


@contextmanager
def _target(target: str, state: Path) -> Iterator[EngineContext]:
    if target == "sandbox":
        from harness.targets.sandbox_sync import sandbox_context  # its guard runs before any write

        with sandbox_context(state) as context:
            yield context
        return
    from harness.fakes.world import FakeWorld

    world = FakeWorld()
    with world.activated():
        seed_demo(world)
        yield EngineContext(
            world.salesforce_settings(), world.crmoffice_settings(), state, clock=world.clock
        )


def seed_demo(world: Any) -> None:
    """A few records per flow, so a mock cycle has something to insert."""
    sf = world.salesforce
    people = [
        ("Ada", "Lovelace", "+47 900 00 001"),
        ("Grace", "Hopper", "+47 900 00 002"),
        ("Alan", "Turing", None),
    ]
    for first, last, mobile in people:
        sf.insert("Contact", {"FirstName": first, "LastName": last, "MobilePhone": mobile})
    party = sf.insert("Individual", {"LastName": "Nordmann"})
    sf.insert("Customer", {"Name": "Nordmann AS", "PartyId": party})
    sf.insert("Product2", {"Name": "Widget"})
    world.crmoffice.insert("contacts", {"givenName": "Kari", "familyName": "Nordmann"})
