"""Bad input to `talkqa fidelity` is one clear line and exit code 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fidelity.conftest import Talkqa


def _one_line_error(talkqa: Talkqa, target: Path) -> str:
    done = talkqa("fidelity", str(target))
    assert done.code == 2
    assert done.out == ""
    lines = done.err.splitlines()
    assert len(lines) == 1, done.err
    assert "Traceback" not in done.err
    return lines[0]


def test_a_missing_folder(talkqa: Talkqa, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    line = _one_line_error(talkqa, missing)
    assert line == f"talkqa: {missing} does not exist; give a cassette file or a folder of them"


def test_a_folder_without_cassettes(talkqa: Talkqa, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a cassette", "utf-8")
    assert (
        _one_line_error(talkqa, tmp_path) == f"talkqa: no cassettes (*.yaml, *.yml) in {tmp_path}"
    )


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("- just\n- a list\n", "is not a vcrpy cassette"),
        ("interactions: [{request: {method: GET}}]\n", "is not a vcrpy cassette"),
        ("key: [unclosed\n", "is not a readable YAML file"),
        ("", "is empty or missing"),
        ("!!python/object/apply:os.system ['true']\n", "is not a"),
    ],
)
def test_a_file_that_is_not_a_cassette(
    talkqa: Talkqa, tmp_path: Path, text: str, said: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, "utf-8")
    line = _one_line_error(talkqa, tmp_path)
    assert line.startswith(f"talkqa: {bad} {said}")


def test_a_binary_file(talkqa: Talkqa, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_bytes(b"\xff\xfe\x00binary")
    assert _one_line_error(talkqa, bad).startswith(f"talkqa: {bad} is not a readable YAML file")


def test_a_bad_seed_names_the_cassette(talkqa: Talkqa, tmp_path: Path) -> None:
    bad = tmp_path / "seeded.yaml"
    bad.write_text("interactions: []\nmetadata: {seed: [{sobject: Nope}]}\nversion: 1\n", "utf-8")
    line = _one_line_error(talkqa, bad)
    assert line.startswith(f"talkqa: {bad}: seed {{'sobject': 'Nope'}} cannot be planted")
