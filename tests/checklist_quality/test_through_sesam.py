"""The checklist through Sesam's engine and a fake node (issue 17): as able to fail as directly.

    .venv/bin/pytest features/ --sync-engine sesam \
        --sesam-node-engine harness.engine.broken:no_write_back

The fake node's pipes run the engine named by --sesam-node-engine (harness/fakes/sesam/
bundled.py), and the checklist drives the node only through sesamclient. A broken engine
behind the node must turn red exactly the items it turns red directly, apart from the items
the Sesam engine cannot run, each skipped with its reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.checklist.items import red_stories
from harness.dataflow import load_spec
from harness.fakes.world import FAKE_SESAM_JWT
from harness.qa.signoff import Result, read_results
from tests.runs import run_features, tail, text

REPO = Path(__file__).resolve().parents[2]
FLOWS = load_spec(REPO / "fixtures" / "dataflows" / "salesforce-to-crmoffice.rst").flows
# What the Sesam engine cannot run, and why (steps/when.py, steps/faults.py).
SKIPPED_THROUGH_A_NODE = {
    "restart-no-duplicate": "the engine under test cannot be restarted",
    "fault": "the fault matrix scripts faults into the sync engine's own calls",
}


def through_the_node(
    pytester: pytest.Pytester, inner: str, results: Path
) -> tuple[pytest.RunResult, list[Result]]:
    done = run_features(
        pytester,
        "--sync-engine=sesam",
        f"--sesam-node-engine={inner}",
        f"--alluredir={results}",
    )
    assert done.ret in (0, 1), (
        f"the checklist could not run (exit {done.ret}):\n{tail([*done.outlines, *done.errlines])}"
    )
    found = read_results(results)
    assert len(found) >= 100, f"only {len(found)} scenarios reported"
    return done, found


def story_of(result: Result) -> str:
    return next(t.removeprefix("story-") for t in result.tags if t.startswith("story-"))


def skipped_only_for_its_reason(results: list[Result]) -> None:
    for result in (r for r in results if r.status == "skipped"):
        kind = "fault" if "fault" in result.tags or "faults" in result.tags else story_of(result)
        assert kind in SKIPPED_THROUGH_A_NODE, (result.name, result.message)
        assert SKIPPED_THROUGH_A_NODE[kind] in result.message, (result.name, result.message)


def test_the_real_engine_behind_the_node_passes_the_checklist(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    done, results = through_the_node(pytester, "harness.engine:create_engine", tmp_path)
    assert {r.verdict for r in results} <= {"passed", "finding", "skipped"}
    assert len([r for r in results if r.verdict == "passed"]) >= 85
    skipped_only_for_its_reason(results)
    # The node's JWT is a secret: in no result, attachment or parameter of the report.
    leaked = [
        p.name
        for p in tmp_path.rglob("*")
        if p.is_file() and FAKE_SESAM_JWT in p.read_text("utf-8", "replace")
    ]
    assert leaked == []
    # Nor in what the run printed (issue 16: read from pytester's capture of this process).
    assert FAKE_SESAM_JWT not in text([*done.outlines, *done.errlines])


# One broken engine is enough to show the node hides no defect of the engine behind it (each
# run is a whole checklist, about a minute); no_write_back breaks the most items, both ways.
@pytest.mark.parametrize("engine", ["no_write_back"])
def test_a_broken_engine_behind_the_node_turns_red_what_it_does_directly(
    engine: str, pytester: pytest.Pytester, tmp_path: Path
) -> None:
    _, results = through_the_node(pytester, f"harness.engine.broken:{engine}", tmp_path)
    # Red: failed or broken. A skip is not-run (Result.red counts it), shown with its reason.
    red = {story_of(r) for r in results if r.status in ("failed", "broken")}
    skipped = {story_of(r) for r in results if r.status == "skipped"}
    expected = red_stories(engine, FLOWS) - skipped
    assert red == expected, {
        "red but not listed": red - expected,
        "listed but green": expected - red,
    }
    skipped_only_for_its_reason(results)
