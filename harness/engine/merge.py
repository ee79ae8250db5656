"""Per-property merge of one linked pair: pure, no IO, table-tested.

    >>> t0, t1 = datetime(2026, 1, 5, 9, 0), datetime(2026, 1, 5, 10, 0)
    >>> plan = decide({"Phone": "1"}, Side({"Phone": "2"}, t1), Side({"Phone": "1"}, t0))
    >>> plan.to_crmoffice, plan.to_salesforce, plan.winners  # only Salesforce changed it
    ({'Phone': '2'}, {}, {'Phone': 'salesforce'})

Values are keyed by the Salesforce field name on both sides (the orchestrator translates).
Rules (SYNC-SEMANTICS.md, "One sync cycle"): only one side differs from based_on -> it wins;
both differ -> the later modification time wins, a tie goes to Salesforce; neither -> nothing.
Write only where the other side's value actually differs; "" and None are the same value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

Value = str | None
Winner = Literal["salesforce", "crmoffice", "agreed"]
Sameness = Callable[[Value, Value], bool]


@dataclass(frozen=True)
class Side:
    """One system's current values of a pair, and when that record last changed."""

    values: Mapping[str, Value]
    modified_at: datetime | None


@dataclass(frozen=True)
class MergePlan:
    merged: Mapping[str, Value]  # the value both sides hold once the writes are done
    to_salesforce: Mapping[str, Value] = field(default_factory=dict)
    to_crmoffice: Mapping[str, Value] = field(default_factory=dict)
    winners: Mapping[str, Winner] = field(default_factory=dict)

    @property
    def writes_nothing(self) -> bool:
        return not self.to_salesforce and not self.to_crmoffice


def same(a: Value, b: Value) -> bool:
    """Empty string and null are one value, so systems that differ only there never flip-flop."""
    return (a or None) == (b or None)


class MergeRule(Protocol):
    """decide's signature: the engine takes one, so a broken variant can stand in for it."""

    def __call__(
        self, based_on: Mapping[str, Value], salesforce: Side, crmoffice: Side
    ) -> MergePlan: ...


def decide(
    based_on: Mapping[str, Value], salesforce: Side, crmoffice: Side, *, same: Sameness = same
) -> MergePlan:
    merged: dict[str, Value] = {}
    winners: dict[str, Winner] = {}
    for prop in _properties(based_on, salesforce, crmoffice):
        winners[prop], merged[prop] = _decide_property(prop, based_on, salesforce, crmoffice, same)
    return MergePlan(
        merged=merged,
        to_salesforce=differing(merged, salesforce.values, same),
        to_crmoffice=differing(merged, crmoffice.values, same),
        winners=winners,
    )


def _properties(based_on: Mapping[str, Value], *sides: Side) -> list[str]:
    names = dict.fromkeys(based_on)
    for side in sides:
        names.update(dict.fromkeys(side.values))
    return list(names)


def _decide_property(
    prop: str, based_on: Mapping[str, Value], salesforce: Side, crmoffice: Side, same: Sameness
) -> tuple[Winner, Value]:
    base = based_on.get(prop)
    sf_value, crm_value = salesforce.values.get(prop), crmoffice.values.get(prop)
    sf_changed, crm_changed = not same(sf_value, base), not same(crm_value, base)
    if sf_changed and crm_changed and not same(sf_value, crm_value):
        return (
            ("crmoffice", crm_value) if later(crmoffice, salesforce) else ("salesforce", sf_value)
        )
    if sf_changed:
        return "salesforce", sf_value
    if crm_changed:
        return "crmoffice", crm_value
    return "agreed", sf_value


def later(a: Side, b: Side) -> bool:
    """a changed strictly later than b; an unknown time counts as oldest."""
    if a.modified_at is None:
        return False
    return b.modified_at is None or a.modified_at > b.modified_at


def differing(
    merged: Mapping[str, Value], current: Mapping[str, Value], same: Sameness = same
) -> dict[str, Value]:
    """The merged values a side must be written, because it holds something else now."""
    return {p: v for p, v in merged.items() if not same(v, current.get(p))}
