"""SOQL date literals as [start, end) ranges in UTC, anchored on the fake org's clock.

    start, end = date_range("LAST_N_WEEKS:2", now)   # the two whole weeks before this one
    date_range("THIS_FISCAL_QUARTER", now)          # = THIS_QUARTER: the year starts in January
    date_range("N_DAYS_AGO:3", now)                 # the one day three days before today

"Date Formats and Date Literals in WHERE" (SOQL and SOSL Reference,
https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/api/sforce_api_calls_soql_select_dateformats.htm):
every literal is a range that starts at 00:00:00 of a day and covers whole days, weeks, months,
quarters or years. THIS_x is the unit holding today, LAST_x the one before, NEXT_x the one after;
LAST_N_x:n the n whole units before this one and NEXT_N_x:n the n after it, except that
LAST_N_DAYS:n (and LAST_90_DAYS) also holds today. The locale decides the first day of a week.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

# The week starts on Sunday: the locale decides ("Your locale determines the first day of the
# week"), and the fake's org and API user keep a new org's en_US locale. Python counts Monday 0.
FIRST_DAY_OF_WEEK = 6
# A new org has the standard fiscal year, starting in January (Setup, Fiscal Year), so the fiscal
# literals name the same ranges as the calendar ones; a custom fiscal year is not modelled.
FISCAL_YEAR_START_MONTH = 1

Unit = Callable[[datetime, int], datetime]  # (today, k) -> start of the unit k after today's

_ALIASES = {
    "TODAY": "THIS_DAY",
    "YESTERDAY": "LAST_DAY",
    "TOMORROW": "NEXT_DAY",
    "LAST_90_DAYS": "LAST_N_DAYS:90",
    "NEXT_90_DAYS": "NEXT_N_DAYS:90",
}
_SHAPE = re.compile(r"(THIS|LAST|NEXT)_(N_)?([A-Z_]+?)S?")
_AGO = re.compile(r"N_([A-Z_]+?)S_AGO")  # N_DAYS_AGO:n, N_FISCAL_QUARTERS_AGO:n, ...


def date_range(literal: str, now: datetime) -> tuple[datetime, datetime]:
    """The [start, end) a date literal names, in UTC, for the day `now` falls on."""
    today = datetime.combine(now.astimezone(UTC).date(), time(), UTC)
    word, _, number = _ALIASES.get(literal.upper(), literal.upper()).partition(":")
    ago = _AGO.fullmatch(word)
    if ago is not None and ago.group(1) in UNITS and number:
        # The one whole unit that started n units before the current one, today excluded.
        unit = UNITS[ago.group(1)]
        return unit(today, -int(number)), unit(today, 1 - int(number))
    shape = _SHAPE.fullmatch(word)
    if shape is None or shape.group(3) not in UNITS:
        raise ValueError(f"not a date literal the fake knows: {literal}")
    direction, unit, count = shape.group(1), UNITS[shape.group(3)], int(number or 1)
    if direction == "THIS":
        return unit(today, 0), unit(today, 1)
    if direction == "NEXT":
        return unit(today, 1), unit(today, count + 1)
    # "This range includes the current day, not just previous days" holds for days alone.
    keeps_today = shape.group(2) is not None and unit is _days
    return unit(today, -count), unit(today, 1 if keeps_today else 0)


def _days(today: datetime, shift: int) -> datetime:
    return today + timedelta(days=shift)


def _weeks(today: datetime, shift: int) -> datetime:
    start = today - timedelta(days=(today.weekday() - FIRST_DAY_OF_WEEK) % 7)
    return start + timedelta(weeks=shift)


def _months(size: int, first_month: int = 1) -> Unit:
    """Units of `size` months, the first of them starting in `first_month`."""

    def start(today: datetime, shift: int) -> datetime:
        into_unit = (today.month - first_month) % size
        return add_months(today.replace(day=1), shift * size - into_unit)

    return start


def add_months(first: datetime, months: int) -> datetime:
    index = first.month - 1 + months
    return first.replace(year=first.year + index // 12, month=index % 12 + 1)


UNITS: dict[str, Unit] = {
    "DAY": _days,
    "WEEK": _weeks,
    "MONTH": _months(1),
    "QUARTER": _months(3),
    "YEAR": _months(12),
    "FISCAL_QUARTER": _months(3, FISCAL_YEAR_START_MONTH),
    "FISCAL_YEAR": _months(12, FISCAL_YEAR_START_MONTH),
}
