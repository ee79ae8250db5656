"""Stage two: raw blocks -> the validated DataflowSpec (title, date, systems, flows, properties).

    spec = build_spec(read_raw(text, source), content_hash(text))
    spec.flows[2].properties[0].target_property  # 'givenName'

Every rule of the document's shape lives here, and each failure names the file, the line, what
was found and what was expected.
"""

from __future__ import annotations

import re
from datetime import datetime

from harness.dataflow.located import located_error
from harness.dataflow.model import DataflowSpec, FlowSpec, PropertyMapping
from harness.dataflow.raw import RawDocument, RawRow, RawSection, RawTable, RawText

TITLE = re.compile(r"^(?P<source>\S+) to (?P<target>\S+) Dataflow$")
FLOW_HEADING = re.compile(r"^(?P<ss>\S+) (?P<so>\S+) to (?P<ts>\S+) (?P<tt>\S+)$")
GENERATED = re.compile(r"^Generated:\s*(?P<stamp>.*)$")
GENERATED_FORMAT = "%Y-%m-%d %H:%M:%S"
COLUMNS = ("source property", "target property", "target data type")


def build_spec(raw: RawDocument, digest: str) -> DataflowSpec:
    title, source_system, target_system = _title(raw)
    flows = tuple(
        _flow(raw.doc_path, section, source_system, target_system)
        for section in raw.sections
        if _is_flow_section(section)
    )
    if not flows:
        raise located_error(
            raw.doc_path,
            raw.line_count,
            "found no flow section; expected at least one section headed "
            f"'{source_system} <Object> to {target_system} <Type>' with a list-table",
        )
    _reject_duplicate_flows(raw.doc_path, flows)
    generated = _generated(raw)
    return DataflowSpec(title, generated, source_system, target_system, flows, digest)


def _title(raw: RawDocument) -> tuple[str, str, str]:
    if raw.title is None:
        found = "an empty file" if _is_empty(raw) else "no over- and underlined title"
        expected = "a title like 'Salesforce to Crmoffice Dataflow'"
        raise located_error(raw.doc_path, 1, f"found {found}; expected {expected}")
    match = TITLE.match(raw.title.text)
    if not match:
        raise located_error(
            raw.doc_path,
            raw.title.line,
            f"found title {raw.title.text!r}; expected '<Source> to <Target> Dataflow'",
        )
    return raw.title.text, match["source"], match["target"]


def _is_empty(raw: RawDocument) -> bool:
    return not raw.sections


def _generated(raw: RawDocument) -> datetime:
    for section in raw.sections:
        for paragraph in section.paragraphs:
            if match := GENERATED.match(paragraph.text):
                return _parse_stamp(raw.doc_path, paragraph.line, match["stamp"])
    raise located_error(
        raw.doc_path, 1, "found no 'Generated:' line; expected 'Generated: YYYY-MM-DD HH:MM:SS'"
    )


def _parse_stamp(doc_path: str, line: int, stamp: str) -> datetime:
    try:
        return datetime.strptime(stamp.strip(), GENERATED_FORMAT)
    except ValueError:
        raise located_error(
            doc_path, line, f"found Generated: {stamp!r}; expected 'YYYY-MM-DD HH:MM:SS'"
        ) from None


def _is_flow_section(section: RawSection) -> bool:
    """A section is a flow if it has a table or a flow-shaped heading (so neither goes unseen)."""
    heading = section.heading.text if section.heading else ""
    return bool(section.tables) or bool(FLOW_HEADING.match(heading))


def _flow(doc_path: str, section: RawSection, source_system: str, target_system: str) -> FlowSpec:
    heading = section.heading or RawText("(no heading)", section.tables[0].line)
    ss, so, ts, tt = _flow_names(doc_path, heading, source_system, target_system)
    _require_sentence(doc_path, section, heading, _every_sentence(ss, so, ts, tt))
    _require_sentence(doc_path, section, heading, _link_sentence(ss, so, ts, tt))
    table = _only_table(doc_path, section, heading)
    properties = _properties(doc_path, table, _header(ss, so, ts, tt))
    return FlowSpec(ss, so, ts, tt, heading.line, properties)


def _flow_names(
    doc_path: str, heading: RawText, source_system: str, target_system: str
) -> tuple[str, str, str, str]:
    match = FLOW_HEADING.match(heading.text)
    expected = f"'{source_system} <Object> to {target_system} <Type>'"
    if not match or (match["ss"], match["ts"]) != (source_system, target_system):
        raise located_error(
            doc_path, heading.line, f"found flow heading {heading.text!r}; expected {expected}"
        )
    return match["ss"], match["so"], match["ts"], match["tt"]


def _every_sentence(ss: str, so: str, ts: str, tt: str) -> str:
    return f"Every {ss} {so} will be synchronized with a {ts} {tt}."


def _link_sentence(ss: str, so: str, ts: str, tt: str) -> str:
    return (
        f"Once a link between a {ss} {so} and a {ts} {tt} is established, it will keep in sync "
        "between the two systems, regardless of where it is edited."
    )


def _require_sentence(doc_path: str, section: RawSection, heading: RawText, sentence: str) -> None:
    """The checklist's promises come from these sentences, so a changed one must not pass."""
    if any(paragraph.text == sentence for paragraph in section.paragraphs):
        return
    found = section.paragraphs[0].text if section.paragraphs else "no paragraph"
    raise located_error(
        doc_path,
        heading.line,
        f"section {heading.text!r} lacks the sentence {sentence!r}; found: {found!r}",
    )


def _only_table(doc_path: str, section: RawSection, heading: RawText) -> RawTable:
    if len(section.tables) != 1:
        raise located_error(
            doc_path,
            section.tables[1].line if section.tables else heading.line,
            f"section {heading.text!r} has {len(section.tables)} list-tables; expected 1",
        )
    return section.tables[0]


def _header(ss: str, so: str, ts: str, tt: str) -> tuple[str, str, str]:
    return (f"{ss} {so} Property", f"{ts} {tt} Property", f"{ts} Data Type")


def _properties(
    doc_path: str, table: RawTable, header: tuple[str, str, str]
) -> tuple[PropertyMapping, ...]:
    _require_header_rows(doc_path, table)
    if not table.rows:
        raise located_error(
            doc_path, table.line, f"list-table has no rows; expected header {header}"
        )
    _require_header(doc_path, table.rows[0], header)
    mappings = tuple(_mapping(doc_path, row, header) for row in table.rows[1:])
    _reject_duplicate_properties(doc_path, mappings)
    return mappings


def _require_header_rows(doc_path: str, table: RawTable) -> None:
    option = table.option("header-rows")
    if option is None or option.text != "1":
        found = f":header-rows: {option.text}" if option else "no :header-rows: option"
        line = option.line if option else table.line
        raise located_error(doc_path, line, f"found {found}; expected :header-rows: 1")


def _require_header(doc_path: str, row: RawRow, header: tuple[str, str, str]) -> None:
    _require_cell_count(doc_path, row, header)
    for cell, expected, role in zip(row.cells, header, COLUMNS, strict=True):
        if cell.text != expected:
            raise located_error(
                doc_path,
                cell.line,
                f"unknown column header {cell.text!r}; expected {expected!r} ({role})",
            )


def _require_cell_count(doc_path: str, row: RawRow, header: tuple[str, str, str]) -> None:
    if len(row.cells) != len(header):
        cells = ", ".join(repr(cell.text) for cell in row.cells)
        raise located_error(
            doc_path,
            row.line,
            f"table row has {len(row.cells)} cells ({cells}); expected {len(header)}: "
            + ", ".join(header),
        )


def _mapping(doc_path: str, row: RawRow, header: tuple[str, str, str]) -> PropertyMapping:
    _require_cell_count(doc_path, row, header)
    texts = [cell.text for cell in row.cells]
    for cell, role in zip(row.cells, COLUMNS, strict=True):
        if not _unquote(cell.text):
            raise located_error(doc_path, cell.line, f"found an empty cell; expected the {role}")
    return PropertyMapping(texts[0], texts[1], _unquote(texts[2]), row.line)


def _unquote(text: str) -> str:
    """The document quotes data types ("string"); the spec holds the bare name."""
    return text[1:-1].strip() if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _reject_duplicate_properties(doc_path: str, mappings: tuple[PropertyMapping, ...]) -> None:
    for column in ("source_property", "target_property"):
        first: dict[str, int] = {}
        for mapping in mappings:
            name = getattr(mapping, column)
            if name in first:
                raise located_error(
                    doc_path,
                    mapping.line,
                    f"property {name!r} is listed twice (first at line {first[name]}); "
                    "expected each property once per flow",
                )
            first[name] = mapping.line


def _reject_duplicate_flows(doc_path: str, flows: tuple[FlowSpec, ...]) -> None:
    first: dict[str, int] = {}
    for flow in flows:
        if flow.name in first:
            raise located_error(
                doc_path,
                flow.line,
                f"flow {flow.name!r} is listed twice (first at line {first[flow.name]}); "
                "expected each flow once",
            )
        first[flow.name] = flow.line
