"""The benchmark at 2,000 Contacts: call counts against the APIs' minimum (calls, never seconds)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.bench.run import BenchResult, run_bench
from harness.cli import main

N = 2_000


@pytest.fixture(scope="module")
def result() -> BenchResult:
    # The engine as shipped only: at 2,000 records REST is its path anyway (test_salesforce_apis).
    return run_bench(N, ("bulk",))


def _phase(result: BenchResult, name: str) -> dict[str, Any]:
    phase: dict[str, Any] = result.to_json()["phases"][name]
    return phase


@pytest.mark.parametrize("name", ["initial", "incremental", "quiet"])
def test_salesforce_calls_stay_within_5_percent_of_the_minimum(
    result: BenchResult, name: str
) -> None:
    phase = _phase(result, name)
    for kind in ("read", "write"):
        calls, minimum = phase["calls"]["salesforce"][kind], phase["min_calls"]["salesforce"][kind]
        assert calls <= 1.05 * minimum, (name, kind, calls, minimum)


@pytest.mark.parametrize("name", ["initial", "incremental", "quiet"])
def test_the_floor_sends_exactly_the_minimum(result: BenchResult, name: str) -> None:
    phase = _phase(result, name)
    assert phase["floor_calls"] == phase["min_calls"]


def test_initial_sync_reads_in_query_pages_and_creates_one_call_a_record(
    result: BenchResult,
) -> None:
    phase = _phase(result, "initial")
    # Login, Contact 1 page + Customer + Product2; then the read-back cycle: 1 page each.
    assert phase["calls"]["salesforce"] == {"read": 1 + 3 + 3, "write": 0}
    # Token, 2 empty lists; read-back: 2,200 contacts in 3 pages, 200 companies in 1.
    assert phase["calls"]["crmoffice"] == {"read": 1 + 2 + 3 + 1, "write": 2_400}


def test_the_one_percent_edit_costs_at_most_3_percent_of_the_initial_calls(
    result: BenchResult,
) -> None:
    initial, incremental = _phase(result, "initial"), _phase(result, "incremental")

    def total(phase: dict[str, Any]) -> int:
        return sum(n for kinds in phase["calls"].values() for n in kinds.values())

    assert total(incremental) <= 0.03 * total(initial)
    assert incremental["calls"] == incremental["min_calls"]


def test_the_quiet_cycle_writes_nothing_and_reads_one_page_per_object_and_side(
    result: BenchResult,
) -> None:
    quiet = _phase(result, "quiet")
    assert quiet["calls"]["salesforce"] == {"read": 3, "write": 0}  # Customer, Product2, Contact
    assert quiet["calls"]["crmoffice"] == {"read": 2, "write": 0}  # contacts, companies
    assert len(quiet["cycles"]) == 1


def test_json_has_the_fields_other_tools_read(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["bench", "--records", "50", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["records"] == 50 and data["peak_rss_mb"] > 0
    for name in ("initial", "incremental", "quiet"):
        phase = data["phases"][name]
        assert {"wall_s", "floor_s", "calls", "min_calls"} <= set(phase)
        for key in ("calls", "min_calls"):
            assert set(phase[key]) == {"salesforce", "crmoffice"}
            assert all(set(kinds) == {"read", "write"} for kinds in phase[key].values())
        assert set(phase["salesforce_api"]) == {"bulk", "rest"}  # side by side by default
        assert phase["salesforce_api"]["bulk"]["calls"] == phase["calls"]["salesforce"]


def test_text_output_names_every_phase(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--records", "20"]) == 0
    out = capsys.readouterr().out
    assert all(f"\n{name}:" in out for name in ("initial", "incremental", "quiet"))
    assert "peak RSS" in out
    assert out.count("as shipped (Bulk above the threshold)") == 3 and "REST only" in out


def test_one_salesforce_api_prints_no_comparison(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--records", "20", "--salesforce-api", "rest"]) == 0
    assert "calls by API" not in capsys.readouterr().out


def test_records_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--records", "0"]) == 2
    assert "--records must be at least 1" in capsys.readouterr().err
