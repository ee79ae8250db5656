"""`talkqa bench`: sync N records through the embedded fakes and print calls, time and memory.

    talkqa bench --records 10000
    talkqa bench --records 2000 --json > bench.json

Three phases (initial sync, 1% edited on each side, a quiet cycle), each against the fewest
calls the APIs allow and against the same calls sent with no engine (the floor).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from harness.errors import ConfigError


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
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.records < 1:
        raise ConfigError(f"--records must be at least 1, got {args.records}")
    from harness.bench.render import render_text
    from harness.bench.run import run_bench

    result = run_bench(args.records)
    print(json.dumps(result.to_json()) if args.json else render_text(result))
    return 0
