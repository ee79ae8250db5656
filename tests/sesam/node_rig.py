"""A fake Sesam node running one Talk flow between two in-memory systems, for the Sesam tests.

    rig = NodeRig.build()                      # FakeSesamNode + MemorySystem per side
    rig.systems["salesforce"].add("Ada");  engine = rig.engine(); engine.run_cycle()

The backends are the simplest honest Talk: a collect backend lists its system (and copies
`$origin` from its share dataset for the records Sesam created, the hop of D:talk/merging), the
global pipe merges by `$origin`, a transform emits an insert (global id) or an update (the
system's own id), a share backend writes its system and stores `$generated_id` on an insert.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from harness.clock import FakeClock
from harness.fakes.sesam import FakeSesamNode, PumpResult, PumpRun, issue_jwt, talk_pipes
from harness.fakes.sesam.pipes import Backend
from harness.sesam import SesamEngine, SesamSettings, TalkFlow, TalkSide

FLOW = TalkFlow(
    "contact",
    "contact",
    (TalkSide("salesforce", "contact", "Contact"), TalkSide("crmoffice", "contacts", "contacts")),
)
PIPES = [
    "salesforce-contact-collect",
    "crmoffice-contacts-collect",
    "global-contact",
    "salesforce-contact-transform",
    "crmoffice-contacts-transform",
    "salesforce-contact-share",
    "crmoffice-contacts-share",
]


@dataclass
class MemorySystem:
    side: TalkSide
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    writes: list[tuple[str, str]] = field(default_factory=list)  # (operation, record id)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def add(self, name: str) -> str:
        record_id = f"{self.side.system[:2]}{next(self._ids)}"
        self.records[record_id] = {"name": name}
        return record_id

    def collect(self, run: PumpRun) -> PumpResult:
        share = {e.get("$generated_id"): e for e in run.dataset(f"{self.side.prefix}-share")}
        entities = []
        for record_id, record in self.records.items():
            entity = {"_id": f"{self.side.prefix}:{record_id}", **record}
            origin = share.get(record_id, {}).get("$origin")
            entities.append({**entity, "$origin": origin} if origin else entity)
        return PumpResult(entities, last_seen=str(len(self.records)))

    def transform(self, run: PumpRun) -> PumpResult:
        out = []
        for entity in run.changed():
            own = [i for i in entity["$ids"] if i.startswith(f"{self.side.prefix}:")]
            target = own[0] if own else entity["_id"]
            out.append({"_id": target, "name": entity["name"], "$origin": entity["_id"]})
        return PumpResult(out)

    def share(self, run: PumpRun) -> PumpResult:
        written = [w for e in run.changed() if (w := self._write(e)) is not None]
        return PumpResult(written)

    def _write(self, entity: dict[str, Any]) -> dict[str, Any] | None:
        prefix = f"{self.side.prefix}:"
        if not entity["_id"].startswith(prefix):
            record_id = self.add(entity["name"])
            self.writes.append(("insert", record_id))
            return {**entity, "$generated_id": record_id}
        record_id = entity["_id"].removeprefix(prefix)
        if self.records.get(record_id) == {"name": entity["name"]}:
            return None  # Talk's share: discard-entity-not-changed
        self.records[record_id] = {"name": entity["name"]}
        self.writes.append(("update", record_id))
        return entity


def merge(run: PumpRun) -> PumpResult:
    """global-<type>: one entity per origin, `$ids` every member's id."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for source in run.changes:
        for entity in run.dataset(source):
            groups.setdefault(entity.get("$origin") or entity["_id"], []).append(entity)
    merged = [
        {"_id": key, "name": members[0]["name"], "$ids": sorted(m["_id"] for m in members)}
        for key, members in groups.items()
    ]
    return PumpResult(merged)


@dataclass
class NodeRig:
    clock: FakeClock
    jwt: str
    node: FakeSesamNode
    systems: dict[str, MemorySystem]
    sleeps: list[float] = field(default_factory=list)
    now: float = 0.0

    @classmethod
    def build(cls, *, disabled: tuple[str, ...] = (), drop: tuple[str, ...] = ()) -> NodeRig:
        clock = FakeClock()
        jwt = issue_jwt(clock.now() + timedelta(hours=1))
        systems = {side.system: MemorySystem(side) for side in FLOW.sides}
        pipes = talk_pipes([FLOW], _backends(systems), disabled=disabled)
        node = FakeSesamNode(clock, jwt=jwt, pipes=[p for p in pipes if p.id not in drop])
        return cls(clock, jwt, node, systems)

    def settings(self, **overrides: Any) -> SesamSettings:
        values: dict[str, Any] = {"timeout": 30.0, "poll_interval": 1.0, **overrides}
        return SesamSettings(self.node.api_url, self.jwt, **values)

    def engine(self, *, pipes_file: Path | None = None, **overrides: Any) -> SesamEngine:
        return SesamEngine(
            self.settings(pipes_file=pipes_file, **overrides),
            [FLOW],
            clock=self.clock,
            sleep=self.sleep,
            monotonic=lambda: self.now,
        )

    def sleep(self, seconds: float) -> None:
        """The engine's pause between status reads: recorded, and time moves on."""
        self.sleeps.append(seconds)
        self.now += seconds


def _backends(systems: dict[str, MemorySystem]) -> dict[str, Backend]:
    backends: dict[str, Backend] = {"global-contact": merge}
    for system in systems.values():
        prefix = system.side.prefix
        backends[f"{prefix}-collect"] = system.collect
        backends[f"{prefix}-transform"] = system.transform
        backends[f"{prefix}-share"] = system.share
    return backends
