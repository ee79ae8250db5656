"""Keep secrets out of everything a person or a report sees.

    >>> redactor = Redactor(secrets=["s3cr3t"])
    >>> redactor.text('{"access_token": "abc", "pw": "s3cr3t"}')  # by name, and by value
    '{"access_token": "[REDACTED]", "pw": "[REDACTED]"}'

Two nets: patterns that catch credentials by shape and name (Authorization headers, SOAP
<sessionId>/<password>, OAuth token fields, form fields), and the exact values of the secrets
this run was given, wherever they show up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

MASK = "[REDACTED]"

_SECRET_NAMES = (
    "access_token|refresh_token|id_token|client_secret|password|security_token|session_id"
    "|sessionId|assertion|signature|client_assertion|secret|token"
)
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # JSON: "access_token": "value"
    (re.compile(rf'("(?:{_SECRET_NAMES})"\s*:\s*")[^"]*(")', re.IGNORECASE), rf"\1{MASK}\2"),
    # form or query: access_token=value&...
    (re.compile(rf"(\b(?:{_SECRET_NAMES})=)[^&\s\"']+", re.IGNORECASE), rf"\1{MASK}"),
    # XML: <sessionId>value</sessionId>, <n1:password>value</n1:password>
    (
        re.compile(r"(<(?:\w+:)?(sessionId|password)>)[^<]*(</(?:\w+:)?\2>)", re.IGNORECASE),
        rf"\1{MASK}\3",
    ),
    # Authorization: Bearer xyz / Basic xyz, X-SFDC-Session: xyz
    (re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/!=-]+"), rf"\1 {MASK}"),
    # Salesforce session ids look like 00D...!AQ...
    (re.compile(r"\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]+"), MASK),
)
_SECRET_HEADERS = {"authorization", "x-sfdc-session", "cookie", "set-cookie", "proxy-authorization"}


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first so a secret that contains another is masked whole.
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def with_secrets(self, secrets: Iterable[str]) -> Redactor:
        return Redactor([*self._secrets, *secrets])

    def text(self, value: str) -> str:
        for secret in self._secrets:
            value = value.replace(secret, MASK)
        for pattern, replacement in _PATTERNS:
            value = pattern.sub(replacement, value)
        return value

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {
            name: (MASK if name.lower() in _SECRET_HEADERS else self.text(str(value)))
            for name, value in headers.items()
        }

    def data(self, value: Any) -> Any:
        """A JSON-like structure with secret-named keys and secret values masked."""
        if isinstance(value, Mapping):
            return {
                key: MASK if _is_secret_name(str(key)) else self.data(item)
                for key, item in value.items()
            }
        if isinstance(value, list | tuple):
            return [self.data(item) for item in value]
        if isinstance(value, str):
            return self.text(value)
        return value


def _is_secret_name(name: str) -> bool:
    return re.fullmatch(_SECRET_NAMES, name, re.IGNORECASE) is not None


_SECRET_VARIABLE = re.compile(r"PASSWORD|TOKEN|SECRET|SESSION|PRIVATE_KEY|KEY$|JWT", re.IGNORECASE)
# TALKQA_CRM_TOKEN_URL names where a token comes from, not a token; a key file is a path.
_NOT_SECRET_SUFFIXES = ("_URL", "_URLS", "_FILE")


def secrets_in_environment(env: Mapping[str, str], prefix: str = "TALKQA_") -> list[str]:
    """The values of every variable whose name says it holds a credential, so even an error
    raised before a configuration could be read is masked."""
    return [
        value
        for name, value in env.items()
        if name.startswith(prefix)
        and _SECRET_VARIABLE.search(name)
        and value
        and not name.endswith(_NOT_SECRET_SUFFIXES)
    ]


def scrub_files(folder: Path, redactor: Redactor, patterns: Iterable[str]) -> int:
    """Rewrite each matching file whose text holds something to mask; the count rewritten."""
    rewritten = 0
    for pattern in patterns:
        for path in folder.glob(pattern):
            try:
                text = path.read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # binary attachments carry no text secret the harness wrote
            masked = redactor.text(text)
            if masked != text:
                path.write_text(masked, "utf-8")
                rewritten += 1
    return rewritten
