"""Check Crmoffice answers against fixtures/crmoffice-openapi.yaml and turn them into records.

    records, cursor = parse_list_page(body, "contacts", ["givenName"])
    record_id = parse_written(body, "contacts")        # "100001"

The contract is the one place the shape is defined; an answer outside it (no updatedAt, an id
that is not an integer, a number where a string belongs) is an ApiContractError naming the type,
the record and the field, never a record silently half-read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from harness.connectors.base import FieldValues, SystemRecord, Value
from harness.connectors.http_errors import contract_error

KNOWN_TYPES = ("contacts", "companies")


def parse_list_page(
    body: Any, type_name: str, fields: Sequence[str]
) -> tuple[list[SystemRecord], str | None]:
    """The page's records and the cursor of the next page (None on the last page)."""
    what = f"list of {type_name}"
    if not isinstance(body, Mapping) or not isinstance(body.get("items"), list):
        raise contract_error("Crmoffice", what, f"answer has no 'items' list: {_short(body)}")
    cursor = body.get("nextCursor")
    if cursor is not None and (not isinstance(cursor, str) or not cursor):
        raise contract_error(
            "Crmoffice", what, f"nextCursor should be a string or null: {cursor!r}"
        )
    names = tuple(dict.fromkeys(fields))  # shared by the page's records
    return [parse_item(item, type_name, names) for item in body["items"]], cursor


def parse_item(item: Any, type_name: str, fields: Sequence[str]) -> SystemRecord:
    record_id = record_id_of(item, type_name)
    names = fields if isinstance(fields, tuple) else tuple(dict.fromkeys(fields))
    values = FieldValues(names, tuple(_string_field(item, type_name, record_id, n) for n in names))
    deleted_at = item.get("deletedAt")
    if deleted_at is not None:
        _timestamp(item, type_name, record_id, "deletedAt")
    modified = _timestamp(item, type_name, record_id, "updatedAt")
    return SystemRecord(type_name, record_id, values, modified, deleted=deleted_at is not None)


def parse_written(body: Any, type_name: str) -> str:
    """The id of a record a create or update answered with, after checking its stamps."""
    record_id = record_id_of(body, type_name)
    _timestamp(body, type_name, record_id, "updatedAt")
    return record_id


def record_id_of(item: Any, type_name: str) -> str:
    if not isinstance(item, Mapping):
        raise contract_error("Crmoffice", type_name, f"record is not an object: {_short(item)}")
    raw_id = item.get("id")
    # bool is an int in Python; the contract's integer is not.
    if not isinstance(raw_id, int) or isinstance(raw_id, bool):
        raise _field_error(type_name, "?", "id", "an integer", raw_id)
    return str(raw_id)


def created_at(item: Any, type_name: str) -> datetime:
    """A listed record's createdAt; a contract error naming the record when it has none."""
    return _timestamp(item, type_name, record_id_of(item, type_name), "createdAt")


def wire_timestamp(moment: datetime) -> str:
    """RFC 3339 UTC with milliseconds; truncating keeps an inclusive updatedSince inclusive."""
    if moment.tzinfo is None:
        raise ValueError(f"since must be timezone-aware, got {moment!r}")
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _timestamp(item: Mapping[str, Any], type_name: str, record_id: str, name: str) -> datetime:
    text = item.get(name)
    if not isinstance(text, str):
        raise _field_error(type_name, record_id, name, "an RFC 3339 date-time", text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _field_error(type_name, record_id, name, "an RFC 3339 date-time", text) from None
    if moment.tzinfo is None:
        raise _field_error(type_name, record_id, name, "a date-time with an offset", text)
    return moment.astimezone(UTC)


def _string_field(item: Mapping[str, Any], type_name: str, record_id: str, name: str) -> Value:
    if name not in item:
        raise contract_error(
            "Crmoffice", type_name, f"record {record_id} lacks {name!r}; has {sorted(item)}"
        )
    value = item[name]
    if value is not None and not isinstance(value, str):
        raise _field_error(type_name, record_id, name, "a string or null", value)
    return value


def _field_error(type_name: str, record_id: str, field: str, expected: str, got: Any) -> Exception:
    return contract_error(
        "Crmoffice",
        type_name,
        f"record {record_id} field {field} should be {expected}, got {got!r}",
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "…"
