"""List query parameters and the opaque keyset cursor of GET /contacts and /companies.

query = parse_list_query(request)          # PageQuery, or a list of FieldError for a 400
cursor = encode_cursor(last_record.sort_key)
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime

from harness.fakes.crmoffice.contract import FieldError
from harness.fakes.crmoffice.store import PageQuery, SortKey
from harness.fakes.crmoffice.timestamps import parse_rfc3339, stamp
from harness.fakes.http import FakeRequest

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
_CURSOR_BODY = re.compile(r"v1\|(\S+)\|(\d{1,18})")


def encode_cursor(key: SortKey) -> str:
    raw = f"v1|{stamp(key[0])}|{key[1]}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> SortKey:
    """The (updatedAt, id) a cursor encodes; ValueError for anything this API did not issue."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise ValueError("not base64url") from exc
    match = _CURSOR_BODY.fullmatch(raw)
    if match is None:
        raise ValueError("not a cursor")
    return parse_rfc3339(match.group(1)), int(match.group(2))


def parse_list_query(request: FakeRequest) -> PageQuery | list[FieldError]:
    errors: list[FieldError] = []
    limit = _limit(request.param("limit"), errors)
    since = _since(request.param("updatedSince"), errors)
    after = _after(request.param("cursor"), errors)
    deleted = _flag(request.param("includeDeleted"), errors)
    if errors:
        return errors
    return PageQuery(updated_since=since, after=after, limit=limit, include_deleted=deleted)


def _limit(raw: str | None, errors: list[FieldError]) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    message = f"limit must be an integer from 1 to {MAX_LIMIT}; got {raw!r}"
    if not re.fullmatch(r"[0-9]{1,9}", raw):
        errors.append(FieldError("limit", "type", message))
    elif not 1 <= int(raw) <= MAX_LIMIT:
        errors.append(FieldError("limit", "range", message))
    else:
        return int(raw)
    return DEFAULT_LIMIT


def _since(raw: str | None, errors: list[FieldError]) -> datetime | None:
    if raw is None:
        return None
    try:
        return parse_rfc3339(raw)
    except ValueError:
        errors.append(
            FieldError(
                "updatedSince",
                "format",
                f"updatedSince must be an RFC 3339 date-time such as 2026-01-05T09:00:00.000Z; "
                f"got {raw!r}",
            )
        )
        return None


def _after(raw: str | None, errors: list[FieldError]) -> SortKey | None:
    if raw is None:
        return None
    try:
        return decode_cursor(raw)
    except ValueError:
        errors.append(
            FieldError(
                "cursor",
                "invalidCursor",
                f"cursor {raw[:60]!r} was not issued by this API; pass nextCursor unchanged",
            )
        )
        return None


def _flag(raw: str | None, errors: list[FieldError]) -> bool:
    if raw is None or raw == "false":
        return False
    if raw == "true":
        return True
    errors.append(
        FieldError("includeDeleted", "type", f"includeDeleted must be true or false; got {raw!r}")
    )
    return False
