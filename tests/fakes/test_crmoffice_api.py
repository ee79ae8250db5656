"""FakeCrmoffice through its HTTP API (responses + mount), against the contract's promises.

.venv/bin/pytest tests/fakes -q -k crmoffice
# fixtures here are crm_*-named so they never clash with the Salesforce fake's tests
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
import responses

from harness.clock import FakeClock
from harness.fakes.crmoffice import FakeCrmoffice
from harness.fakes.faults import FaultKind
from harness.fakes.http import mount

API = "https://api.crmoffice.test"
TOKEN_URL = "https://identity.crmoffice.test/connect/token"
SECRET = "crm-test-secret"
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@dataclass
class CrmApi:
    """A bearer-authenticated requests session against the mounted fake."""

    session: requests.Session
    token: str

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.session.request(method, API + path, headers=headers, timeout=5, **kwargs)

    def items(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every row of a list, following nextCursor; asserts each page is a 200."""
        rows: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            query = {**params, "cursor": cursor} if cursor else params
            page = self.call("GET", path, params=query)
            assert page.status_code == 200, page.text
            rows += page.json()["items"]
            cursor = page.json()["nextCursor"]
            if cursor is None:
                return rows


def token_form(**overrides: str) -> dict[str, str]:
    form = {
        "grant_type": "client_credentials",
        "client_id": "talkqa",
        "client_secret": SECRET,
        "scope": "crmoffice offline_access",
    }
    form.update(overrides)
    return form


@pytest.fixture
def crm_clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def crm(crm_clock: FakeClock) -> FakeCrmoffice:
    return FakeCrmoffice(crm_clock, client_secret=SECRET)


@pytest.fixture
def crm_session(crm: FakeCrmoffice) -> Iterator[requests.Session]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        mount(rsps, crm)
        yield requests.Session()


@pytest.fixture
def crm_api(crm_session: requests.Session) -> CrmApi:
    answer = crm_session.post(TOKEN_URL, data=token_form(), timeout=5)
    assert answer.status_code == 200, answer.text
    return CrmApi(crm_session, answer.json()["access_token"])


def problem_of(response: requests.Response) -> dict[str, Any]:
    assert response.headers["Content-Type"] == "application/problem+json", response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code
    return body


# --- OAuth2 -----------------------------------------------------------------------------------


def test_client_credentials_grant_issues_bearer_and_refresh_token(
    crm_session: requests.Session,
) -> None:
    answer = crm_session.post(TOKEN_URL, data=token_form(), timeout=5)
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"] == "crmoffice offline_access"
    assert body["access_token"] and body["refresh_token"]
    assert answer.headers["Cache-Control"] == "no-store"


def test_refresh_token_works_after_expire_tokens(crm: FakeCrmoffice, crm_api: CrmApi) -> None:
    first = crm_api.session.post(TOKEN_URL, data=token_form(), timeout=5).json()
    crm.expire_tokens()
    refused = crm_api.call("GET", "/contacts")
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    renewed = crm_api.session.post(
        TOKEN_URL,
        timeout=5,
        data={
            "grant_type": "refresh_token",
            "refresh_token": first["refresh_token"],
            "client_id": "talkqa",
            "client_secret": SECRET,
        },
    )
    assert renewed.status_code == 200
    crm_api.token = renewed.json()["access_token"]
    assert crm_api.call("GET", "/contacts").status_code == 200


def test_access_token_expires_after_its_ttl(crm_clock: FakeClock, crm_api: CrmApi) -> None:
    crm_clock.advance(seconds=3599)
    assert crm_api.call("GET", "/contacts").status_code == 200
    crm_clock.advance(seconds=2)
    answer = crm_api.call("GET", "/contacts")
    assert answer.status_code == 401
    assert problem_of(answer)["detail"] == "the access token expired"


def test_client_secret_in_basic_auth_is_accepted(crm_session: requests.Session) -> None:
    answer = crm_session.post(
        TOKEN_URL, auth=("talkqa", SECRET), timeout=5, data={"grant_type": "client_credentials"}
    )
    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        (token_form(client_secret="wrong"), 401, "invalid_client"),
        (token_form(client_id="someone"), 401, "invalid_client"),
        (token_form(grant_type="password"), 400, "unsupported_grant_type"),
        ({"client_id": "talkqa", "client_secret": SECRET}, 400, "invalid_request"),
        ({"grant_type": "client_credentials"}, 400, "invalid_request"),
        (token_form(scope="crmoffice admin"), 400, "invalid_scope"),
        (token_form(grant_type="refresh_token", refresh_token="stolen"), 400, "invalid_grant"),
    ],
)
def test_token_errors_follow_rfc_6749(
    crm_session: requests.Session, form: dict[str, str], status: int, error: str
) -> None:
    answer = crm_session.post(TOKEN_URL, data=form, timeout=5)
    assert (answer.status_code, answer.json()["error"]) == (status, error)
    assert answer.json()["error_description"]


def test_token_endpoint_wants_a_form_not_json(crm_session: requests.Session) -> None:
    answer = crm_session.post(TOKEN_URL, json=token_form(), timeout=5)
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_request")


@pytest.mark.parametrize("authorization", [None, "Bearer nope", "Basic dGFsa3FhOng="])
def test_resources_need_a_valid_bearer_token(
    crm_session: requests.Session, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    answer = crm_session.get(API + "/contacts", headers=headers, timeout=5)
    assert answer.status_code == 401
    assert problem_of(answer)["type"] == "urn:crmoffice:problem:unauthorized"
    challenge = answer.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="crmoffice"')
    assert ('error="invalid_token"' in challenge) == (authorization == "Bearer nope")


# --- CRUD -------------------------------------------------------------------------------------


def test_contact_lifecycle(crm_clock: FakeClock, crm_api: CrmApi) -> None:
    created = crm_api.call("POST", "/contacts", json={"givenName": "Ada", "familyName": "Lovelace"})
    assert created.status_code == 201
    contact = created.json()
    assert created.headers["Location"] == f"{API}/contacts/{contact['id']}"
    assert contact == {
        "id": 100001,
        "givenName": "Ada",
        "familyName": "Lovelace",
        "mobilePhone": None,
        "directPhone": None,
        "createdAt": contact["createdAt"],
        "updatedAt": contact["createdAt"],
        "deletedAt": None,
    }
    assert crm_api.call("GET", "/contacts/100001").json() == contact

    crm_clock.advance(seconds=10)
    patched = crm_api.call(
        "PATCH", "/contacts/100001", json={"mobilePhone": "+47 400 00 000", "familyName": None}
    )
    assert patched.status_code == 200
    assert patched.json()["mobilePhone"] == "+47 400 00 000"
    assert patched.json()["familyName"] is None
    assert patched.json()["updatedAt"] > contact["updatedAt"]

    assert crm_api.call("DELETE", "/contacts/100001").status_code == 204
    for method in ("GET", "PATCH", "DELETE"):
        gone = crm_api.call(method, "/contacts/100001", json={})
        assert gone.status_code == 404
        assert problem_of(gone)["detail"] == "contacts 100001 was deleted"


def test_patch_without_a_change_keeps_updated_at(crm_clock: FakeClock, crm_api: CrmApi) -> None:
    contact = crm_api.call("POST", "/contacts", json={"givenName": "Ada"}).json()
    crm_clock.advance(seconds=60)
    same = crm_api.call("PATCH", f"/contacts/{contact['id']}", json={"givenName": "Ada"})
    assert same.json()["updatedAt"] == contact["updatedAt"]
    merge = crm_api.call(
        "PATCH",
        f"/contacts/{contact['id']}",
        data=json.dumps({"givenName": "Grace"}),
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert merge.status_code == 200
    assert merge.json()["givenName"] == "Grace"
    assert merge.json()["updatedAt"].startswith("2026-01-05T09:01:00.")


def test_company_lifecycle_and_empty_create(crm_api: CrmApi) -> None:
    empty = crm_api.call("POST", "/companies", json={})
    assert empty.status_code == 201
    company = empty.json()
    assert company["id"] == 700001 and company["name"] is None
    assert set(company) == {"id", "name", "createdAt", "updatedAt", "deletedAt"}
    renamed = crm_api.call("PATCH", "/companies/700001", json={"name": "Acme AS"})
    assert renamed.json()["name"] == "Acme AS"
    assert crm_api.call("GET", "/contacts/700001").status_code == 404  # ids do not cross types
    assert crm_api.call("DELETE", "/companies/700001").status_code == 204
    assert crm_api.call("DELETE", "/companies/700001").status_code == 404


def test_unknown_record_path_and_method(crm_api: CrmApi) -> None:
    missing = crm_api.call("GET", "/contacts/999999")
    assert problem_of(missing)["detail"] == "contacts 999999 does not exist"
    assert crm_api.call("GET", "/contacts/abc").status_code == 404
    assert crm_api.call("GET", "/users").status_code == 404
    wrong = crm_api.call("PUT", "/contacts/1", json={})
    assert wrong.status_code == 405
    assert wrong.headers["Allow"] == "DELETE, GET, PATCH"


def test_timestamps_are_rfc3339_utc_milliseconds(crm: FakeCrmoffice) -> None:
    record_id = crm.insert("contacts", {}, at=datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC))
    record = crm.get("contacts", record_id)
    assert record is not None and record["createdAt"] == "2026-03-01T12:00:00.123Z"


# --- a person in the UI -----------------------------------------------------------------------


def test_ui_changes_are_not_api_calls_but_validate_like_the_api(crm: FakeCrmoffice) -> None:
    record_id = crm.insert("contacts", {"givenName": "Ada"}, at=T0)
    crm.ui_edit("contacts", record_id, {"directPhone": "22 00 00 00"}, at=T0 + timedelta(hours=1))
    assert crm.get("contacts", record_id) == {
        "id": record_id,
        "givenName": "Ada",
        "familyName": None,
        "mobilePhone": None,
        "directPhone": "22 00 00 00",
        "createdAt": "2026-01-05T09:00:00.000Z",
        "updatedAt": "2026-01-05T10:00:00.000Z",
        "deletedAt": None,
    }
    crm.ui_delete("contacts", record_id, at=T0 + timedelta(hours=2))
    assert crm.get("contacts", record_id) is None
    deleted = crm.get("contacts", record_id, include_deleted=True)
    assert deleted is not None and deleted["deletedAt"] == "2026-01-05T11:00:00.000Z"
    assert crm.records("contacts") == [] and len(crm.records("contacts", include_deleted=True)) == 1
    assert crm.calls.all() == []
    with pytest.raises(ValueError, match="givenName is 101 characters; at most 100 allowed"):
        crm.insert("contacts", {"givenName": "x" * 101})
    with pytest.raises(ValueError, match="unknown field 'Name'"):
        crm.insert("companies", {"Name": "Acme"})
    with pytest.raises(ValueError, match="No Crmoffice type 'accounts'"):
        crm.insert("accounts", {})
    with pytest.raises(KeyError):
        crm.ui_edit("contacts", record_id, {"givenName": "Back"})


# --- lists: paging, updatedSince, includeDeleted ------------------------------------------------


def test_paging_2500_records_by_limit_and_cursor(crm: FakeCrmoffice, crm_api: CrmApi) -> None:
    # Runs of seven records share one millisecond, so ties are broken by id across pages.
    ids = [
        crm.insert("contacts", {"givenName": f"n{i}"}, at=T0 + timedelta(milliseconds=i // 7))
        for i in range(2500)
    ]
    for limit, pages in ((1000, 3), (100, 25), (7, 358)):
        mark = crm.calls.mark()
        rows = crm_api.items("/contacts", limit=limit)
        assert [row["id"] for row in rows] == ids
        assert len(crm.calls.since(mark)) == pages
    first = crm_api.call("GET", "/contacts").json()
    assert len(first["items"]) == 100 and first["nextCursor"]


def test_list_order_is_updated_at_then_id(crm: FakeCrmoffice, crm_api: CrmApi) -> None:
    late = crm.insert("contacts", {}, at=T0 + timedelta(seconds=5))
    early_b = crm.insert("contacts", {}, at=T0)
    early_a = crm.insert("contacts", {}, at=T0 - timedelta(seconds=1))
    assert [r["id"] for r in crm_api.items("/contacts")] == [early_a, early_b, late]


def test_updated_since_is_inclusive(crm: FakeCrmoffice, crm_api: CrmApi) -> None:
    stamps = [T0 + timedelta(seconds=s) for s in (0, 1, 2)]
    ids = [crm.insert("contacts", {}, at=at) for at in stamps]
    assert [
        r["id"] for r in crm_api.items("/contacts", updatedSince="2026-01-05T09:00:01.000Z")
    ] == ids[1:]
    # the same instant written with an offset and without milliseconds
    assert [
        r["id"] for r in crm_api.items("/contacts", updatedSince="2026-01-05T10:00:01+01:00")
    ] == ids[1:]
    assert crm_api.items("/contacts", updatedSince="2026-01-05T09:00:02.001Z") == []


def test_edits_during_paging_never_skip_a_row(
    crm: FakeCrmoffice, crm_api: CrmApi, crm_clock: FakeClock
) -> None:
    ids = [crm.insert("contacts", {}, at=T0 + timedelta(milliseconds=i)) for i in range(250)]
    crm_clock.set(T0 + timedelta(minutes=5))
    first = crm_api.call("GET", "/contacts", params={"limit": 100}).json()
    seen = [row["id"] for row in first["items"]]
    crm.ui_edit("contacts", ids[10], {"givenName": "seen, then edited"})
    crm.ui_edit("contacts", ids[200], {"givenName": "edited before it was seen"})
    crm_api.call("PATCH", f"/contacts/{ids[150]}", json={"givenName": "edited via the API"})
    new = crm.insert("contacts", {"givenName": "created while paging"})
    cursor = first["nextCursor"]
    while cursor:
        page = crm_api.call("GET", "/contacts", params={"limit": 100, "cursor": cursor}).json()
        seen += [row["id"] for row in page["items"]]
        cursor = page["nextCursor"]
    assert set(seen) == {*ids, new}
    assert seen.count(ids[10]) == 2  # seen twice is fine; skipped never
    assert seen.count(ids[200]) == seen.count(ids[150]) == 1
    assert seen[-4:] == [ids[10], ids[200], ids[150], new]


def test_include_deleted_lists_deleted_rows_with_deleted_at(
    crm: FakeCrmoffice, crm_api: CrmApi, crm_clock: FakeClock
) -> None:
    keep, drop = crm.insert("companies", {"name": "A"}), crm.insert("companies", {"name": "B"})
    crm_clock.advance(minutes=1)
    assert crm_api.call("DELETE", f"/companies/{drop}").status_code == 204
    assert [r["id"] for r in crm_api.items("/companies")] == [keep]
    rows = crm_api.items("/companies", includeDeleted="true")
    assert [(r["id"], r["deletedAt"] is not None) for r in rows] == [(keep, False), (drop, True)]
    since = rows[-1]["deletedAt"]
    assert [
        r["id"] for r in crm_api.items("/companies", includeDeleted="true", updatedSince=since)
    ] == [drop]
    assert crm_api.items("/companies", includeDeleted="false", updatedSince=since) == []


# --- Idempotency-Key --------------------------------------------------------------------------


def test_idempotency_key_replays_the_first_create(crm: FakeCrmoffice, crm_api: CrmApi) -> None:
    key = {"Idempotency-Key": "insert-salesforce-contact:003000000000001AAA"}
    first = crm_api.call("POST", "/contacts", json={"givenName": "Ada"}, headers=key)
    again = crm_api.call(
        "POST",
        "/contacts",
        data='{ "givenName" : "Ada" }',
        headers={**key, "Content-Type": "application/json"},
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert len(crm.records("contacts")) == 1
    other_type = crm_api.call("POST", "/companies", json={}, headers=key)
    assert other_type.status_code == 201 and "Idempotent-Replayed" not in other_type.headers


def test_idempotency_replay_is_the_first_answer_after_later_edits(
    crm: FakeCrmoffice, crm_api: CrmApi
) -> None:
    key = {"Idempotency-Key": "insert-salesforce-contact:003000000000002AAA"}
    first = crm_api.call("POST", "/contacts", json={"givenName": "Ada"}, headers=key)
    crm.clock.advance(seconds=5)
    crm.ui_edit("contacts", first.json()["id"], {"givenName": "Grace"})
    again = crm_api.call("POST", "/contacts", json={"givenName": "Ada"}, headers=key)
    assert again.json() == first.json()
    assert crm.records("contacts")[0]["givenName"] == "Grace"


def test_idempotency_key_with_another_body_conflicts(crm: FakeCrmoffice, crm_api: CrmApi) -> None:
    key = {"Idempotency-Key": "k-1"}
    crm_api.call("POST", "/contacts", json={"givenName": "Ada"}, headers=key)
    clash = crm_api.call("POST", "/contacts", json={"givenName": "Grace"}, headers=key)
    assert clash.status_code == 409
    assert problem_of(clash) == {
        "type": "urn:crmoffice:problem:idempotency-conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "Idempotency-Key 'k-1' was already used with a different body",
    }
    assert len(crm.records("contacts")) == 1


def test_idempotency_key_expires_after_24_hours(
    crm: FakeCrmoffice, crm_api: CrmApi, crm_clock: FakeClock
) -> None:
    key = {"Idempotency-Key": "k-2"}
    crm_api.call("POST", "/contacts", json={}, headers=key)
    crm_clock.advance(hours=23, minutes=59)
    crm_api.token = crm_api.session.post(TOKEN_URL, data=token_form(), timeout=5).json()[
        "access_token"
    ]
    assert (
        crm_api.call("POST", "/contacts", json={}, headers=key).headers.get("Idempotent-Replayed")
        == "true"
    )
    crm_clock.advance(minutes=2)
    assert (
        "Idempotent-Replayed" not in crm_api.call("POST", "/contacts", json={}, headers=key).headers
    )
    assert len(crm.records("contacts")) == 2


# --- validation -------------------------------------------------------------------------------

BODY_ERRORS = [
    (
        "/contacts",
        {"givenName": "x" * 101},
        "givenName",
        "maxLength",
        "givenName is 101 characters; at most 100 allowed",
    ),
    (
        "/contacts",
        {"familyName": "x" * 101},
        "familyName",
        "maxLength",
        "familyName is 101 characters; at most 100 allowed",
    ),
    (
        "/contacts",
        {"mobilePhone": "1" * 41},
        "mobilePhone",
        "maxLength",
        "mobilePhone is 41 characters; at most 40 allowed",
    ),
    (
        "/contacts",
        {"directPhone": "1" * 41},
        "directPhone",
        "maxLength",
        "directPhone is 41 characters; at most 40 allowed",
    ),
    (
        "/companies",
        {"name": "x" * 256},
        "name",
        "maxLength",
        "name is 256 characters; at most 255 allowed",
    ),
    (
        "/contacts",
        {"givenName": 5},
        "givenName",
        "type",
        "givenName must be a string or null; got integer",
    ),
    (
        "/contacts",
        {"directPhone": True},
        "directPhone",
        "type",
        "directPhone must be a string or null; got boolean",
    ),
    ("/companies", {"name": ["Acme"]}, "name", "type", "name must be a string or null; got array"),
    (
        "/contacts",
        {"FirstName": "Ada"},
        "FirstName",
        "unknownField",
        "unknown field 'FirstName'; known: directPhone, familyName, givenName, mobilePhone",
    ),
    ("/companies", {"email": "a@b"}, "email", "unknownField", "unknown field 'email'; known: name"),
    ("/contacts", {"id": 1}, "id", "readOnly", "id is read-only"),
    (
        "/contacts",
        {"createdAt": "2026-01-01T00:00:00.000Z"},
        "createdAt",
        "readOnly",
        "createdAt is read-only",
    ),
    ("/companies", {"updatedAt": None}, "updatedAt", "readOnly", "updatedAt is read-only"),
    ("/companies", {"deletedAt": None}, "deletedAt", "readOnly", "deletedAt is read-only"),
    ("/contacts", ["givenName"], "body", "type", "body must be a JSON object; got array"),
    ("/contacts", "Ada", "body", "type", "body must be a JSON object; got string"),
]


@pytest.mark.parametrize(("path", "body", "field", "code", "message"), BODY_ERRORS)
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_body_validation_names_the_field(
    crm: FakeCrmoffice,
    crm_api: CrmApi,
    method: str,
    path: str,
    body: Any,
    field: str,
    code: str,
    message: str,
) -> None:
    record_id = crm.insert(path.strip("/"), {})
    target = path if method == "POST" else f"{path}/{record_id}"
    answer = crm_api.call(method, target, json=body)
    assert answer.status_code == 400
    assert problem_of(answer) == {
        "type": "urn:crmoffice:problem:validation",
        "title": "Validation failed",
        "status": 400,
        "detail": message,
        "errors": [{"field": field, "code": code, "message": message}],
    }
    assert len(crm.records(path.strip("/"))) == 1  # nothing created


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"not json", "body is not valid JSON: Expecting value (line 1 column 1)"),
        (
            b'{"givenName": "Ada",}',
            "body is not valid JSON: Expecting property name enclosed in double quotes "
            "(line 1 column 21)",
        ),
        (b"\xff\xfe", "body is not valid JSON: not UTF-8"),
        (b"", "body is empty; send a JSON object"),
        (b"[" * 100_000, "body is not valid JSON: nested too deeply"),
    ],
)
def test_a_body_that_is_not_json_is_invalid_json(crm_api: CrmApi, raw: bytes, message: str) -> None:
    answer = crm_api.call(
        "POST", "/contacts", data=raw, headers={"Content-Type": "application/json"}
    )
    assert problem_of(answer)["errors"] == [
        {"field": "body", "code": "invalidJson", "message": message}
    ]


def test_several_problems_are_all_listed(crm_api: CrmApi) -> None:
    answer = crm_api.call("POST", "/contacts", json={"id": 3, "givenName": 1, "x": None})
    assert [(e["field"], e["code"]) for e in problem_of(answer)["errors"]] == [
        ("id", "readOnly"),
        ("givenName", "type"),
        ("x", "unknownField"),
    ]


def test_wrong_content_type_is_415(crm_api: CrmApi) -> None:
    answer = crm_api.call(
        "POST",
        "/contacts",
        data="givenName=Ada",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 415
    assert problem_of(answer)["detail"] == (
        "Content-Type 'application/x-www-form-urlencoded' is not accepted; send application/json"
    )
    merge_on_post = crm_api.call(
        "POST", "/contacts", data="{}", headers={"Content-Type": "application/merge-patch+json"}
    )
    assert merge_on_post.status_code == 415


def test_idempotency_key_longer_than_255_is_refused(crm_api: CrmApi) -> None:
    answer = crm_api.call("POST", "/contacts", json={}, headers={"Idempotency-Key": "k" * 256})
    assert problem_of(answer)["errors"] == [
        {
            "field": "Idempotency-Key",
            "code": "maxLength",
            "message": "Idempotency-Key is 256 characters; 1 to 255 allowed",
        }
    ]


@pytest.mark.parametrize(
    ("params", "field", "code", "message"),
    [
        ({"limit": "0"}, "limit", "range", "limit must be an integer from 1 to 1000; got '0'"),
        (
            {"limit": "1001"},
            "limit",
            "range",
            "limit must be an integer from 1 to 1000; got '1001'",
        ),
        ({"limit": "ten"}, "limit", "type", "limit must be an integer from 1 to 1000; got 'ten'"),
        ({"limit": "-1"}, "limit", "type", "limit must be an integer from 1 to 1000; got '-1'"),
        (
            {"updatedSince": "yesterday"},
            "updatedSince",
            "format",
            "updatedSince must be an RFC 3339 date-time such as 2026-01-05T09:00:00.000Z; "
            "got 'yesterday'",
        ),
        (
            {"updatedSince": "2026-01-05T09:00:00"},
            "updatedSince",
            "format",  # no offset
            "updatedSince must be an RFC 3339 date-time such as 2026-01-05T09:00:00.000Z; "
            "got '2026-01-05T09:00:00'",
        ),
        (
            {"updatedSince": "2026-02-30T09:00:00Z"},
            "updatedSince",
            "format",
            "updatedSince must be an RFC 3339 date-time such as 2026-01-05T09:00:00.000Z; "
            "got '2026-02-30T09:00:00Z'",
        ),
        (
            {"cursor": "bogus"},
            "cursor",
            "invalidCursor",
            "cursor 'bogus' was not issued by this API; pass nextCursor unchanged",
        ),
        (
            {"includeDeleted": "yes"},
            "includeDeleted",
            "type",
            "includeDeleted must be true or false; got 'yes'",
        ),
    ],
)
def test_bad_query_parameters_are_named(
    crm_api: CrmApi, params: dict[str, str], field: str, code: str, message: str
) -> None:
    answer = crm_api.call("GET", "/contacts", params=params)
    assert answer.status_code == 400
    assert problem_of(answer)["errors"] == [{"field": field, "code": code, "message": message}]


# --- faults -----------------------------------------------------------------------------------


def test_rate_limit_answers_429_with_retry_after_in_seconds(
    crm: FakeCrmoffice, crm_api: CrmApi
) -> None:
    crm.faults.inject("contacts.list", FaultKind.RATE_LIMITED, retry_after=2.5)
    limited = crm_api.call("GET", "/contacts")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "3"
    assert problem_of(limited)["type"] == "urn:crmoffice:problem:rate-limited"
    assert crm_api.call("GET", "/contacts").status_code == 200


def test_unavailable_answers_503(crm: FakeCrmoffice, crm_api: CrmApi) -> None:
    crm.faults.inject("companies.*", FaultKind.UNAVAILABLE, times=2)
    assert crm_api.call("POST", "/companies", json={}).status_code == 503
    assert problem_of(crm_api.call("GET", "/companies"))["status"] == 503
    assert crm.records("companies") == []
    assert crm_api.call("POST", "/companies", json={}).status_code == 201


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        (FaultKind.TIMEOUT, requests.exceptions.ReadTimeout),
        (FaultKind.RESET, requests.exceptions.ConnectionError),
    ],
)
def test_transport_faults_create_nothing(
    crm: FakeCrmoffice, crm_api: CrmApi, kind: FaultKind, error: type[Exception]
) -> None:
    crm.faults.inject("contacts.create", kind)
    with pytest.raises(error):
        crm_api.call("POST", "/contacts", json={"givenName": "Ada"})
    assert crm.records("contacts") == []
    assert crm.calls.by_route()["contacts.create"] == 1


def test_session_expired_revokes_that_token(crm: FakeCrmoffice, crm_api: CrmApi) -> None:
    crm.faults.inject("contacts.get", FaultKind.SESSION_EXPIRED)
    record_id = crm.insert("contacts", {})
    expired = crm_api.call("GET", f"/contacts/{record_id}")
    assert expired.status_code == 401
    assert 'error="invalid_token"' in expired.headers["WWW-Authenticate"]
    assert crm_api.call("GET", "/contacts").status_code == 401  # the token stays dead
    crm_api.token = crm_api.session.post(TOKEN_URL, data=token_form(), timeout=5).json()[
        "access_token"
    ]
    assert crm_api.call("GET", f"/contacts/{record_id}").status_code == 200


def test_row_locked_is_a_transient_409_on_writes(crm: FakeCrmoffice, crm_api: CrmApi) -> None:
    record_id = crm.insert("contacts", {"givenName": "Ada"})
    crm.faults.inject("contacts.*", FaultKind.ROW_LOCKED, times=2)
    locked = crm_api.call("PATCH", f"/contacts/{record_id}", json={"givenName": "Grace"})
    assert locked.status_code == 409
    assert problem_of(locked) == {
        "type": "urn:crmoffice:problem:locked",
        "title": "Conflict",
        "status": 409,
        "detail": "record is locked",
    }
    assert crm_api.call("GET", "/contacts").status_code == 503  # a read meets it as unavailable
    assert crm.get("contacts", record_id) == crm_api.call("GET", f"/contacts/{record_id}").json()
    assert crm_api.call("GET", f"/contacts/{record_id}").json()["givenName"] == "Ada"


def test_record_failure_is_a_400_and_creates_nothing(crm: FakeCrmoffice, crm_api: CrmApi) -> None:
    crm.faults.inject(
        "contacts.create",
        FaultKind.RECORD_FAILURE,
        error_code="maxLength",
        message="givenName is too long for the target",
    )
    answer = crm_api.call("POST", "/contacts", json={"givenName": "Ada"})
    assert problem_of(answer)["errors"] == [
        {"field": "body", "code": "maxLength", "message": "givenName is too long for the target"}
    ]
    assert crm.records("contacts") == []


def test_faults_on_the_token_endpoint(crm: FakeCrmoffice, crm_session: requests.Session) -> None:
    crm.faults.inject("oauth.token", FaultKind.RATE_LIMITED, retry_after=1)
    crm.faults.inject("oauth.token", FaultKind.SESSION_EXPIRED)
    assert crm_session.post(TOKEN_URL, data=token_form(), timeout=5).status_code == 429
    refused = crm_session.post(TOKEN_URL, data=token_form(), timeout=5)
    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_client")
    assert crm_session.post(TOKEN_URL, data=token_form(), timeout=5).status_code == 200


# --- call counts ------------------------------------------------------------------------------


def test_every_route_is_counted_by_name_and_kind(crm: FakeCrmoffice, crm_api: CrmApi) -> None:
    for type_name in ("contacts", "companies"):
        created = crm_api.call("POST", f"/{type_name}", json={}).json()
        crm_api.call("GET", f"/{type_name}")
        crm_api.call("GET", f"/{type_name}/{created['id']}")
        crm_api.call("PATCH", f"/{type_name}/{created['id']}", json={})
        crm_api.call("DELETE", f"/{type_name}/{created['id']}")
    crm.faults.inject("contacts.list", FaultKind.UNAVAILABLE)
    crm_api.call("GET", "/contacts")
    crm.insert("contacts", {})  # the UI is not the API
    assert crm.calls.by_route() == {
        "oauth.token": 1,
        "contacts.create": 1,
        "contacts.list": 2,
        "contacts.get": 1,
        "contacts.update": 1,
        "contacts.delete": 1,
        "companies.create": 1,
        "companies.list": 1,
        "companies.get": 1,
        "companies.update": 1,
        "companies.delete": 1,
    }
    assert (crm.calls.count(kind="read"), crm.calls.count(kind="write")) == (6, 6)
    assert [c.status for c in crm.calls.all() if c.route == "contacts.list"] == [200, 503]
    assert {route.name for route in crm.routes} == set(crm.calls.by_route())


def test_a_base_url_with_a_path_prefix(crm_clock: FakeClock) -> None:
    crm = FakeCrmoffice(
        crm_clock,
        base_url="https://crm.example.test/api/v2/",
        identity_url="https://crm.example.test/identity",
        client_secret=SECRET,
    )
    assert crm.hosts == ("https://crm.example.test",)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        mount(rsps, crm)
        token = requests.post(
            "https://crm.example.test/identity/connect/token", data=token_form(), timeout=5
        ).json()["access_token"]
        created = requests.post(
            "https://crm.example.test/api/v2/contacts",
            json={},
            timeout=5,
            headers={"Authorization": f"Bearer {token}"},
        )
        assert created.headers["Location"] == "https://crm.example.test/api/v2/contacts/100001"
        assert requests.get("https://crm.example.test/contacts", timeout=5).status_code == 404
