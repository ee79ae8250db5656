"""SOQL subset of FakeSalesforce, table-driven through simple-salesforce, and id checksums."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

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
