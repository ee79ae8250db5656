"""`talkqa fakes serve`: both fakes answer on loopback to a client that knows only HTTP."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from harness.fakes.world import FAKE_CRM_CLIENT_ID, FAKE_CRM_CLIENT_SECRET

REPO = Path(__file__).resolve().parents[2]


def free_port_pair() -> int:
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            with socket.socket() as second:
                try:
                    second.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
            return int(port)
    raise RuntimeError("no two adjacent free ports on loopback")


@pytest.fixture
def served() -> Iterator[int]:
    port = free_port_pair()
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
                socket.create_connection(("127.0.0.1", port + 1), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_crmoffice_answers_a_plain_http_client(served: int) -> None:
    base = f"http://127.0.0.1:{served + 1}"
    token = requests.post(
        f"{base}/connect/token",
        data={
            "grant_type": "client_credentials",
            "client_id": FAKE_CRM_CLIENT_ID,
            "client_secret": FAKE_CRM_CLIENT_SECRET,
        },
        timeout=5,
    ).json()["access_token"]
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
