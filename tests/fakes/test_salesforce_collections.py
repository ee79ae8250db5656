"""sObject Collections through restful('composite/sobjects', ...): per-record results, allOrNone."""

from __future__ import annotations

from typing import Any

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

from harness.fakes.faults import FaultKind
from harness.fakes.salesforce import FakeSalesforce


def _contacts(*last_names: str) -> list[dict[str, Any]]:
    return [{"attributes": {"type": "Contact"}, "LastName": name} for name in last_names]


def _post(client: Salesforce, records: list[dict[str, Any]], all_or_none: bool) -> Any:
    body = {"allOrNone": all_or_none, "records": records}
    return client.restful("composite/sobjects", method="POST", json=body)


def test_create_with_one_invalid_record(sf_client: Salesforce, sf_fake: FakeSalesforce) -> None:
    results = _post(sf_client, _contacts("A", "x" * 81, "C"), all_or_none=False)
    assert [r["success"] for r in results] == [True, False, True]
    assert results[1] == {
        "success": False,
        "errors": [
            {
                "statusCode": "STRING_TOO_LONG",
                "message": f"Last Name: data value too large: {'x' * 81} (max length=80)",
                "fields": ["LastName"],
            }
        ],
    }
    assert sorted(r["LastName"] for r in sf_fake.records("Contact")) == ["A", "C"]
    assert sf_fake.calls.count(route="composite.sobjects.post") == 1


def test_all_or_none_rolls_back(sf_client: Salesforce, sf_fake: FakeSalesforce) -> None:
    results = _post(sf_client, _contacts("A", "x" * 81, "C"), all_or_none=True)
    codes = [r["errors"][0]["statusCode"] for r in results]
    assert codes == [
        "ALL_OR_NONE_OPERATION_ROLLED_BACK",
        "STRING_TOO_LONG",
        "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    ]
    assert sf_fake.records("Contact") == []


def test_injected_record_failure(sf_client: Salesforce, sf_fake: FakeSalesforce) -> None:
    sf_fake.faults.inject("composite.sobjects.*", FaultKind.RECORD_FAILURE, record_index=1)
    results = _post(sf_client, _contacts("A", "B", "C"), all_or_none=False)
    assert [r["success"] for r in results] == [True, False, True]
    assert results[1]["errors"][0]["statusCode"] == "UNABLE_TO_LOCK_ROW"
    assert results[1]["errors"][0]["message"].startswith("unable to obtain exclusive access")

    ids = [r["id"] for r in results if r["success"]]
    sf_fake.faults.inject(
        "composite.sobjects.patch",
        FaultKind.RECORD_FAILURE,
        record_index=0,
        error_code="FIELD_CUSTOM_VALIDATION_EXCEPTION",
        message="blocked by a rule",
    )
    updates = [{"attributes": {"type": "Contact"}, "id": i, "Phone": "9"} for i in ids]
    body = {"allOrNone": True, "records": updates}
    results = sf_client.restful("composite/sobjects", method="PATCH", json=body)
    assert [r["errors"][0]["statusCode"] for r in results] == [
        "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    ]
    assert [r["Phone"] for r in sf_fake.records("Contact")] == [None, None]


def test_update_and_delete(sf_client: Salesforce, sf_fake: FakeSalesforce) -> None:
    ids = [sf_fake.insert("Contact", {"LastName": n}) for n in ("A", "B")]
    before = sf_fake.get("Contact", ids[0])
    sf_fake.clock.advance(seconds=1)  # type: ignore[attr-defined]
    updates = [{"attributes": {"type": "Contact"}, "id": i, "Phone": "9"} for i in ids]
    updates.append({"attributes": {"type": "Contact"}, "Phone": "9"})
    results = sf_client.restful(
        "composite/sobjects", method="PATCH", json={"allOrNone": False, "records": updates}
    )
    assert [r["success"] for r in results] == [True, True, False]
    assert results[2]["errors"][0]["statusCode"] == "MISSING_ARGUMENT"
    after = sf_fake.get("Contact", ids[0])
    assert after is not None and before is not None
    assert after["Phone"] == "9" and after["SystemModstamp"] > before["SystemModstamp"]

    results = sf_client.restful(
        "composite/sobjects",
        method="DELETE",
        params={"ids": ",".join([*ids, ids[0]]), "allOrNone": "false"},
    )
    assert [r["success"] for r in results] == [True, True, False]
    assert results[2]["errors"][0]["statusCode"] == "ENTITY_IS_DELETED"
    assert sf_fake.records("Contact") == []


def test_more_than_200_records_is_a_bad_request(sf_client: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest) as info:
        _post(sf_client, _contacts(*[f"P{n}" for n in range(201)]), all_or_none=False)
    assert info.value.content[0]["errorCode"] == "EXCEEDED_ID_LIMIT"


def test_record_without_type_or_with_id(sf_client: Salesforce) -> None:
    records = [{"LastName": "A"}, {"attributes": {"type": "Contact"}, "id": "003RO0000000001AAA"}]
    results = _post(sf_client, records, all_or_none=False)
    assert [r["errors"][0]["statusCode"] for r in results] == ["INVALID_TYPE", "INVALID_FIELD"]


def test_an_id_of_the_wrong_type_is_malformed_as_the_update_page_shows(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    """Update Records Using sObject Collections (REST API Developer Guide),
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm:
    "Example Response Body (Some Items Failed and allOrNone is false)": a Contact sent with id
    001xx000003DGb2999 fails with statusCode MALFORMED_ID, message "Contact ID: id value of
    incorrect type: 001xx000003DGb2999" and fields ["Id"]; the Account beside it is updated."""
    account = sf_fake.insert("Account", {"Name": "example.com"})
    contact_as_account = sf_fake.insert("Account", {"Name": "not a contact"})
    records = [
        {"attributes": {"type": "Account"}, "id": account, "NumberOfEmployees": 27000},
        {"attributes": {"type": "Contact"}, "id": "001xx000003DGb2999", "Title": "Lead Engineer"},
        {"attributes": {"type": "Contact"}, "id": contact_as_account, "Title": "Lead Engineer"},
    ]
    body = {"allOrNone": False, "records": records}
    results = sf_client.restful("composite/sobjects", method="PATCH", json=body)
    assert results[0] == {"id": account, "success": True, "errors": []}
    for result, sent in zip(results[1:], ("001xx000003DGb2999", contact_as_account), strict=True):
        assert result == {
            "success": False,
            "errors": [
                {
                    "statusCode": "MALFORMED_ID",
                    "message": f"Contact ID: id value of incorrect type: {sent}",
                    "fields": ["Id"],
                }
            ],
        }


UPSERT_PAGE = (
    "https://developer.salesforce.com/docs/platform/api-rest/guide/"
    "resources-composite-sobjects-collections-upsert.html"
)


def _upsert(client: Salesforce, field: str, records: list[dict[str, Any]]) -> Any:
    return client.restful(
        f"composite/sobjects/Contact/{field}",
        method="PATCH",
        json={"allOrNone": False, "records": records},
    )


def test_collections_upsert_creates_and_updates_by_the_external_id(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    """ "Upsert Records Using sObject Collections" (REST API Developer Guide, UPSERT_PAGE): a
    PATCH to composite/sobjects/<Object>/<ExternalIdFieldName> creates or updates up to 200
    records by the key, returns UpsertResults in the order sent with `created`, 200 OK when the
    request is well formed, and per-item errors in the errors array."""
    existing = sf_fake.insert("Contact", {"LastName": "Lovelace", "Email": "ada@example.com"})
    contact = {"type": "Contact"}
    results = _upsert(
        sf_client,
        "Email",
        [
            {"attributes": contact, "Email": "ada@example.com", "FirstName": "Ada"},
            {"attributes": contact, "Email": "grace@example.com", "LastName": "Hopper"},
            {"attributes": contact, "Email": "no-name@example.com"},  # LastName is required
        ],
    )
    assert [(r["success"], r.get("created")) for r in results[:2]] == [(True, False), (True, True)]
    assert results[0]["id"] == existing
    assert sf_fake.get("Contact", existing)["FirstName"] == "Ada"
    assert sf_fake.get("Contact", results[1]["id"])["LastName"] == "Hopper"
    assert results[2]["success"] is False
    assert results[2]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"


def test_collections_upsert_takes_only_its_own_type_and_no_record_ids(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    """UPSERT_PAGE: "The list can contain objects only of the type indicated in the request
    URI", "Each object ... must contain an attributes map ... a value for type", and "Only
    external ids are supported. Don't use record ids"; each is that item's error."""
    made = sf_fake.insert("Contact", {"LastName": "Lovelace", "Email": "ada@example.com"})
    results = _upsert(
        sf_client,
        "Email",
        [
            {"attributes": {"type": "Lead"}, "Email": "x@example.com", "LastName": "X"},
            {"Email": "y@example.com", "LastName": "Y"},
            {"attributes": {"type": "Contact"}, "Id": made, "LastName": "Z"},
        ],
    )
    assert [r["success"] for r in results] == [False, False, False]
    codes = [r["errors"][0]["statusCode"] for r in results]
    assert codes == ["INVALID_TYPE", "INVALID_TYPE", "INVALID_FIELD"]


def test_collections_upsert_on_a_field_that_is_no_key_is_not_found(sf_client: Salesforce) -> None:
    """UPSERT_PAGE names an external ID field in the URI; a field that is neither an external
    ID nor an idLookup field cannot key an upsert (as for a single record, dome_upsert.htm)."""
    with pytest.raises(SalesforceResourceNotFound) as refused:
        _upsert(sf_client, "Title", [{"attributes": {"type": "Contact"}, "Title": "QA"}])
    assert refused.value.content[0]["errorCode"] == "NOT_FOUND"
