"""The dataflow document -> a typed, frozen, validated spec (the checklist's oracle).

    spec = load_spec(Path("fixtures/dataflows/salesforce-to-crmoffice.rst"))
    spec.flows[2].name, spec.content_hash[:12]  # ('Salesforce Contact to Crmoffice Contacts', ...)

Parsing runs in two stages (raw.py: text -> raw blocks with line numbers; build.py: blocks ->
DataflowSpec), then contracts.py checks every property name against Salesforce describe metadata
and the Crmoffice OpenAPI contract. Every problem is a BadSpecError naming file and line.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from harness.dataflow.build import build_spec
from harness.dataflow.contracts import Contracts, check_contracts, with_field_facts
from harness.dataflow.located import located_error
from harness.dataflow.model import DataflowSpec, FlowSpec, PropertyMapping, content_hash
from harness.dataflow.raw import read_raw
from harness.errors import BadSpecError

__all__ = [
    "Contracts",
    "DataflowSpec",
    "FlowSpec",
    "PropertyMapping",
    "load_spec",
    "parse_spec",
]


def parse_spec(text: str, doc_path: str) -> DataflowSpec:
    """The document's shape only, no contract checks (pure: no file access)."""
    _check_invisible_characters(text, doc_path)
    return build_spec(read_raw(text, doc_path), content_hash(text))


def _check_invisible_characters(text: str, doc_path: str) -> None:
    """An invisible format character (a zero-width space pasted into a heading) would make a
    flow heading unrecognisable and the error blame the section before it: name it instead."""
    for number, line in enumerate(text.splitlines(), start=1):
        for column, char in enumerate(line, start=1):
            if unicodedata.category(char) == "Cf":
                name = unicodedata.name(char, "a format character")
                raise located_error(
                    doc_path,
                    number,
                    f"column {column} holds an invisible character (U+{ord(char):04X} {name});"
                    " expected plain text: delete it and save the document again",
                )


def load_spec(path: Path, contracts: Contracts | None = None) -> DataflowSpec:
    """Read, parse and check a document; `path` is shown in every error as given."""
    doc_path = str(path)
    text = _read_text(path)
    spec = parse_spec(text, doc_path)
    contracts = contracts or Contracts()
    check_contracts(spec, doc_path, contracts)
    return with_field_facts(spec, contracts)


def _read_text(path: Path) -> str:
    try:
        # utf-8-sig: an editor that saves with a byte order mark makes no other difference.
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadSpecError(f"{path}: no such file; expected a dataflow document (.rst)") from None
    except UnicodeDecodeError as error:
        found = f"{error.reason} at byte {error.start}"
        raise BadSpecError(f"{path}: found {found}; expected UTF-8 text") from None
    except OSError as error:
        raise BadSpecError(f"{path}: cannot read it ({error.strerror})") from None
