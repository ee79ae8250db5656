"""The state store: schema version, bad files, round trips of plain data."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from harness.errors import StateStoreError
from harness.links import SCHEMA_VERSION, DeadLetter, InsertIntent, Link, LinkStore, SyncedValues

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_new_file_is_wal_and_versioned(tmp_path: Path) -> None:
    LinkStore.open(tmp_path / "s.sqlite").close()
    db = sqlite3.connect(tmp_path / "s.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_schema_is_refused_naming_path_and_versions(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    LinkStore.open(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(StateStoreError) as error:
        LinkStore.open(path)
    message = str(error.value)
    assert str(path) in message and "newer" in message and f"version {SCHEMA_VERSION}" in message


def test_corrupt_file_is_refused_naming_path(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StateStoreError, match="not a talkqa state file") as error:
        LinkStore.open(path)
    assert str(path) in str(error.value)


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE things (x)")
    with pytest.raises(StateStoreError, match=r"no schema_version table.*things"):
        LinkStore.open(path)


def test_links_round_trip_with_based_on(tmp_path: Path) -> None:
    store = LinkStore.open(tmp_path / "s.sqlite")
    store.begin_inserts(
        [InsertIntent("contact", "salesforce-contact:1", "k", "pending", {}, 0, T0)]
    )
    link = Link(
        "contact",
        "salesforce-contact:1",
        "crmoffice-contacts:7",
        T0,
        {"FirstName": "Ada", "Phone": None},
        source_seen_at=T0,
    )
    store.add_links([link])
    assert store.pending_intents() == []
    assert (
        store.links_for_sources("contact", ["salesforce-contact:1"])["salesforce-contact:1"] == link
    )
    assert store.links_for_targets(["crmoffice-contacts:7"])["crmoffice-contacts:7"] == link
    store.save_synced([SyncedValues("contact", "salesforce-contact:1", {"Phone": "2"}, None, T0)])
    store.mark_deleted([("contact", "salesforce-contact:1", "target")])
    store.close()
    reopened = LinkStore.open(tmp_path / "s.sqlite")
    (again,) = reopened.all_links()
    assert again.based_on == {"FirstName": "Ada", "Phone": "2"}
    assert again.target_seen_at == T0 and again.target_deleted and not again.source_deleted
    reopened.close()


def test_dead_letter_keeps_first_attempt_and_counts(tmp_path: Path) -> None:
    store = LinkStore.open(tmp_path / "s.sqlite")
    pair = ("contact", "salesforce-contact:1")
    letter = DeadLetter(
        *pair,
        "crmoffice->salesforce",
        "salesforce-contact:1",
        "STRING_TOO_LONG",
        "too long",
        False,
        T0,
        T0,
        snapshot={"x": 1},
    )
    store.replace_dead_letters([pair], [letter])
    later = datetime(2026, 1, 6, tzinfo=UTC)
    store.replace_dead_letters(
        [pair],
        [
            DeadLetter(
                *pair,
                "crmoffice->salesforce",
                "salesforce-contact:1",
                "STRING_TOO_LONG",
                "too long",
                False,
                later,
                later,
            )
        ],
    )
    (kept,) = store.dead_letters()
    assert (kept.first_attempt, kept.last_attempt, kept.attempts) == (T0, later, 2)
    store.replace_dead_letters([pair], [])
    assert store.dead_letters() == []
    store.close()


def test_watermarks_round_trip_and_reset(tmp_path: Path) -> None:
    store = LinkStore.open(tmp_path / "s.sqlite")
    store.save_watermarks({("salesforce", "Contact"): T0})
    assert store.watermark("salesforce", "Contact") == T0
    store.reset_watermarks()
    assert store.watermark("salesforce", "Contact") is None
    store.close()
