"""What differs between a recorded answer and the fake's: a pure rule, two answers in, lines out.

    compare(Answer.of(201, b'{"id": "001..", "success": true, "errors": []}'),
            Answer.of(201, b'{"id": "001..", "errors": []}'))
    # ['keys at $: fake lacks success']

Compared: the status; the error codes (Salesforce errorCode, statusCode in per-record results,
OAuth error, a problem document's type, a SOAP fault's exceptionCode), in order; the kind of
body (empty, CSV by its text/csv content type, JSON, XML, text); for JSON the key set of every
object and the type of every value, recursively, a list by its first element; the paging
fields of a query result (done, whether nextRecordsUrl is there, the type of totalSize); for
CSV (Bulk API 2.0 results) the column names of the header row, and Bulk API 2.0's paging
headers Sforce-Locator and Sforce-NumberOfRecords by their form (bulk_rules.py). Not compared,
because they depend on the org's data: values (ids, names, counts, timestamps, messages, CSV
rows, locators), list lengths, a null against a value of any type, an empty list against a
full one, and integer against decimal. When the statuses differ only the status and the error
codes are compared.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.fidelity.bulk_rules import LOCATOR_HEADER, csv_columns, header_row, paging_headers
from harness.fidelity.cassette import header

_FAULT_CODE = re.compile(r"<(?:\w+:)?(?:exceptionCode|faultcode)>([^<]+)<")
_CODE_KEYS = ("errorCode", "statusCode")
PAGING_KEYS = ("done", "nextRecordsUrl", "totalSize")


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    content_type: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        status: int,
        body: bytes = b"",
        content_type: str = "",
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        return cls(status, body, content_type, dict(headers or {}))

    def header(self, name: str) -> str:
        return header(self.headers, name)

    @property
    def kind(self) -> str:
        text = self.body.strip()
        if not text:
            return "empty"
        if self.content_type.split(";")[0].strip().lower() == "text/csv":
            return "CSV"  # before JSON: a one-column header row ("Id") is also a JSON string
        if self.data is not None:
            return "JSON"
        return "XML" if text.startswith(b"<") else "text"

    @property
    def data(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def compare(recorded: Answer, fake: Answer) -> list[str]:
    found: list[str] = []
    if recorded.status != fake.status:
        found.append(f"status: recorded {recorded.status}, fake {fake.status}")
    codes = error_codes(recorded), error_codes(fake)
    if codes[0] != codes[1]:
        found.append(f"error code: recorded {_codes(codes[0])}, fake {_codes(codes[1])}")
    if recorded.status != fake.status:
        return found  # two different outcomes: their bodies are not comparable further
    if recorded.kind != fake.kind:
        found.append(f"body: recorded {recorded.kind}, fake {fake.kind}")
    elif recorded.kind == "JSON":
        found += paging(recorded.data, fake.data) + list(shape(recorded.data, fake.data, "$"))
    elif recorded.kind == "CSV":
        found += columns(recorded, fake)
    return found + paging_headers(recorded.headers, fake.headers)


def columns(recorded: Answer, fake: Answer) -> list[str]:
    """A query job's results carry Sforce-Locator; their column order is part of the contract."""
    ordered = bool(recorded.header(LOCATOR_HEADER))
    return csv_columns(header_row(recorded.text), header_row(fake.text), ordered=ordered)


def _codes(codes: list[str]) -> str:
    return ", ".join(codes) if codes else "none"


# --- error codes ---------------------------------------------------------------------------


def error_codes(answer: Answer) -> list[str]:
    if answer.kind == "CSV":
        return []  # results, never an error: Bulk API 2.0 errors are JSON lists
    if answer.kind == "XML":
        return _FAULT_CODE.findall(answer.text)[-1:]  # exceptionCode follows faultcode
    data = answer.data
    if isinstance(data, Mapping) and isinstance(data.get("error"), str):
        return [data["error"]]  # OAuth 2.0 (RFC 6749 section 5.2)
    if isinstance(data, Mapping) and {"type", "title", "status"} <= data.keys():
        return [str(data["type"])]  # a problem document (RFC 9457)
    return list(_nested_codes(data))


def _nested_codes(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key in _CODE_KEYS and isinstance(item, str):
                yield item
            else:
                yield from _nested_codes(item)
    elif isinstance(value, list):
        for item in value:
            yield from _nested_codes(item)


# --- paging --------------------------------------------------------------------------------


def is_query_result(value: Any) -> bool:
    return isinstance(value, Mapping) and "done" in value and "records" in value


def paging(recorded: Any, fake: Any) -> list[str]:
    if not is_query_result(recorded):
        return []
    if not is_query_result(fake):
        return ["paging: recorded a query result (done, records), fake not"]
    found = []
    if recorded["done"] != fake["done"]:
        found.append(f"paging done: recorded {_json(recorded['done'])}, fake {_json(fake['done'])}")
    has = ("nextRecordsUrl" in recorded, "nextRecordsUrl" in fake)
    if has[0] != has[1]:
        found.append(f"paging nextRecordsUrl: recorded {_there(has[0])}, fake {_there(has[1])}")
    kinds = json_type(recorded.get("totalSize")), json_type(fake.get("totalSize"))
    if kinds[0] != kinds[1]:
        found.append(f"paging totalSize: recorded {kinds[0]}, fake {kinds[1]}")
    return found


def _json(value: Any) -> str:
    return json.dumps(value)


def _there(present: bool) -> str:
    return "present" if present else "absent"


# --- shape ---------------------------------------------------------------------------------


def shape(recorded: Any, fake: Any, path: str) -> Iterator[str]:
    kinds = json_type(recorded), json_type(fake)
    if "null" in kinds:
        return  # a value one org has and the other not
    if kinds[0] != kinds[1]:
        yield f"type at {path}: recorded {kinds[0]}, fake {kinds[1]}"
    elif kinds[0] == "object":
        yield from _object_shape(recorded, fake, path)
    elif kinds[0] == "array" and recorded and fake:
        yield from shape(recorded[0], fake[0], f"{path}[0]")


def _object_shape(recorded: Mapping[str, Any], fake: Mapping[str, Any], path: str) -> Iterator[str]:
    skip = set(PAGING_KEYS) if is_query_result(recorded) else set()
    lacks = sorted(set(recorded) - set(fake) - skip)
    adds = sorted(set(fake) - set(recorded) - skip)
    if lacks or adds:
        parts = [f"fake lacks {', '.join(lacks)}"] if lacks else []
        parts += [f"fake adds {', '.join(adds)}"] if adds else []
        yield f"keys at {path}: {'; '.join(parts)}"
    for key in recorded:
        if key in fake and key not in skip:
            yield from shape(recorded[key], fake[key], f"{path}.{key}")


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"
