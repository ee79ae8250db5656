"""Field values as Salesforce writes and reads them: datetimes with milliseconds and +0000.

    >>> render_datetime(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    '2026-01-05T09:00:00.000+0000'
    >>> parse_datetime("2026-01-05T09:00:00Z") == parse_datetime("2026-01-05T10:00:00+01:00")
    True

The store keeps Python values (datetime, date, bool, int, str, None); rendering happens on the
way out so SOQL compares typed values, not strings.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any


def render_datetime(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}+0000"


def to_millis(moment: datetime) -> datetime:
    """Salesforce keeps milliseconds; dropping the rest keeps stored and rendered values equal."""
    utc = moment.astimezone(UTC)
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)


def parse_datetime(text: str) -> datetime:
    """A timezone-aware datetime from ISO 8601 (Z, ±hh:mm or ±hhmm); ValueError otherwise."""
    cleaned = text.strip()
    if cleaned.endswith("Z"):
        cleaned = cleaned[:-1] + "+00:00"
    elif len(cleaned) > 5 and cleaned[-5] in "+-" and cleaned[-4:].isdigit():
        cleaned = cleaned[:-2] + ":" + cleaned[-2:]
    moment = datetime.fromisoformat(cleaned)
    if moment.tzinfo is None:
        raise ValueError(f"datetime without a time zone: {text!r}")
    return moment.astimezone(UTC)


def render_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return render_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
