"""Bulk API 2.0 jobs as plain data: their states, the schedule that moves them, their tables.

    job = Job(book.new_id(), "ingest", "insert", "Contact", "59.0", user_id, created=now)
    job.close(now); job.observe(now); job.due(now)   # Open -> UploadComplete -> InProgress -> ...

The states are those of "Job States" (Bulk API 2.0 and Bulk API Developer Guide,
https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_bulk_v2/bulk_api_2_job_states.htm).
Salesforce processes a closed job in the background, at a moment no client can know. The fake
must be deterministic, so it processes a job at a moment a test can name: on the
POLLS_TO_FINISH-th read of its job info after it was closed (the reads before that say
InProgress), or on the first call after the fake clock has passed PROCESSING_TIME since the
closing, whichever comes first. A client still sees an asynchronous job: the PATCH that closes
it answers UploadComplete, and its results are not there before a later poll says JobComplete.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from harness.fakes.salesforce import ids
from harness.fakes.salesforce.errors import not_found

JobKind = Literal["ingest", "query"]
OPEN = "Open"
UPLOAD_COMPLETE = "UploadComplete"
IN_PROGRESS = "InProgress"
JOB_COMPLETE = "JobComplete"
FAILED = "Failed"
ABORTED = "Aborted"
STATES = (OPEN, UPLOAD_COMPLETE, IN_PROGRESS, JOB_COMPLETE, FAILED, ABORTED)  # JobStateEnum
TERMINAL = frozenset({JOB_COMPLETE, FAILED, ABORTED})
QUEUED = frozenset({UPLOAD_COMPLETE, IN_PROGRESS})
POLLS_TO_FINISH = 2  # the 1st job-info read after closing says InProgress, the 2nd the outcome
PROCESSING_TIME = timedelta(seconds=10)  # or this much fake-clock time after closing
JOB_PREFIX = "750"  # Bulk API job ids start 750, as in the guide's examples (750R0000000zxr8IAA)


@dataclass(frozen=True)
class Table:
    """A CSV result as rows of strings: the header, then one list per record."""

    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class IngestOutcome:
    successful: Table  # sf__Id, sf__Created, then the uploaded columns
    failed: Table  # sf__Id, sf__Error, then the uploaded columns
    unprocessed: Table  # the uploaded columns


@dataclass
class Job:
    id: str
    kind: JobKind
    operation: str
    sobject: str
    version: str
    created_by: str
    created: datetime
    delimiter: str = "COMMA"
    line_ending: str = "LF"
    external_id: str | None = None  # upsert
    query: str | None = None  # query jobs
    state: str = OPEN
    modstamp: datetime | None = None
    uploads: list[bytes] = field(default_factory=list)
    closed_at: datetime | None = None
    finished_at: datetime | None = None
    polls: int = 0
    error_message: str | None = None
    processed: int = 0
    failed: int = 0
    outcome: IngestOutcome | None = None  # ingest, once processed or aborted
    table: Table | None = None  # query, once processed

    def close(self, now: datetime) -> None:
        self.state, self.closed_at, self.modstamp = UPLOAD_COMPLETE, now, now

    def abort(self, now: datetime) -> None:
        self.state, self.modstamp = ABORTED, now

    def observe(self, now: datetime) -> None:
        """A read of the job's info: a queued job is seen to be in progress."""
        if self.state in QUEUED:
            self.polls += 1
            if self.state == UPLOAD_COMPLETE:
                self.state, self.modstamp = IN_PROGRESS, now

    def due(self, now: datetime) -> bool:
        if self.state not in QUEUED or self.closed_at is None:
            return False
        return self.polls >= POLLS_TO_FINISH or now >= self.closed_at + PROCESSING_TIME

    def finish(self, state: str, now: datetime, error: str | None = None) -> None:
        self.state, self.finished_at, self.modstamp = state, now, now
        self.error_message = error

    @property
    def processing_ms(self) -> int:
        if self.closed_at is None or self.finished_at is None:
            return 0
        return int((self.finished_at - self.closed_at).total_seconds() * 1000)


class JobBook:
    """The org's Bulk API 2.0 jobs, and what they used of the daily allocations."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._ids = ids.IdFactory()
        self.batches_used = 0  # DailyBulkApiBatches: one per 10,000 ingested records
        self.query_jobs_created = 0  # DailyBulkV2QueryJobs

    def new_id(self) -> str:
        return self._ids.new(JOB_PREFIX)

    def add(self, job: Job) -> None:
        self._jobs[job.id] = job
        if job.kind == "query":
            self.query_jobs_created += 1

    def find(self, kind: JobKind, raw_id: str) -> Job:
        """The job behind a URL; an unknown id, or a job of the other kind, is 404 NOT_FOUND."""
        job = self._jobs.get(ids.to18(raw_id)) if ids.is_id(raw_id) else None
        if job is None or job.kind != kind:
            raise not_found()
        return job

    def remove(self, job: Job) -> None:
        self._jobs.pop(job.id, None)

    def all(self, kind: JobKind) -> list[Job]:
        return [j for j in self._jobs.values() if j.kind == kind]

    def queued(self) -> list[Job]:
        return [j for j in self._jobs.values() if j.state in QUEUED]
