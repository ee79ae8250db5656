"""The JSON bodies of Bulk API 2.0 requests: create-job options, and the state of a PATCH.

    body = BulkBody.of(request)           # 400 JSON_PARSER_ERROR for a body that is no object
    body.choice("lineEnding", ("LF", "CRLF"), default="LF")   # 400 API_ERROR for "lf "

Enum fields take exactly the values "Create a Job" and "Create a Query Job" list; any other
value is the API_ERROR "Value does not match expected type" that simple-salesforce issue #722
quotes from a real org, with the column of the offending value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.fakes.http import FakeRequest
from harness.fakes.salesforce.bodies import json_object
from harness.fakes.salesforce.bulk_csv import DELIMITERS, LINE_ENDINGS
from harness.fakes.salesforce.errors import invalid_job, not_found, value_mismatch


@dataclass(frozen=True)
class BulkBody:
    text: str
    values: dict[str, Any]

    @classmethod
    def of(cls, request: FakeRequest) -> BulkBody:
        values = json_object(request, "JobInfo")
        return cls(request.body.decode("utf-8", errors="replace"), values)

    def text_value(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is not None and not isinstance(value, str):
            raise value_mismatch(self._column(value))
        return value

    def choice(self, name: str, allowed: tuple[str, ...], *, default: str | None = None) -> str:
        value = self.text_value(name)
        if value is None and default is not None:
            return default
        if value is None or value not in allowed:
            raise value_mismatch(self._column(value))
        return value

    def _column(self, value: Any) -> int:
        """Where the value ends in the body, as Jackson's [line:1, column:n] counts."""
        token = f'"{value}"' if isinstance(value, str) else str(value).lower()
        found = self.text.find(token)
        return found + len(token) + 1 if found >= 0 else 1


def csv_options(body: BulkBody) -> tuple[str, str]:
    """(columnDelimiter, lineEnding) with their defaults; contentType may only be CSV."""
    body.choice("contentType", ("CSV",), default="CSV")
    delimiter = body.choice("columnDelimiter", tuple(DELIMITERS), default="COMMA")
    return delimiter, body.choice("lineEnding", tuple(LINE_ENDINGS), default="LF")


def required(body: BulkBody, name: str, message: str) -> str:
    value = body.text_value(name)
    if not value:
        raise invalid_job(message)
    return value


def available_since(version: str, minimum: float) -> str:
    """The URL's API version; a resource newer than it does not exist there (404 NOT_FOUND)."""
    if float(version) < minimum:
        raise not_found()
    return version
