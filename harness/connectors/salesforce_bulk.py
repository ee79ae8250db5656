"""Bulk API 2.0 for the Salesforce connector: queryAll jobs to read, update jobs to write.

    jobs = BulkJobs(connector_call, sleep=time.sleep)
    for csv_text in jobs.query("Contact", soql): ...        # one result set at a time
    for chunk, data in update_files("Contact", updates):
        results = update_results(chunk, jobs.update("Contact", data, len(chunk)))

Small hand-written calls through the connector's own call path (login, retries, error mapping,
the transport seam that counts each call by name), not simple-salesforce's bulk2: that one
does pass the session through, but it polls with time.sleep, never logs in again, retries
nothing, aborts on any error, and writes None as an empty CSV value, which an update job reads
as "leave unchanged". What a job costs ("Each HTTP request counts as one call", Bulk API
Limits): a query job is create + polls + one call per result set of MAX_RECORDS; an update job
is create + upload + close + polls, + failedResults or unprocessedrecords only when the job's
counts say there are some.

What may be sent again after a transient fault: creating a job (a job nobody uploads to and
closes does nothing), the polls, the close and the result reads; never the upload ("make sure
you only do 'PUT' once on a given Job"). An upload without an answer leaves its job Open, and
"if you don't make this request [Upload Complete], processing of your data does not start"
(https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/close_job.htm),
so nothing is written twice.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import requests
from simple_salesforce.api import Salesforce
from simple_salesforce.util import call_salesforce

from harness.connectors.base import RecordUpdate, WriteResult
from harness.connectors.http_errors import contract_error
from harness.connectors.salesforce_records import RETRIABLE_RECORD_CODES
from harness.errors import ConfigError, RetriableError

T = TypeVar("T")

MAX_RECORDS = 50_000  # records per query result set (simple-salesforce bulk2's default too)
# "Upload Job Data": at most 150 MB of base64, about 112 MB of CSV; simple-salesforce stops
# at 100 MB. A larger update is split into jobs.
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
POLL_PAUSES = (1.0, 2.0, 4.0, 8.0, 15.0)  # before each job-info read; then POLL_EVERY
POLL_EVERY = 30.0
MAX_POLL_WAIT = 30 * 60.0  # a job still running then is left to finish; the cycle ends
TERMINAL = frozenset({"JobComplete", "Failed", "Aborted"})
NULL = "#N/A"  # "To set a field value to null, use a field value of #N/A" (Prepare CSV Files)
JSON = "application/json"
CSV = "text/csv"


class Call(Protocol):
    """The connector's call path: a fresh login where needed, retries unless retry=False,
    and every failure turned into an error from harness.errors."""

    def __call__(
        self, what: str, operation: Callable[[Salesforce], T], *, retry: bool = True
    ) -> T: ...


@dataclass(frozen=True)
class IngestOutcome:
    """A finished update job: its last job info and the rows it did not write."""

    info: Mapping[str, Any]
    failed: list[dict[str, str]]  # sf__Id, sf__Error, then the uploaded columns
    unprocessed: list[dict[str, str]]  # the uploaded columns


class BulkJobs:
    def __init__(self, call: Call, sleep: Callable[[float], None]) -> None:
        self._call, self._sleep = call, sleep

    def query(self, object_name: str, soql: str) -> Iterator[str]:
        """A queryAll job's result sets, as CSV text, in order, following Sforce-Locator."""
        what = f"Bulk API 2.0 queryAll of {object_name}"
        job_id = self._open_query(soql, what)
        info = self._wait("query", job_id, what)
        if info["state"] != "JobComplete":
            raise _unfinished(info, job_id, what)
        locator: str | None = None
        while True:
            answer = self._results(job_id, locator, what)
            yield _text(answer)
            locator = _next_locator(answer, what)
            if locator is None:
                return

    def update(self, object_name: str, data: str, count: int) -> IngestOutcome:
        """One update job over data (CSV with an Id column), from create to its results."""
        what = f"Bulk API 2.0 update of {count} {object_name}"
        job_id = self._open_ingest(object_name, what)
        payload = data.encode("utf-8")
        self._call(
            f"{what} (upload to job {job_id})",
            lambda sf: request(
                sf, "PUT", f"ingest/{job_id}/batches", content_type=CSV, data=payload
            ),
            retry=False,
        )
        close = {"state": "UploadComplete"}
        self._call(
            f"{what} (close job {job_id})",
            lambda sf: request(sf, "PATCH", f"ingest/{job_id}", json=close),
        )
        info = self._wait("ingest", job_id, what)
        failed = _count(info, "numberRecordsFailed", what)
        left = count - _count(info, "numberRecordsProcessed", what)
        return IngestOutcome(
            info,
            self._rows(job_id, "failedResults", what) if failed else [],
            self._rows(job_id, "unprocessedrecords", what) if left > 0 else [],
        )

    def _open_query(self, soql: str, what: str) -> str:
        body = {"operation": "queryAll", "query": soql}  # queryAll: deleted records too
        job = self._call(
            f"{what} (create job)", lambda sf: _json(request(sf, "POST", "query", json=body), what)
        )
        return _job_id(job, what)

    def _open_ingest(self, object_name: str, what: str) -> str:
        body = {
            "object": object_name,
            "operation": "update",
            "contentType": "CSV",
            "columnDelimiter": "COMMA",
            "lineEnding": "LF",
        }
        job = self._call(
            f"{what} (create job)", lambda sf: _json(request(sf, "POST", "ingest", json=body), what)
        )
        job_id = _job_id(job, what)
        if job.get("state") != "Open":
            raise contract_error("Salesforce", what, f"new job {job_id} is {job.get('state')!r}")
        return job_id

    def _wait(self, kind: str, job_id: str, what: str) -> Mapping[str, Any]:
        """Poll the job's info, with growing pauses, until it reaches a final state."""
        waited, polls = 0.0, 0
        while waited < MAX_POLL_WAIT:
            pause = POLL_PAUSES[polls] if polls < len(POLL_PAUSES) else POLL_EVERY
            self._sleep(pause)
            waited, polls = waited + pause, polls + 1
            info = self._call(
                f"{what} (job {job_id} info)",
                lambda sf: _json(request(sf, "GET", f"{kind}/{job_id}"), what),
            )
            state = info.get("state")
            if not isinstance(state, str):
                raise contract_error("Salesforce", what, f"job {job_id} info has no state: {info}")
            if state in TERMINAL:
                return info
        raise RetriableError(
            f"Salesforce {what}: job {job_id} still not finished after {waited:.0f} s of polling;"
            " left to finish, the next cycle reads or writes again"
        )

    def _results(self, job_id: str, locator: str | None, what: str) -> requests.Response:
        params = {"maxRecords": str(MAX_RECORDS)} | ({"locator": locator} if locator else {})
        return self._call(
            f"{what} (results of job {job_id})",
            lambda sf: request(sf, "GET", f"query/{job_id}/results", accept=CSV, params=params),
        )

    def _rows(self, job_id: str, which: str, what: str) -> list[dict[str, str]]:
        answer = self._call(
            f"{what} ({which} of job {job_id})",
            lambda sf: request(sf, "GET", f"ingest/{job_id}/{which}", accept=CSV),
        )
        return list(csv.DictReader(io.StringIO(_text(answer), newline="")))


def request(
    sf: Salesforce,
    method: str,
    path: str,
    *,
    content_type: str = JSON,
    accept: str = JSON,
    **kwargs: Any,
) -> requests.Response:
    """One Bulk API 2.0 request on the client's session with its Bearer token; a status of 300
    or more raises simple-salesforce's SalesforceError, as its REST calls do."""
    headers = {**sf.headers, "Content-Type": content_type, "Accept": accept}
    return call_salesforce(sf.bulk2_url + path, method, sf.session, headers, **kwargs)


# --- pure helpers ------------------------------------------------------------------------


def update_files(
    object_name: str, updates: Sequence[RecordUpdate]
) -> Iterator[tuple[Sequence[RecordUpdate], str]]:
    """The updates as CSV job data (Id, then every field any of them sets), split so that no
    upload passes MAX_UPLOAD_BYTES. A field a record leaves alone is an empty value ("Empty
    field values are ignored when you update records"); None or "" is #N/A, which clears it."""
    names = _columns(object_name, updates)
    header = _line(["Id", *names])
    start, lines, size = 0, [header], len(header.encode())
    for n, update in enumerate(updates):
        line = _line([update.record_id, *(_cell(update.values, name) for name in names)])
        if size + len(line.encode()) > MAX_UPLOAD_BYTES and n > start:
            yield updates[start:n], "".join(lines)
            start, lines, size = n, [header], len(header.encode())
        lines.append(line)
        size += len(line.encode())
    if start < len(updates):
        yield updates[start:], "".join(lines)


def update_results(
    chunk: Sequence[RecordUpdate], outcome: IngestOutcome, what: str = "Bulk API 2.0 update"
) -> list[WriteResult]:
    """One WriteResult per update, in order: a failed row with its sf__Error, an unprocessed
    row with why, every other row written. Result rows come in no particular order ("Get Job
    Failed Record Results"), so they are matched by the Id column uploaded."""
    _check_counts(outcome, len(chunk), what)
    failed = {_row_id(row, what): row.get("sf__Error", "") for row in outcome.failed}
    unprocessed = {_row_id(row, what) for row in outcome.unprocessed}
    left = _left_unprocessed(outcome.info)
    results = []
    for update in chunk:
        if update.record_id in failed:
            code, message, fields = parse_sf_error(failed[update.record_id])
            retriable = code in RETRIABLE_RECORD_CODES
            results.append(WriteResult(update.record_id, False, code, message, fields, retriable))
        elif update.record_id in unprocessed:
            results.append(WriteResult(update.record_id, False, *left))
        else:
            results.append(WriteResult(update.record_id, True))
    return results


def parse_sf_error(text: str) -> tuple[str, str, tuple[str, ...]]:
    """sf__Error "CODE:message:Field1,Field2 --" -> (code, message, fields): the code is what
    comes before the first ':'; the fields, if named, between the last ':' and the " --"."""
    code, _, rest = text.partition(":")
    rest = rest.strip()
    fields: tuple[str, ...] = ()
    if rest.endswith("--"):
        message, sep, names = rest[:-2].rstrip().rpartition(":")
        if sep:
            rest, fields = message, tuple(n.strip() for n in names.split(",") if n.strip())
        else:
            rest = rest[:-2].rstrip()
    return code.strip() or "UNKNOWN", rest, fields


def _left_unprocessed(info: Mapping[str, Any]) -> tuple[str, str, tuple[str, ...], bool]:
    """Code, message, fields and retriable for a row the job did not process."""
    job, state = info.get("id"), info.get("state")
    if state == "Failed":
        reason = str(info.get("errorMessage") or "the job failed")
        code = reason.partition(":")[0].strip() or "FAILED"
        return code, f"Bulk API 2.0 job {job} failed: {reason}", (), False
    if state == "Aborted":
        return "ABORTED", f"Bulk API 2.0 job {job} was aborted before processing it", (), True
    return "UNPROCESSED", f"Bulk API 2.0 job {job} did not process it", (), True


def _check_counts(outcome: IngestOutcome, total: int, what: str) -> None:
    failed = _count(outcome.info, "numberRecordsFailed", what)
    processed = _count(outcome.info, "numberRecordsProcessed", what)
    if len(outcome.failed) != failed or processed + len(outcome.unprocessed) != total:
        raise contract_error(
            "Salesforce",
            what,
            f"job {outcome.info.get('id')} counts {processed} processed and {failed} failed of "
            f"{total}, but lists {len(outcome.failed)} failed and {len(outcome.unprocessed)}"
            " unprocessed rows",
        )


def _columns(object_name: str, updates: Sequence[RecordUpdate]) -> list[str]:
    # Results are matched to updates by Id, so each record may appear once in a job.
    ids: set[str] = set()
    for update in updates:
        if update.record_id in ids:
            raise ConfigError(
                f"bulk update of {object_name} names {update.record_id} twice; one update a record"
            )
        ids.add(update.record_id)
    names = list(dict.fromkeys(name for update in updates for name in update.values))
    reserved = {"id", "attributes"} & {name.lower() for name in names}
    if reserved:
        raise ConfigError(f"bulk update of {object_name} sets reserved key(s) {sorted(reserved)}")
    return names


def _cell(values: Mapping[str, str | None], name: str) -> str:
    if name not in values:
        return ""
    value = values[name]
    return NULL if value in (None, "") else str(value)


def _line(values: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def _row_id(row: Mapping[str, str], what: str) -> str:
    record_id = row.get("Id") or row.get("sf__Id")
    if not record_id:
        raise contract_error("Salesforce", what, f"result row without an Id: {dict(row)}")
    return record_id


def _json(answer: requests.Response, what: str) -> Mapping[str, Any]:
    body = answer.json()
    if not isinstance(body, Mapping):
        raise contract_error("Salesforce", what, f"job info is not an object: {body!r}"[:300])
    return body


def _job_id(job: Mapping[str, Any], what: str) -> str:
    job_id = job.get("id")
    if not isinstance(job_id, str) or not job_id:
        raise contract_error("Salesforce", what, f"new job has no id: {dict(job)}"[:300])
    return job_id


def _count(info: Mapping[str, Any], key: str, what: str) -> int:
    value = info.get(key, 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise contract_error("Salesforce", what, f"job {info.get('id')} {key} is {value!r}")
    return value


def _text(answer: requests.Response) -> str:
    # Bulk API CSV is UTF-8; requests would read a text/csv without a charset as ISO-8859-1.
    return answer.content.decode("utf-8")


def _next_locator(answer: requests.Response, what: str) -> str | None:
    """The next set's locator; None after the last, where Salesforce sends the string "null"."""
    locator = answer.headers.get("Sforce-Locator")
    if locator is None:
        raise contract_error("Salesforce", what, "result set without a Sforce-Locator header")
    return None if locator in ("", "null") else locator


def _unfinished(info: Mapping[str, Any], job_id: str, what: str) -> RetriableError:
    # A query the org refuses is refused when the job is created (400); one that fails or is
    # aborted while it runs may well run next time.
    reason = info.get("errorMessage") or "no errorMessage"
    return RetriableError(f"Salesforce {what}: job {job_id} ended {info['state']}: {reason}")
