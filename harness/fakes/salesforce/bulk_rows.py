"""Processing an ingest job: every CSV row through the validation and store a REST write uses.

    run_ingest(org, job)    # job: JobComplete (rows may fail one by one) or Failed (the file)
    job.outcome.successful  # Table: sf__Id, sf__Created, then the uploaded columns

So a bulk-created Contact is the record REST would create: same ids, system fields and errors
(REQUIRED_FIELD_MISSING, STRING_TOO_LONG, ...). A problem with the file as a whole fails the job
with errorMessage and leaves every row unprocessed: a header naming no field is "InvalidBatch :
Field name not found : X", as real jobs answer (amp-labs/connectors#118). A bad row fails alone
("Get Job Failed Record Results"); the job is still JobComplete, counting it in both
numberRecordsProcessed and numberRecordsFailed (a real job in omniphx/forrest#233).

The fake's reading: a file with no data, a line ending other than the job's (errorMessage as
remembered from real jobs, unverified), rows of the wrong length, or an upsert file without the
key column fail the job; relationship columns (Account.Name) are not modelled and fail it too,
saying so. sf__Id of a failed row is the row's Id value, when it has one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from harness.fakes.salesforce import bulk_csv, ids
from harness.fakes.salesforce.bulk_jobs import FAILED, JOB_COMPLETE, IngestOutcome, Job, Table
from harness.fakes.salesforce.bulk_values import row_fields, sf_error
from harness.fakes.salesforce.collections import existing_record
from harness.fakes.salesforce.errors import ApiError
from harness.fakes.salesforce.metadata import FieldMeta, SObjectMeta
from harness.fakes.salesforce.org import Org
from harness.fakes.salesforce.store import Record
from harness.fakes.salesforce.validation import validate_write

SUCCESS_COLUMNS = ["sf__Id", "sf__Created"]
FAILURE_COLUMNS = ["sf__Id", "sf__Error"]
RECORDS_PER_BATCH = 10_000  # "a separate batch for every 10,000 records in your job data"
Fields = dict[str, Any]
Operation = Callable[[Org, SObjectMeta, Job, Fields], tuple[str, bool]]


def run_ingest(org: Org, job: Job) -> None:
    rows = uploaded_rows(job)
    meta = org.sobject(job.sobject)
    problem = _file_problem(meta, job, rows)
    if problem is not None:
        job.outcome = unprocessed(rows)
        job.finish(FAILED, org.clock.now(), problem)
        return
    job.outcome = _write(org, meta, job, rows[0], rows[1:])
    job.processed, job.failed = len(rows) - 1, len(job.outcome.failed.rows)
    org.bulk.batches_used += math.ceil(job.processed / RECORDS_PER_BATCH)
    job.finish(JOB_COMPLETE, org.clock.now())


def _write(
    org: Org, meta: SObjectMeta, job: Job, header: list[str], records: list[list[str]]
) -> IngestOutcome:
    columns = [_column(meta, name) for name in header]
    done = [_apply(org, meta, job, columns, raw) for raw in records]
    return IngestOutcome(
        Table(SUCCESS_COLUMNS + header, [row for ok, row in done if ok]),
        Table(FAILURE_COLUMNS + header, [row for ok, row in done if not ok]),
        Table(header, []),
    )


def uploaded_rows(job: Job) -> list[list[str]]:
    if not job.uploads:
        return []
    return bulk_csv.read(job.uploads[0].decode("utf-8-sig", errors="replace"), job.delimiter)


def unprocessed(rows: list[list[str]]) -> IngestOutcome:
    """A job that failed as a whole, or was aborted: no row written, every row unprocessed."""
    header = rows[0] if rows else []
    return IngestOutcome(
        Table(SUCCESS_COLUMNS + header, []),
        Table(FAILURE_COLUMNS + header, []),
        Table(header, rows[1:]),
    )


def _file_problem(meta: SObjectMeta, job: Job, rows: list[list[str]]) -> str | None:
    if not rows:
        return "InvalidBatch : no job data was uploaded before the job was closed"
    ending = bulk_csv.line_ending_of(job.uploads[0].decode("utf-8", errors="replace"))
    if ending not in (None, job.line_ending):
        return (
            "ClientInputError : LineEnding is invalid on user data. Current LineEnding "
            f"setting is {job.line_ending}"
        )
    for name in rows[0]:
        if "." in name:
            return f"talkqa fake: relationship columns such as {name} are not modelled"
        if meta.field(name) is None:
            return f"InvalidBatch : Field name not found : {name}"
    return _shape_problem(job, rows)


def _shape_problem(job: Job, rows: list[list[str]]) -> str | None:
    header = [name.lower() for name in rows[0]]
    key = (job.external_id or "").lower()
    if job.operation == "upsert" and key not in header:
        return f"InvalidBatch : Field name not found : {job.external_id}"
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            return (
                f"ClientInputError : line {number} has {len(row)} values, the header {len(header)}"
            )
    return None


def _column(meta: SObjectMeta, name: str) -> FieldMeta:
    field_meta = meta.field(name)
    if field_meta is None:  # _file_problem let no such column through
        raise AssertionError(f"unchecked column {name}")
    return field_meta


def _apply(
    org: Org, meta: SObjectMeta, job: Job, columns: list[FieldMeta], raw: list[str]
) -> tuple[bool, list[str]]:
    try:
        fields = row_fields(columns, raw)
        record_id, created = OPERATIONS[job.operation](org, meta, job, fields)
    except ApiError as error:
        return False, [_row_id(columns, raw), sf_error(error), *raw]
    return True, [record_id, "true" if created else "false", *raw]


def _row_id(columns: list[FieldMeta], raw: list[str]) -> str:
    """sf__Id of a failed row: the record it named, when its Id column holds a real id."""
    given = next((text for f, text in zip(columns, raw, strict=True) if f.name == "Id"), "")
    return ids.to18(given) if ids.is_id(given) else ""


# --- one row each ---------------------------------------------------------------------------


def _insert(org: Org, meta: SObjectMeta, job: Job, fields: Fields) -> tuple[str, bool]:
    values = validate_write(meta, fields, creating=True, resolve=org.store)
    return org.store.create(meta, values, at=org.clock.now()), True


def _update(org: Org, meta: SObjectMeta, job: Job, fields: Fields) -> tuple[str, bool]:
    record = existing_record(org, _given_id(fields, "an update call"), expected=meta.name)
    return _update_record(org, meta, record, _without_id(fields)), False


def _update_record(org: Org, meta: SObjectMeta, record: Record, fields: Fields) -> str:
    values = validate_write(meta, fields, creating=False, resolve=org.store)
    org.store.update(meta, record, values, at=org.clock.now())
    return record.id


def _upsert(org: Org, meta: SObjectMeta, job: Job, fields: Fields) -> tuple[str, bool]:
    key = _column(meta, job.external_id or "Id")
    value = fields.get(key.name)
    if key.name == "Id":
        if value is None:
            return _insert(org, meta, job, _without_id(fields))
        return _update(org, meta, job, fields)
    if value is None:
        raise ApiError(400, "MISSING_ARGUMENT", f"{key.name} not specified", [key.name])
    found = _one_or_none(org.store.find_by(meta.name, key.name, str(value)), key)
    if found is None:
        return _insert(org, meta, job, fields)
    return _update_record(org, meta, found, fields), False


def _one_or_none(found: list[Record], key: FieldMeta) -> Record | None:
    if len(found) > 1:
        matches = ", ".join(r.id for r in found)
        message = f"{key.label}: more than one record found for external id field: [{matches}]"
        raise ApiError(400, "DUPLICATE_EXTERNAL_ID", message, [key.name])
    return found[0] if found else None


def _delete(org: Org, meta: SObjectMeta, job: Job, fields: Fields) -> tuple[str, bool]:
    record = existing_record(org, _given_id(fields, "a delete call"), expected=meta.name)
    org.store.delete(record, at=org.clock.now())
    if job.operation == "hardDelete":
        org.store.purge(record)
    return record.id, False


def _given_id(fields: Fields, call: str) -> str:
    value = fields.get("Id")
    if not value:
        raise ApiError(400, "MISSING_ARGUMENT", f"Id not specified in {call}", [])
    return str(value)


def _without_id(fields: Fields) -> Fields:
    return {name: value for name, value in fields.items() if name != "Id"}


OPERATIONS: dict[str, Operation] = {
    "insert": _insert,
    "update": _update,
    "upsert": _upsert,
    "delete": _delete,
    "hardDelete": _delete,
}
