"""The compare rule and the id rule on their own: plain data in, differences or ids out."""

from __future__ import annotations

import json
from typing import Any

import pytest

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
