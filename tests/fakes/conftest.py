"""Salesforce fake fixtures (names start with sf_ so they never clash with other fakes')."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import responses
from simple_salesforce import Salesforce

from harness.clock import FakeClock
from harness.fakes.http import mount
from harness.fakes.salesforce import FakeSalesforce


@pytest.fixture
def sf_fake() -> FakeSalesforce:
    return FakeSalesforce(FakeClock())


@pytest.fixture
def sf_http(sf_fake: FakeSalesforce) -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        mount(rsps, sf_fake)
        yield rsps


@pytest.fixture
def sf_client(sf_fake: FakeSalesforce, sf_http: responses.RequestsMock) -> Salesforce:
    """simple-salesforce logged in with password + token on the sandbox login host."""
    return Salesforce(
        username="qa@talkqa.example",
        password="talkqa-password",
        security_token="talkqaSecurityToken",
        domain="test",
        session=requests.Session(),
    )
