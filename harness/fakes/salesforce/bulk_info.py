"""A Bulk API 2.0 job as JSON: the answers to create, to a state change, to a poll, in a list.

    created(job)   # {"id": "750...", "operation": "insert", "state": "Open", "contentUrl": ...}
    changed(job)   # close or abort: the job's core, up to apiVersion
    details(job)   # job info: + jobType, numberRecordsProcessed, retries, processing times

Field names and order follow the example bodies of the guide's walkthroughs (v66.0, "Step 3:
Bulk Insert", "Step 5: Bulk Upsert", "Step 6: Query Jobs",
https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/walkthrough_upload_data.htm)
and of "Create a Query Job" and "Get Information About a Query Job": a created job has no
jobType; the answer to UploadComplete ends at apiVersion (no lineEnding, columnDelimiter or
jobType); job info has jobType, and for a query job isPkChunkingSupported. contentUrl only
while the job is Open, errorMessage only when there is one. The reference pages' Response Body
tables list every JobInfo property for each; the examples show which ones an answer holds.
"""

from __future__ import annotations

from typing import Any

from harness.fakes.salesforce.bulk_jobs import OPEN, Job
from harness.fakes.salesforce.values import render_datetime

JOB_TYPES = {"ingest": "V2Ingest", "query": "V2Query"}
JOBS_PAGE = 1000
# "PK chunking is supported for the following objects: Account, Campaign, CampaignMember, Case,
# Contact, Lead, LoginHistory, Opportunity, Task, User, and custom objects" (PK Chunking Header,
# https://developer.salesforce.com/docs/atlas.en-us.196.0.api_asynch.meta/api_asynch/async_api_headers_enable_pk_chunking.htm)
PK_CHUNKING = frozenset(
    {"Account", "Campaign", "CampaignMember", "Case", "Contact", "Lead", "LoginHistory"}
    | {"Opportunity", "Task", "User"}
)


def changed(job: Job) -> dict[str, Any]:
    """The answer to UploadComplete or Aborted, and the start of every other job body."""
    body: dict[str, Any] = {
        "id": job.id,
        "operation": job.operation,
        "object": job.sobject,
        "createdById": job.created_by,
        "createdDate": render_datetime(job.created),
        "systemModstamp": render_datetime(job.modstamp or job.created),
        "state": job.state,
    }
    if job.external_id:
        body["externalIdFieldName"] = job.external_id
    body.update({"concurrencyMode": "Parallel", "contentType": "CSV"})
    body["apiVersion"] = float(job.version)
    return body


def created(job: Job) -> dict[str, Any]:
    return {**changed(job), **_csv_options(job)}


def summary(job: Job) -> dict[str, Any]:
    """A job as Get Information About All Jobs lists it: with its jobType."""
    return {**changed(job), "jobType": JOB_TYPES[job.kind], **_csv_options(job)}


def _csv_options(job: Job) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if job.kind == "ingest" and job.state == OPEN:
        body["contentUrl"] = f"services/data/v{job.version}/jobs/ingest/{job.id}/batches"
    body.update({"lineEnding": job.line_ending, "columnDelimiter": job.delimiter})
    return body


def details(job: Job) -> dict[str, Any]:
    body = summary(job)
    body["numberRecordsProcessed"] = job.processed
    if job.kind == "ingest":
        body["numberRecordsFailed"] = job.failed
    body.update({"retries": 0, "totalProcessingTime": job.processing_ms})
    if job.kind == "ingest":
        body.update({"apiActiveProcessingTime": job.processing_ms, "apexProcessingTime": 0})
    else:
        body["isPkChunkingSupported"] = job.sobject in PK_CHUNKING
    if job.error_message:
        body["errorMessage"] = job.error_message
    return body


def job_list(jobs: list[Job], path: str, locator: str | None) -> dict[str, Any]:
    """Get All Jobs: "up to 1000 result rows per request, along with a nextRecordsUrl value
    that contains the locator value"; the fake's locator is the offset of the next job."""
    start = int(locator) if locator and locator.isdigit() else 0
    page = jobs[start : start + JOBS_PAGE]
    end = start + len(page)
    following = f"{path}?queryLocator={end}" if end < len(jobs) else None
    return {
        "done": following is None,
        "records": [summary(j) for j in page],
        "nextRecordsUrl": following,
    }
