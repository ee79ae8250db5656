"""Check a spec's property names against what the two systems really have.

    check_contracts(spec, "x.rst", Contracts(DESCRIBE_DIR, CRMOFFICE_CONTRACT))  # or BadSpecError

Either system may be a flow's source: each side's names are checked in that side's catalog
(harness/dataflow/catalogs.py), and the document's data type column against the target's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from harness import resources
from harness.dataflow.catalogs import (
    Catalog,
    CrmofficeCatalog,
    FieldFacts,
    SalesforceCatalog,
    plural,
    singular,
)
from harness.dataflow.located import known_list, located_error
from harness.dataflow.model import DataflowSpec, FlowSpec, PropertyMapping

DEFAULT_DESCRIBE_DIR = resources.DESCRIBE_DIR
DEFAULT_CONTRACT = resources.CRMOFFICE_CONTRACT

__all__ = ["Contracts", "check_contracts", "plural", "singular", "with_field_facts"]


@dataclass(frozen=True)
class Contracts:
    """Where the two systems' field lists come from."""

    describe_dir: Path = DEFAULT_DESCRIBE_DIR
    crmoffice_contract: Path = DEFAULT_CONTRACT

    def catalogs(self) -> dict[str, Catalog]:
        return {
            "Salesforce": SalesforceCatalog(self.describe_dir),
            "Crmoffice": CrmofficeCatalog(self.crmoffice_contract),
        }

    def catalog(self, system: str, doc_path: str, line: int) -> Catalog:
        catalogs = self.catalogs()
        if system not in catalogs:
            raise located_error(
                doc_path,
                line,
                f"no contract for a system {system!r}; known: {known_list(catalogs)}",
            )
        return catalogs[system]


@dataclass(frozen=True)
class _Sides:
    source: Catalog
    target: Catalog
    source_fields: dict[str, FieldFacts]
    target_fields: dict[str, FieldFacts]


def _sides(doc_path: str, flow: FlowSpec, contracts: Contracts) -> _Sides:
    source = contracts.catalog(flow.source_system, doc_path, flow.line)
    target = contracts.catalog(flow.target_system, doc_path, flow.line)
    return _Sides(
        source,
        target,
        source.fields(doc_path, flow.line, flow.source_object),
        target.fields(doc_path, flow.line, flow.target_type),
    )


def check_contracts(spec: DataflowSpec, doc_path: str, contracts: Contracts) -> None:
    """Raise BadSpecError for the first property either system does not know."""
    for flow in spec.flows:
        sides = _sides(doc_path, flow, contracts)
        for mapping in flow.properties:
            _check_names(doc_path, flow, mapping, sides)
            _check_data_type(doc_path, flow, mapping, sides)


def _check_names(doc_path: str, flow: FlowSpec, mapping: PropertyMapping, sides: _Sides) -> None:
    for catalog, kind, name, fields in (
        (sides.source, flow.source_object, mapping.source_property, sides.source_fields),
        (sides.target, flow.target_type, mapping.target_property, sides.target_fields),
    ):
        if name not in fields:
            raise located_error(
                doc_path,
                mapping.line,
                f"{catalog.system} {kind} has no {catalog.field_word} {name!r} in"
                f" {catalog.where(kind)}; known: {known_list(fields)}",
            )


def _check_data_type(
    doc_path: str, flow: FlowSpec, mapping: PropertyMapping, sides: _Sides
) -> None:
    """The document's data type column must be a type the target's contract gives the field."""
    types = sides.target_fields[mapping.target_property].data_types
    if types and mapping.target_data_type not in types:
        raise located_error(
            doc_path,
            mapping.line,
            f"{flow.target_system} {flow.target_type} {sides.target.field_word}"
            f" {mapping.target_property!r} is a {' or '.join(types)} in"
            f" {sides.target.where(flow.target_type)}, but the document"
            f" gives its data type as {mapping.target_data_type!r}",
        )


def with_field_facts(spec: DataflowSpec, contracts: Contracts) -> DataflowSpec:
    """The spec with each property row's type, narrower length and requiredness filled in.

    Call after check_contracts: every field named here is known to both contracts.
    """
    flows = []
    for flow in spec.flows:
        sides = _sides("(checked)", flow, contracts)
        rows = tuple(
            _facts(
                m, sides.source_fields[m.source_property], sides.target_fields[m.target_property]
            )
            for m in flow.properties
        )
        flows.append(replace(flow, properties=rows))
    return replace(spec, flows=tuple(flows))


def _facts(mapping: PropertyMapping, source: FieldFacts, target: FieldFacts) -> PropertyMapping:
    return replace(
        mapping,
        source_type=source.type,
        source_length=source.length,
        target_length=target.length,
        source_required=source.required,
        target_required=target.required,
    )
