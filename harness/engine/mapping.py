"""The engine's own mapping: which Salesforce object feeds which Crmoffice type, field by field.

    mapping = load_mapping()                       # harness/engine/flows.toml
    contact = mapping.flow("contact"); contact.salesforce_ref("003...")  # salesforce-contact:003...
    mapping.salesforce_path(2_001)                 # "bulk": Bulk API 2.0 above bulk_threshold

Loaded with tomllib into frozen dataclasses. It never reads the dataflow document: the document
is the oracle, and a mistake here must show up as a red scenario, not as two matching mistakes.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from harness.connectors.base import SalesforcePath
from harness.errors import ConfigError

DEFAULT_MAPPING_PATH = Path(__file__).with_name("flows.toml")
Origin = Literal["salesforce", "crmoffice"]
ORIGINS: tuple[Origin, ...] = ("salesforce", "crmoffice")


@dataclass(frozen=True)
class PropertyMap:
    salesforce: str  # Contact.FirstName
    crmoffice: str  # contacts.givenName


@dataclass(frozen=True)
class FlowMapping:
    name: str
    salesforce_object: str
    crmoffice_type: str
    properties: tuple[PropertyMap, ...] = ()
    share_to_salesforce: bool = True  # Talk's "Share Enabled" for the write-back direction
    # The system whose new records the flow creates in the other (the document's direction).
    # Either way the pair is stored Salesforce side first (Link.source_ref), so planning and
    # merging read the same; only which unlinked records are inserted, and where, differ.
    origin: Origin = "salesforce"

    @property
    def salesforce_fields(self) -> list[str]:
        return [p.salesforce for p in self.properties]

    @property
    def crmoffice_fields(self) -> list[str]:
        return [p.crmoffice for p in self.properties]

    @property
    def salesforce_namespace(self) -> str:
        return f"salesforce-{self.salesforce_object.lower()}"

    @property
    def crmoffice_namespace(self) -> str:
        return f"crmoffice-{self.crmoffice_type}"

    def salesforce_ref(self, record_id: str) -> str:
        return f"{self.salesforce_namespace}:{record_id}"

    def crmoffice_ref(self, record_id: str) -> str:
        return crmoffice_ref(self.crmoffice_type, record_id)

    def creates(self, source_system: str, source_kind: str, target_kind: str) -> bool:
        """Whether new `source_kind` records of `source_system` get a `target_kind` record."""
        if self.origin == "salesforce":
            ends = ("Salesforce", self.salesforce_object, self.crmoffice_type)
        else:
            ends = ("Crmoffice", self.crmoffice_type, self.salesforce_object)
        return (source_system, source_kind, target_kind) == ends


def crmoffice_ref(type_name: str, record_id: str) -> str:
    """crmoffice-contacts:42; one namespace per type, whichever flow fed it."""
    return f"crmoffice-{type_name}:{record_id}"


@dataclass(frozen=True)
class EngineMapping:
    flows: tuple[FlowMapping, ...]
    watermark_overlap: timedelta = timedelta(seconds=2)
    salesforce_batch_size: int = 200
    store_batch_size: int = 200
    # More records than this in one read or write go through Bulk API 2.0 (flows.toml says
    # why 2,000); None keeps every call on REST.
    bulk_threshold: int | None = 2000
    bulk_batch_size: int = 10_000  # Salesforce updates per Bulk API 2.0 job

    def salesforce_path(self, records: int) -> SalesforcePath:
        """The engine's one rule for which Salesforce API moves `records` records: REST up to
        bulk_threshold, Bulk API 2.0 above it."""
        if self.bulk_threshold is not None and records > self.bulk_threshold:
            return "bulk"
        return "rest"

    def salesforce_write_batch(self, expected_writes: int) -> int:
        """Salesforce updates to gather before writing: a Collections call's worth, or a whole
        Bulk API 2.0 job's when the cycle may write more than the threshold."""
        if self.salesforce_path(expected_writes) == "bulk":
            return self.bulk_batch_size
        return self.salesforce_batch_size

    def rest_only(self) -> EngineMapping:
        """The same flows with every Salesforce call on REST (the benchmark's comparison)."""
        return replace(self, bulk_threshold=None)

    def flow(self, name: str) -> FlowMapping:
        for flow in self.flows:
            if flow.name == name:
                return flow
        known = ", ".join(f.name for f in self.flows)
        raise ConfigError(f"no flow {name!r} in the engine mapping; known: {known}")

    def flows_from_salesforce(self, object_name: str) -> list[FlowMapping]:
        return [f for f in self.flows if f.salesforce_object == object_name]

    def flows_into_crmoffice(self, type_name: str) -> list[FlowMapping]:
        return [f for f in self.flows if f.crmoffice_type == type_name]

    @property
    def salesforce_objects(self) -> list[str]:
        return list(dict.fromkeys(f.salesforce_object for f in self.flows))

    @property
    def crmoffice_types(self) -> list[str]:
        return list(dict.fromkeys(f.crmoffice_type for f in self.flows))

    def with_flows(self, flows: tuple[FlowMapping, ...]) -> EngineMapping:
        return replace(self, flows=flows)


def property_map(flow_name: str, mapping: EngineMapping | None = None) -> dict[str, str]:
    """Salesforce field -> Crmoffice property of one flow, as flows.toml maps them: the one
    place the reliability model, the crash trials and the bench floor read it from."""
    flow = (mapping or load_mapping()).flow(flow_name)
    return {p.salesforce: p.crmoffice for p in flow.properties}


def load_mapping(path: Path = DEFAULT_MAPPING_PATH) -> EngineMapping:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read the engine mapping {path}: {error}") from error
    return parse_mapping(raw, source=str(path))


def parse_mapping(raw: dict[str, Any], *, source: str = "<mapping>") -> EngineMapping:
    engine = raw.get("engine", {})
    flows = tuple(_parse_flow(item, source) for item in raw.get("flow", []))
    if not flows:
        raise ConfigError(f"engine mapping {source} has no [[flow]] tables")
    mapping = EngineMapping(
        flows=flows,
        watermark_overlap=timedelta(seconds=float(engine.get("watermark_overlap_seconds", 2.0))),
        salesforce_batch_size=int(engine.get("salesforce_batch_size", 200)),
        store_batch_size=int(engine.get("store_batch_size", 200)),
        bulk_threshold=int(engine.get("bulk_threshold", 2000)),
        bulk_batch_size=int(engine.get("bulk_batch_size", 10_000)),
    )
    _check_bulk(mapping, source)
    return mapping


def _check_bulk(mapping: EngineMapping, source: str) -> None:
    threshold, batch = mapping.bulk_threshold, mapping.bulk_batch_size
    if threshold is not None and (threshold < 0 or batch <= threshold):
        raise ConfigError(
            f"engine mapping {source}: bulk_threshold {threshold} and bulk_batch_size {batch};"
            " expected a threshold of 0 or more and a Bulk job larger than it (e.g. 2000, 10000)"
        )


def _parse_flow(item: dict[str, Any], source: str) -> FlowMapping:
    missing = [k for k in ("name", "salesforce_object", "crmoffice_type") if k not in item]
    if missing:
        raise ConfigError(
            f"a [[flow]] in {source} lacks {', '.join(missing)}; "
            "expected name, salesforce_object, crmoffice_type and optional properties"
        )
    properties = tuple(
        PropertyMap(str(p["salesforce"]), str(p["crmoffice"])) for p in item.get("properties", [])
    )
    return FlowMapping(
        name=str(item["name"]),
        salesforce_object=str(item["salesforce_object"]),
        crmoffice_type=str(item["crmoffice_type"]),
        properties=properties,
        share_to_salesforce=bool(item.get("share_to_salesforce", True)),
        origin=_origin(item, source),
    )


def _origin(item: dict[str, Any], source: str) -> Origin:
    origin = item.get("origin", "salesforce")
    for known in ORIGINS:
        if origin == known:
            return known
    raise ConfigError(
        f"flow {item['name']!r} in {source} has origin {origin!r}; expected one of"
        f" {', '.join(ORIGINS)} (the system whose new records the flow creates in the other)"
    )
