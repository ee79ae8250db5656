"""Pure planning of one cycle's work: what to insert, what to write per linked pair.

    pair = plan_pair(PairInput(flow, link, salesforce_record, None))
    pair.salesforce_update, pair.crmoffice_update      # RecordUpdate or None

No IO here: the orchestrator (engine.py) feeds records and links in and carries the plans out
through the two API Protocols and the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from harness.connectors.base import RecordUpdate, SystemRecord, Value
from harness.engine.mapping import FlowMapping
from harness.engine.merge import MergePlan, MergeRule, Side, decide
from harness.links import Link


@dataclass(frozen=True)
class PairInput:
    """A linked pair with whatever this cycle knows of each side (None: not changed)."""

    flow: FlowMapping
    link: Link
    salesforce: SystemRecord | None
    crmoffice: SystemRecord | None


@dataclass(frozen=True)
class PairPlan:
    pair: PairInput
    merge: MergePlan
    salesforce_update: RecordUpdate | None
    crmoffice_update: RecordUpdate | None


def record_id(ref: str) -> str:
    """salesforce-contact:003xx -> 003xx."""
    return ref.split(":", 1)[1]


def plan_pair(pair: PairInput, rule: MergeRule = decide) -> PairPlan:
    flow, link = pair.flow, pair.link
    based_on = {p.salesforce: link.based_on.get(p.salesforce) for p in flow.properties}
    salesforce = _side(pair.salesforce, based_on, link.source_seen_at, None)
    crmoffice = _side(pair.crmoffice, based_on, link.target_seen_at, flow)
    merge = rule(based_on, salesforce, crmoffice)
    sf_update = crm_update = None
    if merge.to_salesforce and flow.share_to_salesforce:
        sf_update = RecordUpdate(record_id(link.source_ref), dict(merge.to_salesforce))
    if merge.to_crmoffice:
        names = {p.salesforce: p.crmoffice for p in flow.properties}
        values = {names[k]: v for k, v in merge.to_crmoffice.items()}
        crm_update = RecordUpdate(record_id(link.target_ref), values)
    return PairPlan(pair, merge, sf_update, crm_update)


def _side(
    record: SystemRecord | None,
    based_on: Mapping[str, Value],
    seen_at: datetime | None,
    crm_flow: FlowMapping | None,
) -> Side:
    """A side this cycle did not see still holds what both agreed on last (its based_on)."""
    if record is None:
        return Side(based_on, seen_at)
    if crm_flow is None:
        return Side({k: record.values.get(k) for k in based_on}, record.modified_at)
    values = {p.salesforce: record.values.get(p.crmoffice) for p in crm_flow.properties}
    return Side(values, record.modified_at)


def synced_values(plan: PairPlan, *, salesforce_ok: bool, crmoffice_ok: bool) -> dict[str, Value]:
    """The new based_on: merged values, except where a needed write did not happen.

    A property whose write failed (or was not shared) keeps its old based_on, so the side that
    changed still differs next cycle and wins again: the retry needs no new edit.
    """
    values = dict(plan.merge.merged)
    old = plan.pair.link.based_on
    unwritten: set[str] = set()
    if plan.salesforce_update is None or not salesforce_ok:
        unwritten |= set(plan.merge.to_salesforce)
    if plan.crmoffice_update is None or not crmoffice_ok:
        unwritten |= set(plan.merge.to_crmoffice)
    for prop in unwritten:
        values[prop] = old.get(prop)
    return values


def insert_payload(flow: FlowMapping, record: SystemRecord) -> dict[str, Value]:
    """The Crmoffice body for a new record: mapped properties that hold a value."""
    return {
        p.crmoffice: record.values.get(p.salesforce)
        for p in flow.properties
        if record.values.get(p.salesforce) not in (None, "")
    }


def salesforce_insert_payload(flow: FlowMapping, record: SystemRecord) -> dict[str, Value]:
    """The Salesforce body for a Crmoffice record new in a flow of Crmoffice origin."""
    return {
        p.salesforce: record.values.get(p.crmoffice)
        for p in flow.properties
        if record.values.get(p.crmoffice) not in (None, "")
    }


def based_on_from_payload(flow: FlowMapping, payload: Mapping[str, Value]) -> dict[str, Value]:
    return {p.salesforce: payload.get(p.crmoffice) for p in flow.properties}


def record_to_json(record: SystemRecord | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {
        "object_name": record.object_name,
        "record_id": record.record_id,
        "values": dict(record.values),
        "modified_at": record.modified_at.isoformat(),
        "deleted": record.deleted,
    }


def record_from_json(data: Mapping[str, Any] | None) -> SystemRecord | None:
    if not data:
        return None
    return SystemRecord(
        object_name=data["object_name"],
        record_id=data["record_id"],
        values=dict(data["values"]),
        modified_at=datetime.fromisoformat(data["modified_at"]),
        deleted=bool(data["deleted"]),
    )


def after_write(record: SystemRecord | None, update: RecordUpdate | None) -> SystemRecord | None:
    """What a side holds once its write succeeded, for a retry snapshot."""
    if record is None or update is None:
        return record
    return SystemRecord(
        record.object_name,
        record.record_id,
        {**record.values, **update.values},
        record.modified_at,
        record.deleted,
    )
