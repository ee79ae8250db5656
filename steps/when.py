"""When steps: cycles, restarts and edits by a person in either system."""

from __future__ import annotations

import pytest
from pytest_bdd import parsers, when

from harness.checklist import phrases
from harness.errors import UnsupportedByEngineError
from harness.qa.driver import ChecklistDriver, ScenarioSkip


@when(parsers.re(phrases.RUN_CYCLE.regex))
@when(parsers.re(phrases.RUN_ANOTHER_CYCLE.regex))
def run_cycle(driver: ChecklistDriver) -> None:
    driver.run_cycle()


@when(parsers.re(phrases.EDIT.regex))
def edit(driver: ChecklistDriver, property: str, value: str, system: str) -> None:
    driver.edit(system, property, value)


@when(parsers.re(phrases.EDIT_AT.regex))
def edit_at(driver: ChecklistDriver, property: str, value: str, system: str, time: str) -> None:
    try:
        driver.edit(system, property, value, at=time)
    except ScenarioSkip as reason:
        pytest.skip(str(reason))


@when(parsers.re(phrases.CLEAR.regex))
def clear(driver: ChecklistDriver, property: str, empty: str, system: str) -> None:
    driver.clear(system, property, empty)


@when(parsers.re(phrases.EDIT_DURING.regex))
def edit_during(driver: ChecklistDriver, property: str, value: str, system: str) -> None:
    try:
        driver.edit_during_cycle(system, property, value)
    except ScenarioSkip as reason:
        pytest.skip(str(reason))


@when(parsers.re(phrases.EDIT_MANY.regex))
def edit_many(driver: ChecklistDriver, property: str, system: str, count: str) -> None:
    driver.edit_many(system, property, int(count))


@when(parsers.re(phrases.EDIT_MANY_ONE_LONG.regex))
def edit_many_one_long(driver: ChecklistDriver, property: str, system: str, length: str) -> None:
    driver.edit_many(system, property, len(driver.records), long_one=int(length))


@when(parsers.re(phrases.EDIT_LENGTH.regex))
def edit_length(driver: ChecklistDriver, property: str, length: str, system: str) -> None:
    driver.edit(system, property, driver.factory.text_of_length(int(length)))


@when(parsers.re(phrases.RESTART.regex))
def restart(driver: ChecklistDriver) -> None:
    try:
        driver.restart()
    except UnsupportedByEngineError as reason:
        pytest.skip(f"the engine under test cannot be restarted: {reason}")


@when(parsers.re(phrases.RESET_WATERMARKS.regex))
def reset_watermarks(driver: ChecklistDriver) -> None:
    driver.reset_watermarks()


@when(parsers.re(phrases.CREATE_ANOTHER.regex))
def create_another(
    driver: ChecklistDriver, source_system: str, source_object: str, property: str, value: str
) -> None:
    driver.create_source(source_object, {property: value}, role="other")


@when(parsers.re(phrases.DELETE_SOURCE.regex))
def delete_source(driver: ChecklistDriver, source_system: str, source_object: str) -> None:
    driver.delete(source_system)


@when(parsers.re(phrases.DELETE_TARGET.regex))
def delete_target(driver: ChecklistDriver, target_system: str, target_type: str) -> None:
    driver.delete(target_system)


@when(parsers.re(phrases.CREATE_TARGET.regex))
def create_target(
    driver: ChecklistDriver, target_system: str, target_type: str, property: str, value: str
) -> None:
    driver.create_target(target_type, {property: value})
