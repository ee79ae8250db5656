"""sObject Collections: create, update and delete up to 200 records in one call.

    composite_post(org, request, match)    # {"allOrNone": false, "records": [...]} -> SaveResults
    composite_delete(org, request, match)  # ?ids=a,b&allOrNone=true
    composite_upsert(org, request, match)  # PATCH .../composite/sobjects/Contact/Email

Every record gets its own SaveResult (errors keyed statusCode). With allOrNone, one failure
rolls the whole call back and every other record reports ALL_OR_NONE_OPERATION_ROLLED_BACK.
A scripted RECORD_FAILURE fault (request.fault) makes the record at its index fail.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from harness.fakes.faults import Fault
from harness.fakes.http import FakeRequest, FakeResponse
from harness.fakes.salesforce import ids
from harness.fakes.salesforce.bodies import bad_request, json_object
from harness.fakes.salesforce.errors import ApiError, not_found, unable_to_lock_row
from harness.fakes.salesforce.org import Org
from harness.fakes.salesforce.rest import upsert_key
from harness.fakes.salesforce.store import Record
from harness.fakes.salesforce.validation import validate_write

Match = re.Match[str]
MAX_RECORDS = 200
ROLLED_BACK = ApiError(
    400,
    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "Record rolled back because not all records were valid and the request was using AllOrNone "
    "header",
    [],
)
# One record's write: its id (and for an upsert, whether it was created), or an ApiError.
Operation = Callable[[Org, Any], "str | tuple[str, bool]"]
UPSERT_SINCE = 46.0  # "This request is available in API version 46 and later."


def composite_post(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    all_or_none, records = _records_body(request)
    return _run(org, request.fault, all_or_none, records, _create_one)


def composite_patch(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    all_or_none, records = _records_body(request)
    return _run(org, request.fault, all_or_none, records, _update_one)


def composite_upsert(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    """PATCH composite/sobjects/<Object>/<ExternalIdField> ("Upsert Records Using sObject
    Collections", REST API Developer Guide): up to 200 records of the URI's type, each with its
    attributes type and the key field, never an Id; UpsertResults in order, `created` telling
    an insert from an update; available from API 46.0."""
    if float(match["version"]) < UPSERT_SINCE:
        raise not_found()
    meta = org.sobject_for_write(match["sobject"])
    key = upsert_key(meta, match["field"])
    all_or_none, records = _records_body(request)

    def upsert_one(org: Org, item: Any) -> tuple[str, bool]:
        return _upsert_one(org, item, meta.name, key.name)

    return _run(org, request.fault, all_or_none, records, upsert_one)


def composite_delete(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    raw = request.param("ids") or ""
    record_ids = [i.strip() for i in raw.split(",") if i.strip()]
    if not record_ids:
        raise bad_request("MISSING_ARGUMENT", "ids was not specified")
    _check_count(len(record_ids))
    all_or_none = (request.param("allOrNone") or "false").lower() == "true"
    return _run(org, request.fault, all_or_none, record_ids, _delete_one)


def _records_body(request: FakeRequest) -> tuple[bool, list[Any]]:
    body = json_object(request, "SObjectCollectionRequest")
    records = body.get("records")
    if not isinstance(records, list) or not records:
        raise bad_request("INVALID_FIELD", "The records field is required and must not be empty")
    _check_count(len(records))
    return bool(body.get("allOrNone", False)), records


def _check_count(count: int) -> None:
    if count > MAX_RECORDS:
        raise bad_request(
            "EXCEEDED_ID_LIMIT",
            f"record limit reached. cannot submit more than {MAX_RECORDS} records into this call",
        )


def _run(
    org: Org, fault: Fault | None, all_or_none: bool, items: list[Any], operation: Operation
) -> FakeResponse:
    journal = org.store.begin()
    results: list[dict[str, Any] | ApiError] = []
    for index, item in enumerate(items):
        try:
            if fault is not None and index == fault.record_index:
                raise _injected(fault, item)
            results.append(_saved(operation(org, item)))
        except ApiError as error:
            results.append(error)
    failed = any(isinstance(r, ApiError) for r in results)
    org.store.end(journal, commit=not (all_or_none and failed))
    return FakeResponse(200, [_save_result(r, all_or_none and failed) for r in results])


def _saved(outcome: str | tuple[str, bool]) -> dict[str, Any]:
    if isinstance(outcome, str):
        return {"id": outcome, "success": True, "errors": []}
    record_id, created = outcome
    return {"id": record_id, "success": True, "errors": [], "created": created}


def _save_result(result: dict[str, Any] | ApiError, rolled_back: bool) -> dict[str, Any]:
    if isinstance(result, ApiError):
        return {"success": False, "errors": [result.as_save_result()]}
    if rolled_back:
        return {"id": result["id"], "success": False, "errors": [ROLLED_BACK.as_save_result()]}
    return result


def _injected(fault: Fault, item: Any) -> ApiError:
    record_id = _item_id(item)
    if fault.error_code == "UNABLE_TO_LOCK_ROW" and not fault.message:
        return unable_to_lock_row(record_id or "")
    return ApiError(400, fault.error_code, fault.message or f"{fault.error_code} (injected)", [])


def _item_id(item: Any) -> str | None:
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        value = item.get("id") or item.get("Id")
        return value if isinstance(value, str) else None
    return None


# --- one record each ------------------------------------------------------------------------


def _create_one(org: Org, item: Any) -> str:
    sobject, fields = _typed_record(org, item)
    if _item_id(item) is not None:
        raise ApiError(400, "INVALID_FIELD", "Record ID: cannot specify Id in an insert call", [])
    meta = org.sobject_for_write(sobject)
    values = validate_write(meta, fields, creating=True, resolve=org.store)
    return org.store.create(meta, values, at=org.clock.now())


def _update_one(org: Org, item: Any) -> str:
    sobject, fields = _typed_record(org, item)
    record_id = _item_id(item)
    if record_id is None:
        raise ApiError(400, "MISSING_ARGUMENT", "Id not specified in an update call", [])
    meta = org.sobject_for_write(sobject)
    record = existing_record(org, record_id, expected=meta.name)
    rest = {k: v for k, v in fields.items() if k.lower() != "id"}
    values = validate_write(meta, rest, creating=False, resolve=org.store)
    org.store.update(meta, record, values, at=org.clock.now())
    return record.id


def _upsert_one(org: Org, item: Any, sobject: str, key: str) -> tuple[str, bool]:
    typed, fields = _typed_record(org, item)
    if typed != sobject:
        raise ApiError(
            400, "INVALID_TYPE", f"Record type {typed} does not match the URI's {sobject}", []
        )
    if _item_id(item) is not None:
        raise ApiError(400, "INVALID_FIELD", "Only external ids are supported: no Id", ["Id"])
    value = fields.get(key)
    if not isinstance(value, str) or not value:
        raise ApiError(400, "MISSING_ARGUMENT", f"{key} not specified", [key])
    meta = org.sobject_for_write(sobject)
    found = org.store.find_by(meta.name, key, value)
    if len(found) > 1:
        raise ApiError(
            300, "DUPLICATE_EXTERNAL_ID", f"{key}: more than one record found for {value}", [key]
        )
    rest = {k: v for k, v in fields.items() if k != "attributes"}
    if found:
        values = validate_write(meta, rest, creating=False, resolve=org.store)
        org.store.update(meta, found[0], values, at=org.clock.now())
        return found[0].id, False
    values = validate_write(meta, rest, creating=True, resolve=org.store)
    return org.store.create(meta, values, at=org.clock.now()), True


def _delete_one(org: Org, item: Any) -> str:
    record = existing_record(org, str(item), expected=None)
    org.store.delete(record, at=org.clock.now())
    return record.id


def _typed_record(org: Org, item: Any) -> tuple[str, dict[str, Any]]:
    if not isinstance(item, dict):
        raise ApiError(400, "JSON_PARSER_ERROR", "Each record must be a JSON object", [])
    attributes = item.get("attributes")
    sobject = attributes.get("type") if isinstance(attributes, dict) else None
    if not isinstance(sobject, str) or not sobject:
        raise ApiError(400, "INVALID_TYPE", "Must specify a type in the attributes block", [])
    return sobject, item


def existing_record(org: Org, raw_id: str, *, expected: str | None) -> Record:
    """The record an id in a batch names, or the error that record reports (Bulk API too)."""
    if not ids.is_id(raw_id) or not _of_type(org, raw_id, expected):
        raise malformed_id(raw_id, expected)
    record = org.store.find(ids.to18(raw_id))
    if record is None:
        raise ApiError(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [])
    if record.is_deleted:
        raise ApiError(400, "ENTITY_IS_DELETED", "entity is deleted", [])
    return record


def _of_type(org: Org, raw_id: str, expected: str | None) -> bool:
    return expected is None or ids.key_prefix(raw_id) == org.sobject(expected).key_prefix


def malformed_id(raw_id: str, expected: str | None) -> ApiError:
    """An id that is no id of the record's type: "Update Records Using sObject Collections"
    (REST API Developer Guide) answers a Contact with id 001xx000003DGb2999 with MALFORMED_ID,
    "Contact ID: id value of incorrect type: 001xx000003DGb2999", fields ["Id"]. A delete names
    no type: its ids are only checked for their form."""
    if expected is None:
        return ApiError(400, "MALFORMED_ID", f"malformed id {raw_id}", [])
    return ApiError(
        400, "MALFORMED_ID", f"{expected} ID: id value of incorrect type: {raw_id}", ["Id"]
    )
