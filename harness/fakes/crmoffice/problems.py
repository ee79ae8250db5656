"""Crmoffice error answers: RFC 9457 problem documents (application/problem+json).

return validation([FieldError("givenName", "maxLength", "givenName is 101 characters; ...")])
return not_found("contacts 100001 does not exist")
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from harness.fakes.crmoffice.contract import FieldError
from harness.fakes.http import FakeResponse

PROBLEM_JSON = "application/problem+json"


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    errors: Sequence[FieldError] = (),
    headers: dict[str, str] | None = None,
) -> FakeResponse:
    body: dict[str, object] = {
        "type": f"urn:crmoffice:problem:{slug}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = [error.as_json() for error in errors]
    return FakeResponse(status, body, {"Content-Type": PROBLEM_JSON, **(headers or {})})


def validation(errors: Sequence[FieldError]) -> FakeResponse:
    detail = "; ".join(error.message for error in errors)
    return problem(400, "validation", "Validation failed", detail, errors=errors)


def unauthorized(reason: str | None) -> FakeResponse:
    """401 per RFC 6750: no error code when no token was sent, invalid_token otherwise."""
    challenge = 'Bearer realm="crmoffice"'
    if reason is not None:
        challenge += f', error="invalid_token", error_description="{reason}"'
    detail = reason or "no bearer token; get one from /connect/token"
    return problem(
        401, "unauthorized", "Unauthorized", detail, headers={"WWW-Authenticate": challenge}
    )


def not_found(detail: str) -> FakeResponse:
    return problem(404, "not-found", "Not Found", detail)


def method_not_allowed(method: str, path: str, allowed: Sequence[str]) -> FakeResponse:
    allow = ", ".join(sorted(set(allowed)))
    return problem(
        405,
        "method-not-allowed",
        "Method Not Allowed",
        f"{method} is not allowed on {path}; allowed: {allow}",
        headers={"Allow": allow},
    )


def unsupported_media_type(content_type: str | None, accepted: Sequence[str]) -> FakeResponse:
    return problem(
        415,
        "unsupported-media-type",
        "Unsupported Media Type",
        f"Content-Type {content_type!r} is not accepted; send {' or '.join(accepted)}",
    )


def idempotency_conflict(key: str) -> FakeResponse:
    return problem(
        409,
        "idempotency-conflict",
        "Conflict",
        f"Idempotency-Key {key!r} was already used with a different body",
    )


def locked(detail: str = "record is locked") -> FakeResponse:
    return problem(409, "locked", "Conflict", detail)


def rate_limited(retry_after: float) -> FakeResponse:
    seconds = max(0, math.ceil(retry_after))  # Retry-After is whole seconds (RFC 9110)
    return problem(
        429,
        "rate-limited",
        "Too Many Requests",
        f"rate limit exceeded; retry after {seconds} s",
        headers={"Retry-After": str(seconds)},
    )


def unavailable() -> FakeResponse:
    return problem(
        503,
        "unavailable",
        "Service Unavailable",
        "Crmoffice is temporarily unavailable; retry later",
    )
