"""The compare rule and the id rule on their own: plain data in, differences or ids out."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.fidelity.bulk_rules import header_row, paging_headers
from harness.fidelity.compare import Answer, compare
from harness.fidelity.ids import IdMap


def _json(status: int, body: Any) -> Answer:
    return Answer.of(status, json.dumps(body).encode())


@pytest.mark.parametrize(
    ("recorded", "fake"),
    [
        ({"id": "001A", "Name": "Acme"}, {"id": "001B", "Name": "Other"}),  # values are data
        ({"AccountId": None}, {"AccountId": "001B"}),  # null against any type
        ({"records": []}, {"records": [{"Id": "x"}]}),  # an empty list against a full one
        ({"Amount": 10}, {"Amount": 10.5}),  # integer against decimal
        ([{"a": 1}, {"b": 2}], [{"a": 2}]),  # lists by their first element, lengths are data
    ],
)
def test_what_depends_on_the_data_is_not_compared(recorded: Any, fake: Any) -> None:
    assert compare(_json(200, recorded), _json(200, fake)) == []


@pytest.mark.parametrize(
    ("recorded", "fake", "said"),
    [
        ({"a": 1, "b": 2}, {"a": 1, "c": 3}, "keys at $: fake lacks b; fake adds c"),
        ({"a": {"b": "x"}}, {"a": {"b": 1}}, "type at $.a.b: recorded string, fake number"),
        (
            {"r": [{"x": True}]},
            {"r": [{"x": "y"}]},
            "type at $.r[0].x: recorded boolean, fake string",
        ),
        ([{"statusCode": "A"}], [{"statusCode": "B"}], "error code: recorded A, fake B"),
        ({"error": "invalid_grant"}, {"error": "invalid_client"}, "error code:"),
    ],
)
def test_keys_types_and_codes_are_compared(recorded: Any, fake: Any, said: str) -> None:
    found = compare(_json(200, recorded), _json(200, fake))
    assert any(line.startswith(said) for line in found), found


def test_a_status_difference_leaves_the_bodies_alone() -> None:
    recorded = _json(400, [{"errorCode": "INVALID_FIELD", "message": "x"}])
    assert compare(recorded, _json(200, {"id": "001"})) == [
        "status: recorded 400, fake 200",
        "error code: recorded INVALID_FIELD, fake none",
    ]


def test_body_kinds() -> None:
    assert compare(Answer.of(204), _json(204, {})) == ["body: recorded empty, fake JSON"]
    soap = b"<soapenv:Fault><faultcode>INVALID_LOGIN</faultcode></soapenv:Fault>"
    other = b"<soapenv:Fault><faultcode>LOGIN_MUST_USE_SECURITY_TOKEN</faultcode></soapenv:Fault>"
    assert compare(Answer.of(500, soap), Answer.of(500, other)) == [
        "error code: recorded INVALID_LOGIN, fake LOGIN_MUST_USE_SECURITY_TOKEN"
    ]


def test_ids_map_in_order_and_rewrite_later_requests() -> None:
    ids = IdMap()
    recorded = [{"id": "001D000000IqhSLIAZ"}, {"id": "003D000000QV9n2IAD"}]
    replayed = [{"id": "001RO0000000001YAA"}, {"id": "003RO0000000001YAA"}]
    ids.learn(recorded, replayed)
    ids.learn(
        {"nextRecordsUrl": "/q/01gA-2000", "id": 100001},
        {"nextRecordsUrl": "/q/01gB-2000", "id": 100007},
    )
    assert (
        ids.url("https://x/sobjects/Account/001D000000IqhSL")
        == "https://x/sobjects/Account/001RO0000000001"
    )
    assert ids.url("https://x/q/01gA-2000") == "https://x/q/01gB-2000"
    assert (
        ids.url("https://x/contacts/100001?page=100001") == "https://x/contacts/100007?page=100001"
    )
    body = json.loads(
        ids.body(b'{"ContactId": "003D000000QV9n2IAD", "companyId": 100001, "n": 100001}')
    )
    assert body == {"ContactId": "003RO0000000001YAA", "companyId": 100007, "n": 100001}


def test_the_first_mapping_of_an_id_wins() -> None:
    ids = IdMap()
    ids.learn({"id": "001D000000IqhSLIAZ"}, {"id": "001RO0000000001YAA"})
    ids.learn({"id": "001D000000IqhSLIAZ"}, {"id": "001RO0000000009YAA"})
    assert ids.url("/a/001D000000IqhSLIAZ") == "/a/001RO0000000001YAA"


# --- Bulk API 2.0: CSV bodies and paging headers -------------------------------------------


def _csv(text: str, headers: dict[str, str] | None = None) -> Answer:
    return Answer.of(200, text.encode(), "text/csv; charset=UTF-8", headers)


INGEST_RESULT = '"sf__Id","sf__Created",Name,ShippingCity\n"001A","true","Acme","Oslo"\n'


def test_csv_rows_are_data_and_ingest_columns_compare_as_a_set() -> None:
    reordered = '"sf__Created","sf__Id","ShippingCity","Name"\n"false","001B","Bergen","Other"\n'
    assert compare(_csv(INGEST_RESULT), _csv(reordered)) == []
    assert (
        compare(_csv(INGEST_RESULT), _csv('"sf__Id","sf__Created","Name","ShippingCity"\n')) == []
    )


def test_a_missing_or_added_column_is_reported() -> None:
    fake = '"sf__Id","Name","ShippingCity","sf__Error"\n"001A","Acme","Oslo",""\n'
    assert compare(_csv(INGEST_RESULT), _csv(fake)) == [
        "CSV columns: fake lacks sf__Created; fake adds sf__Error"
    ]


def test_a_query_results_column_order_is_compared() -> None:
    """Get Results for a Query Job: from API 50.0 the columns come in the order asked for."""
    last = {"Sforce-Locator": "null"}
    recorded = _csv('"Id","Name"\n"001A","Acme"\n', last)
    assert compare(recorded, _csv('"Name","Id"\n"Acme","001A"\n', last)) == [
        "CSV column order: recorded Id, Name; fake Name, Id"
    ]


def test_the_delimiter_is_the_one_that_splits_the_header() -> None:
    assert header_row("Id|Name|Title\n1|a|b\n") == ["Id", "Name", "Title"]
    assert header_row('"Id"\tLastName\n') == ["Id", "LastName"]
    assert header_row('"Id"\n"003A"\n') == ["Id"]  # one column: CSV, not a JSON string
    assert _csv('"Id"\n').kind == "CSV"
    assert header_row("") == []


@pytest.mark.parametrize(
    ("recorded", "fake", "said"),
    [
        (
            {"Sforce-Locator": "MTAwMDA"},
            {"Sforce-Locator": "null"},
            "recorded a locator, fake null",
        ),
        ({"Sforce-Locator": "null"}, {"Sforce-Locator": "NQ"}, "recorded null, fake a locator"),
        ({"Sforce-Locator": "null"}, {}, "recorded null, fake absent"),
        (
            {"Sforce-Locator": "MTAwMDA"},
            {"Sforce-Locator": "a b"},
            "recorded a locator, fake not a locator",
        ),
    ],
)
def test_sforce_locator_compares_by_its_form(
    recorded: dict[str, str], fake: dict[str, str], said: str
) -> None:
    found = compare(_csv('"Id"\n', recorded), _csv('"Id"\n', fake))
    assert found == [f"paging Sforce-Locator: {said}"]


def test_sforce_number_of_records_compares_as_a_count_not_a_value() -> None:
    recorded = {"Sforce-Locator": "null", "Sforce-NumberOfRecords": "50000"}
    same_form = {"Sforce-Locator": "null", "Sforce-NumberOfRecords": "3"}
    assert paging_headers(recorded, same_form) == []
    assert paging_headers(recorded, {"Sforce-Locator": "null"}) == [
        "paging Sforce-NumberOfRecords: recorded a count, fake absent"
    ]
    other_case = {"sforce-locator": "null", "sforce-numberofrecords": "many"}
    assert paging_headers(recorded, other_case) == [
        "paging Sforce-NumberOfRecords: recorded a count, fake not a count"
    ]


def test_locators_map_like_ids_and_null_never_does() -> None:
    ids = IdMap()
    ids.learn_locator("MTAwMDA", "NQ")
    ids.learn_locator("null", "null")
    ids.learn_locator("MjAwMDAw", "null")  # the fake's last set came early: nothing to map
    url = "https://x/jobs/query/750A/results?locator=MTAwMDA&maxRecords=5"
    assert ids.url(url) == "https://x/jobs/query/750A/results?locator=NQ&maxRecords=5"
    assert ids.texts == {"MTAwMDA": "NQ"}
