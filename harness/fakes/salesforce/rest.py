"""REST handlers for describe, sObject rows, Get Updated/Deleted, query and limits.

    create(org, request, match)   # POST /services/data/v59.0/sobjects/Contact/ -> 201 {id, ...}
    query(org, request, match)    # GET .../query/?q=SELECT... -> a page of up to 2,000 records

Each handler may raise ApiError or SoqlError; routes.py renders them and counts the call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote

from harness.fakes.http import FakeRequest, FakeResponse
from harness.fakes.salesforce.bodies import bad_request, json_object
from harness.fakes.salesforce.errors import ApiError, not_found
from harness.fakes.salesforce.metadata import FieldMeta, SObjectMeta
from harness.fakes.salesforce.org import Cursor, Org
from harness.fakes.salesforce.query import run_soql
from harness.fakes.salesforce.soql import SoqlError
from harness.fakes.salesforce.store import render
from harness.fakes.salesforce.validation import validate_write
from harness.fakes.salesforce.values import parse_datetime, render_datetime

Match = re.Match[str]
DEFAULT_BATCH = 2000
MIN_BATCH = 200
UPDATED_WINDOW = timedelta(days=30)
DELETED_WINDOW = timedelta(days=15)


# --- describe -------------------------------------------------------------------------------


def describe_global(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    version = match["version"]
    sobjects = [_versioned(m.summary(), version) for m in org.catalog.all()]
    return FakeResponse(200, {"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": sobjects})


def describe_sobject(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    meta = org.sobject(match["sobject"])
    described = meta.described(org.settings.instance_url)
    return FakeResponse(200, _versioned(described, match["version"]))


def sobject_basic(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    meta = org.sobject(match["sobject"])
    return FakeResponse(
        200, {"objectDescribe": _versioned(meta.summary(), match["version"]), "recentItems": []}
    )


def _versioned(describe: dict[str, Any], version: str) -> dict[str, Any]:
    """Fixture URLs say v59.0; answer with the version the client asked for."""
    copy = dict(describe)
    if "urls" in copy:
        copy["urls"] = {
            k: re.sub(r"/v\d+\.\d/", f"/v{version}/", v) for k, v in copy["urls"].items()
        }
    return copy


# --- one record -----------------------------------------------------------------------------


def create(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    meta = org.sobject(match["sobject"])
    body = json_object(request, meta.name)
    if not meta.createable:
        raise bad_request(
            "INVALID_TYPE_FOR_OPERATION", f"entity type cannot be inserted: {meta.name}"
        )
    values = validate_write(meta, body, creating=True, resolve=org.store)
    record_id = org.store.create(meta, values, at=org.clock.now())
    location = f"/services/data/v{match['version']}/sobjects/{meta.name}/{record_id}"
    return FakeResponse(
        201, {"id": record_id, "success": True, "errors": []}, {"Location": location}
    )


def get(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    meta = org.sobject(match["sobject"])
    record = org.store.fetch(meta, match["id"])
    wanted = request.param("fields")
    names = None
    if wanted:
        names = [_known_field(org, meta.name, n.strip()) for n in wanted.split(",") if n.strip()]
    return FakeResponse(200, render(record, match["version"], names))


def _known_field(org: Org, sobject: str, name: str) -> str:
    field_meta = org.sobject(sobject).field(name)
    if field_meta is None:
        raise ApiError(
            400,
            "INVALID_FIELD",
            f"No such column '{name}' on entity '{sobject}'. If "
            "you are attempting to use a custom field, be sure to append the '__c' "
            "after the custom field name. Please reference your WSDL or the describe "
            "call for the appropriate names.",
        )
    return field_meta.name


def update(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    meta = org.sobject(match["sobject"])
    record = org.store.fetch(meta, match["id"])
    values = validate_write(
        meta, json_object(request, meta.name), creating=False, resolve=org.store
    )
    org.store.update(meta, record, values, at=org.clock.now())
    return FakeResponse(204)


def upsert_key(meta: SObjectMeta, name: str) -> FieldMeta:
    """The field an upsert URI names, if it can key one (an external ID or idLookup field);
    else 404 NOT_FOUND, as single-record and Collections upserts answer alike."""
    key = meta.field(name)
    if key is None or not key.upsert_key:
        raise ApiError(
            404,
            "NOT_FOUND",
            f"Provided external ID field does not exist or is not accessible: {name}",
        )
    return key


def upsert(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    """PATCH sobjects/<Object>/<field>/<value> ("Insert or Update (Upsert) a Record Using an
    External ID", REST API Developer Guide): no match creates (201, created true), one match
    updates (200, created false, from API 46.0; 204 before), several answer 300 with their
    URLs and change nothing. The key must be an external ID or idLookup field, and must not be
    in the body; updateOnly=true refuses to create."""
    meta = org.sobject(match["sobject"])
    key = upsert_key(meta, match["field"])
    body = json_object(request, meta.name)
    if any(name.lower() in ("id", key.name.lower()) for name in body):
        raise bad_request(
            "INVALID_FIELD", f"{key.name} is the upsert key: give it in the URL, not the body"
        )
    value = unquote(match["value"])
    found = org.store.find_by(meta.name, key.name, value)
    base = f"/services/data/v{match['version']}/sobjects/{meta.name}"
    if len(found) > 1:
        return FakeResponse(300, [f"{base}/{r.id}" for r in found])
    if found:
        record = found[0]
        values = validate_write(meta, body, creating=False, resolve=org.store)
        org.store.update(meta, record, values, at=org.clock.now())
        if float(match["version"]) < 46.0:
            return FakeResponse(204)
        return FakeResponse(200, {"id": record.id, "success": True, "errors": [], "created": False})
    if (request.param("updateOnly") or "").lower() == "true":
        raise not_found()
    values = validate_write(meta, {**body, key.name: value}, creating=True, resolve=org.store)
    record_id = org.store.create(meta, values, at=org.clock.now())
    return FakeResponse(
        201,
        {"id": record_id, "success": True, "errors": [], "created": True},
        {"Location": f"{base}/{record_id}"},
    )


def delete(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    meta = org.sobject(match["sobject"])
    org.store.delete(org.store.fetch(meta, match["id"]), at=org.clock.now())
    return FakeResponse(204)


# --- Get Updated / Get Deleted --------------------------------------------------------------


def updated(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    meta = org.sobject(match["sobject"])
    start, end = _replication_window(org, request, UPDATED_WINDOW)
    found = [r.id for r in org.store.rows(meta.name) if start <= _modstamp(r.values) < end]
    return FakeResponse(200, {"ids": found, "latestDateCovered": render_datetime(end)})


def _modstamp(values: Mapping[str, Any]) -> datetime:
    stamp = values.get("SystemModstamp") or values.get("LastModifiedDate")
    assert isinstance(stamp, datetime)  # every replicable object has one
    return stamp


def deleted(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    meta = org.sobject(match["sobject"])
    start, end = _replication_window(org, request, DELETED_WINDOW)
    gone = [r for r in org.store.rows(meta.name, include_deleted=True) if r.deleted_at is not None]
    listed = [
        {"id": r.id, "deletedDate": render_datetime(r.deleted_at)}
        for r in gone
        if r.deleted_at is not None and start <= r.deleted_at < end
    ]
    earliest = min((r.deleted_at for r in gone if r.deleted_at is not None), default=start)
    return FakeResponse(
        200,
        {
            "deletedRecords": listed,
            "earliestDateAvailable": render_datetime(_to_minute(min(earliest, start))),
            "latestDateCovered": render_datetime(end),
        },
    )


def _replication_window(
    org: Org, request: FakeRequest, window: timedelta
) -> tuple[datetime, datetime]:
    start, end = (_replication_date(request, name) for name in ("start", "end"))
    now = org.clock.now()
    end = min(end, _to_minute(now))
    if start >= end:
        raise bad_request("INVALID_REPLICATION_DATE", "EndDate before StartDate")
    if start < now - window:
        raise bad_request(
            "INVALID_REPLICATION_DATE",
            f"startDate cannot be more than {window.days} days ago",
        )
    return start, end


def _replication_date(request: FakeRequest, name: str) -> datetime:
    raw = request.param(name)
    if not raw:
        raise bad_request("MISSING_ARGUMENT", f"{name} was not specified")
    try:
        # A '+' that arrived unencoded reads as a space after URL decoding.
        return _to_minute(parse_datetime(raw.replace(" ", "+")))
    except ValueError:
        raise bad_request("INVALID_REPLICATION_DATE", f"Invalid {name} date: {raw}") from None


def _to_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)  # Salesforce truncates seconds


MAX_OPEN_CURSORS = 10


# --- query ----------------------------------------------------------------------------------


def query(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    text = request.param("q")
    if not text:
        raise bad_request("MALFORMED_QUERY", "A query string has to be specified")
    try:
        result = run_soql(
            org.catalog,
            org.store,
            text,
            deleted=match["endpoint"] == "queryAll",
            version=match["version"],
            now=org.clock.now(),
        )
    except SoqlError as exc:
        raise ApiError(400, exc.code, exc.render(text)) from None
    if result.aggregate is not None:
        return FakeResponse(200, {"totalSize": 1, "done": True, "records": [result.aggregate]})
    cursor = Cursor(match["endpoint"], result, _batch_size(request))
    if not result.rows:
        return FakeResponse(200, {"totalSize": result.total, "done": True, "records": []})
    locator = org.ids.new("01g")
    org.cursors[locator] = cursor
    # Salesforce keeps at most 10 open query cursors per user and drops the oldest beyond
    # that; so does the fake, or every query's rendered rows would stay in memory for good.
    while len(org.cursors) > MAX_OPEN_CURSORS:
        del org.cursors[next(iter(org.cursors))]
    return _page(cursor, locator, 0, match["version"])


def query_more(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    cursor = org.cursors.get(match["locator"])
    offset = int(match["offset"])
    if cursor is None or cursor.endpoint != match["endpoint"] or offset > len(cursor.result.rows):
        raise bad_request("INVALID_QUERY_LOCATOR", "invalid query locator")
    return _page(cursor, match["locator"], offset, match["version"])


def _page(cursor: Cursor, locator: str, offset: int, version: str) -> FakeResponse:
    end = offset + cursor.batch_size
    body: dict[str, Any] = {"totalSize": cursor.result.total, "done": end >= cursor.result.total}
    if not body["done"]:
        body["nextRecordsUrl"] = f"/services/data/v{version}/{cursor.endpoint}/{locator}-{end}"
    body["records"] = cursor.result.render(offset, end)
    return FakeResponse(200, body)


def _batch_size(request: FakeRequest) -> int:
    found = re.search(r"batchSize\s*=\s*(\d+)", request.header("Sforce-Query-Options") or "")
    if found is None:
        return DEFAULT_BATCH
    return max(MIN_BATCH, min(DEFAULT_BATCH, int(found.group(1))))


# --- limits ---------------------------------------------------------------------------------

# Every limit of the example response of "List Org Limits" (REST API Developer Guide, v66.0,
# https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_limits.htm),
# with the Max shown there; the fake counts down the ones its own calls use (_used).
DOCUMENTED_LIMITS: dict[str, int] = {
    "ActiveScratchOrgs": 3,
    "AnalyticsExternalDataSizeMB": 40960,
    "ConcurrentAsyncGetReportInstances": 200,
    "ConcurrentEinsteinDataInsightsStoryCreation": 5,
    "ConcurrentEinsteinDiscoveryStoryCreation": 2,
    "ConcurrentSyncReportRuns": 20,
    "DailyAnalyticsDataflowJobExecutions": 60,
    "DailyAnalyticsUploadedFilesSizeMB": 51200,
    "DailyFunctionsApiCallLimit": 235000,
    "DailyApiRequests": 5000,
    "DailyAsyncApexExecutions": 250000,
    "DailyAsyncApexTests": 500,
    "DailyBulkApiBatches": 15000,
    "DailyBulkV2QueryFileStorageMB": 976562,
    "DailyBulkV2QueryJobs": 10000,
    "DailyDeliveredPlatformEvents": 10000,
    "DailyDurableGenericStreamingApiEvents": 10000,
    "DailyDurableStreamingApiEvents": 10000,
    "DailyEinsteinDataInsightsStoryCreation": 1000,
    "DailyEinsteinDiscoveryPredictAPICalls": 50000,
    "DailyEinsteinDiscoveryPredictionsByCDC": 5000000,
    "DailyEinsteinDiscoveryStoryCreation": 100,
    "DailyGenericStreamingApiEvents": 10000,
    "DailyScratchOrgs": 6,
    "DailyStandardVolumePlatformEvents": 10000,
    "DailyStreamingApiEvents": 10000,
    "DailyWorkflowEmails": 100000,
    "DataStorageMB": 1024,
    "DurableStreamingApiConcurrentClients": 20,
    "FileStorageMB": 1024,
    "HourlyAsyncReportRuns": 1200,
    "HourlyDashboardRefreshes": 200,
    "HourlyDashboardResults": 5000,
    "HourlyDashboardStatuses": 999999999,
    "HourlyLongTermIdMapping": 100000,
    "HourlyManagedContentPublicRequests": 50000,
    "HourlyODataCallout": 20000,
    "HourlyPublishedPlatformEvents": 50000,
    "HourlyPublishedStandardVolumePlatformEvents": 1000,
    "HourlyShortTermIdMapping": 100000,
    "HourlySyncReportRuns": 500,
    "HourlyTimeBasedWorkflow": 1000,
    "MassEmail": 5000,
    "MonthlyEinsteinDiscoveryStoryCreation": 500,
    "Package2VersionCreates": 6,
    "Package2VersionCreatesWithoutValidation": 500,
    "PermissionSets": 1500,
    "PlatformEventTriggersWithParallelProcessing": 5,
    "PrivateConnectOutboundCalloutHourlyLimitMB": 0,
    "SingleEmail": 5000,
    "StreamingApiConcurrentClients": 20,
}
# "PermissionSets": {"Max": 1500, "Remaining": 1499, "CreateCustom": {"Max": 1000, ...}}
NESTED_LIMITS: dict[str, dict[str, int]] = {"PermissionSets": {"CreateCustom": 1000}}


def limits(org: Org, request: FakeRequest, match: Match) -> FakeResponse:
    maxima = {**DOCUMENTED_LIMITS, "DailyApiRequests": org.settings.daily_api_limit}
    used = _used(org)
    return FakeResponse(200, {name: _limit(name, top, used) for name, top in maxima.items()})


def _used(org: Org) -> dict[str, int]:
    """What the fake's own calls used of an allocation; the other limits stay untouched."""
    return {
        "DailyApiRequests": org.api_usage,
        "DailyBulkApiBatches": org.bulk.batches_used,
        "DailyBulkV2QueryJobs": org.bulk.query_jobs_created,
    }


def _limit(name: str, maximum: int, used: dict[str, int]) -> dict[str, Any]:
    pair: dict[str, Any] = {"Max": maximum, "Remaining": max(0, maximum - used.get(name, 0))}
    for inner, inner_max in NESTED_LIMITS.get(name, {}).items():
        pair[inner] = {"Max": inner_max, "Remaining": inner_max}
    return pair
