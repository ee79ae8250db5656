"""Bulk API 2.0 query jobs over HTTP: create, abort and paged CSV results (info, list, delete:
bulk_shared).

    POST .../jobs/query  {"operation": "query", "query": "SELECT Id FROM Contact"}  -> 200
    GET  .../jobs/query/750.../results?maxRecords=500&locator=NTAw  -> CSV; Sforce-Locator, ...

From "Create a Query Job", "Get Information About a Query Job", "Get Results for a Query Job"
(https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/
query_get_job_results.htm): results only for a JobComplete job, with the API version that
created it (409 otherwise); maxRecords caps a page; Sforce-NumberOfRecords counts it;
Sforce-Locator names the next page, and is the string "null" on the last. A locator stays valid
as long as the job exists, and is pseudo-random looking (the guide shows MTAwMDA): the fake's
is the base64 of the next row's offset, "MTAwMDA" for row 10000.

The fake's reading where the guide is silent: bad SOQL is refused at create with the REST
query's codes (INVALID_FIELD, MALFORMED_QUERY); COUNT() and OFFSET, a bad locator or maxRecords
and the 409 are API_ERROR; without maxRecords a page holds every remaining row.
"""

from __future__ import annotations

import base64
import binascii
import re

from harness.fakes.http import FakeRequest, FakeResponse
from harness.fakes.salesforce import bulk_run
from harness.fakes.salesforce.bulk_body import BulkBody, available_since, csv_options, required
from harness.fakes.salesforce.bulk_csv import csv_response
from harness.fakes.salesforce.bulk_extract import check_query
from harness.fakes.salesforce.bulk_info import changed, created
from harness.fakes.salesforce.bulk_jobs import ABORTED, JOB_COMPLETE, STATES, Job, Table
from harness.fakes.salesforce.bulk_shared import SINCE
from harness.fakes.salesforce.errors import ApiError, invalid_job_state
from harness.fakes.salesforce.org import Org

Match = re.Match[str]
OPERATIONS = ("query", "queryAll")
LAST_PAGE = "null"


def create(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    version = available_since(match["version"], SINCE["query"])
    body = BulkBody.of(request)
    required(body, "operation", "operation is required")
    operation = body.choice("operation", OPERATIONS)
    text = required(body, "query", "query is required")
    sobject = check_query(org, text, deleted=operation == "queryAll", version=version)
    delimiter, line_ending = csv_options(body)
    now = org.clock.now()
    job = Job(org.bulk.new_id(), "query", operation, sobject, version, org.settings.user_id, now)
    job.delimiter, job.line_ending, job.query = delimiter, line_ending, text
    job.close(now)  # "The response ... shows the job's state as UploadComplete"
    org.bulk.add(job)
    return FakeResponse(200, created(job))


def abort(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    job = org.bulk.find("query", match["job"])
    wanted = BulkBody.of(request).choice("state", STATES)
    if wanted != ABORTED:
        raise invalid_job_state(f"Changing a query job to {wanted} not allowed")
    bulk_run.abort(org, job)
    return FakeResponse(200, changed(job))


def results(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    job = org.bulk.find("query", match["job"])
    table = _complete_table(job, match["version"])
    start = _offset(request.param("locator"), len(table.rows))
    size = _max_records(request.param("maxRecords"), len(table.rows) - start)
    page = table.rows[start : start + size]
    end = start + len(page)
    headers = {
        "Sforce-Locator": _locator(end) if end < len(table.rows) else LAST_PAGE,
        "Sforce-NumberOfRecords": str(len(page)),
    }
    return csv_response(Table(table.header, page), job.delimiter, job.line_ending, headers)


def _complete_table(job: Job, version: str) -> Table:
    if version != job.version:
        message = f"Get the results with the API version that created the job: v{job.version}"
        raise ApiError(409, "API_ERROR", message)
    if job.state != JOB_COMPLETE or job.table is None:
        # The failure body of the guide (API 47.0 edition): 412 JOB_NOT_COMPLETE.
        status = re.sub(r"(?<!^)(?=[A-Z])", "_", job.state).upper()
        raise ApiError(
            412,
            "JOB_NOT_COMPLETE",
            "can only download query results of successfully completed bulk job with status: "
            f"JOB_COMPLETE. Current status: {status}",
        )
    return job.table


def _offset(locator: str | None, total: int) -> int:
    if not locator:
        return 0  # no locator: the first set ("null" is no locator to send, but the end)
    try:
        offset = int(base64.b64decode(locator + "=" * (-len(locator) % 4), validate=True))
    except (binascii.Error, ValueError):
        offset = -1
    if not 0 <= offset <= total:
        raise ApiError(400, "API_ERROR", f"Invalid locator: {locator}")
    return offset


def _max_records(raw: str | None, remaining: int) -> int:
    """No maxRecords: "as many rows as can be listed", which for the fake is all of them."""
    if raw is None:
        return remaining
    if not raw.isdigit() or int(raw) < 1:
        raise ApiError(400, "API_ERROR", f"maxRecords must be a positive integer, not '{raw}'")
    return int(raw)


def _locator(offset: int) -> str:
    return base64.b64encode(str(offset).encode()).decode().rstrip("=")
