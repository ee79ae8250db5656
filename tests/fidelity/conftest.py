"""Fixtures of the record-and-replay tests: the `talkqa` command, run in process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness import cli

REPO = Path(__file__).resolve().parents[2]
FIXTURE_CASSETTES = REPO / "fixtures" / "cassettes"


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


Talkqa = Callable[..., Outcome]


@pytest.fixture
def talkqa(capsys: pytest.CaptureFixture[str]) -> Talkqa:
    """harness.cli.main as a user runs it, with what it printed."""

    def run(*argv: str) -> Outcome:
        code = cli.main(list(argv))
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run
