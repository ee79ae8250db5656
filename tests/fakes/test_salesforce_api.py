"""simple-salesforce against FakeSalesforce: login, CRUD, describe, query, replication."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceMalformedRequest,
    SalesforceMoreThanOneRecord,
    SalesforceResourceNotFound,
)

from harness.fakes.salesforce import FakeSalesforce


def test_password_login_uses_the_test_host_and_the_version(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    login = sf_fake.calls.all()[0]
    assert (login.route, login.path, login.status) == ("login.soap", "/services/Soap/u/59.0", 200)
    assert sf_client.sf_instance == "talkqa-dev-ed.develop.my.salesforce.com"


def test_create_get_update_delete(sf_client: Salesforce, sf_fake: FakeSalesforce) -> None:
    created = sf_client.Contact.create({"FirstName": "Kari", "LastName": "Nordmann"})
    assert created["success"] is True and created["errors"] == []
    record_id = created["id"]
    assert record_id.startswith("003") and len(record_id) == 18

    record = sf_client.Contact.get(record_id)
    assert record["Name"] == "Kari Nordmann"
    assert record["attributes"] == {
        "type": "Contact",
        "url": f"/services/data/v59.0/sobjects/Contact/{record_id}",
    }
    assert record["SystemModstamp"].endswith("+0000") and record["IsDeleted"] is False

    assert sf_client.Contact.update(record_id, {"Phone": "+47 22 00 00 00"}) == 204
    assert sf_fake.get("Contact", record_id)["Phone"] == "+47 22 00 00 00"

    assert sf_client.Contact.delete(record_id) == 204
    assert sf_fake.get("Contact", record_id) is None
    assert sf_fake.get("Contact", record_id, include_deleted=True)["IsDeleted"] is True
    with pytest.raises(SalesforceResourceNotFound) as info:
        sf_client.Contact.get(record_id)
    assert info.value.content[0]["errorCode"] == "ENTITY_IS_DELETED"


def test_query_all_pages_through_more_than_2000_records(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    for n in range(4500):
        sf_fake.insert("Contact", {"LastName": f"Person {n:05d}"})
    mark = sf_fake.calls.mark()
    result = sf_client.query_all("SELECT Id, LastName FROM Contact ORDER BY LastName")
    assert result["totalSize"] == 4500
    assert [r["LastName"] for r in result["records"][:2]] == ["Person 00000", "Person 00001"]
    routes = [c.route for c in sf_fake.calls.since(mark)]
    assert routes == ["query", "query.more", "query.more"]


def test_is_sandbox(sf_client: Salesforce) -> None:
    assert sf_client.is_sandbox() is True


def test_describe(sf_client: Salesforce) -> None:
    describe = sf_client.Contact.describe()
    first_name = next(f for f in describe["fields"] if f["name"] == "FirstName")
    assert (describe["keyPrefix"], first_name["length"]) == ("003", 40)
    names = {s["name"] for s in sf_client.describe()["sobjects"]}
    assert {"Contact", "Customer", "Individual", "Product2", "Organization"} <= names


def test_string_too_long(sf_client: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf_client.Contact.create({"FirstName": "x" * 41, "LastName": "Nordmann"})
    assert info.value.content == [
        {
            "message": f"First Name: data value too large: {'x' * 41} (max length=40)",
            "errorCode": "STRING_TOO_LONG",
            "fields": ["FirstName"],
        }
    ]


def test_updated_and_deleted(sf_client: Salesforce, sf_fake: FakeSalesforce) -> None:
    start = sf_fake.clock.now()
    kept = sf_fake.insert("Contact", {"LastName": "Kept"})
    gone = sf_fake.insert("Contact", {"LastName": "Gone"})
    sf_fake.ui_delete("Contact", gone)
    end = start + timedelta(minutes=5)
    sf_fake.clock.advance(minutes=10)  # type: ignore[attr-defined]
    updated = sf_client.Contact.updated(start.astimezone(UTC), end)
    assert updated["ids"] == [kept]
    deleted = sf_client.Contact.deleted(start, end)
    assert [d["id"] for d in deleted["deletedRecords"]] == [gone]
    assert isinstance(datetime.now(UTC), datetime)


def test_get_updated_ignores_the_seconds_of_start_and_end(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    """Salesforce's "sObject Get Updated" (REST API Developer Guide, resources_getupdated.htm):
    for start and end "the API ignores the seconds portion of the specified dateTime value
    (for example, 12:35:15 is interpreted as 12:35:00 UTC)". Issue 18 asked whether a record
    written seconds ago being listed only from the next minute on was a defect of the fake:
    it is the documented rule, and latestDateCovered says where the window really ended."""
    minute = sf_fake.clock.now().replace(second=0, microsecond=0) + timedelta(minutes=5)
    sf_fake.clock.set(minute + timedelta(seconds=10))  # type: ignore[attr-defined]
    written = sf_fake.insert("Contact", {"LastName": "Just now"})
    sf_fake.clock.set(minute + timedelta(seconds=50))  # type: ignore[attr-defined]
    start = minute - timedelta(minutes=1)
    same_minute = sf_client.Contact.updated(start, minute + timedelta(seconds=45))
    assert same_minute["ids"] == []  # end 12:35:45 is read as 12:35:00, before the write
    assert same_minute["latestDateCovered"].startswith(f"{minute:%Y-%m-%dT%H:%M}:00")
    sf_fake.clock.set(minute + timedelta(minutes=1, seconds=5))  # type: ignore[attr-defined]
    next_minute = sf_client.Contact.updated(start, minute + timedelta(minutes=1, seconds=5))
    assert next_minute["ids"] == [written]


def test_upsert_by_an_idlookup_field_creates_updates_or_lists_the_matches(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    """Issue 18: `PATCH sobjects/Contact/Email/x@y.z` answered 404 NOT_FOUND, which a client reads
    as its own mistake. Salesforce's "Insert or Update (Upsert) a Record Using an External ID"
    (REST API Developer Guide, dome_upsert.htm; its example keys Lead by Email): no match
    creates the record (201), one match updates it (200 with "created": false from API 46.0),
    several answer 300 and change nothing; a field that is neither an external ID nor an
    idLookup field is NOT_FOUND."""
    contact = sf_client.Contact
    assert contact.upsert("Email/ada@example.com", {"LastName": "Lovelace"}) == 201
    [made] = sf_fake.records("Contact")
    assert made["Email"] == "ada@example.com" and made["LastName"] == "Lovelace"
    assert contact.upsert("Email/ADA@example.com", {"FirstName": "Ada"}) == 200  # case-blind
    [updated] = sf_fake.records("Contact")
    assert (updated["Id"], updated["FirstName"]) == (made["Id"], "Ada")
    sf_fake.insert("Contact", {"LastName": "Twin", "Email": "ada@example.com"})
    with pytest.raises(SalesforceMoreThanOneRecord):
        contact.upsert("Email/ada@example.com", {"FirstName": "Nobody"})
    assert {r["FirstName"] for r in sf_fake.records("Contact")} == {"Ada", None}
    with pytest.raises(SalesforceResourceNotFound):
        contact.upsert("LastName/Lovelace", {"FirstName": "x"})


def test_date_literals_are_ranges_from_midnight(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    """Issue 18: TODAY, LAST_N_DAYS:7, THIS_MONTH ... were refused as malformed. Salesforce's
    "Date Formats and Date Literals in WHERE" (SOQL and SOSL Reference): each literal is a range
    starting at 00:00:00; = finds values in it, > and < values after or before it; YESTERDAY is
    the day before; LAST_N_DAYS:n "starts with the current day and continues for the past n
    days" (LAST_N_DAYS:1 holds yesterday and today)."""
    noon = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    made = {}
    for label, at in {
        "today": noon - timedelta(hours=11),
        "yesterday": noon - timedelta(days=1),
        "a week ago": noon - timedelta(days=7),
        "last month": datetime(2026, 2, 20, 8, 0, tzinfo=UTC),
    }.items():
        made[label] = sf_fake.insert("Contact", {"LastName": label}, at=at)
    sf_fake.clock.set(noon)  # type: ignore[attr-defined]

    def names(where: str) -> set[str]:
        rows = sf_client.query_all(f"SELECT LastName FROM Contact WHERE CreatedDate {where}")
        return {r["LastName"] for r in rows["records"]}

    assert names("= TODAY") == {"today"}
    assert names("= YESTERDAY") == {"yesterday"}
    assert names("< TODAY") == {"yesterday", "a week ago", "last month"}
    assert names("> TODAY") == set()
    assert names("= LAST_N_DAYS:1") == {"today", "yesterday"}
    assert names("= LAST_N_DAYS:7") == {"today", "yesterday", "a week ago"}
    assert names("= THIS_MONTH") == {"today", "yesterday", "a week ago"}
    assert names("= last_month") == {"last month"}  # keywords are case-insensitive
    with pytest.raises(SalesforceMalformedRequest, match="INVALID_FIELD"):
        sf_client.query("SELECT Id FROM Contact WHERE LastName = TODAY")


def test_count_of_a_field_is_one_aggregate_row(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    """Issue 18: `SELECT COUNT(Id) FROM Contact` was refused. SOQL and SOSL Reference, "COUNT()
    and COUNT(fieldName)": COUNT(fieldName) returns the number of rows whose field is not null,
    as an AggregateResult (expr0 when no alias is given); COUNT() returns totalSize alone."""
    sf_fake.insert("Contact", {"LastName": "A", "Email": "a@example.com"})
    sf_fake.insert("Contact", {"LastName": "B"})
    by_id = sf_client.query("SELECT COUNT(Id) FROM Contact")
    assert by_id["totalSize"] == 1
    assert by_id["records"] == [{"attributes": {"type": "AggregateResult"}, "expr0": 2}]
    assert sf_client.query("SELECT COUNT(Email) FROM Contact")["records"][0]["expr0"] == 1
    plain = sf_client.query("SELECT COUNT() FROM Contact WHERE LastName = 'A'")
    assert (plain["totalSize"], plain["records"]) == (1, [])


def test_parent_fields_come_nested_under_the_relationship(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    """Issue 18: `SELECT Account.Name FROM Contact` and `SELECT Party.FirstName FROM Customer`
    were refused. SOQL and SOSL Reference, "Relationship Queries" (child-to-parent): a parent
    field is named by the lookup's relationship name, and the REST answer nests it under that
    name with its own attributes; a record without a parent has the relationship null."""
    account = sf_fake.insert("Account", {"Name": "Nordmann AS"})
    with_parent = sf_fake.insert("Contact", {"LastName": "Kari", "AccountId": account})
    sf_fake.insert("Contact", {"LastName": "Ola"})
    rows = sf_client.query("SELECT LastName, Account.Name FROM Contact ORDER BY LastName")[
        "records"
    ]
    assert rows[0]["Account"]["Name"] == "Nordmann AS"
    assert rows[0]["Account"]["attributes"]["type"] == "Account"
    assert rows[0]["Account"]["attributes"]["url"].endswith(f"/sobjects/Account/{account}")
    assert rows[0]["attributes"]["url"].endswith(with_parent)
    assert rows[1]["Account"] is None
    party = sf_fake.insert("Individual", {"FirstName": "Åse", "LastName": "Ødegård"})
    sf_fake.insert("Customer", {"Name": "Åse AS", "PartyId": party})
    [customer] = sf_client.query("SELECT Name, Party.FirstName FROM Customer")["records"]
    assert customer["Party"]["FirstName"] == "Åse"
    with pytest.raises(SalesforceMalformedRequest, match="Didn't understand relationship 'Acount'"):
        sf_client.query("SELECT Acount.Name FROM Contact")


# The limits of the v66.0 example response of "List Org Limits" (REST API Developer Guide,
# https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_limits.htm).
DOCUMENTED_LIMITS = [
    "ActiveScratchOrgs",
    "AnalyticsExternalDataSizeMB",
    "ConcurrentAsyncGetReportInstances",
    "ConcurrentEinsteinDataInsightsStoryCreation",
    "ConcurrentEinsteinDiscoveryStoryCreation",
    "ConcurrentSyncReportRuns",
    "DailyAnalyticsDataflowJobExecutions",
    "DailyAnalyticsUploadedFilesSizeMB",
    "DailyFunctionsApiCallLimit",
    "DailyApiRequests",
    "DailyAsyncApexExecutions",
    "DailyAsyncApexTests",
    "DailyBulkApiBatches",
    "DailyBulkV2QueryFileStorageMB",
    "DailyBulkV2QueryJobs",
    "DailyDeliveredPlatformEvents",
    "DailyDurableGenericStreamingApiEvents",
    "DailyDurableStreamingApiEvents",
    "DailyEinsteinDataInsightsStoryCreation",
    "DailyEinsteinDiscoveryPredictAPICalls",
    "DailyEinsteinDiscoveryPredictionsByCDC",
    "DailyEinsteinDiscoveryStoryCreation",
    "DailyGenericStreamingApiEvents",
    "DailyScratchOrgs",
    "DailyStandardVolumePlatformEvents",
    "DailyStreamingApiEvents",
    "DailyWorkflowEmails",
    "DataStorageMB",
    "DurableStreamingApiConcurrentClients",
    "FileStorageMB",
    "HourlyAsyncReportRuns",
    "HourlyDashboardRefreshes",
    "HourlyDashboardResults",
    "HourlyDashboardStatuses",
    "HourlyLongTermIdMapping",
    "HourlyManagedContentPublicRequests",
    "HourlyODataCallout",
    "HourlyPublishedPlatformEvents",
    "HourlyPublishedStandardVolumePlatformEvents",
    "HourlyShortTermIdMapping",
    "HourlySyncReportRuns",
    "HourlyTimeBasedWorkflow",
    "MassEmail",
    "MonthlyEinsteinDiscoveryStoryCreation",
    "Package2VersionCreates",
    "Package2VersionCreatesWithoutValidation",
    "PermissionSets",
    "PlatformEventTriggersWithParallelProcessing",
    "PrivateConnectOutboundCalloutHourlyLimitMB",
    "SingleEmail",
    "StreamingApiConcurrentClients",
]


def test_limits_lists_the_documented_limits(sf_client: Salesforce) -> None:
    """List Org Limits, dome_limits.htm (v66.0): "Max is the limit for the org. Remaining is
    the number of calls or events left for the org"; the example lists 51 limits, and
    PermissionSets holds CreateCustom with its own Max and Remaining."""
    limits = sf_client.limits()
    assert sorted(limits) == sorted(DOCUMENTED_LIMITS) and len(DOCUMENTED_LIMITS) == 51
    for name, pair in limits.items():
        assert {"Max", "Remaining"} <= set(pair), name
        assert all(isinstance(pair[k], int) for k in ("Max", "Remaining")), name
        assert 0 <= pair["Remaining"] <= pair["Max"], name
    assert set(limits["PermissionSets"]["CreateCustom"]) == {"Max", "Remaining"}
    before = limits["DailyApiRequests"]["Remaining"]
    assert sf_client.limits()["DailyApiRequests"]["Remaining"] == before - 1  # a call is a call


def test_describe_urls_hold_the_documented_keys(sf_client: Salesforce) -> None:
    """Step 3: Walk Through the Sample Code (REST API Developer Guide, quickstart_code.htm)
    shows Account's describe urls: uiEditTemplate https://MyDomainName.my.salesforce.com/{ID}/e,
    sobject, uiDetailTemplate .../{ID}, describe, rowTemplate, uiNewRecord .../001/e; Get Field
    and Other Metadata for an Object (dome_sobject_describe.htm) shows the same first three."""
    urls = sf_client.Account.describe()["urls"]
    host = f"https://{sf_client.sf_instance}"
    assert urls == {
        "uiEditTemplate": f"{host}/{{ID}}/e",
        "sobject": "/services/data/v59.0/sobjects/Account",
        "uiDetailTemplate": f"{host}/{{ID}}",
        "describe": "/services/data/v59.0/sobjects/Account/describe",
        "rowTemplate": "/services/data/v59.0/sobjects/Account/{ID}",
        "uiNewRecord": f"{host}/001/e",
    }
    assert sf_client.Contact.describe()["urls"]["uiNewRecord"] == f"{host}/003/e"
