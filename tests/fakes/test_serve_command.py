"""`talkqa fakes serve`: the fakes answer on loopback to a client that knows only HTTP."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from simple_salesforce import Salesforce  # type: ignore[attr-defined]

from harness.clock import FakeClock
from harness.engine import load_mapping
from harness.fakes.http import route_to_loopback
from harness.fakes.salesforce import FakeSalesforce
from harness.fakes.world import (
    FAKE_CRM_CLIENT_ID,
    FAKE_CRM_CLIENT_SECRET,
    FAKE_SESAM_JWT,
    FAKE_SF_PASSWORD,
    FAKE_SF_TOKEN,
    FAKE_SF_USERNAME,
)
from harness.sesam import SesamEngine, SesamSettings, flows_from_mapping

REPO = Path(__file__).resolve().parents[2]


def free_ports() -> int:
    """The first of three adjacent free ports (Salesforce, Crmoffice, the Sesam node)."""
    for _ in range(50):
        with socket.socket() as first, socket.socket() as second, socket.socket() as third:
            first.bind(("127.0.0.1", 0))
            port = int(first.getsockname()[1])
            try:
                second.bind(("127.0.0.1", port + 1))
                third.bind(("127.0.0.1", port + 2))
            except OSError:
                continue
            return port
    raise RuntimeError("no three adjacent free ports on loopback")


def crm_token(base: str) -> str:
    """An access token of the served Crmoffice, by client credentials (its dummy ones)."""
    answer = requests.post(
        f"{base}/connect/token",
        data={
            "grant_type": "client_credentials",
            "client_id": FAKE_CRM_CLIENT_ID,
            "client_secret": FAKE_CRM_CLIENT_SECRET,
        },
        timeout=5,
    )
    return str(answer.json()["access_token"])


@pytest.fixture
def served() -> Iterator[int]:
    port = free_ports()
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "fakes", "serve", "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port + 2), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_crmoffice_answers_a_plain_http_client(served: int) -> None:
    base = f"http://127.0.0.1:{served + 1}"
    token = crm_token(base)
    headers = {"Authorization": f"Bearer {token}"}
    created = requests.post(
        f"{base}/contacts", json={"givenName": "Åse"}, headers=headers, timeout=5
    )
    assert created.status_code == 201
    listed = requests.get(f"{base}/contacts", headers=headers, timeout=5).json()
    assert [item["givenName"] for item in listed["items"]] == ["Åse"]


def test_salesforce_answers_rest_with_its_own_error_list(served: int) -> None:
    response = requests.get(f"http://127.0.0.1:{served}/services/data/v59.0/sobjects/", timeout=5)
    assert response.status_code == 401
    assert response.json()[0]["errorCode"] == "INVALID_SESSION_ID"


def test_a_non_loopback_host_is_refused_in_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "harness.cli", "fakes", "serve", "--host", "0.0.0.0"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "talkqa: --host 0.0.0.0 is not a loopback address; the fakes only serve on 127.0.0.0/8,"
        " ::1 or localhost"
    ]


def test_the_sesam_node_syncs_the_served_fakes_through_sesamclient(served: int) -> None:
    """A Contact made over loopback in the served Salesforce reaches the served Crmoffice
    when Sesam's engine runs the served node's pipes: the three fakes as one Talk setup."""
    sf = requests.Session()
    route_to_loopback(sf, FakeSalesforce(FakeClock()).hosts, f"http://127.0.0.1:{served}")
    client = Salesforce(
        username=FAKE_SF_USERNAME,
        password=FAKE_SF_PASSWORD,
        security_token=FAKE_SF_TOKEN,
        domain="test",
        session=sf,
    )
    client.Contact.create({"LastName": "Nordmann-Serve", "FirstName": "Åse"})
    settings = SesamSettings(f"http://127.0.0.1:{served + 2}/api", FAKE_SESAM_JWT, poll_interval=0)
    engine = SesamEngine(settings, flows_from_mapping(load_mapping()))
    report = engine.run_cycle()
    engine.close()
    assert report.flows["contact"].inserted == 1
    crm = f"http://127.0.0.1:{served + 1}"
    token = crm_token(crm)
    listed = requests.get(
        f"{crm}/contacts", headers={"Authorization": f"Bearer {token}"}, timeout=5
    ).json()
    assert [(c["givenName"], c["familyName"]) for c in listed["items"]] == [
        ("Åse", "Nordmann-Serve")
    ]
