"""SOQL subset of FakeSalesforce, table-driven through simple-salesforce, and id checksums."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from harness.clock import FakeClock
from harness.fakes.salesforce import FakeSalesforce
from harness.fakes.salesforce.ids import checksum, is_id, to18

PEOPLE = [
    # FirstName, LastName, Phone, created at (minutes after 09:00)
    ("Kari", "Nordmann", "111", 0),
    ("Ola", "Nordmann", None, 1),
    (None, "O'Brien", "333", 2),
    ("Åse", "berg", "444", 3),
    ("Per", "Hansen", None, 4),
]


@pytest.fixture
def sf_people(sf_fake: FakeSalesforce) -> FakeSalesforce:
    for first, last, phone, minute in PEOPLE:
        at = datetime(2026, 1, 5, 9, minute, tzinfo=UTC)
        sf_fake.insert("Contact", {"FirstName": first, "LastName": last, "Phone": phone}, at=at)
    return sf_fake


CASES = [
    ("SELECT LastName FROM Contact WHERE LastName = 'nordmann'", ["Nordmann", "Nordmann"]),
    (
        "select lastname from contact where FIRSTNAME != null order by lastname",
        ["berg", "Hansen", "Nordmann", "Nordmann"],
    ),
    (
        "SELECT LastName FROM Contact WHERE Phone = null ORDER BY FirstName DESC",
        ["Hansen", "Nordmann"],
    ),
    ("SELECT LastName FROM Contact WHERE LastName = 'O\\'Brien'", ["O'Brien"]),
    (
        "SELECT LastName FROM Contact WHERE LastName IN ('Hansen', 'berg') ORDER BY LastName DESC",
        ["Hansen", "berg"],
    ),
    (
        "SELECT LastName FROM Contact WHERE LastName NOT IN ('Nordmann') ORDER BY CreatedDate",
        ["O'Brien", "berg", "Hansen"],
    ),
    (
        "SELECT LastName FROM Contact WHERE LastName LIKE 'n%' AND FirstName LIKE '_la'",
        ["Nordmann"],
    ),
    (
        "SELECT LastName FROM Contact WHERE (Phone = '111' OR Phone = '333') AND NOT Phone = 'x'",
        ["Nordmann", "O'Brien"],
    ),
    (
        "SELECT LastName FROM Contact WHERE SystemModstamp > 2026-01-05T09:02:00Z",
        ["berg", "Hansen"],
    ),
    (
        "SELECT LastName FROM Contact WHERE CreatedDate >= 2026-01-05T10:03:00+01:00",
        ["berg", "Hansen"],
    ),
    ("SELECT LastName FROM Contact WHERE CreatedDate < 2026-01-05T09:01:00.000Z", ["Nordmann"]),
    (
        "SELECT LastName FROM Contact ORDER BY FirstName NULLS LAST, LastName LIMIT 3",
        ["Nordmann", "Nordmann", "Hansen"],
    ),
    ("SELECT LastName FROM Contact ORDER BY FirstName ASC NULLS FIRST LIMIT 1", ["O'Brien"]),
    (
        "SELECT LastName FROM Contact ORDER BY Phone DESC NULLS FIRST, LastName LIMIT 3",
        ["Hansen", "Nordmann", "berg"],
    ),
    (
        "SELECT LastName FROM Contact ORDER BY CreatedDate DESC LIMIT 2 OFFSET 1",
        ["berg", "O'Brien"],
    ),
    ("SELECT LastName FROM Contact WHERE IsDeleted = false AND LastName = 'Hansen'", ["Hansen"]),
]


@pytest.mark.parametrize(("soql", "expected"), CASES)
def test_soql(
    sf_client: Salesforce, sf_people: FakeSalesforce, soql: str, expected: list[str]
) -> None:
    records = sf_client.query(soql)["records"]
    assert [r["LastName"] for r in records] == expected


def test_count_and_selected_fields_only(sf_client: Salesforce, sf_people: FakeSalesforce) -> None:
    assert sf_client.query("SELECT COUNT() FROM Contact")["totalSize"] == 5
    record = sf_client.query("SELECT Id, firstname FROM Contact LIMIT 1")["records"][0]
    assert set(record) == {"attributes", "Id", "FirstName"}


def test_id_filters_accept_15_and_18_characters(
    sf_client: Salesforce, sf_people: FakeSalesforce
) -> None:
    record_id = sf_people.records("Contact")[2]["Id"]
    for literal in (record_id, record_id[:15]):
        found = sf_client.query(f"SELECT LastName FROM Contact WHERE Id = '{literal}'")
        assert [r["LastName"] for r in found["records"]] == ["O'Brien"]


ERRORS = [
    ("SELECT Id FROM", "MALFORMED_QUERY", "unexpected token: '<EOF>'"),
    (
        "SELECT Id FROM Contact WHERE LastName = 'a' AND Phone = 'b' OR Phone = 'c'",
        "MALFORMED_QUERY",
        "unexpected token: 'OR'",
    ),
    ("SELECT Id, Id FROM Contact", "MALFORMED_QUERY", "duplicate field selected: Id"),
    ("SELECT Id FROM Bogus", "INVALID_TYPE", "sObject type 'Bogus' is not supported."),
    ("SELECT FullName FROM Contact", "INVALID_FIELD", "No such column 'FullName' on entity"),
    (
        "SELECT Id FROM Contact WHERE CreatedDate > '2026-01-01'",
        "INVALID_FIELD",
        "must be of type dateTime and should not be enclosed in quotes",
    ),
    (
        "SELECT Id FROM Contact WHERE Id = 'abc'",
        "INVALID_QUERY_FILTER_OPERATOR",
        "invalid ID field: abc",
    ),
]


@pytest.mark.parametrize(("soql", "code", "fragment"), ERRORS)
def test_soql_errors(sf_client: Salesforce, soql: str, code: str, fragment: str) -> None:
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf_client.query(soql)
    [error] = info.value.content
    assert error["errorCode"] == code
    assert fragment in error["message"] and "ERROR at Row:1:Column:" in error["message"]


def test_query_all_sees_deleted_records(sf_client: Salesforce, sf_people: FakeSalesforce) -> None:
    sf_people.ui_delete("Contact", sf_people.records("Contact")[0]["Id"])
    assert sf_client.query("SELECT Id FROM Contact")["totalSize"] == 4
    deleted = sf_client.query_all(
        "SELECT Id FROM Contact WHERE IsDeleted = true", include_deleted=True
    )
    assert deleted["totalSize"] == 1


def test_pages_are_a_snapshot_and_honour_batch_size(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    for n in range(450):
        sf_fake.insert("Contact", {"LastName": f"P{n:03d}"})
    first = sf_client.query(
        "SELECT LastName FROM Contact ORDER BY LastName",
        headers={"Sforce-Query-Options": "batchSize=50"},  # clamped up to 200
    )
    assert (first["totalSize"], len(first["records"]), first["done"]) == (450, 200, False)
    assert first["nextRecordsUrl"].startswith("/services/data/v59.0/query/01g")
    assert first["nextRecordsUrl"].endswith("-200")
    sf_fake.insert("Contact", {"LastName": "A-first"})  # must not shift the next page
    second = sf_client.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert second["records"][0]["LastName"] == "P200"


@pytest.mark.parametrize(
    ("id15", "id18"),
    [
        ("a0BA0000000L2ZC", "a0BA0000000L2ZCMA0"),
        ("AAaAAbbBBBCcCCC", "AAaAAbbBBBCcCCC123"),
        ("00558000001N0Ke", "00558000001N0KeAAK"),
    ],
)
def test_id_checksum_vectors(id15: str, id18: str) -> None:
    assert to18(id15) == id18 and checksum(id15) == id18[15:]
    assert is_id(id18) and is_id(id18[:15] + id18[15:].lower()) and not is_id(id15 + "AAA")


def test_generated_ids_are_valid(sf_fake: FakeSalesforce) -> None:
    assert is_id(sf_fake.org_id) and sf_fake.org_id.startswith("00D")
    individual = sf_fake.insert("Individual", {"LastName": "Nordmann"})
    customer = sf_fake.insert("Customer", {"Name": "Kari", "PartyId": individual})
    assert (individual[:3], customer[:3]) == ("0PK", "0o6")
    assert all(is_id(i) and len(i) == 18 for i in (individual, customer))


# --- owners, parent fields in WHERE and ORDER BY, date literals -----------------------------

API_USERNAME = "qa@talkqa.example"  # the sf_client's login, the fake's API user


def test_owner_is_the_api_user_and_renders_nested(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    """SOQL and SOSL Reference, "Using Relationship Queries"
    (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_relationships_query_using.htm):
    a child-to-parent field is the lookup's relationship name and a parent field (`Owner.Name`),
    and comes back nested under that name with its own attributes. Object Reference, "User"
    (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_user.htm):
    OwnerId points at a User and is defaulted on create, to the user who creates the record."""
    [user] = sf_client.query_all(
        f"SELECT Id, Name, Username, Email, IsActive FROM User WHERE Username = '{API_USERNAME}'"
    )["records"]
    assert (user["Email"], user["IsActive"]) == (API_USERNAME, True)
    account = sf_client.Account.create({"Name": "Acme"})["id"]
    sf_client.Contact.create({"LastName": "Kari", "AccountId": account})
    sf_fake.insert(
        "Opportunity", {"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2026-06-01"}
    )
    for sobject in ("Contact", "Account", "Opportunity"):
        [row] = sf_client.query_all(f"SELECT OwnerId, Owner.Name FROM {sobject}")["records"]
        assert row["OwnerId"] == user["Id"]
        assert row["Owner"] == {
            "attributes": {
                "type": "User",
                "url": f"/services/data/v59.0/sobjects/User/{user['Id']}",
            },
            "Name": user["Name"],
        }


def test_polymorphic_owner_is_a_name_object(sf_client: Salesforce, sf_fake: FakeSalesforce) -> None:
    """Lead.OwnerId points at a Group or a User. SOQL and SOSL Reference, "Understanding
    Relationship Fields and Polymorphic Fields"
    (https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-soql-relationships-and-polymorph-keys.md)
    and Object Reference, "Name"
    (https://developer.salesforce.com/docs/atlas.en-us.264.0.object_reference.meta/object_reference/sforce_api_objects_name.htm):
    such a lookup reaches its parent as the Name object, which has Name, Username, Email ... but
    not every User field. (attributes.type "Name" with a User url is as real responses show.)"""
    sf_fake.insert("Lead", {"LastName": "Lee", "Company": "Lee AS"})
    [lead] = sf_client.query_all("SELECT Owner.Name, Owner.Username FROM Lead")["records"]
    assert lead["Owner"]["attributes"]["type"] == "Name"
    assert "/sobjects/User/005" in lead["Owner"]["attributes"]["url"]
    assert lead["Owner"]["Username"] == API_USERNAME
    with pytest.raises(
        SalesforceMalformedRequest, match="No such column 'CommunityNickname' on entity 'Name'"
    ):
        sf_client.query_all("SELECT Owner.CommunityNickname FROM Lead")


@pytest.mark.parametrize(
    ("soql", "fragment"),
    [
        ("SELECT Foo.Name FROM Contact", "Didn't understand relationship 'Foo' in field path."),
        ("SELECT Id FROM Contact WHERE Foo.Name = 'x'", "Didn't understand relationship 'Foo'"),
        ("SELECT Id FROM Contact ORDER BY Foo.Name", "Didn't understand relationship 'Foo'"),
        ("SELECT Owner.Name FROM Product2", "Didn't understand relationship 'Owner'"),
        ("SELECT Account.Bogus FROM Contact", "No such column 'Bogus' on entity 'Account'."),
    ],
)
def test_unknown_relationship_is_invalid_field(
    sf_client: Salesforce, soql: str, fragment: str
) -> None:
    """SOQL and SOSL Reference, "Relationship Queries": a relationship query must traverse a
    valid relationship path (Product2 has no OwnerId, so no Owner). The answer is INVALID_FIELD
    in Salesforce's layout: the query line, a caret, 'ERROR at Row:1:Column:c', the text."""
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf_client.query_all(soql)
    [error] = info.value.content
    assert error["errorCode"] == "INVALID_FIELD"
    assert fragment in error["message"] and "ERROR at Row:1:Column:" in error["message"]


@pytest.fixture
def sf_accounts(sf_fake: FakeSalesforce) -> FakeSalesforce:
    acme = sf_fake.insert("Account", {"Name": "Acme"})
    beta = sf_fake.insert("Account", {"Name": "beta"})
    sf_fake.insert("Contact", {"LastName": "Kari", "AccountId": acme})
    sf_fake.insert("Contact", {"LastName": "Ola", "AccountId": beta})
    sf_fake.insert("Contact", {"LastName": "Per"})  # no account
    return sf_fake


PARENT_CASES = [
    ("WHERE Account.Name = 'acme'", ["Kari"]),  # = on text ignores case
    ("WHERE Account.Name != 'Acme' ORDER BY LastName", ["Ola", "Per"]),
    ("WHERE Account.Name = null", ["Per"]),
    ("WHERE LastName = 'Per' OR Account.Name = 'beta' ORDER BY LastName", ["Ola", "Per"]),
    ("WHERE Account.Name LIKE 'b%'", ["Ola"]),
    ("WHERE Account.Name IN ('Acme', 'Beta') ORDER BY LastName", ["Kari", "Ola"]),
    ("WHERE Account.CreatedDate = TODAY ORDER BY LastName", ["Kari", "Ola"]),
    (f"WHERE Owner.Username = '{API_USERNAME}' ORDER BY LastName", ["Kari", "Ola", "Per"]),
    ("WHERE Owner.Name = 'TalkQA Integration' AND Account.Name != null", ["Kari", "Ola"]),
    ("ORDER BY Account.Name", ["Per", "Kari", "Ola"]),  # nulls first ascending
    ("ORDER BY Account.Name DESC", ["Ola", "Kari", "Per"]),  # nulls last descending
    ("ORDER BY Account.Name NULLS LAST, LastName", ["Kari", "Ola", "Per"]),
]


@pytest.mark.parametrize(("clause", "expected"), PARENT_CASES)
def test_parent_fields_in_where_and_order_by(
    sf_client: Salesforce, sf_accounts: FakeSalesforce, clause: str, expected: list[str]
) -> None:
    """SOQL and SOSL Reference, "Using Relationship Queries"
    (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_relationships_query_using.htm):
    child-to-parent fields go in SELECT and WHERE with the dot (`WHERE Account.Industry =
    'media'`). "null Values in Lookup Relationships and Outer Joins"
    (https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-soql-relationships-lookup.md):
    `ORDER BY Account.Name` still returns records without an account, an OR finds the one
    without a parent, and `WHERE Contact.LastName = null` matches a missing parent: a null
    parent's field compares as null."""
    records = sf_client.query_all(f"SELECT LastName FROM Contact {clause}")["records"]
    assert [r["LastName"] for r in records] == expected


WEDNESDAY = datetime(2026, 5, 13, 12, 0, tzinfo=UTC)  # in Q2; the week is Sun 10 .. Sat 16 May
CLOSE_DATES = {
    "2023-06-01": "2023",
    "2025-12-31": "last year",
    "2026-03-31": "march",
    "2026-04-01": "april",
    "2026-05-02": "sat two weeks ago",
    "2026-05-03": "sun last week",
    "2026-05-09": "sat last week",
    "2026-05-10": "sun",
    "2026-05-13": "today",
    "2026-05-16": "sat",
    "2026-05-17": "sun next week",
    "2026-05-23": "sat next week",
    "2026-05-30": "sat in two weeks",
    "2026-06-30": "june",
    "2026-07-01": "july",
    "2027-01-01": "next year",
    "2029-12-31": "2029",
}
MAY = {"sat two weeks ago", "sun last week", "sat last week", "sun", "today", "sat"} | {
    "sun next week",
    "sat next week",
    "sat in two weeks",
}
QUARTER = MAY | {"april", "june"}
YEAR = QUARTER | {"march", "july"}
DATE_LITERAL_CASES = [
    ("= THIS_WEEK", {"sun", "today", "sat"}),  # Sunday starts the week
    ("= LAST_WEEK", {"sun last week", "sat last week"}),
    ("= NEXT_WEEK", {"sun next week", "sat next week"}),
    ("= LAST_N_WEEKS:2", {"sat two weeks ago", "sun last week", "sat last week"}),
    ("= NEXT_N_WEEKS:2", {"sun next week", "sat next week", "sat in two weeks"}),
    (
        "< THIS_WEEK",
        {"2023", "last year", "march", "april", "sat two weeks ago"}
        | {
            "sun last week",
            "sat last week",
        },
    ),
    (
        "> THIS_WEEK",
        {"sun next week", "sat next week", "sat in two weeks", "june", "july"}
        | {
            "next year",
            "2029",
        },
    ),
    ("= THIS_QUARTER", QUARTER),
    ("= LAST_QUARTER", {"march"}),
    ("= NEXT_QUARTER", {"july"}),
    ("= LAST_N_QUARTERS:2", {"last year", "march"}),
    ("= NEXT_N_QUARTERS:2", {"july"}),
    ("= THIS_YEAR", YEAR),
    ("= LAST_YEAR", {"last year"}),
    ("= NEXT_YEAR", {"next year"}),
    ("= LAST_N_MONTHS:2", {"march", "april"}),  # March and April: not this month
    ("= NEXT_N_MONTHS:2", {"june", "july"}),
    ("= LAST_N_YEARS:3", {"2023", "last year"}),
    ("= NEXT_N_YEARS:3", {"next year", "2029"}),
    (
        "= LAST_90_DAYS",
        {"march", "april", "sat two weeks ago", "sun last week"}
        | {
            "sat last week",
            "sun",
            "today",
        },
    ),
    (
        "= NEXT_90_DAYS",
        {"sat", "sun next week", "sat next week", "sat in two weeks"}
        | {
            "june",
            "july",
        },
    ),
    ("= NEXT_N_DAYS:3", {"sat"}),  # 14 .. 16 May: not today
    # The default fiscal year starts in January: the fiscal ranges are the calendar ones.
    ("= THIS_FISCAL_QUARTER", QUARTER),
    ("= LAST_FISCAL_QUARTER", {"march"}),
    ("= NEXT_FISCAL_QUARTER", {"july"}),
    ("= NEXT_N_FISCAL_QUARTERS:2", {"july"}),
    ("= THIS_FISCAL_YEAR", YEAR),
    ("= LAST_FISCAL_YEAR", {"last year"}),
    ("= NEXT_FISCAL_YEAR", {"next year"}),
    ("= LAST_N_FISCAL_YEARS:3", {"2023", "last year"}),
    # N_x_AGO:n is the one unit that started n units before the current one.
    ("= N_DAYS_AGO:3", {"sun"}),
    ("= N_DAYS_AGO:0", {"today"}),
    ("= N_WEEKS_AGO:2", {"sat two weeks ago"}),
    ("= N_MONTHS_AGO:2", {"march"}),
    ("= N_QUARTERS_AGO:1", {"march"}),
    ("= N_YEARS_AGO:3", {"2023"}),
    ("= N_FISCAL_QUARTERS_AGO:1", {"march"}),
    ("= N_FISCAL_YEARS_AGO:1", {"last year"}),
]


@pytest.fixture
def sf_close_dates(sf_fake: FakeSalesforce) -> FakeSalesforce:
    for close_date, name in CLOSE_DATES.items():
        sf_fake.insert(
            "Opportunity", {"Name": name, "StageName": "Prospecting", "CloseDate": close_date}
        )
    assert isinstance(sf_fake.clock, FakeClock)
    sf_fake.clock.set(WEDNESDAY)
    return sf_fake


@pytest.mark.parametrize(("where", "expected"), DATE_LITERAL_CASES)
def test_date_literals(
    sf_client: Salesforce, sf_close_dates: FakeSalesforce, where: str, expected: set[str]
) -> None:
    """SOQL and SOSL Reference, "Date Formats and Date Literals in WHERE"
    (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/api/sforce_api_calls_soql_select_dateformats.htm):
    THIS_WEEK starts on the most recent first day of the week and lasts seven days ("your
    locale determines the first day of the week": Sunday in a new org's en_US); LAST_N_WEEKS:n
    and LAST_N_MONTHS:n are the n whole weeks or months before this one, NEXT_N_... the n after;
    THIS_QUARTER runs to the end of the quarter; LAST_N_YEARS:n ends on 31 December of last year;
    LAST_90_DAYS holds today, NEXT_N_DAYS:n starts tomorrow; N_DAYS_AGO:n "starts at 00:00:00
    of the day n days before the current day and continues for 24 hours", N_WEEKS_AGO:n (and
    the month, quarter and year forms) the one whole unit that started n units before the
    current one; the FISCAL literals follow the org's fiscal year (Setup, Fiscal Year), which
    for a new org starts in January."""
    soql = f"SELECT Name FROM Opportunity WHERE CloseDate {where}"
    assert {r["Name"] for r in sf_client.query_all(soql)["records"]} == expected


def test_week_boundaries_are_sunday_midnight_utc(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    """SOQL and SOSL Reference, "Date Formats and Date Literals in WHERE"
    (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/api/sforce_api_calls_soql_select_dateformats.htm):
    dateTime values are stored in UTC and a literal's range starts at 00:00:00, so on a
    dateTime field the week turns at Sunday 00:00:00Z (the fake's org keeps UTC)."""
    for name, at in {
        "saturday night": datetime(2026, 5, 9, 23, 59, 59, tzinfo=UTC),
        "sunday midnight": datetime(2026, 5, 10, 0, 0, tzinfo=UTC),
    }.items():
        sf_fake.insert("Contact", {"LastName": name}, at=at)
    assert isinstance(sf_fake.clock, FakeClock)
    sf_fake.clock.set(WEDNESDAY)

    def names(where: str) -> set[str]:
        rows = sf_client.query_all(f"SELECT LastName FROM Contact WHERE CreatedDate {where}")
        return {r["LastName"] for r in rows["records"]}

    assert names("= THIS_WEEK") == {"sunday midnight"}
    assert names("= LAST_WEEK") == {"saturday night"}
    assert names("= this_fiscal_quarter") == {"saturday night", "sunday midnight"}
