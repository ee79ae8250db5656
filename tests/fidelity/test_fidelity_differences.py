"""A fake answer changed on purpose is reported: status, keys, error code, paging fields, and
Bulk API 2.0's CSV columns and paging headers."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest

from harness.fakes.http import FakeResponse
from harness.fakes.salesforce import routes
from harness.fakes.salesforce.errors import ApiError, error_response
from tests.fidelity.conftest import FIXTURE_CASSETTES, Talkqa

Change = Callable[[FakeResponse], FakeResponse]
RECORDS = FIXTURE_CASSETTES / "salesforce-rest" / "records.yaml"
QUERY_MORE = FIXTURE_CASSETTES / "salesforce-rest" / "query-more.yaml"


def change_handler(monkeypatch: pytest.MonkeyPatch, route: str, change: Change) -> None:
    """The named REST route of every FakeSalesforce made from now on answers changed."""

    def wrap(handler: routes.OrgHandler) -> routes.OrgHandler:
        def changed(org: object, request: object, match: object) -> FakeResponse:
            try:
                response = handler(org, request, match)  # type: ignore[arg-type]
            except ApiError as error:  # the route's wrapper would render it the same way
                response = error_response(error)
            return change(response)

        return changed  # type: ignore[return-value]

    table = tuple(
        (name, method, path, kind, wrap(handler) if name == route else handler)
        for name, method, path, kind, handler in routes.REST_ROUTES
    )
    assert any(entry[0] == route for entry in table), f"no route {route} in the fake"
    monkeypatch.setattr(routes, "REST_ROUTES", table)


def without(key: str) -> Change:
    def drop(response: FakeResponse) -> FakeResponse:
        body = {k: v for k, v in response.body.items() if k != key}
        return FakeResponse(response.status, body, response.headers)

    return drop


def test_a_key_the_fake_drops_is_reported(monkeypatch: pytest.MonkeyPatch, talkqa: Talkqa) -> None:
    change_handler(monkeypatch, "sobject.create", without("success"))
    done = talkqa("fidelity", str(RECORDS))
    assert done.code == 1
    assert (
        f"{RECORDS}: #1 POST /services/data/v66.0/sobjects/Account/: keys at $: fake lacks success"
        in done.out.splitlines()
    )


def test_a_changed_status_is_reported(monkeypatch: pytest.MonkeyPatch, talkqa: Talkqa) -> None:
    change_handler(monkeypatch, "sobject.update", lambda r: FakeResponse(200, {"ok": True}))
    done = talkqa("fidelity", str(FIXTURE_CASSETTES))
    assert done.code == 1
    assert (
        f"{RECORDS}: #3 PATCH /services/data/v66.0/sobjects/Account/001D000000IqhSLIAZ:"
        " status: recorded 204, fake 200"
    ) in done.out.splitlines()
    assert done.out.splitlines()[-1].endswith("1 difference(s)")


def test_a_changed_error_code_is_reported(monkeypatch: pytest.MonkeyPatch, talkqa: Talkqa) -> None:
    def malformed(response: FakeResponse) -> FakeResponse:
        if response.status != 400:
            return response
        return FakeResponse(400, [{"message": "x", "errorCode": "JSON_PARSER_ERROR"}])

    change_handler(monkeypatch, "sobject.create", malformed)
    done = talkqa("fidelity", str(RECORDS))
    lines = done.out.splitlines()
    assert (
        f"{RECORDS}: #2 POST /services/data/v66.0/sobjects/Account/: error code:"
        " recorded INVALID_FIELD, fake JSON_PARSER_ERROR" in lines
    )
    assert any("#4 POST" in line and "REQUIRED_FIELD_MISSING" in line for line in lines)


def test_paging_fields_are_compared(monkeypatch: pytest.MonkeyPatch, talkqa: Talkqa) -> None:
    def one_page(response: FakeResponse) -> FakeResponse:
        body = without("nextRecordsUrl")(response).body
        return FakeResponse(200, {**body, "done": True, "totalSize": "3214"})

    change_handler(monkeypatch, "query", one_page)
    done = talkqa("fidelity", str(QUERY_MORE))
    first = f"{QUERY_MORE}: #1 GET /services/data/v66.0/query/: "
    assert done.code == 1
    for what in (
        "paging done: recorded false, fake true",
        "paging nextRecordsUrl: recorded present, fake absent",
        "paging totalSize: recorded number, fake string",
    ):
        assert first + what in done.out.splitlines()


# --- Bulk API 2.0 ---------------------------------------------------------------------------

INGEST = FIXTURE_CASSETTES / "salesforce-bulk2" / "ingest.yaml"
BULK_QUERY = FIXTURE_CASSETTES / "salesforce-bulk2" / "query.yaml"


def columns_picked(pick: Callable[[list[str]], list[int]]) -> Change:
    """A CSV answer with the columns pick chooses from its header row, in pick's order."""

    def rewrite(response: FakeResponse) -> FakeResponse:
        rows = list(csv.reader(io.StringIO(response.body)))
        keep = pick(rows[0])
        out = io.StringIO()
        csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(
            [[row[i] for i in keep] for row in rows]
        )
        return FakeResponse(response.status, out.getvalue(), response.headers)

    return rewrite


def without_column(name: str) -> Change:
    return columns_picked(lambda header: [i for i, column in enumerate(header) if column != name])


def test_a_results_column_the_fake_drops_is_reported(
    monkeypatch: pytest.MonkeyPatch, talkqa: Talkqa
) -> None:
    change_handler(monkeypatch, "bulk2.ingest.successfulResults", without_column("sf__Created"))
    done = talkqa("fidelity", str(INGEST))
    assert done.code == 1
    assert done.out.splitlines() == [
        f"{INGEST}: #5 GET /services/data/v66.0/jobs/ingest/7505fEXAMPLE4C2AAM/successfulResults/:"
        " CSV columns: fake lacks sf__Created",
        "fidelity: 1 cassette(s), 8 interaction(s), 1 difference(s)",
    ]


def test_bulk_paging_headers_are_compared(monkeypatch: pytest.MonkeyPatch, talkqa: Talkqa) -> None:
    def one_set(response: FakeResponse) -> FakeResponse:
        headers = {k: v for k, v in response.headers.items() if k != "Sforce-NumberOfRecords"}
        return FakeResponse(response.status, response.body, {**headers, "Sforce-Locator": "null"})

    change_handler(monkeypatch, "bulk2.query.results", one_set)
    done = talkqa("fidelity", str(BULK_QUERY))
    first = f"{BULK_QUERY}: #3 GET /services/data/v66.0/jobs/query/7986gEXAMPLE4X2OPT/results: "
    assert done.code == 1
    assert first + "paging Sforce-Locator: recorded a locator, fake null" in done.out.splitlines()
    assert first + "paging Sforce-NumberOfRecords: recorded a count, fake absent" in (
        done.out.splitlines()
    )


def test_a_query_results_column_order_is_reported(
    monkeypatch: pytest.MonkeyPatch, talkqa: Talkqa
) -> None:
    reversed_columns = columns_picked(lambda header: list(range(len(header)))[::-1])
    change_handler(monkeypatch, "bulk2.query.results", reversed_columns)
    done = talkqa("fidelity", str(BULK_QUERY))
    lines = [line for line in done.out.splitlines() if "column order" in line]
    assert len(lines) == 3, done.out
    assert lines[0].endswith("CSV column order: recorded Id, Name; fake Name, Id")
