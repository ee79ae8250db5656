"""Stage one: the reStructuredText of a dataflow document -> frozen raw blocks with line numbers.

    raw = read_raw(text, doc_path="fixtures/dataflows/salesforce-to-crmoffice.rst")
    raw.sections[2].tables[0].rows[1].cells[0].text  # 'FirstName'

Only the subset of reStructuredText Sesam generates is understood: an over- and underlined
title, underlined section headings, paragraphs, and `.. list-table::` directives. Nothing here
knows what a flow is; stage two (build.py) gives the blocks their meaning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.dataflow.located import located_error

# A heading adornment: one punctuation character repeated (RST allows any of these).
ADORNMENT = re.compile(r"^([=\-~`#\"^+*:.'_])\1+\s*$")
DIRECTIVE = re.compile(r"^\.\. (?P<name>[\w-]+)::\s*(?P<argument>.*)$")
OPTION = re.compile(r"^:(?P<name>[\w-]+):\s*(?P<value>.*)$")
ROW_START = re.compile(r"^\* - ?(?P<text>.*)$")
CELL_START = re.compile(r"^- ?(?P<text>.*)$")


@dataclass(frozen=True)
class RawText:
    text: str
    line: int


@dataclass(frozen=True)
class RawRow:
    line: int
    cells: tuple[RawText, ...]


@dataclass(frozen=True)
class RawTable:
    line: int
    options: tuple[tuple[str, RawText], ...]
    rows: tuple[RawRow, ...]

    def option(self, name: str) -> RawText | None:
        return dict(self.options).get(name)


@dataclass(frozen=True)
class RawSection:
    """Blocks under one heading; the document's preamble has heading None."""

    heading: RawText | None
    paragraphs: tuple[RawText, ...]
    tables: tuple[RawTable, ...]


@dataclass(frozen=True)
class RawDocument:
    doc_path: str
    title: RawText | None
    sections: tuple[RawSection, ...]
    line_count: int


def read_raw(text: str, doc_path: str) -> RawDocument:
    """Split the document into title, sections, paragraphs and list-tables."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    builder = _SectionBuilder()
    title: RawText | None = None
    index = 0
    while index < len(lines):
        index, title = _read_block(lines, index, doc_path, builder, title)
    # The last line with text, so "no flows" points into the file, not past its end.
    return RawDocument(doc_path, title, builder.finish(), max(1, len(text.rstrip().splitlines())))


def _read_block(
    lines: list[str], index: int, doc_path: str, builder: _SectionBuilder, title: RawText | None
) -> tuple[int, RawText | None]:
    """Read the block starting at `index`; return the next index and the (maybe found) title."""
    line = lines[index]
    if not line.strip():
        return index + 1, title
    if _is_overlined_title(lines, index):
        return index + 3, title or RawText(lines[index + 1].strip(), index + 2)
    if _is_underlined_heading(lines, index):
        builder.start(RawText(line.strip(), index + 1))
        return index + 2, title
    directive = DIRECTIVE.match(line)
    if directive and directive["name"] == "list-table":
        end = _indented_block_end(lines, index + 1)
        builder.add_table(_read_table(lines[index + 1 : end], index + 1, doc_path))
        return end, title
    end = _paragraph_end(lines, index)
    builder.add_paragraph(RawText(" ".join(part.strip() for part in lines[index:end]), index + 1))
    return end, title


def _is_overlined_title(lines: list[str], index: int) -> bool:
    if index + 2 >= len(lines) or not ADORNMENT.match(lines[index]):
        return False
    over, text, under = lines[index].strip(), lines[index + 1], lines[index + 2].strip()
    return bool(text.strip()) and over == under


def _is_underlined_heading(lines: list[str], index: int) -> bool:
    if index + 1 >= len(lines) or lines[index].startswith(" "):
        return False
    under = lines[index + 1].strip()
    return bool(ADORNMENT.match(under)) and len(under) >= len(lines[index].strip())


def _paragraph_end(lines: list[str], index: int) -> int:
    end = index + 1
    while end < len(lines) and lines[end].strip() and not _starts_block(lines, end):
        end += 1
    return end


def _starts_block(lines: list[str], index: int) -> bool:
    return bool(DIRECTIVE.match(lines[index])) or _is_underlined_heading(lines, index)


def _indented_block_end(lines: list[str], index: int) -> int:
    """The first line after `index` that is neither blank nor indented (ends a directive)."""
    end = index
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith((" ", "\t"))):
        end += 1
    return end


def _read_table(body: list[str], first_line: int, doc_path: str) -> RawTable:
    """Parse a list-table body: `:options:` first, then `* - cell` rows with `  - cell` cells."""
    options: list[tuple[str, RawText]] = []
    rows: list[list[RawText]] = []
    row_lines: list[int] = []
    for offset, raw_line in enumerate(body):
        number, stripped = first_line + offset + 1, raw_line.strip()
        option = OPTION.match(stripped)
        if not stripped:
            continue
        if option and not rows:
            options.append((option["name"], RawText(option["value"].strip(), number)))
        elif row := ROW_START.match(stripped):
            rows.append([RawText(row["text"].strip(), number)])
            row_lines.append(number)
        elif (cell := CELL_START.match(stripped)) and rows:
            rows[-1].append(RawText(cell["text"].strip(), number))
        elif rows:
            rows[-1][-1] = _continued(rows[-1][-1], stripped)
        else:
            raise located_error(
                doc_path,
                number,
                f"found {stripped!r} in a list-table; expected ':option:' or '* -'",
            )
    pairs = zip(row_lines, rows, strict=True)
    return RawTable(first_line, tuple(options), tuple(RawRow(n, tuple(c)) for n, c in pairs))


def _continued(cell: RawText, more: str) -> RawText:
    """A cell's text may wrap onto further, deeper-indented lines."""
    return RawText(f"{cell.text} {more}".strip(), cell.line)


class _SectionBuilder:
    """Collects blocks into sections as headings arrive (mutable only while reading)."""

    def __init__(self) -> None:
        self._sections: list[RawSection] = []
        self._heading: RawText | None = None
        self._paragraphs: list[RawText] = []
        self._tables: list[RawTable] = []

    def start(self, heading: RawText) -> None:
        self._close()
        self._heading = heading

    def add_paragraph(self, paragraph: RawText) -> None:
        self._paragraphs.append(paragraph)

    def add_table(self, table: RawTable) -> None:
        self._tables.append(table)

    def finish(self) -> tuple[RawSection, ...]:
        self._close()
        return tuple(self._sections)

    def _close(self) -> None:
        if self._heading or self._paragraphs or self._tables:
            section = RawSection(self._heading, tuple(self._paragraphs), tuple(self._tables))
            self._sections.append(section)
        self._heading, self._paragraphs, self._tables = None, [], []
