"""Turn an HTTP failure into an error from harness.errors: one function per system, plus transport.

    raise salesforce_error(400, [{"errorCode": "STRING_TOO_LONG"}], what="PATCH composite")
    raise crmoffice_error(429, problem, what="GET /contacts", retry_after=2.0)

The class says what the caller does (retry, log in again, dead-letter the record, stop); the
message names the system, the call and the server's own words, with the body kept (shortened)
and every secret masked. In the style of simple-salesforce util.exception_handler.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from harness.errors import (
    ApiContractError,
    ConfigError,
    FatalError,
    NotFoundError,
    RecordRejectedError,
    RetriableError,
    SessionExpiredError,
    TalkQAError,
)
from harness.redact import Redactor

TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})
SALESFORCE_TRANSIENT_CODES = frozenset({"UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE"})
# A query or field name the org does not know is a mapping/config mistake, not a bad record.
SALESFORCE_CONFIG_CODES = frozenset({"INVALID_FIELD", "INVALID_TYPE", "MALFORMED_QUERY"})
CRMOFFICE_LOCKED = "urn:crmoffice:problem:locked"
MAX_BODY_CHARS = 500
_NO_SECRETS = Redactor()


def salesforce_error(
    status: int,
    body: Any,
    *,
    what: str,
    retry_after: float | None = None,
    redactor: Redactor = _NO_SECRETS,
) -> TalkQAError:
    """body: the parsed JSON error list Salesforce sends, or the raw text when it was not JSON."""
    code, message, fields = _salesforce_first_error(body)
    text = _message("Salesforce", what, status, code, message, body, redactor)
    if status in TRANSIENT_STATUSES or code in SALESFORCE_TRANSIENT_CODES:
        return RetriableError(text, retry_after=retry_after)
    if status == 401:
        return SessionExpiredError(text)
    if status == 404:
        return NotFoundError(text)
    if status == 400 and code in SALESFORCE_CONFIG_CODES:
        return ConfigError(text)
    if status == 400:
        return RecordRejectedError(text, code=code, fields=fields)
    return FatalError(text)  # 403 REQUEST_LIMIT_EXCEEDED, 405, 409...: retrying will not help


def crmoffice_error(
    status: int,
    body: Any,
    *,
    what: str,
    retry_after: float | None = None,
    redactor: Redactor = _NO_SECRETS,
) -> TalkQAError:
    """body: the problem+json document (or the token endpoint's OAuth error), or raw text."""
    problem = body if isinstance(body, Mapping) else {}
    code, fields = _crmoffice_field_errors(problem)
    code = code or str(problem.get("error") or "")  # RFC 6749 error of the token endpoint
    detail = str(
        problem.get("detail") or problem.get("error_description") or problem.get("title") or ""
    )
    text = _message("Crmoffice", what, status, code, detail, body, redactor)
    if status in TRANSIENT_STATUSES or (status == 409 and problem.get("type") == CRMOFFICE_LOCKED):
        return RetriableError(text, retry_after=retry_after)
    if status == 401:
        return SessionExpiredError(text)
    if status == 404:
        return NotFoundError(text)
    if status in (400, 409, 422):  # validation, or an Idempotency-Key reused with another body
        return RecordRejectedError(text, code=code or _slug(problem), fields=fields)
    return FatalError(text)


def transport_error(
    exc: requests.RequestException, *, system: str, what: str, url: str
) -> TalkQAError:
    """A request that got no HTTP answer; requests' own exceptions never reach the caller."""
    host = urlsplit(url).netloc or url
    if isinstance(exc, requests.Timeout):
        return RetriableError(
            f"{system} {what} at {host}: no answer in time ({type(exc).__name__})"
        )
    if isinstance(exc, requests.ConnectionError):
        return RetriableError(f"{system} {what} at {host}: connection failed ({_reason(exc)})")
    return FatalError(f"{system} {what} at {host}: request failed ({type(exc).__name__})")


def contract_error(
    system: str, what: str, problem: str, redactor: Redactor = _NO_SECRETS
) -> ApiContractError:
    return ApiContractError(redactor.text(_one_line(f"{system} {what}: {problem}")))


def _salesforce_first_error(body: Any) -> tuple[str, str, tuple[str, ...]]:
    first = body[0] if isinstance(body, list) and body and isinstance(body[0], Mapping) else {}
    code = str(first.get("errorCode") or first.get("statusCode") or "")
    fields = first.get("fields") or ()
    return code, str(first.get("message") or ""), tuple(str(f) for f in fields)


def _crmoffice_field_errors(problem: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    errors = [e for e in problem.get("errors") or () if isinstance(e, Mapping)]
    code = str(errors[0].get("code") or "") if errors else ""
    return code, tuple(str(e.get("field")) for e in errors if e.get("field"))


def _slug(problem: Mapping[str, Any]) -> str:
    return str(problem.get("type") or "").rsplit(":", 1)[-1]


def _message(
    system: str, what: str, status: int, code: str, message: str, body: Any, redactor: Redactor
) -> str:
    summary = " ".join(part for part in (code, message) if part)
    raw = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    if len(raw) > MAX_BODY_CHARS:
        raw = raw[:MAX_BODY_CHARS] + "…"
    return redactor.text(_one_line(f"{system} {what}: HTTP {status} {summary}; body: {raw}"))


def _reason(exc: requests.ConnectionError) -> str:
    cause = exc.args[0] if exc.args else exc
    return type(cause).__name__ if isinstance(cause, BaseException) else str(cause)[:120]


def _one_line(text: str) -> str:
    return " ".join(text.split())
