"""Crmoffice time stamps: UTC, millisecond precision, RFC 3339 on the wire.

stamp(datetime(2026, 1, 5, 9, 0, 0, 123456, tzinfo=UTC))   # "2026-01-05T09:00:00.123Z"
parse_rfc3339("2026-01-05T10:00:00+01:00")                 # datetime(2026, 1, 5, 9, 0, ...)
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))"
)


def to_millis(moment: datetime) -> datetime:
    """Stored times keep milliseconds only, so a filter on a rendered stamp matches exactly."""
    if moment.tzinfo is None:
        raise ValueError(f"Crmoffice times must be timezone-aware; got {moment!r}")
    utc = moment.astimezone(UTC)
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)


def stamp(moment: datetime) -> str:
    utc = to_millis(moment)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_rfc3339(text: str) -> datetime:
    """RFC 3339 date-time (offset required) to aware UTC; ValueError when it is not one."""
    match = _RFC3339.fullmatch(text)
    if match is None:
        raise ValueError(f"not an RFC 3339 date-time: {text!r}")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    leap = second == 60  # RFC 3339 allows a leap second; count it as the next second
    micros = int((match.group(7) or "0")[:6].ljust(6, "0"))
    offset = timedelta(0)
    if match.group(9):
        sign = 1 if match.group(9) == "+" else -1
        offset = sign * timedelta(hours=int(match.group(10)), minutes=int(match.group(11)))
    try:
        local = datetime(year, month, day, hour, minute, 59 if leap else second, micros, tzinfo=UTC)
        return local - offset + (timedelta(seconds=1) if leap else timedelta(0))
    except OverflowError as exc:  # e.g. 0001-01-01T00:00:00+01:00 is before datetime.min
        raise ValueError(f"date-time out of range: {text!r}") from exc
