"""`talkqa fidelity DIR`: replay recorded cassettes against fresh fakes and list the differences.

    talkqa fidelity fixtures/cassettes          # exit 0: none; 1: differences; 2: bad input
    talkqa fidelity reports/cassettes/run.yaml  # one cassette

One line per difference: cassette, interaction number (from 1), method and path, what
differed. The last line counts what was compared. The rules are in harness/fidelity/compare.py.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    fidelity = subparsers.add_parser(
        "fidelity",
        help="replay recorded HTTP cassettes against fresh fakes and list each difference",
    )
    fidelity.add_argument(
        "cassettes", type=Path, metavar="DIR", help="a vcrpy cassette, or a folder of them"
    )
    fidelity.set_defaults(run=run_fidelity)


def run_fidelity(args: argparse.Namespace) -> int:
    from harness.fidelity.cassette import cassette_paths, read_cassette
    from harness.fidelity.replay import replay_all

    cassettes = [read_cassette(path) for path in cassette_paths(args.cassettes)]
    differences = replay_all(cassettes)
    for difference in differences:
        print(difference.line())
    interactions = sum(len(c.interactions) for c in cassettes)
    found = f"{len(differences)} difference(s)" if differences else "no differences"
    print(f"fidelity: {len(cassettes)} cassette(s), {interactions} interaction(s), {found}")
    return 1 if differences else 0
