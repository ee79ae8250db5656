"""A Bulk API 2.0 job as JSON: the short form (create, close, abort, list) and the full one.

    summary(job)   # {"id": "750...", "operation": "insert", "state": "Open", "contentUrl": ...}
    details(job)   # + numberRecordsProcessed, numberRecordsFailed, retries, processing times

Field names and order follow the response bodies of "Create a Job" and "Get Information About
an Ingest Job" (ingest), "Create a Query Job" and "Get Information About a Query Job" (query),
and the example bodies of the guide's walkthroughs; contentUrl only while the job is Open,
errorMessage only when there is one.
"""

from __future__ import annotations

from typing import Any

from harness.fakes.salesforce.bulk_jobs import OPEN, Job
from harness.fakes.salesforce.values import render_datetime

JOB_TYPES = {"ingest": "V2Ingest", "query": "V2Query"}
JOBS_PAGE = 1000


def summary(job: Job) -> dict[str, Any]:
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
    body.update({"apiVersion": float(job.version), "jobType": JOB_TYPES[job.kind]})
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
