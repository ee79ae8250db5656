"""Every error FakeSalesforce answers with is Salesforce's JSON list, with its code and message."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import responses
from simple_salesforce import Salesforce

from harness.clock import FakeClock
from harness.fakes.http import mount
from harness.fakes.salesforce import FakeSalesforce


def _call(client: Salesforce, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, client.base_url + path, headers=client.headers, **kwargs)


def _error(answer: requests.Response) -> dict[str, Any]:
    body = answer.json()
    assert isinstance(body, list) and len(body) == 1, body
    return body[0]


def test_required_field_missing(sf_client: Salesforce) -> None:
    answer = _call(sf_client, "POST", "sobjects/Contact/", json={"FirstName": "Kari"})
    assert answer.status_code == 400
    assert _error(answer) == {
        "message": "Required fields are missing: [LastName]",
        "errorCode": "REQUIRED_FIELD_MISSING",
        "fields": ["LastName"],
    }


def test_clearing_a_required_field_on_update(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    record_id = sf_fake.insert("Product2", {"Name": "Widget"})
    answer = _call(sf_client, "PATCH", f"sobjects/Product2/{record_id}", json={"Name": ""})
    assert (answer.status_code, _error(answer)["errorCode"]) == (400, "REQUIRED_FIELD_MISSING")


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (
            {"LastName": "x", "Bogus": 1},
            "INVALID_FIELD",
            "No such column 'Bogus' on sobject of type Contact",
        ),
        (
            {"LastName": "x", "Id": "003RO0000000001AAA"},
            "INVALID_FIELD",
            "The Id field should not be specified in the sobject data.",
        ),
        (
            {"LastName": "x", "SystemModstamp": "2026-01-01T00:00:00Z"},
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            "Unable to create/update fields: SystemModstamp.",
        ),
        (
            {"LastName": "x", "Email": "not-an-address"},
            "INVALID_EMAIL_ADDRESS",
            "Email: invalid email address: not-an-address",
        ),
        ({"LastName": "x" * 81}, "STRING_TOO_LONG", "Last Name: data value too large"),
    ],
)
def test_create_validation(
    sf_client: Salesforce, body: dict[str, Any], code: str, message: str
) -> None:
    answer = _call(sf_client, "POST", "sobjects/Contact/", json=body)
    error = _error(answer)
    assert (answer.status_code, error["errorCode"]) == (400, code)
    assert error["message"].startswith(message)


def test_customer_needs_an_existing_individual(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    contact = sf_fake.insert("Contact", {"LastName": "Nordmann"})
    individual = sf_fake.insert("Individual", {"LastName": "Nordmann"})
    cases = [
        ({"Name": "C"}, "REQUIRED_FIELD_MISSING"),
        ({"Name": "C", "PartyId": "nope"}, "MALFORMED_ID"),
        ({"Name": "C", "PartyId": contact}, "FIELD_INTEGRITY_EXCEPTION"),
        ({"Name": "C", "PartyId": "0PKRO0000000zzzAAA"[:15]}, "INVALID_CROSS_REFERENCE_KEY"),
        (
            {"Name": "C", "PartyId": individual, "CustomerStatusType": "Sleepy"},
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        ),
    ]
    for body, code in cases:
        answer = _call(sf_client, "POST", "sobjects/Customer/", json=body)
        assert (answer.status_code, _error(answer)["errorCode"]) == (400, code), body
    answer = _call(
        sf_client, "POST", "sobjects/Customer/", json={"Name": "C", "PartyId": individual}
    )
    assert answer.status_code == 201


def test_not_json_body(sf_client: Salesforce) -> None:
    answer = _call(sf_client, "POST", "sobjects/Contact/", data=b"{not json")
    error = _error(answer)
    assert (answer.status_code, error["errorCode"]) == (400, "JSON_PARSER_ERROR")


def test_not_found_and_deleted(sf_client: Salesforce, sf_fake: FakeSalesforce) -> None:
    record_id = sf_fake.insert("Contact", {"LastName": "Nordmann"})
    sf_fake.ui_delete("Contact", record_id)
    for method in ("GET", "PATCH", "DELETE"):
        answer = _call(sf_client, method, f"sobjects/Contact/{record_id}", json={"Phone": "1"})
        assert (answer.status_code, _error(answer)) == (
            404,
            {"message": "entity is deleted", "errorCode": "ENTITY_IS_DELETED", "fields": []},
        )
    unknown = "003RO00000009zz"
    answer = _call(sf_client, "GET", f"sobjects/Contact/{unknown}")
    assert (answer.status_code, _error(answer)) == (
        404,
        {"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"},
    )
    answer = _call(sf_client, "GET", "sobjects/Bogus/describe")
    assert (answer.status_code, _error(answer)["errorCode"]) == (404, "NOT_FOUND")


def test_get_with_fields(sf_client: Salesforce, sf_fake: FakeSalesforce) -> None:
    record_id = sf_fake.insert("Contact", {"LastName": "Nordmann", "Phone": "1"})
    answer = _call(sf_client, "GET", f"sobjects/Contact/{record_id}", params={"fields": "phone"})
    assert set(answer.json()) == {"attributes", "Phone"}
    answer = _call(sf_client, "GET", f"sobjects/Contact/{record_id}", params={"fields": "Nope"})
    assert (answer.status_code, _error(answer)["errorCode"]) == (400, "INVALID_FIELD")


def test_limit_info_header_counts_rest_calls(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    first = _call(sf_client, "GET", "limits/")
    second = _call(sf_client, "GET", "sobjects/Contact/003RO00000009zz")  # errors count too
    assert first.headers["Sforce-Limit-Info"] == "api-usage=1/5000000"
    assert second.headers["Sforce-Limit-Info"] == "api-usage=2/5000000"
    assert first.json()["DailyApiRequests"] == {"Max": 5000000, "Remaining": 4999999}
    sf_client.query("SELECT Id FROM Contact")
    assert sf_client.api_usage["api-usage"].used == sf_fake.api_usage == 3


def test_daily_limit_exhausted() -> None:
    sf_fake = FakeSalesforce(FakeClock(), daily_api_limit=1)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        mount(rsps, sf_fake)
        client = Salesforce(
            consumer_key="3MVG9talkqa.consumer.key",
            consumer_secret="talkqa-consumer-secret",
            domain="talkqa-dev-ed.develop.my",
            session=requests.Session(),
        )
        assert _call(client, "GET", "limits/").status_code == 200
        answer = _call(client, "GET", "limits/")
    assert (answer.status_code, _error(answer)["errorCode"]) == (403, "REQUEST_LIMIT_EXCEEDED")


def test_unknown_version_route_and_method(sf_client: Salesforce) -> None:
    answer = requests.get(
        sf_client.base_url.replace("v59.0", "v99.0") + "limits/", headers=sf_client.headers
    )
    assert (answer.status_code, _error(answer)["errorCode"]) == (404, "NOT_FOUND")
    answer = _call(sf_client, "GET", "nothing/here")
    assert (answer.status_code, _error(answer)["errorCode"]) == (404, "NOT_FOUND")
    answer = _call(sf_client, "PUT", "limits/")
    assert (answer.status_code, _error(answer)["errorCode"]) == (405, "METHOD_NOT_ALLOWED")


def test_ui_writes_validate_like_the_api(sf_fake: FakeSalesforce) -> None:
    with pytest.raises(ValueError, match=r"STRING_TOO_LONG.*FirstName"):
        sf_fake.insert("Contact", {"LastName": "x", "FirstName": "y" * 41})
    with pytest.raises(ValueError, match="REQUIRED_FIELD_MISSING"):
        sf_fake.insert("Contact", {"FirstName": "y"})
    with pytest.raises(ValueError, match="known: Account, Contact"):
        sf_fake.insert("Bogus", {"Name": "x"})


def test_a_contact_pointing_at_a_missing_account_is_refused(sf_fake: FakeSalesforce) -> None:
    """A lookup to a record that does not exist is INVALID_CROSS_REFERENCE_KEY (Salesforce
    "Core Data Types Used in API Calls", StatusCode); Account has describe metadata now, so
    only a real Account is accepted (it was accepted for any well-formed 001 id)."""
    with pytest.raises(ValueError, match=r"INVALID_CROSS_REFERENCE_KEY.*AccountId"):
        sf_fake.insert("Contact", {"LastName": "x", "AccountId": "001RO0000000009YAA"})
    account = sf_fake.insert("Account", {"Name": "Nordmann AS", "BillingCity": "Oslo"})
    contact = sf_fake.insert("Contact", {"LastName": "x", "AccountId": account})
    assert sf_fake.get("Contact", contact)["AccountId"] == account
