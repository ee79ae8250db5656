"""How Bulk API 2.0 jobs move: the client closes, aborts or deletes; the fake processes them.

    close(org, job); observe(org, job)   # a poll; the POLLS_TO_FINISH-th one processes the job
    catch_up(org)       # before every REST call: queued jobs whose PROCESSING_TIME has passed

Processing runs inside the org lock like any handler, so a job's records appear all at once,
between two API calls, as they would to a client polling a real org.
"""

from __future__ import annotations

from harness.fakes.salesforce.bulk_extract import run_query
from harness.fakes.salesforce.bulk_jobs import (
    ABORTED,
    FAILED,
    IN_PROGRESS,
    JOB_COMPLETE,
    OPEN,
    TERMINAL,
    UPLOAD_COMPLETE,
    Job,
)
from harness.fakes.salesforce.bulk_rows import run_ingest, unprocessed, uploaded_rows
from harness.fakes.salesforce.errors import invalid_job, invalid_job_state
from harness.fakes.salesforce.org import Org


def observe(org: Org, job: Job) -> None:
    now = org.clock.now()
    job.observe(now)
    if job.due(now):
        process(org, job)


def catch_up(org: Org) -> None:
    queued = org.bulk.queued()
    if not queued:
        return  # no clock reading: calls without bulk jobs tick the clock as before
    now = org.clock.now()
    for job in queued:
        if job.due(now):
            process(org, job)


def process(org: Org, job: Job) -> None:
    if job.kind == "ingest":
        run_ingest(org, job)
    else:
        run_query(org, job)


# --- the client's moves: close, abort, delete -----------------------------------------------

DELETABLE = frozenset({UPLOAD_COMPLETE, JOB_COMPLETE, ABORTED, FAILED})  # "Delete a Job"
_WORDS = {UPLOAD_COMPLETE: "Closed", IN_PROGRESS: "Closed", JOB_COMPLETE: "Completed"}


def close(org: Org, job: Job) -> None:
    """UploadComplete ("Upload Complete"): only an Open job with exactly one upload."""
    if job.state != OPEN:
        raise invalid_job_state(f"Closing already {_word(job)} Job not allowed")
    if len(job.uploads) > 1:
        # Salesforce's own words and spelling, for a second PUT (salesforce.stackexchange 231917).
        raise invalid_job(
            f"Found multipe contents for job: <{job.id[:15]}>, please 'Close' / 'Abort' / "
            "'Delete' the current Job then create a new Job and make sure you only do 'PUT' "
            "once on a given Job."
        )
    job.close(org.clock.now())


def abort(org: Org, job: Job) -> None:
    """Aborted ("Abort a Job"): nothing of the job gets processed; its rows stay unprocessed."""
    if job.state in TERMINAL:
        # The message a real org gives for a completed job (restforce/restforce#905).
        raise invalid_job_state(f"Aborting already {_word(job)} Job not allowed")
    if job.kind == "ingest":
        job.outcome = unprocessed(uploaded_rows(job))
    job.abort(org.clock.now())


def delete(org: Org, job: Job) -> None:
    if job.state not in DELETABLE:
        raise invalid_job_state(f"Deleting {_word(job)} Job not allowed")
    org.bulk.remove(job)


def _word(job: Job) -> str:
    return _WORDS.get(job.state, job.state)
