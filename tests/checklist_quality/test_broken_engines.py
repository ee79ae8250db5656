"""The checklist can fail: run against deliberately broken engines, the right scenarios go red.

    .venv/bin/pytest features/ --sync-engine harness.engine.broken:swapped_phones   # by hand

Each broken engine (harness/engine/broken.py) breaks one rule of the document. A checklist that
stayed green against one of them would be blind to that rule; one that went red everywhere
would not tell QA which rule broke. So each test states both: what must fail, what must pass.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.qa.signoff import Result, read_results

REPO = Path(__file__).resolve().parents[2]
PHONES = {"MobilePhone", "Phone"}


def run_checklist(engine: str, results: Path, *workers: str) -> list[Result]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "features/", "-q", *(workers or ("-p", "no:xdist")),
         f"--sync-engine={engine}", f"--alluredir={results}"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode in (0, 1), f"the checklist could not run:\n{done.stdout[-3000:]}"
    found = read_results(results)
    assert len(found) >= 40, f"only {len(found)} scenarios reported"
    return found


def verdicts(results: list[Result], pick: Callable[[Result], bool]) -> set[str]:
    return {r.status for r in results if pick(r)}


def story(name: str, prop: str | None = None) -> Callable[[Result], bool]:
    def pick(result: Result) -> bool:
        return f"story-{name}" in result.tags and (
            prop is None or result.parameters.get("Salesforce property") == prop
        )

    return pick


def test_the_real_engine_passes_everything_serially_and_on_two_workers(tmp_path: Path) -> None:
    serial = run_checklist("harness.engine:create_engine", tmp_path / "serial")
    parallel = run_checklist("harness.engine:create_engine", tmp_path / "xdist", "-n", "2")
    assert {r.status for r in serial} == {"passed"}

    def outcome(results: list[Result]) -> set[tuple[str, str, str]]:
        return {(r.name, str(sorted(r.parameters.items())), r.status) for r in results}

    assert outcome(parallel) == outcome(serial)


def test_swapped_phone_mapping_fails_exactly_the_phone_rows(tmp_path: Path) -> None:
    results = run_checklist("harness.engine.broken:swapped_phones", tmp_path)
    failed = {(r.name, r.parameters.get("Salesforce property")) for r in results
              if r.status != "passed"}
    assert {prop for _, prop in failed} == PHONES
    assert len(failed) == 4  # each phone, in each direction
    for prop in ("FirstName", "LastName"):
        assert verdicts(results, story("property-to-crmoffice", prop)) == {"passed"}


def test_no_write_back_fails_every_edit_made_in_crmoffice(tmp_path: Path) -> None:
    results = run_checklist("harness.engine.broken:no_write_back", tmp_path)
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


def test_forgotten_links_keep_the_first_cycle_green(forgetful_results: list[Result]) -> None:
    for item in ("one-linked-record", "property-to-crmoffice", "no-properties-listed"):
        assert verdicts(forgetful_results, story(item)) == {"passed"}, item


@pytest.fixture(scope="module")
def forgetful_results(tmp_path_factory: pytest.TempPathFactory) -> list[Result]:
    return run_checklist("harness.engine.broken:forgetful_links", tmp_path_factory.mktemp("f"))
