"""The benchmark's two Salesforce columns at 20,000 Contacts: the engine as shipped (Bulk API 2.0
above flows.toml's bulk_threshold) against REST only, in calls, never seconds.

At 20,000 the Contact read passes the threshold and Bulk's cost stops growing with the records:
REST reads 2,000 a page (10 calls), a queryAll job costs the first page, create, two polls and
one result set of up to 50,000 (5 calls) whatever the size. (At 10,000 both cost 5; at 100,000
REST's 50 pages against Bulk's 6: README, Performance.)
"""

from __future__ import annotations

from harness.bench.run import run_engines

N = 20_000  # and 2,000 Customers, 2,000 Product2: at the threshold, so REST for those


def test_bulk_reads_the_initial_sync_in_half_the_calls_and_does_the_same_work() -> None:
    runs = run_engines(N)  # one test: a second would build the 2 x 24,000-record run again
    bulk, rest = runs.phases["bulk"], runs.phases["rest"]

    # login; Contact 1 + 9 more pages; Customer and Product2 one page each; the read-back
    # cycle one (empty) page per object.
    assert rest["initial"].endpoints["salesforce"] == {"login": 1, "query": 6, "query.more": 9}
    assert bulk["initial"].endpoints["salesforce"] == {
        "login": 1,
        "query": 6,  # Contact's first page says 20,000 records: the job reads the rest
        "bulk2.query.create": 1,
        "bulk2.query.get": 2,
        "bulk2.query.results": 1,
    }
    assert (bulk["initial"].calls["salesforce"], rest["initial"].calls["salesforce"]) == (
        {"read": 11, "write": 0},
        {"read": 16, "write": 0},
    )
    # The same work either way, and below the threshold (1% edits, a quiet cycle) the same calls.
    assert bulk["initial"].records_written == rest["initial"].records_written == 24_000
    assert bulk["initial"].calls["crmoffice"] == rest["initial"].calls["crmoffice"]
    for phase in ("incremental", "quiet"):
        assert bulk[phase].calls == rest[phase].calls
        assert bulk[phase].records_written == rest[phase].records_written
