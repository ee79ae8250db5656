"""Salesforce's error answers: a JSON list of {message, errorCode, fields}, never anything else.

    raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
    error_response(exc)  # FakeResponse(404, [{"message": ..., "errorCode": "NOT_FOUND", ...}])

Inside sObject Collections results the same error is keyed statusCode (save_result_error).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from harness.fakes.http import FakeResponse

NOT_FOUND_MESSAGE = "The requested resource does not exist"
INVALID_SESSION_MESSAGE = "Session expired or invalid"


class ApiError(Exception):
    """One Salesforce error; handlers raise it and the route wrapper renders it."""

    def __init__(
        self, status: int, code: str, message: str, fields: Sequence[str] | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.fields = list(fields) if fields is not None else None

    def as_rest(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "errorCode": self.code}
        if self.fields is not None:
            body["fields"] = self.fields
        return body

    def as_save_result(self) -> dict[str, Any]:
        return {"statusCode": self.code, "message": self.message, "fields": self.fields or []}


def error_response(error: ApiError, headers: dict[str, str] | None = None) -> FakeResponse:
    return FakeResponse(error.status, [error.as_rest()], dict(headers or {}))


def not_found() -> ApiError:
    return ApiError(404, "NOT_FOUND", NOT_FOUND_MESSAGE)


def invalid_session() -> ApiError:
    return ApiError(401, "INVALID_SESSION_ID", INVALID_SESSION_MESSAGE)


def json_parser_error(detail: str) -> ApiError:
    return ApiError(400, "JSON_PARSER_ERROR", detail)


def invalid_column(field: str, sobject: str) -> ApiError:
    return ApiError(
        400,
        "INVALID_FIELD",
        f"No such column '{field}' on sobject of type {sobject}",
        [],
    )


def unable_to_lock_row(record_id: str) -> ApiError:
    return ApiError(
        400,
        "UNABLE_TO_LOCK_ROW",
        f"unable to obtain exclusive access to this record or 1 records: {record_id}",
        [],
    )


# --- Bulk API 2.0 ---------------------------------------------------------------------------
# The codes are Bulk API 2.0's upper-case ones (INVALIDJOBSTATE, INVALIDJOB, API_ERROR); the
# statuses of the state errors are not documented: 409, the REST API's "conflict with the
# current state of the resource", is the fake's reading.


def invalid_job_state(message: str) -> ApiError:
    return ApiError(409, "INVALIDJOBSTATE", message)


def invalid_job(message: str) -> ApiError:
    return ApiError(400, "INVALIDJOB", message)


def value_mismatch(column: int) -> ApiError:
    """A request field with a value outside its enum, as simple-salesforce issue #722 shows."""
    return ApiError(
        400, "API_ERROR", f"Value does not match expected type at [line:1, column:{column}]"
    )
