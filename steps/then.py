"""Then steps: each asserts on what the systems' APIs return (or the engine's RunReport).

Each is @polled: on a sandbox it looks again with backoff until the target's poll timeout.
"""

from __future__ import annotations

import json
from typing import Any

from pytest_bdd import parsers, then

from harness.checklist import phrases
from harness.qa.driver import ChecklistDriver
from harness.qa.observe import same_value
from harness.qa.polling import polled


@then(parsers.re(phrases.ONE_LINKED.regex))
@polled
def one_linked(driver: ChecklistDriver, target: str, type: str) -> None:
    _assert_one_linked(driver, driver.source())


@then(parsers.re(phrases.ONE_LINKED_TO.regex))
@polled
def one_linked_to(driver: ChecklistDriver, target: str, type: str, source: str,
                  object: str) -> None:
    _assert_one_linked(driver, driver.source(object, role=_role_of(driver, object)))


def _role_of(driver: ChecklistDriver, object_name: str) -> str:
    return next(h.role for h in driver.sources if h.object_name == object_name)


def _assert_one_linked(driver: ChecklistDriver, handle: Any) -> None:
    assert handle.resolved, (
        f"no cycle created a Crmoffice {handle.target_type} record for Salesforce"
        f" {handle.object_name} {handle.record_id}"
    )
    assert len(handle.candidates) == 1, (
        f"Salesforce {handle.object_name} {handle.record_id} got {len(handle.candidates)}"
        f" Crmoffice {handle.target_type} records ({handle.candidates}), expected exactly one"
    )
    assert driver.exists("Crmoffice", handle), f"{handle.target_type}/{handle.link} is gone"


@then(parsers.re(phrases.COUNT.regex))
@polled
def count(driver: ChecklistDriver, target: str, count: str, type: str) -> None:
    records = _target_records(driver, type)
    assert len(records) == int(count), _listing(f"{len(records)} {type} records", records)


@then(parsers.re(phrases.COUNT_WITH.regex))
@polled
def count_with(driver: ChecklistDriver, target: str, count: str, type: str, property: str,
               value: str) -> None:
    records = [r for r in _target_records(driver, type) if same_value(r.get(property), value)]
    assert len(records) == int(count), _listing(
        f"{len(records)} {type} records with {property} {value!r}", records
    )


def _target_records(driver: ChecklistDriver, type_name: str) -> list[dict[str, Any]]:
    kind = type_name.lower()
    return [dict(r) for (k, _), r in driver.observe().crmoffice.items() if k == kind]


@then(parsers.re(phrases.TARGET_HAS.regex))
@polled
def target_has(driver: ChecklistDriver, target: str, type: str, property: str,
               value: str) -> None:
    _assert_value(driver.read("Crmoffice", driver.source()), property, value, "Crmoffice")


@then(parsers.re(phrases.SOURCE_HAS.regex))
@polled
def source_has(driver: ChecklistDriver, source: str, object: str, property: str,
               value: str) -> None:
    _assert_value(driver.read("Salesforce", driver.source()), property, value, "Salesforce")


def _assert_value(record: dict[str, Any], prop: str, expected: str, system: str) -> None:
    assert prop in record, f"{system} returned no {prop!r}; it has {sorted(record)}"
    assert same_value(record[prop], expected), (
        f"{system} {prop} is {record[prop]!r}, expected {expected!r}"
    )


@then(parsers.re(phrases.STILL_LINKED.regex))
@polled
def still_linked(driver: ChecklistDriver, source: str, object: str, target: str,
                 type: str) -> None:
    handle = driver.source(object)
    _assert_one_linked(driver, handle)
    others = sorted(
        rid for (kind, rid) in driver.observe().crmoffice
        if kind == handle.target_type and rid not in _all_links(driver)
    )
    assert not others, (
        f"besides {handle.target_type}/{handle.link}, Crmoffice now holds {others} that no"
        " scenario record owns: a second record for the same source"
    )


def _all_links(driver: ChecklistDriver) -> set[int]:
    """Crmoffice ids the scenario accounts for: each source's records, and those made before
    the first cycle (pre-onboarding records the engine never links)."""
    owned = {rid for handle in driver.sources for rid in handle.candidates}
    if driver.cycles:
        owned |= {rid for (_, rid) in driver.cycles[0].before.crmoffice}
    return owned


@then(parsers.re(phrases.CREATED_NOTHING.regex))
@polled
def created_nothing(driver: ChecklistDriver) -> None:
    cycle = driver.last_cycle
    new_sf = sorted(set(cycle.after.salesforce) - set(cycle.before.salesforce))
    new_crm = sorted(set(cycle.after.crmoffice) - set(cycle.before.crmoffice))
    assert not new_sf and not new_crm, (
        f"the cycle created Salesforce {new_sf} and Crmoffice {new_crm}; expected nothing new"
    )


@then(parsers.re(phrases.WROTE_NOTHING.regex))
@polled
def wrote_nothing(driver: ChecklistDriver) -> None:
    created_nothing(driver)
    cycle = driver.last_cycle
    before, after = cycle.before.stamps(), cycle.after.stamps()
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
def target_unchanged(driver: ChecklistDriver, target: str, type: str) -> None:
    _assert_unchanged(driver, "Crmoffice")


@then(parsers.re(phrases.SOURCE_UNCHANGED.regex))
@polled
def source_unchanged(driver: ChecklistDriver, source: str, object: str) -> None:
    _assert_unchanged(driver, "Salesforce")


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
    rejected = driver.read("Crmoffice", handle)
    current = driver.read("Salesforce", handle)
    source_prop = next(r.source_property for r in handle.flow.properties
                       if property in (r.source_property, r.target_property))
    target_prop = next(r.target_property for r in handle.flow.properties
                       if r.source_property == source_prop)
    assert not same_value(current.get(source_prop), rejected.get(target_prop)), (
        f"Salesforce {source_prop} holds the rejected value"
    )


@then(parsers.re(phrases.OTHER_SYNCED.regex))
@polled
def other_synced(driver: ChecklistDriver, source: str, object: str, target: str, type: str,
                 property: str, value: str) -> None:
    other = driver.source(object, role="other")
    _assert_one_linked(driver, other)
    _assert_value(driver.read("Crmoffice", other), property, value, "Crmoffice")


@then(parsers.re(phrases.DEAD_LETTER_EMPTY.regex))
@polled
def dead_letter_empty(driver: ChecklistDriver) -> None:
    letters = driver.last_cycle.report.dead_letters
    assert not letters, f"dead letters remain: {[d.__dict__ for d in letters]}"


def _listing(what: str, records: list[dict[str, Any]]) -> str:
    return f"Crmoffice holds {what}: " + json.dumps(records, ensure_ascii=False, default=str)
