"""CrmofficeConnector against FakeCrmoffice (mounted in `responses`); raw stubs for contract breaks.

.venv/bin/pytest tests/connectors -q -k crmoffice
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
import responses

from harness.clock import FakeClock
from harness.connectors.base import RecordUpdate
from harness.connectors.crmoffice import CrmofficeConnector
from harness.connectors.settings import CrmofficeSettings
from harness.errors import (
    ApiContractError,
    AuthenticationError,
    ConfigError,
    NotFoundError,
    RetriableError,
    TalkQAError,
)
from harness.fakes.crmoffice import FakeCrmoffice
from harness.fakes.faults import FaultKind
from harness.fakes.http import mount

API = "https://api.crmoffice.test"
TOKEN_URL = "https://identity.crmoffice.test/connect/token"
SECRET = "fake-crm-client-secret"
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ExpectError = Callable[..., TalkQAError]  # the conftest fixture
FIELDS = ["givenName", "familyName", "mobilePhone", "directPhone"]


@pytest.fixture
def crm() -> Iterator[FakeCrmoffice]:
    fake = FakeCrmoffice(FakeClock(T0), client_id="talkqa", client_secret=SECRET)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        mount(rsps, fake)
        yield fake


def settings(secret: str = SECRET, refresh_token: str | None = None) -> CrmofficeSettings:
    return CrmofficeSettings(API, TOKEN_URL, "talkqa", secret, refresh_token=refresh_token)


@pytest.fixture
def connector(crm: FakeCrmoffice, nap: Callable[[float], None]) -> CrmofficeConnector:
    return CrmofficeConnector(settings(), sleep=nap)


def all_records(connector: CrmofficeConnector, since: datetime | None = None) -> list[str]:
    return [r.record_id for page in connector.list_changed("contacts", FIELDS, since) for r in page]


# --- reads -----------------------------------------------------------------------------------


def test_list_pages_with_cursor_and_counts_every_call(
    crm: FakeCrmoffice, nap: Callable[[float], None]
) -> None:
    for n in range(2_500):
        crm.insert("contacts", {"givenName": f"G{n}", "familyName": "F"})
    connector = CrmofficeConnector(settings(), sleep=nap, page_size=1000)

    pages = list(connector.list_changed("contacts", FIELDS, None))

    assert [len(p) for p in pages] == [1000, 1000, 500]
    assert connector.calls.by_endpoint == {"oauth.token": 1, "contacts.list": 3}
    assert crm.calls.count(route="contacts.list") == 3
    first = pages[0][0]
    assert first.values == {
        "givenName": "G0",
        "familyName": "F",
        "mobilePhone": None,
        "directPhone": None,
    }
    assert first.record_id.isdigit() and first.modified_at.tzinfo is not None


def test_since_is_inclusive_and_deleted_records_are_flagged(
    crm: FakeCrmoffice, connector: CrmofficeConnector
) -> None:
    old = crm.insert("contacts", {"givenName": "old"}, at=T0)
    edge = crm.insert("contacts", {"givenName": "edge"}, at=T0 + timedelta(seconds=10))
    gone = crm.insert("contacts", {"givenName": "gone"}, at=T0 + timedelta(seconds=20))
    crm.ui_delete("contacts", gone, at=T0 + timedelta(seconds=30))

    records = [
        r
        for page in connector.list_changed("contacts", FIELDS, T0 + timedelta(seconds=10))
        for r in page
    ]

    assert [r.record_id for r in records] == [str(edge), str(gone)]
    assert str(old) not in all_records(connector, T0 + timedelta(seconds=10))
    assert [r.deleted for r in records] == [False, True]


def test_unknown_type_names_the_known_ones(
    connector: CrmofficeConnector, expect_error: ExpectError
) -> None:
    error = expect_error(ConfigError, lambda: list(connector.list_changed("persons", FIELDS, None)))
    assert "contacts, companies" in str(error)


# --- writes ----------------------------------------------------------------------------------


def test_create_with_the_same_key_twice_makes_one_record(
    crm: FakeCrmoffice, connector: CrmofficeConnector
) -> None:
    first = connector.create("contacts", {"givenName": "Ada"}, idempotency_key="link-1")
    again = connector.create("contacts", {"givenName": "Ada"}, idempotency_key="link-1")

    assert first.ok and again.ok and first.record_id == again.record_id
    assert len(crm.records("contacts")) == 1
    assert connector.calls.write == 2


def test_create_retried_after_a_timeout_does_not_duplicate(
    crm: FakeCrmoffice, connector: CrmofficeConnector
) -> None:
    crm.faults.inject("contacts.create", FaultKind.TIMEOUT)

    result = connector.create("contacts", {"givenName": "Ada"}, idempotency_key="link-2")

    assert result.ok and len(crm.records("contacts")) == 1


def test_same_key_other_body_is_a_rejected_write(connector: CrmofficeConnector) -> None:
    connector.create("contacts", {"givenName": "Ada"}, idempotency_key="link-3")
    clash = connector.create("contacts", {"givenName": "Bob"}, idempotency_key="link-3")
    assert not clash.ok and not clash.retriable and "409" in clash.message


def test_update_patches_only_given_values(
    crm: FakeCrmoffice, connector: CrmofficeConnector
) -> None:
    rid = crm.insert("contacts", {"givenName": "Ada", "familyName": "Lovelace"})

    result = connector.update(
        "contacts", RecordUpdate(str(rid), {"mobilePhone": "+47 1", "givenName": None})
    )

    assert result.ok and result.record_id == str(rid)
    stored = crm.get("contacts", rid)
    assert stored is not None
    assert (stored["givenName"], stored["familyName"], stored["mobilePhone"]) == (
        None,
        "Lovelace",
        "+47 1",
    )


def test_validation_failure_is_a_write_result_not_an_exception(
    crm: FakeCrmoffice, connector: CrmofficeConnector
) -> None:
    rid = crm.insert("contacts", {"givenName": "Ada"})

    result = connector.update("contacts", RecordUpdate(str(rid), {"givenName": "x" * 101}))

    assert not result.ok and result.error_code == "maxLength" and result.fields == ("givenName",)
    assert "101" in result.message


def test_update_of_missing_record_is_not_found(
    connector: CrmofficeConnector, expect_error: ExpectError
) -> None:
    expect_error(
        NotFoundError, lambda: connector.update("contacts", RecordUpdate("999", {"givenName": "A"}))
    )
    expect_error(
        NotFoundError, lambda: connector.update("contacts", RecordUpdate("abc", {"givenName": "A"}))
    )


# --- faults ----------------------------------------------------------------------------------


def test_rate_limit_honours_retry_after(
    crm: FakeCrmoffice, connector: CrmofficeConnector, sleeps: list[float]
) -> None:
    crm.faults.inject("contacts.list", FaultKind.RATE_LIMITED, retry_after=7)

    assert all_records(connector) == []
    assert sleeps == [7.0]
    assert connector.calls.by_endpoint["contacts.list"] == 2


@pytest.mark.parametrize(
    "kind", [FaultKind.UNAVAILABLE, FaultKind.TIMEOUT, FaultKind.RESET, FaultKind.ROW_LOCKED]
)
def test_transient_faults_are_retried(
    crm: FakeCrmoffice, connector: CrmofficeConnector, sleeps: list[float], kind: FaultKind
) -> None:
    crm.faults.inject("contacts.*", kind, times=2)

    result = connector.create("contacts", {"givenName": "Ada"}, idempotency_key=f"k-{kind}")

    assert result.ok and len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 1.0 <= sleeps[1] <= 1.5  # 0.5 s doubling, plus up to 0.5 s jitter
    assert connector.calls.by_endpoint["contacts.create"] == 3


def test_exhausted_retries_raise_retriable_naming_the_host(
    crm: FakeCrmoffice, connector: CrmofficeConnector, expect_error: ExpectError
) -> None:
    crm.faults.inject("contacts.list", FaultKind.TIMEOUT, times=5)

    error = expect_error(RetriableError, lambda: all_records(connector))

    assert "api.crmoffice.test" in str(error) and "5 attempts" in str(error)
    assert connector.calls.by_endpoint["contacts.list"] == 5


def test_expired_token_costs_exactly_one_token_call(
    crm: FakeCrmoffice, connector: CrmofficeConnector
) -> None:
    crm.insert("contacts", {"givenName": "Ada"})
    all_records(connector)
    crm.expire_tokens()

    assert len(all_records(connector)) == 1
    assert connector.calls.by_endpoint == {"oauth.token": 2, "contacts.list": 3}


def test_session_expired_fault_mid_run_is_recovered(
    crm: FakeCrmoffice, connector: CrmofficeConnector
) -> None:
    all_records(connector)
    crm.faults.inject("contacts.create", FaultKind.SESSION_EXPIRED)

    assert connector.create("contacts", {"givenName": "Ada"}, idempotency_key="k-exp").ok
    assert connector.calls.by_endpoint["oauth.token"] == 2


def test_stale_refresh_token_falls_back_to_client_credentials(
    crm: FakeCrmoffice, nap: Callable[[float], None]
) -> None:
    connector = CrmofficeConnector(settings(refresh_token="stale-refresh-token"), sleep=nap)

    assert all_records(connector) == []
    assert connector.calls.by_endpoint == {"oauth.token": 2, "contacts.list": 1}


def test_wrong_secret_is_authentication_error_without_the_secret(
    crm: FakeCrmoffice, nap: Callable[[float], None], expect_error: ExpectError
) -> None:
    connector = CrmofficeConnector(settings(secret="wrong-crm-secret"), sleep=nap)

    error = expect_error(AuthenticationError, lambda: all_records(connector))

    assert "invalid_client" in str(error) and "'talkqa'" in str(error)


# --- contract breaks (raw stubs of exact URLs) -------------------------------------------------


def stub_token(rsps: responses.RequestsMock) -> None:
    body = {
        "access_token": "tok-123456",
        "token_type": "Bearer",
        "expires_in": 3600,
        "refresh_token": "ref-123456",
        "scope": "crmoffice offline_access",
    }
    rsps.add(responses.POST, TOKEN_URL, json=body)


def test_item_without_updated_at_is_a_contract_error(
    nap: Callable[[float], None], expect_error: ExpectError
) -> None:
    item = {
        "id": 5,
        "givenName": "A",
        "familyName": None,
        "mobilePhone": None,
        "directPhone": None,
        "createdAt": "2026-01-05T09:00:00.000Z",
        "deletedAt": None,
    }
    with responses.RequestsMock() as rsps:
        stub_token(rsps)
        rsps.add(responses.GET, f"{API}/contacts", json={"items": [item], "nextCursor": None})
        connector = CrmofficeConnector(settings(), sleep=nap)
        error = expect_error(ApiContractError, lambda: all_records(connector), "tok-123456")
    assert "updatedAt" in str(error) and "contacts" in str(error) and "record 5" in str(error)


@pytest.mark.parametrize(
    "body", [{"id": "7", "updatedAt": "2026-01-05T09:00:00.000Z"}, {"id": 7}, {"id": True}]
)
def test_created_record_with_wrong_id_or_stamp_is_a_contract_error(
    nap: Callable[[float], None], expect_error: ExpectError, body: dict[str, object]
) -> None:
    with responses.RequestsMock() as rsps:
        stub_token(rsps)
        rsps.add(responses.POST, f"{API}/contacts", json=body, status=201)
        connector = CrmofficeConnector(settings(), sleep=nap)
        expect_error(
            ApiContractError, lambda: connector.create("contacts", {}, idempotency_key="k")
        )


def test_401_after_a_fresh_token_is_final(
    nap: Callable[[float], None], expect_error: ExpectError
) -> None:
    problem = {
        "type": "urn:crmoffice:problem:unauthorized",
        "title": "Unauthorized",
        "status": 401,
        "detail": "the access token is unknown or revoked",
    }
    with responses.RequestsMock() as rsps:
        stub_token(rsps)
        rsps.add(responses.GET, f"{API}/contacts", json=problem, status=401)
        connector = CrmofficeConnector(settings(), sleep=nap)
        error = expect_error(
            AuthenticationError, lambda: all_records(connector), "tok-123456", "ref-123456"
        )
    assert connector.calls.by_endpoint == {"oauth.token": 2, "contacts.list": 2}
    assert "revoked" in str(error)
