"""What one sync cycle did: per-flow counts, API calls, dead letters.

report = engine.run_cycle()
report.total("inserted"); json.dumps(report.to_dict())   # for Allure attachments
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

from harness.connectors.base import CallCounter


@dataclass(frozen=True)
class FlowCounts:
    inserted: int = 0
    updated_salesforce: int = 0
    updated_crmoffice: int = 0
    unchanged: int = 0
    dead_lettered: int = 0
    deleted_seen: int = 0
    deferred: int = 0  # retriable per-record failures, tried again next cycle


COUNT_NAMES = tuple(f.name for f in fields(FlowCounts))


@dataclass(frozen=True)
class DeadLetterEntry:
    ref: str
    flow: str
    direction: str
    code: str
    message: str
    attempts: int
    retriable: bool


@dataclass(frozen=True)
class RunReport:
    started_at: datetime
    finished_at: datetime
    flows: Mapping[str, FlowCounts]
    api_calls: Mapping[str, Mapping[str, int]]
    dead_letters: tuple[DeadLetterEntry, ...] = ()

    @property
    def ok(self) -> bool:
        """No record is waiting on a rejection or a retry."""
        return not self.dead_letters

    def total(self, count: str) -> int:
        return sum(int(getattr(c, count)) for c in self.flows.values())

    def writes(self) -> int:
        return sum(calls.get("write", 0) for calls in self.api_calls.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "flows": {name: asdict(counts) for name, counts in self.flows.items()},
            "api_calls": {name: dict(calls) for name, calls in self.api_calls.items()},
            "dead_letters": [asdict(letter) for letter in self.dead_letters],
        }


@dataclass
class Tally:
    """The mutable counter a cycle fills in; frozen into FlowCounts at the end."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, flow: str, count: str, n: int = 1) -> None:
        per_flow = self.counts.setdefault(flow, dict.fromkeys(COUNT_NAMES, 0))
        per_flow[count] += n

    def freeze(self, flow_names: list[str]) -> dict[str, FlowCounts]:
        return {name: FlowCounts(**self.counts.get(name, {})) for name in flow_names}


@dataclass(frozen=True)
class CallMark:
    read: int
    write: int

    @classmethod
    def of(cls, counter: CallCounter) -> CallMark:
        return cls(counter.read, counter.write)

    def since(self, counter: CallCounter) -> dict[str, int]:
        return {"read": counter.read - self.read, "write": counter.write - self.write}
