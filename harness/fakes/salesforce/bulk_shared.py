"""The Bulk API 2.0 resources ingest and query jobs share: job info, all jobs, delete.

    route = ("bulk2.query.get", "GET", QUERY_JOB, "read", bulk_shared.job_info("query"))

"Get Information About an Ingest Job" and "... a Query Job", "Get Information About All
Ingest Jobs" and "... All Query Jobs", "Delete a Job" and "Delete a Query Job" differ only in
the kind of job, and in the API version they exist from (41.0 ingest, 47.0 query).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from harness.fakes.http import FakeRequest, FakeResponse
from harness.fakes.salesforce import bulk_run
from harness.fakes.salesforce.bulk_body import available_since
from harness.fakes.salesforce.bulk_info import JOB_TYPES, details, job_list
from harness.fakes.salesforce.bulk_jobs import JobKind
from harness.fakes.salesforce.org import Org

Handler = Callable[[Org, FakeRequest, "re.Match[str]"], FakeResponse]
SINCE: dict[JobKind, float] = {"ingest": 41.0, "query": 47.0}


def job_info(kind: JobKind) -> Handler:
    """A read of the job's info, which is also the poll that moves a queued job on."""

    def handler(org: Org, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        job = org.bulk.find(kind, match["job"])
        bulk_run.observe(org, job)
        return FakeResponse(200, details(job))

    return handler


def all_jobs(kind: JobKind) -> Handler:
    """jobType filters; Classic (Bulk API 1.0) and BigObjectIngest jobs the fake never has."""

    def handler(org: Org, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        available_since(match["version"], SINCE[kind])
        wanted = request.param("jobType")
        jobs = org.bulk.all(kind) if wanted in (None, JOB_TYPES[kind]) else []
        return FakeResponse(200, job_list(jobs, request.path, request.param("queryLocator")))

    return handler


def delete_job(kind: JobKind) -> Handler:
    def handler(org: Org, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        bulk_run.delete(org, org.bulk.find(kind, match["job"]))
        return FakeResponse(204)

    return handler
