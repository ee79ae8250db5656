from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from harness.checklist.gherkin import flow_tag
from harness.checklist.scenarios import for_flow
from harness.dataflow import DataflowSpec, load_spec
from harness.qa.commands import run_signoff
from harness.qa.signoff import build_summary, gate, read_results, render_markdown

DOCUMENT = Path(__file__).resolve().parents[2] / "fixtures/dataflows/salesforce-to-crmoffice.rst"


def write_results(directory: Path, spec: DataflowSpec, status_of: dict[str, str]) -> int:
    """One result file per expected checklist run; status_of maps a story tag to a status."""
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    for flow in spec.flows:
        for scenario in for_flow(flow):
            story = next(t for t in scenario.tags if t.startswith("story-"))
            header, *rows = scenario.examples or ((), ())
            for row in rows:
                count += 1
                result = {
                    "name": scenario.title,
                    "historyId": f"h{count}",
                    "stop": count,
                    "status": status_of.get(story, "passed"),
                    "statusDetails": {"message": "engine not reachable"},
                    "labels": [
                        {"name": "tag", "value": t}
                        for t in (*scenario.tags, "generated", flow_tag(flow))
                    ],
                    "parameters": [
                        {"name": n, "value": v} for n, v in zip(header, row, strict=True)
                    ],
                }
                (directory / f"r{count}-result.json").write_text(json.dumps(result), "utf-8")
    return count


def test_all_passed_gives_an_empty_gate(tmp_path: Path) -> None:
    spec = load_spec(DOCUMENT)
    written = write_results(tmp_path, spec, {})
    summary = build_summary(spec, read_results(tmp_path))
    assert (summary.expected, summary.ran) == (written, written)
    assert gate(summary) == []
    assert "every checklist scenario ran and passed" in render_markdown(summary)


def test_a_failed_item_closes_the_gate_and_names_it(tmp_path: Path) -> None:
    spec = load_spec(DOCUMENT)
    write_results(tmp_path, spec, {"story-no-echo": "failed"})
    problems = gate(build_summary(spec, read_results(tmp_path)))
    assert any("failed:" in p and "writes nothing" in p for p in problems), problems
    assert all(p.endswith(" — engine not reachable") for p in problems), problems


def test_fewer_runs_than_the_document_has_close_the_gate(tmp_path: Path) -> None:
    spec = load_spec(DOCUMENT)
    written = write_results(tmp_path, spec, {})
    for path in sorted(tmp_path.glob("*-result.json"))[:3]:
        path.unlink()
    summary = build_summary(spec, read_results(tmp_path))
    expected = f"3 of the document's {written} checklist scenarios did not run (only {written - 3}"
    assert any(p.startswith(expected) for p in gate(summary)), gate(summary)
    assert sum(why.startswith("no result") for _, why in summary.not_run) == 3


def test_skipped_scenarios_are_listed_with_their_reason(tmp_path: Path) -> None:
    spec = load_spec(DOCUMENT)
    write_results(tmp_path, spec, {"story-later-edit-wins": "skipped"})
    summary = build_summary(spec, read_results(tmp_path))
    assert (
        "The same property of a linked Salesforce Contact edited in both systems resolves"
        " to the later edit (<rule>)",
        "engine not reachable",
    ) in summary.not_run
    assert any("only" in p for p in gate(summary))


def test_flows_without_properties_are_findings(tmp_path: Path) -> None:
    spec = load_spec(DOCUMENT)
    write_results(tmp_path, spec, {})
    gaps = build_summary(spec, read_results(tmp_path)).gaps
    assert len(gaps) == 2
    assert all("lists no properties" in gap for gap in gaps)


def gate_args(results: Path) -> argparse.Namespace:
    """`talkqa signoff --gate` on these results, printing its verdict."""
    return argparse.Namespace(
        results=results,
        document=[DOCUMENT],
        markdown=None,
        attach=False,
        quiet=False,
        gate=True,
        report=None,
    )


def test_a_partial_run_prints_a_verdict_naming_what_did_not_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 12: `-m critical` left items with no result and the "not run" row had no style,
    so rich raised MarkupError on `[]— not run[/]` and no verdict was printed."""
    spec = load_spec(DOCUMENT)
    write_results(tmp_path, spec, {})
    for path in sorted(tmp_path.glob("*-result.json"))[5:]:
        path.unlink()
    assert run_signoff(gate_args(tmp_path)) == 1
    out = capsys.readouterr().out
    assert "not ready for sign-off" in out
    assert "— not run" in out and "Not run:" in out


def test_markup_in_a_name_or_reason_is_printed_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = load_spec(DOCUMENT)
    write_results(tmp_path, spec, {"story-no-echo": "failed"})
    for path in tmp_path.glob("*-result.json"):
        data = json.loads(path.read_text("utf-8"))
        data["name"] = "[/] [bold]x[/bold] " + data["name"]
        path.write_text(json.dumps(data), "utf-8")
    assert run_signoff(gate_args(tmp_path)) == 1
    assert "[/] [bold]x[/bold]" in capsys.readouterr().out


def test_a_document_gap_is_a_finding_never_a_pass(tmp_path: Path) -> None:
    """Issue 12: "No properties listed" showed as a passed row; it is a gap to decide on."""
    spec = load_spec(DOCUMENT)
    write_results(tmp_path, spec, {})
    summary = build_summary(spec, read_results(tmp_path))
    gaps = [r for r in summary.rows if r.item == "The document lists no properties for the flow"]
    assert [r.status for r in gaps] == ["finding", "finding"]
    assert "2 document gap: needs a decision" in render_markdown(summary)
    assert gate(summary) == []  # a finding is for the lead to decide, not a failed check


def test_a_gap_the_report_holds_as_unknown_is_still_a_finding(tmp_path: Path) -> None:
    """The report holds a passed gap as "unknown" (steps/plugin.py); the summary still reads a
    finding, and a gap whose check failed stays failed."""
    spec = load_spec(DOCUMENT)
    write_results(tmp_path / "held", spec, {"story-no-properties-listed": "unknown"})
    summary = build_summary(spec, read_results(tmp_path / "held"))
    assert [r.status for r in summary.rows if r.status == "finding"] == ["finding"] * 2
    assert gate(summary) == []
    write_results(tmp_path / "red", spec, {"story-no-properties-listed": "failed"})
    assert len(gate(build_summary(spec, read_results(tmp_path / "red")))) == 2


# Explicit ids: a test id holding a lone surrogate cannot travel to an xdist worker.
@pytest.mark.parametrize(
    "content",
    ['{"name": "A new Salesforce Contact', "[1, 2]", "\udcff"],
    ids=["cut-short", "not-an-object", "not-utf8"],
)
def test_a_truncated_result_file_is_one_line_naming_it(
    tmp_path: Path, content: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14, item 9: a cut-off *-result.json made `talkqa signoff` print a traceback."""
    from harness.cli import main

    broken = tmp_path / "cut-result.json"
    broken.write_bytes(content.encode("utf-8", "surrogateescape"))
    code = main(["signoff", "--results", str(tmp_path), "--document", str(DOCUMENT)])
    err = capsys.readouterr().err
    assert code == 2 and str(broken) in err and len(err.strip().splitlines()) == 1, err


def test_the_verdict_result_is_written_and_never_read_back_as_a_checklist_result(
    tmp_path: Path,
) -> None:
    from harness.qa.signoff import write_verdict_result

    spec = load_spec(DOCUMENT)
    write_results(tmp_path, spec, {"story-no-echo": "failed"})
    before = read_results(tmp_path)
    write_verdict_result(tmp_path, [build_summary(spec, before)])
    verdict = json.loads((tmp_path / "talkqa-signoff-verdict-result.json").read_text("utf-8"))
    assert verdict["status"] == "failed" and verdict["name"].startswith("Sign-off verdict: not")
    assert "writes nothing" in verdict["statusDetails"]["message"]
    assert len(read_results(tmp_path)) == len(before)  # the gate never judges itself
