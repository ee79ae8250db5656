"""Request bodies read the way Salesforce's JSON parser reads them, with its error codes.

record = json_object(request, "Contact")   # dict, or ApiError 400 JSON_PARSER_ERROR
"""

from __future__ import annotations

import json
from typing import Any

from harness.fakes.http import FakeRequest
from harness.fakes.salesforce.errors import ApiError, json_parser_error


def json_body(request: FakeRequest) -> Any:
    text = request.body.decode("utf-8", errors="replace")
    if not text.strip():
        raise json_parser_error("No content to map due to end-of-input at [line:1, column:0]")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        bad = text[exc.pos] if exc.pos < len(text) else "EOF"
        raise json_parser_error(
            f"Unexpected character ('{bad}' (code {ord(bad) if len(bad) == 1 else -1})): "
            "expected a valid value (number, String, array, object, 'true', 'false' or 'null') "
            f"at [line:{exc.lineno}, column:{exc.colno}]"
        ) from None


def json_object(request: FakeRequest, type_name: str) -> dict[str, Any]:
    body = json_body(request)
    if not isinstance(body, dict):
        token = "START_ARRAY" if isinstance(body, list) else "VALUE_STRING"
        raise json_parser_error(
            f"Cannot deserialize instance of {type_name} from {token} value [line:1, column:1]"
        )
    return body


def bad_request(code: str, message: str) -> ApiError:
    return ApiError(400, code, message)
