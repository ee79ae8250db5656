"""The per-property merge rules, one table row per rule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harness.engine.merge import Side, decide, same

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
T1 = datetime(2026, 1, 5, 9, 1, tzinfo=UTC)
T2 = datetime(2026, 1, 5, 9, 2, tzinfo=UTC)

# based_on, (sf value, sf time), (crm value, crm time) -> merged, to_sf, to_crm, winner
CASES = [
    ("neither changed", "a", ("a", T1), ("a", T2), "a", {}, {}, "agreed"),
    ("only salesforce changed", "a", ("b", T1), ("a", T2), "b", {}, {"P": "b"}, "salesforce"),
    ("only crmoffice changed", "a", ("a", T2), ("c", T1), "c", {"P": "c"}, {}, "crmoffice"),
    ("both changed, crm later", "a", ("b", T1), ("c", T2), "c", {"P": "c"}, {}, "crmoffice"),
    ("both changed, sf later", "a", ("b", T2), ("c", T1), "b", {}, {"P": "b"}, "salesforce"),
    (
        "both changed, tie -> salesforce",
        "a",
        ("b", T1),
        ("c", T1),
        "b",
        {},
        {"P": "b"},
        "salesforce",
    ),
    ("both changed to the same value", "a", ("b", T1), ("b", T2), "b", {}, {}, "salesforce"),
    ("empty string equals null", None, ("", T1), (None, T2), "", {}, {}, "agreed"),
    ("null based_on, crm sets value", "", (None, T1), ("x", T2), "x", {"P": "x"}, {}, "crmoffice"),
    ("salesforce clears a value", "a", (None, T1), ("a", T0), None, {}, {"P": None}, "salesforce"),
    ("crm clears to empty string", "a", ("a", T2), ("", T1), "", {"P": ""}, {}, "crmoffice"),
    ("unknown crm time loses", "a", ("b", None), ("c", None), "b", {}, {"P": "b"}, "salesforce"),
]


@pytest.mark.parametrize(
    ("based", "sf", "crm", "merged", "to_sf", "to_crm", "winner"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_one_property(based, sf, crm, merged, to_sf, to_crm, winner) -> None:  # type: ignore[no-untyped-def]
    plan = decide({"P": based}, Side({"P": sf[0]}, sf[1]), Side({"P": crm[0]}, crm[1]))
    assert same(plan.merged["P"], merged)
    assert dict(plan.to_salesforce) == to_sf
    assert dict(plan.to_crmoffice) == to_crm
    assert plan.winners["P"] == winner


def test_edits_to_different_properties_both_survive() -> None:
    based = {"FirstName": "Ada", "Phone": "1"}
    plan = decide(
        based,
        Side({"FirstName": "Ada L.", "Phone": "1"}, T1),
        Side({"FirstName": "Ada", "Phone": "2"}, T2),
    )
    assert plan.merged == {"FirstName": "Ada L.", "Phone": "2"}
    assert plan.to_salesforce == {"Phone": "2"}
    assert plan.to_crmoffice == {"FirstName": "Ada L."}


def test_echo_of_own_write_writes_nothing() -> None:
    # Both sides came back with new stamps but the values everyone agreed on.
    plan = decide({"Phone": "2"}, Side({"Phone": "2"}, T2), Side({"Phone": "2"}, T1))
    assert plan.writes_nothing
