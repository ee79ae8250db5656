"""Then steps: each asserts on what the systems' APIs return (or the engine's RunReport).

Each is @polled: on a sandbox it looks again with backoff until the target's poll timeout.

PYTEST_DONT_REWRITE: each assert's message says what is wrong in the systems' terms; pytest's
rewriting would append its own lines ("assert False", "+ where False = same_value(...)"), which
the report and the sign-off would then show as the reason.
"""

from __future__ import annotations

import json
from typing import Any

from pytest_bdd import parsers, then

from harness.checklist import phrases
from harness.qa.driver import ChecklistDriver
from harness.qa.observe import SourceHandle, same_value
from harness.qa.polling import polled


@then(parsers.re(phrases.ONE_LINKED.regex))
@polled
def one_linked(driver: ChecklistDriver, target_system: str, target_type: str) -> None:
    _assert_one_linked(driver, driver.source())


@then(parsers.re(phrases.ONE_LINKED_TO.regex))
@polled
def one_linked_to(
    driver: ChecklistDriver,
    target_system: str,
    target_type: str,
    source_system: str,
    source_object: str,
) -> None:
    _assert_one_linked(driver, driver.source(source_object, role=_role_of(driver, source_object)))


def _role_of(driver: ChecklistDriver, object_name: str) -> str:
    return next(h.role for h in driver.sources if h.object_name == object_name)


def _assert_one_linked(driver: ChecklistDriver, handle: SourceHandle) -> None:
    source, target = handle.flow.source_system, handle.flow.target_system
    assert handle.resolved, (
        f"no cycle created a {target} {handle.target_kind} record for {source}"
        f" {handle.object_name} {handle.record_id}" + driver.no_flow_reason(handle)
    )
    assert len(handle.candidates) == 1, (
        f"{source} {handle.object_name} {handle.record_id} got {len(handle.candidates)}"
        f" {target} {handle.target_kind} records ({handle.candidates}), expected exactly one"
        + (driver.no_flow_reason(handle) if not handle.candidates else "")
    )
    assert driver.exists(target, handle), f"{target} {handle.target_kind}/{handle.link} is gone"


@then(parsers.re(phrases.COUNT.regex))
@polled
def count(driver: ChecklistDriver, target_system: str, count: str, target_type: str) -> None:
    records = _target_records(driver, target_type)
    assert len(records) == int(count), _listing(
        driver, f"{len(records)} {target_type} records", records
    )


@then(parsers.re(phrases.COUNT_WITH.regex))
@polled
def count_with(
    driver: ChecklistDriver,
    target_system: str,
    count: str,
    target_type: str,
    property: str,
    value: str,
) -> None:
    records = [
        r for r in _target_records(driver, target_type) if same_value(r.get(property), value)
    ]
    assert len(records) == int(count), _listing(
        driver, f"{len(records)} {target_type} records with {property} {value!r}", records
    )


def _target_records(driver: ChecklistDriver, type_name: str) -> list[dict[str, Any]]:
    target = driver.spec.target_system
    kind = driver.system(target).kind(type_name)
    return [dict(r) for (k, _), r in driver.observe().of(target).items() if k == kind]


@then(parsers.re(phrases.TARGET_HAS.regex))
@polled
def target_has(
    driver: ChecklistDriver, target_system: str, target_type: str, property: str, value: str
) -> None:
    _assert_value(driver, target_system, property, value)


@then(parsers.re(phrases.SOURCE_HAS.regex))
@polled
def source_has(
    driver: ChecklistDriver, source_system: str, source_object: str, property: str, value: str
) -> None:
    _assert_value(driver, source_system, property, value)


def _assert_value(
    driver: ChecklistDriver,
    system: str,
    prop: str,
    expected: str,
    handle: SourceHandle | None = None,
) -> None:
    """The record of `handle` (the scenario's own by default) in `system` holds `expected`."""
    handle = handle or driver.source()
    record = driver.read(system, handle)
    pair = _pair(handle, system)
    assert prop in record, f"{pair} has no {prop!r}; it has {sorted(record)}"
    assert same_value(record[prop], expected), (
        f"{pair}: {prop} is {record[prop]!r}, expected {expected or 'empty'!r}"
        + _found_elsewhere(record, prop, expected)
    )


def _pair(handle: SourceHandle, system: str) -> str:
    """Both records of the pair, the one in `system` first: 'Crmoffice contacts 100001
    (linked to Salesforce Contact 003…)'."""
    flow = handle.flow
    source = f"{flow.source_system} {handle.object_name} {handle.record_id}"
    target = f"{flow.target_system} {handle.target_kind} {handle.link}"
    if system == flow.source_system:
        return f"{source} (linked to {target})"
    return f"{target} (linked to {source})"


def _found_elsewhere(record: dict[str, Any], prop: str, expected: Any) -> str:
    """Where the expected value landed instead, if it is in another property of the record."""
    if not expected:
        return ""
    others = sorted(k for k, v in record.items() if k != prop and same_value(v, expected))
    return f" (that value is in {', '.join(others)})" if others else ""


@then(parsers.re(phrases.NO_SOURCE_WITH.regex))
@polled
def no_source_with(
    driver: ChecklistDriver, source_system: str, source_object: str, property: str, value: str
) -> None:
    kind = driver.system(source_system).kind(source_object)
    found = sorted(
        rid
        for (k, rid), record in driver.observe().of(source_system).items()
        if k == kind and same_value(record.get(property), value)
    )
    assert not found, (
        f"{source_system} now holds {source_object} {found} with {property} {value!r}: the sync"
        " created in the system a record came from, against the document's direction"
    )


@then(parsers.re(phrases.TARGET_EMPTY.regex))
@polled
def target_empty(
    driver: ChecklistDriver, target_system: str, target_type: str, property: str
) -> None:
    _assert_value(driver, target_system, property, "")


@then(parsers.re(phrases.SOURCE_EMPTY.regex))
@polled
def source_empty(
    driver: ChecklistDriver, source_system: str, source_object: str, property: str
) -> None:
    _assert_value(driver, source_system, property, "")


@then(parsers.re(phrases.SOURCE_KEEPS.regex))
@polled
def source_keeps(
    driver: ChecklistDriver, source_system: str, source_object: str, property: str
) -> None:
    handle = driver.source()
    made = handle.created_values.get(property)
    assert made, (
        f"the scenario made {source_system} {source_object} {handle.record_id} with no {property}"
    )
    _assert_value(driver, source_system, property, made, handle)


@then(parsers.re(phrases.TARGET_KEEPS.regex))
@polled
def target_keeps(
    driver: ChecklistDriver, target_system: str, target_type: str, property: str
) -> None:
    handle = driver.source()
    row = driver.row_of(property)
    made = handle.created_values.get(row.source_property)
    assert made, (
        f"the scenario made {handle.flow.source_system} {handle.object_name}"
        f" {handle.record_id} with no {row.source_property}"
    )
    _assert_value(driver, target_system, property, made, handle)


@then(parsers.re(phrases.TARGET_HAS_THE_OTHERS.regex))
@polled
def target_has_the_others(driver: ChecklistDriver, target_system: str, target_type: str) -> None:
    handle = driver.source()
    flow = handle.flow
    made, copy = driver.read(flow.source_system, handle), driver.read(target_system, handle)
    wrong = [
        f"{row.target_property} is {copy.get(row.target_property)!r}, {flow.source_system}"
        f" {row.source_property} is {made.get(row.source_property)!r}"
        + _found_elsewhere(copy, row.target_property, made.get(row.source_property))
        for row in flow.properties
        if not same_value(made.get(row.source_property), copy.get(row.target_property))
    ]
    assert not wrong, f"{_pair(handle, target_system)} differs: " + "; ".join(wrong)


@then(parsers.re(phrases.EACH_LINKED_ONCE.regex))
@polled
def each_linked_once(driver: ChecklistDriver, target_system: str, target_type: str) -> None:
    records = driver.records
    assert records, "the scenario made no 'records'"
    missing = [h.record_id for h in records if not h.candidates]
    doubled = {h.record_id: h.candidates for h in records if len(h.candidates) > 1}
    flow = records[0].flow
    assert not missing and not doubled, (
        f"of {len(records)} {flow.source_system} {records[0].object_name} records,"
        f" {len(missing)} have no linked {target_system} {target_type} record"
        f" (first: {missing[:3]}) and"
        f" {len(doubled)} have more than one (first: {dict(list(doubled.items())[:3])})"
    )
    owned = {h.link for h in records}
    strays = sorted(driver.last_cycle.after.ids(target_system, records[0].target_kind) - owned)
    assert not strays, (
        f"{target_system} also holds {len(strays)} new records no source owns: {strays[:5]}"
    )


@then(parsers.re(phrases.EACH_EDITED.regex))
@polled
def each_edited(driver: ChecklistDriver, property: str, system: str) -> None:
    _assert_each_edited(driver, property, system, but=None)


@then(parsers.re(phrases.EACH_BUT_ONE_EDITED.regex))
@polled
def each_but_one_edited(driver: ChecklistDriver, property: str, system: str) -> None:
    assert driver.rejected is not None, "no record was given an over-long value"
    _assert_each_edited(driver, property, system, but=driver.rejected.record_id)


def _assert_each_edited(driver: ChecklistDriver, prop: str, system: str, but: str | None) -> None:
    row = driver.row_of(prop)
    expected = {
        rid: v for rid, v in driver.edited.get(row.source_property, {}).items() if rid != but
    }
    assert expected, f"no record had {row.source_property} edited"
    observed = driver.observe().of(system)
    handles = {h.record_id: h for h in driver.records}
    source_side = system == driver.spec.source_system
    field = row.source_property if source_side else row.target_property
    wrong = []
    for rid, value in expected.items():
        handle = handles[rid]
        key = (handle.source_kind, rid) if source_side else (handle.target_kind, handle.link or "")
        got = observed.get(key, {}).get(field)
        if not same_value(got, value):
            wrong.append(f"{rid}: {got!r}, expected {value!r}")
    assert not wrong, (
        f"{len(wrong)} of {len(expected)} edited records do not hold their edit in {system}"
        f" {prop} (first: {'; '.join(wrong[:3])})"
    )


@then(parsers.re(phrases.ONLY_THAT_ONE_DEAD.regex))
@polled
def only_that_one_dead(driver: ChecklistDriver, reason: str) -> None:
    rejected = driver.rejected
    assert rejected is not None, "no record was given an over-long value"
    ids = {h.record_id: h for h in driver.records} | {str(h.link): h for h in driver.records}
    letters = driver.last_cycle.report.dead_letters
    lettered = {
        ids[d.ref.split(":", 1)[-1]].record_id: d for d in letters if d.ref.split(":", 1)[-1] in ids
    }
    assert set(lettered) == {rejected.record_id}, (
        f"expected only {rejected.flow.source_system} {rejected.record_id} on the dead-letter"
        f" list; it holds {sorted(lettered) or 'none of them'}"
    )
    assert lettered[rejected.record_id].code == reason, (
        f"{rejected.record_id} is dead-lettered with {lettered[rejected.record_id].code},"
        f" expected {reason}"
    )


@then(parsers.re(phrases.STILL_LINKED.regex))
@polled
def still_linked(
    driver: ChecklistDriver,
    source_system: str,
    source_object: str,
    target_system: str,
    target_type: str,
) -> None:
    handle = driver.source(source_object)
    _assert_one_linked(driver, handle)
    others = sorted(
        rid
        for (kind, rid) in driver.observe().of(target_system)
        if kind == handle.target_kind and rid not in _all_links(driver, target_system)
    )
    assert not others, (
        f"besides {handle.target_kind}/{handle.link}, {target_system} now holds {others} that no"
        " scenario record owns: a second record for the same source"
    )


def _all_links(driver: ChecklistDriver, target: str) -> set[str]:
    """Target ids the scenario accounts for: each source's records, and those made before
    the first cycle (pre-onboarding records the engine never links)."""
    owned = {rid for handle in driver.sources for rid in handle.candidates}
    if driver.cycles:
        owned |= {rid for (_, rid) in driver.cycles[0].before.of(target)}
    return owned


@then(parsers.re(phrases.CREATED_NOTHING.regex))
@polled
def created_nothing(driver: ChecklistDriver) -> None:
    cycle = driver.last_cycle
    new = {
        system: sorted(f"{kind}/{rid}" for kind, rid in set(records) - set(cycle.before.of(system)))
        for system, records in cycle.after.records.items()
    }
    assert not any(new.values()), (
        "the cycle created "
        + " and ".join(f"{system} {ids}" for system, ids in sorted(new.items()))
        + "; expected nothing new"
    )


@then(parsers.re(phrases.WROTE_NOTHING.regex))
@polled
def wrote_nothing(driver: ChecklistDriver) -> None:
    created_nothing(driver)
    cycle = driver.last_cycle
    stamp_fields = driver.stamp_fields()
    before, after = cycle.before.stamps(stamp_fields), cycle.after.stamps(stamp_fields)
    touched = sorted(k for k in before if before[k] != after.get(k))
    assert not touched, f"the cycle modified {touched} (modification stamps moved)"
    if cycle.writes is not None:
        assert not any(cycle.writes.values()), f"the systems received writes: {cycle.writes}"


@then(parsers.re(phrases.NO_PROPERTIES.regex))
@polled
def no_properties(driver: ChecklistDriver) -> None:
    flow = driver.flow
    assert flow is not None, "no flow of the document was selected"
    assert flow.properties == (), f"the document lists {len(flow.properties)} properties"
    driver.findings.append(
        f"{flow.name} (document line {flow.line}) lists no properties; only creation,"
        " link, no duplicates and no echo can be checked."
    )


@then(parsers.re(phrases.NO_MERGE_CRITERION.regex))
@polled
def no_merge_criterion(driver: ChecklistDriver) -> None:
    flow = driver.flow
    assert flow is not None, "no flow of the document was selected"
    section = driver.spec_section(flow)
    assert "merge" not in section.lower(), f"{flow.name} mentions a merge criterion"
    driver.findings.append(
        f"{flow.name} names no merge criterion, so records that exist in both"
        " systems before onboarding are duplicated (Talk links them only by a merge criterion)."
    )


@then(parsers.re(phrases.TARGET_UNCHANGED.regex))
@polled
def target_unchanged(driver: ChecklistDriver, target_system: str, target_type: str) -> None:
    _assert_unchanged(driver, target_system)


@then(parsers.re(phrases.SOURCE_UNCHANGED.regex))
@polled
def source_unchanged(driver: ChecklistDriver, source_system: str, source_object: str) -> None:
    _assert_unchanged(driver, source_system)


def _assert_unchanged(driver: ChecklistDriver, system: str) -> None:
    handle = driver.source()
    assert handle.at_delete is not None, "nothing was deleted in this scenario"
    now = driver.read(system, handle)
    then_ = handle.at_delete[system]
    changed = {k: (then_.get(k), now.get(k)) for k in then_ if then_.get(k) != now.get(k)}
    assert not changed, f"{system} record changed after the delete: {changed}"


@then(parsers.re(phrases.STAYS_DELETED.regex))
@polled
def stays_deleted(driver: ChecklistDriver, system: str) -> None:
    handle = driver.source()
    assert not driver.exists(system, handle), (
        f"the record deleted in {system} is back: the sync re-created or restored it"
    )


@then(parsers.re(phrases.DEAD_LETTERED.regex))
@polled
def dead_lettered(driver: ChecklistDriver, property: str, reason: str) -> None:
    handle = driver.source()
    letters = driver.last_cycle.report.dead_letters
    mine = [d for d in letters if handle.record_id in d.ref or str(handle.link) in d.ref]
    assert any(d.code == reason for d in mine), (
        f"no dead letter with reason {reason} for {handle.record_id}; the list: "
        + json.dumps([d.__dict__ for d in letters], default=str)
    )
    # The system that refused keeps its value; the other holds the value it refused.
    flow = handle.flow
    row = next(r for r in flow.properties if property in (r.source_property, r.target_property))
    refused_by_source = property == row.source_property
    refuser, sender = (
        (flow.source_system, flow.target_system)
        if refused_by_source
        else (flow.target_system, flow.source_system)
    )
    kept = driver.read(refuser, handle).get(property)
    sent_field = row.target_property if refused_by_source else row.source_property
    sent = driver.read(sender, handle).get(sent_field)
    assert not same_value(kept, sent), f"{refuser} {property} holds the rejected value"


@then(parsers.re(phrases.OTHER_SYNCED.regex))
@polled
def other_synced(
    driver: ChecklistDriver,
    source_system: str,
    source_object: str,
    target_system: str,
    target_type: str,
    property: str,
    value: str,
) -> None:
    other = driver.source(source_object, role="other")
    _assert_one_linked(driver, other)
    _assert_value(driver, target_system, property, value, other)


@then(parsers.re(phrases.DEAD_LETTER_EMPTY.regex))
@polled
def dead_letter_empty(driver: ChecklistDriver) -> None:
    letters = driver.last_cycle.report.dead_letters
    assert not letters, f"dead letters remain: {[d.__dict__ for d in letters]}"


def _listing(driver: ChecklistDriver, what: str, records: list[dict[str, Any]]) -> str:
    return f"{driver.spec.target_system} holds {what}: " + json.dumps(
        records, ensure_ascii=False, default=str
    )
