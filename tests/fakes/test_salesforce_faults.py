"""Scripted faults on FakeSalesforce (429, 503, lock, timeout, reset) and serving over loopback."""

from __future__ import annotations

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError, SalesforceMalformedRequest

from harness.fakes.faults import FaultKind
from harness.fakes.http import route_to_loopback, serve
from harness.fakes.salesforce import FakeSalesforce


def test_rate_limited(sf_client: Salesforce, sf_fake: FakeSalesforce) -> None:
    sf_fake.faults.inject("query", FaultKind.RATE_LIMITED, retry_after=7)
    answer = requests.get(
        sf_client.base_url + "query/",
        params={"q": "SELECT Id FROM Contact"},
        headers=sf_client.headers,
    )
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "7"
    assert answer.json()[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
    assert sf_client.query("SELECT Id FROM Contact")["totalSize"] == 0  # the next call works


def test_unavailable(sf_client: Salesforce, sf_fake: FakeSalesforce) -> None:
    sf_fake.faults.inject("sobject.create", FaultKind.UNAVAILABLE)
    with pytest.raises(SalesforceError) as info:
        sf_client.Contact.create({"LastName": "Nordmann"})
    assert info.value.status == 503
    assert info.value.content[0]["errorCode"] == "SERVER_UNAVAILABLE"
    assert sf_fake.records("Contact") == []


def test_row_locked(sf_client: Salesforce, sf_fake: FakeSalesforce) -> None:
    record_id = sf_fake.insert("Contact", {"LastName": "Nordmann"})
    sf_fake.faults.inject("sobject.update", FaultKind.ROW_LOCKED)
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf_client.Contact.update(record_id, {"Phone": "1"})
    assert info.value.content == [
        {
            "message": "unable to obtain exclusive access to this record or 1 records: "
            + record_id,
            "errorCode": "UNABLE_TO_LOCK_ROW",
            "fields": [],
        }
    ]


@pytest.mark.parametrize(
    ("kind", "exception"),
    [
        (FaultKind.TIMEOUT, requests.exceptions.ReadTimeout),
        (FaultKind.RESET, requests.exceptions.ConnectionError),
    ],
)
def test_transport_faults(
    sf_client: Salesforce, sf_fake: FakeSalesforce, kind: FaultKind, exception: type[Exception]
) -> None:
    sf_fake.faults.inject("query", kind)
    with pytest.raises(exception):
        sf_client.query("SELECT Id FROM Contact")
    assert sf_client.query("SELECT Id FROM Contact")["done"] is True


def test_simple_salesforce_over_loopback(sf_fake: FakeSalesforce) -> None:
    server = serve(sf_fake)
    try:
        session = requests.Session()
        host, port = server.server_address[:2]
        route_to_loopback(session, sf_fake.hosts, f"http://{host!s}:{port}")
        client = Salesforce(
            username="qa@talkqa.example",
            password="talkqa-password",
            security_token="talkqaSecurityToken",
            domain="test",
            session=session,
        )
        created = client.Contact.create({"LastName": "Over the wire"})
        assert client.Contact.get(created["id"])["Name"] == "Over the wire"
        assert client.is_sandbox() is True
        assert [c.route for c in sf_fake.calls.all()] == [
            "login.soap",
            "sobject.create",
            "sobject.get",
            "query",
        ]
    finally:
        server.shutdown()
        server.server_close()
