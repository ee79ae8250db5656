"""FakeSesamNode through sesamclient (Sesam's own client), against the Service API's shapes.

.venv/bin/pytest tests/fakes/test_sesam_node.py -q
# fixtures here are sesam_*-named so they never clash with the other fakes' tests

Sources: swagger_public.yaml is datanav/docs hub/swagger_public.yaml (the node's API reference,
D:hub/api.html); D: is https://docs.sesam.io/. Where the docs leave a shape open (the pump's
runtime), the keys are the ones sesamclient 1.2.6 reads (sesamclient/pump.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests
import responses
from sesamclient import Connection
from sesamclient.exceptions import BadRequestException, PumpDoesNotSupportTheOperation

from harness.clock import FakeClock
from harness.fakes.http import mount, route_to_loopback, serve
from harness.fakes.sesam import (
    FakeSesamNode,
    PipeSpec,
    PumpResult,
    PumpRun,
    WriteError,
    issue_jwt,
    talk_pipes,
)
from harness.sesam import SesamSettings, TalkFlow, TalkSide
from harness.sesam.node import SesamNodeClient


def _collect(run: PumpRun) -> PumpResult:
    rows = [{"_id": "contact:1", "name": "Ada"}, {"_id": "contact:2", "name": "Grace"}]
    return PumpResult(rows, last_seen="2026-01-05T09:00:00Z")


@pytest.fixture
def sesam_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sesam_jwt(sesam_clock: FakeClock) -> str:
    return issue_jwt(sesam_clock.now() + timedelta(hours=1))


@pytest.fixture
def sesam_node(sesam_clock: FakeClock, sesam_jwt: str) -> FakeSesamNode:
    pipes = [
        PipeSpec("a-contact-collect", _collect),
        PipeSpec("global-contact", sources=("a-contact-collect",), run_polls=2),
    ]
    return FakeSesamNode(sesam_clock, jwt=sesam_jwt, pipes=pipes)


@pytest.fixture
def sesam(sesam_node: FakeSesamNode, sesam_jwt: str) -> Iterator[Connection]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        mount(rsps, sesam_node)
        connection = Connection(sesam_node.api_url, jwt_auth_token=sesam_jwt, timeout=5)
        yield connection
        connection.close()


def _run(connection: Connection, pipe_id: str) -> Any:
    pump = connection.get_pipe(pipe_id).get_pump()
    assert pump.start() is True
    pump.wait_for_pump_to_finish_running(timeout=5, poll_interval=0)
    return pump


def test_a_pipe_has_its_config_and_runtime(sesam: Connection) -> None:
    """swagger_public.yaml `Pipe`: _id, config.original/effective (source, sink, pump) and a
    runtime with is-running, is-valid-config, is-disabled, config-errors and queues."""
    pipes = {pipe.id: pipe for pipe in sesam.get_pipes()}
    assert list(pipes) == ["a-contact-collect", "global-contact"]
    merged = pipes["global-contact"]
    assert merged.source_dataset_id == "a-contact-collect"
    assert merged.sink_dataset_id == "global-contact"
    runtime = merged.runtime
    assert runtime["is-running"] is False and runtime["is-valid-config"] is True
    assert runtime["is-disabled"] is False and runtime["config-errors"] == []
    assert runtime["queues"] == {"source": {"a-contact-collect": 0}, "dependencies": None}
    assert runtime["execution-dataset"] == "system:pump_execution:global-contact"
    assert merged.config["effective"]["source"] == {
        "type": "dataset",
        "dataset": "a-contact-collect",
    }


def test_an_unknown_pipe_is_a_404(sesam: Connection) -> None:
    """swagger_public.yaml GET /pipes/{pipe_id}; sesamclient's get_pipe answers None on 404."""
    assert sesam.get_pipe("no-such-pipe") is None
    with pytest.raises(BadRequestException) as caught:
        sesam.do_get_request(sesam.get_pipe_pump_url("no-such-pipe"), [200])
    assert caught.value.response.status_code == 404
    assert "pipes: a-contact-collect, global-contact" in caught.value.response.json()["message"]


def test_a_missing_jwt_is_a_401(sesam_node: FakeSesamNode, sesam: Connection) -> None:
    """D:hub/api.html: every call takes `Authorization: Bearer <jwt>`; RFC 6750's challenge."""
    answer = requests.get(sesam_node.api_url + "/pipes", timeout=5)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="sesam"'


def test_an_expired_jwt_is_a_401(
    sesam_node: FakeSesamNode, sesam_clock: FakeClock, sesam: Connection
) -> None:
    """D:hub/api.html (JWT): a token past its `exp` claim on the node's clock is refused."""
    sesam.get_pipes()
    sesam_clock.advance(hours=1)
    with pytest.raises(BadRequestException) as caught:
        sesam.get_pipes()
    assert caught.value.response.status_code == 401
    assert caught.value.response.json()["message"] == "the JWT has expired"


def test_an_expired_jwt_is_refused_before_a_404(
    sesam_node: FakeSesamNode, sesam: Connection
) -> None:
    """D:hub/api.html: a node checks the JWT before it looks the pipe up (no existence leak)."""
    sesam_node.expire_jwts()
    with pytest.raises(BadRequestException) as caught:
        sesam.get_pipe("no-such-pipe")
    assert caught.value.response.status_code == 401


def test_a_pump_runs_asynchronously(sesam_node: FakeSesamNode, sesam: Connection) -> None:
    """swagger_public.yaml POST /pipes/{id}/pump operation=start starts a run and answers the
    pump; the run goes on (is-running) until it ends with success and last-message."""
    _run(sesam, "a-contact-collect")
    pump = sesam.get_pipe("global-contact").get_pump()
    assert pump.start() is True
    assert pump.runtime["is-running"] is True
    assert pump.get_is_running() is True  # status read 1 of 2
    assert pump.start() is False  # 409: already running
    assert pump.get_is_running() is False  # read 2 ends the run
    assert pump.runtime["success"] is True
    assert pump.last_message == "Pump completed: 2 written, 0 failed"
    assert pump.last_seen == "1"  # the offset of the last source version it read
    assert pump.last_run is not None and pump.next_run is None  # manual: no schedule


def test_the_execution_log_records_each_run(sesam_node: FakeSesamNode, sesam: Connection) -> None:
    """D:hub/documentation/operations/pump-execution.html: "pump-started", then
    "pump-completed" with entities_succeeded/entities_failed and pump_started_location."""
    _run(sesam, "a-contact-collect")
    pipe = sesam.get_pipe("a-contact-collect")
    started, completed = pipe.get_log_entities()
    assert (started["_id"], started["event_type"], started["sync_type"]) == (
        "pump-started",
        "pump-started",
        "full",
    )
    assert completed["event_type"] == "pump-completed"
    assert completed["entities_succeeded"] == 2 and completed["entities_failed"] == 0
    assert completed["pump_started_location"] == started["_updated"]
    assert [e["_id"] for e in pipe.get_log_entities(since=started["_updated"])] == [
        "pump-completed"
    ]


def test_a_failed_run_logs_pump_failed(sesam_node: FakeSesamNode, sesam: Connection) -> None:
    """D:hub/documentation/operations/pump-execution.html: a failed run ends with
    "pump-failed" and reason_why_stopped; the runtime's success is false."""
    sesam_node.fail_next_run("a-contact-collect", "Salesforce answered 401 INVALID_SESSION_ID")
    pump = _run(sesam, "a-contact-collect")
    assert pump.runtime["success"] is False
    assert pump.last_message == "Salesforce answered 401 INVALID_SESSION_ID"
    assert pump.last_original_error_message == pump.last_message
    *_, ended = sesam.get_pipe("a-contact-collect").get_log_entities()
    assert ended["event_type"] == "pump-failed"
    assert ended["reason_why_stopped"] == "Salesforce answered 401 INVALID_SESSION_ID"


def test_write_errors_are_logged(sesam_node: FakeSesamNode, sesam: Connection) -> None:
    """D:hub/documentation/operations/pump-execution.html: a refused entity is a
    "write-error:<entity_id>" entity with the entity, retryable and dead."""
    sesam_node.set_backend(
        "a-contact-collect",
        lambda run: PumpResult(write_errors=[WriteError({"_id": "c1"}, "too long", dead=True)]),
    )
    _run(sesam, "a-contact-collect")
    _, error, ended = sesam.get_pipe("a-contact-collect").get_log_entities()
    assert error["_id"] == "write-error:c1" and error["entity"] == {"_id": "c1"}
    assert (error["retryable"], error["dead"], error["original_exception"]) == (
        False,
        True,
        "too long",
    )
    assert ended["entities_failed"] == 1


def test_pending_work_shows_in_the_queues(sesam: Connection) -> None:
    """sesamclient Pump.has_pending_work reads runtime queues.source / queues.dependencies
    (swagger_public.yaml Pipe.runtime.queues); D:hub/features/change-tracking.html: a pipe
    has work when its source dataset got new versions since its last seen."""
    merged = sesam.get_pipe("global-contact").get_pump()
    assert merged.has_pending_work() is False
    _run(sesam, "a-contact-collect")
    assert merged.has_pending_work() is True
    assert merged.runtime["queues"]["source"] == {"a-contact-collect": 2}
    merged.run_pump_until_there_are_no_pending_work(timeout=5, sleep_time_between_runs=0)
    assert merged.has_pending_work() is False
    _run(sesam, "a-contact-collect")  # the same rows again: no new version, no work
    assert merged.has_pending_work() is False


def test_update_last_seen_resets_a_pump(sesam_node: FakeSesamNode, sesam: Connection) -> None:
    """swagger_public.yaml operation=update-last-seen: an empty last-seen makes the pump run
    as if for the first time; D:hub/documentation/operations/pump-execution.html logs a
    "pump-offset-set" entity with is_reset."""
    pump = _run(sesam, "a-contact-collect")
    assert pump.last_seen == "2026-01-05T09:00:00Z"
    pump.unset_last_seen()  # sesamclient checks the answer shows it unset
    assert pump.last_seen is None
    *_, offset = sesam.get_pipe("a-contact-collect").get_log_entities()
    assert (offset["_id"], offset["is_reset"]) == ("pump-offset-set", True)
    assert offset["original_pipe_offset"] == "2026-01-05T09:00:00Z"
    pump = _run(sesam, "a-contact-collect")
    *_, started, _ = sesam.get_pipe("a-contact-collect").get_log_entities()
    assert started["sync_type"] == "full"


def test_enable_disable_and_unknown_operations(sesam: Connection) -> None:
    """swagger_public.yaml operations enable/disable (runtime is-disabled); an operation the
    pump lacks is a 400 that sesamclient raises as PumpDoesNotSupportTheOperation."""
    pump = sesam.get_pipe("global-contact").get_pump()
    pump.disable()
    assert pump.is_disabled is True
    pump.enable()
    assert sesam.get_pipe("global-contact").runtime["is-disabled"] is False
    with pytest.raises(PumpDoesNotSupportTheOperation):
        pump.run_operation("discard-retries")


def test_a_pump_can_be_scripted_never_to_finish(
    sesam_node: FakeSesamNode, sesam: Connection
) -> None:
    """The fake's script: a run that stays is-running (a stuck pipe) for the engine's timeout."""
    sesam_node.hang_next_run("a-contact-collect")
    pump = sesam.get_pipe("a-contact-collect").get_pump()
    pump.start()
    assert all(pump.get_is_running() for _ in range(50))
    assert sesam_node.runs("a-contact-collect") == 0


def test_datasets_track_changes(sesam: Connection) -> None:
    """D:hub/documentation/data-management/entity-data-model.html: _updated is the version's
    offset, _previous the one before; D:hub/features/change-tracking.html: an unchanged
    entity is no new version; swagger_public.yaml /datasets/{id}/entities since, limit,
    history, reverse; sesamclient Dataset reads runtime count-index-exists / count-log-exists."""
    _run(sesam, "a-contact-collect")
    _run(sesam, "a-contact-collect")
    dataset = sesam.get_dataset("a-contact-collect")
    assert dataset.num_entities_in_index == 2 and dataset.num_entities_in_log == 2
    assert dataset.populated is True
    first, _ = dataset.get_entities()
    assert (first["_updated"], first["_previous"], first["_deleted"]) == (0, None, False)
    assert [e["_id"] for e in dataset.get_entities(since=0)] == ["contact:2"]
    assert [e["_id"] for e in dataset.get_entities(reverse=True, limit=1)] == ["contact:2"]
    assert dataset.get_entity("contact:1")["name"] == "Ada"
    assert dataset.get_entity("contact:9") is None
    assert sesam.get_dataset("no-such-dataset") is None
    ids = {d.id for d in sesam.get_datasets()}
    assert "system:pump_execution:a-contact-collect" in ids
    assert "system:pump_execution:a-contact-collect" not in {
        d.id for d in sesam.get_datasets(include_internal_datasets=False)
    }


def test_talk_pipes_follow_the_naming_convention() -> None:
    """D:hub/documentation/connectors/connector-contract.html (and sesam-talk.md): collect,
    global-<type>, transform and share; a collect pipe hops to its own share dataset."""
    flow = TalkFlow(
        "contact",
        "person",
        (
            TalkSide("salesforce", "contact", "Contact"),
            TalkSide("crmoffice", "contacts", "contacts"),
        ),
    )
    pipes = {p.id: p for p in talk_pipes([flow], {}, disabled=["global-person"])}
    assert list(pipes) == [
        "salesforce-contact-collect",
        "crmoffice-contacts-collect",
        "global-person",
        "salesforce-contact-transform",
        "crmoffice-contacts-transform",
        "salesforce-contact-share",
        "crmoffice-contacts-share",
    ]
    assert pipes["global-person"].sources == (
        "salesforce-contact-collect",
        "crmoffice-contacts-collect",
    )
    assert pipes["global-person"].enabled is False
    assert pipes["crmoffice-contacts-share"].sources == ("crmoffice-contacts-transform",)
    assert pipes["crmoffice-contacts-collect"].dependencies == ("crmoffice-contacts-share",)
    with pytest.raises(ValueError, match="backends for pipes the flows do not have"):
        talk_pipes([flow], {"global-contact": _collect})


def test_the_node_serves_on_loopback(sesam_node: FakeSesamNode, sesam_jwt: str) -> None:
    """The same node over real HTTP: sesamclient on a session routed to the served fake."""
    server = serve(sesam_node)
    try:
        session = requests.Session()
        address = f"http://127.0.0.1:{server.server_address[1]}"
        route_to_loopback(session, sesam_node.hosts, address)
        client = SesamNodeClient(SesamSettings(sesam_node.api_url, sesam_jwt), session=session)
        assert client.pipes()["global-contact"].sink == "global-contact"
        assert client.start("a-contact-collect") is True
        assert client.is_running("a-contact-collect") is False
        assert client.last_result("a-contact-collect").success is True
        client.close()
    finally:
        server.shutdown()
