"""Shared fixtures for connector tests: a recording sleep, an error check that every test uses,
and a fake world (at T0) with a SalesforceConnector on it.

    error = expect_error(AuthenticationError, lambda: connector.is_sandbox())
    assert sleeps == [7.0]

expect_error asserts the class, that the message is one line, and that no secret of any test
(passwords, tokens, keys, bearer values) appears in it or in any exception chained to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from harness.clock import FakeClock
from harness.connectors.salesforce import SalesforceConnector
from harness.errors import TalkQAError
from harness.fakes.salesforce import FakeSalesforce
from harness.fakes.world import FakeWorld

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

# Every secret the connector tests hand out; none may show up in an error.
SECRETS: list[str] = [
    "fake-sf-password",
    "fake-sf-security-token",
    "fake-crm-client-secret",
    "wrong-sf-password",
    "wrong-crm-secret",
    "stale-refresh-token",
    "00DSESSIONID0000!AQsecretsession",
    "-----BEGIN PRIVATE KEY-----",
    "sf-client-secret-xyz",
]
_BEARER = re.compile(r"Bearer\s+(?!\[REDACTED\])\S+")

ExpectError = Callable[..., TalkQAError]


def assert_clean(error: BaseException, extra: tuple[str, ...] = ()) -> None:
    seen: BaseException | None = error
    while seen is not None:
        text = str(seen)
        for secret in (*SECRETS, *extra):
            assert secret not in text, f"secret leaked in {type(seen).__name__}: {text}"
        assert not _BEARER.search(text), f"bearer token leaked: {text}"
        seen = seen.__cause__ or seen.__context__


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def nap(sleeps: list[float]) -> Callable[[float], None]:
    return sleeps.append


@pytest.fixture
def expect_error() -> ExpectError:
    def check(cls: type[TalkQAError], action: Callable[[], Any], *extra: str) -> TalkQAError:
        with pytest.raises(cls) as info:
            action()
        assert "\n" not in str(info.value), f"message is not one line: {info.value}"
        assert_clean(info.value, extra)
        return info.value

    return check


@pytest.fixture
def world() -> Iterator[FakeWorld]:
    world = FakeWorld(FakeClock(T0))
    with world.activated():
        yield world


@pytest.fixture
def fake(world: FakeWorld) -> FakeSalesforce:
    return world.salesforce


@pytest.fixture
def connector(world: FakeWorld, nap: Callable[[float], None]) -> SalesforceConnector:
    return SalesforceConnector(world.salesforce_settings(), sleep=nap)
