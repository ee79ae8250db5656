"""`talkqa bench`: sync N records through the embedded fakes and print calls, time and memory.

    talkqa bench --records 10000
    talkqa bench --records 2000 --json > bench.json
    talkqa bench --records 100000 --salesforce-api bulk   # only the engine as shipped
    talkqa bench --sandbox-seam --preexisting 5000 --latency-ms 150 --workers 4

Three phases (initial sync, 1% edited on each side, a quiet cycle), each against the fewest
calls the APIs allow and against the same calls sent with no engine (the floor). Salesforce's
calls show twice, side by side: the engine as shipped (Bulk API 2.0 above flows.toml's
bulk_threshold) and REST only.
With --sandbox-seam: one whole checklist run on the sandbox target's test seam, with records
already in both systems (harness/bench/sandbox.py).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from harness.errors import ConfigError

if TYPE_CHECKING:  # the CLI loads this module for every command; the bench only when it runs
    from harness.bench.engine_run import SalesforceApiChoice

API_CHOICES: dict[str, tuple[SalesforceApiChoice, ...]] = {
    "both": ("bulk", "rest"),
    "bulk": ("bulk",),
    "rest": ("rest",),
}


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add `talkqa bench`; it sets args.run."""
    parser = subparsers.add_parser(
        "bench", help="benchmark the engine's API calls, time and memory on the embedded fakes"
    )
    parser.add_argument(
        "--records",
        type=int,
        default=10_000,
        metavar="N",
        help="Contacts to sync (plus N/10 Customers and N/10 Product2)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--salesforce-api",
        choices=API_CHOICES,
        default="both",
        help="bulk: the engine as shipped (Bulk API 2.0 above its threshold); rest: REST only;"
        " both (default): the engine twice, Salesforce calls side by side",
    )
    seam = parser.add_argument_group("one checklist run on the sandbox test seam")
    seam.add_argument(
        "--sandbox-seam",
        action="store_true",
        help="run `pytest features/ --target sandbox` on the seam's fakes and count its calls",
    )
    seam.add_argument(
        "--preexisting",
        type=int,
        default=0,
        metavar="N",
        help="records each system holds before the run (N contacts, N/10 products/companies)",
    )
    seam.add_argument(
        "--latency-ms", type=float, default=0.0, metavar="MS", help="each answer this late"
    )
    seam.add_argument(
        "--workers", type=int, default=0, metavar="W", help="xdist workers (0: one process)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.sandbox_seam:
        return _run_sandbox_seam(args)
    if args.records < 1:
        raise ConfigError(f"--records must be at least 1, got {args.records}")
    from harness.bench.render import render_text
    from harness.bench.run import run_bench

    result = run_bench(args.records, API_CHOICES[args.salesforce_api])
    print(json.dumps(result.to_json()) if args.json else render_text(result))
    return 0


def _run_sandbox_seam(args: argparse.Namespace) -> int:
    from harness.bench.sandbox import render_sandbox_text, run_sandbox_bench

    result = run_sandbox_bench(
        preexisting=args.preexisting, latency_ms=args.latency_ms, workers=args.workers
    )
    print(json.dumps(result.to_json()) if args.json else render_sandbox_text(result))
    return 0 if result.exit_code == 0 else 1
