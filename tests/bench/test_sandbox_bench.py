"""The checklist on a sandbox that already holds data costs what the checklist needs (issue 13).

One whole `pytest features/ --target sandbox` run on the test seam with nothing in the org, and
one with 5,000 contacts and 500 products or companies already in each system (as a refreshed
sandbox holds). Before the scoped runs, one pre-existing record made 32 items fail and 1,000
made Crmoffice take 218,000 calls. The outcome must be the same, the calls within 5%, and no
pre-existing record changed.
"""

from __future__ import annotations

import pytest

from harness.bench.sandbox import SandboxBench, render_sandbox_text, run_sandbox_bench
from harness.cli import main


@pytest.fixture(scope="module")
def empty() -> SandboxBench:
    return run_sandbox_bench(preexisting=0, timeout=600)


@pytest.fixture(scope="module")
def full() -> SandboxBench:
    return run_sandbox_bench(preexisting=5_000, timeout=600)


def test_an_org_with_5000_records_gives_the_outcome_of_an_empty_one(
    empty: SandboxBench, full: SandboxBench
) -> None:
    assert empty.exit_code == 0, empty.tail
    assert full.outcome == empty.outcome, full.tail
    assert empty.outcome.get("passed", 0) >= 80 and "failed" not in full.outcome


def test_its_calls_stay_within_5_percent_of_the_empty_org(
    empty: SandboxBench, full: SandboxBench
) -> None:
    for system in ("salesforce", "crmoffice"):
        assert full.calls[system] <= 1.05 * empty.calls[system], (system, full.calls, empty.calls)


def test_no_pre_existing_record_is_changed_or_deleted(full: SandboxBench) -> None:
    assert full.preexisting_changed == []


def test_a_run_logs_in_to_salesforce_once(empty: SandboxBench) -> None:
    """Was 435 SOAP logins for one run: one per client per scenario."""
    assert empty.logins == 1


def test_the_report_names_calls_time_and_what_changed(empty: SandboxBench) -> None:
    text = render_sandbox_text(empty)
    assert "Salesforce" in text and "calls (1 logins)" in text
    assert "pre-existing records changed or deleted: 0" in text


def test_bad_numbers_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--sandbox-seam", "--preexisting", "-1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--preexisting" in err and "0 or more" in err
