"""JWTs the fake node accepts: JWT-shaped, unsigned, with an `exp` the node checks on its clock.

    token = issue_jwt(clock.now() + timedelta(hours=1))   # for FakeSesamNode(clock, jwt=token)
    claims(token)["exp"]                                   # seconds since the epoch

A Sesam node takes `Authorization: Bearer <jwt>` (D:hub/api.html); the token comes from the
portal or POST /api/jwt. The fake does not verify a signature: it accepts the tokens it was
given, until their `exp` passes on its clock or the test expires them.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any


def issue_jwt(expires_at: datetime, *, subject: str = "talkqa@fake.sesam") -> str:
    header = {"alg": "none", "typ": "JWT"}
    payload = {"sub": subject, "exp": int(expires_at.timestamp()), "iss": "fake-sesam-node"}
    return f"{_encode(header)}.{_encode(payload)}.fake-signature"


def claims(token: str) -> dict[str, Any]:
    """The payload of a JWT-shaped token; {} when it has no readable payload."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        padded = parts[1] + "=" * (-len(parts[1]) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, UnicodeDecodeError):
        return {}
    return decoded if isinstance(decoded, dict) else {}


def expired(token: str, now: datetime) -> bool:
    exp = claims(token).get("exp")
    return isinstance(exp, int | float) and exp <= now.timestamp()


def _encode(part: dict[str, Any]) -> str:
    raw = json.dumps(part, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
