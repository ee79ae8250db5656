"""The sign-off summary: every item of the dataflow document, its scenarios and their verdict.

    summary = build_summary(load_spec(document), read_results(Path("reports/allure-results")))
    print(render_markdown(summary)); problems = gate(summary)   # [] means the gate passes

It reads allure-pytest-bdd's result files, so it judges exactly what the report shows. The
expected checklist comes from the document itself (harness.checklist), so a scenario that
silently failed to run is missing here, not quietly absent.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.checklist.gherkin import flow_tag
from harness.checklist.items import find_item
from harness.checklist.scenarios import Scenario, for_flow
from harness.dataflow import DataflowSpec, FlowSpec
from harness.errors import ConfigError
from harness.qa.labels import flow_title

FINDING_ATTACHMENT = "Finding for sign-off"  # the name steps/plugin.py attaches findings under
SYMBOLS = {
    "passed": "✔ passed",
    "failed": "✘ FAILED",
    "broken": "⚠ broken",
    "skipped": "○ skipped",
    "not run": "— not run",
    "unknown": "? unknown",
    "finding": "◆ document gap: needs a decision",
}
# The sign-off verdict as an Allure result of its own (see write_verdict_result); never read
# back as a checklist result.
VERDICT_TAG = "talkqa-verdict"
# The Allure label naming the document that judged a result (its generated folder's name), so
# one run over several documents gives each its own summary and verdict.
DOCUMENT_LABEL = "talkqa-document"
# A scenario tagged so shows what the document leaves out: its pass confirms the gap is there,
# which is a finding for the lead to decide on, never a passed checklist item.
GAP_TAG = "document-gap"
# Worst first: one failed example makes the whole item failed.
SEVERITY_ORDER = ("failed", "broken", "not run", "unknown", "skipped", "passed")


@dataclass(frozen=True)
class Result:
    name: str
    status: str
    tags: frozenset[str]
    features: tuple[str, ...]
    parameters: dict[str, str]
    message: str
    stop: int
    findings: tuple[str, ...] = ()
    document: str = ""  # DOCUMENT_LABEL: "" in results an older talkqa wrote

    @property
    def verdict(self) -> str:
        """The status, except that a document gap that passed is a "finding"."""
        return _as_finding(self.status, self.tags)

    @property
    def red(self) -> bool:
        """Neither a pass nor a finding: the checklist said something is wrong or did not run."""
        return self.verdict not in ("passed", "finding")


@dataclass(frozen=True)
class ItemRow:
    area: str  # a flow's title, or "Beyond the document: <feature>"
    item: str
    status: str
    detail: str = ""


@dataclass
class Summary:
    spec: DataflowSpec
    environment: dict[str, str]
    rows: list[ItemRow] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    not_run: list[tuple[str, str]] = field(default_factory=list)
    expected: int = 0  # scenarios the document's checklist has (outline rows counted)
    ran: int = 0  # of those, how many produced a verdict (not skipped, not missing)
    failed: list[Result] = field(default_factory=list)


def read_results(results_dir: Path) -> list[Result]:
    if not results_dir.is_dir():
        raise ConfigError(f"no Allure results in {results_dir}; run the checklist first")
    latest: dict[str, Result] = {}
    for path in sorted(results_dir.glob("*-result.json")):
        data = _load_result(path)
        result = _result(data, results_dir)
        if VERDICT_TAG in result.tags:
            continue
        key = str(data.get("historyId") or data.get("fullName") or path.name)
        if key not in latest or latest[key].stop <= result.stop:  # a re-run supersedes
            latest[key] = result
    return list(latest.values())


def _load_result(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (ValueError, OSError) as error:  # JSONDecodeError and UnicodeDecodeError are both
        raise ConfigError(
            f"{path}: not a complete Allure result ({error}); the run that wrote it was"
            " probably cut short: run the checklist again"
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected an Allure result object, found {type(data).__name__}")
    return data


def read_environment(results_dir: Path) -> dict[str, str]:
    path = results_dir / "environment.properties"
    if not path.exists():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text("utf-8").splitlines() if "=" in line)
    return {k.replace("\\ ", " ").replace("\\:", ":"): v for k, v in pairs}


def _result(data: dict[str, Any], results_dir: Path) -> Result:
    labels = data.get("labels", [])
    findings = tuple(
        (results_dir / a["source"]).read_text("utf-8").strip()
        for a in data.get("attachments", [])
        if a.get("name") == FINDING_ATTACHMENT and (results_dir / a["source"]).exists()
    )
    return Result(
        name=str(data.get("name", "")),
        status=str(data.get("status") or "unknown"),
        tags=frozenset(_label_values(labels, "tag")),
        features=tuple(_label_values(labels, "feature")),
        parameters={str(p["name"]): str(p["value"]) for p in data.get("parameters", [])},
        message=str((data.get("statusDetails") or {}).get("message") or "").strip(),
        stop=int(data.get("stop") or 0),
        findings=findings,
        document=next(iter(_label_values(labels, DOCUMENT_LABEL)), ""),
    )


def _label_values(labels: list[dict[str, Any]], name: str) -> list[str]:
    return [str(label["value"]) for label in labels if label.get("name") == name]


def build_summary(
    spec: DataflowSpec,
    results: Iterable[Result],
    environment: dict[str, str] | None = None,
    document: str = "",
) -> Summary:
    """The summary of one document; `document` (its folder name) keeps only its own results
    when a run judged several (results without the label belong to every document)."""
    results = [r for r in results if not document or r.document in ("", document)]
    summary = Summary(spec, environment or {})
    summary.failed = [r for r in results if r.status in ("failed", "broken")]
    for flow in spec.flows:
        summary.rows.extend(_flow_rows(flow, results, summary))
        if not flow.properties:
            summary.gaps.append(
                f"{flow_title(flow)} (document line {flow.line}): the document lists no"
                " properties, so only creation, link, no duplicates and no echo are checked."
            )
    summary.rows.extend(_beyond_document(results, spec.flows))
    # The no-properties finding is already there, derived from the document itself.
    findings = {f for r in results for f in r.findings if "lists no properties" not in f}
    summary.gaps.extend(sorted(findings))
    summary.not_run.extend(
        (r.name, r.message or "no reason given") for r in results if r.status == "skipped"
    )
    return summary


def _flow_rows(flow: FlowSpec, results: list[Result], summary: Summary) -> list[ItemRow]:
    tag = flow_tag(flow)
    mine = [r for r in results if tag in r.tags and "generated" in r.tags]
    rows = []
    for scenario in for_flow(flow):
        story = next(t for t in scenario.tags if t.startswith("story-"))
        found = sorted((r for r in mine if story in r.tags), key=_example_order(scenario))
        expected = _expected_runs(scenario)
        summary.expected += expected
        for missing in range(max(0, expected - len(found))):
            summary.not_run.append((f"{scenario.title} ({missing + 1})", "no result: never ran"))
        summary.ran += sum(r.status != "skipped" for r in found[:expected])
        status = _worst([r.status for r in found] + ["not run"] * (expected - len(found)))
        status = _as_finding(status, scenario.tags)
        rows.append(ItemRow(flow_title(flow), _item_title(story, [flow]), status, _detail(found)))
    return rows


def _example_order(scenario: Scenario) -> Any:
    """Sort an outline's results in the order of its Examples rows (the document's order)."""
    rows = [dict(zip(scenario.examples[0], row, strict=True)) for row in scenario.examples[1:]]

    def index(result: Result) -> int:
        matches = [i for i, row in enumerate(rows) if row.items() <= result.parameters.items()]
        return matches[0] if matches else len(rows)

    return index


def _expected_runs(scenario: Scenario) -> int:
    return max(1, len(scenario.examples) - 1) if scenario.examples else 1


def _item_title(story_tag: str, flows: Iterable[FlowSpec]) -> str:
    """The item's name from the one table (harness/checklist/items.py), as Allure shows it."""
    item = find_item(story_tag, flows)
    return item.name if item else story_tag.removeprefix("story-").replace("-", " ").capitalize()


def _detail(found: list[Result]) -> str:
    """For outlines: the worst verdict per property row or rule, e.g. 'FirstName ✔ · Phone ✘'
    (an item's several examples of one property, e.g. "" and null, make one entry)."""
    per_name: dict[str, list[str]] = {}
    for result in found:
        name = result.parameters.get("Salesforce property") or result.parameters.get("rule")
        if name:
            per_name.setdefault(name, []).append(result.status)
    return " · ".join(
        f"{name} {SYMBOLS[_worst(statuses)][0]}" for name, statuses in per_name.items()
    )


def _beyond_document(results: list[Result], flows: Iterable[FlowSpec]) -> list[ItemRow]:
    """Hand-written items, one row per checklist item (story), worst verdict first."""
    groups: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        if "handwritten" in result.tags:
            story = next((t for t in sorted(result.tags) if t.startswith("story-")), "")
            groups[story or result.name].append(result)
    return [
        ItemRow(
            "Beyond the document",
            _item_title(story, flows),
            _as_finding(_worst([r.status for r in found]), found[0].tags),
            f"{len(found)} scenario{'s' if len(found) > 1 else ''}",
        )
        for story, found in sorted(groups.items())
    ]


def _as_finding(status: str, tags: Iterable[str]) -> str:
    # "unknown" is how the report holds a gap that passed (see gap_message).
    return "finding" if status in ("passed", "unknown") and GAP_TAG in set(tags) else status


def gap_message(findings: Iterable[str], name: str) -> str:
    """The status message of a document gap that passed, which the report shows as "unknown"
    (steps/plugin.py sets it), so Allure never counts a gap among the passes."""
    return f"{SYMBOLS['finding']}: " + (" ".join(findings) or name)


def _worst(statuses: list[str]) -> str:
    if not statuses:
        return "not run"
    return min(statuses, key=lambda s: SEVERITY_ORDER.index(s) if s in SEVERITY_ORDER else 3)


def gate(summary: Summary) -> list[str]:
    """Why sign-off must not go ahead; empty when every checklist scenario ran and passed."""
    problems = [f"{r.status}: {r.name}{_reason(r)}" for r in summary.failed]
    if summary.ran < summary.expected:
        problems.append(
            f"{summary.expected - summary.ran} of the document's {summary.expected} checklist"
            f' scenarios did not run (only {summary.ran} ran; "Not run" gives each one\'s reason)'
        )
    return problems


def _reason(result: Result) -> str:
    """The failure's first line (pytest's "AssertionError: " prefix off), so the verdict says
    at once what is wrong."""
    lines = [line.strip() for line in result.message.splitlines() if line.strip()]
    if not lines:
        return ""
    first = lines[0].removeprefix("AssertionError: ")
    return f" — {first[:300]}"


def render_markdown(summary: Summary) -> str:
    spec = summary.spec
    lines = [
        f"# Sign-off: {spec.title}",
        "",
        f"Document generated {spec.generated:%Y-%m-%d %H:%M:%S}, sha256 {spec.content_hash[:16]}.",
        *(f"- {key}: {value}" for key, value in summary.environment.items()),
        "",
        counts_line(summary),
        "",
        *_matrix(summary.rows),
        "## Gaps in the document (findings for sign-off)",
        *(f"- {gap}" for gap in summary.gaps or ["none"]),
        "",
        "## Not run, and why",
        *(f"- {name}: {why}" for name, why in summary.not_run or [("none", "every scenario ran")]),
        "",
        "## Verdict",
        *(f"- {p}" for p in gate(summary) or ["every checklist scenario ran and passed"]),
    ]
    return "\n".join(lines) + "\n"


def _matrix(rows: list[ItemRow]) -> list[str]:
    """One table per area (a flow of the document, or beyond it) with three columns, so the
    matrix reads without scrolling sideways in the report's attachment pane."""
    lines: list[str] = []
    for area in dict.fromkeys(row.area for row in rows):
        lines += [f"## {area}", "", "| Checklist item | Result | Per property |", "|---|---|---|"]
        lines += [
            f"| {r.item} | {SYMBOLS.get(r.status, r.status)} | {r.detail} |"
            for r in rows
            if r.area == area
        ]
        lines.append("")
    return lines


def counts(summary: Summary) -> dict[str, int]:
    """Checklist items by result: passes, product defects, document gaps, not run, apart."""
    tally: dict[str, int] = {}
    for row in summary.rows:
        tally[row.status] = tally.get(row.status, 0) + 1
    return tally


def counts_line(summary: Summary) -> str:
    tally = counts(summary)
    shown = ", ".join(
        f"{n} {SYMBOLS.get(status, status).split(' ', 1)[-1]}"
        for status, n in sorted(tally.items(), key=lambda kv: _rank(kv[0]))
    )
    return (
        f"{len(summary.rows)} checklist items: {shown}. An item is one row of this table;"
        " pytest counts each Examples row and each fault cell as a test of its own."
    )


def _rank(status: str) -> int:
    order = (*SEVERITY_ORDER, "finding")
    return order.index(status) if status in order else len(order)


def write_verdict_result(
    results_dir: Path, summaries: Sequence[Summary], summary_source: str = ""
) -> None:
    """The gate's verdict as one more result: failed when sign-off must not go ahead, with each
    reason, so the report's first page is never 100% when it is not ready, and Allure's quality
    gate (allurerc.mjs) shows the same verdict in its tab. Several documents: ready only when
    every one is, each reason naming its document."""
    every = list(summaries)
    summary = every[0]
    problems = [f"{s.spec.title}: {p}" if len(every) > 1 else p for s in every for p in gate(s)]
    ready = not problems
    now = int(time.time() * 1000)
    run = {k: summary.environment[k] for k in ("Target", "Sync engine") if k in summary.environment}
    result = {
        "uuid": "talkqa-signoff-verdict",
        "name": "Sign-off verdict: " + ("ready" if ready else f"not ready ({len(problems)})"),
        "fullName": "talkqa:sign-off-verdict",
        "testCaseId": "talkqa-sign-off-verdict",
        # Each target and engine has a verdict history of its own (issue 12).
        "historyId": "talkqa-sign-off-verdict." + ".".join(run.values()),
        "parameters": [{"name": name, "value": value} for name, value in run.items()],
        "status": "passed" if ready else "failed",
        "statusDetails": {
            "message": "every checklist scenario ran and passed"
            if ready
            else "not ready for sign-off: " + "; ".join(problems)
        },
        "description": " ".join(counts_line(s) for s in every),
        "start": now,
        "stop": now,
        "labels": [
            {"name": "tag", "value": VERDICT_TAG},
            {"name": "epic", "value": summary.spec.title},
            {"name": "feature", "value": "Sign-off verdict"},
            {"name": "severity", "value": "blocker"},
        ],
        # The whole sign-off matrix, one click from the verdict on the first page.
        "attachments": [
            {"name": "Sign-off summary", "source": summary_source, "type": "text/markdown"}
        ]
        if summary_source
        else [],
    }
    (results_dir / "talkqa-signoff-verdict-result.json").write_text(
        json.dumps(result, ensure_ascii=False), "utf-8"
    )


SUMMARY_SOURCE = "talkqa-signoff-attachment.md"


def attach_globally(results_dir: Path, markdown: str) -> None:
    """Put the summary in the results as a global attachment (Allure's *-globals.json)."""
    source = SUMMARY_SOURCE
    (results_dir / source).write_text(markdown, "utf-8")
    globals_file = {
        "attachments": [
            {
                "name": "Sign-off summary",
                "source": source,
                "type": "text/markdown",
                "timestamp": int(time.time() * 1000),
            }
        ],
        "errors": [],
    }
    (results_dir / "talkqa-signoff-globals.json").write_text(json.dumps(globals_file), "utf-8")
