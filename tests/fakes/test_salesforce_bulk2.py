"""Bulk API 2.0 against FakeSalesforce: raw ingest and query jobs, and simple-salesforce's bulk2.

Every test names the page of Salesforce's "Bulk API 2.0 and Bulk API Developer Guide" (or the
REST API guide) it was written from; the assertions are what those pages say, not what the fake
happens to answer. Where the guide leaves a detail open (an error's exact status), the test
asserts only what it does say.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

import pytest
import requests
from simple_salesforce import Salesforce

from harness.fakes.http import FakeRequest, dispatch
from harness.fakes.salesforce import FakeSalesforce

TERMINAL = ("JobComplete", "Failed", "Aborted")


class Bulk:
    """Bulk API 2.0 calls as the guide's curl examples make them, on the client's session."""

    def __init__(self, client: Salesforce, version: str = "59.0") -> None:
        self.client = client
        self.base = f"https://{client.sf_instance}/services/data/v{version}/jobs/"
        self.headers = {"Authorization": f"Bearer {client.session_id}"}

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.session.request(method, self.base + path, headers=headers, **kwargs)

    def create(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.call("POST", kind, json=body)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    def upload(self, job_id: str, data: str) -> requests.Response:
        headers = {"Content-Type": "text/csv"}
        return self.call("PUT", f"ingest/{job_id}/batches", data=data.encode(), headers=headers)

    def set_state(self, kind: str, job_id: str, state: str) -> requests.Response:
        return self.call("PATCH", f"{kind}/{job_id}", json={"state": state})

    def info(self, kind: str, job_id: str) -> dict[str, Any]:
        answer = self.call("GET", f"{kind}/{job_id}")
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    def wait(self, kind: str, job_id: str) -> dict[str, Any]:
        """Poll the job until it reaches a final state, as the guide says to."""
        for _ in range(20):
            info = self.info(kind, job_id)
            if info["state"] in TERMINAL:
                return info
        raise AssertionError(f"{kind} job {job_id} never finished: {info}")

    def load(self, sobject: str, operation: str, data: str, **options: Any) -> dict[str, Any]:
        job = self.create("ingest", {"object": sobject, "operation": operation, **options})
        assert self.upload(job["id"], data).status_code == 201
        assert self.set_state("ingest", job["id"], "UploadComplete").status_code == 200
        return self.wait("ingest", job["id"])

    def results(self, job_id: str, which: str) -> list[dict[str, str]]:
        answer = self.call("GET", f"ingest/{job_id}/{which}")
        assert answer.status_code == 200, answer.text
        return rows(answer.text)

    def query(self, soql: str, operation: str = "query") -> str:
        job = self.create("query", {"operation": operation, "query": soql})
        assert self.wait("query", job["id"])["state"] == "JobComplete"
        return str(job["id"])


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def error_of(answer: requests.Response) -> dict[str, Any]:
    body = answer.json()
    assert isinstance(body, list) and len(body) == 1, body
    return dict(body[0])


@pytest.fixture
def bulk(sf_client: Salesforce) -> Bulk:
    return Bulk(sf_client)


# --- ingest jobs: states and results --------------------------------------------------------


def test_ingest_job_moves_through_its_states_asynchronously(
    bulk: Bulk, sf_client: Salesforce
) -> None:
    """Job States, https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_bulk_v2/bulk_api_2_job_states.htm
    and Upload Complete, https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/close_job.htm:
    Open takes uploads; UploadComplete means ready to be processed; InProgress while Salesforce
    processes; JobComplete when processed. The fake's schedule (bulk_jobs.py): the first poll
    after closing says InProgress, the second the outcome."""
    job = bulk.create("ingest", {"object": "Contact", "operation": "insert"})
    assert job["state"] == "Open" and job["contentUrl"].endswith(f"/ingest/{job['id']}/batches")
    upload = bulk.upload(
        job["id"], "LastName,Email\nNordmann,ola@example.com\nHansen,kari@example.com\n"
    )
    assert (upload.status_code, upload.content) == (201, b"")  # "Response Body: None"

    closed = bulk.set_state("ingest", job["id"], "UploadComplete").json()
    assert closed["state"] == "UploadComplete" and "contentUrl" not in closed
    assert sf_client.query("SELECT Id FROM Contact")["totalSize"] == 0  # not processed yet

    first, second = bulk.info("ingest", job["id"]), bulk.info("ingest", job["id"])
    assert first["state"] == "InProgress" and first["numberRecordsProcessed"] == 0
    assert second["state"] == "JobComplete" and second["jobType"] == "V2Ingest"
    assert (second["numberRecordsProcessed"], second["numberRecordsFailed"]) == (2, 0)
    assert sf_client.query("SELECT Id FROM Contact")["totalSize"] == 2


def test_results_have_the_documented_columns(bulk: Bulk) -> None:
    """Get Job Successful Record Results, https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_successful_results.htm;
    Get Job Failed Record Results, https://developer.salesforce.com/docs/platform/api-asynch/guide/get-job-failed-results.html:
    sf__Id and sf__Created, or sf__Id and sf__Error, then the fields of the uploaded row.
    Validation is the REST API's: STRING_TOO_LONG, REQUIRED_FIELD_MISSING."""
    data = f"FirstName,LastName\nKari,Nordmann\nOla,{'x' * 81}\nPer,\n"
    info = bulk.load("Contact", "insert", data)
    assert info["state"] == "JobComplete"  # failed rows don't fail the job
    assert (info["numberRecordsProcessed"], info["numberRecordsFailed"]) == (3, 2)

    [ok] = bulk.results(info["id"], "successfulResults")
    assert list(ok) == ["sf__Id", "sf__Created", "FirstName", "LastName"]
    assert ok["sf__Id"].startswith("003") and len(ok["sf__Id"]) == 18
    assert (ok["sf__Created"], ok["LastName"]) == ("true", "Nordmann")

    failed = bulk.results(info["id"], "failedResults")
    assert list(failed[0]) == ["sf__Id", "sf__Error", "FirstName", "LastName"]
    errors = {row["FirstName"]: row["sf__Error"] for row in failed}
    assert errors["Ola"].startswith("STRING_TOO_LONG:")
    assert errors["Per"].startswith("REQUIRED_FIELD_MISSING:")
    assert all(row["sf__Id"] == "" for row in failed)  # nothing was created
    assert bulk.results(info["id"], "unprocessedrecords") == []


def test_a_bulk_created_contact_is_the_record_rest_creates(
    bulk: Bulk, sf_client: Salesforce
) -> None:
    """Get Job Successful Record Results, https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_successful_results.htm:
    sf__Id is the ID of the record, the same record the REST API reads back."""
    rest_id = sf_client.Contact.create({"FirstName": "Kari", "LastName": "Nordmann"})["id"]
    info = bulk.load("Contact", "insert", "FirstName,LastName\nOla,Hansen\n")
    [ok] = bulk.results(info["id"], "successfulResults")
    by_rest, by_bulk = sf_client.Contact.get(rest_id), sf_client.Contact.get(ok["sf__Id"])
    assert list(by_bulk) == list(by_rest)
    assert by_bulk["Name"] == "Ola Hansen" and by_bulk["IsDeleted"] is False
    assert by_bulk["OwnerId"] == by_rest["OwnerId"] == by_bulk["CreatedById"]
    assert by_bulk["SystemModstamp"].endswith("+0000")
    assert by_bulk["SystemModstamp"] > by_rest["SystemModstamp"]


def test_a_header_that_names_no_field_fails_the_job(bulk: Bulk, sf_client: Salesforce) -> None:
    """Prepare CSV Files, https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_prepare_csv.htm:
    each header must be the field's name. Job States: Failed, "The job couldn't be processed
    successfully"; Get Job Unprocessed Record Results lists what wasn't processed."""
    info = bulk.load("Contact", "insert", "Nmae,LastName\nx,Nordmann\n")
    assert info["state"] == "Failed" and "Nmae" in info["errorMessage"]
    assert info["numberRecordsProcessed"] == 0
    assert bulk.results(info["id"], "unprocessedrecords") == [{"Nmae": "x", "LastName": "Nordmann"}]
    assert sf_client.query("SELECT Id FROM Contact")["totalSize"] == 0


def test_empty_values_are_ignored_and_na_clears_on_update(
    bulk: Bulk, sf_client: Salesforce
) -> None:
    """Prepare CSV Files, https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_prepare_csv.htm:
    "Empty field values are ignored when you update records. To set a field value to null,
    use a field value of #N/A." Fields not in the file are left alone too."""
    record_id = sf_client.Contact.create(
        {"LastName": "Nordmann", "Phone": "1", "Title": "Boss", "Email": "k@example.com"}
    )["id"]
    info = bulk.load("Contact", "update", f"Id,Phone,Title\n{record_id},,#N/A\n")
    assert (info["state"], info["numberRecordsFailed"]) == ("JobComplete", 0)
    after = sf_client.Contact.get(record_id)
    assert (after["Phone"], after["Title"], after["Email"]) == ("1", None, "k@example.com")


def test_a_value_the_field_type_cannot_read_fails_its_row(bulk: Bulk) -> None:
    """Valid Date Format in Records, https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_date_format.htm:
    dateTime is yyyy-MM-ddTHH:mm:ss.SSS+/-HH:mm or ...Z, date is yyyy-MM-dd; a row with a value
    that is neither fails on its own (Get Job Failed Record Results)."""
    data = (
        "LastName,Birthdate,EmailBouncedDate,HasOptedOutOfEmail\n"
        "A,1990-02-30,,true\n"
        "B,1990-02-28,2026-01-05,false\n"
        "C,1990-02-28,2026-01-05T09:00:00.000+01:00,false\n"
    )
    info = bulk.load("Contact", "insert", data)
    assert (info["numberRecordsProcessed"], info["numberRecordsFailed"]) == (3, 2)
    failed = bulk.results(info["id"], "failedResults")
    assert sorted(row["LastName"] for row in failed) == ["A", "B"]
    assert all(row["sf__Error"].startswith("INVALID_FIELD:") for row in failed)
    [ok] = bulk.results(info["id"], "successfulResults")
    stored = bulk.client.Contact.get(ok["sf__Id"])
    assert stored["EmailBouncedDate"] == "2026-01-05T08:00:00.000+0000"  # the offset applied


def test_delimiters_and_line_endings_of_the_job(bulk: Bulk, sf_client: Salesforce) -> None:
    """Prepare CSV Files, https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_prepare_csv.htm:
    six delimiters, LF or CRLF; quotes escape a delimiter inside a value; the line ending of
    the job must match the file's."""
    data = 'LastName|Title\r\nNordmann|"Director| Marketing"\r\n'
    info = bulk.load("Contact", "insert", data, columnDelimiter="PIPE", lineEnding="CRLF")
    assert info["state"] == "JobComplete", info
    records = sf_client.query("SELECT Title FROM Contact")["records"]
    assert [r["Title"] for r in records] == ["Director| Marketing"]
    mismatch = bulk.load("Contact", "insert", "LastName\r\nHansen\r\n", lineEnding="LF")
    assert mismatch["state"] == "Failed"


# --- ingest jobs: wrong moves ---------------------------------------------------------------


def test_an_unknown_job_is_not_found(bulk: Bulk) -> None:
    """Status Codes and Error Responses (REST API Developer Guide),
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm:
    404, the requested resource couldn't be found; errors are a JSON list."""
    for path in ("ingest/750RO0000000099AAA", "query/750RO0000000099AAA"):
        answer = bulk.call("GET", path)
        assert answer.status_code == 404 and error_of(answer)["errorCode"] == "NOT_FOUND"
    ingest = bulk.create("ingest", {"object": "Contact", "operation": "insert"})
    assert bulk.call("GET", f"query/{ingest['id']}").status_code == 404  # not a query job


def test_a_closed_job_takes_no_more_data_and_no_second_close(bulk: Bulk) -> None:
    """Upload Complete, https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/close_job.htm:
    "You can't add any more job data." Errors (Bulk API 2.0),
    https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_api_2_0_errors.htm:
    InvalidJobState, "The job state specified in a job update operation is invalid"."""
    job = bulk.create("ingest", {"object": "Contact", "operation": "insert"})
    bulk.upload(job["id"], "LastName\nNordmann\n")
    assert bulk.set_state("ingest", job["id"], "UploadComplete").status_code == 200
    again = bulk.set_state("ingest", job["id"], "UploadComplete")
    assert again.status_code >= 400 and error_of(again)["errorCode"] == "INVALIDJOBSTATE"
    late = bulk.upload(job["id"], "LastName\nHansen\n")
    assert late.status_code >= 400 and error_of(late)["errorCode"] == "INVALIDJOBSTATE"
    assert bulk.wait("ingest", job["id"])["numberRecordsProcessed"] == 1


def test_one_upload_per_job(bulk: Bulk) -> None:
    """Upload Job Data, https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/upload_job_data.htm:
    a job's data is one CSV upload; a second PUT makes closing fail (a real org's INVALIDJOB,
    quoted on salesforce.stackexchange.com/questions/231917)."""
    job = bulk.create("ingest", {"object": "Contact", "operation": "insert"})
    assert bulk.upload(job["id"], "LastName\nA\n").status_code == 201
    assert bulk.upload(job["id"], "LastName\nB\n").status_code == 201
    closing = bulk.set_state("ingest", job["id"], "UploadComplete")
    assert closing.status_code == 400 and error_of(closing)["errorCode"] == "INVALIDJOB"
    assert bulk.info("ingest", job["id"])["state"] == "Open"


def test_an_aborted_job_is_not_processed(
    bulk: Bulk, sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    """Abort a Job, https://developer.salesforce.com/docs/platform/api-asynch/guide/abort-job.html:
    "If you abort a job, Salesforce doesn't process the job." A finished job can't be aborted
    (Errors: InvalidJobState)."""
    job = bulk.create("ingest", {"object": "Contact", "operation": "insert"})
    bulk.upload(job["id"], "LastName\nNordmann\n")
    bulk.set_state("ingest", job["id"], "UploadComplete")
    assert bulk.set_state("ingest", job["id"], "Aborted").json()["state"] == "Aborted"
    sf_fake.clock.advance(minutes=5)  # type: ignore[attr-defined]
    assert bulk.wait("ingest", job["id"])["state"] == "Aborted"
    assert sf_client.query("SELECT Id FROM Contact")["totalSize"] == 0
    assert bulk.results(job["id"], "unprocessedrecords") == [{"LastName": "Nordmann"}]

    done = bulk.load("Contact", "insert", "LastName\nHansen\n")
    refused = bulk.set_state("ingest", done["id"], "Aborted")
    assert refused.status_code >= 400 and error_of(refused)["errorCode"] == "INVALIDJOBSTATE"


def test_delete_a_job(bulk: Bulk) -> None:
    """Delete a Job, https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/delete_job.htm:
    only an UploadComplete, JobComplete, Aborted or Failed job; 204 No Content; afterwards the
    job is gone."""
    job = bulk.create("ingest", {"object": "Contact", "operation": "insert"})
    refused = bulk.call("DELETE", f"ingest/{job['id']}")
    assert refused.status_code >= 400 and error_of(refused)["errorCode"] == "INVALIDJOBSTATE"
    done = bulk.load("Contact", "insert", "LastName\nNordmann\n")
    deleted = bulk.call("DELETE", f"ingest/{done['id']}")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert bulk.call("GET", f"ingest/{done['id']}").status_code == 404


def test_create_job_checks_its_request(bulk: Bulk) -> None:
    """Create a Job, https://developer.salesforce.com/docs/platform/api-asynch/guide/create-job.html:
    object and operation are required, externalIdFieldName is required for upsert, CSV is the
    only contentType, LF and CRLF the only line endings; available from API 41.0."""
    bad = [
        {"object": "Nothing__c", "operation": "insert"},
        {"object": "Contact", "operation": "merge"},
        {"object": "Contact", "operation": "upsert"},
        {"object": "Contact", "operation": "insert", "contentType": "JSON"},
        {"object": "Contact", "operation": "insert", "lineEnding": "CR"},
        {"operation": "insert"},
    ]
    for body in bad:
        answer = bulk.call("POST", "ingest", json=body)
        assert answer.status_code == 400, (body, answer.text)
        assert error_of(answer)["errorCode"]
    old = Bulk(bulk.client, version="40.0")
    assert old.call("POST", "ingest", json=bad[0] | {"object": "Contact"}).status_code == 404
    assert Bulk(bulk.client, "46.0").call("GET", "query").status_code == 404  # query: 47.0+


def test_upload_is_limited_to_150_mb_of_base64(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    """Upload Job Data, https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/upload_job_data.htm:
    "A request can provide CSV data that does not in total exceed 150 MB of base64 encoded
    content." 150 MB of base64 hold 3/4 of that in CSV: one byte more is refused."""
    job = Bulk(sf_client).create("ingest", {"object": "Contact", "operation": "insert"})
    largest = 150 * 1024 * 1024 * 3 // 4
    url = f"{sf_client.bulk2_url}ingest/{job['id']}/batches"
    headers = {"Authorization": f"Bearer {sf_client.session_id}", "Content-Type": "text/csv"}
    answer = dispatch(sf_fake, FakeRequest("PUT", url, headers, b"x" * (largest + 1)))
    assert answer.status >= 400
    assert sf_fake.calls.all()[-1].route == "bulk2.ingest.upload"


def test_a_job_is_processed_once_its_time_has_come(
    bulk: Bulk, sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    """Upload Complete, https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/close_job.htm:
    "If you don't make this request, processing of your data does not start." Once closed,
    the job is processed in the background: without a poll, after the fake clock has moved on."""
    open_job = bulk.create("ingest", {"object": "Contact", "operation": "insert"})
    bulk.upload(open_job["id"], "LastName\nNever\n")
    closed = bulk.create("ingest", {"object": "Contact", "operation": "insert"})
    bulk.upload(closed["id"], "LastName\nLater\n")
    bulk.set_state("ingest", closed["id"], "UploadComplete")
    sf_fake.clock.advance(minutes=1)  # type: ignore[attr-defined]
    names = [r["LastName"] for r in sf_client.query("SELECT LastName FROM Contact")["records"]]
    assert names == ["Later"]
    assert bulk.info("ingest", open_job["id"])["state"] == "Open"


def test_get_all_jobs(bulk: Bulk) -> None:
    """Get Information About All Ingest Jobs, https://developer.salesforce.com/docs/platform/api-asynch/guide/get-all-jobs.html:
    done, records (one JobInfo a job), nextRecordsUrl; jobType filters (Classic: Bulk API 1.0)."""
    made = {
        bulk.create("ingest", {"object": "Contact", "operation": op})["id"]
        for op in ("insert", "delete")
    }
    listing = bulk.call("GET", "ingest").json()
    assert listing["done"] is True and listing["nextRecordsUrl"] is None
    assert {job["id"] for job in listing["records"]} == made
    assert {job["jobType"] for job in listing["records"]} == {"V2Ingest"}
    assert bulk.call("GET", "ingest", params={"jobType": "Classic"}).json()["records"] == []


# --- simple-salesforce's bulk2, end to end --------------------------------------------------


def test_simple_salesforce_insert_update_delete(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    """Create a Job, https://developer.salesforce.com/docs/platform/api-asynch/guide/create-job.html:
    the operations insert, update, delete, hardDelete; read back by REST (SOQL), a delete goes
    to the recycle bin (queryAll still sees it), a hardDelete does not."""
    contacts = sf_client.bulk2.Contact
    [result] = contacts.insert(records=[{"LastName": "A"}, {"LastName": "B"}], wait=0)
    assert (result["numberRecordsProcessed"], result["numberRecordsFailed"]) == (2, 0)
    ids = [r["Id"] for r in sf_client.query("SELECT Id FROM Contact ORDER BY LastName")["records"]]
    contacts.update(records=[{"Id": ids[0], "Phone": "22 00 00 00"}], wait=0)
    assert sf_client.Contact.get(ids[0])["Phone"] == "22 00 00 00"

    contacts.delete(records=[{"Id": ids[0]}], wait=0)
    contacts.hard_delete(records=[{"Id": ids[1]}], wait=0)
    assert sf_client.query("SELECT Id FROM Contact")["totalSize"] == 0
    kept = sf_client.query_all("SELECT Id, IsDeleted FROM Contact", include_deleted=True)
    assert [(r["Id"], r["IsDeleted"]) for r in kept["records"]] == [(ids[0], True)]


def test_simple_salesforce_upsert_on_an_external_id(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    """Create a Job, https://developer.salesforce.com/docs/platform/api-asynch/guide/create-job.html
    (externalIdFieldName: "Field values must also exist in CSV job data"), and Get Job
    Successful Record Results (sf__Created: "Indicates if the record was created")."""
    existing = sf_client.Contact.create({"LastName": "Old", "Email": "kari@example.com"})["id"]
    records = [
        {"Email": "kari@example.com", "LastName": "Nordmann"},
        {"Email": "ola@example.com", "LastName": "Hansen"},
    ]
    [result] = sf_client.bulk2.Contact.upsert(records=records, external_id_field="Email", wait=0)
    assert (result["numberRecordsProcessed"], result["numberRecordsFailed"]) == (2, 0)
    ok = rows(sf_client.bulk2.Contact.get_successful_records(result["job_id"]))
    created = {row["Email"]: (row["sf__Id"], row["sf__Created"]) for row in ok}
    assert created["kari@example.com"] == (existing, "false")
    assert created["ola@example.com"][1] == "true"
    back = sf_client.query("SELECT Email, LastName FROM Contact ORDER BY Email")["records"]
    assert [(r["Email"], r["LastName"]) for r in back] == [
        ("kari@example.com", "Nordmann"),
        ("ola@example.com", "Hansen"),
    ]


def test_ten_thousand_contacts_cost_a_handful_of_calls(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    """Bulk API and Bulk API 2.0 Limits and Allocations,
    https://developer.salesforce.com/docs/platform/salesforce-app-limits-cheatsheet/guide/salesforce-app-limits-platform-bulkapi.html,
    and Bulk API Limits, https://developer.salesforce.com/docs/atlas.en-us.226.0.api_asynch.meta/api_asynch/asynch_api_concepts_limits.htm
    ("Each HTTP request counts as one call"): a job is create + upload + close + polls + a last
    job info, whatever its size, where sObject Collections take one call per 200 records.
    Understanding Bulk API 2.0 Ingest: one batch for every 10,000 records."""
    before, batches = sf_fake.api_usage, _remaining(sf_client, "DailyBulkApiBatches")
    records = [{"LastName": f"Person {n:05d}"} for n in range(10_000)]
    [result] = sf_client.bulk2.Contact.insert(records=records, wait=0)
    calls = sf_fake.api_usage - before
    assert (result["numberRecordsProcessed"], result["numberRecordsFailed"]) == (10_000, 0)
    assert 5 <= calls <= 8 < math.ceil(10_000 / 200)
    assert sf_fake.calls.by_route()["bulk2.ingest.upload"] == 1
    assert _remaining(sf_client, "DailyBulkApiBatches") == batches - 1
    assert sf_client.query("SELECT COUNT() FROM Contact")["totalSize"] == 10_000


def _remaining(client: Salesforce, limit: str) -> int:
    return int(client.limits()[limit]["Remaining"])


# --- query jobs -----------------------------------------------------------------------------


def test_query_results_page_with_max_records_and_sforce_locator(
    bulk: Bulk, sf_fake: FakeSalesforce
) -> None:
    """Get Results for a Query Job, https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_job_results.htm:
    maxRecords caps a set; Sforce-NumberOfRecords is the number in this set; Sforce-Locator
    gets the next, is the string "null" after the last, and a locator can be used again."""
    for n in range(5):
        sf_fake.insert("Contact", {"LastName": f"Person {n}"})
    job_id = bulk.query("SELECT Id, LastName FROM Contact ORDER BY LastName")
    pages, locator, seen = [], None, {}
    while locator != "null":
        params = {"maxRecords": 2} | ({"locator": locator} if locator else {})
        answer = bulk.call("GET", f"query/{job_id}/results", params=params)
        assert answer.headers["Content-Type"].startswith("text/csv")
        page = rows(answer.text)
        assert int(answer.headers["Sforce-NumberOfRecords"]) == len(page)
        pages.append([r["LastName"] for r in page])
        seen[locator], locator = pages[-1], answer.headers["Sforce-Locator"]
    assert pages == [["Person 0", "Person 1"], ["Person 2", "Person 3"], ["Person 4"]]
    again = bulk.call("GET", f"query/{job_id}/results", params={"locator": list(seen)[1]})
    assert [r["LastName"] for r in rows(again.text)][:2] == ["Person 2", "Person 3"]


def test_query_job_states_and_results_before_completion(bulk: Bulk) -> None:
    """Create a Query Job, https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_create_job.htm,
    and Step 6: Query Jobs, https://developer.salesforce.com/docs/atlas.en-us.244.0.api_asynch.meta/api_asynch/query_walkthrough.htm:
    a new query job is UploadComplete; poll until JobComplete. Get Results for a Query Job:
    "The job must have the state JobComplete" (the API 47.0 edition,
    https://developer.salesforce.com/docs/atlas.ja-jp.222.0.api_bulk_v2.meta/api_bulk_v2/query_get_job_results.htm,
    shows 412 JOB_NOT_COMPLETE); results in another API version than the job's are a 409."""
    job = bulk.create("query", {"operation": "query", "query": "SELECT Id FROM Contact"})
    assert (job["state"], job["object"], job["apiVersion"]) == ("UploadComplete", "Contact", 59.0)
    early = bulk.call("GET", f"query/{job['id']}/results")
    assert early.status_code == 412 and error_of(early)["errorCode"] == "JOB_NOT_COMPLETE"
    done = bulk.wait("query", job["id"])
    assert (done["state"], done["jobType"], done["numberRecordsProcessed"]) == (
        "JobComplete",
        "V2Query",
        0,
    )
    other = Bulk(bulk.client, "60.0").call("GET", f"query/{job['id']}/results")
    assert other.status_code == 409


def test_query_jobs_refuse_what_bulk_api_2_cannot_run(bulk: Bulk) -> None:
    """Create a Query Job, https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_create_job.htm:
    no aggregate functions such as COUNT(), no OFFSET; a query that names no field or is not
    SOQL fails as the REST query does (INVALID_FIELD, MALFORMED_QUERY)."""
    cases = {
        "SELECT Nmae FROM Contact": "INVALID_FIELD",
        "SELECT Id FROM": "MALFORMED_QUERY",
        "SELECT COUNT() FROM Contact": None,
        "SELECT Id FROM Contact OFFSET 5": None,
    }
    for soql, code in cases.items():
        answer = bulk.call("POST", "query", json={"operation": "query", "query": soql})
        assert answer.status_code == 400, (soql, answer.text)
        assert error_of(answer)["errorCode"] == (code or error_of(answer)["errorCode"])
    assert bulk.call("GET", "query").json()["records"] == []


def test_query_all_also_returns_deleted_records(bulk: Bulk, sf_client: Salesforce) -> None:
    """Create a Query Job, https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_create_job.htm:
    query "Returns data that has not been deleted"; queryAll "Returns records that have been
    deleted because of a merge or delete"."""
    kept = sf_client.Contact.create({"LastName": "Kept"})["id"]
    gone = sf_client.Contact.create({"LastName": "Gone"})["id"]
    sf_client.Contact.delete(gone)
    soql = "SELECT Id, IsDeleted FROM Contact"
    live = rows(bulk.call("GET", f"query/{bulk.query(soql)}/results").text)
    every = rows(bulk.call("GET", f"query/{bulk.query(soql, 'queryAll')}/results").text)
    assert live == [{"Id": kept, "IsDeleted": "false"}]
    assert sorted((r["Id"], r["IsDeleted"]) for r in every) == sorted(
        [(kept, "false"), (gone, "true")]
    )


def test_column_order_follows_the_api_version(bulk: Bulk, sf_fake: FakeSalesforce) -> None:
    """Get Results for a Query Job, https://developer.salesforce.com/docs/atlas.en-us.226.0.api_bulk_v2.meta/api_bulk_v2/query_get_job_results.htm:
    "In API version 50.0 and later, the order of the columns returned by the query is the same
    as the order you requested them. In version 49.0 and earlier, [...] alphabetically.\""""
    sf_fake.insert("Contact", {"LastName": "Nordmann", "FirstName": "Kari"})
    for version, header in (("59.0", "LastName,Id,FirstName"), ("49.0", "FirstName,Id,LastName")):
        client = Bulk(bulk.client, version)
        job_id = client.query("SELECT LastName, Id, FirstName FROM Contact")
        text = client.call("GET", f"query/{job_id}/results").text
        assert text.splitlines()[0].replace('"', "") == header


def test_simple_salesforce_query_reads_back_what_rest_wrote(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    """Understanding Bulk API 2.0 Query, https://developer.salesforce.com/docs/atlas.en-us.238.0.api_asynch.meta/api_asynch/queries.htm:
    a query job per query, counted in DailyBulkV2QueryJobs of /limits; results come in sets."""
    for n in range(3):
        sf_client.Contact.create({"LastName": f"Person {n}", "Email": f"p{n}@example.com"})
    jobs_left = _remaining(sf_client, "DailyBulkV2QueryJobs")
    pages = list(
        sf_client.bulk2.Contact.query(
            "SELECT Id, Email FROM Contact ORDER BY Email", max_records=2, wait=0
        )
    )
    assert len(pages) == 2
    emails = [row["Email"] for page in pages for row in rows(page)]
    assert emails == ["p0@example.com", "p1@example.com", "p2@example.com"]
    assert _remaining(sf_client, "DailyBulkV2QueryJobs") == jobs_left - 1
    assert sf_fake.calls.count(route="bulk2.query.create") == 1


# --- the job bodies, key by key -------------------------------------------------------------

CORE = [
    "id",
    "operation",
    "object",
    "createdById",
    "createdDate",
    "systemModstamp",
    "state",
    "concurrencyMode",
    "contentType",
    "apiVersion",
]


def test_ingest_job_bodies_hold_the_walkthroughs_keys(bulk: Bulk) -> None:
    """Step 3: Bulk Insert (v66.0),
    https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/walkthrough_upload_data.htm:
    the created job ends with contentUrl, lineEnding, columnDelimiter and has no jobType; the
    answer to UploadComplete ends at apiVersion; the finished job's info adds jobType V2Ingest,
    numberRecordsProcessed, numberRecordsFailed, retries and the three processing times."""
    job = bulk.create("ingest", {"object": "Account", "operation": "insert", "lineEnding": "LF"})
    assert list(job) == [*CORE, "contentUrl", "lineEnding", "columnDelimiter"]
    bulk.upload(job["id"], "Name\nLorem Ipsum\n")
    closed = bulk.set_state("ingest", job["id"], "UploadComplete").json()
    assert list(closed) == CORE
    assert list(bulk.wait("ingest", job["id"])) == [
        *CORE,
        "jobType",
        "lineEnding",
        "columnDelimiter",
        "numberRecordsProcessed",
        "numberRecordsFailed",
        "retries",
        "totalProcessingTime",
        "apiActiveProcessingTime",
        "apexProcessingTime",
    ]


def test_query_job_bodies_hold_the_walkthroughs_keys(bulk: Bulk) -> None:
    """Step 6: Query Jobs (v66.0),
    https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_walkthrough.htm,
    and Get Information About a Query Job, query_get_one_job.htm: a created query job has
    lineEnding and columnDelimiter and no jobType; its info adds jobType V2Query,
    numberRecordsProcessed, retries, totalProcessingTime and isPkChunkingSupported (true for
    Account: PK Chunking Header lists Account, Contact, Lead, Opportunity, ...)."""
    job = bulk.create("query", {"operation": "query", "query": "SELECT Id, Name FROM Account"})
    assert list(job) == [*CORE, "lineEnding", "columnDelimiter"]
    info = bulk.wait("query", job["id"])
    assert list(info) == [
        *CORE,
        "jobType",
        "lineEnding",
        "columnDelimiter",
        "numberRecordsProcessed",
        "retries",
        "totalProcessingTime",
        "isPkChunkingSupported",
    ]
    assert (info["jobType"], info["isPkChunkingSupported"]) == ("V2Query", True)
