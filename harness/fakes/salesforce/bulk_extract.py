"""Processing a query job: the SOQL runs when the job is processed, into one CSV table.

    run_query(org, job)     # job.table: header = the selected fields, one row per record
    check_query(org, "SELECT Id FROM Contact", deleted=False, version="59.0")  # 400 if it can't run

The query is the REST query's (soql.py, query.py): same binding errors, same rows. "Create a
Query Job" lists what Bulk API 2.0 refuses: aggregate functions such as COUNT(), OFFSET, GROUP
BY and TYPEOF (the last two the fake's SOQL doesn't parse at all: MALFORMED_QUERY). Columns come
in the order asked for from API 50.0 on, alphabetically before ("Get Results for a Query Job").
"""

from __future__ import annotations

from harness.fakes.salesforce import bulk_csv
from harness.fakes.salesforce.bulk_jobs import JOB_COMPLETE, Job, Table
from harness.fakes.salesforce.errors import ApiError
from harness.fakes.salesforce.field_paths import ParentValue
from harness.fakes.salesforce.org import Org
from harness.fakes.salesforce.query import QueryResult, run_soql
from harness.fakes.salesforce.soql import SoqlError, parse

ORDERED_COLUMNS_SINCE = 50.0


def check_query(org: Org, text: str, *, deleted: bool, version: str) -> str:
    """The object the query reads; ApiError 400 for a query the job could not run."""
    try:
        query = parse(text)
        if query.count or query.offset is not None:
            feature = "OFFSET" if query.offset is not None else "Aggregate functions (COUNT())"
            raise ApiError(400, "API_ERROR", f"{feature} not supported by Bulk API 2.0 queries")
        return _run(org, text, deleted=deleted, version=version).sobject
    except SoqlError as exc:
        raise ApiError(400, exc.code, exc.render(text)) from None


def run_query(org: Org, job: Job) -> None:
    result = _run(org, job.query or "", deleted=job.operation == "queryAll", version=job.version)
    header = list(result.names)
    order = list(range(len(header)))
    if float(job.version) < ORDERED_COLUMNS_SINCE:
        order.sort(key=lambda i: header[i].lower())
    rows = [[_cell(snapshot[2 + i]) for i in order] for snapshot in result.rows]
    job.table = Table([header[i] for i in order], rows)
    job.processed = len(rows)
    job.finish(JOB_COMPLETE, org.clock.now())


def _run(org: Org, text: str, *, deleted: bool, version: str) -> QueryResult:
    return run_soql(
        org.catalog, org.store, text, deleted=deleted, version=version, now=org.clock.now()
    )


def _cell(value: object) -> str:
    """A parent field (Account.Name) is stored as a ParentValue, or None without a parent."""
    if isinstance(value, ParentValue):
        return bulk_csv.cell(value.value)
    return bulk_csv.cell(value)
