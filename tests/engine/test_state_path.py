"""State-path mistakes say what is wrong, never "delete it" (issue 14, item 7).

    .venv/bin/pytest tests/engine/test_state_path.py -q

Every failure to open said "is not a talkqa state file", which reads like advice to delete the
file; a deleted state file makes the next run insert every record again. Two engines creating
one new state file at once failed 14 times in 40.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from harness.errors import StateStoreError
from harness.links import LinkStore

REPO = Path(__file__).resolve().parents[2]


def refusal(path: Path) -> str:
    with pytest.raises(StateStoreError) as refused:
        LinkStore.open(path)
    message = str(refused.value)
    assert "\n" not in message and "delete" not in message.lower()
    return message


def test_a_folder_is_not_a_state_file(tmp_path: Path) -> None:
    assert "is a folder" in refusal(tmp_path)


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    assert f"does not exist ({tmp_path / 'nope'})" in refusal(tmp_path / "nope" / "state.sqlite")


@pytest.mark.parametrize(
    ("sqlite_says", "expected"),
    [
        ("database or disk is full", "the disk is full"),
        ("attempt to write a readonly database", "check the file's and its folder's permissions"),
        ("unable to open database file", "check the file's and its folder's permissions"),
    ],
)
def test_what_sqlite_refuses_is_said_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_says: str, expected: str
) -> None:
    """As root here, a read-only folder or a full disk cannot be made for real; SQLite's own
    errors for them are raised at connect instead."""

    def refuse(*args: object, **kwargs: object) -> sqlite3.Connection:
        raise sqlite3.OperationalError(sqlite_says)

    monkeypatch.setattr(sqlite3, "connect", refuse)
    assert expected in refusal(tmp_path / "state.sqlite")


RACER = """
import sys, time
from pathlib import Path
from harness.links import LinkStore
start = float(sys.argv[2])
while time.time() < start:
    pass
LinkStore.open(Path(sys.argv[1])).close()
"""


def test_engines_creating_one_new_state_file_at_once_all_succeed(tmp_path: Path) -> None:
    import time

    failures: list[str] = []
    for attempt in range(10):
        path = tmp_path / f"state-{attempt}.sqlite"
        start = time.time() + 1.0
        racers = [
            subprocess.Popen(
                [sys.executable, "-c", RACER, str(path), str(start)],
                cwd=REPO,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        for racer in racers:
            _, err = racer.communicate(timeout=60)
            if racer.returncode:
                failures.append(err.strip().splitlines()[-1])
    assert failures == []
