"""The cycle orchestrator: collect, insert, merge, write, remember; all IO goes through here.

    engine = TalkEngine(context, load_mapping(), salesforce_api, crmoffice_api)
    report = engine.run_cycle(); engine.close()

Order within a cycle (SYNC-SEMANTICS.md): reconcile pending insert intents, collect both sides
(all pages, before any write), insert unlinked Salesforce records into Crmoffice, merge every
linked pair that changed (or waits in the dead-letter list), then save the watermarks. Every
store write is committed before the engine moves on; a crash anywhere re-does at most the
unfinished work, because the watermarks move last and the merge is idempotent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Literal, TypeVar

from harness.connectors.base import (
    CrmofficeApi,
    RecordUpdate,
    SalesforceApi,
    SystemRecord,
    Value,
    WriteResult,
)
from harness.engine.lock import StateLock
from harness.engine.mapping import EngineMapping, FlowMapping
from harness.engine.merge import MergeRule, decide
from harness.engine.plan import (
    PairInput,
    PairPlan,
    after_write,
    based_on_from_payload,
    insert_payload,
    plan_pair,
    record_from_json,
    record_id,
    record_to_json,
    salesforce_insert_payload,
    synced_values,
)
from harness.engine.report import CallMark, DeadLetterEntry, RunReport, Tally
from harness.errors import RecordRejectedError, RetriableError
from harness.links import DeadLetter, Direction, InsertIntent, Link, LinkStore, SyncedValues

if TYPE_CHECKING:
    from harness.engine import EngineContext

T = TypeVar("T")
TO_CRM: Direction = "salesforce->crmoffice"
TO_SF: Direction = "crmoffice->salesforce"
# Records whose links are read and planned at once: the cycle never holds every link and
# plan of a large org, only the collected records (both sides are read before any write).
PLAN_CHUNK = 2000
POISON = "INVALID_TEXT"  # the dead-letter code of a record no system or store can take


@dataclass
class Collected:
    """One cycle's reads: records by object/type and id, and the watermarks they earn."""

    salesforce: dict[str, dict[str, SystemRecord]] = field(default_factory=dict)
    crmoffice: dict[str, dict[str, SystemRecord]] = field(default_factory=dict)
    marks: dict[tuple[str, str], datetime] = field(default_factory=dict)
    # Records no store or API can take as they are (system, object/type, record, reason):
    # set aside and dead-lettered, so one of them never stops the rest of the flow.
    poisoned: list[tuple[str, str, SystemRecord, str]] = field(default_factory=list)


@dataclass
class FlowWork:
    """What one flow has to do this cycle."""

    flow: FlowMapping
    inserts: list[SystemRecord] = field(default_factory=list)
    # New Crmoffice records of a flow whose origin is Crmoffice, to be created in Salesforce.
    salesforce_inserts: list[SystemRecord] = field(default_factory=list)
    pairs: list[PairInput] = field(default_factory=list)
    deletes: list[tuple[Link, Literal["source", "target"]]] = field(default_factory=list)


@dataclass(frozen=True)
class Failure:
    direction: Direction
    ref: str
    code: str
    message: str
    retriable: bool


ProgressHook = Callable[[str, int], None]


class TalkEngine:
    """A Talk-like engine for the Salesforce -> Crmoffice flows; one instance per state file."""

    def __init__(
        self,
        context: EngineContext,
        mapping: EngineMapping,
        salesforce: SalesforceApi,
        crmoffice: CrmofficeApi,
        merge_rule: MergeRule = decide,
    ) -> None:
        self.context, self.mapping = context, mapping
        self.merge_rule = merge_rule
        self.salesforce, self.crmoffice = salesforce, crmoffice
        self.failpoints = context.failpoints
        self.progress: ProgressHook | None = None
        self.lock = StateLock(context.state_path)
        self.store = LinkStore.open(context.state_path)

    # --- the SyncEngine protocol ------------------------------------------------------------

    def run_cycle(self) -> RunReport:
        with self.lock.held():
            return self._run_cycle()

    def _run_cycle(self) -> RunReport:
        started = self.context.clock.now()
        marks = CallMark.of(self.salesforce.calls), CallMark.of(self.crmoffice.calls)
        tally = Tally()
        self._reconcile_intents(tally)
        collected = self._collect()
        retries = self._retry_snapshots()
        for flow in self.mapping.flows:
            self._run_flow(flow, collected, retries, tally)
        self._letter_poisoned(collected.poisoned, tally)
        self._save_watermarks(collected.marks)
        return self._report(started, marks, tally)

    def restart(self) -> None:
        self.store.close()
        self.store = LinkStore.open(self.context.state_path)
        with self.lock.held():
            self._reconcile_intents(Tally())

    def reset_watermarks(self) -> None:
        self.store.reset_watermarks()

    def syncs(self, source_system: str, source_kind: str, target_kind: str) -> bool:
        return any(
            flow.creates(source_system, source_kind, target_kind) for flow in self.mapping.flows
        )

    def close(self) -> None:
        self.store.close()

    # --- collect ----------------------------------------------------------------------------

    def _collect(self) -> Collected:
        collected = Collected()
        for obj in self.mapping.salesforce_objects:
            fields = _union(f.salesforce_fields for f in self.mapping.flows_from_salesforce(obj))
            # The first page's size decides REST pages or one Bulk API 2.0 job for the rest.
            read = partial(
                self.salesforce.query_changed, obj, fields, path=self.mapping.salesforce_path
            )
            collected.salesforce[obj] = self._read(("salesforce", obj), collected, read)
        for type_name in self.mapping.crmoffice_types:
            flows = self.mapping.flows_into_crmoffice(type_name)
            fields = _union(f.crmoffice_fields for f in flows)
            collected.crmoffice[type_name] = self._read(
                ("crmoffice", type_name),
                collected,
                partial(self.crmoffice.list_changed, type_name, fields),
            )
        return collected

    def _read(
        self,
        key: tuple[str, str],
        collected: Collected,
        pages: Callable[[datetime | None], Iterator[list[SystemRecord]]],
    ) -> dict[str, SystemRecord]:
        """All pages changed since the watermark; a record seen twice keeps its later version."""
        since = self.store.watermark(*key)
        start = self.context.clock.now()
        records: dict[str, SystemRecord] = {}
        for page in pages(since):
            for record in page:
                records[record.record_id] = record
            self._progress(f"read {key[0]} {key[1]}", len(records))
        for rid, record in list(records.items()):
            reason = _unstorable(record)
            if reason:
                del records[rid]
                collected.poisoned.append((*key, record, reason))
        # From the collect's start, minus an overlap for equal stamps and clock skew: an
        # edit made while this cycle runs is read again next time, never skipped.
        mark = start - self.mapping.watermark_overlap
        collected.marks[key] = max(mark, since) if since else mark
        return records

    # --- plan ---------------------------------------------------------------------------

    def _run_flow(
        self,
        flow: FlowMapping,
        collected: Collected,
        retries: dict[tuple[str, str], dict[str, SystemRecord | None]],
        tally: Tally,
    ) -> None:
        """Deletes, inserts and pairs of one flow, a chunk of records at a time.

        Only a chunk's links and plans are in memory at once; pairs that write to Salesforce
        wait in `pending` until they fill a Collections call (or, when the cycle may write
        more than the Bulk threshold, a Bulk API 2.0 job), so the calls stay at the minimum.
        """
        size = self.mapping.salesforce_batch_size
        batch = self.mapping.salesforce_write_batch(
            _salesforce_writes_at_most(flow, collected, retries)
        )
        pending = _PendingPairs()
        for work in self._flow_chunks(flow, collected, retries):
            self._mark_deletes(work, tally)
            self._insert(work, tally)
            self._insert_into_salesforce(work, tally)
            for pair in work.pairs:
                pending.add(plan_pair(pair, self.merge_rule))
                for chunk in pending.full(batch, size):
                    self._sync_chunk(flow, chunk, tally)
        for last in pending.rest(size):
            self._sync_chunk(flow, last, tally)

    def _flow_chunks(
        self,
        flow: FlowMapping,
        collected: Collected,
        retries: dict[tuple[str, str], dict[str, SystemRecord | None]],
    ) -> Iterator[FlowWork]:
        """The flow's work: changed Salesforce records (with a changed partner), then changed
        Crmoffice records linked to this flow, then dead letters waiting for a retry.

        A Crmoffice record is taken out of `collected` once placed. Creation follows the
        flow's origin only: unlinked Crmoffice records are inserted into Salesforce by a flow
        whose origin is Crmoffice, and unlinked Salesforce records into Crmoffice otherwise.
        """
        retry = {ref: sides for (name, ref), sides in retries.items() if name == flow.name}
        crm_changed = collected.crmoffice.get(flow.crmoffice_type, {})
        sf_changed = list(collected.salesforce.get(flow.salesforce_object, {}).values())
        for sf_chunk in _chunks(sf_changed, PLAN_CHUNK):
            refs = {flow.salesforce_ref(r.record_id): r for r in sf_chunk}
            links = self.store.links_for_sources(flow.name, refs)
            work = FlowWork(flow)
            for ref, record in refs.items():
                link = links.get(ref)
                crm = crm_changed.pop(record_id(link.target_ref), None) if link else None
                _place_with_retry(work, link, record, crm, retry.pop(ref, {}))
            yield work
        for crm_chunk in _chunks(list(crm_changed.items()), PLAN_CHUNK):
            by_target = {flow.crmoffice_ref(rid): r for rid, r in crm_chunk}
            work = FlowWork(flow)
            for target_ref, link in self.store.links_for_targets(by_target, flow=flow.name).items():
                del crm_changed[record_id(target_ref)]
                sides = retry.pop(link.source_ref, {})
                _place_with_retry(work, link, None, by_target[target_ref], sides)
            if flow.origin == "crmoffice":
                self._place_new_in_crmoffice(work, by_target, crm_changed, retry)
            yield work
        for retry_chunk in _chunks(list(retry.items()), PLAN_CHUNK):
            links = self.store.links_for_sources(flow.name, [ref for ref, _ in retry_chunk])
            work = FlowWork(flow)
            for ref, sides in retry_chunk:
                _place_with_retry(work, links.get(ref), None, None, sides)
            yield work

    def _place_new_in_crmoffice(
        self,
        work: FlowWork,
        by_target: Mapping[str, SystemRecord],
        crm_changed: dict[str, SystemRecord],
        retry: dict[str, dict[str, SystemRecord | None]],
    ) -> None:
        """Crmoffice records no flow links: new there, so this flow creates them in Salesforce.
        A record linked by any flow came from a sync and is never inserted back."""
        fresh = {ref: r for ref, r in by_target.items() if record_id(ref) in crm_changed}
        linked = self.store.links_for_targets(fresh)
        for ref, record in fresh.items():
            if ref not in linked:
                del crm_changed[record_id(ref)]
                _place_with_retry(work, None, None, record, retry.pop(ref, {}))

    def _letter_poisoned(
        self, poisoned: Sequence[tuple[str, str, SystemRecord, str]], tally: Tally
    ) -> None:
        """Dead-letter each record set aside at collect, under every flow it belongs to. It is
        tried again when it changes (the collect reads it then), not from a snapshot."""
        for system, name, record, reason in poisoned:
            if system == "salesforce":
                for flow in self.mapping.flows_from_salesforce(name):
                    ref = flow.salesforce_ref(record.record_id)
                    failure = Failure(TO_CRM, ref, POISON, reason, False)
                    self._poison_letter(flow.name, ref, failure, tally)
                continue
            for flow in self.mapping.flows_into_crmoffice(name):
                target = flow.crmoffice_ref(record.record_id)
                links = self.store.links_for_targets({target: record}, flow=flow.name)
                for link in links.values():
                    failure = Failure(TO_SF, target, POISON, reason, False)
                    self._poison_letter(flow.name, link.source_ref, failure, tally)

    def _poison_letter(self, flow: str, source_ref: str, failure: Failure, tally: Tally) -> None:
        letter = self._letter(flow, source_ref, failure, {})
        self.store.replace_dead_letters([(flow, source_ref)], [letter])
        _count_letters(tally, flow, [letter])

    def _retry_snapshots(self) -> dict[tuple[str, str], dict[str, SystemRecord | None]]:
        snapshots: dict[tuple[str, str], dict[str, SystemRecord | None]] = {}
        for letter in self.store.dead_letters():
            if letter.error_code == POISON:
                continue  # nothing to retry with until the record itself changes
            sides = snapshots.setdefault((letter.flow, letter.source_ref), {})
            for side in ("salesforce", "crmoffice"):
                record = record_from_json(letter.snapshot.get(side))
                if record is not None:
                    sides.setdefault(side, record)
        return snapshots

    # --- deletes ----------------------------------------------------------------------------

    def _mark_deletes(self, work: FlowWork, tally: Tally) -> None:
        """Talk does not delete: the partner stays, the link is marked so nothing re-creates."""
        if work.deletes:
            self.store.mark_deleted([(lk.flow, lk.source_ref, side) for lk, side in work.deletes])
            tally.add(work.flow.name, "deleted_seen", len(work.deletes))

    # --- inserts ----------------------------------------------------------------------------

    def _insert(self, work: FlowWork, tally: Tally) -> None:
        flow = work.flow
        for chunk in _chunks(work.inserts, self.mapping.store_batch_size):
            intents = [self._intent(flow, record) for record in chunk]
            self.store.begin_inserts(intents)
            self.failpoints.hit("after-intent")
            links, letters = [], []
            for record, intent in zip(chunk, intents, strict=True):
                result = self._create(flow, intent)
                self.failpoints.hit("after-insert")
                if result.ok and result.record_id:
                    links.append(self._new_link(flow, intent, result.record_id, record))
                else:
                    letters.append(self._insert_letter(flow, intent, record, result))
            self._finish_inserts(flow, links, letters, tally)
            self._progress(f"insert {flow.name}", tally.counts[flow.name]["inserted"])

    def _insert_into_salesforce(self, work: FlowWork, tally: Tally) -> None:
        """New Crmoffice records of the flow into Salesforce, 200 to a Collections call. There
        is no idempotency key in Salesforce: the POST is sent once, and a record it did not
        take is dead-lettered with its snapshot, to be tried again next cycle."""
        flow = work.flow
        for chunk in _chunks(work.salesforce_inserts, self.mapping.salesforce_batch_size):
            payloads = [salesforce_insert_payload(flow, record) for record in chunk]
            results = self._create_in_salesforce(flow, payloads)
            links, letters = [], []
            for record, payload, result in zip(chunk, payloads, results, strict=True):
                if result.ok and result.record_id:
                    links.append(self._reverse_link(flow, result.record_id, record, payload))
                    continue
                ref = flow.crmoffice_ref(record.record_id)
                snapshot = {"crmoffice": record_to_json(record)}
                letters.append(self._letter(flow.name, ref, _failure(TO_SF, ref, result), snapshot))
            self.store.add_links(links)
            refs = [(flow.name, flow.crmoffice_ref(record.record_id)) for record in chunk]
            self.store.replace_dead_letters(refs, letters)
            tally.add(flow.name, "inserted", len(links))
            _count_letters(tally, flow.name, letters)

    def _create_in_salesforce(
        self, flow: FlowMapping, payloads: Sequence[Mapping[str, Value]]
    ) -> list[WriteResult]:
        try:
            return self.salesforce.create_many(flow.salesforce_object, payloads)
        except RetriableError as error:  # nothing was created: every record waits for a retry
            failed = WriteResult(None, False, "UNAVAILABLE", str(error), retriable=True)
            return [failed] * len(payloads)

    def _reverse_link(
        self,
        flow: FlowMapping,
        salesforce_id: str,
        record: SystemRecord,
        payload: Mapping[str, Value],
    ) -> Link:
        return Link(
            flow=flow.name,
            source_ref=flow.salesforce_ref(salesforce_id),
            target_ref=flow.crmoffice_ref(record.record_id),
            created_at=self.context.clock.now(),
            based_on={p.salesforce: payload.get(p.salesforce) for p in flow.properties},
            target_seen_at=record.modified_at,
        )

    def _intent(self, flow: FlowMapping, record: SystemRecord) -> InsertIntent:
        # The key is written before the POST; a replay after a crash sends the same key and
        # body, so Crmoffice answers with the record it already made instead of a second one.
        # The nonce keeps a retry after a rejection from colliding with the refused body.
        source_ref = flow.salesforce_ref(record.record_id)
        return InsertIntent(
            flow=flow.name,
            source_ref=source_ref,
            idempotency_key=f"talkqa:{flow.name}:{record.record_id}:{uuid.uuid4().hex[:12]}",
            state="pending",
            payload=insert_payload(flow, record),
            generation=0,
            created_at=self.context.clock.now(),
        )

    def _create(self, flow: FlowMapping, intent: InsertIntent) -> WriteResult:
        # A rejected create comes back as a result (CrmofficeApi's contract), not an exception.
        return self.crmoffice.create(flow.crmoffice_type, intent.payload, intent.idempotency_key)

    def _new_link(
        self, flow: FlowMapping, intent: InsertIntent, target_id: str, record: SystemRecord | None
    ) -> Link:
        return Link(
            flow=flow.name,
            source_ref=intent.source_ref,
            target_ref=flow.crmoffice_ref(target_id),
            created_at=self.context.clock.now(),
            based_on=based_on_from_payload(flow, intent.payload),
            source_seen_at=record.modified_at if record else None,
        )

    def _insert_letter(
        self, flow: FlowMapping, intent: InsertIntent, record: SystemRecord, result: WriteResult
    ) -> DeadLetter:
        failure = Failure(
            TO_CRM,
            intent.source_ref,
            result.error_code or "REJECTED",
            result.message,
            result.retriable,
        )
        return self._letter(
            flow.name, intent.source_ref, failure, {"salesforce": record_to_json(record)}
        )

    def _finish_inserts(
        self, flow: FlowMapping, links: list[Link], letters: list[DeadLetter], tally: Tally
    ) -> None:
        self.store.add_links(links)
        for letter in letters:
            if not letter.retriable:
                self.store.reject_intent(flow.name, letter.source_ref)
        pairs = [(flow.name, link.source_ref) for link in links]
        pairs += [(flow.name, letter.source_ref) for letter in letters]
        self.store.replace_dead_letters(pairs, letters)
        self.failpoints.hit("after-link")
        tally.add(flow.name, "inserted", len(links))
        _count_letters(tally, flow.name, letters)

    def _reconcile_intents(self, tally: Tally) -> None:
        """Replay every pending POST with its key: the target returns what it made, or makes it."""
        for intent in self.store.pending_intents():
            flow = self.mapping.flow(intent.flow)
            result = self._create(flow, intent)
            if result.ok and result.record_id:
                self._finish_inserts(
                    flow, [self._new_link(flow, intent, result.record_id, None)], [], tally
                )
            elif result.retriable:
                # Going on could insert the same record under a new key: stop the cycle
                # (watermarks stay) and replay this key next time.
                raise RetriableError(
                    f"pending insert of {intent.source_ref} into Crmoffice {flow.crmoffice_type} "
                    f"could not be replayed yet: {result.error_code} {result.message}"
                )
            else:
                self.store.reject_intent(flow.name, intent.source_ref)

    # --- linked pairs -----------------------------------------------------------------------

    def _sync_chunk(self, flow: FlowMapping, chunk: Sequence[PairPlan], tally: Tally) -> None:
        failures = self._write_salesforce(flow, chunk)
        failures.update(self._write_crmoffice(flow, chunk))
        self._save_pairs(flow, chunk, failures, tally)
        self._progress(f"sync {flow.name}", _synced_count(tally, flow.name))

    def _write_salesforce(
        self, flow: FlowMapping, chunk: Sequence[PairPlan]
    ) -> dict[str, list[Failure]]:
        writes = [p for p in chunk if p.salesforce_update is not None]
        if not writes:
            return {}
        updates = [p.salesforce_update for p in writes if p.salesforce_update is not None]
        results = self._update_salesforce(flow.salesforce_object, updates)
        self.failpoints.hit("after-salesforce-batch")
        failures: dict[str, list[Failure]] = {}
        for plan, result in zip(writes, results, strict=True):
            if not result.ok:
                ref = plan.pair.link.source_ref
                failures.setdefault(ref, []).append(_failure(TO_SF, ref, result))
        return failures

    def _update_salesforce(
        self, object_name: str, updates: Sequence[RecordUpdate]
    ) -> list[WriteResult]:
        if self.mapping.salesforce_path(len(updates)) == "bulk":
            return self.salesforce.bulk_update_many(object_name, updates)
        return self.salesforce.update_many(object_name, updates)

    def _write_crmoffice(
        self, flow: FlowMapping, chunk: Sequence[PairPlan]
    ) -> dict[str, list[Failure]]:
        failures: dict[str, list[Failure]] = {}
        for plan in chunk:
            if plan.crmoffice_update is None:
                continue
            result = self._update_crmoffice(flow, plan.crmoffice_update)
            self.failpoints.hit("after-crmoffice-write")
            if not result.ok:
                ref = plan.pair.link.target_ref
                failures.setdefault(plan.pair.link.source_ref, []).append(
                    _failure(TO_CRM, ref, result)
                )
        return failures

    def _update_crmoffice(self, flow: FlowMapping, update: RecordUpdate) -> WriteResult:
        try:
            return self.crmoffice.update(flow.crmoffice_type, update)
        except RecordRejectedError as error:
            return WriteResult(update.record_id, False, error.code, str(error), error.fields)

    def _save_pairs(
        self,
        flow: FlowMapping,
        chunk: Sequence[PairPlan],
        failures: dict[str, list[Failure]],
        tally: Tally,
    ) -> None:
        synced, letters = [], []
        for plan in chunk:
            pair_failures = failures.get(plan.pair.link.source_ref, [])
            values = self._synced(plan, pair_failures)
            if values is not None:
                synced.append(values)
            letters.extend(self._pair_letters(plan, pair_failures))
            _count_pair(tally, flow.name, plan, pair_failures)
        self.store.save_synced(synced)
        self.store.replace_dead_letters(
            [(flow.name, p.pair.link.source_ref) for p in chunk], letters
        )
        self.failpoints.hit("after-synced")
        _count_letters(tally, flow.name, letters)

    def _synced(self, plan: PairPlan, failures: list[Failure]) -> SyncedValues | None:
        """What the store must change for the pair: the based_on values that differ and the
        new seen times; None when it holds all of them already (a write would change nothing)."""
        directions = {f.direction for f in failures}
        pair, link = plan.pair, plan.pair.link
        values = synced_values(
            plan, salesforce_ok=TO_SF not in directions, crmoffice_ok=TO_CRM not in directions
        )
        changed = {
            k: v for k, v in values.items() if k not in link.based_on or link.based_on[k] != v
        }
        source_seen = pair.salesforce.modified_at if pair.salesforce else None
        target_seen = pair.crmoffice.modified_at if pair.crmoffice else None
        if (
            not changed
            and source_seen in (None, link.source_seen_at)
            and target_seen in (None, link.target_seen_at)
        ):
            return None
        return SyncedValues(link.flow, link.source_ref, changed, source_seen, target_seen)

    def _pair_letters(self, plan: PairPlan, failures: list[Failure]) -> list[DeadLetter]:
        if not failures:
            return []
        directions = {f.direction for f in failures}
        pair = plan.pair
        # What each side holds now: a side whose write went through carries the new values,
        # so the retry next cycle does not mistake the old ones for an edit.
        sf = (
            pair.salesforce
            if TO_SF in directions
            else after_write(pair.salesforce, plan.salesforce_update)
        )
        crm = (
            pair.crmoffice
            if TO_CRM in directions
            else after_write(pair.crmoffice, plan.crmoffice_update)
        )
        snapshot = {"salesforce": record_to_json(sf), "crmoffice": record_to_json(crm)}
        return [self._letter(pair.flow.name, pair.link.source_ref, f, snapshot) for f in failures]

    def _letter(
        self, flow: str, source_ref: str, failure: Failure, snapshot: Mapping[str, object]
    ) -> DeadLetter:
        now = self.context.clock.now()
        return DeadLetter(
            flow=flow,
            source_ref=source_ref,
            direction=failure.direction,
            ref=failure.ref,
            error_code=failure.code,
            message=failure.message,
            retriable=failure.retriable,
            first_attempt=now,
            last_attempt=now,
            snapshot=snapshot,
        )

    # --- end of cycle -----------------------------------------------------------------------

    def _save_watermarks(self, marks: dict[tuple[str, str], datetime]) -> None:
        # Last, after every record of the collect was handled or dead-lettered.
        self.store.save_watermarks(marks)
        self.failpoints.hit("after-watermark")

    def _report(
        self, started: datetime, marks: tuple[CallMark, CallMark], tally: Tally
    ) -> RunReport:
        letters = tuple(
            DeadLetterEntry(
                d.ref, d.flow, d.direction, d.error_code, d.message, d.attempts, d.retriable
            )
            for d in self.store.dead_letters()
        )
        return RunReport(
            started_at=started,
            finished_at=self.context.clock.now(),
            flows=tally.freeze([f.name for f in self.mapping.flows]),
            api_calls={
                "salesforce": marks[0].since(self.salesforce.calls),
                "crmoffice": marks[1].since(self.crmoffice.calls),
            },
            dead_letters=letters,
        )

    def _progress(self, stage: str, done: int) -> None:
        if self.progress is not None:
            self.progress(stage, done)


class _PendingPairs:
    """Plans waiting for their writes: those with a Salesforce update go out a batch (200, or
    a Bulk job's worth) at a time, the others `size` at a time."""

    def __init__(self) -> None:
        self.salesforce: list[PairPlan] = []
        self.others: list[PairPlan] = []

    def add(self, plan: PairPlan) -> None:
        (self.others if plan.salesforce_update is None else self.salesforce).append(plan)

    def full(self, batch: int, size: int) -> Iterator[list[PairPlan]]:
        """A full chunk of either queue, taken off it (each queue is a list kept in place)."""
        for waiting, limit in ((self.salesforce, batch), (self.others, size)):
            if len(waiting) >= limit:
                chunk = waiting[:limit]
                del waiting[:limit]
                yield chunk

    def rest(self, size: int) -> Iterator[Sequence[PairPlan]]:
        # Salesforce writes first and all in the first chunk, so the last partial Collections
        # call (or Bulk job) is the only one.
        waiting = self.salesforce + self.others
        head = max(len(self.salesforce), size)
        self.salesforce.clear()
        self.others.clear()
        if waiting:
            yield waiting[:head]
        yield from _chunks(waiting[head:], size)


def _salesforce_writes_at_most(
    flow: FlowMapping,
    collected: Collected,
    retries: Mapping[tuple[str, str], object],
) -> int:
    """The most Salesforce updates the flow can make this cycle: one per changed Crmoffice
    record of its type and per dead letter waiting for a retry (a Salesforce edit alone
    writes only to Crmoffice)."""
    waiting = sum(1 for name, _ in retries if name == flow.name)
    return len(collected.crmoffice.get(flow.crmoffice_type, {})) + waiting


def _unstorable(record: SystemRecord) -> str:
    """Why a record cannot be stored or sent as it is ("" when it can): text that is not
    valid Unicode (a lone surrogate such as "\\ud800") cannot be encoded as UTF-8."""
    for name, value in record.values.items():
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as error:
                return (
                    f"{record.object_name} {record.record_id}: {name} is not valid Unicode"
                    f" text (a lone surrogate at character {error.start}); fix it in the"
                    " system it came from"
                )
    return ""


def _place_with_retry(
    work: FlowWork,
    link: Link | None,
    sf: SystemRecord | None,
    crm: SystemRecord | None,
    retry: Mapping[str, SystemRecord | None],
) -> None:
    """A side that did not change this cycle is taken from its dead letter's snapshot, if any."""
    _place(work, link, sf or retry.get("salesforce"), crm or retry.get("crmoffice"))


def _synced_count(tally: Tally, flow: str) -> int:
    counts = tally.counts.get(flow, {})
    names = ("updated_salesforce", "updated_crmoffice", "unchanged")
    return sum(counts.get(name, 0) for name in names)


def _place(
    work: FlowWork, link: Link | None, sf: SystemRecord | None, crm: SystemRecord | None
) -> None:
    """Sort one record (pair) into insert, delete mark, merge, or nothing."""
    if link is None:
        # Unlinked: only a live record of the flow's origin is inserted, into the other system.
        if work.flow.origin == "salesforce" and sf is not None and not sf.deleted:
            work.inserts.append(sf)
        elif work.flow.origin == "crmoffice" and crm is not None and not crm.deleted:
            work.salesforce_inserts.append(crm)
        return
    if link.deleted:
        return  # frozen: never re-created, never written again
    if sf is not None and sf.deleted:
        work.deletes.append((link, "source"))
    elif crm is not None and crm.deleted:
        work.deletes.append((link, "target"))
    else:
        work.pairs.append(PairInput(work.flow, link, sf, crm))


def _failure(direction: Direction, ref: str, result: WriteResult) -> Failure:
    return Failure(
        direction, ref, result.error_code or "REJECTED", result.message, result.retriable
    )


def _count_pair(tally: Tally, flow: str, plan: PairPlan, failures: list[Failure]) -> None:
    directions = {f.direction for f in failures}
    if plan.salesforce_update is not None and TO_SF not in directions:
        tally.add(flow, "updated_salesforce")
    if plan.crmoffice_update is not None and TO_CRM not in directions:
        tally.add(flow, "updated_crmoffice")
    if plan.salesforce_update is None and plan.crmoffice_update is None:
        tally.add(flow, "unchanged")


def _count_letters(tally: Tally, flow: str, letters: Sequence[DeadLetter]) -> None:
    for letter in letters:
        tally.add(flow, "deferred" if letter.retriable else "dead_lettered")


def _union(groups: Iterable[list[str]]) -> list[str]:
    return list(dict.fromkeys(name for group in groups for name in group))


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
