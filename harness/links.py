"""The engine's durable memory: links, last-synced values, watermarks, dead letters, intents.

    store = LinkStore.open(Path("state.sqlite"))      # StateStoreError if corrupt or newer
    links = store.links_for_sources("contact", ["salesforce-contact:003..."])

One SQLite file in WAL mode. Every method that writes commits before it returns, so a process
killed at any point leaves the last committed state, never half a batch. Data goes in and comes
out as frozen dataclasses; nothing here knows about HTTP or the merge rules.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from tenacity import retry, retry_if_exception, stop_after_delay, wait_random

from harness.errors import StateStoreError

SCHEMA_VERSION = 1
Value = str | None
Direction = Literal["salesforce->crmoffice", "crmoffice->salesforce"]
IntentState = Literal["pending", "done", "rejected"]

# SQLite's default limit on host parameters is 999 in older builds; stay well under it.
_CHUNK = 500

_SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE links (
    flow TEXT NOT NULL,
    source_ref TEXT NOT NULL,
    target_ref TEXT NOT NULL,
    created_at TEXT NOT NULL,
    source_seen_at TEXT,
    target_seen_at TEXT,
    source_deleted INTEGER NOT NULL DEFAULT 0,
    target_deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (flow, source_ref)
) WITHOUT ROWID;
CREATE UNIQUE INDEX links_by_target ON links (target_ref);
CREATE TABLE based_on (
    flow TEXT NOT NULL,
    source_ref TEXT NOT NULL,
    property TEXT NOT NULL,
    value TEXT,
    PRIMARY KEY (flow, source_ref, property)
) WITHOUT ROWID;
CREATE TABLE watermarks (
    system TEXT NOT NULL,
    object TEXT NOT NULL,
    mark TEXT NOT NULL,
    PRIMARY KEY (system, object)
) WITHOUT ROWID;
CREATE TABLE dead_letters (
    flow TEXT NOT NULL,
    source_ref TEXT NOT NULL,
    direction TEXT NOT NULL,
    ref TEXT NOT NULL,
    error_code TEXT NOT NULL,
    message TEXT NOT NULL,
    retriable INTEGER NOT NULL,
    first_attempt TEXT NOT NULL,
    last_attempt TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (flow, source_ref, direction)
) WITHOUT ROWID;
CREATE TABLE insert_intents (
    flow TEXT NOT NULL,
    source_ref TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    state TEXT NOT NULL,
    payload TEXT NOT NULL,
    generation INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (flow, source_ref)
) WITHOUT ROWID;
CREATE INDEX intents_by_state ON insert_intents (state);
"""


@dataclass(frozen=True, slots=True)
class Link:
    """Sesam's $origin/$generated_id pair plus $based_on: the values both sides last agreed on."""

    flow: str
    source_ref: str  # salesforce-contact:003...
    target_ref: str  # crmoffice-contacts:42
    created_at: datetime
    based_on: Mapping[str, Value] = field(default_factory=dict)  # keyed by Salesforce field
    source_seen_at: datetime | None = None
    target_seen_at: datetime | None = None
    source_deleted: bool = False
    target_deleted: bool = False

    @property
    def deleted(self) -> bool:
        return self.source_deleted or self.target_deleted


@dataclass(frozen=True)
class SyncedValues:
    """A new $based_on for one link, with the modification times it was agreed at."""

    flow: str
    source_ref: str
    values: Mapping[str, Value]
    source_seen_at: datetime | None
    target_seen_at: datetime | None


@dataclass(frozen=True)
class DeadLetter:
    flow: str
    source_ref: str  # the pair's key (the Salesforce record)
    direction: Direction
    ref: str  # the record the target refused (the source ref when an insert was refused)
    error_code: str
    message: str
    retriable: bool
    first_attempt: datetime
    last_attempt: datetime
    attempts: int = 1
    snapshot: Mapping[str, Any] = field(default_factory=dict)  # what to retry with, as JSON


@dataclass(frozen=True)
class InsertIntent:
    flow: str
    source_ref: str
    idempotency_key: str
    state: IntentState
    payload: Mapping[str, Value]  # the exact body POSTed; a replay must send the same
    generation: int
    created_at: datetime


class LinkStore:
    """The state store; open with LinkStore.open(path) and close when done."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection

    # --- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> LinkStore:
        path = Path(path)
        _check_state_path(path)
        try:
            connection = _open_while_contended(path)
        except sqlite3.DatabaseError as error:
            raise StateStoreError(_open_failure(path, error)) from None
        return cls(path, connection)

    def close(self) -> None:
        self._db.close()

    def _execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._transaction():
            self._db.executemany(sql, rows)

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    # --- links ------------------------------------------------------------------------------

    def add_links(self, links: Sequence[Link]) -> None:
        """Store new links with their based_on values in one transaction."""
        with self._transaction():
            self._db.executemany(
                "INSERT INTO links VALUES (?,?,?,?,?,?,?,?)",
                [
                    (
                        lk.flow,
                        lk.source_ref,
                        lk.target_ref,
                        _ts(lk.created_at),
                        _ts_or_none(lk.source_seen_at),
                        _ts_or_none(lk.target_seen_at),
                        int(lk.source_deleted),
                        int(lk.target_deleted),
                    )
                    for lk in links
                ],
            )
            self._put_based_on((lk.flow, lk.source_ref, lk.based_on) for lk in links)
            self._db.executemany(
                "UPDATE insert_intents SET state='done' WHERE flow=? AND source_ref=?",
                [(lk.flow, lk.source_ref) for lk in links],
            )

    def links_for_sources(self, flow: str, source_refs: Iterable[str]) -> dict[str, Link]:
        rows = self._select_in(
            "SELECT * FROM links WHERE flow=? AND source_ref IN ({})", [flow], source_refs
        )
        return {link.source_ref: link for link in self._with_based_on(rows)}

    def links_for_targets(
        self, target_refs: Iterable[str], *, flow: str | None = None
    ) -> dict[str, Link]:
        """Links to these targets (only the flow's, when one is named)."""
        rows = self._select_in("SELECT * FROM links WHERE target_ref IN ({})", [], target_refs)
        # The flow is filtered here: in SQL, SQLite would scan the flow's links by primary key
        # instead of probing the target index.
        rows = [row for row in rows if flow is None or row["flow"] == flow]
        return {link.target_ref: link for link in self._with_based_on(rows)}

    def all_links(self, flow: str | None = None) -> list[Link]:
        if flow is None:
            rows = self._db.execute("SELECT * FROM links").fetchall()
        else:
            rows = self._db.execute("SELECT * FROM links WHERE flow=?", (flow,)).fetchall()
        return self._with_based_on(rows)

    def count_links(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM links").fetchone()[0])

    def save_synced(self, synced: Sequence[SyncedValues]) -> None:
        if not synced:
            return
        with self._transaction():
            self._put_based_on((s.flow, s.source_ref, s.values) for s in synced)
            self._db.executemany(
                "UPDATE links SET source_seen_at=coalesce(?, source_seen_at), "
                "target_seen_at=coalesce(?, target_seen_at) WHERE flow=? AND source_ref=?",
                [
                    (
                        _ts_or_none(s.source_seen_at),
                        _ts_or_none(s.target_seen_at),
                        s.flow,
                        s.source_ref,
                    )
                    for s in synced
                ],
            )

    def mark_deleted(self, marks: Sequence[tuple[str, str, Literal["source", "target"]]]) -> None:
        """Mark (flow, source_ref, side) deleted; the link stays, so nothing is re-created."""
        with self._transaction():
            for side in ("source", "target"):
                self._db.executemany(
                    f"UPDATE links SET {side}_deleted=1 WHERE flow=? AND source_ref=?",
                    [(flow, ref) for flow, ref, s in marks if s == side],
                )

    def forget_links(self) -> None:
        """Drop links, based_on values and intents (only the deliberately broken engine)."""
        with self._transaction():
            self._db.execute("DELETE FROM insert_intents")
            self._db.execute("DELETE FROM based_on")
            self._db.execute("DELETE FROM links")

    def _put_based_on(self, items: Iterable[tuple[str, str, Mapping[str, Value]]]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO based_on VALUES (?,?,?,?)",
            [
                (flow, ref, prop, value)
                for flow, ref, values in items
                for prop, value in values.items()
            ],
        )

    def _with_based_on(self, rows: list[sqlite3.Row]) -> list[Link]:
        keys = [(row["flow"], row["source_ref"]) for row in rows]
        values: dict[tuple[str, str], dict[str, Value]] = {key: {} for key in keys}
        for flow in {flow for flow, _ in keys}:
            refs = [ref for f, ref in keys if f == flow]
            for row in self._select_in(
                "SELECT * FROM based_on WHERE flow=? AND source_ref IN ({})", [flow], refs
            ):
                values[(flow, row["source_ref"])][row["property"]] = row["value"]
        return [_link(row, values[(row["flow"], row["source_ref"])]) for row in rows]

    def _select_in(self, sql: str, head: list[Any], keys: Iterable[str]) -> list[sqlite3.Row]:
        keys = list(dict.fromkeys(keys))
        rows: list[sqlite3.Row] = []
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            query = sql.format(",".join("?" * len(chunk)))
            rows.extend(self._db.execute(query, [*head, *chunk]).fetchall())
        return rows

    # --- watermarks -------------------------------------------------------------------------

    def watermark(self, system: str, object_name: str) -> datetime | None:
        row = self._db.execute(
            "SELECT mark FROM watermarks WHERE system=? AND object=?", (system, object_name)
        ).fetchone()
        return None if row is None else datetime.fromisoformat(row["mark"])

    def watermarks(self) -> dict[tuple[str, str], datetime]:
        rows = self._db.execute("SELECT * FROM watermarks").fetchall()
        return {(r["system"], r["object"]): datetime.fromisoformat(r["mark"]) for r in rows}

    def save_watermarks(self, marks: Mapping[tuple[str, str], datetime]) -> None:
        self._execute_many(
            "INSERT OR REPLACE INTO watermarks VALUES (?,?,?)",
            [(system, obj, _ts(mark)) for (system, obj), mark in marks.items()],
        )

    def reset_watermarks(self) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM watermarks")

    # --- dead letters -----------------------------------------------------------------------

    def has_dead_letters(self) -> bool:
        return self._db.execute("SELECT 1 FROM dead_letters LIMIT 1").fetchone() is not None

    def dead_letters(self) -> list[DeadLetter]:
        rows = self._db.execute("SELECT * FROM dead_letters ORDER BY flow, source_ref").fetchall()
        return [_dead_letter(row) for row in rows]

    def replace_dead_letters(
        self, pairs: Iterable[tuple[str, str]], letters: Sequence[DeadLetter]
    ) -> None:
        """The pairs were just tried: their old letters go, `letters` (the new failures) stay.

        A letter that fails again keeps its first attempt and counts one more attempt.
        """
        pairs = list(dict.fromkeys(pairs))
        if not letters and not self.has_dead_letters():
            return  # nothing to delete, nothing to add: no transaction for the common case
        previous = self._dead_letters_of(pairs) if letters else {}
        with self._transaction():
            self._db.executemany("DELETE FROM dead_letters WHERE flow=? AND source_ref=?", pairs)
            self._db.executemany(
                "INSERT OR REPLACE INTO dead_letters VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [_dead_letter_row(letter, previous.get(_letter_key(letter))) for letter in letters],
            )

    def _dead_letters_of(
        self, pairs: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str, str], DeadLetter]:
        found: dict[tuple[str, str, str], DeadLetter] = {}
        for flow in {flow for flow, _ in pairs}:
            refs = [ref for f, ref in pairs if f == flow]
            rows = self._select_in(
                "SELECT * FROM dead_letters WHERE flow=? AND source_ref IN ({})", [flow], refs
            )
            found.update((_letter_key(lk), lk) for lk in map(_dead_letter, rows))
        return found

    # --- insert intents ---------------------------------------------------------------------

    def begin_inserts(self, intents: Sequence[InsertIntent]) -> None:
        """Write intents durably before their POSTs (an earlier one for the pair is replaced)."""
        self._execute_many(
            "INSERT OR REPLACE INTO insert_intents VALUES (?,?,?,?,?,?,?)",
            [
                (
                    i.flow,
                    i.source_ref,
                    i.idempotency_key,
                    i.state,
                    json.dumps(dict(i.payload)),
                    i.generation,
                    _ts(i.created_at),
                )
                for i in intents
            ],
        )

    def pending_intents(self) -> list[InsertIntent]:
        rows = self._db.execute(
            "SELECT * FROM insert_intents WHERE state='pending' ORDER BY created_at, source_ref"
        ).fetchall()
        return [_intent(row) for row in rows]

    def intents_for(self, flow: str, source_refs: Iterable[str]) -> dict[str, InsertIntent]:
        rows = self._select_in(
            "SELECT * FROM insert_intents WHERE flow=? AND source_ref IN ({})", [flow], source_refs
        )
        return {row["source_ref"]: _intent(row) for row in rows}

    def reject_intent(self, flow: str, source_ref: str) -> None:
        self._execute_many(
            "UPDATE insert_intents SET state='rejected' WHERE flow=? AND source_ref=?",
            [(flow, source_ref)],
        )


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error; the connection is in autocommit mode."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")


@retry(
    retry=retry_if_exception(
        lambda e: isinstance(e, sqlite3.OperationalError) and "locked" in str(e)
    ),
    wait=wait_random(0.02, 0.2),
    stop=stop_after_delay(15),
    reraise=True,
)
def _open_while_contended(path: Path) -> sqlite3.Connection:
    """Open, switch to WAL and make the schema; tried again while another opener holds the
    file. SQLite answers "database is locked" at once, without its busy timeout, when two
    connections would otherwise deadlock (switching a new file to WAL, for one)."""
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA busy_timeout=5000")
        connection.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL: a commit survives a killed process (not a power cut) and costs
        # no fsync, which keeps per-batch commits cheap at 100,000 records.
        connection.execute("PRAGMA synchronous=NORMAL")
        _ensure_schema(connection, path)
    except BaseException:
        connection.close()
        raise
    return connection


def _check_state_path(path: Path) -> None:
    """Say exactly what is wrong with a state path before SQLite says something vaguer."""
    if path.is_dir():
        raise StateStoreError(f"state path {path} is a folder; give the path of a state file")
    if not path.parent.is_dir():
        raise StateStoreError(
            f"the folder of state file {path} does not exist ({path.parent}); create it or"
            " choose another --state"
        )
    if not path.exists() and not os.access(path.parent, os.W_OK):
        raise StateStoreError(
            f"cannot create state file {path}: its folder {path.parent} is not writable"
        )


def _open_failure(path: Path, error: sqlite3.DatabaseError) -> str:
    """The one line for a state file SQLite could not open. Never a hint to delete it: a
    deleted state file makes the next run insert every record a second time."""
    text = str(error)
    if "not a database" in text or "malformed" in text:
        return (
            f"state file {path} is not a talkqa state file (SQLite says: {text}); point"
            " --state at the file this engine wrote; nothing was changed"
        )
    if "full" in text:
        return f"state file {path} cannot be written: the disk is full ({text})"
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return (
            f"state file {path} cannot be opened for writing ({text}); check the file's"
            " and its folder's permissions"
        )
    return f"state file {path} cannot be opened: {text}"


def _ensure_schema(db: sqlite3.Connection, path: Path) -> None:
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not tables:
        # IMMEDIATE takes the write lock first: two engines creating one new file at once
        # both wait their turn, and the second finds the schema the first made.
        db.execute("BEGIN IMMEDIATE")
        try:
            if not db.execute("SELECT 1 FROM sqlite_master WHERE type='table'").fetchone():
                # Statement by statement: executescript would commit the lock away first.
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    db.execute(statement)
                db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        if db.in_transaction:
            db.execute("COMMIT")
        return
    if "schema_version" not in tables:
        raise StateStoreError(
            f"state store {path} has no schema_version table; expected a talkqa state file "
            f"(schema version {SCHEMA_VERSION}), found tables: {', '.join(sorted(tables))}"
        )
    row = db.execute("SELECT max(version) FROM schema_version").fetchone()
    found = row[0] if row else None
    if found != SCHEMA_VERSION:
        newer = isinstance(found, int) and found > SCHEMA_VERSION
        raise StateStoreError(
            f"state store {path} has schema version {found}; this talkqa reads version "
            f"{SCHEMA_VERSION}" + (" (the file is from a newer talkqa)" if newer else "")
        )


def _ts(moment: datetime) -> str:
    return moment.isoformat()


def _ts_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _link(row: sqlite3.Row, based_on: Mapping[str, Value]) -> Link:
    return Link(
        flow=row["flow"],
        source_ref=row["source_ref"],
        target_ref=row["target_ref"],
        created_at=datetime.fromisoformat(row["created_at"]),
        based_on=based_on,
        source_seen_at=_dt(row["source_seen_at"]),
        target_seen_at=_dt(row["target_seen_at"]),
        source_deleted=bool(row["source_deleted"]),
        target_deleted=bool(row["target_deleted"]),
    )


def _dead_letter(row: sqlite3.Row) -> DeadLetter:
    return DeadLetter(
        flow=row["flow"],
        source_ref=row["source_ref"],
        direction=row["direction"],
        ref=row["ref"],
        error_code=row["error_code"],
        message=row["message"],
        retriable=bool(row["retriable"]),
        first_attempt=datetime.fromisoformat(row["first_attempt"]),
        last_attempt=datetime.fromisoformat(row["last_attempt"]),
        attempts=row["attempts"],
        snapshot=json.loads(row["snapshot"]),
    )


def _dead_letter_row(letter: DeadLetter, previous: DeadLetter | None) -> tuple[Any, ...]:
    first = previous.first_attempt if previous else letter.first_attempt
    attempts = previous.attempts + 1 if previous else letter.attempts
    return (
        letter.flow,
        letter.source_ref,
        letter.direction,
        letter.ref,
        letter.error_code,
        letter.message,
        int(letter.retriable),
        _ts(first),
        _ts(letter.last_attempt),
        attempts,
        json.dumps(dict(letter.snapshot)),
    )


def _letter_key(letter: DeadLetter) -> tuple[str, str, str]:
    return (letter.flow, letter.source_ref, letter.direction)


def _intent(row: sqlite3.Row) -> InsertIntent:
    return InsertIntent(
        flow=row["flow"],
        source_ref=row["source_ref"],
        idempotency_key=row["idempotency_key"],
        state=row["state"],
        payload=json.loads(row["payload"]),
        generation=row["generation"],
        created_at=datetime.fromisoformat(row["created_at"]),
    )
