"""Secrets out of an exchange before it is written: the filter every recorded exchange passes.

    secret_filter = SecretFilter(lambda: ["s3cr3t-password", session_id])
    secret_filter.interaction(interaction)   # Authorization, tokens, passwords, JWTs -> [REDACTED]

Two nets, as harness/redact.py: credentials caught by name and shape (Authorization and session
headers, OAuth token fields, SOAP <password>/<sessionId>, form fields, Salesforce session ids,
JWTs), and the exact values this run was given, also URL-, form- and XML-encoded. The filter is
idempotent, so `masks_something` tells whether a text still holds anything to filter.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from html import escape
from urllib.parse import quote, quote_plus

from harness.fidelity.cassette import Interaction, RecordedRequest, RecordedResponse
from harness.redact import MASK, Redactor

SecretSource = Callable[[], Iterable[str]]
# header.payload.signature, each base64url; the header of every JWT starts {" -> eyJ
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-sfdc-session", "cookie", "set-cookie"}
)


def no_secrets() -> list[str]:
    return []


def encodings(secret: str) -> set[str]:
    """The forms a secret takes in a recorded URL, form, JSON or XML body."""
    return {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        escape(secret, quote=False),
        json.dumps(secret)[1:-1],
    }


class SecretFilter:
    def __init__(self, secrets: SecretSource = no_secrets) -> None:
        self._secrets = secrets

    def redactor(self) -> Redactor:
        """Asked afresh for each exchange: a session id appears only after the login."""
        values = {form for secret in self._secrets() if secret for form in encodings(secret)}
        return Redactor(values)

    def interaction(self, interaction: Interaction) -> Interaction:
        redactor = self.redactor()
        return Interaction(
            self._request(redactor, interaction.request),
            self._response(redactor, interaction.response),
        )

    def _request(self, redactor: Redactor, request: RecordedRequest) -> RecordedRequest:
        return replace(
            request,
            uri=text(redactor, request.uri),
            headers=headers(redactor, request.headers),
            body=body(redactor, request.body),
        )

    def _response(self, redactor: Redactor, response: RecordedResponse) -> RecordedResponse:
        return replace(
            response,
            headers=headers(redactor, response.headers),
            body=body(redactor, response.body),
        )


def text(redactor: Redactor, value: str) -> str:
    return _JWT.sub(MASK, redactor.text(value))


def headers(redactor: Redactor, values: Mapping[str, str]) -> dict[str, str]:
    return {
        name: _masked_header(value) if name.lower() in _SECRET_HEADERS else text(redactor, value)
        for name, value in values.items()
    }


def _masked_header(value: str) -> str:
    """Keep the scheme (Bearer, Basic, OAuth): replay needs to know which login to substitute."""
    scheme, _, rest = value.partition(" ")
    if rest and scheme.lower() in ("bearer", "basic", "oauth"):
        return f"{scheme} {MASK}"
    return MASK


def body(redactor: Redactor, value: bytes) -> bytes:
    try:
        decoded = value.decode("utf-8")
    except UnicodeDecodeError:
        return value  # binary bodies carry no text credential the harness sends
    return text(redactor, decoded).encode("utf-8")


def masks_something(redactor: Redactor, value: str) -> bool:
    return text(redactor, value) != value
