"""The checklist can fail: run against deliberately broken engines, the right scenarios go red.

    .venv/bin/pytest features/ --sync-engine harness.engine.broken:swapped_phones   # by hand

Each broken engine (harness/engine/broken.py) breaks one rule of the document. A checklist that
stayed green against one of them would be blind to that rule; one that went red everywhere
would not tell QA which rule broke. So each test states both: what must fail, what must pass.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.checklist.items import red_stories
from harness.dataflow import load_spec
from harness.qa.signoff import Result, build_summary, gate, read_results
from tests.runs import SERIAL, once, run_features, tail

REPO = Path(__file__).resolve().parents[2]
PHONES = {"MobilePhone", "Phone"}
REAL_ENGINE = "harness.engine:create_engine"
FLOWS = load_spec(REPO / "fixtures" / "dataflows" / "salesforce-to-crmoffice.rst").flows


def assert_red_as_the_table_says(engine: str, results: list[Result]) -> None:
    """The items harness/checklist/items.py PROVEN_BY lists for the engine, and no others."""
    red = {story_of(r) for r in results if r.red}
    assert red == red_stories(engine, FLOWS), {
        "red but not listed": red - red_stories(engine, FLOWS),
        "listed but green": red_stories(engine, FLOWS) - red,
    }


def run_checklist(
    pytester: pytest.Pytester, engine: str, results: Path, *workers: str
) -> list[Result]:
    done = run_features(
        pytester,
        f"--sync-engine={engine}",
        f"--alluredir={results}",
        workers=workers or SERIAL,
    )
    assert done.ret in (0, 1), (
        f"the checklist could not run (exit {done.ret}):\n{tail([*done.outlines, *done.errlines])}"
    )
    found = read_results(results)
    assert len(found) >= 40, f"only {len(found)} scenarios reported"
    return found


def verdicts(results: list[Result], pick: Callable[[Result], bool]) -> set[str]:
    return {r.verdict for r in results if pick(r)}


def story(name: str, prop: str | None = None) -> Callable[[Result], bool]:
    def pick(result: Result) -> bool:
        return f"story-{name}" in result.tags and (
            prop is None or result.parameters.get("Salesforce property") == prop
        )

    return pick


def test_the_real_engine_passes_everything_serially_and_on_two_workers(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    serial = run_checklist(pytester, REAL_ENGINE, tmp_path / "serial")
    # In this process too: xdist's controller runs here and starts its two workers itself.
    parallel = run_checklist(pytester, REAL_ENGINE, tmp_path / "xdist", "-n", "2")
    assert {r.verdict for r in serial} == {"passed", "finding"}
    # Issue 12: a document gap is never among the passes in the report, only a finding.
    gaps = [r for r in serial if "document-gap" in r.tags]
    assert len(gaps) == 3 and {r.status for r in gaps} == {"unknown"}
    assert all(r.message.startswith("◆ document gap: needs a decision: ") for r in gaps)
    # Issue 12: a step's report parameters are its text's values, never fixture objects
    # (`driver <harness.qa.driver.ChecklistDriver object at 0x7f...>`).
    leaked = [
        p.name
        for p in (tmp_path / "serial").glob("*-result.json")
        if "object at 0x" in p.read_text("utf-8")
    ]
    assert leaked == []

    def outcome(results: list[Result]) -> set[tuple[str, str, str]]:
        return {(r.name, str(sorted(r.parameters.items())), r.status) for r in results}

    assert outcome(parallel) == outcome(serial)


def test_swapped_phone_mapping_fails_exactly_the_phone_rows(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    results = run_checklist(pytester, "harness.engine.broken:swapped_phones", tmp_path)
    assert_red_as_the_table_says("swapped_phones", results)
    failed = [r for r in results if r.red]
    # Every red item is about a phone: its row is a phone's, or (a new record with one property
    # empty) it checks that every other property arrived, the phones among them.
    for result in failed:
        assert (
            result.parameters.get("Salesforce property") in PHONES
            or story_of(result) == "created-with-empty"
        ), (story_of(result), result.parameters)
    directions = [r for r in failed if story_of(r).startswith("property-to-")]
    assert len(directions) == 8  # each phone, each direction, a typical and a longest value
    # Issue 12: a failure says at once what is wrong, with both records' ids and where the
    # value went, and no pytest internals ("assert False", "+ where ...") in the message.
    for result in directions:
        assert re.search(
            r"Crmoffice contacts \d+ \(linked to Salesforce Contact 003\w+\)", result.message
        ) or re.search(
            r"Salesforce Contact 003\w+ \(linked to Crmoffice contacts \d+\)", result.message
        ), result.message
        assert "that value is in " in result.message, result.message
    assert not [r.message for r in failed if "assert False" in r.message or "+  where" in r.message]
    for prop in ("FirstName", "LastName"):
        assert verdicts(results, story("property-to-crmoffice", prop)) == {"passed"}


def test_no_write_back_fails_every_edit_made_in_crmoffice(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    results = run_checklist(pytester, "harness.engine.broken:no_write_back", tmp_path)
    assert_red_as_the_table_says("no_write_back", results)
    assert verdicts(results, story("property-to-salesforce")) == {"failed"}
    assert verdicts(results, story("different-properties-survive")) == {"failed"}
    later = [r for r in results if "story-later-edit-wins" in r.tags]
    assert {r.parameters["rule"]: r.status for r in later}["Crmoffice edited later"] == "failed"
    for untouched in ("property-to-crmoffice", "one-linked-record", "no-echo"):
        assert verdicts(results, story(untouched)) == {"passed"}, untouched


@pytest.mark.parametrize(
    "item", ["rerun-no-duplicate", "restart-no-duplicate", "reread-no-duplicate", "no-echo"]
)
def test_forgotten_links_fail_link_persistence_for_every_flow(
    item: str, forgetful_results: list[Result]
) -> None:
    per_flow = [r for r in forgetful_results if story(item)(r)]
    assert len(per_flow) == 3, f"{item}: expected one scenario per flow"
    assert {r.status for r in per_flow} == {"failed"}, item


def test_forgotten_links_turn_red_what_the_table_says(forgetful_results: list[Result]) -> None:
    assert_red_as_the_table_says("forgetful_links", forgetful_results)


def test_forgotten_links_keep_the_first_cycle_green(forgetful_results: list[Result]) -> None:
    for item in ("one-linked-record", "property-to-crmoffice"):
        assert verdicts(forgetful_results, story(item)) == {"passed"}, item
    assert verdicts(forgetful_results, story("no-properties-listed")) == {"finding"}


@pytest.fixture
def forgetful_results(
    pytester: pytest.Pytester,
    made_once: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> list[Result]:
    # One run for the module, as a module-scoped fixture had, by the first test that asks.
    return once(
        made_once,
        "forgetful_links",
        lambda: run_checklist(
            pytester, "harness.engine.broken:forgetful_links", tmp_path_factory.mktemp("f")
        ),
    )


# Each defect class of a real two-way sync (issue 11) with the engine that has it: the items
# it must turn red, as {story: failed examples}, and what those examples have in common.
# Everything else in the checklist must stay green.
DEFECT_CLASSES: dict[str, tuple[dict[str, int], dict[str, str]]] = {
    "empty_is_no_change": (
        {"cleared-to-crmoffice": 6, "cleared-to-salesforce": 6, "cleared-required-field": 2},
        {},
    ),
    "strict_empty": ({"empty-no-flip-flop": 3}, {"system": "Crmoffice", "empty": '""'}),
    "blank_overwrites": (
        {"empty-never-overwrites-crmoffice": 3, "empty-never-overwrites-salesforce": 3},
        {},
    ),
    "watermark_at_cycle_end": ({"edit-during-cycle": 2}, {}),
    "batch_all_or_none": ({"rejected-record-in-batch": 2}, {}),
    "first_page_only": ({"volume-new-records": 1, "volume-edits-both-ways": 1}, {}),
    "oversized_batches": ({"volume-edits-both-ways": 1}, {}),
    "second_precision": ({"later-edit-wins": 1}, {"rule": "Crmoffice edited 650 ms later"}),
    "creates_back": ({"no-reverse-creation": 1}, {}),
}


def history_ids(results: Path) -> set[str]:
    found = (json.loads(p.read_text("utf-8")) for p in results.glob("*-result.json"))
    return {data["historyId"] for data in found}


def test_runs_of_another_engine_keep_a_history_of_their_own(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    """Issue 12: a broken engine's run and the real one's shared one history and trend. The
    target and the engine are parameters of every result, so each keeps its own history line."""
    real, broken = tmp_path / "real", tmp_path / "broken"
    for engine, results in ((REAL_ENGINE, real), (BROKEN_FOR_HISTORY, broken)):
        done = run_features(
            pytester, "-m", "critical", f"--sync-engine={engine}", f"--alluredir={results}"
        )
        assert done.ret == (0 if engine == REAL_ENGINE else 1), tail(done.outlines)
    assert history_ids(real) and not history_ids(real) & history_ids(broken)
    # Issue 16: the two runs share this process (and allure's global plugin manager), and
    # each wrote all of its results, and only its own, to its own folder.
    assert len(read_results(real)) == len(read_results(broken)) == len(history_ids(real))
    for results, engine in ((real, REAL_ENGINE), (broken, BROKEN_FOR_HISTORY)):
        for result in read_results(results):
            assert result.parameters["Sync engine"] == engine
            assert result.parameters["Target"] == "mock"


BROKEN_FOR_HISTORY = "harness.engine.broken:swapped_phones"


def story_of(result: Result) -> str:
    return next(t.removeprefix("story-") for t in result.tags if t.startswith("story-"))


@pytest.mark.parametrize("engine", sorted(DEFECT_CLASSES))
def test_each_defect_class_turns_exactly_its_items_red(
    engine: str, pytester: pytest.Pytester, tmp_path: Path
) -> None:
    expected, shared = DEFECT_CLASSES[engine]
    assert set(expected) == red_stories(engine, FLOWS)  # the table and this count agree
    results = run_checklist(pytester, f"harness.engine.broken:{engine}", tmp_path)
    red = [r for r in results if r.red]
    assert Counter(story_of(r) for r in red) == expected, [
        (story_of(r), r.parameters, r.message[:200]) for r in red
    ]
    assert {r.status for r in red} == {"failed"}  # a failed check, not a crash of the harness
    for result in red:
        assert shared.items() <= result.parameters.items(), result.parameters


def test_a_partial_run_leaves_no_item_without_a_result(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    """Issue 12: `-m critical` showed a green 100% in the report while 70 scenarios never ran.
    Each deselected scenario now has a skipped result naming why, so the landing page counts it
    and the gate says what did not run."""
    done = run_features(pytester, "-m", "critical", f"--alluredir={tmp_path}")
    assert done.ret == 0, tail(done.outlines, 2000)
    results = read_results(tmp_path)
    full = len(run_checklist(pytester, REAL_ENGINE, tmp_path / "full"))
    assert len(results) == full  # every scenario of the checklist has a result
    # A not-run result has the history id the scenario has when it runs, so history lines up.
    assert history_ids(tmp_path) == history_ids(tmp_path / "full")
    skipped = [r for r in results if r.status == "skipped"]
    assert skipped and all('deselected by -m "critical"' in r.message for r in skipped)
    assert all("critical" not in r.tags for r in skipped)
    summary = build_summary(
        load_spec(REPO / "fixtures/dataflows/salesforce-to-crmoffice.rst"), results
    )
    assert any("did not run" in problem for problem in gate(summary))
