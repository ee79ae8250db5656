"""CSV the way Bulk API 2.0 reads and writes it: the job's column delimiter and line ending.

    rows = read("LastName,Email\\nNordmann,ola@example.com\\n", "COMMA")  # [[header], [row]]
    text = write(Table(["Id"], [["003..."]]), "COMMA", "LF")         # '"Id"\\n"003..."\\n'

From "Prepare CSV Files" (https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/
api_asynch/datafiles_prepare_csv.htm): six delimiters, LF or CRLF line endings, double quotes
escape delimiters and line breaks, UTF-8. Results quote every value, as the guide's example
result ("Id","Name" / "005R0000000UyrWIAS","Jane Dunn") does; a null is an empty value.
Results use the job's delimiter and line ending too, and write dateTimes as UTC with a Z
(2026-01-05T09:00:00.000Z), as Bulk API CSV does; neither is spelled out for 2.0.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

from harness.fakes.http import FakeResponse
from harness.fakes.salesforce.bulk_jobs import Table

DELIMITERS = {
    "BACKQUOTE": "`",
    "CARET": "^",
    "COMMA": ",",
    "PIPE": "|",
    "SEMICOLON": ";",
    "TAB": "\t",
}
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}


def read(text: str, delimiter: str) -> list[list[str]]:
    """The header and the records; blank lines are no records."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITERS[delimiter])
    return [row for row in reader if row]


def line_ending_of(text: str) -> str | None:
    """LF or CRLF, as the header row ends; None for a file of one line."""
    end = text.find("\n")
    if end < 0:
        return None
    return "CRLF" if end > 0 and text[end - 1] == "\r" else "LF"


def write(table: Table, delimiter: str, line_ending: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=DELIMITERS[delimiter],
        lineterminator=LINE_ENDINGS[line_ending],
        quoting=csv.QUOTE_ALL,
    )
    writer.writerow(table.header)
    writer.writerows(table.rows)
    return buffer.getvalue()


def cell(value: Any) -> str:
    """A stored value as a query result writes it; datetimes in UTC with a Z, as Bulk CSV does."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        utc = value.astimezone(UTC)
        return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_response(
    table: Table, delimiter: str, line_ending: str, headers: dict[str, str] | None = None
) -> FakeResponse:
    body = write(table, delimiter, line_ending)
    return FakeResponse(200, body, {"Content-Type": "text/csv", **(headers or {})})
