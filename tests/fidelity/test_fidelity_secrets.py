"""Secrets are filtered at record time, and check_no_secrets finds any left, naming the place."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import requests
from simple_salesforce import Salesforce

from harness.fakes.world import (
    FAKE_CRM_CLIENT_ID,
    FAKE_CRM_CLIENT_SECRET,
    FAKE_SF_PASSWORD,
    FAKE_SF_TOKEN,
    FAKE_SF_USERNAME,
    FakeWorld,
)
from harness.fidelity.cassette import (
    Interaction,
    RecordedRequest,
    RecordedResponse,
    read_cassette,
    write_cassette,
)
from harness.fidelity.errors import SecretInCassetteError
from harness.fidelity.logins import FAKE_SF_CONSUMER_KEY, FAKE_SF_CONSUMER_SECRET
from harness.fidelity.recorder import CassetteRecorder
from harness.fidelity.replay import replay_cassette
from harness.fidelity.secrets import check_no_secrets, find_secrets
from harness.sandbox import seam
from harness.sandbox.seam import SandboxFakes

RUN_SECRETS = [FAKE_SF_PASSWORD, FAKE_SF_TOKEN, FAKE_CRM_CLIENT_SECRET, FAKE_SF_CONSUMER_SECRET]


def _jwt(claims: dict[str, object]) -> str:
    parts = [json.dumps({"alg": "RS256"}), json.dumps(claims), "signature-bytes"]
    return ".".join(base64.urlsafe_b64encode(p.encode()).decode().rstrip("=") for p in parts)


def record_a_session(world: FakeWorld, recorder: CassetteRecorder) -> list[str]:
    """Logins of every kind and a few calls; the credentials each answer handed out."""
    http = recorder.instrument(requests.Session())
    sf = Salesforce(
        username=FAKE_SF_USERNAME,
        password=FAKE_SF_PASSWORD,
        security_token=FAKE_SF_TOKEN,
        domain="test",
        session=http,
    )
    created = sf.Contact.create({"LastName": "Nordmann", "FirstName": "Ola"})
    sf.Contact.update(created["id"], {"Title": "Sales"})
    sf.query("SELECT Id, Name FROM Contact")
    token_url = "https://test.salesforce.com/services/oauth2/token"
    password_grant = http.post(
        token_url,
        data={
            "grant_type": "password",
            "client_id": FAKE_SF_CONSUMER_KEY,
            "client_secret": FAKE_SF_CONSUMER_SECRET,
            "username": FAKE_SF_USERNAME,
            "password": FAKE_SF_PASSWORD + FAKE_SF_TOKEN,
        },
    ).json()
    assertion = _jwt(
        {"iss": FAKE_SF_CONSUMER_KEY, "sub": FAKE_SF_USERNAME, "aud": "https://test.salesforce.com"}
    )
    jwt_grant = http.post(
        token_url,
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion},
    ).json()
    crm = http.post(
        world.crmoffice.identity_url + "/connect/token",
        data={
            "grant_type": "client_credentials",
            "client_id": FAKE_CRM_CLIENT_ID,
            "client_secret": FAKE_CRM_CLIENT_SECRET,
        },
    ).json()
    bearer = {"Authorization": f"Bearer {crm['access_token']}"}
    contact = http.post(
        world.crmoffice.base_url + "/contacts", json={"givenName": "Ada"}, headers=bearer
    ).json()
    http.get(f"{world.crmoffice.base_url}/contacts/{contact['id']}", headers=bearer)
    return [
        sf.session_id,
        password_grant["access_token"],
        jwt_grant["access_token"],
        assertion,
        crm["access_token"],
        crm["refresh_token"],
    ]


@pytest.fixture
def recording(tmp_path: Path) -> tuple[Path, list[str]]:
    world = FakeWorld()
    recorder = CassetteRecorder(tmp_path / "cassettes" / "run.yaml", secrets=lambda: RUN_SECRETS)
    with world.activated(), recorder:
        handed_out = record_a_session(world, recorder)
    return recorder.path, handed_out


def test_a_recorded_session_holds_no_secret(recording: tuple[Path, list[str]]) -> None:
    path, handed_out = recording
    check_no_secrets(path.parent, [*RUN_SECRETS, *handed_out])
    text = path.read_text("utf-8")
    assert "[REDACTED]" in text
    assert all(secret not in text for secret in [*RUN_SECRETS, *handed_out])


def test_a_recorded_session_replays_without_difference(recording: tuple[Path, list[str]]) -> None:
    """Logins get the fake's credentials again, later calls the ids the replay created."""
    path, _ = recording
    cassette = read_cassette(path)
    assert len(cassette.interactions) == 9
    assert [d.line() for d in replay_cassette(cassette)] == []


def test_the_recorder_sees_the_sandbox_seam(tmp_path: Path) -> None:
    """The seam answers with `responses` at sandbox hosts; the recorder wraps the adapters."""
    fakes = SandboxFakes()
    recorder = CassetteRecorder(tmp_path / "seam.yaml", secrets=lambda: [seam.SF_PASSWORD])
    with fakes.activated():
        sf = Salesforce(
            username=seam.SF_USERNAME,
            password=seam.SF_PASSWORD,
            security_token=seam.SF_TOKEN,
            domain="test",
            session=recorder.instrument(requests.Session()),
        )
        sf.query("SELECT IsSandbox FROM Organization LIMIT 1")
    recorder.save()
    uris = [i.request.uri for i in read_cassette(recorder.path).interactions]
    assert uris[0] == seam.LOGIN_HOST + "/services/Soap/u/59.0"
    assert uris[1].startswith(seam.INSTANCE_URL + "/services/data/v59.0/query/")
    check_no_secrets(recorder.path, [seam.SF_PASSWORD, seam.SF_TOKEN, sf.session_id])


def _planted(path: Path, request: RecordedRequest, body: bytes = b"{}") -> Path:
    write_cassette(path, [Interaction(request, RecordedResponse(200, "OK", {}, body))])
    return path


def test_a_planted_secret_fails_naming_file_and_place(tmp_path: Path) -> None:
    secret = "planted-Secret-9f3e"
    plain = RecordedRequest("GET", "https://api.crmoffice.test/contacts")
    _planted(tmp_path / "clean.yaml", plain)
    leaky = _planted(tmp_path / "leaky.yaml", plain, json.dumps({"note": secret}).encode())
    with pytest.raises(SecretInCassetteError) as raised:
        check_no_secrets(tmp_path, [secret])
    message = str(raised.value)
    assert f"{leaky}: interaction #1 response body: holds one of the secrets" in message
    assert "clean.yaml" not in message
    assert secret not in message


@pytest.mark.parametrize(
    ("request_", "place"),
    [
        (
            RecordedRequest("GET", "https://x/a", {"Authorization": "Bearer 00Dx!AQabcdef.ghij"}),
            "request header Authorization",
        ),
        (
            RecordedRequest("POST", "https://x/t", {}, b"grant_type=password&password=hunter22"),
            "request body",
        ),
        (RecordedRequest("GET", "https://x/a?access_token=abcdefgh123"), "request uri"),
        (
            RecordedRequest("POST", "https://x/t", {}, b"assertion=" + _jwt({"a": 1}).encode()),
            "request body",
        ),
    ],
)
def test_an_unmasked_credential_is_found_by_its_shape(
    tmp_path: Path, request_: RecordedRequest, place: str
) -> None:
    path = _planted(tmp_path / "shaped.yaml", request_)
    (finding,) = find_secrets(path, [])
    assert finding.place == f"interaction #1 {place}"
    assert finding.line().startswith(f"{path}: interaction #1 {place}: holds an unmasked")
