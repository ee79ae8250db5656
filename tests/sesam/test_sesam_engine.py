"""The Sesam engine (harness.sesam) against a fake node through sesamclient, in process.

.venv/bin/pytest tests/sesam -q
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import responses

from harness.engine import SyncEngine
from harness.errors import (
    AuthenticationError,
    ConfigError,
    RetriableError,
    UnreachableError,
    UnsupportedByEngineError,
)
from harness.fakes.http import mount
from harness.fakes.sesam import PumpFailedError, PumpResult, PumpRun, WriteError
from harness.fakes.sesam.pipes import PipeSpec
from harness.sesam import CANNOT_RESTART, SesamEngine, SesamSettings, load_sesam_settings
from tests.sesam.node_rig import FLOW, PIPES, NodeRig

pytestmark = pytest.mark.usefixtures("node_http")


def _one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text, text
    return text


def test_it_is_a_sync_engine(rig: NodeRig) -> None:
    engine = rig.engine()
    assert isinstance(engine, SyncEngine)
    assert engine.syncs("Salesforce", "Contact", "contacts") is True
    assert engine.syncs("Crmoffice", "contacts", "Contact") is False
    with pytest.raises(UnsupportedByEngineError) as refused:
        engine.restart()
    assert str(refused.value) == CANNOT_RESTART


def test_a_missing_pipe_stops_it_with_one_line_naming_what_is_there() -> None:
    line = _start_refusal(NodeRig.build(drop=("global-contact",)))
    assert "missing pipes global-contact" in line
    assert "the node has crmoffice-contacts-collect, crmoffice-contacts-share" in line
    assert "TALKQA_SESAM_PIPES_FILE" in line


def test_a_disabled_pipe_stops_it_with_one_line() -> None:
    line = _start_refusal(NodeRig.build(disabled=("crmoffice-contacts-share",)))
    assert "disabled pipes crmoffice-contacts-share" in line
    assert "missing" not in line


def _start_refusal(rig: NodeRig) -> str:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        mount(rsps, rig.node)
        with pytest.raises(ConfigError) as caught:
            rig.engine()
    return _one_line(caught.value)


def test_an_overrides_file_names_the_nodes_own_pipe(rig: NodeRig, tmp_path: Path) -> None:
    rig.node.add_pipe(PipeSpec("global-person", sources=("salesforce-contact-collect",)))
    pipes_file = tmp_path / "pipes.toml"
    pipes_file.write_text('[pipes]\n"global-contact" = "global-person"\n', "utf-8")
    engine = rig.engine(pipes_file=pipes_file)
    assert "global-person" in [p.node_id for p in engine.pipes]
    pipes_file.write_text('[pipes]\n"global-contakt" = "global-person"\n', "utf-8")
    with pytest.raises(ConfigError, match="no flow has a pipe 'global-contakt'; known: "):
        rig.engine(pipes_file=pipes_file)


def test_a_cycle_runs_the_pipes_in_dependency_order(rig: NodeRig) -> None:
    rig.systems["salesforce"].add("Ada")
    rig.engine().run_cycle()
    assert rig.node.start_order()[: len(PIPES)] == PIPES


def test_it_loops_until_a_whole_round_changes_nothing(rig: NodeRig) -> None:
    ada = rig.systems["salesforce"].add("Ada")
    engine = rig.engine()
    report = engine.run_cycle()
    crm = rig.systems["crmoffice"]
    assert crm.writes == [("insert", "cr1")] and crm.records["cr1"] == {"name": "Ada"}
    assert rig.systems["salesforce"].writes == []
    # Round 2 carries the insert back (crmoffice collect sees cr1 with $origin), round 3 is quiet.
    starts = rig.node.start_order()
    assert starts.count("salesforce-contact-collect") == 3
    assert starts.count("crmoffice-contacts-share") == 2
    assert report.flows["contact"].inserted == 1
    assert report.api_calls == {
        "salesforce": {"read": 0, "write": 0},
        "crmoffice": {"read": 0, "write": 1},
    }
    assert report.ok
    rig.systems["salesforce"].records[ada] = {"name": "Ada L"}
    engine.run_cycle()
    assert crm.writes[-1] == ("update", "cr1") and crm.records["cr1"] == {"name": "Ada L"}


def test_a_cycle_at_rest_runs_only_the_collect_pipes(rig: NodeRig) -> None:
    rig.systems["salesforce"].add("Ada")
    engine = rig.engine()
    engine.run_cycle()
    before = len(rig.node.start_order())
    report = engine.run_cycle()
    assert rig.node.start_order()[before:] == [
        "salesforce-contact-collect",
        "crmoffice-contacts-collect",
    ]
    assert report.total("inserted") == report.total("updated_crmoffice") == 0


def test_the_engine_waits_for_an_asynchronous_pump(rig: NodeRig) -> None:
    rig.node.set_run_polls("global-contact", 3)
    rig.systems["salesforce"].add("Ada")
    rig.engine(poll_interval=2.5).run_cycle()
    # Per run: status reads 1 and 2 show it running, read 3 ends it. It ran in two rounds.
    assert rig.node.runs("global-contact") == 2
    assert rig.sleeps == [2.5, 2.5] * 2


def test_a_failed_pump_is_in_the_report_with_its_message(rig: NodeRig) -> None:
    rig.node.fail_next_run("crmoffice-contacts-share", "Crmoffice answered 503 Service Unavailable")
    rig.systems["salesforce"].add("Ada")
    report = rig.engine().run_cycle()
    assert not report.ok
    [letter] = report.dead_letters
    assert (letter.ref, letter.code, letter.flow) == (
        "crmoffice-contacts-share",
        "pump-failed",
        "contact",
    )
    assert letter.message == "Crmoffice answered 503 Service Unavailable"
    assert letter.direction == "salesforce->crmoffice"
    assert rig.node.start_order().count("crmoffice-contacts-share") == 1  # not run again


def test_a_backend_that_raises_fails_the_pump(rig: NodeRig) -> None:
    def broken(run: PumpRun) -> PumpResult:
        raise PumpFailedError("salesforce-contact-collect: INVALID_SESSION_ID")

    rig.node.set_backend("salesforce-contact-collect", broken)
    report = rig.engine().run_cycle()
    assert [d.message for d in report.dead_letters] == [
        "salesforce-contact-collect: INVALID_SESSION_ID"
    ]


def test_write_errors_in_the_execution_log_are_dead_letters(rig: NodeRig) -> None:
    def refuses(run: PumpRun) -> PumpResult:
        errors = [WriteError(e, "givenName is too long", dead=True) for e in run.changed()]
        return PumpResult(write_errors=errors)

    rig.node.set_backend("crmoffice-contacts-share", refuses)
    rig.systems["salesforce"].add("Ada")
    report = rig.engine().run_cycle()
    [letter] = report.dead_letters
    assert (letter.ref, letter.code, letter.retriable) == (
        "salesforce-contact:sa1",
        "write-error",
        False,
    )
    assert letter.message == "givenName is too long"
    assert report.flows["contact"].dead_lettered == 1


def test_a_pump_that_never_finishes_is_a_one_line_timeout(rig: NodeRig) -> None:
    rig.node.hang_next_run("global-contact")
    rig.systems["salesforce"].add("Ada")
    with pytest.raises(RetriableError) as caught:
        rig.engine(timeout=10.0, poll_interval=3.0).run_cycle()
    line = _one_line(caught.value)
    assert line == (
        f"Sesam pump 'global-contact' on {rig.node.api_url} was still running after the"
        " cycle's 10 s (TALKQA_SESAM_TIMEOUT); the node is busy or the pipe is stuck"
    )
    assert sum(rig.sleeps) == pytest.approx(10.0)


def test_an_expired_jwt_is_one_line_and_the_jwt_is_shown_nowhere(
    rig: NodeRig, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    engine = rig.engine()
    rig.node.expire_jwts()
    with pytest.raises(AuthenticationError) as caught:
        engine.run_cycle()
    line = _one_line(caught.value)
    assert line.startswith(
        f"Sesam node {rig.node.api_url} while reading the execution log of"
        " 'salesforce-contact-collect': 401 the JWT has expired"
    )
    assert "401 the JWT has expired" in line and "TALKQA_SESAM_JWT" in line
    shown = [
        line,
        repr(caught.value),
        *_chain(caught.value),
        repr(engine.settings),
        str(engine.settings),
        caplog.text,
        *capsys.readouterr(),
    ]
    assert all(rig.jwt not in text for text in shown)
    assert all(rig.jwt.split(".")[1] not in text for text in shown)


def test_a_jwt_past_its_exp_claim_is_refused_at_start(rig: NodeRig) -> None:
    rig.clock.advance(hours=2)
    with pytest.raises(AuthenticationError, match="401 the JWT has expired"):
        rig.engine()


def test_reset_watermarks_unsets_the_collect_pipes_last_seen(rig: NodeRig) -> None:
    rig.systems["salesforce"].add("Ada")
    engine = rig.engine()
    engine.run_cycle()
    assert rig.node.pump("salesforce-contact-collect").watermark == "1"
    engine.reset_watermarks()
    collects = [p for p in PIPES if p.endswith("-collect")]
    assert [rig.node.pump(p).watermark for p in collects] == [None, None]
    assert rig.node.pump("global-contact").offsets["salesforce-contact-collect"] > 0
    engine.run_cycle()  # reads both systems whole, writes nothing new
    assert rig.systems["crmoffice"].writes == [("insert", "cr1")]


def test_reconnect_checks_the_pipes_again(rig: NodeRig) -> None:
    engine = rig.engine()
    rig.node.set_enabled("global-contact", False)
    with pytest.raises(ConfigError, match="disabled pipes global-contact"):
        engine.reconnect()


def test_settings_mask_the_jwt_and_read_the_environment() -> None:
    env = {
        "TALKQA_SESAM_NODE_URL": "https://datahub-abc.sesam.cloud/",
        "TALKQA_SESAM_JWT": "Bearer eyJ.secret-part.sig",
        "TALKQA_SESAM_TIMEOUT": "90",
    }
    settings = load_sesam_settings(env)
    assert settings.node_url == "https://datahub-abc.sesam.cloud/api"
    assert settings.jwt == "eyJ.secret-part.sig" and settings.timeout == 90.0
    assert "secret-part" not in repr(settings) and "[REDACTED]" in repr(settings)
    with pytest.raises(ConfigError, match="TALKQA_SESAM_JWT is not set"):
        load_sesam_settings({"TALKQA_SESAM_NODE_URL": "https://x.sesam.cloud"})
    with pytest.raises(ConfigError, match="must be an https:// node URL"):
        load_sesam_settings({**env, "TALKQA_SESAM_NODE_URL": "http://x.sesam.cloud"})
    with pytest.raises(ConfigError, match="TALKQA_SESAM_TIMEOUT must be a number"):
        load_sesam_settings({**env, "TALKQA_SESAM_TIMEOUT": "soon"})
    with pytest.raises(ConfigError, match="must be positive"):
        SesamSettings("https://x.sesam.cloud/api", "t", timeout=0)


def test_the_flow_names_follow_talks_convention() -> None:
    assert [p.id for p in FLOW.pipes()] == PIPES
    assert FLOW.pipes()[0].dependencies == ("salesforce-contact-share",)


def _chain(error: BaseException | None) -> list[str]:
    texts = []
    while error is not None:
        texts += [str(error), repr(error)]
        error = error.__cause__ or error.__context__
    return texts


def test_a_dataset_the_node_does_not_have_yet_reads_as_empty(rig: NodeRig) -> None:
    engine = rig.engine()
    assert engine.node.dataset_mark("no-such-dataset") is None
    assert engine.node.dataset_since("no-such-dataset", None) == []


def test_an_unreachable_node_is_one_line(rig: NodeRig) -> None:
    settings = SesamSettings("https://datahub-nowhere.sesam.test/api", rig.jwt)
    with pytest.raises(UnreachableError) as caught:
        SesamEngine(settings, [FLOW])
    line = _one_line(caught.value)
    assert line.startswith(
        "Sesam node https://datahub-nowhere.sesam.test/api while listing the pipes: ConnectionError"
    )
    assert rig.jwt not in line
