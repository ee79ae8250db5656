"""`talkqa crash-trials` and `talkqa concurrency-trials`: count the damage a crash or a second
engine on the same state file does.

    talkqa crash-trials --records 1000 --trials 30 --seed 7
    talkqa crash-trials --records 200 --trials 5      # exit 1 on any duplicate or loss
    talkqa concurrency-trials --records 300 --tries 50

Exit codes: 0 no duplicate and nothing lost, 1 damage found, 2 bad arguments.
"""

from __future__ import annotations

import argparse
from typing import Any

from harness.errors import ConfigError
from harness.reliability.concurrency import run_concurrent_trials
from harness.reliability.crash import TrialsResult, run_trials


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add `talkqa crash-trials`; it sets args.run."""
    parser = subparsers.add_parser(
        "crash-trials", help="SIGKILL the engine during a first full sync; count duplicates/losses"
    )
    parser.add_argument("--records", type=int, default=1000, help="Salesforce Contacts to sync")
    parser.add_argument("--trials", type=int, default=30, help="kills, each on fresh fakes")
    parser.add_argument("--seed", type=int, default=7, help="chooses the kill points")
    parser.set_defaults(run=run)
    racing = subparsers.add_parser(
        "concurrency-trials",
        help="start two engines at once on one state file; count duplicates and losses",
    )
    racing.add_argument("--records", type=int, default=300, help="Salesforce Contacts to sync")
    racing.add_argument("--tries", type=int, default=50, help="races, each on fresh fakes")
    racing.set_defaults(run=run_concurrency)


def run_concurrency(args: argparse.Namespace) -> int:
    if args.records < 1 or args.tries < 1:
        raise ConfigError(
            f"--records and --tries must be at least 1, got {args.records} and {args.tries}"
        )
    result = run_concurrent_trials(args.records, args.tries)
    print(result.summary())
    return 0 if result.duplicates == result.lost == result.crashed == 0 else 1


def run(args: argparse.Namespace) -> int:
    if args.records < 1 or args.trials < 1:
        raise ConfigError(
            f"--records and --trials must be at least 1, got {args.records} and {args.trials}"
        )
    result = run_trials(args.records, args.trials, args.seed)
    print(figures(result, args.seed))
    return 0 if result.duplicates == 0 and result.lost == 0 else 1


def figures(result: TrialsResult, seed: int) -> str:
    points = ", ".join(f"{name} {n}" for name, n in sorted(result.kill_points().items()))
    lines = [
        f"crash trials: {len(result.trials)} (seed {seed}), {result.records} records each",
        f"killed mid-sync: {result.killed} of {len(result.trials)}",
        f"kill points: {points}",
        f"duplicates: {result.duplicates}",
        f"lost edits: {result.lost}",
    ]
    damaged = [t for t in result.trials if t.duplicates or t.lost]
    lines += [f"  damaged at {t.kill_point}: {t.duplicates} dup, {t.lost} lost" for t in damaged]
    return "\n".join(lines)
