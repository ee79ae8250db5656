"""FakeCrmoffice served over real HTTP on 127.0.0.1, reached with plain requests.

server = serve(crm); base = f"http://127.0.0.1:{server.server_address[1]}"
requests.post(base + "/connect/token", data={...}); requests.get(base + "/contacts", ...)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from harness.clock import FakeClock
from harness.fakes.crmoffice import FakeCrmoffice
from harness.fakes.faults import FaultKind
from harness.fakes.http import route_to_loopback, serve

SECRET = "crm-loopback-secret"


@pytest.fixture
def crm_served() -> Iterator[tuple[FakeCrmoffice, str]]:
    crm = FakeCrmoffice(FakeClock(), client_secret=SECRET)
    server = serve(crm, host="127.0.0.1", port=0, timeout_delay=0.5)
    try:
        yield crm, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_token_create_list_and_faults_over_loopback(crm_served: tuple[FakeCrmoffice, str]) -> None:
    crm, base = crm_served
    grant = requests.post(
        f"{base}/connect/token",
        timeout=5,
        data={"grant_type": "client_credentials", "client_id": "talkqa", "client_secret": SECRET},
    )
    assert grant.status_code == 200
    auth = {"Authorization": f"Bearer {grant.json()['access_token']}"}

    created = requests.post(f"{base}/contacts", json={"givenName": "Ada"}, headers=auth, timeout=5)
    assert created.status_code == 201
    assert (
        created.headers["Location"] == f"https://api.crmoffice.test/contacts/{created.json()['id']}"
    )
    listed = requests.get(f"{base}/contacts", params={"limit": 1}, headers=auth, timeout=5)
    assert [row["givenName"] for row in listed.json()["items"]] == ["Ada"]

    too_long = requests.patch(
        f"{base}/contacts/{created.json()['id']}",
        headers=auth,
        timeout=5,
        json={"givenName": "x" * 101},
    )
    assert too_long.status_code == 400
    assert too_long.headers["Content-Type"] == "application/problem+json"

    crm.faults.inject("contacts.list", FaultKind.RATE_LIMITED, retry_after=2)
    limited = requests.get(f"{base}/contacts", headers=auth, timeout=5)
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "2")
    crm.faults.inject("contacts.list", FaultKind.RESET)
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{base}/contacts", headers=auth, timeout=5)
    crm.faults.inject("contacts.list", FaultKind.TIMEOUT)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(f"{base}/contacts", headers=auth, timeout=0.2)

    assert crm.calls.by_route() == {
        "oauth.token": 1,
        "contacts.create": 1,
        "contacts.list": 4,
        "contacts.update": 1,
    }


def test_https_hosts_reach_the_served_fake(crm_served: tuple[FakeCrmoffice, str]) -> None:
    """A connector keeps its https URLs; route_to_loopback carries them to the server."""
    crm, base = crm_served
    session = requests.Session()
    route_to_loopback(session, crm.hosts, base)
    token = session.post(
        "https://identity.crmoffice.test/connect/token",
        timeout=5,
        data={
            "grant_type": "client_credentials",
            "client_id": "talkqa",
            "client_secret": SECRET,
        },
    ).json()["access_token"]
    answer = session.post(
        "https://api.crmoffice.test/companies",
        json={"name": "Acme AS"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert answer.status_code == 201
    assert crm.records("companies")[0]["name"] == "Acme AS"
