"""Bulk API 2.0 ingest jobs over HTTP: create, upload, close or abort, poll, list, delete, results.

    POST  .../jobs/ingest  {"object": "Contact", "operation": "insert"}  -> 200, state Open
    PUT   .../jobs/ingest/750.../batches  (text/csv)   -> 201; PATCH {"state": "UploadComplete"}
    GET   .../jobs/ingest/750.../successfulResults     -> text/csv: sf__Id, sf__Created, ...

One handler per page of the guide's ingest reference ("Create a Job", "Upload Job Data",
"Upload Complete", "Abort a Job", "Get Job Successful/Failed/Unprocessed Record Results"; job
info, all jobs and delete are in bulk_shared). The route table calls them bulk2.ingest.*; each
call is one API call ("Each HTTP request counts as one call").

The guide leaves these open, so they are the fake's reading: a move the job's state forbids
is 409 INVALIDJOBSTATE, worded like the one real message known ("Aborting already Completed
Job not allowed", restforce#905); create-job mistakes are 400 INVALIDJOB in Bulk API 1.0's
words ("Unable to find object: X", "External ID was blank for X ..."); an upload over 150 MB
of base64 is 413 EXCEEDED_MAX_SIZE_REQUEST; results before JobComplete, Failed or Aborted are
INVALIDJOBSTATE.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from harness.fakes.http import FakeRequest, FakeResponse
from harness.fakes.salesforce import bulk_run
from harness.fakes.salesforce.bulk_body import BulkBody, available_since, csv_options, required
from harness.fakes.salesforce.bulk_csv import csv_response
from harness.fakes.salesforce.bulk_info import changed, created
from harness.fakes.salesforce.bulk_jobs import (
    ABORTED,
    FAILED,
    JOB_COMPLETE,
    OPEN,
    STATES,
    UPLOAD_COMPLETE,
    IngestOutcome,
    Job,
    Table,
)
from harness.fakes.salesforce.bulk_shared import SINCE
from harness.fakes.salesforce.errors import ApiError, invalid_job, invalid_job_state
from harness.fakes.salesforce.metadata import SObjectMeta
from harness.fakes.salesforce.org import Org

Match = re.Match[str]
OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete")
# "A request can provide CSV data that does not in total exceed 150 MB of base64 encoded
# content" ("Upload Job Data"): about 112 MB of CSV.
MAX_BASE64_BYTES = 150 * 1024 * 1024
RESULTS_STATES = frozenset({JOB_COMPLETE, FAILED, ABORTED})


def create(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    version = available_since(match["version"], SINCE["ingest"])
    body = BulkBody.of(request)
    required(body, "operation", "operation is required")
    operation = body.choice("operation", OPERATIONS)
    meta = _target(org, required(body, "object", "object is required"))
    external_id = _external_id(meta, body) if operation == "upsert" else None
    delimiter, line_ending = csv_options(body)
    now = org.clock.now()
    job = Job(org.bulk.new_id(), "ingest", operation, meta.name, version, org.settings.user_id, now)
    job.delimiter, job.line_ending, job.external_id = delimiter, line_ending, external_id
    org.bulk.add(job)
    return FakeResponse(200, created(job))


def _target(org: Org, name: str) -> SObjectMeta:
    meta = org.catalog.get(name)
    if meta is None:
        raise invalid_job(f"Unable to find object: {name}")
    if not meta.createable:
        raise invalid_job(f"Entity '{meta.name}' is not supported by the Bulk API.")
    return meta


def _external_id(meta: SObjectMeta, body: BulkBody) -> str:
    name = body.text_value("externalIdFieldName")
    if not name:
        message = (
            f"External ID was blank for {meta.name}. An External ID must be specified for upsert."
        )
        raise invalid_job(message)
    key = meta.field(name)
    if key is None or not key.upsert_key:
        raise invalid_job(
            f"Field name provided, {name} does not match an External ID, Salesforce Id, or "
            f"indexed field for {meta.name}"
        )
    return key.name


def upload(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    job = org.bulk.find("ingest", match["job"])
    if job.state != OPEN:
        raise invalid_job_state(f"Uploading data to a job in state {job.state} not allowed")
    size = 4 * math.ceil(len(request.body) / 3)
    if size > MAX_BASE64_BYTES:
        message = f"Job data is {size} bytes in base64, more than {MAX_BASE64_BYTES} (150 MB)"
        raise ApiError(413, "EXCEEDED_MAX_SIZE_REQUEST", message)
    job.uploads.append(request.body)
    return FakeResponse(201)


def change_state(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    job = org.bulk.find("ingest", match["job"])
    wanted = BulkBody.of(request).choice("state", STATES)
    if wanted == UPLOAD_COMPLETE:
        bulk_run.close(org, job)
    elif wanted == ABORTED:
        bulk_run.abort(org, job)
    else:
        raise invalid_job_state(f"Changing a job to {wanted} not allowed")
    return FakeResponse(200, changed(job))


# --- results --------------------------------------------------------------------------------


def successful(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    return _results(org, match, lambda outcome: outcome.successful)


def failed(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    return _results(org, match, lambda outcome: outcome.failed)


def unprocessed(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    return _results(org, match, lambda outcome: outcome.unprocessed)


def _results(org: Org, match: Match, pick: Callable[[IngestOutcome], Table]) -> FakeResponse:
    """After "a job is in the JobComplete or Failed state" (the Bulk Insert walkthrough)."""
    job = org.bulk.find("ingest", match["job"])
    if job.state not in RESULTS_STATES or job.outcome is None:
        raise invalid_job_state(f"Results of a job in state {job.state} not available")
    return csv_response(pick(job.outcome), job.delimiter, job.line_ending)
