"""The validated, frozen spec of one dataflow document: what the checklist is generated from.

    spec = load_spec(Path("fixtures/dataflows/salesforce-to-crmoffice.rst"))
    [flow.name for flow in spec.flows]  # ['Salesforce Customer to Crmoffice Contacts', ...]

The spec holds no file path, so two copies of one document give equal specs.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PropertyMapping:
    """One row of a flow's property table; `line` is the row's line in the document."""

    source_property: str
    target_property: str
    target_data_type: str
    line: int
    # What the two systems' contracts say of the pair (filled in by load_spec; parse_spec alone
    # leaves the defaults): the Salesforce field type, each side's length limit, and whether
    # Salesforce refuses the field empty. The checklist writes realistic values and generates
    # the empty-value items from these, never from the engine's configuration.
    source_type: str = "string"
    source_length: int | None = None
    target_length: int | None = None
    source_required: bool = False
    target_required: bool = False  # the target refuses the field empty (e.g. Account.Name)

    @property
    def required(self) -> bool:
        """Either system refuses the field empty, so it is never cleared as a plain edit."""
        return self.source_required or self.target_required

    @property
    def max_length(self) -> int | None:
        """The longest value both systems accept."""
        limits = [n for n in (self.source_length, self.target_length) if n]
        return min(limits) if limits else None


@dataclass(frozen=True)
class FlowSpec:
    """One "<System> <Object> to <System> <Type>" section; `line` is its heading's line."""

    source_system: str
    source_object: str
    target_system: str
    target_type: str
    line: int
    properties: tuple[PropertyMapping, ...]

    @property
    def name(self) -> str:
        source = f"{self.source_system} {self.source_object}"
        return f"{source} to {self.target_system} {self.target_type}"

    @property
    def slug(self) -> str:
        """File-name form, e.g. salesforce_contact_to_crmoffice_contacts."""
        return slugify(self.name, "_")


@dataclass(frozen=True)
class DataflowSpec:
    """A whole document. Equal documents give equal specs, wherever the file lives."""

    title: str
    generated: datetime
    source_system: str
    target_system: str
    flows: tuple[FlowSpec, ...]
    content_hash: str

    @property
    def name(self) -> str:
        """Stable report name from the title, e.g. salesforce-to-crmoffice-dataflow."""
        return slugify(self.title, "-")

    @property
    def short_hash(self) -> str:
        return f"sha256:{self.content_hash[:16]}"


def content_hash(text: str) -> str:
    """sha256 of the text with newlines normalised, so a CRLF checkout hashes the same."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def slugify(text: str, separator: str) -> str:
    return re.sub(r"[^a-z0-9]+", separator, text.lower()).strip(separator)
