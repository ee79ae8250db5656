"""RetryPolicy and the status-to-error functions, without any HTTP.

.venv/bin/pytest tests/connectors -q -k "retry or errors"
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from harness.connectors.http_errors import crmoffice_error, salesforce_error
from harness.connectors.retry import MAX_RETRY_AFTER, RetryPolicy, parse_retry_after
from harness.errors import (
    ConfigError,
    FatalError,
    NotFoundError,
    RecordRejectedError,
    RetriableError,
    SessionExpiredError,
    TalkQAError,
)
from harness.redact import Redactor

Nap = Callable[[float], None]


def failing(times: int, error: TalkQAError) -> Callable[[], str]:
    calls = {"n": 0}

    def operation() -> str:
        calls["n"] += 1
        if calls["n"] <= times:
            raise error
        return "ok"

    return operation


def test_retry_after_is_honoured_exactly(sleeps: list[float], nap: Nap) -> None:
    policy = RetryPolicy(sleep=nap)
    assert policy.call(failing(2, RetriableError("busy", retry_after=4))) == "ok"
    assert sleeps == [4.0, 4.0]


def test_a_retry_after_too_long_to_wait_stops_at_once(sleeps: list[float], nap: Nap) -> None:
    with pytest.raises(RetriableError) as info:
        RetryPolicy(sleep=nap).call(
            failing(1, RetriableError("quota", retry_after=MAX_RETRY_AFTER + 1))
        )
    assert sleeps == [] and info.value.retry_after == MAX_RETRY_AFTER + 1
    assert "gave up after 1 attempt" in str(info.value)


@pytest.mark.parametrize("error", [FatalError("no"), SessionExpiredError("expired")])
def test_only_plain_transient_faults_are_retried(
    error: TalkQAError, sleeps: list[float], nap: Nap
) -> None:
    with pytest.raises(type(error)):
        RetryPolicy(sleep=nap).call(failing(1, error))
    assert sleeps == []


def test_parse_retry_after() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (400, "STRING_TOO_LONG", RecordRejectedError),
        (400, "UNABLE_TO_LOCK_ROW", RetriableError),
        (400, "INVALID_FIELD", ConfigError),
        (401, "INVALID_SESSION_ID", SessionExpiredError),
        (403, "REQUEST_LIMIT_EXCEEDED", FatalError),
        (404, "NOT_FOUND", NotFoundError),
        (429, "REQUEST_LIMIT_EXCEEDED", RetriableError),
        (503, "SERVER_UNAVAILABLE", RetriableError),
    ],
)
def test_salesforce_error_classes(status: int, code: str, expected: type[TalkQAError]) -> None:
    body = [{"message": "m", "errorCode": code, "fields": ["FirstName"]}]
    error = salesforce_error(status, body, what="PATCH x")
    assert type(error) is expected and code in str(error) and f"HTTP {status}" in str(error)


@pytest.mark.parametrize(
    ("status", "slug", "expected"),
    [
        (400, "validation", RecordRejectedError),
        (401, "unauthorized", SessionExpiredError),
        (404, "not-found", NotFoundError),
        (409, "locked", RetriableError),
        (409, "idempotency-conflict", RecordRejectedError),
        (429, "rate-limited", RetriableError),
        (503, "unavailable", RetriableError),
    ],
)
def test_crmoffice_error_classes(status: int, slug: str, expected: type[TalkQAError]) -> None:
    problem = {
        "type": f"urn:crmoffice:problem:{slug}",
        "title": "t",
        "status": status,
        "detail": "d",
    }
    assert type(crmoffice_error(status, problem, what="GET /contacts")) is expected


def test_error_messages_keep_the_body_but_mask_secrets() -> None:
    body = {"detail": "token s3cr3t-value rejected", "access_token": "abc123456"}
    error = crmoffice_error(400, body, what="POST /contacts", redactor=Redactor(["s3cr3t-value"]))
    assert (
        "rejected" in str(error)
        and "s3cr3t-value" not in str(error)
        and "abc123456" not in str(error)
    )
