"""The run ledger: every record a sandbox run created, appended as it happens (JSON lines).

    ledger = RunLedger(Path("reports/sandbox-ledger.jsonl"))
    ledger.created(Entry("20260105T090000Z-ab12cd", "crmoffice", "contacts", "100001", now))

Crmoffice contacts have no free field to carry a run tag (every property is mapped), so the
ledger is how teardown and `talkqa sweep` find them; Salesforce records carry the tag as well.
A line is written the moment a create is answered, so even a killed run leaves its trail.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock


def new_run_id(now: datetime | None = None) -> str:
    """Sortable and short: '20260105T090000Z-ab12cd' (a tag must fit Individual.FirstName)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


@dataclass(frozen=True)
class Entry:
    run_id: str
    system: str  # "salesforce" or "crmoffice"
    type_name: str  # Salesforce object ("Contact") or Crmoffice API type ("contacts")
    record_id: str
    at: datetime
    # Whose record it is: the Salesforce org id, or the Crmoffice base URL (an id alone names
    # a record in any account). Empty in lines an older talkqa wrote: sweep leaves those.
    account: str = ""
    # Crmoffice: a digest of the values this harness last wrote, so sweep can tell a record a
    # person changed since (and leave it).
    fingerprint: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.system, self.type_name, self.record_id)

    def describe(self) -> str:
        when = f"{self.at.astimezone(UTC):%Y-%m-%d %H:%M}Z"
        return f"{self.system} {self.type_name} {self.record_id} (run {self.run_id}, {when})"


# What a Crmoffice record holds that no write sets (the API stamps these itself).
_SYSTEM_FIELDS = frozenset({"id", "createdAt", "updatedAt", "deletedAt"})


def fingerprint(record: Mapping[str, Any]) -> str:
    """A digest of a record's own values, as the API answers them; an empty property ("" or
    null, or left out) counts as absent, so a create's answer and a later read agree."""
    values = {k: v for k, v in record.items() if k not in _SYSTEM_FIELDS and v not in (None, "")}
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class RunLedger:
    """Safe to share between threads and between processes (xdist workers append to one file):
    every append and every read holds a file lock beside the ledger, so a reader never sees half
    a line and two writers never interleave, whatever the file system does with O_APPEND."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._file_lock = FileLock(str(path) + ".lock", timeout=60)

    def created(self, entry: Entry) -> None:
        self._append("created", entry)

    def deleted(self, entry: Entry) -> None:
        self._append("deleted", entry)

    def written(self, entry: Entry) -> None:
        """The harness wrote the record again; entry.fingerprint is what it holds now."""
        self._append("written", entry)

    def pending(self) -> list[Entry]:
        """Records created and not yet deleted, oldest first."""
        alive: dict[tuple[str, str, str], Entry] = {}
        for event, entry in self._read():
            if event == "created":
                alive[entry.key] = entry
            elif event == "written":
                if entry.key in alive:
                    alive[entry.key] = replace(alive[entry.key], fingerprint=entry.fingerprint)
            else:
                alive.pop(entry.key, None)
        return sorted(alive.values(), key=lambda e: e.at)

    def _append(self, event: str, entry: Entry) -> None:
        line = json.dumps({"event": event, **asdict(entry), "at": entry.at.isoformat()})
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._file_lock, self.path.open("a", encoding="utf-8") as stream:
                stream.write(line + "\n")

    def _read(self) -> list[tuple[str, Entry]]:
        if not self.path.is_file():
            return []
        with self._lock, self._file_lock:
            text = self.path.read_text("utf-8")
        rows = []
        for line in text.splitlines():
            if line.strip():
                raw = json.loads(line)
                event = raw.pop("event")
                rows.append((event, Entry(**{**raw, "at": datetime.fromisoformat(raw["at"])})))
        return rows
