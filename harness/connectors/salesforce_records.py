"""Check Salesforce REST answers against their documented shape and turn them into harness records.

    records, next_url = parse_query_page(body, "Contact", ["FirstName"])
    results = parse_save_results(body, "Contact", chunk)   # one WriteResult per record, in order
    records = parse_bulk_rows(csv_text, "Contact", ["FirstName"])  # a Bulk API 2.0 result set

Anything the documented shape does not allow (a record without Id, a number where a string
belongs, a results list of the wrong length) is an ApiContractError naming the object, the
record and the field, because acting on a half-understood answer corrupts the sync state.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from harness.connectors.base import FieldValues, RecordUpdate, SystemRecord, Value, WriteResult
from harness.connectors.http_errors import contract_error

# Per-record codes that may succeed on the next attempt: the row was busy, not wrong.
RETRIABLE_RECORD_CODES = frozenset({"UNABLE_TO_LOCK_ROW"})
# REST 2026-01-05T09:00:00.000+0000; Bulk API CSV 2026-01-05T09:00:00.000Z (%z reads both).
MODSTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%f%z"
BULK_BOOLEANS = {"true": True, "false": False}


def parse_query_page(
    body: Any, object_name: str, fields: Sequence[str]
) -> tuple[list[SystemRecord], str | None]:
    """The page's records and the nextRecordsUrl to fetch next (None when done)."""
    what = f"query of {object_name}"
    if not isinstance(body, Mapping) or not isinstance(body.get("records"), list):
        raise contract_error("Salesforce", what, f"answer has no 'records' list: {_short(body)}")
    done = body.get("done")
    next_url = body.get("nextRecordsUrl")
    if not isinstance(done, bool) or (not done and not isinstance(next_url, str)):
        raise contract_error(
            "Salesforce", what, f"'done' is {done!r} with nextRecordsUrl {next_url!r}"
        )
    names = tuple(dict.fromkeys(fields))  # shared by the page's records
    records = [parse_record(raw, object_name, names) for raw in body["records"]]
    return records, None if done else str(next_url)


def query_total(body: Any, object_name: str) -> int:
    """totalSize of a query page: how many records the whole query returns."""
    total = body.get("totalSize") if isinstance(body, Mapping) else None
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise contract_error(
            "Salesforce", f"query of {object_name}", f"'totalSize' is {total!r}, not a count"
        )
    return total


def parse_bulk_rows(text: str, object_name: str, fields: Sequence[str]) -> list[SystemRecord]:
    """One result set of a Bulk API 2.0 query job (CSV, a header row first) as the records a
    REST page of the same query gives: an empty value is null, IsDeleted "true"/"false".

    "Get Results for a Query Job" (https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_job_results.htm)
    shows every value quoted; Salesforce stores no empty text, so "" can only be a null.
    """
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, None)
    if header is None:
        return []
    names = tuple(dict.fromkeys(fields))
    records = []
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise contract_error(
                "Salesforce",
                f"Bulk API 2.0 query of {object_name}",
                f"CSV line {number} has {len(row)} values, its header {len(header)}",
            )
        raw = {name: _bulk_value(name, value) for name, value in zip(header, row, strict=True)}
        records.append(parse_record(raw, object_name, names))
    return records


def _bulk_value(name: str, text: str) -> Any:
    if name.lower() == "isdeleted":
        return BULK_BOOLEANS.get(text, text)  # anything else fails parse_record's check
    return text or None


def parse_record(raw: Any, object_name: str, fields: Sequence[str]) -> SystemRecord:
    if not isinstance(raw, Mapping):
        raise contract_error(
            "Salesforce", f"query of {object_name}", f"record is not an object: {_short(raw)}"
        )
    record_id = raw.get("Id")
    if not isinstance(record_id, str) or not record_id:
        raise _field_error(object_name, "?", "Id", "a non-empty string", raw.get("Id"))
    by_lower = {str(key).lower(): key for key in raw}
    names = fields if isinstance(fields, tuple) else tuple(dict.fromkeys(fields))
    values = FieldValues(
        names, tuple(_string_field(raw, by_lower, object_name, record_id, n) for n in names)
    )
    deleted = raw.get("IsDeleted", False)
    if not isinstance(deleted, bool):
        raise _field_error(object_name, record_id, "IsDeleted", "a boolean", deleted)
    return SystemRecord(
        object_name, record_id, values, parse_modstamp(raw, object_name, record_id), deleted
    )


def parse_modstamp(raw: Mapping[str, Any], object_name: str, record_id: str) -> datetime:
    text = raw.get("SystemModstamp")
    if not isinstance(text, str):
        raise _field_error(object_name, record_id, "SystemModstamp", "a date-time string", text)
    try:
        return datetime.strptime(text, MODSTAMP_FORMAT).astimezone(UTC)
    except ValueError:
        raise _field_error(
            object_name, record_id, "SystemModstamp", "like 2026-01-05T09:00:00.000+0000", text
        ) from None


def parse_save_results(
    body: Any, object_name: str, chunk: Sequence[RecordUpdate]
) -> list[WriteResult]:
    what = f"composite/sobjects update of {object_name}"
    if not isinstance(body, list) or len(body) != len(chunk):
        count = len(body) if isinstance(body, list) else type(body).__name__
        raise contract_error(
            "Salesforce", what, f"expected {len(chunk)} results in order, got {count}"
        )
    return [_save_result(raw, update, what) for raw, update in zip(body, chunk, strict=True)]


def parse_create_results(body: Any, object_name: str, count: int) -> list[WriteResult]:
    """A Collections POST's results, in the order sent, each with the new record's id."""
    what = f"composite/sobjects create of {object_name}"
    if not isinstance(body, list) or len(body) != count:
        found = len(body) if isinstance(body, list) else type(body).__name__
        raise contract_error("Salesforce", what, f"expected {count} results in order, got {found}")
    results = []
    for n, raw in enumerate(body):
        result = _save_result(raw, RecordUpdate(f"(new record {n + 1})", {}), what)
        if result.ok:
            new_id = raw.get("id")
            if not isinstance(new_id, str) or not new_id:
                raise contract_error("Salesforce", what, f"result {n + 1} has no id: {_short(raw)}")
            result = WriteResult(record_id=new_id, ok=True)
        else:
            result = WriteResult(
                None, False, result.error_code, result.message, result.fields, result.retriable
            )
        results.append(result)
    return results


def _save_result(raw: Any, update: RecordUpdate, what: str) -> WriteResult:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("success"), bool):
        raise contract_error(
            "Salesforce", what, f"result for {update.record_id} has no 'success': {_short(raw)}"
        )
    if raw["success"]:
        return WriteResult(record_id=update.record_id, ok=True)
    errors = raw.get("errors")
    first = (
        errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], Mapping) else {}
    )
    code = str(first.get("statusCode") or first.get("errorCode") or "UNKNOWN")
    return WriteResult(
        record_id=update.record_id,
        ok=False,
        error_code=code,
        message=str(first.get("message") or ""),
        fields=tuple(str(f) for f in first.get("fields") or ()),
        retriable=code in RETRIABLE_RECORD_CODES,
    )


def _string_field(
    raw: Mapping[str, Any], by_lower: Mapping[str, Any], object_name: str, record_id: str, name: str
) -> Value:
    # Salesforce answers with the field's API spelling, which may differ in case from the query.
    key = name if name in raw else by_lower.get(name.lower())
    if key is None:
        raise contract_error(
            "Salesforce",
            f"query of {object_name}",
            f"record {record_id} lacks field {name!r}; has {sorted(raw)}",
        )
    value = raw[key]
    if value is not None and not isinstance(value, str):
        raise _field_error(object_name, record_id, name, "a string or null", value)
    return value


def _field_error(
    object_name: str, record_id: str, field: str, expected: str, got: Any
) -> Exception:
    return contract_error(
        "Salesforce",
        f"query of {object_name}",
        f"record {record_id} field {field} should be {expected}, got {_short(got)}",
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "…"
