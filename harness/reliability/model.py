"""A reference model of the sync rules for Contacts, written from SYNC-SEMANTICS.md alone.

    model = Model(); model.unlinked[sf_id] = (values, at); model.cycle(now)
    model.pairs[sf_id].sf["Phone"]      # what both systems must hold after a cycle

It does not use the engine's merge module, so a wrong rule in either shows as a difference:
per property, a side that moved away from the last agreed value wins; if both moved to
different values the record changed later wins, a tie goes to Salesforce; "" equals None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from harness.engine.mapping import property_map

PROPS = property_map("contact")  # what the engine syncs, so the model expects the same
Values = dict[str, str | None]


def norm(value: str | None) -> str | None:
    return value or None


@dataclass
class ModelPair:
    sf: Values
    crm: Values
    sf_at: datetime
    crm_at: datetime
    agreed: Values = field(default_factory=dict)


class Model:
    def __init__(self) -> None:
        self.pairs: dict[str, ModelPair] = {}  # by Salesforce id; only linked ones
        self.unlinked: dict[str, tuple[Values, datetime]] = {}

    def cycle(self, now: datetime) -> None:
        for sf_id, (sf_values, _at) in self.unlinked.items():
            self.pairs[sf_id] = ModelPair(
                dict(sf_values), dict(sf_values), _at, now, dict(sf_values)
            )
        self.unlinked.clear()
        for pair in self.pairs.values():
            self._merge(pair, now)

    def _merge(self, pair: ModelPair, now: datetime) -> None:
        crm_later = pair.crm_at > pair.sf_at  # the records' times as read, before our writes
        for prop in PROPS:
            base, s, c = norm(pair.agreed.get(prop)), norm(pair.sf[prop]), norm(pair.crm[prop])
            if s != base and c != base and s != c:
                value = c if crm_later else s
            elif c != base:
                value = c
            else:
                value = s
            if s != value:
                pair.sf[prop], pair.sf_at = value, now
            if c != value:
                pair.crm[prop], pair.crm_at = value, now
            pair.agreed[prop] = value
