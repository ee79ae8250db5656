"""Bulk API 2.0's part of the compare rule: CSV bodies by their header row, paging by headers.

    csv_columns(["sf__Id", "sf__Created", "Name"], ["sf__Id", "Name"], ordered=False)
    # ['CSV columns: fake lacks sf__Created']
    paging_headers({"Sforce-Locator": "MTAwMDA"}, {"Sforce-Locator": "null"})
    # ['paging Sforce-Locator: recorded a locator, fake null']

A result file is compared by its column names, never by its rows: the rows are the org's data.
The names are compared as a set ("Get Job Successful/Failed Record Results" list sf__Id,
sf__Created or sf__Error and "Fields from the original CSV request data", with no order), but
in order for a query job's results, because "Get Results for a Query Job" says: "In API
version 50.0 and later, the order of the columns returned by the query is the same as the order
you requested them. In version 49.0 and earlier, the order of the columns is returned
alphabetically." Sforce-Locator is compared by its form: the string "null" on the last set,
"a pseudo random string (for example, MTAwMDA)" before it; Sforce-NumberOfRecords by being a
count. The delimiter is whichever of the six Bulk API 2.0 delimiters splits the header row the
most (a job names its own, "Prepare CSV Files").
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping

from harness.fidelity.cassette import header

DELIMITERS = (",", "\t", "|", ";", "^", "`")  # COMMA first: the default, and ties go to it
LOCATOR_HEADER = "Sforce-Locator"
COUNT_HEADER = "Sforce-NumberOfRecords"
LAST_SET = "null"
_LOCATOR = re.compile(r"[A-Za-z0-9+/=_-]+")


def header_row(text: str) -> list[str]:
    """The column names of a CSV text, [] for an empty one."""
    line = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    return max((_split(line, delimiter) for delimiter in DELIMITERS), key=len)


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def csv_columns(recorded: list[str], fake: list[str], *, ordered: bool) -> list[str]:
    lacks = [name for name in recorded if name not in fake]
    adds = [name for name in fake if name not in recorded]
    if lacks or adds:
        parts = [f"fake lacks {', '.join(lacks)}"] if lacks else []
        parts += [f"fake adds {', '.join(adds)}"] if adds else []
        return [f"CSV columns: {'; '.join(parts)}"]
    if ordered and recorded != fake:
        return [f"CSV column order: recorded {', '.join(recorded)}; fake {', '.join(fake)}"]
    return []


# --- paging headers ------------------------------------------------------------------------


def paging_headers(recorded: Mapping[str, str], fake: Mapping[str, str]) -> list[str]:
    found = []
    forms: tuple[tuple[str, Callable[[str], str]], ...] = (
        (LOCATOR_HEADER, locator_form),
        (COUNT_HEADER, count_form),
    )
    for name, form in forms:
        pair = form(header(recorded, name)), form(header(fake, name))
        if pair[0] != pair[1]:
            found.append(f"paging {name}: recorded {pair[0]}, fake {pair[1]}")
    return found


def locator_form(value: str) -> str:
    if not value:
        return "absent"
    if value == LAST_SET:
        return LAST_SET
    return "a locator" if _LOCATOR.fullmatch(value) else "not a locator"


def count_form(value: str) -> str:
    if not value:
        return "absent"
    return "a count" if value.isdigit() else "not a count"


def is_locator(value: str) -> bool:
    """A locator that names a further set of results (not "null", not absent)."""
    return locator_form(value) == "a locator"
