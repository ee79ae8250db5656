"""Talk's pipe names for a flow, the one place both the Sesam engine and the fake node read.

    flow = TalkFlow("contact", "contact", (TalkSide("salesforce", "contact", "Contact"), ...))
    [p.id for p in flow.pipes()]  # salesforce-contact-collect, ..., global-contact, ..., -share

The convention is Sesam's connector contract (../shared/reference/sesam-talk.md; D:hub/
documentation/connectors/connector-contract.html): `<system>-<datatype>-collect` reads a system,
`global-<type>` merges the collected datasets, `<system>-<datatype>-transform` shapes the merged
entity for one system and `<system>-<datatype>-share` writes it there. A collect pipe also hops
to its own system's share dataset (the `$origin` / `$generated_id` link, D:talk/merging), so a
write into a system makes that system's collect pipe due again: the flow runs both ways.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from harness.engine.mapping import EngineMapping, FlowMapping


class Role(StrEnum):
    COLLECT = "collect"
    GLOBAL = "global"
    TRANSFORM = "transform"
    SHARE = "share"


ROLE_ORDER = (Role.COLLECT, Role.GLOBAL, Role.TRANSFORM, Role.SHARE)


@dataclass(frozen=True)
class TalkSide:
    """One system's datatype in a flow: its Talk prefix and the system's own type name."""

    system: str  # "salesforce"
    datatype: str  # "contact": the pipe prefix is salesforce-contact
    object_name: str  # "Contact": what the system calls the type (SyncEngine.syncs)
    shares: bool = True  # Talk's "Share Enabled": False reads the system but never writes it

    @property
    def prefix(self) -> str:
        return f"{self.system}-{self.datatype}"


@dataclass(frozen=True)
class TalkPipe:
    id: str  # the conventional id; an overrides file may name the node's real pipe
    role: Role
    flow: str
    side: TalkSide | None  # None for the global pipe
    sources: tuple[str, ...]  # conventional ids of the pipes whose datasets it reads
    dependencies: tuple[str, ...] = ()  # datasets it hops to (dependency tracking)


@dataclass(frozen=True)
class TalkFlow:
    name: str
    global_type: str
    sides: tuple[TalkSide, ...]  # the origin first (whose new records it creates), then target

    def creates(self, source_system: str, source_kind: str, target_kind: str) -> bool:
        """Whether new `source_kind` records of `source_system` ("Salesforce", the API's own
        spelling; any letter case) get a `target_kind` record (SyncEngine.syncs)."""
        origin, *targets = self.sides
        return (
            origin.system == source_system.lower()
            and origin.object_name == source_kind
            and any(side.object_name == target_kind for side in targets)
        )

    @property
    def global_id(self) -> str:
        return f"global-{self.global_type}"

    def pipes(self) -> list[TalkPipe]:
        """Every pipe of the flow in dependency order: collect, global, transform, share."""
        sharing = [side for side in self.sides if side.shares]
        return [
            *(self._collect(side) for side in self.sides),
            TalkPipe(
                self.global_id,
                Role.GLOBAL,
                self.name,
                None,
                tuple(f"{s.prefix}-collect" for s in self.sides),
            ),
            *(self._pipe(side, Role.TRANSFORM, (self.global_id,)) for side in sharing),
            *(self._pipe(side, Role.SHARE, (f"{side.prefix}-transform",)) for side in sharing),
        ]

    def _collect(self, side: TalkSide) -> TalkPipe:
        hops = (f"{side.prefix}-share",) if side.shares else ()
        return TalkPipe(f"{side.prefix}-collect", Role.COLLECT, self.name, side, (), hops)

    def _pipe(self, side: TalkSide, role: Role, sources: tuple[str, ...]) -> TalkPipe:
        return TalkPipe(f"{side.prefix}-{role}", role, self.name, side, sources)


def pipe_set(flows: Iterable[TalkFlow]) -> list[TalkPipe]:
    """The pipes of several flows in dependency order, each once (flows share collect pipes).

    A pipe two flows share keeps the first flow's name and reads every flow's sources."""
    merged: dict[str, TalkPipe] = {}
    for pipe in (p for flow in flows for p in flow.pipes()):
        seen = merged.get(pipe.id)
        merged[pipe.id] = pipe if seen is None else _union(seen, pipe)
    return sorted(merged.values(), key=lambda p: ROLE_ORDER.index(p.role))


def _union(first: TalkPipe, other: TalkPipe) -> TalkPipe:
    return TalkPipe(
        first.id,
        first.role,
        first.flow,
        first.side,
        tuple(dict.fromkeys((*first.sources, *other.sources))),
        tuple(dict.fromkeys((*first.dependencies, *other.dependencies))),
    )


def flows_from_mapping(mapping: EngineMapping) -> list[TalkFlow]:
    """Talk flows for the engine mapping's flows: the namespaces it already names."""
    return [_flow(flow) for flow in mapping.flows]


def _flow(flow: FlowMapping) -> TalkFlow:
    salesforce = _side(flow.salesforce_namespace, flow.salesforce_object, flow.share_to_salesforce)
    crmoffice = _side(flow.crmoffice_namespace, flow.crmoffice_type, True)
    sides = (salesforce, crmoffice) if flow.origin == salesforce.system else (crmoffice, salesforce)
    return TalkFlow(flow.name, flow.name, sides)


def _side(namespace: str, object_name: str, shares: bool) -> TalkSide:
    system, _, datatype = namespace.partition("-")
    return TalkSide(system, datatype, object_name, shares)
