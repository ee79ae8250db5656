"""Bad input: each is refused with the one line it must show, and nothing is written anywhere.

    .venv/bin/pytest tests/reliability/test_bad_input.py -q
    talkqa sync --state corrupt.sqlite   # -> "talkqa: state store ... is not a talkqa state file"

"Nothing written" is read from the fakes' own call logs: zero write calls to either system.
"""

from __future__ import annotations

import re
import socket
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

import pytest
import responses

from harness.cli import main
from harness.engine import EngineContext, SyncEngine, create_engine
from harness.errors import ApiContractError, AuthenticationError, RetriableError
from harness.fakes import world as world_module
from harness.fakes.world import FakeWorld
from tests.runs import run_features, tail, text


def writes(world: FakeWorld) -> int:
    return world.salesforce.calls.count(kind="write") + world.crmoffice.calls.count(kind="write")


def engine_of(world: FakeWorld, tmp_path: Path, **changes: object) -> SyncEngine:
    context = EngineContext(
        world.salesforce_settings(),
        world.crmoffice_settings(),
        tmp_path / "state.sqlite",
        clock=world.clock,
        sleep=lambda seconds: None,
    )
    return create_engine(replace(context, **changes))  # type: ignore[arg-type]


def seeded(world: FakeWorld) -> str:
    return world.salesforce.insert("Contact", {"FirstName": "Ada", "LastName": "Lovelace"})


@pytest.fixture
def world() -> Iterator[FakeWorld]:
    world = FakeWorld()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add_passthru("http://127.0.0.1")  # the unreachable-host test really connects
        world.mount(rsps)
        yield world


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


# --- the dataflow document -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "",
            "empty.rst:1: found an empty file; expected a title like"
            " 'Salesforce to Crmoffice Dataflow'",
        ),
        (
            "Title\n=====\n\nno flows\n",
            "empty.rst:1: found no over- and underlined title; expected a"
            " title like 'Salesforce to Crmoffice Dataflow'",
        ),
    ],
)
def test_a_malformed_or_empty_document_is_one_line_and_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "empty.rst").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["features", "check", "empty.rst"]) == 2
    assert one_line_error(capsys) == f"talkqa: {message}\n"


def test_pytest_with_an_empty_document_stops_before_any_scenario(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    document = tmp_path / "empty.rst"
    document.write_text("", encoding="utf-8")
    done = run_features(pytester, "--document", str(document))
    stdout, stderr = text(done.outlines), text(done.errlines)
    assert done.ret == pytest.ExitCode.USAGE_ERROR, stdout + stderr  # exit 4
    assert f"ERROR: {document}:1: found an empty file" in stderr
    assert "Traceback" not in stderr and "passed" not in stdout


# --- hosts, credentials and contracts ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:  # bound then closed: nobody listens there afterwards
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_host_stops_the_cycle_in_one_line_and_writes_nothing(
    world: FakeWorld, tmp_path: Path
) -> None:
    seeded(world)
    dead = f"http://127.0.0.1:{free_port()}"
    crm = replace(world.crmoffice_settings(), base_url=dead, token_url=dead + "/connect/token")
    with pytest.raises(RetriableError) as caught:
        engine_of(world, tmp_path, crmoffice=crm).run_cycle()
    message = str(caught.value)
    assert "\n" not in message
    assert re.search(
        r"^Crmoffice .* at 127\.0\.0\.1:\d+: connection failed .*gave up after 5"
        r" attempts\)$",
        message,
    ), message
    assert writes(world) == 0


def test_wrong_salesforce_password_is_an_authentication_error_and_writes_nothing(
    world: FakeWorld, tmp_path: Path
) -> None:
    seeded(world)
    settings = world.salesforce_settings()
    wrong = replace(settings, login=replace(settings.login, password="not-the-password"))
    with pytest.raises(AuthenticationError) as caught:
        engine_of(world, tmp_path, salesforce=wrong).run_cycle()
    assert "\n" not in str(caught.value) and "not-the-password" not in str(caught.value)
    assert "INVALID_LOGIN" in str(caught.value), caught.value
    assert writes(world) == 0


def test_wrong_crmoffice_secret_is_an_authentication_error_and_writes_nothing(
    world: FakeWorld, tmp_path: Path
) -> None:
    seeded(world)
    wrong = replace(world.crmoffice_settings(), client_secret="not-the-secret")
    with pytest.raises(AuthenticationError) as caught:
        engine_of(world, tmp_path, crmoffice=wrong).run_cycle()
    assert "\n" not in str(caught.value) and "not-the-secret" not in str(caught.value)
    assert "invalid_client" in str(caught.value), caught.value
    assert writes(world) == 0


@pytest.mark.parametrize(
    ("system", "body", "problem"),
    [
        (
            "crmoffice",
            {
                "items": [
                    {
                        "id": 1,
                        "givenName": "A",
                        "familyName": "B",
                        "mobilePhone": None,
                        "directPhone": None,
                    }
                ],
                "nextCursor": None,
            },
            "updatedAt",
        ),
        ("crmoffice", {"items": [{"id": "one", "updatedAt": "2026-01-05T09:00:00Z"}]}, "id"),
        (
            "salesforce",
            {"totalSize": 1, "done": True, "records": [{"Id": "003X"}]},
            "record 003X lacks field 'FirstName'",
        ),
        ("salesforce", {"totalSize": 1, "done": True, "records": "not a list"}, "records"),
    ],
)
def test_a_response_breaking_its_contract_stops_cleanly_and_writes_nothing(
    tmp_path: Path, system: str, body: object, problem: str
) -> None:
    world = FakeWorld()
    seeded(world)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        pattern = (
            re.compile(re.escape(world.crmoffice.base_url) + r"/contacts\?.*")
            if system == "crmoffice"
            else re.compile(r"https://[^/]+/services/data/v[0-9.]+/queryAll/?\?.*Contact.*")
        )
        rsps.add(responses.GET, pattern, json=body)  # first registered: answers once, then goes
        world.mount(rsps)
        engine = engine_of(world, tmp_path)
        with pytest.raises(ApiContractError) as caught:
            engine.run_cycle()
        engine.close()
    message = str(caught.value)
    assert "\n" not in message and problem in message, message
    assert message.startswith("Salesforce" if system == "salesforce" else "Crmoffice"), message
    assert writes(world) == 0


# --- values and the state store ------------------------------------------------------------


def test_a_value_longer_than_the_target_field_is_dead_lettered_and_not_written(
    world: FakeWorld, tmp_path: Path
) -> None:
    sf_id = seeded(world)
    engine = engine_of(world, tmp_path)
    engine.run_cycle()
    crm_id = world.crmoffice.records("contacts")[0]["id"]
    world.clock.advance(seconds=10)
    world.crmoffice.ui_edit("contacts", crm_id, {"givenName": "Æ" * 41})
    report = engine.run_cycle()
    engine.close()
    [letter] = report.dead_letters
    assert (letter.code, letter.retriable) == ("STRING_TOO_LONG", False)
    assert "max length=40" in letter.message and "\n" not in letter.message
    assert world.salesforce.get("Contact", sf_id)["FirstName"] == "Ada"  # type: ignore[index]


class CountingWorld(FakeWorld):
    made: ClassVar[list[FakeWorld]] = []

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        CountingWorld.made.append(self)


def corrupt(path: Path) -> str:
    path.write_bytes(b"not a database at all " * 10)
    return (
        f"talkqa: state file {path} is not a talkqa state file (SQLite says: file is not a"
        " database); point --state at the file this engine wrote; nothing was changed\n"
    )


def newer(path: Path) -> str:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        db.execute("INSERT INTO schema_version VALUES (99)")
    db.close()
    return (
        f"talkqa: state store {path} has schema version 99; this talkqa reads version 1"
        " (the file is from a newer talkqa)\n"
    )


@pytest.mark.parametrize("spoil", [corrupt, newer])
def test_a_corrupt_or_newer_state_file_is_one_line_exit_2_and_writes_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    spoil: object,
) -> None:
    monkeypatch.setattr(world_module, "FakeWorld", CountingWorld)
    CountingWorld.made = []
    state = tmp_path / "state.sqlite"
    expected = spoil(state)  # type: ignore[operator]
    assert main(["sync", "--target", "mock", "--once", "--state", str(state)]) == 2
    assert one_line_error(capsys) == expected
    assert CountingWorld.made and all(writes(w) == 0 for w in CountingWorld.made)


def test_a_credential_in_an_error_reaches_no_terminal_junit_or_report(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    """Issue 14, item 11: masking covered only the HTTP-exchange and evidence attachments."""
    from harness.fakes.world import FAKE_SF_PASSWORD

    results, junit = tmp_path / "allure-results", tmp_path / "junit.xml"
    done = run_features(
        pytester,
        "-k",
        "one_linked",
        "--sync-engine",
        "tests.reliability.leaky:leaky_engine",
        "--tb=long",
        "-rA",
        f"--alluredir={results}",
        f"--junitxml={junit}",
    )
    stdout, stderr = text(done.outlines), text(done.errlines)
    assert done.ret == pytest.ExitCode.TESTS_FAILED, tail(done.outlines, 2000)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert junit in written and any(p.name.endswith("-result.json") for p in written)
    texts = [stdout, stderr, *(p.read_text("utf-8", "replace") for p in written)]
    assert "login failed with password" in stdout  # the failure itself is shown...
    assert not [i for i, text in enumerate(texts) if FAKE_SF_PASSWORD in text]  # ...masked
    assert any("[REDACTED]" in text for text in texts)
