"""The identity host: OAuth2 token endpoint (RFC 6749) and bearer-token checks (RFC 6750).

issuer = TokenIssuer(clock, "talkqa", "secret", ttl=3600)
response = issuer.token_endpoint(request)      # POST {identity}/connect/token
refusal = issuer.refuse(request)               # None when the bearer token is valid
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs, unquote

from harness.clock import Clock
from harness.fakes.crmoffice import problems
from harness.fakes.http import FakeRequest, FakeResponse

SCOPES = ("crmoffice", "offline_access")
FORM = "application/x-www-form-urlencoded"


@dataclass
class _AccessToken:
    expires_at: datetime
    revoked: bool = False


class TokenIssuer:
    def __init__(self, clock: Clock, client_id: str, client_secret: str, ttl: int) -> None:
        self._clock = clock
        self._client = (client_id, client_secret)
        self._ttl = ttl
        self._access: dict[str, _AccessToken] = {}
        self._refresh: set[str] = set()
        self._lock = threading.Lock()

    # --- the token endpoint --------------------------------------------------------------

    def token_endpoint(self, request: FakeRequest) -> FakeResponse:
        form = _form(request)
        if form is None:
            return oauth_error(400, "invalid_request", f"send the grant as {FORM}")
        client_error = self._check_client(request, form)
        if client_error is not None:
            return client_error
        grant = form.get("grant_type")
        if grant == "client_credentials":
            return self._client_credentials(form)
        if grant == "refresh_token":
            return self._refresh_grant(form)
        if grant is None:
            return oauth_error(400, "invalid_request", "grant_type is missing")
        return oauth_error(
            400,
            "unsupported_grant_type",
            f"grant_type {grant!r} is not supported; use client_credentials or refresh_token",
        )

    def _check_client(self, request: FakeRequest, form: dict[str, str]) -> FakeResponse | None:
        client = _basic_credentials(request) or (form.get("client_id"), form.get("client_secret"))
        if client[0] is None or client[1] is None:
            return oauth_error(400, "invalid_request", "client_id and client_secret are required")
        if not (_same(client[0], self._client[0]) and _same(client[1], self._client[1])):
            return oauth_error(
                401,
                "invalid_client",
                "unknown client or wrong secret",
                {"WWW-Authenticate": 'Basic realm="crmoffice"'},
            )
        return None

    def _client_credentials(self, form: dict[str, str]) -> FakeResponse:
        asked = form.get("scope", " ".join(SCOPES)).split()
        unknown = [scope for scope in asked if scope not in SCOPES]
        if unknown:
            return oauth_error(
                400, "invalid_scope", f"unknown scope {unknown[0]!r}; known: {' '.join(SCOPES)}"
            )
        return self._grant(" ".join(asked) or " ".join(SCOPES))

    def _refresh_grant(self, form: dict[str, str]) -> FakeResponse:
        refresh = form.get("refresh_token")
        if refresh is None:
            return oauth_error(400, "invalid_request", "refresh_token is missing")
        with self._lock:
            known = refresh in self._refresh
        if not known:
            return oauth_error(400, "invalid_grant", "refresh_token is unknown or revoked")
        return self._grant(" ".join(SCOPES))

    def _grant(self, scope: str) -> FakeResponse:
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        with self._lock:
            expires = self._clock.now() + timedelta(seconds=self._ttl)
            self._access[access] = _AccessToken(expires)
            self._refresh.add(refresh)
        body = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": self._ttl,
            "refresh_token": refresh,
            "scope": scope,
        }
        return FakeResponse(
            200, body, {"Content-Type": "application/json", "Cache-Control": "no-store"}
        )

    # --- bearer tokens on the API host -----------------------------------------------------

    def refuse(self, request: FakeRequest) -> FakeResponse | None:
        """A 401 when the request's bearer token is missing, unknown, expired or revoked."""
        token = bearer_token(request)
        if token is None:
            return problems.unauthorized(None)
        with self._lock:
            entry = self._access.get(token)
        if entry is None or entry.revoked:
            return problems.unauthorized("the access token is unknown or revoked")
        if self._clock.now() >= entry.expires_at:
            return problems.unauthorized("the access token expired")
        return None

    def revoke(self, token: str) -> None:
        with self._lock:
            if token in self._access:
                self._access[token].revoked = True

    def expire_all(self) -> None:
        with self._lock:
            for entry in self._access.values():
                entry.revoked = True


def _same(given: str, expected: str) -> bool:
    # bytes: compare_digest refuses non-ASCII str, and a client may send anything
    return secrets.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def bearer_token(request: FakeRequest) -> str | None:
    scheme, _, token = (request.header("Authorization") or "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _form(request: FakeRequest) -> dict[str, str] | None:
    content_type = (request.header("Content-Type") or "").split(";")[0].strip().lower()
    if content_type != FORM:
        return None
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}


def _basic_credentials(request: FakeRequest) -> tuple[str | None, str | None] | None:
    scheme, _, encoded = (request.header("Authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return (None, None)
    client_id, sep, secret = decoded.partition(":")
    return (unquote(client_id), unquote(secret)) if sep else (None, None)


def oauth_error(
    status: int, error: str, description: str, headers: dict[str, str] | None = None
) -> FakeResponse:
    return FakeResponse(
        status,
        {"error": error, "error_description": description},
        {"Content-Type": "application/json", "Cache-Control": "no-store", **(headers or {})},
    )
