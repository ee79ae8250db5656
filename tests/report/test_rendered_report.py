"""The rendered Allure report, opened in headless Chromium as the lead who signs off would.

    .venv/bin/pytest tests/report -q     # needs Debian's chromium (make test installs it)

The checklist runs for real, Allure 3 renders it, and the page must show the three flows of the
document and, under each, its checklist items (taken from the document, not typed in here).
The checklist runs in this process (pytester, issue 16) while `allure run` watches its results;
Allure, the sign-off command and the browser are processes of their own.
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from harness.checklist.items import marker_lines
from harness.checklist.scenarios import for_flow
from harness.dataflow import DataflowSpec, load_spec
from harness.qa.labels import flow_title, marker_descriptions, story_title
from harness.qa.signoff import read_results
from tests.runs import once, run_features, tail

if TYPE_CHECKING:
    from playwright.sync_api import Page

T = TypeVar("T")
REPO = Path(__file__).resolve().parents[2]
DOCUMENT = REPO / "fixtures" / "dataflows" / "salesforce-to-crmoffice.rst"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _require_tools() -> None:
    missing = [
        what
        for what, ok in (
            ("Debian's chromium (scripts/ensure-chromium)", Path(CHROMIUM).exists()),
            ("node_modules/.bin/allure (npm ci)", (REPO / "node_modules/.bin/allure").exists()),
        )
        if not ok
    ]
    if missing and os.environ.get("CI"):
        pytest.fail(f"CI must render the report, but these are missing: {', '.join(missing)}")
    if missing:
        pytest.skip(f"cannot render the report here: missing {', '.join(missing)}")


def _render(pytester: pytest.Pytester, work: Path, *pytest_args: str) -> Path:
    """As `make qa` does: the checklist and then the sign-off while `allure run` watches the
    results as they come, and renders the report with its quality gate at the end. The command
    allure runs waits for the checklist, which runs here, prints what it printed (allure attaches
    a command's output to the report) and signs off."""
    results, report = work / "allure-results", work / "allure-report"
    results.mkdir(parents=True)
    started, finished, log = work / "allure-started", work / "checklist-done", work / "allure.log"
    printed, warned = work / "checklist.out", work / "checklist.err"
    talkqa = REPO / ".venv/bin/talkqa"
    command = (
        f"touch {_q(started)}; while [ ! -e {_q(finished)} ]; do sleep 0.2; done;"
        f" cat {_q(printed)}; cat {_q(warned)} >&2;"
        f" {_q(talkqa)} signoff --results {_q(results)} --attach --quiet"
    )
    env = {
        **os.environ,
        "TALKQA_ALLURE_OUTPUT": str(report),
        "TALKQA_ALLURE_HISTORY": str(work / "history.jsonl"),
    }
    allure = [str(REPO / "node_modules/.bin/allure"), "run", "--results-dir", str(results)]
    with log.open("w", encoding="utf-8") as output:
        watcher = subprocess.Popen(
            [*allure, "--", "sh", "-c", command],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            # Results written before allure has started its command are not read (it scans the
            # folder then and ignores what is there); its command starting is the sign.
            _wait_for(started, watcher, log)
            done = run_features(pytester, f"--alluredir={results}", *pytest_args)
            printed.write_text("".join(f"{line}\n" for line in done.outlines), "utf-8")
            warned.write_text("".join(f"{line}\n" for line in done.errlines), "utf-8")
        finally:
            finished.touch()
            try:
                returncode = watcher.wait(timeout=300)
            except subprocess.TimeoutExpired:
                watcher.kill()
                raise
    assert done.ret in (0, 1), f"the checklist exited {done.ret}:\n{tail(done.outlines, 2000)}"
    said = log.read_text("utf-8", "replace")[-2000:]
    assert returncode in (0, 1), f"allure run exited {returncode}:\n{said}"
    assert (report / "index.html").exists(), "Allure wrote no index.html"
    return report


def _q(path: Path) -> str:
    return shlex.quote(str(path))


def _wait_for(started: Path, watcher: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + 120
    while not started.exists():
        if watcher.poll() is not None or time.monotonic() > deadline:
            watcher.kill()
            pytest.fail(f"allure run did not start its command:\n{log.read_text('utf-8')[-2000:]}")
        time.sleep(0.1)


@pytest.fixture
def rendered_report(
    pytester: pytest.Pytester,
    made_once: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    _require_tools()
    return once(made_once, "full", lambda: _render(pytester, tmp_path_factory.mktemp("report")))


@pytest.fixture
def partial_report(
    pytester: pytest.Pytester,
    made_once: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    _require_tools()
    return once(
        made_once,
        "partial",
        lambda: _render(pytester, tmp_path_factory.mktemp("partial"), "-m", "critical"),
    )


@pytest.fixture
def report_url(rendered_report: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(rendered_report))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


def expected_tree(spec: DataflowSpec) -> dict[str, list[str]]:
    """Flow title -> the checklist item titles the document's checklist has for it."""
    markers = marker_descriptions([*_ini_markers(), *marker_lines(spec.flows)])
    return {
        flow_title(flow): [
            story_title(tag, markers)
            for scenario in for_flow(flow)
            for tag in scenario.tags
            if tag.startswith("story-")
        ]
        for flow in spec.flows
    }


def _ini_markers() -> list[str]:
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    return list(config["tool"]["pytest"]["ini_options"]["markers"])


def _page_text(url: str, spec: DataflowSpec, tree: dict[str, list[str]]) -> str:
    return _in_a_fresh_browser_twice(functools.partial(_read_page_text, url, spec, tree))


def _read_page_text(url: str, spec: DataflowSpec, tree: dict[str, list[str]]) -> str:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        # The single-file report embeds every attachment (about 11 MB); on a busy 2-core
        # machine parsing it can take longer than playwright's 30 s default.
        page.set_default_timeout(120_000)
        page.goto(url)
        with _showing_the_page_on_timeout(page):
            page.get_by_text(spec.title, exact=True).last.click()  # the epic: the document
            for flow in [*tree, "Sign-off verdict"]:
                page.get_by_text(flow, exact=True).first.click()
        page.wait_for_timeout(500)
        text = page.inner_text("body")
        browser.close()
    return text


def _in_a_fresh_browser_twice(read: Callable[[], T]) -> T:
    """One more try in a fresh browser when a page wait times out. On a busy 2-core machine
    (the other worker rendering its own report) a first parse of the 11 MB page has twice
    taken past the 120 s wait, in runs where the same report, opened again, showed in 2 s.
    The second try's result is asserted as fully as the first's; a second timeout fails the
    test with what the page showed."""
    from playwright.sync_api import TimeoutError as PageTimeout

    try:
        return read()
    except PageTimeout:
        return read()


@contextmanager
def _showing_the_page_on_timeout(page: Page) -> Iterator[None]:
    """A page wait that times out says what the page showed instead (a spinner, another view)."""
    from playwright.sync_api import TimeoutError as PageTimeout

    try:
        yield
    except PageTimeout as timeout:
        shown = " ".join(page.inner_text("body").split())[:500]
        raise PageTimeout(f"{timeout.message}\nthe page showed: {shown!r}") from timeout


def _assert_every_flow_and_item(text: str, tree: dict[str, list[str]]) -> None:
    assert "Sign-off verdict: ready" in text, "the sign-off verdict is missing"
    for flow, items in tree.items():
        assert flow in text, f"the report does not show the flow {flow!r}"
        section = text[text.index(flow) :]
        for item in items:
            assert item in section, f"{flow}: the report does not show the item {item!r}"


def test_the_report_shows_every_flow_and_its_checklist_items(report_url: str) -> None:
    spec = load_spec(DOCUMENT)
    tree = expected_tree(spec)
    _assert_every_flow_and_item(_page_text(report_url, spec, tree), tree)


def test_the_report_opens_from_disk_as_a_downloaded_artifact_would(rendered_report: Path) -> None:
    """Issue 12: opened from a file:// URL the report was an endless spinner; it is one file."""
    spec = load_spec(DOCUMENT)
    tree = expected_tree(spec)
    _assert_every_flow_and_item(
        _page_text((rendered_report / "index.html").as_uri(), spec, tree), tree
    )


def _landing_and_gates(report: Path) -> tuple[str, str]:
    """The first page's text, and the Quality Gates tab's."""
    return _in_a_fresh_browser_twice(functools.partial(_read_landing_and_gates, report))


def _read_landing_and_gates(report: Path) -> tuple[str, str]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(120_000)
        page.goto((report / "index.html").as_uri())
        with _showing_the_page_on_timeout(page):
            page.get_by_text("Quality Gates").first.wait_for()
        landing = page.inner_text("body")
        page.get_by_text("Quality Gates").first.click()
        page.wait_for_timeout(500)
        gates = page.inner_text("body")
        browser.close()
    return " ".join(landing.split()), " ".join(gates.split())


def test_the_quality_gates_tab_shows_the_sign_off_verdict(rendered_report: Path) -> None:
    """Issue 12: the tab said "No quality gate results" although make qa has a gate."""
    _, gates = _landing_and_gates(rendered_report)
    assert "talkqa sign-off: every checklist scenario ran and passed" in gates


def test_a_document_gap_is_not_shown_as_passed(rendered_report: Path) -> None:
    """Issue 12: "No properties listed" and "Preexisting duplicate" were counted as passes on
    the landing page. Each is shown as unknown ("document gap: needs a decision")."""
    results = read_results(rendered_report.parent / "allure-results")
    gaps = [r for r in results if "document-gap" in r.tags]
    without_properties = [f for f in load_spec(DOCUMENT).flows if not f.properties]
    assert len(gaps) > len(without_properties) >= 1  # the generated gaps and a hand-written one
    landing, _ = _landing_and_gates(rendered_report)
    passed = len(results) - len(gaps) + 1  # and the sign-off verdict's own result
    assert f"Unknown {len(gaps)}" in landing and f"Passed {passed} " in landing, landing[:600]


def test_a_partial_run_is_not_100_percent_and_its_gate_says_why(partial_report: Path) -> None:
    """Issue 12: `-m critical` showed a green 100% ("47 passed") while items never ran."""
    landing, gates = _landing_and_gates(partial_report)
    assert "100%" not in landing, landing[:600]
    assert "Skipped" in landing and "Failed 1" in landing  # the not-run items and the verdict
    assert "not ready for sign-off" in gates and "did not run" in gates
