"""How to reach a Sesam node: its API URL, a JWT (a secret), a time budget, a pipes file.

    settings = load_sesam_settings(environ_with_dotenv())   # TALKQA_SESAM_* variables
    repr(settings)   # SesamSettings(node_url='https://...sesam.cloud/api', jwt='[REDACTED]', ...)

Read only at a program's edge (the CLI, a pytest option), never below it. A bad value is one
ConfigError line naming the variable; the JWT's value never appears in a message or a repr.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from harness.errors import ConfigError
from harness.redact import MASK, Redactor

NODE_URL = "TALKQA_SESAM_NODE_URL"
JWT = "TALKQA_SESAM_JWT"
TIMEOUT = "TALKQA_SESAM_TIMEOUT"
POLL_INTERVAL = "TALKQA_SESAM_POLL_INTERVAL"
PIPES_FILE = "TALKQA_SESAM_PIPES_FILE"
SECRET_VARIABLES = (JWT,)
DEFAULT_TIMEOUT = 600.0  # a whole cycle's budget: every pump run of every round
DEFAULT_POLL_INTERVAL = 2.0


@dataclass(frozen=True, repr=False)
class SesamSettings:
    node_url: str  # the Service API root, ending in /api
    jwt: str = field(compare=False)
    timeout: float = DEFAULT_TIMEOUT
    poll_interval: float = DEFAULT_POLL_INTERVAL  # between status reads of a running pump
    request_timeout: float = 60.0  # one HTTP request
    pipes_file: Path | None = None  # per-pipe overrides (overrides.py)

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.poll_interval < 0 or self.request_timeout <= 0:
            raise ConfigError(
                f"Sesam timeouts must be positive: timeout {self.timeout:g} s, poll interval"
                f" {self.poll_interval:g} s, request timeout {self.request_timeout:g} s"
            )

    def __repr__(self) -> str:
        return (
            f"SesamSettings(node_url={self.node_url!r}, jwt={MASK!r},"
            f" timeout={self.timeout:g}, poll_interval={self.poll_interval:g},"
            f" request_timeout={self.request_timeout:g}, pipes_file={self.pipes_file!r})"
        )

    __str__ = __repr__

    def redactor(self) -> Redactor:
        """Masks the JWT (and anything shaped like a bearer token) in a text."""
        return Redactor([self.jwt])


def load_sesam_settings(env: Mapping[str, str]) -> SesamSettings:
    """The settings from TALKQA_SESAM_* variables, or one ConfigError line naming the bad one."""
    pipes_file = env.get(PIPES_FILE, "").strip()
    return SesamSettings(
        node_url=api_url(_require(env, NODE_URL)),
        jwt=bare_jwt(_require(env, JWT)),
        timeout=_seconds(env, TIMEOUT, DEFAULT_TIMEOUT),
        poll_interval=_seconds(env, POLL_INTERVAL, DEFAULT_POLL_INTERVAL),
        pipes_file=Path(pipes_file) if pipes_file else None,
    )


def api_url(url: str) -> str:
    """https://datahub-x.sesam.cloud -> https://datahub-x.sesam.cloud/api (as the sesam CLI)."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    loopback = _is_loopback(parts.hostname or "")
    if (
        not parts.netloc
        or parts.scheme not in ("https", "http")
        or (parts.scheme == "http" and not loopback)
    ):
        raise ConfigError(
            f"{NODE_URL} must be an https:// node URL such as https://datahub-xxxx.sesam.cloud"
            f" (http only on loopback, for the fake node), got {url!r}"
        )
    return url if url.endswith("/api") else f"{url}/api"


def bare_jwt(value: str) -> str:
    """The token without quotes or a 'Bearer ' prefix, as the sesam CLI reads it."""
    token = value.strip().strip('"').strip()
    if token.lower().startswith("bearer "):
        token = token[len("bearer ") :].strip()
    if not token or any(c.isspace() for c in token):
        raise ConfigError(f"{JWT} is not a JWT (empty or has spaces); copy it from the portal")
    return token


def _require(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(
            f"{name} is not set; the Sesam engine needs {NODE_URL} and {JWT}"
            " (README 'Running against Sesam Talk')"
        )
    return value


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
