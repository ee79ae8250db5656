"""Which Salesforce API the engine uses: REST up to bulk_threshold records, Bulk API 2.0 above.

The rule is EngineMapping.salesforce_path, one function; these tests hold it, its settings in
flows.toml, and the engine asking it for each read and each batch of updates.
"""

from __future__ import annotations

import pytest

from harness.engine.engine import TalkEngine
from harness.engine.mapping import EngineMapping, load_mapping, parse_mapping
from harness.errors import ConfigError

from .conftest import Rig

FLOW = {"name": "contact", "salesforce_object": "Contact", "crmoffice_type": "contacts"}
BULK_READ = ("bulk2.query.create", "bulk2.query.results")
BULK_WRITE = ("bulk2.ingest.create", "bulk2.ingest.upload")


def test_rest_up_to_the_threshold_and_bulk_above_it() -> None:
    mapping = load_mapping()
    assert (mapping.bulk_threshold, mapping.bulk_batch_size) == (2000, 10_000)  # flows.toml
    assert [mapping.salesforce_path(n) for n in (0, 1, 2000, 2001, 10**6)] == [
        "rest",
        "rest",
        "rest",
        "bulk",
        "bulk",
    ]
    assert mapping.rest_only().salesforce_path(10**6) == "rest"


def test_the_write_batch_is_a_collections_call_or_a_bulk_job() -> None:
    mapping = load_mapping()
    assert mapping.salesforce_write_batch(2000) == mapping.salesforce_batch_size == 200
    assert mapping.salesforce_write_batch(2001) == 10_000
    assert mapping.rest_only().salesforce_write_batch(10**6) == 200


@pytest.mark.parametrize(
    "engine", [{"bulk_threshold": -1}, {"bulk_threshold": 2000, "bulk_batch_size": 2000}]
)
def test_a_threshold_below_zero_or_a_job_no_larger_than_it_is_refused(
    engine: dict[str, int],
) -> None:
    with pytest.raises(ConfigError, match="bulk_threshold"):
        parse_mapping({"engine": engine, "flow": [FLOW]}, source="flows.toml")


def test_a_read_past_the_threshold_goes_through_one_bulk_job(rig: Rig) -> None:
    for n in range(2001):
        rig.sf.insert("Contact", {"LastName": f"L{n}"})
    report = rig.engine().run_cycle()
    assert report.flows["contact"].inserted == 2001
    calls = rig.sf.calls.by_endpoint
    assert (calls["query"], calls.get("query.more", 0)) == (3, 0)  # one first page each
    assert all(calls[name] == 1 for name in BULK_READ)


def test_a_read_up_to_the_threshold_stays_on_rest(rig: Rig) -> None:
    for n in range(2000):
        rig.sf.insert("Contact", {"LastName": f"L{n}"})
    rig.engine().run_cycle()
    assert not any(name.startswith("bulk2.") for name in rig.sf.calls.by_endpoint)


@pytest.mark.parametrize(
    ("edits", "writes"),
    [
        (2000, {"composite.sobjects.patch": 10}),
        (2001, {"bulk2.ingest.create": 1}),
        # A job of 10,000 (bulk_batch_size), then 500 left: Collections calls again.
        (10_500, {"bulk2.ingest.create": 1, "composite.sobjects.patch": 3}),
    ],
)
def test_salesforce_updates_past_the_threshold_go_through_bulk_jobs(
    rig: Rig, edits: int, writes: dict[str, int]
) -> None:
    engine = _linked(rig, edits, load_mapping())
    before = dict(rig.sf.calls.by_endpoint)
    for row in rig.crm.records("contacts"):
        rig.crm.ui_edit("contacts", row.record_id, {"directPhone": f"+47 {row.record_id}"})

    report = engine.run_cycle()

    assert report.flows["contact"].updated_salesforce == edits
    assert all(row.values["Phone"] for row in rig.sf.records("Contact"))
    calls = {k: n - before.get(k, 0) for k, n in rig.sf.calls.by_endpoint.items()}
    kinds = ("composite.sobjects.patch", "bulk2.ingest.create")
    assert {k: n for k, n in calls.items() if k in kinds and n} == writes


def test_a_rest_only_mapping_never_starts_a_job(rig: Rig) -> None:
    engine = _linked(rig, 2001, load_mapping().rest_only())
    for row in rig.crm.records("contacts"):
        rig.crm.ui_edit("contacts", row.record_id, {"directPhone": "+47 1"})
    engine.run_cycle()
    assert not any(name.startswith("bulk2.") for name in rig.sf.calls.by_endpoint)


def _linked(rig: Rig, count: int, mapping: EngineMapping) -> TalkEngine:
    """count Contacts synced to Crmoffice once, so the next cycle merges linked pairs."""
    for n in range(count):
        rig.sf.insert("Contact", {"LastName": f"L{n}"})
    engine = rig.engine(mapping)
    engine.run_cycle()
    rig.later()
    engine.run_cycle()  # reads back its own inserts: nothing left to do
    rig.later()
    return engine
