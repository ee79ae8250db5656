"""Call budgets at scale, and both connectors over real HTTP on loopback via an injected session.

.venv/bin/pytest tests/connectors -q -k budget
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from harness.clock import FakeClock
from harness.connectors.base import RecordUpdate
from harness.connectors.crmoffice import CrmofficeConnector
from harness.connectors.salesforce import SalesforceConnector
from harness.connectors.settings import CrmofficeSettings
from harness.fakes.crmoffice import FakeCrmoffice
from harness.fakes.http import route_to_loopback, serve
from harness.fakes.world import FakeWorld

Nap = Callable[[float], None]


def test_10000_records_cost_5_query_calls_and_50_collection_calls(nap: Nap) -> None:
    world = FakeWorld()
    with world.activated():
        fake = world.salesforce
        ids = [fake.insert("Contact", {"LastName": f"L{n}"}) for n in range(10_000)]
        connector = SalesforceConnector(world.salesforce_settings(), sleep=nap)

        pages = list(connector.query_changed("Contact", ["LastName"], None))
        results = connector.update_many("Contact", [RecordUpdate(i, {"Phone": "1"}) for i in ids])

    assert sum(len(p) for p in pages) == 10_000 and all(r.ok for r in results)
    assert connector.calls.by_endpoint == {
        "login": 1,
        "query": 1,
        "query.more": 4,
        "composite.sobjects.patch": 50,
    }
    assert connector.calls.as_dict() == {"read": 6, "write": 50}
    assert fake.calls.count() == 56  # the fake saw exactly what the connector counted


def test_salesforce_over_loopback(nap: Nap) -> None:
    world = FakeWorld()
    server = serve(world.salesforce)
    try:
        session = requests.Session()
        route_to_loopback(session, world.salesforce.hosts, _address(server.server_address))
        world.salesforce.insert("Contact", {"LastName": "Nordmann"})
        connector = SalesforceConnector(world.salesforce_settings(), session=session, sleep=nap)

        assert [len(p) for p in connector.query_changed("Contact", ["LastName"], None)] == [1]
        assert connector.calls.by_endpoint == {"login": 1, "query": 1}
    finally:
        server.shutdown()


def test_crmoffice_over_loopback(nap: Nap) -> None:
    crm = FakeCrmoffice(FakeClock(), client_id="talkqa", client_secret="fake-crm-client-secret")
    server = serve(crm)
    try:
        session = requests.Session()
        route_to_loopback(session, crm.hosts, _address(server.server_address))
        settings = CrmofficeSettings(
            crm.base_url, crm.identity_url + "/connect/token", "talkqa", "fake-crm-client-secret"
        )
        connector = CrmofficeConnector(settings, session=session, sleep=nap)

        created = connector.create("contacts", {"givenName": "Ada"}, idempotency_key="k-1")

        assert created.ok and crm.get("contacts", int(str(created.record_id))) is not None
        assert connector.calls.by_endpoint == {"oauth.token": 1, "contacts.create": 1}
    finally:
        server.shutdown()


def _address(server_address: tuple[Any, ...]) -> str:
    host, port = server_address[0], server_address[1]
    return f"http://{host!s}:{port}"
