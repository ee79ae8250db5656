"""Logins against FakeSalesforce: SOAP password, OAuth JWT, client credentials, re-login."""

from __future__ import annotations

import pytest
import requests
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceAuthenticationFailed

from harness.fakes.faults import FaultKind
from harness.fakes.salesforce import FakeSalesforce

MY_DOMAIN = "talkqa-dev-ed.develop.my"  # simple-salesforce appends .salesforce.com


@pytest.fixture(scope="module")
def sf_private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _password_login(password: str, **kwargs: str) -> Salesforce:
    return Salesforce(
        username="qa@talkqa.example",
        password=password,
        security_token="talkqaSecurityToken",
        domain="test",
        session=requests.Session(),
        **kwargs,  # type: ignore[arg-type]
    )


def test_wrong_password_is_a_soap_fault(sf_http: responses.RequestsMock) -> None:
    with pytest.raises(SalesforceAuthenticationFailed) as info:
        _password_login("wrong")
    assert info.value.code == "INVALID_LOGIN"
    assert "Invalid username, password, security token" in info.value.auth_message


def test_soap_login_is_gone_from_api_65(sf_http: responses.RequestsMock) -> None:
    with pytest.raises(SalesforceAuthenticationFailed) as info:
        _password_login("talkqa-password", version="65.0")
    assert info.value.code == "INVALID_OPERATION"
    assert "(65.0)" in info.value.auth_message


def test_soap_login_response_says_sandbox(
    sf_fake: FakeSalesforce, sf_http: responses.RequestsMock
) -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8" ?><env:Envelope '
        'xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body>'
        '<n1:login xmlns:n1="urn:partner.soap.sforce.com"><n1:username>qa@talkqa.example'
        "</n1:username><n1:password>talkqa-passwordtalkqaSecurityToken</n1:password>"
        "</n1:login></env:Body></env:Envelope>"
    )
    answer = requests.post("https://test.salesforce.com/services/Soap/u/59.0", data=body)
    assert answer.status_code == 200
    assert "<sandbox>true</sandbox>" in answer.text
    assert f"<organizationId>{sf_fake.org_id}</organizationId>" in answer.text


def test_client_credentials_on_my_domain(
    sf_fake: FakeSalesforce, sf_http: responses.RequestsMock
) -> None:
    client = Salesforce(
        consumer_key="3MVG9talkqa.consumer.key",
        consumer_secret="talkqa-consumer-secret",
        domain=MY_DOMAIN,
        session=requests.Session(),
    )
    assert client.is_sandbox() is True
    assert [c.route for c in sf_fake.calls.all()][:2] == ["oauth.token", "query"]


def test_client_credentials_with_a_wrong_secret(sf_http: responses.RequestsMock) -> None:
    with pytest.raises(SalesforceAuthenticationFailed) as info:
        Salesforce(
            consumer_key="3MVG9talkqa.consumer.key",
            consumer_secret="nope",
            domain=MY_DOMAIN,
            session=requests.Session(),
        )
    assert (info.value.code, info.value.auth_message) == (
        "invalid_client",
        "invalid client credentials",
    )


def test_client_credentials_are_refused_on_the_login_host(sf_http: responses.RequestsMock) -> None:
    answer = requests.post(
        "https://test.salesforce.com/services/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=("3MVG9talkqa.consumer.key", "talkqa-consumer-secret"),
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_jwt_bearer_login(sf_http: responses.RequestsMock, sf_private_key: str) -> None:
    client = Salesforce(
        username="qa@talkqa.example",
        consumer_key="3MVG9talkqa.consumer.key",
        privatekey=sf_private_key,
        domain="test",
        session=requests.Session(),
    )
    assert client.sf_instance == "talkqa-dev-ed.develop.my.salesforce.com"
    assert client.query("SELECT COUNT() FROM Contact")["totalSize"] == 0


def test_jwt_with_another_consumer_key(
    sf_http: responses.RequestsMock, sf_private_key: str
) -> None:
    with pytest.raises(SalesforceAuthenticationFailed) as info:
        Salesforce(
            username="qa@talkqa.example",
            consumer_key="someone-else",
            privatekey=sf_private_key,
            domain="test",
            session=requests.Session(),
        )
    assert info.value.code == "invalid_client_id"


def test_token_response_shape(sf_fake: FakeSalesforce, sf_http: responses.RequestsMock) -> None:
    answer = requests.post(
        sf_fake.instance_url + "/services/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=("3MVG9talkqa.consumer.key", "talkqa-consumer-secret"),
    )
    body = answer.json()
    assert set(body) >= {
        "access_token",
        "instance_url",
        "id",
        "token_type",
        "issued_at",
        "signature",
    }
    assert body["instance_url"] == sf_fake.instance_url and body["token_type"] == "Bearer"


def test_no_or_unknown_bearer_is_401_list(
    sf_fake: FakeSalesforce, sf_http: responses.RequestsMock
) -> None:
    url = sf_fake.instance_url + "/services/data/v59.0/limits/"
    for headers in ({}, {"Authorization": "Bearer nonsense"}):
        answer = requests.get(url, headers=headers)
        assert answer.status_code == 401
        assert answer.json() == [
            {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
        ]


def test_expired_sessions_make_the_client_log_in_again(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    sf_fake.insert("Contact", {"LastName": "Nordmann"})
    sf_fake.expire_sessions()
    mark = sf_fake.calls.mark()
    assert sf_client.query("SELECT Id FROM Contact")["totalSize"] == 1
    record_id = sf_client.query("SELECT Id FROM Contact")["records"][0]["Id"]
    sf_fake.expire_sessions()
    assert sf_client.Contact.get(record_id)["LastName"] == "Nordmann"
    routes = [(c.route, c.status) for c in sf_fake.calls.since(mark)]
    assert routes == [
        ("query", 401),
        ("login.soap", 200),
        ("query", 200),
        ("query", 200),
        ("sobject.get", 401),
        ("login.soap", 200),
        ("sobject.get", 200),
    ]


def test_session_expired_fault_ends_the_session(
    sf_client: Salesforce, sf_fake: FakeSalesforce
) -> None:
    sf_fake.faults.inject("query", FaultKind.SESSION_EXPIRED)
    old = sf_client.session_id
    assert sf_client.query("SELECT Id FROM Contact")["totalSize"] == 0
    assert sf_client.session_id != old
    answer = requests.get(
        sf_fake.instance_url + "/services/data/v59.0/limits/",
        headers={"Authorization": f"Bearer {old}"},
    )
    assert answer.status_code == 401
