"""Given steps: the records a scenario starts from (one line each over ChecklistDriver)."""

from __future__ import annotations

from pytest_bdd import given, parsers

from harness.checklist import phrases
from harness.qa.driver import ChecklistDriver


@given(parsers.re(phrases.DOCUMENT_FLOW.regex))
def document_flow(driver: ChecklistDriver, flow: str) -> None:
    driver.select_flow(flow)


@given(parsers.re(phrases.RECORD.regex))
def record(driver: ChecklistDriver, source_system: str, source_object: str) -> None:
    role = "it" if not driver.sources else source_object
    driver.create_source(source_object, role=role)


@given(parsers.re(phrases.RECORD_WITH.regex))
def record_with(
    driver: ChecklistDriver, source_system: str, source_object: str, property: str, value: str
) -> None:
    driver.create_source(source_object, {property: value})


@given(parsers.re(phrases.LINKED_RECORD.regex))
def linked_record(
    driver: ChecklistDriver,
    source_system: str,
    source_object: str,
    target_system: str,
    target_type: str,
) -> None:
    role = "it" if not driver.sources else source_object
    driver.link(driver.create_source(source_object, role=role))


@given(parsers.re(phrases.PREEXISTING_SOURCE.regex))
def preexisting_source(
    driver: ChecklistDriver, source_system: str, source_object: str, property: str, value: str
) -> None:
    driver.create_source(source_object, {property: value}, role="before-onboarding")


@given(parsers.re(phrases.PREEXISTING_TARGET.regex))
def preexisting_target(
    driver: ChecklistDriver, target_system: str, target_type: str, property: str, value: str
) -> None:
    driver.create_target(target_type, {property: value})


@given(parsers.re(phrases.RECORD_EMPTY.regex))
def record_empty(
    driver: ChecklistDriver, source_system: str, source_object: str, property: str
) -> None:
    driver.create_source(source_object, {property: None})


@given(parsers.re(phrases.LINKED_EMPTY.regex))
def linked_empty(
    driver: ChecklistDriver,
    source_system: str,
    source_object: str,
    property: str,
    target_system: str,
    target_type: str,
) -> None:
    driver.link(driver.create_source(source_object, {property: None}))


@given(parsers.re(phrases.MANY_RECORDS.regex))
def many_records(
    driver: ChecklistDriver, count: str, source_system: str, source_object: str
) -> None:
    driver.create_many(source_object, int(count))


@given(parsers.re(phrases.MANY_LINKED.regex))
def many_linked(
    driver: ChecklistDriver,
    count: str,
    source_system: str,
    source_object: str,
    target_system: str,
    target_type: str,
) -> None:
    driver.link_many(driver.create_many(source_object, int(count)))
