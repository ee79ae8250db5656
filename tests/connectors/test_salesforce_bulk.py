"""SalesforceConnector's Bulk API 2.0 paths against FakeSalesforce: the records and results REST
gives, failures per record, what is sent again after a fault and what never is.

.venv/bin/pytest tests/connectors -q -k bulk
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from harness.clock import FakeClock
from harness.connectors import salesforce_bulk
from harness.connectors.base import (
    PathChoice,
    RecordUpdate,
    SalesforcePath,
    SyncScope,
    SystemRecord,
    WriteResult,
    rest_only,
)
from harness.connectors.salesforce import (
    SalesforceConnector,
    changed_since_soql,
    salesforce_endpoint,
)
from harness.connectors.salesforce_bulk import (
    IngestOutcome,
    parse_sf_error,
    update_files,
    update_results,
)
from harness.connectors.transport import Endpoint
from harness.errors import ApiContractError, ConfigError, RetriableError, TalkQAError
from harness.fakes.faults import FaultKind
from harness.fakes.salesforce import FakeSalesforce
from harness.fakes.world import FakeWorld

ExpectError = Callable[..., TalkQAError]  # the conftest fixture
Nap = Callable[[float], None]
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
FIELDS = ["FirstName", "LastName", "MobilePhone", "Phone"]
BULK_READ = {"bulk2.query.create": 1, "bulk2.query.get": 2, "bulk2.query.results": 1}
BULK_WRITE = {
    "bulk2.ingest.create": 1,
    "bulk2.ingest.upload": 1,
    "bulk2.ingest.state": 1,
    "bulk2.ingest.get": 2,
}


def always_bulk(total: int) -> SalesforcePath:
    return "bulk"


def read(connector: SalesforceConnector, path: PathChoice) -> list[SystemRecord]:
    return [r for page in connector.query_changed("Contact", FIELDS, None, path) for r in page]


def by_id(records: list[SystemRecord]) -> list[SystemRecord]:
    return sorted(records, key=lambda r: r.record_id)


def insert_contacts(fake: FakeSalesforce, count: int, **values: str | None) -> list[str]:
    return [fake.insert("Contact", {"LastName": f"L{n}", **values}) for n in range(count)]


# --- reads ---------------------------------------------------------------------------------


def test_a_bulk_read_returns_what_rest_returns(
    world: FakeWorld, fake: FakeSalesforce, connector: SalesforceConnector, nap: Nap
) -> None:
    odd = 'Åse, "the first"\nØdegård'  # a delimiter, quotes, a line break, UTF-8 in one value
    ids = [
        fake.insert(
            "Contact",
            {"LastName": f"L{n}", "FirstName": odd if n % 3 == 0 else None, "Phone": f"+47 {n}"},
        )
        for n in range(2_500)
    ]
    fake.ui_delete("Contact", ids[2_400])
    rest = read(connector, rest_only)
    bulk_connector = SalesforceConnector(world.salesforce_settings(), sleep=nap)
    mark = fake.calls.mark()

    bulk = read(bulk_connector, always_bulk)

    assert len(bulk) == len(rest) == 2_500 and by_id(bulk) == by_id(rest)
    assert [r.record_id for r in bulk if r.deleted] == [ids[2_400]]
    assert sum(r.values["FirstName"] is None for r in bulk) == 1_666
    assert bulk_connector.calls.by_endpoint == {"login": 1, "query": 1, **BULK_READ}
    assert [c.route for c in fake.calls.since(mark)] == [
        "login.soap",
        "query",
        "bulk2.query.create",
        "bulk2.query.get",
        "bulk2.query.get",
        "bulk2.query.results",
    ]  # counted by name at the transport seam: the fake saw what the connector counted


def test_the_first_page_decides_and_one_page_asks_nothing(
    fake: FakeSalesforce, connector: SalesforceConnector
) -> None:
    asked: list[int] = []

    def choose(total: int) -> SalesforcePath:
        asked.append(total)
        return "bulk"

    insert_contacts(fake, 2_000)
    assert len(read(connector, choose)) == 2_000 and asked == []
    insert_contacts(fake, 1)
    assert len(read(connector, choose)) == 2_001 and asked == [2_001]
    assert connector.calls.by_endpoint["bulk2.query.create"] == 1


def test_rest_pages_when_the_path_says_rest(
    fake: FakeSalesforce, connector: SalesforceConnector
) -> None:
    insert_contacts(fake, 2_001)
    pages = list(connector.query_changed("Contact", FIELDS, None, lambda total: "rest"))
    assert [len(p) for p in pages] == [2000, 1]
    assert connector.calls.by_endpoint == {"login": 1, "query": 1, "query.more": 1}


def test_result_sets_follow_the_locator_and_each_record_comes_once(
    fake: FakeSalesforce, connector: SalesforceConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(salesforce_bulk, "MAX_RECORDS", 1_000)
    ids = insert_contacts(fake, 4_500)

    records = read(connector, always_bulk)

    assert sorted(r.record_id for r in records) == sorted(ids)
    assert connector.calls.by_endpoint["bulk2.query.results"] == 5


def test_a_bulk_read_keeps_the_scope_and_the_watermark(
    world: FakeWorld, fake: FakeSalesforce, nap: Nap
) -> None:
    insert_contacts(fake, 10, Title="talkqa:run-2")
    world.clock.advance(minutes=1)
    since = world.clock.now()
    mine = insert_contacts(fake, 2_100, Title="talkqa:run-1")
    scope = SyncScope(salesforce_where={"Contact": "Title = 'talkqa:run-1'"})
    connector = SalesforceConnector(world.salesforce_settings(), sleep=nap, scope=scope)

    records = [r for p in connector.query_changed("Contact", FIELDS, since, always_bulk) for r in p]

    assert sorted(r.record_id for r in records) == sorted(mine)
    assert connector.calls.by_endpoint["bulk2.query.create"] == 1


def test_a_transient_error_creating_a_query_job_is_retried(
    fake: FakeSalesforce, connector: SalesforceConnector, sleeps: list[float]
) -> None:
    insert_contacts(fake, 2_001)
    fake.faults.inject("bulk2.query.create", FaultKind.UNAVAILABLE)

    assert len(read(connector, always_bulk)) == 2_001
    assert fake.calls.count(route="bulk2.query.create") == 2
    assert fake.calls.by_route()["bulk2.query.results"] == 1


def test_the_bulk_query_has_no_order_by() -> None:
    """Create a Query Job: "Don't use ORDER BY or LIMIT, as they disable PKChunking"."""
    soql = changed_since_soql("Contact", ["FirstName"], None, ordered=False)
    assert soql == "SELECT Id, FirstName, SystemModstamp, IsDeleted FROM Contact"


# --- writes --------------------------------------------------------------------------------


def test_a_bulk_update_writes_what_collections_write(nap: Nap) -> None:
    updates = [RecordUpdate("", {"Phone": f"+47 {n}", "MobilePhone": None}) for n in range(300)]
    updates[7] = RecordUpdate("", {"FirstName": "x" * 41})  # STRING_TOO_LONG
    updates[8] = RecordUpdate("", {"FirstName": ""})  # "" clears, as null does
    updates[9] = RecordUpdate("", {"FirstName": 'Øyvind, "Ø"'})  # UTF-8, quotes, a comma
    outcomes = {}
    for name, write in (("rest", "update_many"), ("bulk", "bulk_update_many")):
        world = FakeWorld(FakeClock(T0))  # twins: the same records under the same ids
        with world.activated():
            ids = insert_contacts(world.salesforce, 300, FirstName="F", MobilePhone="m")
            connector = SalesforceConnector(world.salesforce_settings(), sleep=nap)
            mine = [RecordUpdate(rid, u.values) for rid, u in zip(ids, updates, strict=True)]
            results = getattr(connector, write)("Contact", mine)
            stored = [_stored(world.salesforce, rid) for rid in ids]
        outcomes[name] = (results, stored, connector.calls.by_endpoint)

    (rest, rest_rows, _), (bulk, bulk_rows, calls) = outcomes["rest"], outcomes["bulk"]
    assert [_outcome(r) for r in bulk] == [_outcome(r) for r in rest]
    assert bulk_rows == rest_rows
    assert bulk_rows[0] == ("F", "+47 0", None) and bulk_rows[8] == (None, None, "m")
    assert bulk_rows[9] == ('Øyvind, "Ø"', None, "m")
    assert calls == {"login": 1, **BULK_WRITE, "bulk2.ingest.failedResults": 1}


def test_a_failed_row_is_a_failure_of_that_record_alone(
    fake: FakeSalesforce, connector: SalesforceConnector
) -> None:
    ids = insert_contacts(fake, 3)
    updates = [RecordUpdate(rid, {"Phone": "1"}) for rid in ids]
    updates[1] = RecordUpdate(ids[1], {"LastName": None})  # required: REQUIRED_FIELD_MISSING

    results = connector.bulk_update_many("Contact", updates)

    assert [(r.record_id, r.ok) for r in results] == [
        (ids[0], True),
        (ids[1], False),
        (ids[2], True),
    ]
    failed = results[1]
    assert (failed.error_code, failed.fields, failed.retriable) == (
        "REQUIRED_FIELD_MISSING",
        ("LastName",),
        False,
    )
    assert failed.message and not failed.message.startswith("REQUIRED_FIELD_MISSING")
    assert fake.get("Contact", ids[2])["Phone"] == "1"  # type: ignore[index]


def test_a_failed_job_fails_each_of_its_records(
    fake: FakeSalesforce, connector: SalesforceConnector
) -> None:
    ids = insert_contacts(fake, 2)

    results = connector.bulk_update_many("Contact", [RecordUpdate(i, {"Nmae": "x"}) for i in ids])

    assert [(r.record_id, r.ok, r.error_code, r.retriable) for r in results] == [
        (rid, False, "InvalidBatch", False) for rid in ids
    ]
    assert "Nmae" in results[0].message
    assert connector.calls.by_endpoint["bulk2.ingest.unprocessedRecords"] == 1


def test_a_transient_error_creating_an_ingest_job_is_retried(
    fake: FakeSalesforce, connector: SalesforceConnector, sleeps: list[float]
) -> None:
    ids = insert_contacts(fake, 2)
    fake.faults.inject("bulk2.ingest.create", FaultKind.UNAVAILABLE)

    results = connector.bulk_update_many("Contact", [RecordUpdate(i, {"Phone": "2"}) for i in ids])

    assert all(r.ok for r in results) and len(sleeps) == 1 + 2  # one retry pause, two polls
    assert fake.calls.count(route="bulk2.ingest.create") == 2
    assert fake.calls.count(route="bulk2.ingest.upload") == 1


@pytest.mark.parametrize(
    "kind", [FaultKind.UNAVAILABLE, FaultKind.TIMEOUT, FaultKind.LOST_RESPONSE]
)
def test_an_upload_is_never_sent_twice(
    world: FakeWorld,
    fake: FakeSalesforce,
    connector: SalesforceConnector,
    expect_error: ExpectError,
    kind: FaultKind,
) -> None:
    [rid] = insert_contacts(fake, 1, Phone="old")
    fake.faults.inject("bulk2.ingest.upload", kind)

    expect_error(
        RetriableError,
        lambda: connector.bulk_update_many("Contact", [RecordUpdate(rid, {"Phone": "new"})]),
    )

    assert fake.calls.count(route="bulk2.ingest.upload") == 1
    assert fake.calls.count(route="bulk2.ingest.state") == 0  # never closed: never processed
    world.clock.advance(minutes=10)
    connector.is_sandbox()  # a later REST call: the fake runs every job that is due
    assert fake.get("Contact", rid)["Phone"] == "old"  # type: ignore[index]


def test_a_session_expired_while_polling_costs_one_login(
    fake: FakeSalesforce, connector: SalesforceConnector
) -> None:
    ids = insert_contacts(fake, 2)
    fake.faults.inject("bulk2.ingest.get", FaultKind.SESSION_EXPIRED)

    results = connector.bulk_update_many("Contact", [RecordUpdate(i, {"Phone": "3"}) for i in ids])

    assert all(r.ok for r in results)
    assert connector.calls.by_endpoint["login"] == 2
    assert fake.calls.count(route="bulk2.ingest.upload") == 1


def test_an_empty_bulk_update_makes_no_call(connector: SalesforceConnector) -> None:
    assert connector.bulk_update_many("Contact", []) == [] and connector.calls.by_endpoint == {}


# --- the pure parts -------------------------------------------------------------------------

JOBS = "https://x.my.salesforce.com/services/data/v59.0/jobs"


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/ingest", Endpoint("bulk2.ingest.create", "write")),
        ("PUT", "/ingest/750R0000000zxr8IAA/batches", Endpoint("bulk2.ingest.upload", "write")),
        ("PATCH", "/ingest/750R0000000zxr8IAA", Endpoint("bulk2.ingest.state", "write")),
        ("GET", "/ingest/750R0000000zxr8IAA", Endpoint("bulk2.ingest.get", "read")),
        (
            "GET",
            "/ingest/750R0000000zxr8IAA/failedResults/",
            Endpoint("bulk2.ingest.failedResults", "read"),
        ),
        (
            "GET",
            "/ingest/750R0000000zxr8IAA/unprocessedrecords",
            Endpoint("bulk2.ingest.unprocessedRecords", "read"),
        ),
        ("POST", "/query", Endpoint("bulk2.query.create", "read")),  # writes nothing
        ("GET", "/query/750R0000000zxr8IAA", Endpoint("bulk2.query.get", "read")),
        ("GET", "/query/750R0000000zxr8IAA/results", Endpoint("bulk2.query.results", "read")),
        ("PATCH", "/query/750R0000000zxr8IAA", Endpoint("bulk2.query.abort", "write")),
        ("DELETE", "/query/750R0000000zxr8IAA", Endpoint("bulk2.query.delete", "write")),
    ],
)
def test_bulk_calls_are_counted_by_the_names_of_the_fakes_routes(
    method: str, path: str, expected: Endpoint
) -> None:
    assert salesforce_endpoint(method, JOBS + path) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --",
            ("REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]", ("LastName",)),
        ),
        (
            "INVALID_FIELD:bad value:FirstName,Phone --",
            ("INVALID_FIELD", "bad value", ("FirstName", "Phone")),
        ),
        ("ENTITY_IS_DELETED:entity is deleted:--", ("ENTITY_IS_DELETED", "entity is deleted", ())),
        (
            "UNABLE_TO_LOCK_ROW:unable to obtain exclusive access",
            ("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access", ()),
        ),
        ("", ("UNKNOWN", "", ())),
    ],
)
def test_sf_error_is_code_message_fields(text: str, expected: tuple[object, ...]) -> None:
    assert parse_sf_error(text) == expected


def test_a_locked_row_is_retriable_and_an_aborted_job_too() -> None:
    chunk = [RecordUpdate(f"003{n}", {"Phone": "1"}) for n in range(3)]
    locked = {"Id": "0030", "sf__Id": "0030", "sf__Error": "UNABLE_TO_LOCK_ROW:busy:--"}
    info = {"id": "750x", "state": "Aborted", "numberRecordsProcessed": 1, "numberRecordsFailed": 1}
    outcome = IngestOutcome(info, [locked], [{"Id": "0031"}, {"Id": "0032"}])

    results = update_results(chunk, outcome)

    assert [(r.ok, r.error_code, r.retriable) for r in results] == [
        (False, "UNABLE_TO_LOCK_ROW", True),
        (False, "ABORTED", True),
        (False, "ABORTED", True),
    ]


def test_job_counts_that_do_not_add_up_are_a_contract_error() -> None:
    chunk = [RecordUpdate("0030", {"Phone": "1"})]
    info = {"id": "750x", "state": "JobComplete", "numberRecordsProcessed": 0}
    with pytest.raises(ApiContractError, match="0 processed"):
        update_results(chunk, IngestOutcome(info, [], []))


def test_update_files_clear_with_na_leave_absent_fields_and_split_large_uploads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    updates = [
        RecordUpdate("0031", {"Phone": "1", "FirstName": None}),
        RecordUpdate("0032", {"MobilePhone": ""}),
        RecordUpdate("0033", {"Phone": 'a,"b"'}),
    ]
    [(chunk, data)] = list(update_files("Contact", updates))
    assert chunk == updates and data.splitlines() == [
        "Id,Phone,FirstName,MobilePhone",
        "0031,1,#N/A,",
        "0032,,,#N/A",
        '0033,"a,""b""",,',
    ]
    monkeypatch.setattr(salesforce_bulk, "MAX_UPLOAD_BYTES", 60)
    files = list(update_files("Contact", updates))
    assert [len(c) for c, _ in files] == [2, 1]
    assert all(d.startswith("Id,Phone,FirstName,MobilePhone\n") for _, d in files)


@pytest.mark.parametrize(
    "updates",
    [
        [RecordUpdate("0031", {"Id": "x"})],
        [RecordUpdate("0031", {"Phone": "1"}), RecordUpdate("0031", {"FirstName": "A"})],
    ],
)
def test_update_files_refuse_reserved_keys_and_a_record_twice(updates: list[RecordUpdate]) -> None:
    with pytest.raises(ConfigError):
        list(update_files("Contact", updates))


def _stored(fake: FakeSalesforce, rid: str) -> tuple[object, object, object]:
    row = fake.get("Contact", rid)
    assert row is not None
    return row["FirstName"], row["Phone"], row["MobilePhone"]


def _outcome(result: WriteResult) -> tuple[bool, str, tuple[str, ...], bool]:
    return result.ok, result.error_code, result.fields, result.retriable
