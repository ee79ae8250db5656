"""SalesforceConnector against FakeSalesforce (simple-salesforce unmodified); raw stubs for breaks.

.venv/bin/pytest tests/connectors -q -k salesforce
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from simple_salesforce.login import SalesforceLogin as sf_login

from harness.clock import FakeClock
from harness.connectors.base import RecordUpdate
from harness.connectors.salesforce import SalesforceConnector, changed_since_soql
from harness.connectors.settings import (
    ClientCredentialsLogin,
    JwtLogin,
    PasswordLogin,
    SalesforceSettings,
    SessionLogin,
)
from harness.errors import (
    ApiContractError,
    AuthenticationError,
    ConfigError,
    RetriableError,
    TalkQAError,
)
from harness.fakes.faults import FaultKind
from harness.fakes.http import mount
from harness.fakes.salesforce import FakeSalesforce
from harness.fakes.world import FakeWorld

ExpectError = Callable[..., TalkQAError]  # the conftest fixture
Nap = Callable[[float], None]
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
USER, PASSWORD, TOKEN = "qa@talkqa.example", "fake-sf-password", "fake-sf-security-token"
KEY, SECRET = "3MVG9talkqa.consumer.key", "sf-client-secret-xyz"
MY_DOMAIN = "talkqa--qa.sandbox.my"
INSTANCE = "https://talkqa--qa.sandbox.my.salesforce.com"
FIELDS = ["FirstName", "LastName", "MobilePhone", "Phone"]


@pytest.fixture
def domain_fake() -> Iterator[FakeSalesforce]:
    """An org whose instance is a My Domain, for client credentials and JWT."""
    fake = FakeSalesforce(
        FakeClock(T0),
        instance_url=INSTANCE,
        username=USER,
        consumer_key=KEY,
        consumer_secret=SECRET,
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        mount(rsps, fake)
        yield fake


def contacts(connector: SalesforceConnector, since: datetime | None = None) -> list[list[str]]:
    return [
        [r.record_id for r in page] for page in connector.query_changed("Contact", FIELDS, since)
    ]


def insert_contacts(fake: FakeSalesforce, count: int) -> list[str]:
    return [fake.insert("Contact", {"LastName": f"L{n}", "FirstName": "F"}) for n in range(count)]


# --- login kinds -------------------------------------------------------------------------------


def test_password_login_is_lazy_and_counted_as_a_read(
    fake: FakeSalesforce, connector: SalesforceConnector
) -> None:
    assert connector.calls.by_endpoint == {}
    assert connector.is_sandbox() is True
    assert connector.calls.by_endpoint == {"login": 1, "query": 1}
    assert connector.calls.as_dict() == {"read": 2, "write": 0}
    assert fake.calls.count() == 2


def test_jwt_login(domain_fake: FakeSalesforce, nap: Nap) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    connector = SalesforceConnector(
        SalesforceSettings(JwtLogin(USER, KEY, pem, domain="test")), sleep=nap
    )

    assert connector.is_sandbox() is True
    assert connector.calls.by_endpoint == {"login": 1, "query": 1}


def test_client_credentials_login(domain_fake: FakeSalesforce, nap: Nap) -> None:
    login = ClientCredentialsLogin(KEY, SECRET, domain=MY_DOMAIN)
    connector = SalesforceConnector(SalesforceSettings(login), sleep=nap)

    assert connector.is_sandbox() is True
    assert connector.calls.by_endpoint == {"login": 1, "query": 1}


@pytest.mark.parametrize("domain", ["", "login", "test"])
def test_client_credentials_need_a_my_domain(domain: str, expect_error: ExpectError) -> None:
    login = ClientCredentialsLogin(KEY, SECRET, domain=domain)
    error = expect_error(ConfigError, lambda: SalesforceConnector(SalesforceSettings(login)))
    assert "My Domain" in str(error)


def test_session_login_makes_no_login_call_and_expiry_is_final(
    fake: FakeSalesforce, nap: Nap, expect_error: ExpectError
) -> None:
    session_id, _ = sf_login(username=USER, password=PASSWORD, security_token=TOKEN, domain="test")
    connector = SalesforceConnector(
        SalesforceSettings(SessionLogin(fake.instance_url, session_id)), sleep=nap
    )

    assert connector.is_sandbox() is True
    fake.expire_sessions()
    error = expect_error(AuthenticationError, connector.is_sandbox, session_id)

    assert "expired; supply a new one" in str(error)
    assert connector.calls.by_endpoint == {"query": 2}


def test_wrong_password_is_one_line_naming_user_and_domain(
    world: FakeWorld, nap: Nap, expect_error: ExpectError
) -> None:
    login = PasswordLogin(USER, "wrong-sf-password", TOKEN, domain="test")
    connector = SalesforceConnector(SalesforceSettings(login), sleep=nap)

    error = expect_error(AuthenticationError, connector.is_sandbox)

    assert f"{USER} at test.salesforce.com" in str(error) and "INVALID_LOGIN" in str(error)
    assert connector.calls.by_endpoint == {"login": 1}  # a refused login is not retried


def test_password_login_refuses_api_65(expect_error: ExpectError) -> None:
    settings = SalesforceSettings(PasswordLogin(USER, PASSWORD, TOKEN), api_version="65.0")
    error = expect_error(ConfigError, lambda: SalesforceConnector(settings))
    assert "65.0" in str(error) and "JwtLogin" in str(error) and "64.0" in str(error)


def test_login_unavailable_is_retried(
    fake: FakeSalesforce, connector: SalesforceConnector, sleeps: list[float]
) -> None:
    fake.faults.inject("login.soap", FaultKind.UNAVAILABLE)
    assert connector.is_sandbox() is True
    assert connector.calls.by_endpoint == {"login": 2, "query": 1} and len(sleeps) == 1


def test_production_org_reports_false(nap: Nap) -> None:
    world = FakeWorld(is_sandbox=False)
    with world.activated():
        assert SalesforceConnector(world.salesforce_settings(), sleep=nap).is_sandbox() is False


# --- reads -----------------------------------------------------------------------------------


def test_query_pages_of_2000_with_exact_call_counts(
    fake: FakeSalesforce, connector: SalesforceConnector
) -> None:
    ids = insert_contacts(fake, 4_500)

    pages = contacts(connector)

    assert [len(p) for p in pages] == [2000, 2000, 500]
    assert [r for p in pages for r in p] == ids  # ordered by SystemModstamp, Id
    assert connector.calls.by_endpoint == {"login": 1, "query": 1, "query.more": 2}
    assert fake.calls.count(route="query") + fake.calls.count(route="query.more") == 3


def test_record_values_and_stamps(fake: FakeSalesforce, connector: SalesforceConnector) -> None:
    rid = fake.insert("Contact", {"LastName": "Nordmann", "FirstName": "Ola", "Phone": "+47 2"})

    [[record]] = list(connector.query_changed("Contact", FIELDS, None))

    assert record.record_id == rid and record.object_name == "Contact" and not record.deleted
    assert record.values == {
        "FirstName": "Ola",
        "LastName": "Nordmann",
        "MobilePhone": None,
        "Phone": "+47 2",
    }
    assert record.modified_at.tzinfo is not None and record.modified_at >= T0


def test_since_is_inclusive_and_deleted_records_come_flagged(
    fake: FakeSalesforce, connector: SalesforceConnector
) -> None:
    fake.insert("Contact", {"LastName": "old"}, at=T0)
    edge = fake.insert("Contact", {"LastName": "edge"}, at=T0 + timedelta(seconds=10))
    gone = fake.insert("Contact", {"LastName": "gone"}, at=T0 + timedelta(seconds=20))
    fake.ui_delete("Contact", gone, at=T0 + timedelta(seconds=30))

    records = [
        r
        for page in connector.query_changed("Contact", FIELDS, T0 + timedelta(seconds=10))
        for r in page
    ]

    assert [(r.record_id, r.deleted) for r in records] == [(edge, False), (gone, True)]


def test_soql_shape() -> None:
    soql = changed_since_soql(
        "Contact", ["FirstName"], datetime(2026, 1, 5, 9, 0, 0, 500_000, tzinfo=UTC)
    )
    assert soql == (
        "SELECT Id, FirstName, SystemModstamp, IsDeleted FROM Contact "
        "WHERE SystemModstamp >= 2026-01-05T09:00:00+00:00 ORDER BY SystemModstamp, Id"
    )


def test_names_that_are_not_api_names_are_refused(
    connector: SalesforceConnector, expect_error: ExpectError
) -> None:
    expect_error(
        ConfigError, lambda: list(connector.query_changed("Contact; DELETE", FIELDS, None))
    )


# --- writes ----------------------------------------------------------------------------------


def test_update_many_450_costs_3_calls_and_reports_per_record(
    fake: FakeSalesforce, connector: SalesforceConnector
) -> None:
    ids = insert_contacts(fake, 450)
    updates = [
        RecordUpdate(rid, {"Phone": f"+47 {n}", "MobilePhone": None}) for n, rid in enumerate(ids)
    ]
    updates[201] = RecordUpdate(ids[201], {"FirstName": "x" * 41})

    results = connector.update_many("Contact", updates)

    assert connector.calls.by_endpoint == {"login": 1, "composite.sobjects.patch": 3}
    assert connector.calls.write == 3
    assert [r.record_id for r in results] == ids
    failed = [r for r in results if not r.ok]
    assert len(failed) == 1 and failed[0].record_id == ids[201]
    assert (failed[0].error_code, failed[0].fields, failed[0].retriable) == (
        "STRING_TOO_LONG",
        ("FirstName",),
        False,
    )
    assert fake.get("Contact", ids[0])["Phone"] == "+47 0"  # type: ignore[index]


def test_per_record_lock_is_retriable(fake: FakeSalesforce, connector: SalesforceConnector) -> None:
    ids = insert_contacts(fake, 3)
    fake.faults.inject(
        "composite.sobjects.patch",
        FaultKind.RECORD_FAILURE,
        record_index=1,
        error_code="UNABLE_TO_LOCK_ROW",
    )

    results = connector.update_many("Contact", [RecordUpdate(rid, {"Phone": "1"}) for rid in ids])

    assert [(r.ok, r.retriable, r.error_code) for r in results] == [
        (True, False, ""),
        (False, True, "UNABLE_TO_LOCK_ROW"),
        (True, False, ""),
    ]


def test_whole_request_lock_is_retried(
    fake: FakeSalesforce, connector: SalesforceConnector, sleeps: list[float]
) -> None:
    ids = insert_contacts(fake, 2)
    fake.faults.inject("composite.sobjects.patch", FaultKind.ROW_LOCKED)

    results = connector.update_many("Contact", [RecordUpdate(rid, {"Phone": "1"}) for rid in ids])

    assert all(r.ok for r in results) and len(sleeps) == 1
    assert connector.calls.by_endpoint["composite.sobjects.patch"] == 2


def test_empty_update_makes_no_call(connector: SalesforceConnector) -> None:
    assert connector.update_many("Contact", []) == [] and connector.calls.by_endpoint == {}


# --- transient faults and sessions -------------------------------------------------------------


def test_rate_limit_honours_retry_after(
    fake: FakeSalesforce, connector: SalesforceConnector, sleeps: list[float]
) -> None:
    fake.faults.inject("query", FaultKind.RATE_LIMITED, retry_after=3)
    assert contacts(connector) == [[]]
    assert sleeps == [3.0] and connector.calls.by_endpoint == {"login": 1, "query": 2}


@pytest.mark.parametrize("kind", [FaultKind.UNAVAILABLE, FaultKind.TIMEOUT, FaultKind.RESET])
def test_transient_faults_are_retried(
    fake: FakeSalesforce, connector: SalesforceConnector, sleeps: list[float], kind: FaultKind
) -> None:
    insert_contacts(fake, 2_001)
    fake.faults.inject("query.more", kind, times=2)

    assert [len(p) for p in contacts(connector)] == [2000, 1]
    assert len(sleeps) == 2 and connector.calls.by_endpoint["query.more"] == 3


def test_exhausted_retries_raise_retriable(
    fake: FakeSalesforce, connector: SalesforceConnector, expect_error: ExpectError
) -> None:
    fake.faults.inject("query", FaultKind.UNAVAILABLE, times=5)

    error = expect_error(RetriableError, lambda: contacts(connector))

    assert "5 attempts" in str(error) and "SERVER_UNAVAILABLE" in str(error)
    assert connector.calls.by_endpoint == {"login": 1, "query": 5}


def test_sessions_expired_between_pages_cost_one_login(
    fake: FakeSalesforce, connector: SalesforceConnector
) -> None:
    insert_contacts(fake, 2_500)
    pages = connector.query_changed("Contact", FIELDS, None)
    first = next(pages)
    fake.expire_sessions()

    rest = list(pages)

    assert len(first) + sum(len(p) for p in rest) == 2_500
    assert connector.calls.by_endpoint == {"login": 2, "query": 1, "query.more": 2}
    assert fake.sessions_issued == 2


def test_session_expired_fault_costs_one_login(
    fake: FakeSalesforce, connector: SalesforceConnector
) -> None:
    connector.is_sandbox()
    fake.faults.inject("composite.sobjects.patch", FaultKind.SESSION_EXPIRED)
    rid = fake.insert("Contact", {"LastName": "x"})

    assert connector.update_many("Contact", [RecordUpdate(rid, {"Phone": "1"})])[0].ok
    assert connector.calls.by_endpoint["login"] == 2


def test_session_refused_after_a_fresh_login_is_final(
    fake: FakeSalesforce, connector: SalesforceConnector, expect_error: ExpectError
) -> None:
    connector.is_sandbox()
    fake.faults.inject("query", FaultKind.SESSION_EXPIRED, times=3)

    expect_error(AuthenticationError, connector.is_sandbox)

    assert connector.calls.by_endpoint == {"login": 2, "query": 3}  # never a third login


# --- contract breaks (raw stubs of exact URLs) -------------------------------------------------

STUB_INSTANCE = "https://stub.my.salesforce.com"
QUERY_URL = f"{STUB_INSTANCE}/services/data/v59.0/queryAll/"


def stub_connector(nap: Nap) -> SalesforceConnector:
    login = SessionLogin(STUB_INSTANCE, "00DSESSIONID0000!AQsecretsession")
    return SalesforceConnector(SalesforceSettings(login), sleep=nap)


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"Id": "003A", "FirstName": "A", "IsDeleted": False}, "SystemModstamp"),
        (
            {
                "FirstName": "A",
                "SystemModstamp": "2026-01-05T09:00:00.000+0000",
                "IsDeleted": False,
            },
            "Id",
        ),
        (
            {
                "Id": "003A",
                "FirstName": 5,
                "SystemModstamp": "2026-01-05T09:00:00.000+0000",
                "IsDeleted": False,
            },
            "FirstName",
        ),
        (
            {"Id": "003A", "FirstName": "A", "SystemModstamp": "yesterday", "IsDeleted": False},
            "SystemModstamp",
        ),
    ],
)
def test_malformed_record_is_a_contract_error(
    nap: Nap, expect_error: ExpectError, record: dict[str, object], field: str
) -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, QUERY_URL, json={"totalSize": 1, "done": True, "records": [record]})
        connector = stub_connector(nap)
        error = expect_error(
            ApiContractError, lambda: list(connector.query_changed("Contact", ["FirstName"], None))
        )
    assert "Contact" in str(error) and field in str(error)


def test_wrong_number_of_save_results_is_a_contract_error(
    nap: Nap, expect_error: ExpectError
) -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(
            responses.PATCH, f"{STUB_INSTANCE}/services/data/v59.0/composite/sobjects", json=[]
        )
        connector = stub_connector(nap)
        expect_error(
            ApiContractError, lambda: connector.update_many("Contact", [RecordUpdate("003A", {})])
        )


def test_unreadable_401_is_a_contract_error(nap: Nap, expect_error: ExpectError) -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(
            responses.POST,
            "https://test.salesforce.com/services/Soap/u/59.0",
            body=_LOGIN_OK,
            content_type="text/xml",
        )
        rsps.add(
            responses.GET,
            f"{STUB_INSTANCE}/services/data/v59.0/query/",
            json={"error": "nope"},
            status=401,
        )
        connector = SalesforceConnector(
            SalesforceSettings(PasswordLogin(USER, PASSWORD, TOKEN)), sleep=nap
        )
        expect_error(ApiContractError, connector.is_sandbox, "00DSTUBSESSION00!AQstub")


_LOGIN_OK = (
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
    f"<loginResponse><result><serverUrl>{STUB_INSTANCE}/services/Soap/u/59.0/00D</serverUrl>"
    "<sessionId>00DSTUBSESSION00!AQstub</sessionId></result></loginResponse></soapenv:Body>"
    "</soapenv:Envelope>"
)
