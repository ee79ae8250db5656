"""Crash trials, small: 200 Contacts, 5 SIGKILLs in a first full sync; nothing doubled or lost.

.venv/bin/pytest tests/reliability/test_crash_trials.py -q
talkqa crash-trials --records 1000 --trials 30      # the full run, documented figures
"""

from __future__ import annotations

import pytest

from harness.cli import main
from harness.reliability.crash import run_trials


def test_five_kills_during_a_first_sync_of_200_lose_and_duplicate_nothing() -> None:
    result = run_trials(records=200, trials=5, seed=11)
    assert result.killed == 5, [t.kill_point for t in result.trials]
    assert (result.duplicates, result.lost) == (0, 0), result.trials


def test_command_prints_the_figures_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crash-trials", "--records", "20", "--trials", "1", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    for figure in ("crash trials: 1", "kill points:", "duplicates: 0", "lost edits: 0"):
        assert figure in out


def test_command_refuses_zero_trials_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crash-trials", "--trials", "0"]) == 2
    err = capsys.readouterr().err
    assert err == "talkqa: --records and --trials must be at least 1, got 1000 and 0\n"
