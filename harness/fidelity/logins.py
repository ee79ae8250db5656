"""Live credentials for replayed requests: the recorded ones were filtered, so the fake's stand in.

    sessions = LiveSessions(world, http)
    headers = sessions.authorize(place, recorded_headers, recorded_status=200)  # Bearer <live>
    body = sessions.login_body(place, recorded_body, recorded_status=200)        # fake's creds

The rules: a request recorded with an Authorization (or X-SFDC-Session) header gets a live
session of the fake, from the last login replayed for that system or else a fresh login made
for it (a SOAP login for Salesforce, client credentials for Crmoffice; not an interaction of
its own); a request whose recorded answer was 401 gets a token the fake never issued, so an
expired session replays as one. A request recorded without the header is sent without it. A
recorded login is sent with the fake's credentials put where the filtered ones were (SOAP
username/password, OAuth form fields, Basic auth, a JWT assertion the fake accepts), or with
wrong ones when the recorded login was refused.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit
from xml.sax.saxutils import escape

import requests
from simple_salesforce.exceptions import SalesforceAuthenticationFailed

from harness.fakes.world import (
    FAKE_CRM_CLIENT_ID,
    FAKE_CRM_CLIENT_SECRET,
    FAKE_SF_PASSWORD,
    FAKE_SF_TOKEN,
    FAKE_SF_USERNAME,
    FakeWorld,
)
from harness.fidelity.hosts import SOAP_LOGIN, Place, System

# FakeSalesforce's own defaults (harness/fakes/salesforce/fake.py): FakeWorld keeps them.
FAKE_SF_CONSUMER_KEY = "3MVG9talkqa.consumer.key"
FAKE_SF_CONSUMER_SECRET = "talkqa-consumer-secret"
NEVER_ISSUED = "replay-token-the-fake-never-issued"
WRONG_PASSWORD = "replay-wrong-password"
LOGIN_VERSION = "59.0"  # SOAP login is gone from 65.0 on
_SESSION_ID = re.compile(r"<(?:\w+:)?sessionId>([^<]+)</(?:\w+:)?sessionId>")


class LiveSessions:
    def __init__(self, world: FakeWorld, http: requests.Session) -> None:
        self._world = world
        self._http = http
        self._tokens: dict[System, str] = {}
        self._refresh: dict[System, str] = {}

    # --- API calls ---------------------------------------------------------------------------

    def authorize(
        self, place: Place, headers: dict[str, str], *, recorded_status: int
    ) -> dict[str, str]:
        authorized = dict(headers)
        for name, value in headers.items():
            if name.lower() == "authorization":
                authorized[name] = self._authorization(place, value, recorded_status)
            elif name.lower() == "x-sfdc-session":
                authorized[name] = self._token(place.system, recorded_status)
        return authorized

    def _authorization(self, place: Place, value: str, status: int) -> str:
        scheme = value.partition(" ")[0] or "Bearer"
        if scheme.lower() == "basic":
            key, secret = _client(place.system)
            if not _succeeded(status):
                secret = WRONG_PASSWORD
            return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
        return f"{scheme} {self._token(place.system, status)}"

    def _token(self, system: System, status: int) -> str:
        if status == 401:
            return NEVER_ISSUED
        if system not in self._tokens:
            self._tokens[system] = self._fresh_login(system)
        return self._tokens[system]

    def _fresh_login(self, system: System) -> str:
        try:
            if system == "salesforce":
                return self._salesforce_login()
            return self._crmoffice_login()
        except (requests.RequestException, SalesforceAuthenticationFailed, ValueError, KeyError):
            return NEVER_ISSUED  # the fake refused its own login: the answers will show it

    def _salesforce_login(self) -> str:
        session_id, _instance = self._world.soap_login(self._http, LOGIN_VERSION)
        return session_id

    def _crmoffice_login(self) -> str:
        settings = self._world.crmoffice_settings()
        form = {
            "grant_type": "client_credentials",
            "scope": settings.scope,
            "client_id": settings.client_id,
            "client_secret": settings.client_secret,
        }
        answer = self._http.post(settings.token_url, data=form, timeout=30)
        return str(answer.json()["access_token"])

    # --- logins ------------------------------------------------------------------------------

    def login_body(self, place: Place, body: bytes, *, recorded_status: int) -> bytes:
        ok = _succeeded(recorded_status)
        if SOAP_LOGIN in urlsplit(place.url).path:
            return _soap_credentials(body.decode("utf-8", "replace"), ok).encode("utf-8")
        form = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        return urlencode([(k, self._form_value(place, k, v, ok)) for k, v in form]).encode()

    def _form_value(self, place: Place, name: str, value: str, ok: bool) -> str:
        key, secret = _client(place.system)
        values = {
            "username": FAKE_SF_USERNAME,
            "password": FAKE_SF_PASSWORD + FAKE_SF_TOKEN if ok else WRONG_PASSWORD,
            "client_id": key,
            "client_secret": secret if ok else WRONG_PASSWORD,
            "assertion": _assertion(place) if ok else WRONG_PASSWORD,
            "refresh_token": self._refresh.get(place.system, value),
        }
        return values.get(name, value)

    def learn(self, place: Place, status: int, body: bytes) -> None:
        """A replayed login that succeeded: its session is the live one from now on."""
        if not _succeeded(status):
            return
        text = body.decode("utf-8", "replace")
        found = _SESSION_ID.search(text)
        if found:
            self._tokens[place.system] = found.group(1)
            return
        try:
            answer = json.loads(text)
        except ValueError:
            return
        if isinstance(answer, dict) and isinstance(answer.get("access_token"), str):
            self._tokens[place.system] = answer["access_token"]
            if isinstance(answer.get("refresh_token"), str):
                self._refresh[place.system] = answer["refresh_token"]


def _succeeded(status: int) -> bool:
    return 200 <= status < 300


def _client(system: System) -> tuple[str, str]:
    if system == "salesforce":
        return FAKE_SF_CONSUMER_KEY, FAKE_SF_CONSUMER_SECRET
    return FAKE_CRM_CLIENT_ID, FAKE_CRM_CLIENT_SECRET


def _soap_credentials(envelope: str, ok: bool) -> str:
    password = FAKE_SF_PASSWORD + FAKE_SF_TOKEN if ok else WRONG_PASSWORD
    for element, value in (("username", FAKE_SF_USERNAME), ("password", password)):
        pattern = re.compile(rf"(<(?:\w+:)?{element}>)[^<]*(</(?:\w+:)?{element}>)")
        envelope = pattern.sub(_element_text(escape(value)), envelope)
    return envelope


def _element_text(value: str) -> Callable[[re.Match[str]], str]:
    def put(found: re.Match[str]) -> str:
        return found.group(1) + value + found.group(2)

    return put


def _assertion(place: Place) -> str:
    """A JWT bearer assertion for the fake, which reads the claims and not the signature."""
    parts = urlsplit(place.url)
    claims = {
        "iss": FAKE_SF_CONSUMER_KEY,
        "sub": FAKE_SF_USERNAME,
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int(time.time()) + 180,
    }
    return ".".join(
        _b64url(part) for part in (json.dumps({"alg": "RS256"}), json.dumps(claims), "replay")
    )


def _b64url(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
